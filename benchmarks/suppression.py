"""Hidden counts before and after: the table-by-table rule against the one audit.

For the bundled cohort (by program, by cohort, whole cohort only) and for the same cohort
with one program of three students, prints, over the same published counts: how many the
audit hides, how many the earlier table-by-table rule hides, and how many small counts the
earlier rule leaves narrower than ``min_cell`` for an attacker with an integer programme.
Run: ``.venv/bin/python benchmarks/suppression.py``.
"""

from __future__ import annotations

import time
import warnings

from followup_analytics import JobSearchLog, cohort_report, load
from followup_analytics.samples import sample_path

SAMPLES = sample_path("cohort_2026.xlsx")


def _three_students(log: JobSearchLog) -> JobSearchLog:
    apps = log.applications.copy()
    three = apps["seeker"].drop_duplicates().iloc[:3]
    apps.loc[apps["seeker"].isin(three), "Program"] = "Tiny Program"
    return JobSearchLog.from_frames(log.events, apps, as_of=log.as_of, report=log.report)


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = load(SAMPLES)
        cases = [
            ("by program", log, "program"),
            ("by cohort", log, "cohort"),
            ("whole cohort", log, None),
            ("by program, one of 3 students", _three_students(log), "program"),
        ]
        print(
            f"{'case':<32}{'published':>10}{'audit hides':>13}{'table rule hides':>18}"
            f"{'table rule leaves exposed':>27}{'seconds':>9}"
        )
        for name, data, by in cases:
            t0 = time.perf_counter()
            a = cohort_report(data, by=by, min_cell=10, salt="bench").audit
            dt = time.perf_counter() - t0
            print(
                f"{name:<32}{a.n_published:>10}{a.n_hidden:>13}{a.n_hidden_per_table:>18}"
                f"{a.failing_per_table:>27}{dt:>9.1f}"
            )


if __name__ == "__main__":
    main()
