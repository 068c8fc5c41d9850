"""Thank-you notes: which notes count, ties, undated events, and the per-round landmarks.

Hand-checkable logs; the landmark odds ratios on the null simulator are checked against
statsmodels' Mantel-Haenszel (``StratifiedTable(tables).oddsratio_pooled_confint()``) on
counts made here with pandas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from followup_analytics import FollowupWarning, JobSearchLog, features, offer_associations
from followup_analytics import followups as fa_followups
from followup_analytics.metrics.strategies import STRATEGIES
from followup_analytics.samples.traps import simulate_traps_log

COLS = ["application_id", "date", "event", "channel", "letter_type", "date_known"]
DAY0 = pd.Timestamp("2026-01-01")


def _log(apps: dict[str, list[tuple]], shuffle: int | None = None) -> JobSearchLog:
    rows = []
    for app, events in apps.items():
        rows.append((app, DAY0, "applied", None, None, True))
        for day, event, *rest in events:
            channel, letter, known = (rest + [None, None, True])[:3] if rest else (None, None, True)
            if event == "followup" and channel is None:
                channel = "email"
            rows.append((app, DAY0 + pd.Timedelta(days=day), event, channel, letter, known))
    frame = pd.DataFrame(rows, columns=COLS)
    if shuffle is not None:
        frame = frame.sample(frac=1, random_state=shuffle).reset_index(drop=True)
    return JobSearchLog.from_frames(frame, as_of="2026-12-31")


TY = ("email", "thank_you")
CASES = {
    "in_time": [(10, "interview"), (11, "followup", *TY), (30, "offer")],
    "same_day": [(10, "interview"), (10, "followup", *TY), (30, "rejection")],
    "too_late": [(10, "interview"), (13, "followup", *TY), (30, "offer")],
    "after_offer": [(10, "interview"), (20, "offer"), (21, "followup", *TY)],
    "decision_day": [(10, "interview"), (11, "rejection"), (11, "followup", *TY)],
    "quick_no": [(10, "interview"), (10, "rejection")],
    "undated": [(10, "interview"), (11, "followup", *TY), (30, "offer", None, None, False)],
}


@pytest.fixture(scope="module")
def log() -> JobSearchLog:
    return _log(CASES)


def test_which_notes_count(log):
    f = features(log).set_index("application_id")
    counted = f["thank_you_after_interview"]
    assert counted["in_time"] and counted["same_day"] and counted["undated"]
    # 3 days after the round; after the offer; on the decision's day: not before a decision
    assert not counted["too_late"] and not counted["after_offer"]
    assert not counted["decision_day"]


def test_first_round_landmark_leaves_out_decided_and_undated(log):
    f = features(log)
    lv = STRATEGIES["thank_you_after_interview"].assign(f, log)
    got = dict(zip(f["application_id"], lv.astype(object).where(lv.notna(), None), strict=True))
    assert got == {
        "in_time": "thank_you",
        "same_day": "thank_you",
        "too_late": "no_thank_you",
        "after_offer": "no_thank_you",
        # decided by day 12 (10 + 2): out; undated offer: out
        "decision_day": None,
        "quick_no": None,
        "undated": None,
    }


def test_the_order_of_rows_never_matters():
    a = features(_log(CASES)).set_index("application_id").sort_index()
    for seed in (1, 2, 3):
        b = features(_log(CASES, shuffle=seed)).set_index("application_id").sort_index()
        pd.testing.assert_frame_equal(a, b)


def test_undated_events_never_act_as_dates(log):
    f = features(log).set_index("application_id")
    assert f.loc["undated", "offered"] and pd.isna(f.loc["undated", "first_offer_on"])
    assert f.loc["undated", "undated_outcome"] and not f.loc["in_time", "undated_outcome"]


@pytest.fixture(scope="module")
def null_table() -> pd.DataFrame:
    log = simulate_traps_log(seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        return offer_associations(
            log,
            strategies=[
                "thank_you_after_interview",
                "thank_you_rounds",
                "thank_you_email_and_letter",
                "post_rejection_note",
            ],
        )


def test_thank_you_strategies_find_nothing_on_the_null_simulator(null_table):
    ws = null_table[null_table["estimator"] == "within_seeker_odds_ratio"]
    assert len(ws) == 4 and ws["estimate"].notna().all()
    # every trap is there, yet every within-seeker estimate lies within 3 standard errors
    # of 1 (the 0.1 definition gave about 2 with q ~ 1e-6; tests/test_traps.py); the
    # coverage of the 95% intervals over many seeds is in tests/test_null_simulator.py
    se = (np.log(ws["ci_high"]) - np.log(ws["ci_low"])) / (2 * 1.959964)
    assert (np.abs(np.log(ws["estimate"])) < 3 * se).all(), ws


def test_same_day_tie_rule_for_follow_up_stages():
    # a status check on the day of a rejection came first (it asked, the answer came);
    # a still-interested note that day answers the rejection; a thank-you on the day of
    # the interview follows it
    log = _log(
        {
            "check": [(5, "followup", "email", "status_check"), (5, "rejection")],
            "note": [(5, "rejection"), (5, "followup", "email", "still_interested")],
            "thanks": [(5, "interview"), (5, "followup", "email", "thank_you")],
        }
    )
    fu = fa_followups(log).set_index("application_id")
    assert fu.loc["check", "stage"] == "after_application"
    assert fu.loc["check", "responded_within_window"]
    assert fu.loc["note", "stage"] == "after_rejection"
    assert fu.loc["thanks", "stage"] == "after_interview"


def test_undated_events_with_no_date_at_all_give_the_same_features(log):
    # the importer may keep an undated event with a missing date (NaT) instead of the 0.1
    # imputed one: every feature must be the same
    from followup_analytics import LoadReport

    ev = log.events
    ev.loc[~ev["date_known"], "date"] = pd.NaT
    nat = JobSearchLog(ev, log.applications, LoadReport(), log.as_of)
    pd.testing.assert_frame_equal(features(nat), features(log))
