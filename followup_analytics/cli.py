"""The ``followup-analytics`` command.

Subcommands
-----------
inspect FILE...   print what ``load`` found (layout, header row, mapping, quarantine ...)
report INPUT...   write the cohort report (HTML and Excel)
demo              run inspect and report on the bundled samples

Unusable input or arguments exit with status 2 and a one-line message naming the file and
the reason, never a traceback. An error of the program itself exits with status 1 and a hint
to rerun with ``--debug``, which shows the traceback. A closed pipe (``inspect ... | head``)
ends the command quietly. Terminal control characters in what ``inspect`` prints (file names,
cell values) are shown escaped, never sent to the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ArgumentError, FollowupWarning, SpreadsheetError
from .samples.bundled import SAMPLES_DIR

if TYPE_CHECKING:
    from .log import JobSearchLog

FORMATS = ("html", "xlsx")
STEM = "cohort_report"
#: Middle part of the private appendix's name (``cohort_report.private-seekers.xlsx``).
PRIVATE = "private-seekers"
#: Where the bundled sample workbook lives in a source checkout (editable install).
SAMPLES = SAMPLES_DIR / "cohort_2026.xlsx"


def _parser() -> argparse.ArgumentParser:
    from .ingest.layouts import LAYOUTS
    from .version import __version__

    p = argparse.ArgumentParser(
        prog="followup-analytics",
        description="Which job-search follow-up strategies go with replies, interviews and offers.",
    )
    p.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", required=True)

    ins = sub.add_parser("inspect", help="show what load() finds in spreadsheets")
    ins.add_argument("inputs", nargs="+", metavar="FILE", help="files, folders or globs")
    ins.add_argument(
        "--layout",
        default="auto",
        choices=LAYOUTS,
        help="force a layout (default: auto, detected per sheet)",
    )
    ins.add_argument("--as-of", default=None, help="censoring date (default: latest date)")
    ins.add_argument("--seeker", default=None, help="seeker name for single-person files")
    _dayfirst_option(ins)

    rep = sub.add_parser("report", help="write the cohort report (HTML and Excel)")
    rep.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    rep.add_argument("--by", default=None, help="cohort column to break the report down by")
    rep.add_argument("--out", default="report", help="output folder (default: report/)")
    rep.add_argument("--format", default="html,xlsx", help="html, xlsx or both (default)")
    rep.add_argument(
        "--min-cell", type=int, default=10, help="suppress counts below this (default: 10)"
    )
    rep.add_argument("--as-of", default=None, help="censoring date (default: latest date)")
    rep.add_argument("--title", default=None, help="report title")
    _dayfirst_option(rep)
    rep.add_argument(
        "--salt",
        default=None,
        help="secret for the pseudonyms (default: your own key, created once "
        "in ~/.config/followup_analytics/pseudonym.key)",
    )

    demo = sub.add_parser("demo", help="inspect and report on the bundled samples")
    demo.add_argument("--out", default="out", help="output folder (default: out/)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _dayfirst_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dayfirst",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read dates like 03/04/2026 as 3 April (--no-dayfirst: "
        "4 March) when the values cannot decide (default: month-first, "
        "day-first for '.' separators)",
    )


def _inspect(args: argparse.Namespace) -> int:
    """Print what ``load`` finds: per sheet the layout and its evidence, the header row,
    the column mapping, counts, quarantined rows and values outside the vocabulary."""
    from .ingest.load import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)  # everything is in the report
        log = load(
            *args.inputs,
            layout=args.layout,
            as_of=args.as_of,
            seeker=args.seeker,
            dayfirst=args.dayfirst,
        )
    counts = log.events["event"].value_counts()
    print(clean(str(log.report)))
    print(clean("Events: " + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "none")))
    print()
    print(clean(repr(log)))
    return 0


# C0 controls but tab and newline, DEL, C1 controls, and bidirectional overrides
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` with terminal control characters shown escaped (``\\x1b``), harmless."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def _parse_formats(text: str) -> tuple[str, ...]:
    """``"html,xlsx"`` -> ``("html", "xlsx")``; unknown names raise ArgumentError."""
    names = [p.strip().lower().lstrip(".") for p in str(text).split(",") if p.strip()]
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ArgumentError(
            f"--format {text!r}: unknown format {bad[0] if bad else '(none)'!r}; "
            f"choose from {', '.join(FORMATS)} (comma-separated)"
        )
    return tuple(dict.fromkeys(names))


def _out_dir(out: str) -> tuple[Path, list[Path]]:
    """The output folder, created when missing; also the folders this call created."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ArgumentError(f"--out {out!r} is a file, not a folder")
    made = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return path, made


def _remove_empty(made: list[Path]) -> None:
    """Remove the folders a failed run created, when they are still empty."""
    for folder in made:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _check_min_cell(min_cell: int) -> None:
    if min_cell < 1:
        raise ArgumentError(f"--min-cell must be at least 1; got {min_cell}")


def _wrote(path: Path) -> str:
    private = " (private: per-seeker rows, for you alone; do not share)"
    return f"wrote {path}" + (private if PRIVATE in path.name else "")


def _write_report(
    log: JobSearchLog, out: Path, formats: tuple[str, ...], **options: object
) -> list[Path]:
    """Build the cohort report of `log` and write it in `formats` into `out`.

    Returns
    -------
    list of Path
        The files written: ``cohort_report.html`` and ``cohort_report.xlsx`` (one set,
        from one run; modes follow the umask), then the private appendix
        ``cohort_report.private-seekers.xlsx`` (mode 0600, for the adviser alone).
    """
    from .cohort.report import cohort_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        report = cohort_report(log, **options)
        written = report.write({fmt: out / f"{STEM}.{fmt}" for fmt in FORMATS if fmt in formats})
        written.append(report.to_private_excel(out / f"{STEM}.{PRIVATE}.xlsx"))
    return written


def _report(args: argparse.Namespace) -> int:
    """``followup-analytics report INPUT… [--by] [--out] [--format] [--min-cell] [--as-of]
    [--title] [--salt] [--dayfirst]``: load the inputs and write the cohort report; return 0."""
    from .cohort.report import resolve_by
    from .ingest.load import load

    formats = _parse_formats(args.format)
    _check_min_cell(args.min_cell)
    missing = [p for p in args.inputs if not any(ch in p for ch in "*?[") and not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"input not found: {missing[0]}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        log = load(*args.inputs, as_of=args.as_of, dayfirst=args.dayfirst)
    try:
        by = resolve_by(log, args.by)
    except ValueError:
        raise ArgumentError(
            f"--by {args.by!r} is not a column of the input; choose one of "
            f"{', '.join(log.carried_columns) or '(none found)'}"
        ) from None
    out, made = _out_dir(args.out)
    try:
        written = _write_report(
            log, out, formats, by=by, min_cell=args.min_cell, salt=args.salt, title=args.title
        )
    except BaseException:
        _remove_empty(made)
        raise
    print(
        f"{log.report.n_loaded} rows loaded, {log.report.n_quarantined} quarantined "
        f"(see `followup-analytics inspect`)"
    )
    for path in written:
        print(_wrote(path))
    return 0


def _headline(log: JobSearchLog) -> str:
    from .metrics.summary import summary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        table = summary(log)
    lines = ["Headline:"]
    metric: str
    for metric, value in zip(table["metric"], table["value"], strict=True):
        if metric in ("applications", "seekers"):
            text = f"{int(value):,}"
        elif "median" in metric:
            text = (
                "not reached (fewer than half got a response)"
                if value != value
                else f"{value:.0f} days"
            )
        else:
            text = "n/a" if value != value else f"{value:.1%}"
        lines.append(f"  {metric.replace('_', ' ')}: {text}")
    return "\n".join(lines)


def _demo(args: argparse.Namespace) -> int:
    """``followup-analytics demo [--out DIR]``: load the bundled samples, print what was
    loaded and the headline numbers, and write the cohort report by program; return 0."""
    from .ingest.load import load

    if not SAMPLES.exists():
        raise FileNotFoundError(f"bundled samples not found at {SAMPLES}; run `make samples`")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        log = load(SAMPLES)
    print(log.report)
    print()
    print(repr(log))
    print()
    print(_headline(log))
    print()
    by = next((c for c in log.carried_columns if c.lower() == "program"), None)
    out, _ = _out_dir(args.out)
    # synthetic data: a fixed salt, so the demo leaves no key in the user's folder
    for path in _write_report(
        log,
        out,
        FORMATS,
        by=by,
        min_cell=10,
        salt="sample data",
        title="Sample cohort 2026 (synthetic data)",
    ):
        print(_wrote(path))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``followup-analytics`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    handler = {"inspect": _inspect, "report": _report, "demo": _demo}[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except Exception as exc:
        if args.debug:
            raise
        if _from_input(exc):
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"followup-analytics: error: {clean(first)}", file=sys.stderr)
            return 2
        print(
            f"followup-analytics: internal error ({type(exc).__name__}: "
            f"{clean(str(exc).splitlines()[0] if str(exc) else '')}); this is a bug: "
            "rerun with --debug for the traceback and report it",
            file=sys.stderr,
        )
        return 1


def _from_input(exc: BaseException) -> bool:
    """Whether the error is about the input or the arguments (exit 2), not a bug (exit 1):
    SpreadsheetError, ArgumentError (this package's own argument checks) or a file-system
    error naming a path. Any other exception, a plain ValueError included, is a bug."""
    if isinstance(exc, SpreadsheetError | ArgumentError):
        return True
    if isinstance(exc, OSError):
        return exc.filename is not None or isinstance(exc, FileNotFoundError | PermissionError)
    return False


def _quiet_stdout() -> None:
    """After a broken pipe, send what is left of stdout nowhere (no second error at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
