"""Planted effects: on simulated job searches with a known truth, the within-seeker estimates
recover the planted effects, the naive ones show the planted confounding, and the planted
nulls (tiered cadence; follow-ups after applying have no effect on offers, whatever their
timing, channel, letter type or number) are not "discovered" once they are judged at their
landmarks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from followup_analytics import FollowupWarning, JobSearchLog
from followup_analytics.metrics.associations import offer_associations
from followup_analytics.metrics.features import features
from followup_analytics.metrics.inference import mantel_haenszel
from followup_analytics.metrics.landmark import landmark_effect
from followup_analytics.samples import PLANTED_EFFECTS, simulate

SEED = 20261121
Z = 1.959963984540054


@pytest.fixture(scope="module")
def log() -> JobSearchLog:
    # 300 seekers x 60-140 applications: about 30,000 applications, 3,500 interviewed
    events, applications = simulate(300, seed=SEED)
    return JobSearchLog.from_frames(events, applications, as_of=events["date"].max())


@pytest.fixture(scope="module")
def table(log) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        return offer_associations(
            log, strategies=["thank_you_after_interview", "tiered_cadence", "post_rejection_note"]
        )


def _row(table, strategy, estimator):
    t = table
    return t[(t["key"] == strategy) & (t["estimator"] == estimator)].iloc[0]


def _se_log(row) -> float:
    """Standard error of the log odds ratio, read back from its 95% interval."""
    return (np.log(row["ci_high"]) - np.log(row["ci_low"])) / (2 * Z)


def test_within_seeker_thank_you_estimate_recovers_the_planted_odds_ratio(table):
    planted = PLANTED_EFFECTS["thank_you_offer_odds_ratio"]
    ws = _row(table, "thank_you_after_interview", "within_seeker_odds_ratio")
    se = _se_log(ws)
    assert 0.05 < se < 0.2  # enough interviewed applications
    # within 3 standard errors of the planted value (a 0.3% miss rate if unbiased)
    assert abs(np.log(ws["estimate"]) - np.log(planted)) < 3 * se
    assert ws["ci_low"] > 1  # and the association is detected


def test_naive_thank_you_estimate_shows_the_planted_confounding(table):
    planted = PLANTED_EFFECTS["thank_you_offer_odds_ratio"]
    naive = _row(table, "thank_you_after_interview", "pooled_odds_ratio")
    ws = _row(table, "thank_you_after_interview", "within_seeker_odds_ratio")
    # stronger seekers both thank more and get more offers: the pooled odds ratio is biased
    # upwards, its whole interval above the planted value and above the within-seeker one
    assert naive["ci_low"] > planted
    assert naive["estimate"] > ws["ci_high"]


def test_tiered_cadence_null_is_not_discovered_within_seeker(table):
    assert PLANTED_EFFECTS["tiered_cadence_odds_ratio"] == 1.0
    ws = _row(table, "tiered_cadence", "within_seeker_odds_ratio")
    assert ws["q_value"] >= 0.05
    assert ws["ci_low"] < 1 < ws["ci_high"]


def test_landmark_followup_effect_within_seeker(log):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        r = landmark_effect(log, day=PLANTED_EFFECTS["landmark_day"]).set_index("estimator")
    base = r["k_reference"].iloc[0] / r["n_reference"].iloc[0]  # not followed up
    rr = PLANTED_EFFECTS["followup_response_risk_ratio"]
    implied_or = (rr * base / (1 - rr * base)) / (base / (1 - base))
    ws = r.loc["within_seeker_odds_ratio"]
    # the planted risk ratio, expressed as an odds ratio at the pooled baseline (an
    # approximation: baselines differ between seekers), lies within 3 standard errors of
    # the within-seeker estimate; the naive odds ratio is inflated by seeker strength
    assert abs(np.log(ws["estimate"]) - np.log(implied_or)) < 3 * _se_log(ws)
    assert ws["ci_low"] > 1
    assert r.loc["pooled_odds_ratio", "estimate"] > ws["estimate"]


# --------------------------------------------------------------------------- large simulation
@pytest.fixture(scope="module")
def large_log() -> JobSearchLog:
    # 5,000 seekers: about 500,000 applications, 316,000 still waiting on day 16 (~6 s)
    events, applications = simulate(5000, seed=SEED)
    return JobSearchLog.from_frames(events, applications, as_of=events["date"].max())


@pytest.fixture(scope="module")
def large_table(large_log) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        return offer_associations(large_log, strategies=["tiered_cadence", "first_followup_timing"])


def _within_seeker(f: pd.DataFrame, flag: str, among: pd.Series) -> dict:
    sub = f.loc[among.to_numpy(bool)]
    x, y = sub[flag].to_numpy(bool), sub["offered"].to_numpy(bool)
    strata = (
        pd.DataFrame(
            {"stratum": sub["seeker"].to_numpy(), "k1": x & y, "n1": x, "k0": ~x & y, "n0": ~x}
        )
        .groupby("stratum")
        .sum()
        .reset_index()
    )
    return mantel_haenszel(strata)


def test_tiered_cadence_null_holds_at_its_landmark_on_a_large_simulation(large_log, large_table):
    ws = _row(large_table, "tiered_cadence", "within_seeker_odds_ratio")
    assert ws["n_level"] + ws["n_reference"] > 250_000
    assert _se_log(ws) < 0.07  # narrow enough for a residual bias to show
    assert ws["q_value"] >= 0.05
    assert ws["ci_low"] < 1 < ws["ci_high"]
    # why the landmark: the completed cadence counted among all applications compares
    # applications that had not heard back by about day 13 with many that had, and "finds"
    # a strong negative association (about 0.26) for a planted null
    f = features(large_log)
    everyone = _within_seeker(f, "tiered_cadence", pd.Series(True, index=f.index))
    assert everyone["ci_high"] < 0.5


def test_first_followup_timing_is_not_discovered_at_its_landmark(large_log, large_table):
    # follow-ups after applying have no planted effect on offers: at the day-14 landmark no
    # timing bucket differs from 4–7 within seeker; the later buckets stay as empty rows
    t = large_table[
        (large_table["key"] == "first_followup_timing")
        & (large_table["estimator"] == "within_seeker_odds_ratio")
    ]
    t = t.set_index("level")
    judged = ["0–1", "2–3", "8–14"]
    assert (t.loc[judged, "n_level"] > 5000).all()
    assert (t.loc[judged, "q_value"] >= 0.05).all()
    assert ((t.loc[judged, "ci_low"] < 1) & (t.loc[judged, "ci_high"] > 1)).all()
    assert (t.loc[["15–30", "31+"], "n_level"] == 0).all()
    # without the landmark, a first follow-up after 15-30 days marks an application that
    # had gone quiet: among all applications first followed up after applying, the late
    # bucket "finds" far fewer offers
    f = features(large_log)
    after_applying = f["followup_stage"].eq("after_application").fillna(False)
    naive = _within_seeker(
        f.assign(late=f["timing"].eq("15–30").fillna(False)),
        "late",
        after_applying & f["timing"].isin(["4–7", "15–30"]),
    )
    assert naive["ci_high"] < 0.5


def test_first_followup_channel_and_letter_type_are_not_discovered_at_the_landmark(large_log):
    # channels and letter types have no planted effect on offers: at the day-14 landmark
    # (first follow-up after applying, still waiting) no level differs from email or from
    # a status check within seeker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        t = offer_associations(
            large_log, strategies=["first_followup_channel", "first_followup_letter_type"]
        )
    t = t[t["estimator"] == "within_seeker_odds_ratio"].set_index(["key", "level"])
    channels = t.loc["first_followup_channel"]
    judged = channels[channels["n_level"] > 0]
    assert set(judged.index) == {"phone", "voicemail", "linkedin", "in_person", "text"}
    assert (judged.loc[["phone", "voicemail", "in_person"], "n_level"] > 3000).all()
    assert (judged["q_value"] >= 0.05).all()
    assert ((judged["ci_low"] < 1) & (judged["ci_high"] > 1)).all()
    assert _se_log(judged.loc["phone"]) < 0.15
    types = t.loc["first_followup_letter_type"]
    assert types.loc["value_add", "n_level"] > 10_000
    assert types.loc["value_add", "q_value"] >= 0.05
    # thank-you notes after interviews are out: they are judged by their own strategies
    assert types.loc["thank_you", "n_level"] == 0 == channels.loc["letter", "n_level"]
    # why: the first follow-up at any stage mixes reminders to silent applications with
    # thank-you notes after interviews (email or letter): "letter" then "finds" many more
    # offers than email, and a phone call far fewer
    f = features(large_log)
    followed = f["followed_up"].fillna(False)
    naive = {
        c: _within_seeker(
            f.assign(x=f["channel"].eq(c).fillna(False)),
            "x",
            followed & f["channel"].isin(["email", c]),
        )
        for c in ("letter", "phone")
    }
    assert naive["letter"]["ci_low"] > 2
    assert naive["phone"]["ci_high"] < 0.5


def test_number_of_followups_is_not_discovered_at_the_landmark(large_log):
    # the number of follow-ups has no planted effect on offers: at the day-14 landmark
    # (still waiting, follow-ups made after applying by then) no count differs from none
    # within seeker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        t = offer_associations(large_log, strategies=["n_followups", "first_followup_timing"])
    ws = t[(t["key"] == "n_followups") & (t["estimator"] == "within_seeker_odds_ratio")].set_index(
        "level"
    )
    assert list(ws.index) == ["1", "2", "3+"]
    assert (ws["n_level"] > 15_000).all() and (ws["n_reference"] > 200_000).all()
    assert all(_se_log(row) < 0.1 for _, row in ws.iterrows())
    assert (ws["q_value"] >= 0.05).all()
    assert ((ws["ci_low"] < 1) & (ws["ci_high"] > 1)).all()
    # one follow-up or more: the applications of the first follow-up's timing
    timing = t[(t["key"] == "first_followup_timing") & (t["estimator"] == "pooled_odds_ratio")]
    assert ws["n_level"].sum() == timing["n_level"].sum() + timing["n_reference"].iloc[0]
    # why the landmark: every follow-up ever made, among all applications, rewards those
    # that stayed open long enough to collect several and those thanked after an interview:
    # "3+" then "finds" about three times the odds of an offer
    f = features(large_log)
    many = _within_seeker(
        f.assign(many=f["n_followups"].ge(3)),
        "many",
        f["n_followups"].eq(0) | f["n_followups"].ge(3),
    )
    assert many["ci_low"] > 2
