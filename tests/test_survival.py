"""Kaplan-Meier, medians, log-rank and time_to_response against independent references.

lifelines is never a dependency (it pins pandas<3). Its numbers below were produced once in
a throwaway environment outside the repository:
    python3 -m venv /tmp/ref-lifelines && /tmp/ref-lifelines/bin/pip install lifelines
(lifelines 0.30.3, pandas 2.3.3), with the exact calls written next to each value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log
from scipy import stats

from followup_analytics.errors import SmallSampleWarning
from followup_analytics.log import JobSearchLog
from followup_analytics.metrics import (
    TimeToResponse,
    kaplan_meier,
    km_median,
    km_probability_by,
    logrank,
    time_to_response,
)

# A small fixed dataset with ties, censoring at event times and three groups.
T = np.array([1, 2, 2, 3, 4, 4, 5, 7, 7, 8, 10, 12, 12, 15, 20, 3, 6, 9, 9, 11, 14, 18, 21, 25])
E = np.array([1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0])
G = np.array(["a"] * 8 + ["b"] * 8 + ["c"] * 8)

# kmf = lifelines.KaplanMeierFitter().fit(T, E, alpha=0.05)
# pd.concat([kmf.event_table, kmf.survival_function_, kmf.confidence_interval_], axis=1)
LIFELINES_KM = pd.DataFrame(
    [  # day, at_risk, observed, censored, KM_estimate, lower_0.95, upper_0.95
        (0, 24, 0, 0, 1.0000000000, 1.0000000000, 1.0000000000),
        (1, 24, 1, 0, 0.9583333333, 0.7392061511, 0.9940237202),
        (2, 23, 1, 1, 0.9166666667, 0.7060552678, 0.9784830366),
        (3, 21, 2, 0, 0.8293650794, 0.6066078277, 0.9323688576),
        (4, 19, 2, 0, 0.7420634921, 0.5133041698, 0.8750724352),
        (5, 17, 0, 1, 0.7420634921, 0.5133041698, 0.8750724352),
        (6, 16, 1, 0, 0.6956845238, 0.4646979997, 0.8421424175),
        (7, 15, 1, 1, 0.6493055556, 0.4183926583, 0.8073202547),
        (8, 13, 1, 0, 0.5993589744, 0.3689135364, 0.7689159122),
        (9, 12, 1, 1, 0.5494123932, 0.3221966707, 0.7285518045),
        (10, 10, 1, 0, 0.4944711538, 0.2714017794, 0.6836452130),
        (11, 9, 1, 0, 0.4395299145, 0.2242765317, 0.6363194063),
        (12, 8, 1, 1, 0.3845886752, 0.1805674282, 0.5865590668),
        (14, 6, 0, 1, 0.3845886752, 0.1805674282, 0.5865590668),
        (15, 5, 0, 1, 0.3845886752, 0.1805674282, 0.5865590668),
        (18, 4, 1, 0, 0.2884415064, 0.0949361957, 0.5186765755),
        (20, 3, 0, 1, 0.2884415064, 0.0949361957, 0.5186765755),
        (21, 2, 0, 1, 0.2884415064, 0.0949361957, 0.5186765755),
        (25, 1, 0, 1, 0.2884415064, 0.0949361957, 0.5186765755),
    ],
    columns=["day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high"],
)


def test_kaplan_meier_matches_lifelines():
    curve = kaplan_meier(T, E)
    assert list(curve.columns) == [
        "day",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]
    pd.testing.assert_frame_equal(curve, LIFELINES_KM, check_dtype=False, atol=5e-10)


def test_kaplan_meier_with_responses_on_day_zero_matches_lifelines():
    # lifelines.KaplanMeierFitter().fit([0, 0, 1, 2, 2, 5], [1, 0, 1, 1, 0, 0])
    curve = kaplan_meier([0, 0, 1, 2, 2, 5], [1, 0, 1, 1, 0, 0])
    expected = pd.DataFrame(
        {
            "day": [0.0, 1, 2, 5],
            "at_risk": [6, 4, 3, 1],
            "events": [1, 1, 1, 0],
            "censored": [1, 0, 1, 1],
            "survival": [0.8333333333, 0.6250000000, 0.4166666667, 0.4166666667],
            "ci_low": [0.2731228499, 0.1418533899, 0.0559918649, 0.0559918649],
            "ci_high": [0.9747124267, 0.8930506045, 0.7665222196, 0.7665222196],
        }
    )
    pd.testing.assert_frame_equal(curve, expected, check_dtype=False, atol=5e-10)


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_kaplan_meier_matches_scipy_ecdf_on_random_tied_data(rng, confidence):
    t = rng.integers(0, 40, 400).astype(float)
    e = rng.random(400) < 0.6
    curve = kaplan_meier(t, e, confidence)
    # scipy.stats.ecdf(CensoredData.right_censored(t, censored=~e)).sf and
    # .sf.confidence_interval(confidence, method="log-log"), read at every curve day
    res = stats.ecdf(stats.CensoredData.right_censored(t, censored=~e))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S is 0 or 1
        band = res.sf.confidence_interval(confidence, method="log-log")
    days = curve["day"].to_numpy()
    np.testing.assert_allclose(curve["survival"], res.sf.evaluate(days), atol=1e-12)
    low, high = band.low.evaluate(days), band.high.evaluate(days)
    defined = np.isfinite(low)
    np.testing.assert_allclose(curve["ci_low"][defined], low[defined], atol=1e-12)
    np.testing.assert_allclose(curve["ci_high"][defined], high[defined], atol=1e-12)
    assert curve.loc[~defined, "survival"].isin([0.0, 1.0]).all()
    assert curve["at_risk"].iloc[0] == 400 and curve["events"].sum() == e.sum()


def test_kaplan_meier_edge_cases():
    assert len(kaplan_meier([], [])) == 0
    none = kaplan_meier([3, 5], [False, False])  # nobody responded: survival stays 1
    assert none["survival"].eq(1).all() and none[["ci_low", "ci_high"]].eq(1).all().all()
    everyone = kaplan_meier([1, 2], [True, True])
    assert everyone["survival"].iloc[-1] == 0 and np.isnan(everyone["ci_low"].iloc[-1])
    with pytest.raises(
        ValueError, match=r"durations must not be negative or missing; durations\[1\]"
    ):
        kaplan_meier([1, -2], [True, True])
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])


def test_median_and_its_interval_match_lifelines():
    # kmf.median_survival_time_ -> 10.0
    # lifelines.utils.median_survival_times(kmf.confidence_interval_) -> 6.0, inf
    # (lifelines writes "not reached" as inf; here it is NaN)
    median, low, high = km_median(kaplan_meier(T, E))
    assert (median, low) == (10.0, 6.0) and np.isnan(high)


def test_probability_by_day_matches_lifelines():
    # 1 - kmf.predict([7, 14]) -> 1 - [0.6493055556, 0.3845886752]; day 30 lies beyond the
    # last follow-up (25, censored), where the curve is not estimated.
    out = km_probability_by(kaplan_meier(T, E), [0, 7, 14, 30])
    np.testing.assert_allclose(
        out["probability"].iloc[:3], [0.0, 1 - 0.6493055556, 1 - 0.3845886752], atol=1e-10
    )
    np.testing.assert_allclose(
        out["ci_low"].iloc[1:3], [1 - 0.8073202547, 1 - 0.5865590668], atol=1e-10
    )
    np.testing.assert_allclose(
        out["ci_high"].iloc[1:3], [1 - 0.4183926583, 1 - 0.1805674282], atol=1e-10
    )
    assert out.iloc[3, 1:].isna().all()


def test_logrank_three_groups_matches_lifelines():
    # lifelines.statistics.multivariate_logrank_test(T, G, E):
    # test_statistic 15.567565966402586, p_value 0.00041643382888650757, df 2
    out = logrank(T, E, G)
    assert out["statistic"] == pytest.approx(15.567565966402586, rel=1e-10)
    assert out["p_value"] == pytest.approx(0.00041643382888650757, rel=1e-8)
    assert out["df"] == 2


def test_logrank_two_groups_matches_lifelines_and_scipy():
    a, b = G == "a", G == "b"
    # lifelines.statistics.logrank_test(T[a], T[b], E[a], E[b]):
    # test_statistic 7.98000979093485, p_value 0.004729668614250924
    out = logrank(T[a | b], E[a | b], G[a | b])
    assert out["statistic"] == pytest.approx(7.98000979093485, rel=1e-10)
    assert out["p_value"] == pytest.approx(0.004729668614250924, rel=1e-8)
    # scipy.stats.logrank returns Z; its square is the chi-square statistic
    z = stats.logrank(
        stats.CensoredData.right_censored(T[a], censored=E[a] == 0),
        stats.CensoredData.right_censored(T[b], censored=E[b] == 0),
    ).statistic
    assert out["statistic"] == pytest.approx(z**2, rel=1e-10)


def test_logrank_with_a_group_that_carries_no_information_matches_lifelines():
    # Group c is censored before the first response: no variance, O - E = 0.
    # lifelines.statistics.multivariate_logrank_test([1, 2, 3, 4, 5, 6, 0.5, 0.5],
    #     list("aaabbbcc"), [1, 0, 1, 1, 0, 1, 0, 0])
    # -> test_statistic 3.571428571428573, p_value 0.16767724875179701, degrees_of_freedom 2
    out = logrank([1, 2, 3, 4, 5, 6, 0.5, 0.5], [1, 0, 1, 1, 0, 1, 0, 0], list("aaabbbcc"))
    assert out["statistic"] == pytest.approx(3.571428571428573, rel=1e-10)
    assert out["p_value"] == pytest.approx(0.16767724875179701, rel=1e-8)
    assert out["df"] == 2


def test_logrank_many_groups_matches_lifelines():
    gen = np.random.default_rng(0)
    t = gen.integers(0, 100, 20_000).astype(float)
    e = gen.random(20_000) < 0.4
    g = gen.integers(0, 300, 20_000)
    # the same arrays saved with np.savez and passed to
    # lifelines.statistics.multivariate_logrank_test(t, g, e)
    # -> test_statistic 306.17317247314793, p_value 0.3751545826888293
    out = logrank(t, e, g)
    assert out["statistic"] == pytest.approx(306.17317247314793, rel=1e-9)
    assert out["p_value"] == pytest.approx(0.3751545826888293, rel=1e-8)
    assert out["df"] == 299


def test_logrank_undefined_cases_are_nan():
    assert np.isnan(logrank(T, E, ["a"] * len(T))["statistic"])
    assert np.isnan(logrank([1, 2, 3], [0, 0, 0], ["a", "b", "b"])["statistic"])
    labels = np.array(G, dtype=object)
    labels[G == "c"] = None  # missing labels are left out
    assert logrank(T, E, labels)["statistic"] == pytest.approx(7.98000979093485, rel=1e-10)


# --------------------------------------------------------------------------- from a log
def _log() -> JobSearchLog:
    """Eight applications, hand-checkable (as_of 2026-03-31).

    program x:
      a1 applied 03-01, reply 03-04                         -> response on day 3
      a2 applied 03-01, follow-up 03-05, interview 03-08    -> response on day 7
      a3 applied 03-02, nothing                             -> censored on day 29 (as_of)
      a4 applied 03-03, withdrawn 03-10, rejection 03-15    -> censored on day 7 (withdrawal)
      a5 applied 03-05, rejection without a known date      -> excluded
      a6 applied 03-06, reply dated 03-01 (before applying, ignored), rejection 03-16
                                                            -> response on day 10
    program y:
      a7 applied 03-01, offer 03-11                         -> response on day 10
      a8 applied 03-10, reply 04-05 (after as_of, ignored)  -> censored on day 21
    program z: declared as a category, no applications.
    """
    rows = [
        ("a1", "2026-03-01", "applied"),
        ("a1", "2026-03-04", "reply"),
        ("a2", "2026-03-01", "applied"),
        ("a2", "2026-03-05", "followup"),
        ("a2", "2026-03-08", "interview"),
        ("a3", "2026-03-02", "applied"),
        ("a4", "2026-03-03", "applied"),
        ("a4", "2026-03-10", "withdrawn"),
        ("a4", "2026-03-15", "rejection"),
        ("a5", "2026-03-05", "applied"),
        ("a5", "2026-03-20", "rejection"),
        ("a6", "2026-03-06", "applied"),
        ("a6", "2026-03-01", "reply"),
        ("a6", "2026-03-16", "rejection"),
        ("a7", "2026-03-01", "applied"),
        ("a7", "2026-03-11", "offer"),
        ("a8", "2026-03-10", "applied"),
        ("a8", "2026-04-05", "reply"),
    ]
    apps = pd.DataFrame(
        {
            "application_id": [f"a{i}" for i in range(1, 9)],
            "program": pd.Categorical(list("xxxxxxyy"), categories=["z", "y", "x"]),
            "adviser": ["R&D <team>"] * 6 + ["Ops"] * 2,
        }
    )
    undated = [(a, e) == ("a5", "rejection") for a, _, e in rows]
    return build_log(rows, apps, as_of="2026-03-31", date_known=[not u for u in undated])


def _quiet(*args, **kwargs) -> TimeToResponse:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return time_to_response(*args, **kwargs)


def test_time_to_response_by_program_matches_hand_computed_kaplan_meier():
    # Group x, durations 3*, 7*, 7+, 10*, 29+ (* response, + censored); a5 excluded:
    #   day 3:  5 at risk, 1 response          S = 4/5           = 0.8
    #   day 7:  4 at risk, 1 response, 1 cens. S = 0.8 * 3/4     = 0.6
    #   day 10: 2 at risk, 1 response          S = 0.6 * 1/2     = 0.3
    #   day 29: 1 at risk, censored            S = 0.3
    #   median = first day with S <= 0.5 = 10; P(response by 7) = 0.4, by 14 = 0.7;
    #   by 30: beyond the last follow-up (29, censored) -> NaN.
    # Group y, durations 10*, 21+: S(10) = 1/2, median 10, P(by 7) = 0, P(by 14) = 0.5.
    res = _quiet(_log(), by="program")
    s = res.summary.set_index("program")
    assert list(s.index) == ["z", "y", "x"]  # categorical order, the empty group kept
    assert s.loc["x", ["n", "n_responses", "n_censored", "n_excluded"]].tolist() == [5, 3, 2, 1]
    assert s.loc["y", ["n", "n_responses", "n_censored", "n_excluded"]].tolist() == [2, 1, 1, 0]
    assert s.loc["z", "n"] == 0 and s.loc["z", "median_days":].isna().all()
    assert s.loc["x", "median_days"] == 10 and s.loc["y", "median_days"] == 10
    assert s.loc["x", ["p_response_7", "p_response_14"]].tolist() == pytest.approx([0.4, 0.7])
    assert s.loc["y", ["p_response_7", "p_response_14"]].tolist() == pytest.approx([0.0, 0.5])
    assert np.isnan(s.loc["x", "p_response_30"])

    x = res.curves.loc[res.curves["program"] == "x"]
    assert x["day"].tolist() == [0, 3, 7, 10, 29]
    assert x["at_risk"].tolist() == [5, 5, 4, 2, 1]
    assert x["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.3, 0.3])
    # Log-log interval at day 3 by hand (Greenwood): var = 1/(5*4); se of log(-log S) =
    # sqrt(var) / |log S|; limits S ** exp(+/- z * se).
    se = np.sqrt(1 / 20) / abs(np.log(0.8))
    z = stats.norm.ppf(0.975)
    assert x["ci_low"].iloc[1] == pytest.approx(0.8 ** np.exp(z * se), rel=1e-9)
    assert x["ci_high"].iloc[1] == pytest.approx(0.8 ** np.exp(-z * se), rel=1e-9)
    assert x["ci_low"].iloc[1] == pytest.approx(0.2038, abs=1e-4)
    # p_response_7 interval is 1 - the survival band at day 7
    assert s.loc["x", "p_response_7_ci_low"] == pytest.approx(1 - x["ci_high"].iloc[2])

    # lifelines.statistics.logrank_test([3, 7, 29, 7, 10], [10, 21],
    #     event_observed_A=[1, 1, 0, 0, 1], event_observed_B=[1, 0])
    # -> test_statistic 0.5044776119402985, p_value 0.4775392777314962
    t = res.test.iloc[0]
    assert t["statistic"] == pytest.approx(0.5044776119402985, rel=1e-10)
    assert t["p_value"] == pytest.approx(0.4775392777314962, rel=1e-8)
    assert (t["df"], t["n_groups"]) == (1, 2)
    assert list(res.test.columns) == ["statistic", "df", "p_value", "n_groups"]


def test_time_to_response_columns_without_groups():
    res = _quiet(_log())
    assert list(res.curves.columns) == [
        "day",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]
    assert list(res.summary.columns) == [
        "n",
        "n_responses",
        "n_censored",
        "n_excluded",
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "p_response_7",
        "p_response_7_ci_low",
        "p_response_7_ci_high",
        "p_response_14",
        "p_response_14_ci_low",
        "p_response_14_ci_high",
        "p_response_30",
        "p_response_30_ci_low",
        "p_response_30_ci_high",
    ]
    assert res.summary["n"].tolist() == [7] and res.summary["n_excluded"].tolist() == [1]
    assert len(res.test) == 0 and list(res.test.columns) == [
        "statistic",
        "df",
        "p_value",
        "n_groups",
    ]


def test_earlier_as_of_ignores_later_responses_and_later_applications():
    # as_of 03-08: a2's interview that day counts; a6's rejection (03-16) and a5's undated
    # rejection come later, so both are still waiting; a8 (applied 03-10) does not exist
    # yet on 03-08 (the log leaves it out; its report counts it).
    log = _log().with_as_of("2026-03-08")
    res = _quiet(log, by="program", days=[5])
    s = res.summary.set_index("program")
    assert s.loc["x", ["n", "n_responses", "n_excluded"]].tolist() == [6, 2, 0]
    assert s.loc["y", ["n", "n_responses", "n_excluded"]].tolist() == [1, 0, 0]
    assert log.report.applications_after_as_of == 1
    x = res.curves.loc[res.curves["program"] == "x"]
    # durations: a1 3*, a2 7*, a3 6+, a4 5+, a5 3+, a6 2+
    assert x["day"].tolist() == [0, 2, 3, 5, 6, 7]
    assert "p_response_5" in s.columns and res.as_of == pd.Timestamp("2026-03-08")
    for frame in (res.curves, res.summary, res.test):
        d = frame.attrs["definition"]
        assert (d.outcome, d.unit, d.as_of) == ("response", "application", res.as_of)


def test_as_of_argument_names_with_as_of_and_min_n_sets_the_warning():
    with pytest.raises(TypeError, match=r"as_of= .*log\.with_as_of\(\.\.\.\)"):
        time_to_response(_log(), as_of="2026-03-08")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        time_to_response(_log(), by="Program", min_n=0)  # case-insensitive, no warning
    with pytest.warns(SmallSampleWarning, match="fewer than 8 applications"):
        time_to_response(_log(), by="program", min_n=8)
    with pytest.raises(ValueError, match="more than max_groups=1"):
        _quiet(_log(), by="program", max_groups=1)


def test_groups_of_a_plain_column_are_sorted_and_small_groups_warn():
    with pytest.warns(SmallSampleWarning, match=r"group\(s\) 'Ops' \(2\), 'R&D <team>' \(5\)"):
        res = time_to_response(_log(), by="adviser")
    assert res.summary["adviser"].tolist() == ["Ops", "R&D <team>"]
    html = res._repr_html_()
    assert "R&amp;D &lt;team&gt;" in html and "<team>" not in html
    assert "log-rank" in html and "censored" in repr(res)


def test_unknown_group_column_is_named():
    with pytest.raises(
        ValueError,
        match=r"by='no_such_column' is not a known grouping; "
        r"allowed: \['application_id', 'seeker'",
    ):
        _quiet(_log(), by="no_such_column")
    with pytest.raises(ValueError, match=r"by='progam' .*did you mean 'program'"):
        _quiet(_log(), by="progam")


def test_withdrawal_before_applying_is_reported():
    log = _log()
    events = pd.concat(
        [
            log.events,
            pd.DataFrame(
                {
                    "application_id": ["a3"],
                    "date": pd.to_datetime(["2026-02-20"]),
                    "event": ["withdrawn"],
                }
            ),
        ],
        ignore_index=True,
    )
    bad = JobSearchLog.from_frames(events, log.applications, as_of=log.as_of)
    with pytest.raises(ValueError, match=r"withdrawal\) before they were applied for.*a3"):
        _quiet(bad)


def test_the_log_is_not_mutated():
    log = _log()
    events, apps = log.events.copy(deep=True), log.applications.copy(deep=True)
    _quiet(log.with_as_of("2026-03-20"), by="program")
    pd.testing.assert_frame_equal(log.events, events)
    pd.testing.assert_frame_equal(log.applications, apps)
    assert log.as_of == pd.Timestamp("2026-03-31")


def test_log_without_responses_or_withdrawals():
    events = pd.DataFrame(
        {
            "application_id": ["b1", "b2", "b2"],
            "date": ["2026-01-01", "2026-01-03", "2026-01-05"],
            "event": ["applied", "applied", "followup"],
        }
    )
    res = _quiet(JobSearchLog.from_frames(events, as_of="2026-01-11"))
    assert res.summary[["n", "n_responses", "n_censored"]].iloc[0].tolist() == [2, 0, 2]
    assert res.curves["day"].tolist() == [0, 8, 10]
    assert res.curves["survival"].eq(1).all() and np.isnan(res.summary["median_days"].iloc[0])
    assert res.summary["p_response_7"].iloc[0] == 0


def test_random_logs_keep_every_application_and_monotone_curves(rng):
    checked = 0
    for _ in range(10):
        n = int(rng.integers(1, 80))
        ids = [f"r{i}" for i in range(n)]
        applied = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 40, n), "D")
        kinds = rng.choice(["reply", "rejection", "withdrawn", "followup", "offer"], n)
        when = applied + pd.to_timedelta(rng.integers(-3, 50, n), "D")
        events = pd.DataFrame(
            {
                "application_id": ids + ids,
                "date": list(applied) + list(when),
                "event": ["applied"] * n + list(kinds),
                "date_known": [True] * n + list(rng.random(n) < 0.9),
            }
        )
        apps = pd.DataFrame({"application_id": ids, "cohort": rng.choice(["a", "b", "c", None], n)})
        log = JobSearchLog.from_frames(events, apps, as_of="2026-02-20")
        withdrawn_early = (kinds == "withdrawn") & (when < applied)
        if withdrawn_early.any():
            with pytest.raises(ValueError, match="before they were applied for"):
                _quiet(log, by="cohort")
            continue
        res = _quiet(log, by="cohort")
        checked += 1
        s = res.summary
        assert s["n"].sum() + s["n_excluded"].sum() == apps["cohort"].notna().sum()
        assert (s["n_responses"] + s["n_censored"] == s["n"]).all()
        for _, c in res.curves.groupby("cohort", observed=True):
            assert c["at_risk"].iloc[0] == s.set_index("cohort").loc[c["cohort"].iloc[0], "n"]
            assert (np.diff(c["survival"]) <= 1e-12).all()
            ok = c["ci_low"].notna()
            assert (
                (c["ci_low"][ok] <= c["survival"][ok] + 1e-12)
                & (c["survival"][ok] <= c["ci_high"][ok] + 1e-12)
            ).all()
    assert checked >= 3
