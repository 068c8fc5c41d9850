"""Seeker-robust intervals for rates over several seekers.

References: statsmodels ``GEE(y, ones, groups=seeker, family=Binomial(),
cov_struct=Independence()).fit()`` (robust standard error of the intercept) on one row per
application; coverage by simulation with seeker heterogeneity.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit

import followup_analytics as fa
from followup_analytics import FollowupWarning
from followup_analytics.metrics.clustered import seeker_robust_ci
from followup_analytics.metrics.inference import wilson_ci


def test_standard_error_is_statsmodels_gee_robust(rng):
    g = 12
    n = rng.integers(20, 80, g)
    k = rng.binomial(n, expit(-1 + 0.8 * rng.standard_normal(g)))
    y = np.concatenate([np.r_[np.ones(a), np.zeros(b - a)] for a, b in zip(k, n, strict=True)])
    fit = sm.GEE(
        y,
        np.ones((len(y), 1)),
        groups=np.repeat(np.arange(g), n),
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Independence(),
    ).fit()
    t = stats.t.ppf(0.975, g - 1)
    want = expit(fit.params[0] - t * fit.bse[0]), expit(fit.params[0] + t * fit.bse[0])
    low, high, seekers = seeker_robust_ci(k[None, :], n[None, :])
    assert (low[0], high[0]) == pytest.approx(want, rel=1e-8) and seekers[0] == g


def test_coverage_with_seeker_heterogeneity_is_near_95_percent(rng):
    # 4,000 groups of 20 seekers, 20-150 applications each, seeker rates logit-normal
    # (mean -1.5, sd 0.8): the estimand is the mean seeker rate (applications per seeker
    # independent of the rate), computed by quadrature below
    sims, g = 4000, 20
    n = rng.integers(20, 151, (sims, g))
    k = rng.binomial(n, expit(-1.5 + 0.8 * rng.standard_normal((sims, g))))
    x, w = np.polynomial.hermite_e.hermegauss(80)
    truth = float((w * expit(-1.5 + 0.8 * x)).sum() / w.sum())
    low, high, _ = seeker_robust_ci(k, n)
    covered = int(((low <= truth) & (truth <= high)).sum())
    assert 0.93 <= covered / sims <= 0.97
    wl, wh = wilson_ci(k.sum(1), n.sum(1))
    assert ((wl <= truth) & (truth <= wh)).mean() < 0.8  # independent-application intervals


def test_application_rates_over_several_seekers_use_them():
    log = fa.samples.simulate_log(30, (40, 60), seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        r = fa.response_rates(log, by="program", outcome="offer")
        per_seeker = fa.response_rates(log, by=["program", "seeker"], outcome="offer")
    wl, wh = wilson_ci(r["k"].to_numpy(), r["n"].to_numpy())
    assert ((r["ci_high"] - r["ci_low"]) > (wh - wl)).all()  # wider than Wilson
    assert "seeker-robust" in r.attrs["definition"].extra
    pl, ph = wilson_ci(per_seeker["k"].to_numpy(), per_seeker["n"].to_numpy())
    np.testing.assert_allclose(per_seeker["ci_low"], pl)  # within one seeker: Wilson


def test_summary_rates_over_several_seekers_use_them():
    log = fa.samples.simulate_log(30, (40, 60), seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        s = fa.summary(log).set_index("metric")
    f = fa.features(log)
    codes, _ = pd.factorize(f["seeker"])
    n = np.bincount(codes).astype(float)[None, :]
    k = np.bincount(codes, weights=f["offered"].to_numpy(float))[None, :]
    low, high, _ = seeker_robust_ci(k, n)
    assert (s.loc["offer_rate", "ci_low"], s.loc["offer_rate", "ci_high"]) == pytest.approx(
        (low[0], high[0])
    )
