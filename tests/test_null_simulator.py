"""On the null simulator with every trap (samples.simulate_traps), no analysis finds an effect
that is not there, and a planted one is recovered.

* (b, c) pooled over every within-seeker estimate of ``offer_associations``,
  ``landmark_effect`` and ``followup_hazard`` (Cox, stratified by seeker) and over the seeds, the 95% intervals cover the null (odds ratio 1) at
  a rate whose binomial 99% interval (Clopper-Pearson, ``scipy.stats.binomtest(k,
  n).proportion_ci(0.99)``) includes 95%; Benjamini-Hochberg q < 0.05 appears in at most 5%
  of the within-seeker strategy rows. (The pooled rows are confounded by the seeker by
  design: strong seekers follow up, thank and write more and also get more offers.)
* (c) the timing rates of follow-ups after applying coincide with their day-by-day
  baseline (rate minus baseline covers 0 as above);
* (d) a planted within-seeker odds ratio of 1.6 for thank-you notes within 24 hours of the
  first round is recovered at the default simulation size: the interval covers 1.6 and
  excludes 1.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from followup_analytics import (
    FollowupWarning,
    followup_hazard,
    landmark_effect,
    offer_associations,
    response_rates,
)
from followup_analytics.samples.traps import simulate_traps_log

SEEDS = range(1000, 1024)
WS = "within_seeker_odds_ratio"


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def null_runs() -> list:
    return [simulate_traps_log(seed=seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def null_rows(null_runs) -> pd.DataFrame:
    rows = []
    for seed, log in zip(SEEDS, null_runs, strict=True):
        t = _quiet(offer_associations, log)
        lm = _quiet(landmark_effect, log)
        rows.append(
            t.loc[
                t["estimator"] == WS, ["key", "level", "estimate", "ci_low", "ci_high", "q_value"]
            ].assign(seed=seed)
        )
        rows.append(
            lm.loc[lm["estimator"] == WS, ["estimate", "ci_low", "ci_high"]].assign(
                key="landmark_effect", level="followed_up", seed=seed
            )
        )
        hz = followup_hazard(log)
        rows.append(
            pd.DataFrame(
                {
                    "key": "followup_hazard",
                    "level": "followed_up",
                    "estimate": hz["hazard_ratio"],
                    "ci_low": hz["ci_low"],
                    "ci_high": hz["ci_high"],
                    "seed": seed,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@pytest.mark.slow
def test_within_seeker_intervals_cover_the_null(null_rows):
    r = null_rows[null_rows["estimate"].notna()]
    covered = int(((r["ci_low"] <= 1) & (r["ci_high"] >= 1)).sum())
    ci = stats.binomtest(covered, len(r)).proportion_ci(confidence_level=0.99)
    assert len(r) > 250
    assert ci.low <= 0.95 <= ci.high, (covered, len(r))


@pytest.mark.slow
def test_bh_q_below_005_in_at_most_5_percent_of_strategy_rows(null_rows):
    q = null_rows.loc[
        ~null_rows["key"].isin(["landmark_effect", "followup_hazard"]), "q_value"
    ].dropna()
    assert len(q) > 200 and (q < 0.05).mean() <= 0.05


@pytest.mark.slow
def test_timing_rates_coincide_with_their_baseline(null_runs):
    # (c) the follow-up rate minus its baseline, per bucket and seed: a 95% interval from
    # both intervals' standard errors covers 0 at a rate whose 99% band includes 95%
    z = []
    for log in null_runs:
        r = _quiet(response_rates, log, by="timing")
        r = r[(r["n"] >= 30) & r["baseline_rate"].notna()]
        se = np.hypot(
            (r["ci_high"] - r["ci_low"]) / 3.92,
            (r["baseline_ci_high"] - r["baseline_ci_low"]) / 3.92,
        )
        z.append(((r["rate"] - r["baseline_rate"]) / se).to_numpy())
    z = np.concatenate(z)
    ci = stats.binomtest(int((np.abs(z) < 1.96).sum()), len(z)).proportion_ci(0.99)
    assert len(z) > 100 and ci.low <= 0.95 <= ci.high, np.round(z, 2)


def test_planted_thank_you_odds_ratio_is_recovered():
    log = simulate_traps_log(seed=7, thank_you_odds_ratio=1.6)
    t = _quiet(offer_associations, log, strategies=["thank_you_after_interview"])
    ws = t[t["estimator"] == WS].iloc[0]
    assert ws["ci_low"] <= 1.6 <= ws["ci_high"]
    assert ws["ci_low"] > 1
    assert np.isfinite(ws["estimate"])
