"""The ``followup-analytics`` command.

Subcommands
-----------
inspect FILE...   print what ``load`` found (layout, header row, mapping, quarantine ...)
report INPUT...   write the cohort report (HTML and Excel)
demo              run inspect and report on the bundled samples

Unusable input or arguments exit with status 2 and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import SpreadsheetError


def _parser() -> argparse.ArgumentParser:
    from .ingest.layouts import LAYOUTS
    from .version import __version__

    p = argparse.ArgumentParser(
        prog="followup-analytics",
        description="Which job-search follow-up strategies go with replies, interviews "
                    "and offers.")
    sub = p.add_subparsers(dest="command", required=True)

    ins = sub.add_parser("inspect", help="show what load() finds in spreadsheets")
    ins.add_argument("inputs", nargs="+", metavar="FILE", help="files, folders or globs")
    ins.add_argument("--layout", default="auto", choices=LAYOUTS,
                     help="force a layout (default: auto, detected per sheet)")
    ins.add_argument("--as-of", default=None, help="censoring date (default: latest date)")
    ins.add_argument("--seeker", default=None, help="seeker name for single-person files")

    rep = sub.add_parser("report", help="write the cohort report (HTML and Excel)")
    rep.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    rep.add_argument("--by", default=None, help="cohort column to break the report down by")
    rep.add_argument("--out", default="report", help="output folder (default: report/)")
    rep.add_argument("--format", default="html,xlsx", help="html, xlsx or both (default)")
    rep.add_argument("--min-cell", type=int, default=10,
                     help="suppress counts below this (default: 10)")
    rep.add_argument("--as-of", default=None, help="censoring date (default: latest date)")
    rep.add_argument("--title", default=None, help="report title")
    rep.add_argument("--salt", default=None,
                     help="secret for the pseudonyms (default: your own key, created once "
                          "in ~/.config/followup_analytics/pseudonym.key)")

    demo = sub.add_parser("demo", help="inspect and report on the bundled samples")
    demo.add_argument("--out", default="out", help="output folder (default: out/)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _inspect(args: argparse.Namespace) -> int:
    """Print what ``load`` finds: per sheet the layout and its evidence, the header row,
    the column mapping, counts, quarantined rows and values outside the vocabulary."""
    import warnings

    from .errors import FollowupWarning
    from .ingest.load import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)  # everything is in the report
        log = load(*args.inputs, layout=args.layout, as_of=args.as_of, seeker=args.seeker)
    print(log.report)
    counts = log.events["event"].value_counts()
    print("Events: " + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "none"))
    print()
    print(repr(log))
    return 0


def _report(args: argparse.Namespace) -> int:
    from .cohort.command import run_report

    return run_report(args)


def _demo(args: argparse.Namespace) -> int:
    from .cohort.command import run_demo

    return run_demo(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``followup-analytics`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    handler = {"inspect": _inspect, "report": _report, "demo": _demo}[args.command]
    try:
        return handler(args)
    except (SpreadsheetError, ValueError, FileNotFoundError, PermissionError,
            IsADirectoryError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"followup-analytics: error: {first}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
