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
import os
import re
import sys
import traceback
from collections.abc import Sequence

from .errors import SpreadsheetError


def _parser() -> argparse.ArgumentParser:
    from .ingest.layouts import LAYOUTS
    from .version import __version__

    p = argparse.ArgumentParser(
        prog="followup-analytics",
        description="Which job-search follow-up strategies go with replies, interviews "
                    "and offers.")
    p.add_argument("--debug", action="store_true",
                   help="show the traceback of an unexpected error")
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
    counts = log.events["event"].value_counts()
    print(clean(str(log.report)))
    print(clean("Events: " + (", ".join(f"{k} {v}" for k, v in counts.items() if v)
                              or "none")))
    print()
    print(clean(repr(log)))
    return 0


# C0 controls but tab and newline, DEL, C1 controls, and bidirectional overrides
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` with terminal control characters shown escaped (``\\x1b``), harmless."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


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
        print(f"followup-analytics: internal error ({type(exc).__name__}: "
              f"{clean(str(exc).splitlines()[0] if str(exc) else '')}); this is a bug: "
              "rerun with --debug for the traceback and report it", file=sys.stderr)
        return 1


def _from_input(exc: BaseException) -> bool:
    """Whether the error is about the input or the arguments (exit 2), not a bug (exit 1):
    SpreadsheetError, a file-system error naming a path, or a ValueError raised by this
    package's own argument checks."""
    if isinstance(exc, SpreadsheetError):
        return True
    if isinstance(exc, OSError):
        return exc.filename is not None or isinstance(exc, FileNotFoundError | PermissionError)
    if type(exc) is ValueError:
        frames = traceback.extract_tb(exc.__traceback__)
        return bool(frames) and "followup_analytics" in frames[-1].filename
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
