"""Follow-up as a time-varying exposure (metrics.cox.followup_hazard).

References: statsmodels ``PHReg(time, x, status=..., entry=..., strata=seeker,
ties="breslow").fit()`` on counting-process rows built here (entry nudged by half a day:
PHReg's entry is inclusive) for the estimate and the information matrix; the seeker-robust
variance ``I^-1 (sum_s U_s U_s') I^-1`` with each seeker's Breslow score ``U_s`` computed
here event by event from those rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.duration.hazard_regression import PHReg

from followup_analytics.metrics.cox import _arrays, followup_hazard
from followup_analytics.samples.traps import simulate_traps_log


@pytest.fixture(scope="module")
def log():
    return simulate_traps_log(n_seekers=25, seed=5)


def _rows(a: dict, n_levels: int):
    """Counting-process rows, days shifted by one so that entries are positive."""
    ex = a["level"] >= 0
    pre = ex & (a["fu"] > 0)
    time = np.r_[a["exit"] + 1, a["fu"][pre] + 0.5]
    status = np.r_[a["event"], np.zeros(pre.sum(), bool)].astype(int)
    entry = np.r_[np.where(ex, a["fu"] + 0.5, 0.5), np.full(pre.sum(), 0.5)]
    level = np.r_[a["level"], np.full(pre.sum(), -1)]
    strata = np.r_[a["stratum"], a["stratum"][pre]]
    x = np.zeros((len(level), n_levels))
    x[np.flatnonzero(level >= 0), level[level >= 0]] = 1
    return time, status, entry, strata, x


@pytest.mark.parametrize("by", ["followed_up", "channel"])
def test_hazard_ratio_matches_statsmodels_phreg(log, by):
    a = _arrays(log, by)
    time, status, entry, strata, x = _rows(a, len(a["levels"]))
    keep = x.sum(0) > 0
    x = x[:, keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = PHReg(time, x, status=status, entry=entry, strata=strata, ties="breslow").fit()
    r = followup_hazard(log, by=by)
    got = np.log(r["hazard_ratio"].to_numpy()[keep])
    np.testing.assert_allclose(got, fit.params, rtol=1e-6)
    # robust variance: I^-1 B I^-1, B from each seeker's score, summed event by event
    scores = np.zeros((strata.max() + 1, x.shape[1]))
    for i in np.flatnonzero(status):
        risk = (strata == strata[i]) & (entry <= time[i]) & (time >= time[i])
        w = np.exp(x[risk] @ fit.params)
        scores[strata[i]] += x[i] - (w[:, None] * x[risk]).sum(0) / w.sum()
    inv = fit.cov_params()
    se = np.sqrt(np.diag(inv @ scores.T @ scores @ inv))
    half = (np.log(r["ci_high"]) - np.log(r["ci_low"])).to_numpy()[keep] / (2 * 1.959964)
    np.testing.assert_allclose(half, se, rtol=1e-5)


def test_levels_without_exposure_are_nan_with_a_note(log):
    r = followup_hazard(log, by="channel").set_index("level")
    assert np.isnan(r.loc["voicemail", "hazard_ratio"])
    assert r.loc["voicemail", "note"].startswith("no follow-up")
    with pytest.raises(ValueError, match="by must be one of"):
        followup_hazard(log, by="timing")


@pytest.mark.parametrize(("seekers", "seed"), [(1, 2), (5, 1), (5, 2)])
def test_a_model_that_cannot_be_estimated_says_so_instead_of_raising(seekers, seed):
    # a singular information matrix (tiny logs): no LinAlgError, no number, the reason
    from followup_analytics import simulate_log

    log = simulate_log(seekers, (1, 4), seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = followup_hazard(log)
    assert r["hazard_ratio"].isna().all() and r["ci_low"].isna().all()
    assert r["note"].str.startswith("cannot be estimated from these data").all()
