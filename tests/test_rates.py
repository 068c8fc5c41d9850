"""response_rates(): units, eligibility, empty groups, intervals, errors and warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log
from statsmodels.stats.proportion import proportion_confint

from followup_analytics import SmallSampleWarning
from followup_analytics.metrics.rates import response_rates


def _log():
    rows = [
        # a: followed up on day 2 by email, reply 5 days later -> 2–3 bucket, responded
        ("a", "2026-01-01", "applied", None, None),
        ("a", "2026-01-03", "followup", "email", "status_check"),
        ("a", "2026-01-08", "reply", None, None),
        # b: followed up on day 5 by phone, nothing -> 4–7, not responded
        ("b", "2026-01-01", "applied", None, None),
        ("b", "2026-01-06", "followup", "phone", "status_check"),
        # c: a reply on day 1, then a status check on day 3: not eligible
        ("c", "2026-01-01", "applied", None, None),
        ("c", "2026-01-02", "reply", None, None),
        ("c", "2026-01-04", "followup", "email", "status_check"),
        # d: followed up on day 5 by email, rejection 40 days later: outside the window
        ("d", "2026-01-01", "applied", None, None),
        ("d", "2026-01-06", "followup", "email", "status_check"),
        ("d", "2026-02-15", "rejection", None, None),
        # e: never followed up, interviewed
        ("e", "2026-01-01", "applied", None, None),
        ("e", "2026-01-10", "interview", None, None),
    ]
    apps = pd.DataFrame(
        {
            "application_id": list("abcde"),
            "program": ["day", "day", "evening", "evening", "evening"],
        }
    )
    return build_log(rows, apps, as_of="2026-06-30")


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return response_rates(*args, **kwargs)


def test_rates_by_timing_count_eligible_followups_and_keep_empty_groups():
    r = _quiet(_log(), "timing")
    assert list(r.columns) == [
        "timing",
        "n",
        "k",
        "rate",
        "ci_low",
        "ci_high",
        "small_n",
        "baseline_rate",
        "baseline_ci_low",
        "baseline_ci_high",
        "baseline_days",
    ]
    assert list(r["timing"].astype(str)) == ["0–1", "2–3", "4–7", "8–14", "15–30", "31+"]
    assert list(r["n"]) == [0, 1, 2, 0, 0, 0]  # c's follow-up (after a response) left out
    assert list(r["k"]) == [0, 1, 0, 0, 0, 0]
    assert np.isnan(r["rate"].iloc[0]) and np.isnan(r["ci_low"].iloc[0])
    assert r["small_n"].all()


def test_rates_by_channel_match_statsmodels_wilson():
    r = _quiet(_log(), "channel").set_index("channel")
    assert list(r.index) == [
        "email",
        "phone",
        "voicemail",
        "letter",
        "linkedin",
        "in_person",
        "text",
        "other",
        "unknown",
    ]
    assert (r.loc["email", "n"], r.loc["email", "k"]) == (2, 1)
    # reference: statsmodels.stats.proportion.proportion_confint(1, 2, method="wilson")
    lo, hi = proportion_confint(1, 2, alpha=0.05, method="wilson")
    assert r.loc["email", "ci_low"] == pytest.approx(lo, abs=1e-12)
    assert r.loc["email", "ci_high"] == pytest.approx(hi, abs=1e-12)


def test_rates_per_application_by_carried_column_and_outcomes():
    log = _log()
    r = _quiet(log, "program")
    assert list(r["program"]) == ["day", "evening"]
    assert list(r["n"]) == [2, 3] and list(r["k"]) == [1, 3]  # d's rejection is a response
    r = _quiet(log, "program", outcome="interview")
    assert list(r["k"]) == [0, 1]
    r = _quiet(log, ["timing", "program"], outcome="offer")
    assert len(r) == 12 and r["k"].sum() == 0 and r["n"].sum() == 3


def test_window_changes_the_followup_outcome():
    r = _quiet(_log(), "timing", window=45)
    assert list(r["k"]) == [0, 1, 1, 0, 0, 0]  # d's rejection 40 days after now counts


def test_unknown_by_and_outcome_name_the_allowed_values():
    log = _log()
    with pytest.raises(
        ValueError,
        match=r"outcome must be one of \['response', 'interview', "
        r"'offer'\]; got 'hired'",
    ):
        response_rates(log, outcome="hired")
    with pytest.raises(ValueError, match="by='colour'.*allowed.*program"):
        response_rates(log, by="colour")
    with pytest.raises(ValueError, match="by='furthest_stage' cannot be combined"):
        response_rates(log, by=["timing", "furthest_stage"])
    with pytest.raises(ValueError, match="followed_up.*landmark_effect"):
        response_rates(log, by="followed_up")


def test_small_groups_warn_and_input_is_not_mutated():
    log = _log()
    ev, apps = log.events.copy(), log.applications.copy()
    with pytest.warns(SmallSampleWarning, match="fewer than 10"):
        response_rates(log, "channel")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        response_rates(log, "channel", min_n=1)  # no small group with min_n=1
    pd.testing.assert_frame_equal(log.events, ev)
    pd.testing.assert_frame_equal(log.applications, apps)
