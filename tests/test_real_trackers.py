"""Failure classes seen on real trackers, each re-created small (see docs/importing.md)."""

from __future__ import annotations

import warnings

import pytest

import followup_analytics as fa
from followup_analytics.errors import LoadWarning


def _csv(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quiet_load(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fa.load(*args, **kwargs)


# ----------------------------------------------------------------- undated is not unusable
def test_tracker_without_any_date_column_loads_its_applications(tmp_path):
    path = _csv(
        tmp_path,
        "nodates.csv",
        [
            "Company,Position,Status",
            "Acme,Analyst,Applied",
            "Beta,Engineer,Rejected",
            "Cyan,Designer,Interviewing",
            "Dune,Tester,Offer!",
        ],
    )
    log = _quiet_load(path)
    assert len(log) == 4
    assert log.report.quarantine.empty
    assert log.applications["applied_on"].isna().all()
    ev = log.events
    assert not ev["date_known"].any() and ev["date"].isna().all()
    f = fa.features(log)
    assert f["responded"].sum() == 3 and f["interviewed"].sum() == 1
    assert (f["furthest_stage"] >= "interviewed").sum() == 2
    assert f["offered"].sum() == 1


def test_no_qualifying_row_loads_rows_naming_a_company_and_warns(tmp_path):
    path = _csv(
        tmp_path, "names.csv", ["Company,Role,Contact", "Acme,Analyst,Kim", "Beta,Engineer,Lee"]
    )
    with pytest.warns(LoadWarning, match="naming a company or role"):
        log = fa.load(path)
    assert len(log) == 2 and log.report.quarantine.empty


def test_undated_outcome_is_not_placed_on_another_date(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Date Applied,Follow-up Date,Status",
            "Acme,2026-03-01,2026-03-05,Rejected",
            "Beta,2026-03-01,2026-03-20,Offer!!",
        ],
    )
    log = _quiet_load(path, as_of="2026-06-01")
    ev = log.events
    outcomes = ev[ev["event"].isin(["rejection", "offer"])]
    assert outcomes["date"].isna().all() and not outcomes["date_known"].any()
    fu = fa.followups(log)
    # the follow-ups were made after applying; an undated outcome is no trigger
    assert fu["stage"].astype(str).tolist() == ["after_application"] * 2
    assert fu["delay_days"].tolist() == [4, 19]
    # an undated "Offer!!" may have come before the follow-up: not a response to it
    assert fu["responded_within_window"].isna().all()
    f = fa.features(log)
    assert f["responded"].all() and f["offered"].sum() == 1
    assert f["days_to_response"].isna().all() and f["first_response_on"].isna().all()
    assert f["response_after_followup"].isna().all()


def test_undated_events_stay_out_of_time_to_response_and_landmarks(tmp_path):
    rows = ["Company,Date Applied,Response Date,Status"]
    rows += [f"C{i},2026-01-{i + 1:02d},2026-01-{i + 12:02d}," for i in range(6)]
    rows += [f"U{i},2026-01-{i + 1:02d},,Rejected" for i in range(6)]
    log = _quiet_load(_csv(tmp_path, "t.csv", rows), as_of="2026-03-01")
    f = fa.features(log)
    undated = f["company"].str.startswith("U").to_numpy()
    assert f.loc[undated, "responded"].all()
    assert f.loc[undated, "days_to_response"].isna().all()
    from followup_analytics.metrics.landmark import landmark_sample

    sample = landmark_sample(log, day=7)
    assert not sample["application_id"].isin(f.loc[undated, "application_id"]).any()


def test_missing_date_never_quarantines_but_unreadable_date_does(tmp_path):
    path = _csv(
        tmp_path, "t.csv", ["Company,Date Applied,Status", "Acme,,Applied", "Beta,someday,Applied"]
    )
    log = _quiet_load(path)
    assert log.applications["company"].tolist() == ["Acme"]
    assert log.report.quarantine["row"].tolist() == [3]


# ----------------------------------------------------------------- rows that are no applications
def test_not_applied_rows_go_to_dropped_with_the_reason(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Role,Date,Status",
            "Acme,Analyst,2026-02-01,Applied",
            "Beta,Engineer,2026-02-02,Wishlist",
            "Cyan,Designer,,To apply",
            "Dune,Tester,,Saved",
            "Echo,PM,,Watchlist",
            "Fern,Dev,,Waiting for referral",
            "Gale,Ops,,",
        ],
    )
    log = _quiet_load(path)
    assert log.applications["company"].tolist() == ["Acme"]
    d = log.report.dropped.set_index("row")["reason"]
    assert d[3] == "not applied: status 'Wishlist'"
    assert d[8].startswith("not an application")
    assert set(d.index) == {3, 4, 5, 6, 7, 8}
    src = log.report.sources.iloc[0]
    assert src["n_loaded"] + src["n_quarantined"] + src["n_dropped"] == 7
