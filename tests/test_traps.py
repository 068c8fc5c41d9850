"""The null simulator with every trap (samples.traps): it must catch the 0.1 definitions.

The 0.1 definitions are kept here, written out with plain pandas, as the naive reference:
on data where following up, thanking and writing after a rejection change nothing, each of
them finds an effect. Reference intervals are statsmodels' Mantel-Haenszel
(``StratifiedTable(tables).oddsratio_pooled_confint()``), independent of the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.proportion import proportion_confint

from followup_analytics import JobSearchLog
from followup_analytics.samples.traps import TRAPS, simulate_traps


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_traps(seed=11)


def _mh(unit: pd.DataFrame, x: str, y: str) -> tuple[float, float, float]:
    """statsmodels Mantel-Haenszel odds ratio of y on x, stratified by seeker."""
    t = (
        pd.crosstab([unit["seeker"], unit[x]], unit[y])
        .reindex(pd.MultiIndex.from_product([unit["seeker"].unique(), [True, False]]), fill_value=0)
        .reindex(columns=[True, False], fill_value=0)
    )
    tables = t.to_numpy().reshape(-1, 2, 2)
    keep = (tables.sum(2) > 0).all(1) & (tables.sum(1) > 0).all(1)
    st = StratifiedTable(np.moveaxis(tables[keep], 0, -1))
    low, high = st.oddsratio_pooled_confint()
    return float(st.oddsratio_pooled), float(low), float(high)


def _naive_thank_you(ev: pd.DataFrame, apps: pd.DataFrame) -> pd.DataFrame:
    """0.1 ``thank_you_after_interview``: any thank-you dated on or after an interview, among
    interviewed applications; outcome: any offer."""
    first_iv = ev[ev["event"] == "interview"].groupby("application_id")["date"].min()
    ty = ev[ev["letter_type"] == "thank_you"].join(first_iv.rename("iv"), on="application_id")
    thanked = set(ty.loc[ty["date"] >= ty["iv"], "application_id"])
    rounds = ev[ev["event"] == "interview"].groupby("application_id")["date"].nunique()
    offered = set(ev.loc[ev["event"] == "offer", "application_id"])
    unit = apps.loc[apps["application_id"].isin(first_iv.index), ["application_id", "seeker"]]
    unit["thanked"] = unit["application_id"].isin(thanked)
    unit["offered"] = unit["application_id"].isin(offered)
    unit["rounds"] = unit["application_id"].map(rounds)
    return unit


def test_simulator_is_seeded_and_canonical(frames):
    ev, apps = frames
    again = simulate_traps(seed=11)
    pd.testing.assert_frame_equal(ev, again[0])
    log = JobSearchLog.from_frames(ev, apps, as_of="2026-10-30")
    assert len(log) == len(apps) > 6000
    undated = ev.loc[~ev["date_known"], "event"]
    assert set(undated) == {"offer", "rejection"}  # undated final statuses only
    decisions = ev["event"].isin(["offer", "rejection"]) & ev["application_id"].isin(
        ev.loc[ev["event"] == "interview", "application_id"]
    )
    share = (~ev.loc[decisions, "date_known"]).mean()
    assert abs(share - TRAPS["undated_decision_share"]) < 0.05


def test_naive_thank_you_definition_finds_an_effect_that_is_not_there(frames):
    unit = _naive_thank_you(*frames)
    est, low, high = _mh(unit, "thanked", "offered")
    # no thank-you note changes anything here, yet within seeker the 0.1 definition says
    # thank-yous go with offers: rounds earned by doing well, quick rejections before the
    # note, notes after the offer
    assert low > 1.3, (est, low, high)


def test_naive_thank_you_rounds_grow_with_the_offer(frames):
    unit = _naive_thank_you(*frames)
    many = unit["rounds"] >= 2
    rate_many = unit.loc[many, "offered"].mean()
    rate_one = unit.loc[~many, "offered"].mean()
    assert rate_many > 2 * rate_one


def test_naive_followed_up_vs_not_finds_an_effect_that_is_not_there(frames):
    ev, apps = frames
    fu = set(ev.loc[ev["letter_type"] == "status_check", "application_id"])
    resp = set(
        ev.loc[ev["event"].isin(["reply", "interview", "rejection", "offer"]), "application_id"]
    )
    unit = apps[["application_id", "seeker"]].assign(
        followed=apps["application_id"].isin(fu), responded=apps["application_id"].isin(resp)
    )
    est, low, high = _mh(unit, "followed", "responded")
    # a quick reply prevents a follow-up: following up "lowers" the response
    assert high < 0.8, (est, low, high)


def test_naive_timing_falls_with_the_delay_although_timing_does_nothing(frames):
    ev, apps = frames
    fu = ev[ev["letter_type"] == "status_check"].join(
        apps.set_index("application_id")["applied_on"], on="application_id"
    )
    delay = (fu["date"] - fu["applied_on"]).dt.days
    resp = ev[ev["event"].isin(["reply", "interview", "rejection", "offer"])]
    first = resp.groupby("application_id")["date"].min()
    gap = (fu["application_id"].map(first) - fu["date"]).dt.days
    answered = (gap >= 0) & (gap <= 30)
    early, late = delay <= 7, delay >= 15
    lo_e, _ = proportion_confint(answered[early].sum(), early.sum(), method="wilson")
    _, hi_l = proportion_confint(answered[late].sum(), late.sum(), method="wilson")
    # responses fade with time: the 0.1 "later checks get fewer answers" appears from nothing
    assert hi_l < lo_e


def test_naive_post_rejection_note_is_confounded_by_the_seeker(frames):
    ev, apps = frames
    notes = set(ev.loc[ev["letter_type"] == "still_interested", "application_id"])
    rejected = apps[
        apps["application_id"].isin(ev.loc[ev["event"] == "rejection", "application_id"])
    ]
    comeback = apps.groupby(["seeker", "company"]).size().gt(1)
    unit = rejected.assign(
        note=rejected["application_id"].isin(notes),
        back=pd.MultiIndex.from_frame(rejected[["seeker", "company"]])
        .map(comeback.to_dict().get)
        .fillna(False)
        .astype(bool),
    )
    pooled = pd.crosstab(unit["note"], unit["back"], normalize="index")[True]
    assert pooled[True] > 1.3 * pooled[False]  # pooled: notes "work"


def test_planted_thank_you_effect_needs_the_switch():
    with pytest.raises(ValueError, match="thank_you_odds_ratio"):
        simulate_traps(n_seekers=2, thank_you_odds_ratio=0)
    with pytest.raises(ValueError, match="unknown key"):
        simulate_traps(n_seekers=2, traps={"nope": 1})
