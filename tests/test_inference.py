"""Estimators from counts, each checked against an independent reference.

Provenance of every reference value is written next to it: a published worked example, R
output quoted from a public source, or a peer library (statsmodels, scipy) called directly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from followup_analytics.errors import SparseStrataWarning
from followup_analytics.metrics import (
    bh_q,
    fisher_p,
    mantel_haenszel,
    odds_ratio,
    rate_table,
    risk_difference,
    risk_ratio,
    wilson_ci,
)

Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


# --------------------------------------------------------------------------- Wilson
# Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison
# of seven methods", Statistics in Medicine 17:857-872, Table I, method 3 (score interval
# without continuity correction), 95%.
NEWCOMBE_SINGLE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE_SINGLE)
def test_wilson_matches_newcombe_1998_table_i(k, n, low, high):
    lo, hi = wilson_ci([k], [n])
    assert lo[0] == pytest.approx(low, abs=5e-5)
    assert hi[0] == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_wilson_matches_statsmodels_on_a_grid(confidence):
    n = np.repeat([1, 2, 5, 13, 40, 250], 6)
    k = np.round(n * np.tile([0, 0.1, 0.33, 0.5, 0.9, 1.0], 6)).astype(int)
    lo, hi = wilson_ci(k, n, confidence)
    # statsmodels.stats.proportion.proportion_confint(k, n, alpha=1-confidence, method="wilson")
    ref_lo, ref_hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)


def test_wilson_limits_stay_in_unit_interval_and_are_exact_at_the_edges():
    lo, hi = wilson_ci([0, 10, 5], [10, 10, 10])
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert np.all((lo >= 0) & (hi <= 1) & (lo <= hi))


def test_empty_group_gives_nan_not_an_error():
    lo, hi = wilson_ci([0, 3], [0, 4])
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and np.isfinite(lo[1])


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        ([5], [3], r"k must not exceed n; at position 0 k = 5 > n = 3"),
        ([1, -1], [2, 2], r"k must not be negative; k\[1\] = -1"),
    ],
)
def test_impossible_counts_are_named(k, n, message):
    with pytest.raises(ValueError, match=message):
        wilson_ci(k, n)


def test_confidence_outside_zero_one_is_rejected():
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        wilson_ci([1], [2], confidence=95)


def test_rate_table_columns_flags_and_index():
    k = pd.Series([1, 0, 3], index=pd.Index(["email", "phone", "letter"], name="channel"))
    out = rate_table(k, [4, 0, 30], min_n=10)
    assert list(out.columns) == ["n", "k", "rate", "ci_low", "ci_high", "small_n"]
    assert list(out.index) == ["email", "phone", "letter"]
    assert out["n"].dtype == np.int64 and out["k"].dtype == np.int64
    assert out["small_n"].tolist() == [True, True, False]
    assert out.loc["email", "rate"] == 0.25
    assert out.loc["phone", ["rate", "ci_low", "ci_high"]].isna().all()
    ref = proportion_confint(3, 30, method="wilson")
    assert out.loc["letter", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref)


def test_rate_table_of_nothing_is_an_empty_frame():
    out = rate_table([], [])
    assert len(out) == 0 and list(out.columns)[:3] == ["n", "k", "rate"]


# --------------------------------------------------------------------------- differences
# Newcombe RG (1998) "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, Table II,
# method 10 (hybrid score interval without continuity correction), 95%.
NEWCOMBE_DIFFERENCE = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


def test_risk_difference_matches_newcombe_1998_table_ii():
    k1, n1, k0, n0, low, high = (np.array(c) for c in zip(*NEWCOMBE_DIFFERENCE, strict=True))
    out = risk_difference(k1, n1, k0, n0)
    assert list(out.columns) == ["estimate", "ci_low", "ci_high"]
    np.testing.assert_allclose(out["estimate"], k1 / n1 - k0 / n0)
    np.testing.assert_allclose(out["ci_low"], low, atol=5e-5)
    np.testing.assert_allclose(out["ci_high"], high, atol=5e-5)


def test_risk_difference_with_an_empty_group_is_nan():
    out = risk_difference([0, 1], [0, 3], [1, 1], [4, 4])
    assert out.iloc[0].isna().all() and out.iloc[1].notna().all()


# --------------------------------------------------------------------------- ratios
def test_risk_ratio_matches_statsmodels_katz_interval():
    tables = [(30, 100, 15, 100), (7, 19, 12, 21), (120, 400, 60, 380)]
    out = risk_ratio(*(np.array(c) for c in zip(*tables, strict=True)))
    for row, (k1, n1, k0, n0) in zip(out.itertuples(), tables, strict=True):
        # statsmodels Table2x2([[k1, n1-k1], [k0, n0-k0]]).riskratio / .riskratio_confint()
        # (log interval, SE = sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d)))
        ref = Table2x2(np.array([[k1, n1 - k1], [k0, n0 - k0]]))
        assert row.estimate == pytest.approx(ref.riskratio)
        assert (row.ci_low, row.ci_high) == pytest.approx(ref.riskratio_confint(alpha=0.05))
        # scipy.stats.contingency.relative_risk(k1, n1, k0, n0).confidence_interval(0.95):
        # the same Katz log interval
        sp = stats.contingency.relative_risk(k1, n1, k0, n0).confidence_interval(0.95)
        assert (row.ci_low, row.ci_high) == pytest.approx((sp.low, sp.high))


def test_risk_ratio_undefined_cases_are_nan():
    out = risk_ratio([0, 0], [5, 0], [0, 1], [5, 3])
    assert out.isna().all().all()


# Conditional MLE and exact interval: R 'fisher.test' on the tea-tasting table
# matrix(c(3, 1, 1, 3), ncol = 2), two-sided, as printed in Penn State STAT 504, lesson 3,
# TeaLady.out (online.stat.psu.edu/onlinecourses/sites/stat504/files/lesson03/TeaLady.out):
#   p-value = 0.4857; 95 percent confidence interval: 0.2117329 621.9337505;
#   odds ratio 6.408309.
# (0.3135693 is the lower limit of the one-sided alternative = "greater" interval.) R finds
# both limits with uniroot's default tolerance; solving the conditional likelihood equation
# exactly gives 0.2117356 and 626.24, so the limits are compared to within 1e-4 and 1%.
def test_conditional_odds_ratio_matches_r_fisher_test_tea_tasting():
    out = odds_ratio([3], [4], [1], [4])
    assert out["estimate"].iloc[0] == pytest.approx(6.408309, rel=1e-5)
    assert out["ci_low"].iloc[0] == pytest.approx(0.2117329, rel=1e-4)
    assert out["ci_high"].iloc[0] == pytest.approx(621.9337505, rel=1e-2)
    assert fisher_p([3], [4], [1], [4])[0] == pytest.approx(0.4857, abs=5e-5)


def test_conditional_odds_ratio_matches_r_fisher_test_convictions():
    # R ?fisher.test example "Fisher (1962, 1970), Criminal convictions of like-sex twins":
    # Convictions <- matrix(c(2, 10, 15, 3), nrow = 2) (2 of 17 dizygotic vs 10 of 13
    # monozygotic twins convicted). fisher.test(Convictions) prints, as quoted in public R
    # tutorials: p-value = 0.0005367; 95 percent confidence interval: 0.003325764
    # 0.363182271; odds ratio 0.04693661. R's limits carry uniroot's tolerance (see above).
    out = odds_ratio([2], [17], [10], [13])
    assert out["estimate"].iloc[0] == pytest.approx(0.04693661, rel=1e-5)
    assert out["ci_low"].iloc[0] == pytest.approx(0.003325764, rel=1e-2)
    assert out["ci_high"].iloc[0] == pytest.approx(0.363182271, rel=1e-4)
    assert fisher_p([2], [17], [10], [13])[0] == pytest.approx(0.0005367, abs=5e-8)


# Sample (Woolf) odds ratios: vcd::oddsratio(UCBAdmissions, log = FALSE) and
# summary(oddsratio(UCBAdmissions)), as printed in the vcdExtra vignette "Tests of
# Independence" (friendly.github.io/vcdExtra/articles/a2-tests.html).
UCB = pd.DataFrame(
    {
        # R datasets::UCBAdmissions, Admit x Gender x Dept; group of interest = Male.
        "stratum": list("ABCDEF"),
        "k1": [512, 353, 120, 138, 53, 22],
        "n1": [825, 560, 325, 417, 191, 373],
        "k0": [89, 17, 202, 131, 94, 24],
        "n0": [108, 25, 593, 375, 393, 341],
    }
)
VCD_OR = [0.3492120, 0.8025007, 1.1330596, 0.9212838, 1.2216312, 0.8278727]
VCD_LOG_SE = [0.262708, 0.437593, 0.143942, 0.150208, 0.200243, 0.305164]


def test_sample_odds_ratio_matches_vcd_woolf_values():
    out = odds_ratio(UCB["k1"], UCB["n1"], UCB["k0"], UCB["n0"], kind="sample")
    np.testing.assert_allclose(out["estimate"], VCD_OR, rtol=1e-6)
    se = np.array(VCD_LOG_SE)
    np.testing.assert_allclose(out["ci_low"], np.exp(np.log(VCD_OR) - Z95 * se), rtol=1e-5)
    np.testing.assert_allclose(out["ci_high"], np.exp(np.log(VCD_OR) + Z95 * se), rtol=1e-5)


# Zero cells (no 0.5 shift any more): see tests/test_zero_cells.py.


def test_odds_ratio_degenerate_tables_are_nan_and_kind_is_checked():
    # empty group, nobody with the outcome, everybody with the outcome
    for kind in ("conditional", "sample"):
        out = odds_ratio([0, 0, 4, 2], [0, 5, 4, 6], [1, 0, 3, 1], [4, 5, 3, 6], kind=kind)
        assert out.iloc[:3].isna().all().all() and out.iloc[3].notna().all()
    with pytest.raises(ValueError, match="kind must be 'conditional' or 'sample'; got 'woolf'"):
        odds_ratio([1], [2], [1], [2], kind="woolf")


def test_fisher_p_is_vectorised_over_repeated_tables_and_nan_for_empty_groups():
    p = fisher_p([3, 0, 3, 1], [4, 0, 4, 10], [1, 1, 1, 1], [4, 4, 4, 10])
    assert p[0] == p[2] == pytest.approx(17 / 35)  # tea tasting: (1 + 16) / C(8, 4)
    assert np.isnan(p[1]) and p[3] == pytest.approx(1.0)


# --------------------------------------------------------------------------- many tests
# Benjamini & Hochberg (1995), JRSS B 57:289-300, worked example: the 15 p-values of a
# myocardial-infarction thrombolysis study; at FDR 0.05 the procedure rejects the four
# smallest (Bonferroni only the three smallest).
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_bh_q_matches_the_1995_example_and_statsmodels():
    q = bh_q(BH_1995)
    assert (q <= 0.05).tolist() == [True] * 4 + [False] * 11
    # statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(q, multipletests(BH_1995, method="fdr_bh")[1])


def test_bh_q_ignores_missing_p_values():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    q = bh_q(p)
    assert np.isnan(q[[1, 4]]).all()
    np.testing.assert_allclose(q[[0, 2, 3]], multipletests([0.01, 0.04, 0.03], method="fdr_bh")[1])
    assert bh_q([]).shape == (0,)
    with pytest.raises(ValueError, match=r"p-values must lie in \[0, 1\]; p\[0\] = 1.5"):
        bh_q([1.5])


# --------------------------------------------------------------------------- strata
# R: mantelhaen.test(UCBAdmissions), as printed in the R documentation example and in the
# vcdExtra vignette "Tests of Independence": Mantel-Haenszel X-squared = 1.4269, df = 1,
# p-value = 0.2323 (with continuity correction); 95 percent CI 0.7719074 1.0603298;
# common odds ratio 0.9046968. statsmodels' test_null_odds(correction=True) matches R.
def test_mantel_haenszel_matches_r_mantelhaen_test_ucb_admissions():
    out = mantel_haenszel(UCB)
    assert out["odds_ratio"] == pytest.approx(0.9046968, rel=1e-6)
    assert out["ci_low"] == pytest.approx(0.7719074, rel=1e-6)
    assert out["ci_high"] == pytest.approx(1.0603298, rel=1e-6)
    assert out["statistic"] == pytest.approx(1.4269, abs=5e-5)
    assert out["p_value"] == pytest.approx(0.2323, abs=5e-5)
    assert (out["n_strata"], out["n_informative"]) == (6, 6)


def test_mantel_haenszel_drops_uninformative_strata_and_sums_repeated_rows():
    extra = pd.DataFrame(
        {
            "stratum": ["G", "H", "A"],
            "k1": [0, 3, 0],
            "n1": [4, 5, 0],
            "k0": [0, 0, 0],
            "n0": [6, 0, 0],
        }
    )
    out = mantel_haenszel(pd.concat([UCB, extra], ignore_index=True))
    assert (out["n_strata"], out["n_informative"]) == (8, 6)
    assert out["odds_ratio"] == pytest.approx(0.9046968, rel=1e-6)


def test_mantel_haenszel_with_custom_column_names():
    renamed = UCB.rename(columns={"stratum": "seeker", "k1": "a", "n1": "b", "k0": "c", "n0": "d"})
    out = mantel_haenszel(renamed, stratum="seeker", k1="a", n1="b", k0="c", n0="d")
    assert out["odds_ratio"] == pytest.approx(0.9046968, rel=1e-6)
    with pytest.raises(ValueError, match=r"missing column\(s\) stratum='stratum'"):
        mantel_haenszel(renamed, k1="a", n1="b", k0="c", n0="d")


def test_mantel_haenszel_with_one_informative_stratum_warns_and_returns_nan():
    with pytest.warns(SparseStrataWarning, match="only 1 of 2 strata"):
        out = mantel_haenszel(
            UCB.iloc[[0]]
            .assign(stratum="A")
            .pipe(lambda d: pd.concat([d, d.assign(stratum="B", n0=0, k0=0)]))
        )
    assert np.isnan(out["odds_ratio"]) and np.isnan(out["p_value"])
    assert (out["n_strata"], out["n_informative"]) == (2, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mantel_haenszel(UCB.iloc[:2])["n_informative"] == 2


# --------------------------------------------------------------------------- purity
def test_inputs_are_not_mutated():
    ucb = UCB.copy()
    k1, n1 = UCB["k1"].copy(), UCB["n1"].to_numpy().copy()
    rate_table(UCB["k1"], UCB["n1"])
    risk_difference(UCB["k1"], n1, UCB["k0"], UCB["n0"])
    risk_ratio(UCB["k1"], n1, UCB["k0"], UCB["n0"])
    odds_ratio(UCB["k1"], n1, UCB["k0"], UCB["n0"])
    odds_ratio(UCB["k1"], n1, UCB["k0"], UCB["n0"], kind="sample")
    fisher_p(UCB["k1"], n1, UCB["k0"], UCB["n0"])
    mantel_haenszel(UCB)
    p = np.array([0.2, np.nan, 0.01])
    bh_q(p)
    pd.testing.assert_frame_equal(UCB, ucb)
    pd.testing.assert_series_equal(UCB["k1"], k1)
    np.testing.assert_array_equal(n1, ucb["n1"].to_numpy())
    assert np.isnan(p[1]) and p[0] == 0.2


# --------------------------------------------------------------------------- invariants
@st.composite
def _two_groups(draw):
    n1, n0 = draw(st.integers(0, 60)), draw(st.integers(0, 60))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n0)), n0


@settings(max_examples=150, deadline=None)
@given(_two_groups())
def test_intervals_contain_their_estimate_and_stay_in_range(table):
    k1, n1, k0, n0 = table
    lo, hi = wilson_ci([k1], [n1])
    if n1:
        assert 0 <= lo[0] <= k1 / n1 <= hi[0] <= 1
    rd = risk_difference([k1], [n1], [k0], [n0]).iloc[0]
    rr = risk_ratio([k1], [n1], [k0], [n0]).iloc[0]
    orr = odds_ratio([k1], [n1], [k0], [n0], kind="sample").iloc[0]
    if n1 and n0:
        assert -1 <= rd["ci_low"] <= rd["estimate"] <= rd["ci_high"] <= 1
        assert fisher_p([k1], [n1], [k0], [n0])[0] <= 1 + 1e-12
    for row in (rr, orr):
        if not np.isnan(row["estimate"]):
            assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
