"""Failure classes seen on real trackers, each re-created small (see docs/importing.md)."""

from __future__ import annotations

import warnings

import pandas as pd
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


def test_missing_or_unreadable_date_never_quarantines_the_row(tmp_path):
    path = _csv(
        tmp_path, "t.csv", ["Company,Date Applied,Status", "Acme,,Applied", "Beta,someday,Applied"]
    )
    log = _quiet_load(path)
    assert log.applications["company"].tolist() == ["Acme", "Beta"]
    q = log.report.quarantine  # the unreadable cell is listed; the row is loaded undated
    assert q["row"].tolist() == [3] and q["reason"].str.contains("rest of the row").all()
    assert log.report.n_partly_quarantined == 1 and log.report.n_quarantined == 0


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


# ----------------------------------------------------------------- columns by header and content
def test_yes_no_column_never_becomes_a_date_field(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Date Applied,Followed up?,Follow-up date,Job Offer,Selected for interview?",
            "Acme,2026-03-01,Yes,2026-03-08,No,Yes",
            "Beta,2026-03-02,No,,No,No",
            "Cyan,2026-03-03,Yes,,Yes,Yes",
        ],
    )
    log = _quiet_load(path)
    m = log.report.mapping.set_index("input_column")
    assert m.loc["Follow-up date", "field"] == "followup_date"
    assert m.loc["Job Offer", "field"] == "flag:offer"
    assert m.loc["Selected for interview?", "field"] == "flag:interview"
    assert "Followed up?" not in m.index or m.loc["Followed up?", "field"].startswith("flag:")
    f = fa.features(log)
    assert f["offered"].tolist() == [False, False, True]
    assert (f["furthest_stage"] >= "interviewed").sum() == 2
    assert f["n_followups"].tolist() == [1, 0, 1]  # Cyan's "Yes": an undated follow-up


def test_unknown_header_with_dates_beside_a_company_is_the_application_date(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        ["Company,When I sent it,Result", "Acme,2026-01-05,Rejected", "Beta,2026-01-07,"],
    )
    log = _quiet_load(path)
    assert log.applications["applied_on"].notna().all()
    row = log.report.mapping.set_index("input_column").loc["When I sent it"]
    assert row["field"] == "applied_on" and "dates" in row["evidence"]


def test_followed_up_by_holding_channels_is_a_channel(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Date Applied,Follow-up date,Followed up by",
            "Acme,2026-01-05,2026-01-09,Email",
            "Beta,2026-01-05,2026-01-10,Phone",
        ],
    )
    log = _quiet_load(path)
    fu = log.events[log.events["event"] == "followup"]
    assert fu["channel"].astype(str).tolist() == ["email", "phone"]


# ----------------------------------------------------------------- vocabulary and languages
@pytest.mark.parametrize(
    "text",
    [
        "Heard nothing",
        "Not heard back",
        "Haven't heard back",
        "Awaiting response",
        "No Response",
        "没消息",
    ],
)
def test_negated_replies_are_no_response(text):
    import pandas as pd

    from followup_analytics.ingest.values import normalise

    assert pd.isna(normalise(pd.Series([text]), "status")[0].iloc[0])


def test_text_key_keeps_chinese():
    from followup_analytics.text import key

    assert key("投递日期") == "投递日期" and key("Bewerbung (März)") == "bewerbung marz"


def test_chinese_and_german_trackers_load(tmp_path):
    zh = _csv(
        tmp_path,
        "投递记录.csv",
        [
            "公司,岗位,投递时间,状态",
            "甲公司,数据分析,2026-03-01,一面挂",
            "乙公司,后端,2026-03-02,已投递",
            "丙公司,算法,2026-03-03,oc",
        ],
    )
    log = _quiet_load(zh)
    f = fa.features(log)
    assert len(log) == 3 and f["applied_on"].notna().all()
    assert f["rejected"].tolist() == [True, False, False]
    assert (f["furthest_stage"] >= "interviewed").tolist() == [True, False, True]
    de = _csv(
        tmp_path,
        "bewerbungen.csv",
        [
            "Firma,Stelle,Beworben am,Ergebnis",
            "Acme,Analyst,03.02.2026,Absage",
            "Beta,Dev,04.02.2026,Vorstellungsgespräch",
        ],
    )
    f = fa.features(_quiet_load(de))
    assert f["company"].tolist() == ["Acme", "Beta"] and f["rejected"].tolist() == [True, False]
    assert f["interviewed"].tolist() == [False, True]


# ----------------------------------------------------------------- layouts
def test_sankey_link_list_and_sankeymatic_text(tmp_path):
    links = _csv(
        tmp_path,
        "sankey.csv",
        [
            "target,source,value",
            "Response,Applied,4",
            "No Response,Applied,6",
            "Interview,Response,3",
            "Rejected,Response,1",
            "Offer,Interview,1",
        ],
    )
    log = _quiet_load(links)
    f = fa.features(log)
    assert len(log) == 10 and f["responded"].sum() == 4 and f["interviewed"].sum() == 3
    assert f["offered"].sum() == 1 and not log.events["date_known"].any()
    text = tmp_path / "flows.txt"
    text.write_text(
        "Applications [5] No response\nApplications [3] Rejection\n\n"
        "Applications [2] First Round\nFirst Round [0] Rejection\n",
        encoding="utf-8",
    )
    log = _quiet_load(text)
    f = fa.features(log)
    assert len(log) == 10 and f["responded"].sum() == 5 and f["interviewed"].sum() == 2
    assert "zero flow" in log.report.dropped["reason"].tolist()


def test_linkedin_export_folder_is_one_seeker_and_saved_jobs_are_not_applications(tmp_path):
    jobs = tmp_path / "export" / "Jobs"
    jobs.mkdir(parents=True)
    head = (
        "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,"
        "Job Url,Resume Name,Question And Answers"
    )
    (jobs / "Job Applications.csv").write_text(
        head + '\n"8/15/26, 10:02 AM",me@example.com,,Acme,Analyst,https://example.com/1,cv.pdf,\n',
        encoding="utf-8",
    )
    (jobs / "Job Applications_1.csv").write_text(
        head + '\n"8/16/26, 11:02 AM",me@example.com,,Beta,Clerk,https://example.com/2,cv.pdf,\n',
        encoding="utf-8",
    )
    (jobs / "Saved Jobs.csv").write_text(
        "Saved Date,Job Url,Job Title,Company Name\n8/1/26,https://example.com/3,Dev,Cyan\n",
        encoding="utf-8",
    )
    for source in (tmp_path / "export", jobs):
        log = _quiet_load(source)
        assert log.applications["company"].tolist() == ["Acme", "Beta"]
        assert log.seekers == ["self"]
        assert "saved jobs" in " ".join(log.report.sources["reason"].dropna())


def test_stage_mark_columns_ticks_crosses_and_notes(tmp_path):
    path = _csv(
        tmp_path,
        "秋招.csv",
        [
            "公司,投递时间,笔试,一面,二面,offer",
            "甲,8.1,√,√,×,",  # written test, interview, failed the second round
            "乙,8.3,无,,,",  # no written test: no response
            "丙,9.1,不匹配,,,",  # screened out: a rejection, no written test
            "丁,9.2,9.22,8.24（19:00）,,√",
            "戊,9.3,,,,×",
        ],
    )  # a cross under offer: no offer
    log = _quiet_load(path)
    f = fa.features(log).set_index("company")
    assert len(f) == 5 and f["applied_on"].isna().all()  # month.day without a year
    assert f["responded"].to_dict() == {"甲": True, "乙": False, "丙": True, "丁": True, "戊": True}
    assert f["interviewed"].to_dict() == {
        "甲": True,
        "乙": False,
        "丙": False,
        "丁": True,
        "戊": False,
    }
    assert f["offered"].sum() == 1 and f.loc["戊", "rejected"]
    m = log.report.mapping.set_index("input_column")["field"]
    assert m["一面"] == "flag:interview" and m["offer"] == "flag:offer"


# ----------------------------------------------------------------- fix and re-import
def test_quarantine_exports_original_cells_and_mapping_file_round_trips(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Org,When I sent it,Result,Follow-up Date",
            "Acme,2026-01-05,Rejected,2026-01-02",
            "Beta,2026-01-07,,=1+1",
        ],
    )
    log = _quiet_load(path, as_of="2026-03-01")
    out = log.report.quarantine_to_csv(tmp_path / "q.csv")
    import pandas as pd

    q = pd.read_csv(out, dtype=str)
    assert q["row"].tolist() == ["2", "3"]
    assert q["Org"].tolist() == ["Acme", "Beta"]  # the original cells
    assert q["Follow-up Date"].tolist() == ["2026-01-02", "'=1+1"]  # neutralised
    assert "before its application" in q["reasons"].iloc[0]
    for name in ("m.json", "m.toml"):
        saved = log.report.save_mapping(tmp_path / name)
        again = _quiet_load(path, mapping=saved, as_of="2026-03-01")
        pd.testing.assert_frame_equal(again.events, log.events)
    with pytest.raises(ValueError, match="cannot be read"):
        fa.load(path, mapping=tmp_path / "missing.json")


def test_dayfirst_decides_what_the_values_cannot(tmp_path):
    path = _csv(tmp_path, "t.csv", ["Company,Date Applied", "A,03/04/2026", "B,05/06/2026"])
    log = fa.load(path, dayfirst=True)
    assert log.applications["applied_on"].dt.month.tolist() == [4, 6]
    assert any("dayfirst=" in n for n in log.report.notes)


# ----------------------------------------------------------------- whole-table decisions
def test_headerless_list_is_read_by_content(tmp_path):
    rows = [
        f"Firm {i},Applied,2026-01-{i + 1:02d},{'Rejected' if i % 3 == 0 else ''}" for i in range(9)
    ]
    log = _quiet_load(_csv(tmp_path, "list.csv", rows + ["Firm X,,,"]))
    f = fa.features(log)
    assert len(log) == 9 and f["rejected"].sum() == 3
    assert log.report.sources["header_row"].iloc[0] == 0
    assert log.report.dropped["row"].tolist() == [10]  # a company-only row


def test_event_trail_in_unlabelled_columns(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        ["公司,投递日期,,", "甲,7.04,7.17笔试,7.21下午面试", "乙,7.04,,", "丙,7.12,挂了,"],
    )
    f = fa.features(_quiet_load(path)).set_index("company")
    assert f["responded"].tolist() == [True, False, True]
    assert f["interviewed"].tolist() == [True, False, False]


def test_header_stays_above_a_data_row_full_of_header_words(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        ["Firma,Stelle,Status,Kanal", "Acme,Analyst,Offer,Email", "Beta,Dev,Follow up,Phone"],
    )
    log = _quiet_load(path)
    assert log.report.sources["header_row"].iloc[0] == 1 and len(log) == 2


def test_a_count_of_note_is_not_a_pivot_and_total_can_be_a_company(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Date Applied,Notes",
            "Acme,2026-01-05,Count of calls: 3",
            "Total,2026-01-06,a company called Total",
        ],
    )
    log = _quiet_load(path)
    assert log.applications["company"].tolist() == ["Acme", "Total"]


def test_rates_over_a_source_without_outcomes_are_unknown_not_zero(tmp_path):
    li = _csv(
        tmp_path,
        "Job Applications.csv",
        [
            "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
            "Resume Name,Question And Answers",
            *[
                f'"8/{i + 1}/26, 10:02 AM",me@example.com,,Co{i},Analyst,https://example.com/{i},'
                "cv.pdf,"
                for i in range(12)
            ],
        ],
    )
    log = _quiet_load(li)
    assert not log.report.sources["records_outcomes"].any()
    with pytest.warns(UserWarning, match="no outcome recorded"):
        r = fa.response_rates(log, by="seeker")
    assert r["n"].sum() == 0 and r["rate"].isna().all()
    assert "no outcome recorded" in r.attrs["definition"].extra


def test_a_cleaned_copy_sheet_is_not_counted_twice(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    raw = wb.active
    raw.title = "Raw"
    clean = wb.create_sheet("Clean")
    raw.append(["Company", "Role", "Date Applied", "Status", "Notes"])
    clean.append(["Company", "Role", "Date Applied", "Status"])
    for i in range(5):
        raw.append([f"Co{i}", "Analyst", f"2026-01-0{i + 1}", "Applied", "raw note"])
        clean.append([f"Co{i}", "Analyst", f"2026-01-0{i + 1}", "Rejected" if i else "Applied"])
    wb.save(tmp_path / "t.xlsx")
    log = _quiet_load(tmp_path / "t.xlsx")
    assert len(log) == 5
    d = log.report.dropped
    assert (d["sheet"] == "Clean").sum() == 5 and d["reason"].str.startswith("copy of").all()


def test_the_same_application_in_two_sources_is_merged(tmp_path):
    mine = _csv(
        tmp_path,
        "mine.csv",
        [
            "Company,Role,Date Applied,Status",
            "Acme,Analyst,2026-08-15,Interviewing",
            "Beta,Clerk,2026-08-20,Rejected",
        ],
    )
    li = _csv(
        tmp_path,
        "Job Applications.csv",
        [
            "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
            "Resume Name,Question And Answers",
            '"8/16/26, 10:02 AM",me@example.com,,ACME,analyst,https://example.com/1,cv.pdf,',
            '"8/30/26, 10:02 AM",me@example.com,,Beta,Clerk,https://example.com/2,cv.pdf,',
        ],
    )
    log = _quiet_load(mine, li)
    assert len(log) == 3  # Acme merged (1 day apart); Beta 10 days apart: two applications
    m = log.report.merges
    assert m["company"].tolist() == ["Acme"] and m["days_apart"].tolist() == [1]
    ev = log.events
    acme = ev[ev["application_id"] == m["application_id"].iloc[0]]
    assert acme["event"].astype(str).tolist() == ["applied", "interview"]
    assert "Merged" in str(log.report)


def test_a_cell_naming_two_channels_is_one_action_with_two_events(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Date Applied,Follow-up 1 Date,Follow-up 1 Method,Follow-up 1 To",
            "Acme,2026-03-01,2026-03-05,Email + posted letter,HR",
            "Beta,2026-03-01,2026-03-06,Phone,HR cc hiring manager",
            "Cyan,2026-03-01,2026-03-07,e-mail,Recruiter",
        ],
    )
    log = _quiet_load(path)
    fu = log.events[log.events["event"] == "followup"]
    assert len(fu) == 5 and fu["action_id"].nunique() == 3
    acme = fu[fu["action_id"] == fu["action_id"].iloc[0]]
    assert sorted(acme["channel"].astype(str)) == ["email", "letter"]
    assert sorted(fu.loc[fu["channel"] == "phone", "recipient"].astype(str)) == [
        "hiring_manager",
        "hr",
    ]
    f = fa.features(log)
    assert f["n_followups"].tolist() == [1, 1, 1]
    assert len(fa.followups(log)) == 3


def test_contacts_sheets_and_dashboards_are_not_applications(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    apps = wb.active
    apps.title = "Applications"
    apps.append(["Company", "Role", "Date Applied", "Status"])
    apps.append(["Acme", "Analyst", "2026-01-05", "Applied"])
    people = wb.create_sheet("Contacts")
    people.append(["Name", "Company", "Email", "Date", "Notes"])
    for i in range(3):
        people.append([f"Person {i}", f"Co{i}", f"p{i}@example.com", f"2026-01-0{i + 1}", "met"])
    dash = wb.create_sheet("Dashboard")
    dash.append(["Status", "Count"])
    for s, n in (("Applied", 10), ("Rejected", 4), ("Interview", 2)):
        dash.append([s, n])
    wb.save(tmp_path / "t.xlsx")
    log = _quiet_load(tmp_path / "t.xlsx")
    assert log.applications["company"].tolist() == ["Acme"]
    d = log.report.dropped
    assert (d["sheet"] == "Contacts").sum() == 3 and (d["sheet"] == "Dashboard").sum() == 3
    assert d["reason"].str.startswith("not applications").all()


def test_day_per_column_with_company_names_in_cells(tmp_path):
    path = _csv(
        tmp_path,
        "week.csv",
        [
            "2026-03-02,2026-03-03,2026-03-04,2026-03-05",
            "Acme,Beta,Cyan,",
            "Dune,,Echo,",
            ",,Fern,",
        ],
    )
    log = _quiet_load(path)
    assert log.report.sources["layout"].iloc[0] == "days"
    apps = log.applications.sort_values("company")
    assert apps["company"].tolist() == ["Acme", "Beta", "Cyan", "Dune", "Echo", "Fern"]
    assert apps["applied_on"].dt.day.tolist() == [2, 3, 4, 2, 4, 4]


def test_one_sheet_per_seeker(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for n, name in enumerate(("Ana Lima", "Bo Chen")):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["Company", "Date Applied", "Status"])
        ws.append([f"Co{n}", "2026-01-05", "Applied"])
        ws.append([f"Co{n}b", "2026-01-06", "Rejected"])
    wb.save(tmp_path / "cohort.xlsx")
    log = _quiet_load(tmp_path / "cohort.xlsx")
    assert log.applications["seeker"].tolist() == ["Ana Lima", "Ana Lima", "Bo Chen", "Bo Chen"]
    assert any("one sheet per seeker" in n for n in log.report.notes)


def test_a_replies_file_joins_the_applications_by_company(tmp_path):
    apps = _csv(
        tmp_path,
        "applications.csv",
        [
            "Company,Role,Date Applied",
            "Acme,Analyst,2026-02-01",
            "Beta,Clerk,2026-02-02",
            "Cyan,Dev,2026-02-03",
        ],
    )
    replies = _csv(
        tmp_path,
        "replies.csv",
        ["Company,Response Date,Status", "ACME,2026-02-10,Rejected", "Cyan,2026-02-12,Interview"],
    )
    log = _quiet_load(apps, replies)
    f = fa.features(log).set_index("company")
    assert len(log) == 3
    assert f["responded"].tolist() == [True, False, True]
    assert f.loc["Cyan", "interviewed"] and f.loc["Acme", "rejected"]
    assert len(log.report.merges) == 2


def test_header_matching_cost_per_header_is_bounded(monkeypatch):
    """Linear in the number of columns: a spelling check compares a header with a handful of
    synonyms (same first letter, similar length), never with the whole list."""
    import difflib

    from followup_analytics.ingest import columns

    sizes = []
    real = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        sizes.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(columns.difflib, "get_close_matches", counting)
    headers = ["Compnay", "Date Applied"] + [f"Unnamed: {i}" for i in range(3000)]
    headers += [f"col {i} remarks" for i in range(3000)]
    cm = columns.match_columns(headers)
    assert cm.column("company") == "Compnay"
    assert sizes and max(sizes) <= 60 and len(sizes) <= 3001


def test_chinese_not_applied_and_invited_rows(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "公司,投递日期,进度",
            "甲,2025/9/29,初筛",
            "乙, ,未投",
            "丙,2025/9/30,可约面试",
            "丁,2025/9/30,三面结束",
        ],
    )
    log = _quiet_load(path)
    f = fa.features(log).set_index("company")
    assert list(f.index) == ["甲", "丙", "丁"]
    assert f["responded"].tolist() == [False, True, True]
    assert f["interviewed"].tolist() == [False, False, True]
    assert log.report.dropped["reason"].tolist() == ["not applied: status '未投'"]


def test_several_applications_in_one_row(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "企业,岗位一,投递时间,状态,岗位二,投递时间,状态",
            "甲,后端,2026-08-01,已投递,前端,2026-08-03,面试挂",
            "乙,算法,2026-08-02,简历挂,,,",
        ],
    )
    log = _quiet_load(path)
    f = fa.features(log)
    assert len(log) == 3 and sorted(f["role"]) == ["前端", "后端", "算法"]
    assert f.set_index("role").loc["前端", "interviewed"]


def test_event_log_rows_without_a_date_load_undated(tmp_path):
    path = _csv(
        tmp_path,
        "log.csv",
        [
            "Company,Date,Event",
            "Acme,2026-03-01,Applied",
            "Acme,,Rejected",
            "Beta,2026-03-02,Applied",
            "Beta,2026-03-09,Interview",
        ],
    )
    log = _quiet_load(path)
    assert log.report.sources["layout"].iloc[0] == "events" and log.report.quarantine.empty
    rej = log.events[log.events["event"] == "rejection"]
    assert len(rej) == 1 and pd.isna(rej["date"].iloc[0]) and not rej["date_known"].iloc[0]


def test_a_titled_block_under_the_table_adds_events_not_applications(tmp_path):
    path = _csv(
        tmp_path,
        "t.csv",
        [
            "Company,Role,Date Applied",
            "Acme*,Analyst,2026-09-01",
            "Beta,Dev,2026-09-02",
            "Cyan,PM,2026-09-03",
            ",,",
            "Interviews,,",
            "Acme,9.4 14:50,Offer",
            "Cyan,9.6 10:00,second round done",
        ],
    )
    log = _quiet_load(path)
    f = fa.features(log).set_index("company")
    assert list(f.index) == ["Acme*", "Beta", "Cyan"]
    assert f["interviewed"].tolist() == [True, False, True]
    assert f["offered"].tolist() == [True, False, False]
