"""Benchmark: ``load()`` against plain pandas readers on large trackers.

Builds (once, cached in the temp folder) a 200,000-row wide tracker as .xlsx (openpyxl
write-only, real date cells) and a 1,000,000-row one as .csv, then times in a fresh
subprocess per measurement, so peak memory (``ru_maxrss``) belongs to one case; reference and
``load()`` run back to back and the median of the paired ratios is reported (the machine may be
shared):

- ``followup_analytics.load(xlsx)`` vs ``pandas.read_excel(xlsx, engine="calamine")``;
- ``followup_analytics.load(csv)`` vs ``pandas.read_csv(csv)``.

Targets: load ≤ 1.5x read_excel for the xlsx, ≤ 3x read_csv for the csv, peak memory ≤ 2 GB
for the csv. Run: ``python benchmarks/ingest.py [--repeat N] [--xlsx-rows N] [--csv-rows N]``.
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
import pandas as pd

HEADER = [
    "Student",
    "Program",
    "Company",
    "Position",
    "Date Applied",
    "Follow-up 1 Date",
    "Follow-up 1 Method",
    "Follow-up 1 Type",
    "Follow-up 1 To",
    "Response Date",
    "Interview 1 Date",
    "Status",
]
CACHE = Path(tempfile.gettempdir()) / "followup_analytics_bench"


def _frame(n: int, seed: int = 7) -> pd.DataFrame:
    """A realistic wide tracker: dates as datetime64, text with repeats, gaps."""
    rng = np.random.default_rng(seed)
    applied = pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.integers(0, 600, n), "D")

    def later(p: float, lo: int, hi: int) -> pd.Series:
        d = applied + pd.to_timedelta(rng.integers(lo, hi, n), "D")
        return pd.Series(d).where(rng.random(n) < p)

    return pd.DataFrame(
        {
            "Student": rng.choice([f"Student {i:03d}" for i in range(400)], n),
            "Program": rng.choice(["Data", "UX", "Web", "Cloud"], n),
            "Company": rng.choice([f"Company {i}" for i in range(5000)], n),
            "Position": rng.choice(["Analyst", "Engineer", "Designer", "PM", "Intern"], n),
            "Date Applied": applied,
            "Follow-up 1 Date": later(0.5, 2, 20),
            "Follow-up 1 Method": rng.choice(["email", "e-mail", "phone", "LinkedIn", "letter"], n),
            "Follow-up 1 Type": rng.choice(["status check", "TY note", "value add"], n),
            "Follow-up 1 To": rng.choice(["HR", "Hiring manager", "Recruiter"], n),
            "Response Date": later(0.4, 3, 40),
            "Interview 1 Date": later(0.12, 7, 30),
            "Status": rng.choice(
                ["Applied", "Rejected", "Ghosted", "Interviewing", "Offer!"],
                n,
                p=[0.35, 0.3, 0.25, 0.08, 0.02],
            ),
        }
    )


def _build_xlsx(path: Path, n: int) -> None:
    import openpyxl

    df = _frame(n)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Applications")
    ws.append(["Cohort tracker"])
    ws.append([])
    ws.append(HEADER)
    cols = []
    for c in HEADER:
        s = df[c]
        cols.append(s.dt.to_pydatetime().tolist() if s.dtype.kind == "M" else s.tolist())
    for row in zip(*cols, strict=True):
        ws.append([None if v is pd.NaT or v != v else v for v in row])
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    tmp.replace(path)


def _build_csv(path: Path, n: int) -> None:
    df = _frame(n, seed=11)
    for c in HEADER:
        if df[c].dtype.kind == "M":
            df[c] = df[c].dt.strftime("%m/%d/%Y")
    tmp = path.with_suffix(".part")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def _ensure(kind: str, n: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"tracker_{n}.{kind}"
    if not path.exists():
        t0 = time.perf_counter()
        (_build_xlsx if kind == "xlsx" else _build_csv)(path, n)
        print(f"built {path} in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def _measure(what: str, path: str) -> None:
    """Child process: run one reader once, print seconds and peak RSS as JSON."""
    import resource
    import warnings

    if what == "load":  # the package import (about 2 s, mostly scipy) is not timed
        from followup_analytics import FollowupWarning, load
    t0 = time.perf_counter()
    if what == "load":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FollowupWarning)
            log = load(path, as_of="2026-12-31")
        rows = len(log)
    elif path.endswith(".xlsx"):
        rows = len(pd.read_excel(path, engine="calamine", header=2))
    else:
        rows = len(pd.read_csv(path))
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": rows}))


def _child(what: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pairs(path: Path, repeat: int) -> tuple[dict[str, float], dict[str, float], float]:
    """Run reference and load() back to back `repeat` times (so both see the same machine
    load); return the fastest of each and the median of the per-pair ratios."""
    refs, ours = [], []
    for _ in range(repeat):
        refs.append(_child("reference", path))
        ours.append(_child("load", path))
    ratios = sorted(o["seconds"] / r["seconds"] for r, o in zip(refs, ours, strict=True))
    best_ref = min(refs, key=lambda r: r["seconds"])
    best_ours = min(ours, key=lambda r: r["seconds"])
    best_ours["peak_mb"] = max(o["peak_mb"] for o in ours)
    return best_ref, best_ours, float(np.median(ratios))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    p.add_argument(
        "--repeat", type=int, default=3, help="paired runs per case; the median ratio counts"
    )
    p.add_argument("--xlsx-rows", type=int, default=200_000)
    p.add_argument("--csv-rows", type=int, default=1_000_000)
    args = p.parse_args(argv)
    if args.child:
        _measure(*args.child)
        return
    targets = {"xlsx": 1.5, "csv": 3.0}
    for kind, n, ref_name in (
        ("xlsx", args.xlsx_rows, 'read_excel(engine="calamine")'),
        ("csv", args.csv_rows, "read_csv"),
    ):
        path = _ensure(kind, n)
        ref, ours, ratio = _pairs(path, args.repeat)
        verdict = "ok" if ratio <= targets[kind] else "SLOWER than target"
        print(
            f"{kind} {n:,} rows: load() {ours['seconds']:.2f} s (peak {ours['peak_mb']:.0f} MB,"
            f" {ours['rows']:,} applications) / pandas.{ref_name} {ref['seconds']:.2f} s "
            f"(peak {ref['peak_mb']:.0f} MB): median ratio of {args.repeat} paired runs "
            f"{ratio:.2f}x [target <= {targets[kind]}x: {verdict}]",
            flush=True,
        )


if __name__ == "__main__":
    main()
