"""Benchmark: features and every analysis on about 1,000,000 applications (~3M events).

Run with ``.venv/bin/python benchmarks/analysis.py [n_seekers]``. The data come from the
sample generator (:func:`followup_analytics.samples.simulate`, 10,000 seekers x 60-140
applications by default). The reference is a bare ``events.groupby("application_id").size()``
over the same events in the same process; the script prints each analysis's time, the total,
the ratio of the total to the reference, and the peak resident memory of the process
(``resource.getrusage``; it includes the generated data). Targets: ratio <= 10, peak <= 3 GB.
"""

from __future__ import annotations

import resource
import sys
import time
import warnings

from followup_analytics import (
    FollowupWarning,
    JobSearchLog,
    features,
    followups,
    funnel,
    landmark_effect,
    offer_associations,
    response_rates,
    summary,
    time_to_response,
)
from followup_analytics.samples import simulate


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB on Linux


def _timed(label: str, fn, results: dict) -> object:
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    print(f"  {label:<38} {results[label]:7.2f} s", flush=True)
    return out


def main(n_seekers: int = 10_000) -> None:
    t0 = time.perf_counter()
    events, applications = simulate(n_seekers, seed=1)
    log = JobSearchLog.from_frames(events, applications, as_of=events["date"].max())
    print(
        f"generated {len(log):,} applications, {len(log.events):,} events by "
        f"{n_seekers:,} seekers in {time.perf_counter() - t0:.1f} s "
        f"(peak so far {_peak_gb():.2f} GB)"
    )
    ev = log.events
    bare = min(_once(lambda: ev.groupby("application_id").size()) for _ in range(3))
    print(f"reference: events.groupby('application_id').size(): {bare:.3f} s (best of 3)")
    runs: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        _timed("features (first call)", lambda: features(log), runs)
        _timed("followups", lambda: followups(log), runs)
        _timed("response_rates by timing", lambda: response_rates(log, "timing"), runs)
        _timed(
            "response_rates by channel x stage",
            lambda: response_rates(log, ["channel", "stage"]),
            runs,
        )
        _timed(
            "response_rates by program (offer)",
            lambda: response_rates(log, "program", outcome="offer"),
            runs,
        )
        _timed("funnel by program", lambda: funnel(log, by="program"), runs)
        _timed("landmark_effect day 7", lambda: landmark_effect(log), runs)
        _timed("offer_associations (9 strategies)", lambda: offer_associations(log), runs)
        _timed("time_to_response by program", lambda: time_to_response(log, "program"), runs)
        _timed("summary", lambda: summary(log), runs)
        total = sum(runs.values())
        print(
            f"total {total:.2f} s = {total / bare:.1f}x the bare groupby-size; peak memory "
            f"{_peak_gb():.2f} GB (targets: <= 10x, <= 3 GB)"
        )
        extra: dict[str, float] = {}
        _timed(
            "offer_associations adjust=program",
            lambda: offer_associations(log, adjust=["program"]),
            extra,
        )
        adjusted = extra["offer_associations adjust=program"]
        print(
            f"optional adjusted odds ratios (Mantel-Haenszel over covariate strata): "
            f"{adjusted:.2f} s ({adjusted / bare:.1f}x); peak memory "
            f"{_peak_gb():.2f} GB"
        )


def _once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
