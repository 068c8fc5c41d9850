"""Benchmark: the cohort report for 1,000 seekers and about 100,000 applications.

Simulates the cohort with the sample generator
(:func:`followup_analytics.samples.simulate`, the frames behind ``simulate_log``), writes it
as an adviser's cohort workbook in the bundled ``cohort_2026.xlsx`` format (cached in the
temp folder; writing is not timed), then times in this process:

- ``load(workbook)`` alone (the reference);
- the full report from the file: ``load`` + ``cohort_report(by="program")`` + ``to_html`` +
  ``to_excel``, with the steps broken down.

Prints wall-clock and CPU (``time.process_time``) seconds and the ratio of the full report to
``load`` alone (best of two loads). On a shared machine the wall-clock times swing with the
other processes; the CPU times show what the run costs. Target: full report <= 30 s.
Run: ``.venv/bin/python benchmarks/report.py [n_seekers]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from collections.abc import Callable
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
        print(
            f"wrote {path} ({len(apps):,} applications) in "
            f"{time.perf_counter() - t0:.0f} s (not timed)"
        )
    return path


def _timed(steps: dict, name: str, fn: Callable[[], object]) -> object:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    steps[name] = (time.perf_counter() - w0, time.process_time() - c0)
    return out


def main(n_seekers: int = 1_000) -> None:
    path = _workbook(n_seekers)
    out = Path(tempfile.mkdtemp(prefix="cohort_report_bench_"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        ref: dict = {}
        for i in range(2):
            log = _timed(ref, f"load {i}", lambda: load(path))
        t_load = min(ref.values())
        print(
            f"load alone (best of 2): {t_load[0]:.2f} s wall, {t_load[1]:.2f} s CPU "
            f"({len(log):,} applications, {len(log.events):,} events, "
            f"{len(log.seekers):,} seekers)"
        )
        steps: dict = {}
        log = _timed(steps, "load", lambda: load(path))
        report = _timed(
            steps,
            "cohort_report (tables)",
            lambda: cohort_report(log, by="program", min_cell=10, salt="bench"),
        )
        _timed(
            steps, "to_html (figures + html)", lambda: report.to_html(out / "cohort_report.html")
        )
        _timed(steps, "to_excel", lambda: report.to_excel(out / "cohort_report.xlsx"))
    for name, (wall, cpu) in steps.items():
        print(f"  {name:<28} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    wall = sum(w for w, _ in steps.values())
    cpu = sum(c for _, c in steps.values())
    print(
        f"full report from the file: {wall:.2f} s wall = {wall / t_load[0]:.2f} x load alone; "
        f"{cpu:.2f} s CPU = {cpu / t_load[1]:.2f} x (target <= 30 s: "
        f"{'met' if wall <= 30 else 'NOT met'} by wall clock); output in {out}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
