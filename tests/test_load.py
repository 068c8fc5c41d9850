"""load(): messy files end to end, the report, strict mode and the nothing-lost invariant."""

import datetime as dt
import tempfile
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_analytics import (
    AmbiguousDateWarning,
    LoadWarning,
    SpreadsheetError,
    load,
)


def _xlsx(path, sheets):
    wb = openpyxl.Workbook()
    del wb["Sheet"]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def _csv(path, lines, encoding="utf-8"):
    Path(path).write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _ev(log):
    return list(
        zip(
            log.events["event"].astype(str), log.events["date"].dt.strftime("%Y-%m-%d"), strict=True
        )
    )


HEADER = [
    "Company",
    "Position",
    "Date Applied",
    "Follow-up 1 Date",
    "Follow-up 1 Method",
    "Follow-up 1 Type",
    "Follow-up 2 Date",
    "Follow-up 2 Method",
    "Interview 1 Date",
    "Status",
    "Program",
]


def test_wide_workbook_with_title_rows_two_sheets_and_a_summary(tmp_path):
    title = [["Job search 2026"], ["kept by me"], []]
    spring = title + [
        HEADER,
        [
            "Acme",
            "Dev",
            dt.datetime(2026, 3, 1),
            dt.datetime(2026, 3, 4),
            "e-mail",
            "checked in",
            "2026-03-11",
            "snail mail",
            dt.datetime(2026, 3, 20),
            "rejected :(",
            "Data",
        ],
        [
            "Beta",
            "PM",
            dt.datetime(2026, 3, 2),
            None,
            None,
            None,
            None,
            None,
            None,
            "Ghosted",
            "Data",
        ],
        [],
        ["Total", None, None, None, None, None, None, None, None, 2, None],
    ]
    summer = title + [
        HEADER,
        ["Cyan", "QA", dt.datetime(2026, 6, 1), "-", None, None, None, None, None, "Offer!", "UX"],
    ]
    path = _xlsx(
        tmp_path / "tracker.xlsx",
        {"Spring": spring, "Summer": summer, "Summary": [["Pivot"], ["Offers", 1]]},
    )
    log = load(path, as_of="2026-07-01")
    rep = log.report
    assert len(log) == 3
    src = rep.sources.set_index("sheet")
    assert src.loc["Spring", "layout"] == "wide" and src.loc["Spring", "header_row"] == 4
    assert src.loc["Summary", "status"] == "skipped"
    assert any("stacked" in n for n in rep.notes)
    acme = log.events[log.events["source_row"].eq(5) & log.events["source_sheet"].eq("Spring")]
    assert acme["event"].astype(str).tolist() == [
        "applied",
        "followup",
        "followup",
        "interview",
        "rejection",
    ]
    assert acme["channel"].astype(str).tolist()[1:3] == ["email", "letter"]
    assert set(rep.dropped["reason"].str.lower()) >= {"blank row", "totals row"}
    assert log.applications["Program"].tolist() == ["Data", "Data", "UX"]
    offer = log.events[log.events["event"] == "offer"].iloc[0]
    assert pd.isna(offer["date"]) and not offer["date_known"]  # no invented date
    only = load(path, sheets=["Summer"], as_of="2026-07-01")
    assert only.report.sources["sheet"].tolist() == ["Summer"] and len(only) == 1


def test_event_log_csv_with_semicolons_and_day_first_dates(tmp_path):
    path = _csv(
        tmp_path / "events.csv",
        [
            "Application ID;Company;Date;Event;Channel;Type;Recipient",
            "1;Acme;02/03/2026;applied;;;",
            "1;Acme;13/03/2026;follow up;handwritten note;TY note;interviewer",
            "2;Beta;05/03/2026;Applied;;;",
            "2;Beta;20/03/2026;Not selected;;;",
        ],
    )
    log = load(path)
    assert log.report.sources["layout"].iloc[0] == "events"
    assert _ev(log) == [
        ("applied", "2026-03-02"),
        ("followup", "2026-03-13"),
        ("applied", "2026-03-05"),
        ("rejection", "2026-03-20"),
    ]
    fu = log.events.iloc[1]
    assert (fu["channel"], fu["letter_type"], fu["recipient"]) == (
        "letter",
        "thank_you",
        "interviewer",
    )
    assert any("'Date' read day-first, decided" in n for n in log.report.notes)


def test_linkedin_and_huntr_exports(tmp_path):
    li = _csv(
        tmp_path / "Job Applications.csv",
        [
            "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
            "Resume Name,Question And Answers",
            '"8/15/26, 10:02 AM",me@example.org,,Acme,Analyst,https://example.com/1,cv.pdf,',
            '"8/17/26, 4:40 PM",me@example.org,,Beta,Engineer,https://example.com/2,cv.pdf,',
        ],
    )
    log = load(li, seeker="Ana")
    assert log.report.sources["layout"].tolist() == ["linkedin"]
    assert _ev(log) == [("applied", "2026-08-15"), ("applied", "2026-08-17")]
    huntr = _csv(
        tmp_path / "huntr.csv",
        [
            "Company,Title,List,Date Applied,Location",
            "Acme,Dev,Interviewing,2026-02-01,Remote",
            "Beta,PM,Rejected,2026-02-03,Oslo",
            "Cyan,QA,Wishlist,,Lima",
        ],
    )
    log = load(huntr)  # the wish-list row is no application: dropped with the reason
    assert log.report.sources["layout"].tolist() == ["tracker"]
    assert sorted(log.events["event"].astype(str)) == [
        "applied",
        "applied",
        "interview",
        "rejection",
    ]
    assert log.report.quarantine.empty
    d = log.report.dropped
    assert d["row"].tolist() == [4] and d["reason"].iloc[0] == "not applied: status 'Wishlist'"


def test_stage_flags_sheet(tmp_path):
    path = _xlsx(
        tmp_path / "stages.xlsx",
        {
            "Apps": [
                ["Company", "Applied", "Phone screen", "1st Interview", "Offer", "Rejected"],
                ["Acme", dt.datetime(2026, 1, 5), "x", dt.datetime(2026, 1, 20), "yes", None],
                ["Beta", dt.datetime(2026, 1, 6), None, None, None, "✓"],
            ]
        },
    )
    log = load(path)
    assert log.report.sources["layout"].iloc[0] == "stages"
    assert sorted(log.events["event"].astype(str)) == [
        "applied",
        "applied",
        "interview",
        "interview",
        "offer",
        "rejection",
    ]


def test_cohort_sheet_and_folder_of_per_seeker_files(tmp_path):
    cohort = _xlsx(
        tmp_path / "cohort.xlsx",
        {
            "Students": [
                [
                    "Student Name",
                    "Email",
                    "Program",
                    "Adviser",
                    "Company",
                    "Date Applied",
                    "Status",
                ],
                ["Ana Lima", "ana@example.org", "Data", "Kim", "Acme", "2026-01-05", "Interview"],
                ["Bo Chen", "bo@example.org", "UX", "Kim", "Beta", "2026-01-06", "Denied"],
            ]
        },
    )
    log = load(cohort)
    apps = log.applications
    assert apps["seeker"].tolist() == ["Ana Lima", "Bo Chen"]
    assert {"Email", "Program", "Adviser"} <= set(log.carried_columns)
    folder = tmp_path / "seekers"
    folder.mkdir()
    for name in ("ana", "bo"):
        _csv(folder / f"{name}.csv", ["Company,Date Applied", "Acme,2026-01-05"])
    log = load(folder)
    assert sorted(log.applications["seeker"]) == ["ana", "bo"]
    assert log.applications["application_id"].is_unique


def test_user_mapping_wins_and_is_checked(tmp_path):
    path = _csv(tmp_path / "mine.csv", ["Org,When I sent it,Result", "Acme,2026-01-05,Offer!"])
    with pytest.warns(LoadWarning, match="'Not there' matches no column"):
        log = load(
            path, mapping={"when i SENT it": "applied_on", "Org": "company", "Not there": "role"}
        )
    assert log.applications["company"].tolist() == ["Acme"]
    assert _ev(log)[0] == ("applied", "2026-01-05")
    m = log.report.mapping.set_index("input_column")["field"]
    assert m["When I sent it"] == "applied_on"
    assert any("'Not there' is not in any input" in n for n in log.report.notes)
    assert not any("'when i SENT it'" in n for n in log.report.notes)  # found by key
    with pytest.raises(ValueError, match="'sent' is not a canonical field.*applied_on"):
        load(path, mapping={"When I sent it": "sent"})
    with pytest.raises(ValueError, match="layout must be one of"):
        load(path, layout="diagonal")


def test_ambiguous_dates_warn_and_name_the_column(tmp_path):
    path = _csv(tmp_path / "amb.csv", ["Company,Date Applied", "A,03/04/2026", "B,05/06/2026"])
    with pytest.warns(AmbiguousDateWarning, match="'Date Applied'"):
        log = load(path)
    assert log.applications["applied_on"].iloc[0] == pd.Timestamp("2026-03-04")
    assert any("'Date Applied' read month-first, assumed" in n for n in log.report.notes)


def test_excel_serials_month_names_and_missing_markers_in_csv(tmp_path):
    path = _csv(
        tmp_path / "mixed.csv",
        [
            "Company,Date Applied,Response Date,Status",
            'A,46000,"Dec 12, 2025",responded',
            "B,3 March 2026,n/a,No response",
            "C,TBD,-,?",
        ],
    )
    log = load(path, as_of="2026-06-01")
    assert log.applications["applied_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-12-09",
        "2026-03-03",
    ]
    assert (log.events["event"] == "reply").sum() == 1
    assert log.report.quarantine.empty  # a missing date never quarantines a row
    d = log.report.dropped  # row 4 has no date, no status and no event: no application
    assert d["row"].tolist() == [4] and d["reason"].iloc[0].startswith("not an application")


def test_quarantine_reasons_and_strict_lists_every_problem(tmp_path):
    path = _csv(
        tmp_path / "bad.csv",
        [
            "Company,Date Applied,Follow-up Date,Status",
            "Good,2026-03-01,2026-03-05,",
            "Early,2026-03-10,2026-03-02,",
            "Old,1899-05-01,,",
            "Future,2031-01-01,,",
            "Garbled,someday,,",
        ],
    )
    with pytest.warns(LoadWarning, match="4 row") as caught:
        log = load(path, as_of="2026-06-01")
    assert caught[0].filename == __file__  # the warning points at the caller's line
    q = log.report.quarantine.set_index("row")
    assert "before its application" in q.loc[3, "reason"] and q.loc[3, "column"] == "Follow-up Date"
    assert "year 1899 is before 1990" in q.loc[4, "reason"]
    assert "more than a year after as_of" in q.loc[5, "reason"]
    assert "'someday'" in q.loc[6, "reason"] and q.loc[6, "column"] == "Date Applied"
    # "Early" keeps its application, loses the follow-up; "Garbled" loads undated
    assert len(log) == 3
    assert log.applications["applied_on"].isna().sum() == 1
    with pytest.raises(SpreadsheetError) as err:
        load(path, as_of="2026-06-01", strict=True)
    assert len(err.value.problems) == 4
    assert {p.row for p in err.value.problems} == {3, 4, 5, 6}
    assert "bad.csv" in str(err.value) and "row 6" in str(err.value)


def test_vocabulary_extension_and_unknown_values(tmp_path):
    path = _csv(
        tmp_path / "v.csv",
        [
            "Company,Date Applied,Follow-up Date,Follow-up Method",
            "A,2026-01-01,2026-01-03,Slack",
            "B,2026-01-01,2026-01-04,Fax",
        ],
    )
    log = load(path)
    assert log.report.unknown_values.to_dict("records") == [
        {"field": "channel", "value": "Slack", "count": 1},
        {"field": "channel", "value": "Fax", "count": 1},
    ]
    log = load(path, vocab={"channel": {"Slack": "text"}})
    fu = log.events[log.events["event"] == "followup"]
    assert fu["channel"].astype(str).tolist() == ["text", "other"]


def test_dataframe_input_is_not_mutated():
    df = pd.DataFrame(
        {
            "Company": ["A", "B"],
            "Date Applied": ["2026-01-01", "-"],
            "Status": ["Rejected", "Offer!"],
        }
    )
    before = df.copy()
    log = load(df)
    pd.testing.assert_frame_equal(df, before)
    assert len(log) == 2  # "Offer!" without a date is still an application, undated
    assert log.applications["applied_on"].isna().tolist() == [False, True]


_ROW = st.sampled_from(["good", "bad_date", "no_date", "blank", "total", "early_followup"])


def _line(kind: str, i: int) -> str:
    return {
        "good": f"Co{i},2026-02-{i % 27 + 1:02d},2026-03-{i % 27 + 1:02d},Rejected",
        "bad_date": f"Co{i},31/31/2026,,Applied",
        "no_date": f"Co{i},n/a,2026-03-01,Offer!",
        "blank": ",,,",
        "total": "Total,,,",
        "early_followup": f"Co{i},2026-04-10,2026-04-01,Ghosted",
    }[kind]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_ROW, min_size=1, max_size=30).filter(
        lambda kinds: any(k not in ("blank", "total") for k in kinds)
    )
)
def test_every_non_blank_row_is_loaded_quarantined_or_dropped(kinds):
    lines = ["Company,Date Applied,Follow-up Date,Status"]
    lines += [_line(k, i) for i, k in enumerate(kinds)]
    with tempfile.TemporaryDirectory() as tmp:
        path = _csv(Path(tmp) / "gen.csv", lines)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LoadWarning)
            try:
                log = load(path, as_of="2026-06-01")
            except SpreadsheetError as exc:  # e.g. nothing but unusable rows after a total
                pytest.fail(f"unexpected error {exc}")
    rows = {i + 2 for i, k in enumerate(kinds) if k != "blank"}
    rep = log.report
    seen = (
        set(log.events["source_row"].dropna().astype(int))
        | set(rep.quarantine["row"].astype(int))
        | set(rep.dropped["row"].astype(int))
    )
    assert rows <= seen
    good = {
        i + 2 for i, k in enumerate(kinds) if k in ("good", "early_followup", "no_date", "bad_date")
    }
    assert set(log.events["source_row"].astype(int)) == good
    # the counters add up: loaded + quarantined whole + dropped = non-blank input rows
    non_blank = sum(k != "blank" for k in kinds)
    src = rep.sources.iloc[0]
    assert src["n_loaded"] + src["n_quarantined"] + src["n_dropped"] == non_blank
    assert rep.n_loaded + rep.n_quarantined + rep.n_dropped == non_blank
    assert rep.n_partly_quarantined == sum(k in ("early_followup", "bad_date") for k in kinds)
    assert src["n_rows"] == non_blank


def test_fast_assembly_matches_the_validating_constructor(tmp_path):
    from followup_analytics import JobSearchLog

    path = _csv(
        tmp_path / "t.csv",
        [
            "Student,ID,Company,Date Applied,Follow-up 1 Date,Follow-up 1 Method,"
            "Interview Date,Status,Program",
            "Ana,7,Acme,2026-01-05,2026-01-09,,2026-01-20,Accepted,Data",
            "Ana,3,Beta,2026-01-02,2026-01-04,phone,,Rejected,Data",
            "Bo,7,Cyan,2026-01-03,,,,Ghosted,UX",
        ],
    )
    log = load(path, as_of="2026-03-01")
    ref = JobSearchLog.from_frames(log.events, log.applications, as_of="2026-03-01")
    keys = ["application_id", "date", "event", "source_row"]
    pd.testing.assert_frame_equal(
        log.events.sort_values(keys, ignore_index=True),
        ref.events.sort_values(keys, ignore_index=True),
    )
    pd.testing.assert_frame_equal(log.applications, ref.applications)
    assert log.as_of == ref.as_of
    # events stay grouped by application and ordered by date within it
    ev = log.events
    dated = ev[ev["date"].notna()]  # undated events (an undated "Accepted") come last
    assert (dated.groupby("application_id", sort=False)["date"].is_monotonic_increasing).all()
    assert (
        ev.groupby("application_id", sort=False)["date"]
        .apply(lambda d: d.isna().cummax().eq(d.isna()).all())
        .all()
    )
    assert ev["application_id"].ne(ev["application_id"].shift()).fillna(True).sum() == len(log)


def test_packed_sort_order_equals_lexsort(rng):
    from followup_analytics.ingest.assemble import _order

    n = 5000
    table = rng.integers(0, 3, n)
    app = rng.integers(2, 400, n)
    date = (pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")).to_numpy(
        dtype="datetime64[s]"
    )
    event = rng.integers(0, 9, n)
    ref = np.lexsort((event, date.view(np.int64), app, table))
    assert (_order(table, app, date, event) == ref).all()
    huge = app * 2**45  # too wide to pack: falls back to lexsort, same order
    ref = np.lexsort((event, date.view(np.int64), huge, table))
    assert (_order(table, huge, date, event) == ref).all()


def test_a_file_without_data_in_a_folder_is_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "ana.csv").write_text("Company,Date Applied\nAcme,2026-03-02\n", encoding="utf-8")
    (folder / "ben.csv").write_text("Company,Date Applied\n", encoding="utf-8")  # a template
    (folder / "cai.csv").write_bytes(b"")
    with pytest.warns(LoadWarning, match=r"2 of 3 files hold no data table and were skipped"):
        log = load(folder, as_of="2026-04-30")
    assert log.applications["company"].tolist() == ["Acme"]
    src = log.report.sources.set_index("file")
    assert src.loc[str(folder / "ben.csv"), "status"] == "skipped"
    assert "header only" in src.loc[str(folder / "ben.csv"), "reason"]
    assert src.loc[str(folder / "cai.csv"), "reason"] == "empty file (0 bytes)"
    # alone, or when no file of the folder holds data, it is an error naming each file
    with pytest.raises(SpreadsheetError, match="header only"):
        load(folder / "ben.csv")
    (folder / "ana.csv").unlink()
    with pytest.raises(SpreadsheetError, match=r"(?s)2 problems.*ben\.csv.*cai\.csv"):
        load(folder)
