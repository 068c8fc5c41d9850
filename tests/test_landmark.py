"""landmark_effect(): who is in the comparison, which group, outcome after the landmark."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log
from scipy import stats
from scipy.stats.contingency import odds_ratio as scipy_odds_ratio
from statsmodels.stats.contingency_tables import StratifiedTable

from followup_analytics import JobSearchLog, SmallSampleWarning, SparseStrataWarning
from followup_analytics.metrics.landmark import landmark_effect, landmark_sample
from followup_analytics.schema import COMPARISON_COLUMNS

COLS = ["application_id", "date", "event", "channel"]
DAY0 = pd.Timestamp("2026-01-01")


def _rows(app, *events):
    return [
        (app, str((DAY0 + pd.Timedelta(days=d)).date()), e, "email" if e == "followup" else None)
        for d, e in ((0, "applied"), *events)
    ]


def _log(seekers=None):
    rows = (
        _rows("a", (3, "reply"))  # answered before day 7: out
        + _rows("b", (5, "followup"), (10, "reply"))  # followed up by 7, responded
        + _rows("c", (7, "followup"))  # followed up on day 7, silent
        + _rows("d", (20, "reply"))  # not followed up, responded
        + _rows("e", (8, "followup"), (9, "rejection"))  # followed up too late: control
        + _rows("f", (6, "withdrawn"))  # withdrew before day 7: out
        + _rows("h", (7, "interview"))
    )  # responded on day 7: out
    rows += [("g", "2026-03-28", "applied", None)]  # applied 3 days before as_of: out
    apps = None
    if seekers is not None:
        apps = pd.DataFrame({"application_id": list("abcdefhg"), "seeker": seekers})
    return build_log(rows, apps, as_of="2026-03-31")


def test_landmark_sample_keeps_waiting_observable_applications():
    s = landmark_sample(_log())
    assert list(s["application_id"]) == ["b", "c", "d", "e"]
    assert list(s["followed_up_by_landmark"]) == [True, True, False, False]
    assert list(s["outcome_after_landmark"]) == [True, False, True, True]
    s = landmark_sample(_log(), 7, window=10)  # outcome by day 17: d's day-20 reply is out
    assert list(s["outcome_after_landmark"]) == [True, False, False, True]
    s = landmark_sample(_log(), 4)  # a answered on day 3; f withdrew on day 6: still in
    assert list(s["application_id"]) == ["b", "c", "d", "e", "f", "h"]
    assert not s["followed_up_by_landmark"].any()


def test_landmark_effect_numbers_equal_scipy_on_the_same_table():
    with pytest.warns(SmallSampleWarning, match="landmark day 7"):
        r = landmark_effect(_log())
    assert list(r.columns) == COMPARISON_COLUMNS
    assert set(r["key"]) == {"landmark_day_7"}
    assert set(r["level"]) == {"followed_up"} and set(r["reference"]) == {"not_followed_up"}
    assert set(
        zip(r["n_level"], r["k_level"], r["n_reference"], r["k_reference"], strict=True)
    ) == {(2, 1, 2, 2)}
    assert set(r["n_seekers"]) == {1} and r["q_value"].isna().all()
    # one seeker: said plainly, with the number of events, and "this log cannot tell"
    assert (
        r["note"]
        .str.contains(
            "one seeker: pooled and within-seeker coincide; 3 of 4 "
            "applications had the outcome; this log cannot tell"
        )
        .all()
    )
    d = r.attrs["definition"]
    assert (d.outcome, d.landmark, d.window, d.unit) == ("response", 7, None, "application")
    comp = r.set_index("estimator")
    assert list(comp.index) == [
        "pooled_risk_difference",
        "pooled_risk_ratio",
        "pooled_odds_ratio",
    ]  # one seeker
    assert comp.loc["pooled_risk_difference", "estimate"] == pytest.approx(-0.5)
    table = [[1, 1], [2, 0]]
    # reference: scipy.stats.fisher_exact([[1, 1], [2, 0]]) and
    # scipy.stats.contingency.odds_ratio([[1, 1], [2, 0]], kind="conditional")
    assert comp.loc["pooled_odds_ratio", "p_value"] == pytest.approx(
        stats.fisher_exact(table).pvalue
    )
    ref = scipy_odds_ratio(table, kind="conditional")
    assert comp.loc["pooled_odds_ratio", "estimate"] == pytest.approx(ref.statistic)
    assert comp.loc["pooled_odds_ratio", "ci_high"] == pytest.approx(ref.confidence_interval().high)


def test_within_seeker_estimate_matches_statsmodels_stratified_table():
    seekers = ["s", "s", "s", "s", "t", "t", "t", "t"]  # a b c d | e f h g
    rows, more = [], []
    for i, (fu, y) in enumerate([(1, 1), (1, 0), (0, 1), (0, 0), (1, 1), (0, 0)] * 3):
        app = f"x{i}"
        rows += _rows(app, *([(2, "followup")] if fu else []), *([(12, "reply")] if y else []))
        more.append("s" if i < 9 else "t")
    base = _log(seekers)
    extra = pd.DataFrame(rows, columns=COLS)
    apps = pd.concat(
        [
            base.applications[["application_id", "seeker"]],
            pd.DataFrame({"application_id": [f"x{i}" for i in range(18)], "seeker": more}),
        ]
    )
    log = JobSearchLog.from_frames(pd.concat([base.events[COLS], extra]), apps, as_of="2026-03-31")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        r = landmark_effect(log)
    row = r.set_index("estimator").loc["within_seeker_odds_ratio"]
    s = landmark_sample(log)
    tables = []
    for name in ("s", "t"):  # reference: statsmodels StratifiedTable on per-seeker 2x2s
        g = s[s["seeker"] == name]
        t, y = g["followed_up_by_landmark"], g["outcome_after_landmark"]
        tables.append([[(t & y).sum(), (t & ~y).sum()], [(~t & y).sum(), (~t & ~y).sum()]])
    st = StratifiedTable(np.moveaxis(np.array(tables, dtype=float), 0, -1))
    assert row["estimate"] == pytest.approx(st.oddsratio_pooled)
    assert row["p_value"] == pytest.approx(st.test_null_odds(correction=True).pvalue)


def test_sparse_strata_and_bad_arguments():
    seekers = ["s", "s", "s", "s", "t", "t", "t", "t"]  # t holds only e (control)
    with pytest.warns(SparseStrataWarning):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)
            r = landmark_effect(_log(seekers))
    row = r.set_index("estimator").loc["within_seeker_odds_ratio"]
    assert np.isnan(row["estimate"])
    assert row["note"] == "fewer than two seekers carry information"
    with pytest.raises(
        ValueError,
        match=r"outcome must be one of \['response', 'interview', "
        r"'offer'\]; got 'hire'",
    ):
        landmark_effect(_log(), outcome="hire")
    with pytest.raises(ValueError, match="day must be"):
        landmark_effect(_log(), day=-1)


def test_level_rates_gives_each_arm_with_its_wilson_interval():
    from statsmodels.stats.proportion import proportion_confint

    from followup_analytics import level_rates

    with pytest.warns(SmallSampleWarning):
        r = landmark_effect(_log())
        rates = level_rates(r)
    assert list(rates.columns) == ["key", "level", "n", "k", "rate", "ci_low", "ci_high", "small_n"]
    assert list(rates["level"]) == ["followed_up", "not_followed_up"]
    assert list(zip(rates["n"], rates["k"], strict=True)) == [(2, 1), (2, 2)]
    # reference: statsmodels proportion_confint(1, 2, method="wilson")
    lo, hi = proportion_confint(1, 2, alpha=0.05, method="wilson")
    assert (rates["ci_low"].iloc[0], rates["ci_high"].iloc[0]) == (
        pytest.approx(lo),
        pytest.approx(hi),
    )
    assert rates.attrs["definition"] == r.attrs["definition"]
    with pytest.raises(ValueError, match="level_rates: the result is missing"):
        level_rates(r.drop(columns="n_level"))


def test_landmark_comparisons_and_strategies_share_one_eligibility_rule():
    """Day 14 on the hand-made log: a, b, e answered, f withdrew and h was interviewed
    before it, g is not observed that long; c and d are still waiting. The strategies judged
    at a landmark (first follow-up by day 14) use the same set."""
    from followup_analytics.metrics import strategies
    from followup_analytics.metrics.features import features
    from followup_analytics.metrics.landmark import still_waiting

    log = _log()
    f = features(log)
    waiting = set(f.loc[still_waiting(f, log, 14), "application_id"])
    assert waiting == {"c", "d"}
    assert set(landmark_sample(log, 14)["application_id"]) == waiting
    in_strategy, n = strategies._followups_by_landmark(f, log)
    assert strategies.TIMING_DAY == 14
    assert set(f.loc[in_strategy, "application_id"]) == waiting
    assert set(f.loc[in_strategy & (n > 0), "application_id"]) == {"c"}
