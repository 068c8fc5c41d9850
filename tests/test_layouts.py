"""Layouts: detection with evidence, and each layout turned into canonical events."""

import datetime as dt

import pandas as pd
import pytest

from followup_analytics import LoadWarning, load
from followup_analytics.ingest.layouts import Context, detect_layout, interpret
from followup_analytics.ingest.load import load_tables
from followup_analytics.ingest.raw import RawTable


def _table(data, file="t.xlsx", sheet="Sheet1", header_row=1, hint=None):
    """A RawTable as a reader would hand it over (index = spreadsheet row numbers)."""
    df = pd.DataFrame(data)
    df.index = range(header_row + 1, header_row + 1 + len(df))
    return RawTable(file, sheet, header_row, df, seeker_hint=hint)


def _events(log, app=None):
    ev = log.events
    if app is not None:
        ev = ev[ev["application_id"] == app]
    days = ev["date"].dt.strftime("%Y-%m-%d").astype(object).where(ev["date"].notna(), None)
    return list(zip(ev["event"].astype(str), days, strict=True))


EVENT_LOG = {
    "Application ID": ["A1", "A1", "A1", "B7", "B7", "C3"],
    "Company": ["Acme", "Acme", "Acme", "Beta", "Beta", "Cyan"],
    "Date": ["2026-03-01", "2026-03-06", "2026-03-20", "2026-03-02", "2026-03-30", "2026-03-03"],
    "Event": ["Applied", "Followed up", "Rejected", "applied", "Ghosted", "applied"],
    "Channel": [None, "e-mail", None, None, None, None],
    "Type": [None, "checked in", None, None, None, None],
}
LINKEDIN = {
    "Application Date": ["8/15/26, 10:02 AM", "8/16/26, 9:15 PM"],
    "Contact Email": ["me@example.org", "me@example.org"],
    "Contact Phone Number": [None, None],
    "Company Name": ["Acme", "Beta"],
    "Job Title": ["Analyst", "Engineer"],
    "Job Url": ["https://example.com/1", "https://example.com/2"],
    "Resume Name": ["cv.pdf", "cv.pdf"],
    "Question And Answers": [None, None],
}
HUNTR = {
    "Company": ["Acme", "Beta", "Cyan"],
    "Title": ["Dev", "PM", "QA"],
    "List": ["Interviewing", "Rejected", "Applied"],
    "Date Applied": ["2026-02-01", "2026-02-03", "2026-02-05"],
    "Location": ["Remote", "Oslo", "Lima"],
}
STAGES = {
    "Company": ["Acme", "Beta", "Cyan"],
    "Applied": ["2026-01-05", "2026-01-06", "x"],
    "Phone screen": ["x", None, None],
    "1st Interview": ["2026-01-20", None, None],
    "Offer": ["yes", None, None],
    "Rejected": [None, "✓", None],
}


@pytest.mark.parametrize(
    "data, layout, evidence",
    [
        (EVENT_LOG, "events", "application keys repeat"),
        (LINKEDIN, "linkedin", "LinkedIn export"),
        (HUNTR, "tracker", "'List' column"),
        (STAGES, "stages", "flags in"),
        (
            {
                "Company": ["A"],
                "Date Applied": ["2026-01-01"],
                "Follow-up Date": ["2026-01-05"],
                "Status": ["Rejected"],
                "Response Date": ["2026-01-09"],
            },
            "wide",
            "response_date",
        ),
    ],
)
def test_detection_names_the_layout_and_its_evidence(data, layout, evidence):
    got, why = detect_layout(_table(data))
    assert got == layout
    assert evidence in why


def test_event_log_groups_rows_by_key_and_keeps_channel_and_type():
    log = load_tables([_table(EVENT_LOG, file="log.csv", sheet=None)])
    apps = log.applications.set_index("application_id")
    assert len(apps) == 3
    a1 = [a for a in apps.index if a.endswith(":A1")][0]
    assert _events(log, a1) == [
        ("applied", "2026-03-01"),
        ("followup", "2026-03-06"),
        ("rejection", "2026-03-20"),
    ]
    fu = log.events[log.events["event"] == "followup"].iloc[0]
    assert (fu["channel"], fu["letter_type"]) == ("email", "status_check")
    assert apps.loc[a1, "applied_on"] == pd.Timestamp("2026-03-01")
    # "Ghosted" creates no event and is listed, not lost
    assert log.report.dropped["reason"].str.contains("'Ghosted' means no event").any()
    assert (log.events["event"] != "reply").all()


def test_event_log_without_ids_groups_by_company_and_role():
    data = {
        "Company": ["Acme", "Acme", "Beta"],
        "Role": ["Dev", "Dev", "Dev"],
        "When": ["2026-01-01", "2026-01-10", "2026-01-02"],
        "Action": ["applied", "interview", "applied"],
    }
    log = load_tables([_table(data, file="e.csv", sheet=None)])
    assert len(log.applications) == 2
    assert log.report.sources["layout"].iloc[0] == "events"


def test_event_log_quarantines_unknown_events_and_bad_dates():
    data = {
        "ID": ["1", "1", "1"],
        "Date": ["2026-01-01", "someday", "2026-01-04"],
        "Event": ["applied", "interview", "Lunch with the team"],
    }
    with pytest.warns(LoadWarning, match="2 row"):
        log = load_tables([_table(data, file="e.csv", sheet=None)], layout="events")
    q = log.report.quarantine.set_index("row")
    assert q.loc[3, "column"] == "Date" and "someday" in q.loc[3, "reason"]
    assert "not in the vocabulary" in q.loc[4, "reason"]
    assert log.report.unknown_values["value"].tolist() == ["Lunch with the team"]


def test_linkedin_export_gives_applied_events_only():
    log = load_tables([_table(LINKEDIN, file="Job Applications.csv", sheet=None)], seeker="Ana")
    assert _events(log) == [("applied", "2026-08-15"), ("applied", "2026-08-16")]
    apps = log.applications
    assert apps["company"].tolist() == ["Acme", "Beta"]
    assert apps["seeker"].eq("Ana").all()
    assert {"Contact Email", "Job Url"} <= set(log.carried_columns)


def test_tracker_export_status_becomes_an_undated_event():
    log = load_tables([_table(HUNTR, file="huntr.csv", sheet=None)])
    ev = log.events
    inter = ev[ev["event"] == "interview"].iloc[0]
    assert not inter["date_known"] and pd.isna(inter["date"])  # no invented date
    assert ev["event"].value_counts()["applied"] == 3
    assert (ev["event"] == "rejection").sum() == 1
    assert "Location" in log.carried_columns


def test_stage_flags_with_dates_and_flags():
    log = load_tables([_table(STAGES)])
    acme = [a for a in log.applications["application_id"]][0]
    ev = log.events[log.events["application_id"] == acme]
    assert ev["event"].astype(str).tolist() == ["applied", "interview", "interview", "offer"]
    dated = ev[ev["date_known"]]
    assert dated["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-20"]
    # undated flags get no invented date
    assert ev.loc[~ev["date_known"], "date"].isna().all()
    # Cyan has only an "x" under Applied and no application date: an undated application
    assert log.report.quarantine.empty and len(log) == 3
    cyan = log.applications.iloc[2]
    assert pd.isna(cyan["applied_on"])
    cyan_ev = log.events[log.events["application_id"] == cyan["application_id"]]
    assert cyan_ev["event"].astype(str).tolist() == ["applied"]
    assert not cyan_ev["date_known"].any()


def test_wide_layout_furthest_stage_survives_a_final_rejection():
    data = {
        "Company": ["Acme"],
        "Date Applied": ["2026-03-01"],
        "Interview Date": ["2026-03-10"],
        "Status": ["Rejected"],
    }
    log = load_tables([_table(data)])
    assert _events(log) == [
        ("applied", "2026-03-01"),
        ("interview", "2026-03-10"),
        ("rejection", None),
    ]  # undated, never on the interview's day
    assert log.events["date_known"].tolist() == [True, True, False]


def test_wide_status_is_dated_by_the_outcome_column_and_not_duplicated():
    data = {
        "Company": ["A", "B"],
        "Date Applied": ["2026-03-01", "2026-03-01"],
        "Rejection Date": ["2026-03-09", None],
        "Status": ["Rejected", "Offer!"],
        "Decision date": [None, "2026-03-20"],
    }
    log = load_tables([_table(data)])
    ev = log.events
    assert (ev["event"] == "rejection").sum() == 1
    offer = ev[ev["event"] == "offer"].iloc[0]
    assert offer["date"] == pd.Timestamp("2026-03-20") and offer["date_known"]


def test_wide_repeated_followups_with_channel_type_recipient():
    data = {
        "Company": ["Acme"],
        "Date Applied": [dt.datetime(2026, 3, 1)],
        "Follow-up 1 Date": ["2026-03-04"],
        "Follow-up 1 Method": ["e-mail"],
        "Follow-up 1 Type": ["checked in"],
        "Follow-up 1 To": ["HR"],
        "Follow-up 2 Date": ["2026-03-11"],
        "Follow-up 2 Method": ["snail mail"],
        "Follow-up 2 Type": ["TY note"],
        "Follow-up 2 To": ["Hiring manager"],
        "Follow-up 3 Date": ["-"],
        "Follow-up 3 Method": ["handwritten note"],
    }
    log = load_tables([_table(data)])
    fu = log.events[log.events["event"] == "followup"]
    assert fu["channel"].astype(str).tolist() == ["email", "letter"]
    assert fu["letter_type"].astype(str).tolist() == ["status_check", "thank_you"]
    assert fu["recipient"].astype(str).tolist() == ["hr", "hiring_manager"]


def test_cohort_sheet_seeker_column_and_folder_hint():
    data = {
        "Student": ["Ana", "Ana", "Bo"],
        "Program": ["Data", "Data", "UX"],
        "ID": ["1", "2", "1"],
        "Company": ["A", "B", "C"],
        "Date Applied": ["2026-01-01", "2026-01-02", "2026-01-03"],
    }
    log = load_tables([_table(data, file="cohort.xlsx")])
    apps = log.applications
    assert apps["seeker"].tolist() == ["Ana", "Ana", "Bo"]
    assert apps["application_id"].is_unique  # id "1" used by two students
    assert apps["Program"].tolist() == ["Data", "Data", "UX"]
    one = {"Company": ["A"], "Date Applied": ["2026-01-01"]}
    log = load_tables(
        [
            _table(one, file="folder/ana.csv", sheet=None, hint="ana"),
            _table(one, file="folder/bo.csv", sheet=None, hint="bo"),
        ],
        seeker="ignored",
    )
    assert log.applications["seeker"].tolist() == ["ana", "bo"]


def test_forced_events_layout_without_columns_is_a_clear_error():
    t = _table({"Company": ["A"], "Date Applied": ["2026-01-01"]})
    with pytest.raises(ValueError, match=r"t.xlsx \[Sheet1\]: layout='events' needs"):
        interpret(t, "events", Context())


def test_accepted_status_implies_an_offer_and_forced_layout_is_reported():
    data = {
        "Company": ["Acme", "Beta"],
        "Date Applied": ["2026-03-01", "2026-03-02"],
        "Offer Date": [None, "2026-03-20"],
        "Status": ["Accepted", "Offer declined"],
    }
    log = load_tables([_table(data)], layout="wide")
    ev = log.events
    acme = ev[ev["source_row"] == 2]
    assert acme["event"].astype(str).tolist() == ["applied", "offer", "accepted"]
    assert acme.loc[acme["event"] == "offer", "note"].iloc[0] == "implied by the status"
    beta = ev[ev["source_row"] == 3]
    assert beta["event"].astype(str).tolist() == ["applied", "offer", "declined"]
    assert beta.loc[beta["event"] == "offer", "date_known"].iloc[0]  # dated by its column
    assert log.report.sources["reason"].iloc[0] == "layout given by the caller"


def test_response_date_on_the_day_of_another_response_is_not_an_extra_reply():
    import followup_analytics as fa

    frame = pd.DataFrame(
        {
            "Company": ["Acme", "Beta", "Gamma"],
            "Date Applied": ["2026-03-02", "2026-03-02", "2026-03-02"],
            "Response Date": ["2026-03-09", "2026-03-05", "2026-03-06"],
            "Interview 1 Date": ["2026-03-09", "2026-03-12", None],
            "Rejection Date": [None, None, "2026-03-06"],
        }
    )
    events = fa.load(frame).events
    counts = events.groupby(["application_id", "event"], observed=True).size().unstack(fill_value=0)
    # Acme: the response *was* the interview; Beta: a reply, then an interview;
    # Gamma: the response was the rejection.
    assert counts["reply"].tolist() == [0, 1, 0]
    assert counts["interview"].tolist() == [1, 1, 0]
    assert counts["rejection"].tolist() == [0, 0, 1]


def test_an_event_log_without_any_application_key_quarantines_every_row():
    # no id, company or role in any row: each row is quarantined with the reason
    frame = pd.DataFrame(
        {
            "Date": ["2026-03-01", "2026-03-05"],
            "Event": ["Applied", "Rejected"],
            "Company": [None, None],
        }
    )
    with pytest.warns(LoadWarning):
        log = load(frame, layout="events", as_of="2026-04-01")
    assert len(log.applications) == 0
    q = log.report.quarantine
    assert q["row"].tolist() == [2, 3]
    assert q["reason"].str.startswith("no application key").all()
