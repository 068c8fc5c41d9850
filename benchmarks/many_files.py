"""Benchmark: many small trackers against one file holding the same rows.

Builds (once, cached in the temp folder) a folder of 5,000 small csv trackers (4 rows each,
one per seeker) and one csv holding the same 20,000 rows, then times ``load(folder)`` and
``load(file)`` back to back in fresh subprocesses and reports the median of the paired
ratios. Target: the folder loads within 3x the time of the single file.

Run: ``python benchmarks/many_files.py [--files N] [--rows-per-file N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CACHE = Path(tempfile.gettempdir()) / "followup_analytics_bench"
HEADER = "Seeker,Company,Date Applied,Follow-up Date,Status\n"
STATUS = ["Applied", "Rejected", "Ghosted", "Interviewing", "Offer"]


def _rows(seeker: int, n: int, rng: np.random.Generator) -> str:
    out = []
    for i in range(n):
        day = int(rng.integers(1, 28))
        follow = f"2026-04-{min(day + 5, 28):02d}" if rng.random() < 0.5 else ""
        out.append(
            f"Seeker {seeker},Company {seeker}-{i},2026-04-{day:02d},{follow},"
            f"{STATUS[int(rng.integers(0, 5))]}\n"
        )
    return "".join(out)


def _ensure(files: int, per_file: int) -> tuple[Path, Path]:
    folder = CACHE / f"many_{files}x{per_file}"
    single = CACHE / f"many_{files}x{per_file}.csv"
    if not single.exists():
        t0 = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(3)
        parts = []
        for s in range(files):
            body = _rows(s, per_file, rng)
            (folder / f"seeker_{s:05d}.csv").write_text(HEADER + body)
            parts.append(body)
        tmp = single.with_suffix(".part")
        tmp.write_text(HEADER + "".join(parts))
        tmp.replace(single)
        print(f"built {folder} and {single} in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder, single


def _measure(path: str) -> None:
    """Child process: load once, print seconds and rows as JSON."""
    import warnings

    from followup_analytics import FollowupWarning, load

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        log = load(path, as_of="2026-12-31")
    print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(log)}))


def _child(path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    p.add_argument("--files", type=int, default=5_000)
    p.add_argument("--rows-per-file", type=int, default=4)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    if args.child:
        _measure(args.child)
        return
    folder, single = _ensure(args.files, args.rows_per_file)
    pairs = [(_child(single), _child(folder)) for _ in range(args.repeat)]
    ratio = float(np.median([f["seconds"] / s["seconds"] for s, f in pairs]))
    one = min(s["seconds"] for s, _ in pairs)
    many = min(f["seconds"] for _, f in pairs)
    verdict = "ok" if ratio <= 3.0 else "SLOWER than target"
    print(
        f"{args.files:,} files x {args.rows_per_file} rows: load(folder) {many:.2f} s / "
        f"load(one file of the same {pairs[0][0]['rows']:,} applications) {one:.2f} s: "
        f"median ratio of {args.repeat} paired runs {ratio:.2f}x [target <= 3x: {verdict}]",
        flush=True,
    )


if __name__ == "__main__":
    main()
