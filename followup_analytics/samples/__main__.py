"""``python -m followup_analytics.samples [--out DIR] [--seed N]``: write the bundled samples."""

from __future__ import annotations

import argparse
import sys

from .files import write_samples


def main(argv: list[str] | None = None) -> int:
    """Write the sample files and print their paths; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m followup_analytics.samples",
        description="Write the synthetic sample spreadsheets (deterministic for a seed).",
    )
    parser.add_argument("--out", default="data_samples", help="output folder (data_samples)")
    parser.add_argument("--seed", type=int, default=2026, help="simulation seed (2026)")
    args = parser.parse_args(argv)
    try:
        paths = write_samples(args.out, seed=args.seed)
    except OSError as exc:
        print(f"error: cannot write samples to {args.out}: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
