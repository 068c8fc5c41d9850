import pandas as pd
import pytest

from followup_analytics import JobSearchLog


def _events():
    return pd.DataFrame(
        {
            "application_id": ["a", "a", "b", "b"],
            "date": ["2026-01-01", "2026-01-08", "2026-01-02", "2026-01-20"],
            "event": ["applied", "followup", "applied", "rejection"],
            "channel": [None, "email", None, None],
        }
    )


def test_from_frames_coerces_and_derives_applications():
    log = JobSearchLog.from_frames(_events())
    assert list(log.applications["application_id"]) == ["a", "b"]
    assert list(log.applications["applied_on"].dt.day) == [1, 2]
    assert log.as_of == pd.Timestamp("2026-01-20")
    ev = log.events
    assert ev["event"].cat.ordered
    fu = ev[ev["event"] == "followup"].iloc[0]
    assert fu["channel"] == "email" and fu["letter_type"] == "unknown"
    assert ev.loc[ev["event"] == "applied", "channel"].isna().all()


def test_frames_handed_out_do_not_change_the_log():
    log = JobSearchLog.from_frames(_events())
    ev = log.events
    ev.loc[0, "application_id"] = "zzz"
    assert log.events.loc[0, "application_id"] == "a"


def test_unknown_vocabulary_is_rejected_with_the_allowed_values():
    bad = _events().assign(channel=["fax", None, None, None])
    with pytest.raises(ValueError, match="channel.*fax.*allowed"):
        JobSearchLog.from_frames(bad)


def test_orphan_events_are_rejected():
    apps = pd.DataFrame({"application_id": ["a"]})
    with pytest.raises(ValueError, match="not in applications"):
        JobSearchLog.from_frames(_events(), apps)


def test_reprs_render():
    log = JobSearchLog.from_frames(_events(), as_of="2026-02-01")
    assert "2 applications" in repr(log)
    assert "<table>" in log._repr_html_()
    assert log.with_as_of("2026-03-01").as_of == pd.Timestamp("2026-03-01")


def test_an_empty_log_keeps_its_columns_and_types():
    ev = pd.DataFrame(
        {
            "application_id": pd.Series([], dtype="string"),
            "date": pd.Series([], dtype="datetime64[s]"),
            "event": pd.Series([], dtype="string"),
        }
    )
    log = JobSearchLog.from_frames(ev, as_of="2026-05-01")
    assert len(log) == 0 and len(log.events) == 0
    assert str(log.applications["applied_on"].dtype) == "datetime64[s]"
    assert "0 applications" in repr(log)


def test_the_shared_test_log_builder_pads_tuples_and_reads_days(make_log):
    log = make_log(
        [
            ("a", 0, "applied"),
            ("a", "2026-01-05", "followup", "phone"),
            ("b", 3, "applied", None, None, None, "kept"),
        ],
        {"application_id": ["a", "b"], "seeker": ["s", "t"]},
        as_of="2026-02-01",
    )
    ev = log.events.set_index(["application_id", "event"])
    assert ev.loc[("a", "applied"), "date"] == pd.Timestamp("2026-01-01")
    assert ev.loc[("b", "applied"), "date"] == pd.Timestamp("2026-01-04")
    assert ev.loc[("a", "followup"), "channel"] == "phone"
    assert ev.loc[("b", "applied"), "note"] == "kept"
    assert log.applications["seeker"].tolist() == ["s", "t"]
