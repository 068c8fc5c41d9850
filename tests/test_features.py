"""features() and followups() on tiny hand-made logs with hand-computed expectations."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from conftest import build_log
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_analytics import JobSearchLog
from followup_analytics.metrics.features import (
    DEFAULT_BUCKETS,
    features,
    followups,
    timing_dtype,
)

COLS = ["application_id", "date", "event", "channel", "letter_type"]


def _log(rows, apps=None, as_of="2026-12-31"):
    return build_log(rows, apps, as_of=as_of)


def _row(frame: pd.DataFrame, app: str) -> pd.Series:
    return frame.set_index("application_id").loc[app]


def test_furthest_stage_comes_from_all_events():
    log = _log(
        [
            ("int_then_rej", "2026-01-01", "applied", None, None),
            ("int_then_rej", "2026-01-10", "interview", None, None),
            ("int_then_rej", "2026-01-20", "rejection", None, None),
            ("rejected", "2026-01-01", "applied", None, None),
            ("rejected", "2026-01-04", "rejection", None, None),
            ("ghosted", "2026-01-01", "applied", None, None),
            ("hired", "2026-01-01", "applied", None, None),
            ("hired", "2026-01-15", "interview", None, None),
            ("hired", "2026-01-25", "offer", None, None),
            ("hired", "2026-01-27", "accepted", None, None),
            ("declined", "2026-01-01", "applied", None, None),
            ("declined", "2026-01-30", "declined", None, None),
        ]
    )
    f = features(log).set_index("application_id")
    assert f["furthest_stage"].cat.ordered
    assert list(f["furthest_stage"].cat.categories) == [
        "applied",
        "responded",
        "interviewed",
        "offered",
        "accepted",
    ]
    assert f.loc["int_then_rej", "furthest_stage"] == "interviewed"
    assert f.loc["rejected", "furthest_stage"] == "responded"  # a rejection is a response
    assert bool(f.loc["rejected", "responded"]) and f.loc["rejected", "days_to_response"] == 3
    assert f.loc["ghosted", "furthest_stage"] == "applied"  # silence is no event
    assert not f.loc["ghosted", "responded"] and pd.isna(f.loc["ghosted", "days_to_response"])
    assert f.loc["hired", "furthest_stage"] == "accepted"
    assert f.loc["declined", "furthest_stage"] == "offered"  # a declined offer was an offer
    assert f.loc["int_then_rej", "first_response_on"] == pd.Timestamp("2026-01-10")
    assert f.loc["int_then_rej", "days_to_response"] == 9
    assert list(f["n_interviews"]) == [0, 0, 1, 1, 0]


def test_timing_is_measured_from_the_right_trigger():
    log = _log(
        [
            ("a", "2026-01-01", "applied", None, None),
            ("a", "2026-01-06", "followup", "email", "status_check"),  # 5 days after applying
            ("a", "2026-01-10", "interview", None, None),
            ("a", "2026-01-20", "interview", None, None),
            ("a", "2026-01-22", "followup", "letter", "thank_you"),  # 2 days after the latest
            ("a", "2026-02-01", "rejection", None, None),
            ("a", "2026-02-17", "followup", "email", "still_interested"),  # 16 days after
            ("b", "2026-01-01", "applied", None, None),
            ("b", "2026-01-05", "interview", None, None),
            ("b", "2026-01-05", "followup", "email", "thank_you"),  # same day as interview
        ]
    )
    fu = followups(log)
    assert list(fu["stage"]) == [
        "after_application",
        "after_interview",
        "after_rejection",
        "after_interview",
    ]
    assert list(fu["delay_days"]) == [5, 2, 16, 0]
    assert list(fu["trigger_date"].dt.day) == [1, 20, 1, 5]
    assert list(fu["timing"].astype(str)) == ["4–7", "2–3", "15–30", "0–1"]
    # the same-day interview is the thank-you's trigger, not a response to it
    assert list(fu["responded_within_window"]) == [True, True, False, False]
    f = features(log).set_index("application_id")
    assert f.loc["a", "followup_delay_days"] == 5 and f.loc["a", "timing"] == "4–7"
    assert f.loc["a", "followup_stage"] == "after_application"
    assert f.loc["a", "n_followups"] == 3


def test_timing_buckets_and_labels():
    assert list(timing_dtype(DEFAULT_BUCKETS).categories) == [
        "0–1",
        "2–3",
        "4–7",
        "8–14",
        "15–30",
        "31+",
    ]
    rows = [("a", "2026-01-01", "applied", None, None)]
    for d in (1, 2, 7, 8, 14, 15, 30, 31):
        rows.append(
            (
                "a",
                f"2026-01-{1 + d:02d}" if d < 31 else "2026-02-01",
                "followup",
                "email",
                "status_check",
            )
        )
    fu = followups(_log(rows))
    assert list(fu["timing"].astype(str)) == [
        "0–1",
        "2–3",
        "4–7",
        "8–14",
        "8–14",
        "15–30",
        "15–30",
        "31+",
    ]
    with pytest.raises(ValueError, match="buckets"):
        followups(_log(rows), buckets=(3, 2))


@pytest.mark.parametrize(
    ("response_day", "expected"),
    [
        (10, True),  # same day as the follow-up: on or after counts
        (40, True),  # exactly 30 days after: inside the window
        (41, False),  # 31 days after: outside
        (None, False),  # no response at all
        (9, None),  # a response before the follow-up: not eligible
    ],
)
def test_response_after_followup_window_edges(response_day, expected):
    rows = [
        ("a", "2026-01-01", "applied", None, None),
        ("a", "2026-01-11", "followup", "email", "status_check"),
    ]  # day 10
    if response_day is not None:
        date = (pd.Timestamp("2026-01-01") + pd.Timedelta(days=response_day)).date()
        rows.append(("a", str(date), "reply", None, None))
    log = _log(rows)
    value = features(log)["response_after_followup"].iloc[0]
    fu = followups(log).iloc[0]
    if expected is None:
        assert pd.isna(value) and not fu["eligible"]
        assert pd.isna(fu["responded_within_window"])
    else:
        assert not pd.isna(value) and bool(value) is expected
        assert bool(fu["eligible"]) and bool(fu["responded_within_window"]) is expected


def test_window_parameter_is_used_and_validated():
    rows = [
        ("a", "2026-01-01", "applied", None, None),
        ("a", "2026-01-02", "followup", "email", "status_check"),
        ("a", "2026-01-12", "reply", None, None),
    ]
    log = _log(rows)
    assert bool(features(log, window=10)["response_after_followup"].iloc[0])
    assert not features(log, window=9)["response_after_followup"].iloc[0]
    with pytest.raises(ValueError, match="window.*-1"):
        features(log, window=-1)
    with pytest.raises(TypeError, match="JobSearchLog"):
        features(log.events)


def test_eligibility_of_followups():
    log = _log(
        [
            ("a", "2026-01-01", "applied", None, None),
            ("a", "2026-01-03", "reply", None, None),
            ("a", "2026-01-05", "followup", "email", "status_check"),  # after a response
            ("b", "2026-01-01", "applied", None, None),
            ("b", "2026-01-05", "interview", None, None),
            ("b", "2026-01-07", "offer", None, None),
            ("b", "2026-01-08", "followup", "email", "thank_you"),  # after the offer
            ("c", "2026-01-01", "applied", None, None),
            ("c", "2026-01-05", "interview", None, None),
            ("c", "2026-01-06", "followup", "phone", "thank_you"),
            ("c", "2026-01-09", "interview", None, None),
            ("c", "2026-01-20", "offer", None, None),
        ]
    )
    fu = followups(log).set_index("application_id")
    assert list(fu["eligible"]) == [False, False, True]
    assert pd.isna(fu.loc["a", "responded_within_window"])
    assert bool(fu.loc["c", "interview_after"]) and bool(fu.loc["c", "offer_after"])
    assert bool(fu.loc["c", "responded_within_window"])


def test_thank_you_features_by_round_and_channel():
    log = _log(
        [
            ("every", "2026-01-01", "applied", None, None),
            ("every", "2026-01-05", "interview", None, None),
            ("every", "2026-01-05", "followup", "email", "thank_you"),
            ("every", "2026-01-06", "followup", "letter", "thank_you"),  # same round, by letter
            ("every", "2026-01-12", "interview", None, None),
            ("every", "2026-01-13", "followup", "email", "thank_you"),
            ("some", "2026-01-01", "applied", None, None),
            ("some", "2026-01-05", "interview", None, None),
            ("some", "2026-01-06", "followup", "email", "thank_you"),
            ("some", "2026-01-12", "interview", None, None),
            ("none", "2026-01-01", "applied", None, None),
            ("none", "2026-01-05", "interview", None, None),
            ("none", "2026-01-06", "followup", "email", "status_check"),
            ("early", "2026-01-01", "applied", None, None),
            ("early", "2026-01-02", "followup", "email", "thank_you"),  # before any interview
            ("never", "2026-01-01", "applied", None, None),
        ]
    )
    f = features(log).set_index("application_id")
    assert list(f.loc[["every", "some", "none", "early"], "thank_you_rounds"]) == [2, 1, 0, 0]
    assert list(f.loc[["every", "some", "none"], "n_interview_rounds"]) == [2, 2, 1]
    assert f["thank_you_after_interview"].tolist() == [pd.NA, True, pd.NA, False, True]
    assert f["thank_you_every_round"].tolist() == [pd.NA, True, pd.NA, False, False]
    assert f["thank_you_email_and_letter"].tolist() == [pd.NA, True, pd.NA, False, False]


def test_tiered_cadence_tolerance():
    def cadence(email, letter, phone, reply=None):
        rows = [("a", "2026-03-01", "applied", None, None)]
        for day, channel in ((email, "email"), (letter, "letter"), (phone, "phone")):
            date = pd.Timestamp("2026-03-01") + pd.Timedelta(days=day)
            rows.append(("a", str(date.date()), "followup", channel, "status_check"))
        if reply is not None:
            date = pd.Timestamp("2026-03-01") + pd.Timedelta(days=reply)
            rows.append(("a", str(date.date()), "reply", None, None))
        return bool(features(_log(rows))["tiered_cadence"].iloc[0])

    assert cadence(0, 7, 14) and cadence(3, 5, 12) and cadence(1, 9, 16)
    assert not cadence(4, 7, 14)  # email too late
    assert not cadence(0, 10, 14)  # letter too late
    assert not cadence(0, 7, 17)  # call too late
    assert not cadence(0, 7, 14, reply=13)  # the call came after a response


def test_post_rejection_note_and_comeback_at_same_company():
    apps = pd.DataFrame(
        {
            "application_id": ["a1", "a2", "b1", "b2", "c1"],
            "seeker": ["s", "s", "s", "t", "s"],
            "company": ["Acme", "Acme", "Bolt", "Bolt", None],
        }
    )
    log = _log(
        [
            ("a1", "2026-01-01", "applied", None, None),
            ("a1", "2026-01-10", "rejection", None, None),
            ("a1", "2026-01-11", "followup", "email", "still_interested"),
            ("a2", "2026-06-01", "applied", None, None),
            ("a2", "2026-06-20", "interview", None, None),  # same seeker + company
            ("b1", "2026-01-01", "applied", None, None),
            ("b1", "2026-01-10", "rejection", None, None),
            ("b1", "2026-01-12", "followup", "email", "feedback_request"),
            ("b2", "2026-02-01", "applied", None, None),
            ("b2", "2026-02-20", "offer", None, None),  # another seeker: no
            ("c1", "2026-01-01", "applied", None, None),
            ("c1", "2026-01-05", "rejection", None, None),
        ],
        apps,
    )
    f = features(log).set_index("application_id")
    assert f["post_rejection_note"].tolist() == [True, pd.NA, True, pd.NA, False]
    assert f["comeback_at_company"].tolist() == [True, pd.NA, False, pd.NA, pd.NA]


def test_comeback_window_is_365_days():
    apps = pd.DataFrame(
        {"application_id": ["a1", "a2"], "seeker": ["s", "s"], "company": ["Acme", "Acme"]}
    )
    for later, expected in (("2027-01-10", True), ("2027-01-11", False)):  # 365 / 366 days
        log = _log(
            [
                ("a1", "2026-01-01", "applied", None, None),
                ("a1", "2026-01-10", "rejection", None, None),
                ("a2", "2026-12-01", "applied", None, None),
                ("a2", later, "interview", None, None),
            ],
            apps,
            as_of="2027-12-31",
        )
        assert bool(features(log)["comeback_at_company"].iloc[0]) is expected


def test_carried_columns_and_applications_without_events():
    apps = pd.DataFrame(
        {
            "application_id": ["a", "b"],
            "program": ["evening", "day"],
            "applied_on": ["2026-01-01", "2026-01-02"],
        }
    )
    log = _log([("a", "2026-01-01", "applied", None, None)], apps)
    f = features(log)
    assert list(f["program"]) == ["evening", "day"]
    assert list(f["furthest_stage"]) == ["applied", "applied"]
    assert list(f["n_followups"]) == [0, 0]
    fu = followups(
        _log(
            [
                ("a", "2026-01-01", "applied", None, None),
                ("a", "2026-01-03", "followup", "text", "other"),
            ],
            apps,
        )
    )
    assert list(fu["program"]) == ["evening"]


def test_inputs_are_never_mutated_and_results_are_independent():
    events = pd.DataFrame(
        [
            ("a", "2026-01-01", "applied", None, None),
            ("a", "2026-01-03", "followup", "email", "status_check"),
            ("a", "2026-01-09", "reply", None, None),
        ],
        columns=COLS,
    )
    before = events.copy()
    log = JobSearchLog.from_frames(events, as_of="2026-02-01")
    ev_before, apps_before = log.events.copy(), log.applications.copy()
    first = features(log)
    first.loc[0, "responded"] = False
    first["extra"] = 1
    fu = followups(log)
    fu.loc[0, "eligible"] = False
    pd.testing.assert_frame_equal(events, before)
    pd.testing.assert_frame_equal(log.events, ev_before)
    pd.testing.assert_frame_equal(log.applications, apps_before)
    again = features(log)
    assert bool(again.loc[0, "responded"]) and "extra" not in again
    assert bool(followups(log).loc[0, "eligible"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcde"),
            st.integers(0, 60),
            st.sampled_from(
                ["followup", "interview", "reply", "rejection", "offer", "accepted", "withdrawn"]
            ),
            st.sampled_from(["email", "letter", "phone"]),
            st.sampled_from(["thank_you", "status_check", "still_interested"]),
        ),
        max_size=25,
    )
)
def test_invariants_on_random_logs(rows):
    applied = [(a, 0, "applied", None, None) for a in "abcde"]
    frame = pd.DataFrame(
        [
            (
                a,
                str((pd.Timestamp("2026-01-01") + pd.Timedelta(days=d)).date()),
                e,
                c if e == "followup" else None,
                t if e == "followup" else None,
            )
            for a, d, e, c, t in applied + rows
        ],
        columns=COLS,
    )
    before = frame.copy()
    log = JobSearchLog.from_frames(frame, as_of="2026-12-31")
    f, fu = features(log), followups(log)
    pd.testing.assert_frame_equal(frame, before)
    assert list(f["application_id"]) == list("abcde")
    assert f["n_followups"].sum() == len(fu) == (frame["event"] == "followup").sum()
    reached = f["furthest_stage"].cat.codes
    assert (f["responded"] == (reached >= 1)).all()
    assert (f["interviewed"] <= (reached >= 2)).all() and (f["offered"] == (reached >= 3)).all()
    assert (fu["delay_days"].dropna() >= 0).all()
    assert fu.loc[~fu["eligible"], "responded_within_window"].isna().all()


def test_results_are_kept_per_log_and_alternating_windows_never_recompute(monkeypatch):
    """Asking for windows 7 and 30 in turn (a notebook comparing them) builds each once; the
    event index is built once per log; another log has its own results."""
    mod = importlib.import_module("followup_analytics.metrics.features")

    built = {"index": 0, "arrays": 0, "frames": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            built[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(mod, "_Index", counting("index", mod._Index))
    monkeypatch.setattr(mod, "_followup_arrays", counting("arrays", mod._followup_arrays))
    frame = counting("frames", mod._features_frame)
    frame.__name__ = "_features_frame"
    monkeypatch.setattr(mod, "_features_frame", frame)
    log = _log(
        [
            ["a", "2026-01-01", "applied", None, None],
            ["a", "2026-01-05", "followup", "email", None],
            ["a", "2026-01-20", "reply", None, None],
        ]
    )
    first = {w: features(log, window=w)["response_after_followup"] for w in (7, 30)}
    for _ in range(3):
        for w in (7, 30):
            pd.testing.assert_series_equal(
                features(log, window=w)["response_after_followup"], first[w]
            )
    assert built == {"index": 1, "arrays": 2, "frames": 2}
    assert first[7].tolist() == [False] and first[30].tolist() == [True]
    other = _log([["b", "2026-01-01", "applied", None, None]])
    features(other, window=7)
    assert built["index"] == 2
