"""The ``report`` and ``demo`` subcommands of ``followup-analytics``.

Argument problems raise ``ValueError`` with a one-line message; ``followup_analytics.cli``
turns it into exit status 2 without a traceback.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from ..errors import FollowupWarning
from ..samples.bundled import SAMPLES_DIR
from .report import resolve_by

FORMATS = ("html", "xlsx")
STEM = "cohort_report"
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


def _out_dir(out: str) -> Path:
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {out!r} is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_min_cell(min_cell: int) -> None:
    if min_cell < 1:
        raise ValueError(f"--min-cell must be at least 1; got {min_cell}")


def write_report(log: object, out: Path, formats: tuple[str, ...], **options: object) -> list[Path]:
    """Build the cohort report of `log` and write it in `formats` into `out`.

    Returns
    -------
    list of Path
        The files written (``cohort_report.html``, ``cohort_report.xlsx``).
    """
    from .report import cohort_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        report = cohort_report(log, **options)
        written = []
        if "html" in formats:
            written.append(report.to_html(out / f"{STEM}.html"))
        if "xlsx" in formats:
            written.append(report.to_excel(out / f"{STEM}.xlsx"))
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
    out = _out_dir(args.out)
    written = write_report(log, out, formats, by=by, min_cell=args.min_cell,
                           salt=args.salt, title=args.title)
    print(f"{log.report.n_loaded} rows loaded, {log.report.n_quarantined} quarantined "
          f"(see `followup-analytics inspect`)")
    for path in written:
        print(f"wrote {path}")
    return 0


def _headline(log: object) -> str:
    from ..metrics.summary import summary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        table = summary(log)
    lines = ["Headline:"]
    for row in table.itertuples(index=False):
        value = row.value
        if row.metric in ("applications", "seekers"):
            text = f"{int(value):,}"
        elif "median" in row.metric:
            text = ("not reached (fewer than half got a response)" if value != value
                    else f"{value:.0f} days")
        else:
            text = "n/a" if value != value else f"{value:.1%}"
        lines.append(f"  {row.metric.replace('_', ' ')}: {text}")
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
    out = _out_dir(args.out)
    for path in write_report(log, out, FORMATS, by=by, min_cell=10, salt=None,
                             title="Sample cohort 2026 (synthetic data)"):
        print(f"wrote {path}")
    return 0
