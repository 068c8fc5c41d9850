"""Benchmark: the cohort report for 1,000 seekers and about 100,000 applications.

Simulates the cohort with the sample generator
(:func:`followup_analytics.samples.simulate`, the frames behind ``simulate_log``), writes it
as an adviser's cohort workbook in the bundled ``cohort_2026.xlsx`` format (cached in the
temp folder; writing is not timed), then times in this process:

- ``load(workbook)`` alone (the reference);
- the full report from the file: ``load`` + ``cohort_report(by="program")`` + ``to_html`` +
  ``to_excel``, with the steps broken down.

Prints the times and the ratio of the full report to ``load`` alone. Target: full report
<= 30 s. Run: ``.venv/bin/python benchmarks/report.py [n_seekers]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

from followup_analytics import FollowupWarning, cohort_report, load
from followup_analytics.samples.files import _cohort
from followup_analytics.samples.simulate import simulate

CACHE = Path(tempfile.gettempdir()) / "followup_analytics_bench"


def _workbook(n_seekers: int) -> Path:
    path = CACHE / f"cohort_{n_seekers}.xlsx"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        events, apps = simulate(n_seekers, (60, 140), seed=5)
        path.write_bytes(_cohort(events, apps))
        print(f"wrote {path} ({len(apps):,} applications) in "
              f"{time.perf_counter() - t0:.0f} s (not timed)")
    return path


def main(n_seekers: int = 1_000) -> None:
    path = _workbook(n_seekers)
    out = Path(tempfile.mkdtemp(prefix="cohort_report_bench_"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        t0 = time.perf_counter()
        log = load(path)
        t_load = time.perf_counter() - t0
        print(f"load alone: {t_load:.2f} s ({len(log):,} applications, "
              f"{len(log.events):,} events, {len(log.seekers):,} seekers)")

        steps = {}
        t0 = time.perf_counter()
        log = load(path)
        steps["load"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = cohort_report(log, by="program", min_cell=10, salt="bench")
        steps["cohort_report (tables)"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        report.to_html(out / "cohort_report.html")
        steps["to_html (figures + html)"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        report.to_excel(out / "cohort_report.xlsx")
        steps["to_excel"] = time.perf_counter() - t1
        total = time.perf_counter() - t0
    for name, seconds in steps.items():
        print(f"  {name:<28} {seconds:6.2f} s")
    print(f"full report from the file: {total:.2f} s = {total / t_load:.2f} x load alone "
          f"(target <= 30 s: {'met' if total <= 30 else 'NOT met'}); output in {out}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
