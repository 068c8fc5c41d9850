"""The data end at ``as_of``: no analysis sees an event dated after it, and applications made
after it do not exist yet.

Reference: the same analysis on a log built from frames cut by hand with pandas (events dated
on or before ``as_of``, applications made on or before it). Every analysis must give exactly
the same table on ``log.with_as_of(d)``.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from followup_analytics import (
    FollowupWarning,
    JobSearchLog,
    features,
    followups,
    funnel,
    landmark_effect,
    offer_associations,
    response_rates,
    summary,
    time_to_response,
)
from followup_analytics.samples import simulate

CUT = pd.Timestamp("2026-05-31")


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate(12, (40, 60), seed=5)


@pytest.fixture(scope="module")
def cut_log(frames) -> JobSearchLog:
    events, apps = frames
    return JobSearchLog.from_frames(events, apps, as_of="2026-10-30").with_as_of(CUT)


@pytest.fixture(scope="module")
def by_hand(frames) -> JobSearchLog:
    events, apps = frames
    apps = apps[apps["applied_on"] <= CUT]
    events = events[(events["date"] <= CUT) & events["application_id"].isin(apps["application_id"])]
    return JobSearchLog.from_frames(events, apps, as_of=CUT)


ANALYSES = {
    "summary": summary,
    "features": features,
    "followups": followups,
    "funnel": lambda log: funnel(log, by="program"),
    "response_rates timing": response_rates,
    "response_rates program": lambda log: response_rates(log, "program", outcome="offer"),
    "landmark_effect": landmark_effect,
    "offer_associations": offer_associations,
    "time_to_response": lambda log: time_to_response(log).summary,
}


@pytest.mark.parametrize("name", list(ANALYSES))
def test_every_analysis_stops_at_as_of(name, cut_log, by_hand):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        got, want = ANALYSES[name](cut_log), ANALYSES[name](by_hand)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_summary_counts_only_responses_dated_by_as_of(frames, cut_log):
    events, apps = frames
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        s = summary(cut_log).set_index("metric")
    made = apps.loc[apps["applied_on"] <= CUT, "application_id"]
    resp = events[
        events["event"].isin(["reply", "interview", "rejection", "offer", "accepted", "declined"])
        & (events["date"] <= CUT)
    ]
    assert s.loc["applications", "value"] == len(made)
    assert s.loc["response_rate", "k"] == resp["application_id"].nunique()


def test_report_counts_what_lies_after_as_of(frames, cut_log):
    events, apps = frames
    late_apps = apps.loc[apps["applied_on"] > CUT, "application_id"]
    assert cut_log.report.applications_after_as_of == len(late_apps)
    assert cut_log.report.events_after_as_of == int((events["date"] > CUT).sum())
    assert "After as_of" in str(cut_log.report)
    # moving as_of back to the end shows everything again
    full = cut_log.with_as_of("2026-10-30")
    assert len(full) == len(apps) and len(full.events) == len(events)
    assert full.report.events_after_as_of == 0


def test_undated_event_is_left_out_when_its_application_went_on_after_as_of():
    events = pd.DataFrame(
        {
            "application_id": ["a", "a", "a", "b", "b"],
            "date": pd.to_datetime(
                ["2026-01-01", "2026-03-01", "2026-03-01", "2026-01-02", "2026-01-05"]
            ),
            "event": ["applied", "followup", "rejection", "applied", "rejection"],
            "date_known": [True, True, False, True, False],
        }
    )
    log = JobSearchLog.from_frames(events)
    assert len(log.events) == 5 and log.report.undated_left_out == 0
    cut = log.with_as_of("2026-02-01")
    # a was followed up after 1 February: its undated rejection may have come later still
    assert list(cut.events["event"]) == ["applied", "applied", "rejection"]
    assert cut.report.undated_left_out == 1 and cut.report.events_after_as_of == 1


def test_as_of_given_when_building_the_log_cuts_it_too(frames, cut_log):
    events, apps = frames
    built = JobSearchLog.from_frames(events, apps, as_of=CUT)
    pd.testing.assert_frame_equal(built.events, cut_log.events)
    pd.testing.assert_frame_equal(built.applications, cut_log.applications)
    assert built.report.events_after_as_of == cut_log.report.events_after_as_of > 0
