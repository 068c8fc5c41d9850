"""Timing with its baseline: each timing bucket of follow-ups after applying sits beside the
response rate of the same seeker's applications still waiting on the follow-up's day and
not followed up by then. Reference: the baseline counts recomputed here application by
application with pandas (an independent, slow implementation)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import followup_analytics as fa
from followup_analytics import FollowupWarning
from followup_analytics.metrics.timing import baseline_by_day
from followup_analytics.samples.traps import simulate_traps_log


@pytest.fixture(scope="module")
def log():
    return simulate_traps_log(n_seekers=6, seed=2)


def test_baseline_counts_match_a_slow_reference(log):
    f = fa.features(log)
    n, k, seekers = baseline_by_day(log, 30, 40)

    def off(c):
        return (f[c] - f["applied_on"]).dt.days

    fu, r, w = off("first_followup_on"), off("first_response_on"), off("withdrawn_on")
    observed = (log.as_of - f["applied_on"]).dt.days
    for t in (0, 1, 3, 10, 25, 40):
        for i, s in enumerate(seekers):
            waiting = (
                (f["seeker"] == s)
                & ~(fu <= t)
                & ~(r < t)
                & ~(w <= t)
                & (observed >= t)
                & ~(f["responded"] & f["first_response_on"].isna())
            )
            answered = waiting & (r >= t) & (r <= t + 30)
            assert (n[i, t], k[i, t]) == (waiting.sum(), answered.sum()), (t, s)


def test_timing_rates_carry_their_baseline_and_default_to_follow_ups_after_applying(log):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        r = fa.response_rates(log, by="timing")
        every = fa.response_rates(log, by="timing", stage="all")
    assert {"baseline_rate", "baseline_ci_low", "baseline_ci_high"} <= set(r.columns)
    ok = r["baseline_rate"].notna()
    assert ok.sum() >= 4
    assert (r.loc[ok, "baseline_ci_low"] <= r.loc[ok, "baseline_rate"]).all()
    assert (r.loc[ok, "baseline_rate"] <= r.loc[ok, "baseline_ci_high"]).all()
    # responses fade with time: the baseline falls with the delay too
    assert r["baseline_rate"].iloc[0] > r["baseline_rate"].iloc[4]
    # thank-you notes after interviews are not follow-ups after applying
    assert every["n"].sum() > r["n"].sum() and "baseline_rate" not in every
    assert r.attrs["definition"].extra.startswith("follow-ups after application")
    with pytest.raises(ValueError, match="stage must be one of"):
        fa.response_rates(log, by="timing", stage="later")


def test_plot_draws_the_rates_beside_their_baseline(log):
    from followup_analytics.plots import plot_timing_baseline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        r = fa.response_rates(log, by="timing")
    ax = plot_timing_baseline(r)
    lines = {ln.get_gid(): ln for ln in ax.get_lines() if ln.get_gid()}
    np.testing.assert_allclose(lines["followed_up"].get_ydata(), r["rate"])
    np.testing.assert_allclose(lines["baseline"].get_ydata(), r["baseline_rate"])
    with pytest.raises(ValueError, match="by='timing'"):
        plot_timing_baseline(r.drop(columns="baseline_rate"))
