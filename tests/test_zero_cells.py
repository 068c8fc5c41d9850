"""Zero cells and tiny p-values: estimates never point the other way than the data.

References:

* statsmodels ``test_proportions_2indep(k1, n1, k0, n0, value=r, compare="ratio",
  method="score")`` (Miettinen-Nurminen score test), inverted here with
  ``scipy.optimize.brentq``: the interval is every ratio the test does not reject;
* ``scipy.stats.contingency.odds_ratio(table, kind="conditional").confidence_interval()``
  (exact, as R's ``fisher.test``) for the zero-cell odds-ratio interval;
* statsmodels ``Table2x2(table).oddsratio`` / ``.oddsratio_confint()`` (Woolf).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from scipy.stats.contingency import odds_ratio as scipy_odds_ratio
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.contingency_tables import Table2x2

from followup_analytics.metrics.exact import exact_common_odds_ratio_ci
from followup_analytics.metrics.inference import (
    format_p,
    mantel_haenszel,
    odds_ratio,
    risk_ratio,
)
from followup_analytics.metrics.rates import naive_odds_ratio


def _score_limit(k1, n1, k0, n0, lo, hi):
    """Where statsmodels' two-sided score test p-value crosses 0.05, between lo and hi."""

    def f(log_r):
        return (
            sm_proportion.test_proportions_2indep(
                k1, n1, k0, n0, value=np.exp(log_r), compare="ratio", method="score"
            ).pvalue
            - 0.05
        )

    with warnings.catch_warnings():  # statsmodels divides by the zero proportion
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.exp(brentq(f, np.log(lo), np.log(hi), xtol=1e-12))


def test_risk_ratio_with_no_outcome_in_the_group_is_zero_with_a_score_interval():
    # 0 of 3 vs 7 of 649: the 0.1 shift reported 10.8, the opposite direction
    r = risk_ratio([0], [3], [7], [649]).iloc[0]
    assert r["estimate"] == 0 and r["ci_low"] == 0
    assert r["ci_high"] == pytest.approx(_score_limit(0, 3, 7, 649, 1.0, 1e4), rel=1e-6)


def test_risk_ratio_with_no_outcome_in_the_reference_is_infinite_with_a_score_interval():
    r = risk_ratio([7], [649], [0], [3]).iloc[0]
    assert r["estimate"] == np.inf and r["ci_high"] == np.inf
    assert r["ci_low"] == pytest.approx(_score_limit(7, 649, 0, 3, 1e-4, 1.0), rel=1e-6)


def test_risk_ratio_when_everyone_has_the_outcome_keeps_the_sample_ratio():
    # 3 of 3 vs 7 of 649: statsmodels Table2x2([[3, 0], [7, 642]]).riskratio and
    # .riskratio_confint() (Katz on the cells as they are, no shift)
    r = risk_ratio([3], [3], [7], [649]).iloc[0]
    ref = Table2x2(np.array([[3, 0], [7, 642]]), shift_zeros=False)
    assert r["estimate"] == pytest.approx(ref.riskratio)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(ref.riskratio_confint())


@pytest.mark.parametrize("table", [(0, 3, 7, 649), (7, 649, 0, 3), (0, 8, 5, 9), (4, 4, 3, 9)])
def test_odds_ratio_zero_cell_rule(table):
    k1, n1, k0, n0 = table
    r = odds_ratio([k1], [n1], [k0], [n0], kind="sample").iloc[0]
    a, b, c, d = k1, n1 - k1, k0, n0 - k0
    assert r["estimate"] == (0 if a * d == 0 else np.inf)
    ci = scipy_odds_ratio([[a, b], [c, d]], kind="conditional").confidence_interval(0.95)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert r["ci_low"] <= r["estimate"] <= r["ci_high"]


def test_pooled_odds_ratio_is_the_sample_odds_ratio_at_every_size():
    # statsmodels Table2x2([[8, 4], [3, 9]]).oddsratio = 6 (the conditional MLE is 5.3)
    r = naive_odds_ratio([8, 300], [12, 1000], [3, 200], [12, 1000])
    for i, t in enumerate(([[8, 4], [3, 9]], [[300, 700], [200, 800]])):
        ref = Table2x2(np.array(t))
        assert r["estimate"].iloc[i] == pytest.approx(ref.oddsratio)
        assert (r["ci_low"].iloc[i], r["ci_high"].iloc[i]) == pytest.approx(ref.oddsratio_confint())


def test_tiny_p_values_are_never_shown_as_zero():
    assert format_p(0.0) == "< 1e-16"
    assert format_p(3e-20) == "< 1e-16"
    assert format_p(2.5e-5) == "2.5e-05"
    assert format_p(0.0412) == "0.041"
    assert format_p(float("nan")) == ""


# ----------------------------------------------------------------- within-seeker zero cells
STRATA = {"k1": [0, 0, 0], "n1": [5, 3, 7], "k0": [2, 1, 4], "n0": [9, 6, 8]}


def _scipy_upper_limit(k1, n1, k0, n0):
    """P(T <= 0; psi) = 0.025 with T = sum of scipy.stats.nchypergeom_fisher variables
    (M = n1 + n0, n = n1, N = k1 + k0 per stratum), solved by brentq in log psi."""
    from scipy.stats import nchypergeom_fisher

    def p_zero(log_psi):
        p = 1.0
        for a, m, c, r in zip(k1, n1, k0, n0, strict=True):
            p *= nchypergeom_fisher.pmf(0, m + r, m, a + c, np.exp(log_psi))
        return p - 0.025

    return np.exp(brentq(p_zero, -20, 5, xtol=1e-12))


def test_within_seeker_odds_ratio_zero_is_given_the_exact_interval():
    strata = pd.DataFrame({"stratum": ["s", "t", "u"], **STRATA})
    mh = mantel_haenszel(strata)
    # the 0.1 interval was (0, 0): it covered nothing
    assert mh["odds_ratio"] == 0 and mh["ci_low"] == 0
    assert mh["ci_high"] == pytest.approx(_scipy_upper_limit(**STRATA), rel=1e-6)
    assert mh["p_value"] > 0


def test_exact_interval_with_one_stratum_is_fisher_tests():
    # scipy.stats.contingency.odds_ratio([[2, 15], [10, 3]]).confidence_interval()
    # (R: fisher.test(matrix(c(2, 10, 15, 3), nrow = 2)), see test_inference)
    low, high = exact_common_odds_ratio_ci([2], [17], [10], [13])
    ci = scipy_odds_ratio([[2, 15], [10, 3]], kind="conditional").confidence_interval(0.95)
    assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-8)


def test_report_cells_never_show_a_p_value_of_zero():
    from followup_analytics.cohort.html import _format

    assert _format(0.0, "p") == "< 0.001" and _format(1e-30, "p") == "< 0.001"
    assert _format(0.5, "p") == "0.500"
