"""The ``report`` and ``demo`` subcommands of ``followup-analytics``.

Argument problems raise ``ValueError`` with a one-line message; ``followup_analytics.cli``
turns it into exit status 2 without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FollowupWarning
from ..samples.bundled import SAMPLES_DIR
from .report import resolve_by

if TYPE_CHECKING:
    from ..log import JobSearchLog

FORMATS = ("html", "xlsx")
STEM = "cohort_report"
#: Middle part of the private appendix's name (``cohort_report.private-seekers.xlsx``).
PRIVATE = "private-seekers"
#: Where the bundled sample workbook lives in a source checkout (editable install).
SAMPLES = SAMPLES_DIR / "cohort_2026.xlsx"


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,xlsx"`` -> ``("html", "xlsx")``; unknown names raise ValueError."""
    names = [p.strip().lower().lstrip(".") for p in str(text).split(",") if p.strip()]
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ValueError(f"--format {text!r}: unknown format {bad[0] if bad else '(none)'!r}; "
                         f"choose from {', '.join(FORMATS)} (comma-separated)")
    return tuple(dict.fromkeys(names))


def _out_dir(out: str) -> tuple[Path, list[Path]]:
    """The output folder, created when missing; also the folders this call created."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {out!r} is a file, not a folder")
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
        raise ValueError(f"--min-cell must be at least 1; got {min_cell}")


def _wrote(path: Path) -> str:
    private = " (private: per-seeker rows, for you alone; do not share)"
    return f"wrote {path}" + (private if PRIVATE in path.name else "")


def write_report(log: object, out: Path, formats: tuple[str, ...], **options: object) -> list[Path]:
    """Build the cohort report of `log` and write it in `formats` into `out`.

    Returns
    -------
    list of Path
        The files written: ``cohort_report.html`` and ``cohort_report.xlsx`` (one set,
        from one run; modes follow the umask), then the private appendix
        ``cohort_report.private-seekers.xlsx`` (mode 0600, for the adviser alone).
    """
    from .report import cohort_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        report = cohort_report(log, **options)
        written = report.write({fmt: out / f"{STEM}.{fmt}" for fmt in FORMATS
                                if fmt in formats})
        written.append(report.to_private_excel(out / f"{STEM}.{PRIVATE}.xlsx"))
    return written


def run_report(args: argparse.Namespace) -> int:
    """``followup-analytics report INPUT… [--by] [--out] [--format] [--min-cell] [--as-of]
    [--title] [--salt]``: load the inputs and write the cohort report; return 0."""
    from ..ingest.load import load

    formats = parse_formats(args.format)
    _check_min_cell(args.min_cell)
    missing = [p for p in args.inputs if not any(ch in p for ch in "*?[") and not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"input not found: {missing[0]}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        log = load(*args.inputs, as_of=args.as_of)
    try:
        by = resolve_by(log, args.by)
    except ValueError:
        raise ValueError(f"--by {args.by!r} is not a column of the input; choose one of "
                         f"{', '.join(log.carried_columns) or '(none found)'}") from None
    out, made = _out_dir(args.out)
    try:
        written = write_report(log, out, formats, by=by, min_cell=args.min_cell,
                               salt=args.salt, title=args.title)
    except BaseException:
        _remove_empty(made)
        raise
    print(f"{log.report.n_loaded} rows loaded, {log.report.n_quarantined} quarantined "
          f"(see `followup-analytics inspect`)")
    for path in written:
        print(_wrote(path))
    return 0


def _headline(log: JobSearchLog) -> str:
    from ..metrics.summary import summary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        table = summary(log)
    lines = ["Headline:"]
    metric: str
    for metric, value in zip(table["metric"], table["value"], strict=True):
        if metric in ("applications", "seekers"):
            text = f"{int(value):,}"
        elif "median" in metric:
            text = ("not reached (fewer than half got a response)" if value != value
                    else f"{value:.0f} days")
        else:
            text = "n/a" if value != value else f"{value:.1%}"
        lines.append(f"  {metric.replace('_', ' ')}: {text}")
    return "\n".join(lines)


def run_demo(args: argparse.Namespace) -> int:
    """``followup-analytics demo [--out DIR]``: load the bundled samples, print what was
    loaded and the headline numbers, and write the cohort report by program; return 0."""
    from ..ingest.load import load

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
    for path in write_report(log, out, FORMATS, by=by, min_cell=10, salt="sample data",
                             title="Sample cohort 2026 (synthetic data)"):
        print(_wrote(path))
    return 0
