"""cohort_report: tables, privacy (planted names, emails, phones, notes), escaping, formula
safety, suppression that cannot be undone from the margins, immutability, atomic writes."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_cohort_suppression import _recoverable

from followup_analytics import CohortReport, JobSearchLog, LoadReport, cohort_report
from followup_analytics.cohort.privacy import pseudonym_salt, pseudonymise
from followup_analytics.cohort.report import resolve_by
from followup_analytics.cohort.suppression import TOTAL, Additive

NAMES = [
    "Xanthippe Quarrington",
    "Barnaby Fizzlewick",
    "Odalys Thistlewaite",
    "Peregrine Vantongeren",
    "Ludmila Okonkwo-Barrett",
    "Casimir Wrenfield",
    "Henrietta Zabludowicz",
    "Ignatius Pemberton-Ash",
    "Rosalind Fairweather-Quist",
    "Evander Nightingale",
    "Philippa Drummondsworth",
    "Thaddeus Ollerenshaw",
]
EMAILS = [n.lower().replace(" ", ".") + "@mailhost.example" for n in NAMES]
PHONES = [f"+44 7700 900{100 + i:03d}" for i in range(len(NAMES))]
NOTES = [
    "Spoke to Gwendolyn Farquharson about visa 44719",
    "Call back on 020 7946 0321 re: salary band",
    "wrote to hiring lead priya.k@corp-example.net",
]
ADVISERS = ["Mirabel Oakenshield", "Cornelius Abernathy-Lyle"]
HOSTILE_COMPANIES = [
    '<script>alert("co")</script>',
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(A1)",
    "-2+3",
]
PROGRAMS = ["Data <script>alert('prog')</script>", "=cmd|' /C calc'!A0", "Web"]
CONTACT_COMPANIES = ["ceo.private@corp-example.org", "Call +1 415 555 0199"]
PLANTED = [*NAMES, *EMAILS, *PHONES, *NOTES, *ADVISERS, *CONTACT_COMPANIES]


def make_log(rng: np.random.Generator, per_seeker: int = 30) -> JobSearchLog:
    """A cohort of 12 seekers in three programs, with identifying and hostile text planted."""
    n_seekers = len(NAMES)
    sid = np.repeat(np.arange(n_seekers), per_seeker)
    n = len(sid)
    ids = np.char.add("A", np.arange(n).astype(str))
    start = pd.Timestamp("2026-01-05")
    applied = start + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    companies = np.array([*HOSTILE_COMPANIES, *CONTACT_COMPANIES, "Acme", "Globex"])
    apps = pd.DataFrame(
        {
            "application_id": ids,
            "seeker": np.array(NAMES)[sid],
            "company": companies[rng.integers(0, len(companies), n)],
            "role": "Analyst",
            "applied_on": applied,
            "seeker_name": np.array(NAMES)[sid],
            "email": np.array(EMAILS)[sid],
            "phone": np.array(PHONES)[sid],
            "program": np.array(PROGRAMS)[sid % 3],
            "adviser": np.array(ADVISERS)[sid % 2],
            "Notes": np.array(NOTES)[sid % 3],
        }
    )
    fu = rng.random(n) < 0.6
    resp = rng.random(n) < 0.5
    kind = rng.choice(["reply", "rejection", "interview"], n, p=[0.3, 0.5, 0.2])
    offer = resp & (kind == "interview") & (rng.random(n) < 0.5)
    parts = [
        pd.DataFrame({"application_id": ids, "date": applied, "event": "applied"}),
        pd.DataFrame(
            {
                "application_id": ids[fu],
                "date": applied[fu] + pd.to_timedelta(rng.integers(0, 20, fu.sum()), unit="D"),
                "event": "followup",
                "channel": rng.choice(["email", "phone", "letter"], fu.sum()),
                "letter_type": rng.choice(["status_check", "value_add"], fu.sum()),
                "note": np.array(NOTES)[rng.integers(0, 3, fu.sum())],
            }
        ),
        pd.DataFrame(
            {
                "application_id": ids[resp],
                "date": applied[resp] + pd.to_timedelta(rng.integers(1, 40, resp.sum()), unit="D"),
                "event": kind[resp],
            }
        ),
        pd.DataFrame(
            {
                "application_id": ids[offer],
                "date": applied[offer] + pd.to_timedelta(45, unit="D"),
                "event": "offer",
            }
        ),
    ]
    events = pd.concat(parts, ignore_index=True)
    home = f"/home/{NAMES[3]}/cohort.xlsx"
    report = LoadReport(
        sources=pd.DataFrame(
            {
                "file": [home],
                "sheet": ["Sheet1"],
                "status": ["loaded"],
                "layout": ["wide"],
                "header_row": [1],
                "n_rows": [n + 1],
                "n_loaded": [n],
                "n_quarantined": [1],
                "n_dropped": [0],
                "reason": [""],
            }
        ),
        quarantine=pd.DataFrame(
            {
                "file": [home],
                "sheet": ["Sheet1"],
                "row": [7],
                "column": ["Date"],
                "reason": [f"date {NAMES[5]!r} not understood"],
            }
        ),
        unknown_values=pd.DataFrame(
            {"field": ["channel"], "value": [f"rang {PHONES[2]}"], "count": [1]}
        ),
        notes=(f"{home}: header in row 1", f"value {EMAILS[4]} looked like a date"),
    )
    return JobSearchLog.from_frames(events, apps, as_of="2026-05-01", report=report)


@pytest.fixture(scope="module")
def log() -> JobSearchLog:
    return make_log(np.random.default_rng(20261121))


@pytest.fixture(scope="module")
def report(log: JobSearchLog) -> CohortReport:
    return cohort_report(log, by="program", min_cell=4, salt="fixed")


@pytest.fixture(scope="module")
def files(report: CohortReport, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report")
    return {"html": report.to_html(out / "r.html"), "xlsx": report.to_excel(out / "r.xlsx")}


def _workbook_text(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [
        str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
    ] + wb.sheetnames


def test_tables_and_columns(report: CohortReport) -> None:
    t = report.tables
    assert list(t) == [
        "overview",
        "outcomes",
        "funnel",
        "followup_timing",
        "followup_channel",
        "followup_letter_type",
        "time_to_response",
        "at_risk",
        "strategies",
        "employers",
        "sources",
        "quarantine",
        "unknown_values",
    ]
    assert list(t["overview"].columns) == [
        "program",
        "seekers",
        "applications",
        "followups",
        "suppressed",
    ]
    assert list(t["outcomes"].columns) == [
        "program",
        "outcome",
        "unit",
        "n",
        "k",
        "rate",
        "ci_low",
        "ci_high",
        "suppressed",
    ]
    ov = t["overview"]
    assert ov["program"].iloc[0] == TOTAL and len(ov) == 4
    assert int(ov["applications"].iloc[0]) == 360 and int(ov["seekers"].iloc[0]) == 12
    whole = t["outcomes"].query("program == @TOTAL").set_index("outcome")
    assert whole.loc["seeker_offer", "unit"] == "seeker"
    assert int(whole.loc["response", "n"]) == 360
    assert 0 < whole.loc["response", "rate"] < 1
    # file and sheet names can name people: numbered; cell text left out of reasons
    assert report.tables["sources"]["file"].tolist() == ["file 1"]
    assert report.tables["sources"]["sheet"].tolist() == ["sheet 1"]
    assert report.tables["quarantine"]["reason"].tolist() == ["date [value] not understood"]
    assert report.tables["unknown_values"].to_dict("records") == [
        {"field": "channel", "value": "(free text)", "texts": 1, "count": 1, "suppressed": ""}
    ]
    assert report.notes[0].startswith("The importer made 2 notes about the input")


def test_no_identifying_value_in_any_output(report: CohortReport, files: dict[str, Path]) -> None:
    html = files["html"].read_text(encoding="utf-8")
    cells = "\n".join(_workbook_text(files["xlsx"]))
    tables = "\n".join(f.to_csv() for f in report.tables.values())
    for value in PLANTED:
        for where, text in (("html", html), ("xlsx", cells), ("tables", tables)):
            assert value.lower() not in text.lower(), (value, where)
        # parts of names too: every surname
        surname = value.split()[-1]
        if value in NAMES:
            assert surname not in html and surname not in cells


def test_seekers_appear_as_salted_pseudonyms(report: CohortReport) -> None:
    # one row per seeker would give back the seekers per group: private appendix only
    assert "seekers" not in report.tables
    seekers = report.private.frame
    assert list(seekers.columns) == [
        "seeker",
        "program",
        "applications",
        "followups",
        "responses",
        "interviews",
        "offers",
        "suppressed",
    ]
    expected = pseudonymise(pd.Series(NAMES), pseudonym_salt("fixed"))  # report's salt
    assert sorted(seekers["seeker"]) == sorted(expected)
    assert int(seekers["applications"].sum()) == 360  # 30 each: never suppressed


def test_person_breakdown_gets_pseudonymised_labels(log: JobSearchLog) -> None:
    report = cohort_report(log, by="adviser", min_cell=5, salt="s1")
    labels = report.tables["overview"]["adviser"].tolist()
    assert labels[0] == TOTAL and all(re.fullmatch(r"G-[0-9a-f]{8}", x) for x in labels[1:])
    # the same salt gives the same labels in any report
    expected = pseudonymise(pd.Series(ADVISERS), pseudonym_salt("s1"), prefix="G-")
    assert sorted(labels[1:]) == sorted(expected)
    assert report.group_labels_pseudonymised


def test_html_escapes_hostile_names(files: dict[str, Path]) -> None:
    html = files["html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;prog&#39;)&lt;/script&gt;" in html  # program
    assert "&lt;script&gt;alert(&#34;co&#34;)&lt;/script&gt;" in html  # company


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._in_style = tag == "style"
        self.refs += [
            (k, v or "")
            for k, v in attrs
            if k in ("src", "href", "srcset", "action", "data", "poster")
        ]

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_html_self_contained(files: dict[str, Path]) -> None:
    html = files["html"].read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(html)
    assert parser.refs, "the report has figures and a table of contents"
    for attr, value in parser.refs:
        assert (
            value.startswith("data:image/svg+xml;base64,")
            if attr == "src"
            else value.startswith("#")
        ), (attr, value[:60])
    assert "url(" not in parser.style and "@import" not in parser.style
    assert "@media print" in parser.style and "@media (max-width" in parser.style
    # http:// only occurs inside escaped text (the planted company name)
    for m in re.finditer(r"https?://|src=\"//", html):
        assert html[m.start() - 40 : m.start()].count("&#34;") >= 1, html[m.start() - 40 : m.end()]
    assert 'name="viewport"' in html


def test_workbook_cells_cannot_run(files: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(files["xlsx"])
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    seen.add(cell.value)
    for text in HOSTILE_COMPANIES[1:] + [PROGRAMS[1]]:
        assert "'" + text in seen, text


def test_workbook_layout(files: dict[str, Path], report: CohortReport) -> None:
    wb = openpyxl.load_workbook(files["xlsx"])
    assert wb.sheetnames[:2] == ["Read me", "Charts"]
    readme = wb["Read me"]
    assert readme["A2"].value == "Data as of"
    assert readme["B2"].value.date() == report.as_of.date()
    text = " ".join(str(c.value) for row in readme.iter_rows() for c in row if c.value)
    assert "Response" in text and "as an attacker would" in text
    ws = wb["Outcomes"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("0072B2")
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Program", "Outcome", "Counted per", "Out of", "With the outcome"]
    rate = ws.cell(2, header.index("Share") + 1)
    assert rate.number_format == "0.0%" and isinstance(rate.value, float)
    assert ws.cell(2, header.index("Out of") + 1).number_format == "#,##0"
    assert ws.column_dimensions["B"].width >= 8
    # one font family; hidden values are empty numbers, flagged beside, never text
    assert {c.font.name for w in wb for row in w.iter_rows() for c in row} == {"Arial"}
    flag = header.index("Hidden values")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    hidden = [r for r in rows if r[flag]]
    assert hidden, "the fixture should hide something"
    for r in rows:
        assert all(v is None or isinstance(v, int | float) for v in r[3:flag])
        assert (r[4] is None) == ("With the outcome" in (r[flag] or ""))
    # printed one page wide at a readable size
    assert ws.page_setup.scale >= 70 and ws.page_setup.orientation in ("portrait", "landscape")
    with zipfile.ZipFile(files["xlsx"]) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2 and "barChart>" in z.read(charts[0]).decode()


SETS = {
    "overview": (["seekers", "applications", "followups"], Additive(across=(((), "program"),))),
    "outcomes": (["n", "k"], Additive(across=((("outcome",), "program"),))),
    "funnel": (["n", "k"], Additive(across=((("stage",), "program"),))),
    "followup_timing": (
        ["n", "k"],
        Additive(across=((("timing",), "program"), (("program",), "timing"))),
    ),
    "followup_channel": (
        ["n", "k"],
        Additive(across=((("channel",), "program"), (("program",), "channel"))),
    ),
    "time_to_response": (
        ["n_responses", "n_censored"],
        Additive(across=(((), "program"),), within_row=(("n_responses", "n_censored"),)),
    ),
}


def test_suppressed_counts_cannot_be_recomputed_from_margins(
    log: JobSearchLog, report: CohortReport
) -> None:
    full = cohort_report(log, by="program", min_cell=1, salt="fixed").tables
    shown = report.tables
    n_hidden = 0
    for key, (counts, additive) in SETS.items():
        original = full[key].reset_index(drop=True)
        masked = shown[key].reset_index(drop=True)
        for c in counts:
            small = original[c].between(1, report.min_cell - 1)
            assert masked.loc[small, c].isna().all(), (key, c)
            n_hidden += int(masked[c].isna().sum())
        assert _recoverable(original, masked, counts, additive, report.min_cell) == [], key
        rate_cols = [c for c in ("rate", "ci_low", "ci_high") if c in masked]
        if rate_cols and "k" in masked:
            hidden_row = masked["n"].isna() | masked["k"].isna()
            assert masked.loc[hidden_row, rate_cols].isna().all().all(), key
    assert n_hidden > 0, "the fixture should exercise suppression"


def test_funnel_stage_counts_consistent(report: CohortReport) -> None:
    f = report.tables["funnel"]
    for _, g in f.groupby("program", sort=False):
        k_prev = g["k"].shift(1).iloc[1:].isna().to_numpy()
        n_next = g["n"].iloc[1:].isna().to_numpy()
        assert (k_prev == n_next).all()


def test_strategy_estimates_hidden_with_their_counts(report: CohortReport) -> None:
    s = report.tables["strategies"]
    assert len(s) and set(s["estimator"]) == {"within_seeker_odds_ratio"}
    any_hidden = s[["n_level", "k_level", "n_reference", "k_reference"]].isna().any(axis=1)
    assert s.loc[any_hidden, "estimate"].isna().all()
    assert s.loc[s["n_level"].isna() | s["n_reference"].isna(), "n"].isna().all()


def test_report_is_immutable_and_input_untouched(log: JobSearchLog, report: CohortReport) -> None:
    before = log.applications.copy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.min_cell = 1  # type: ignore[misc]
    t = report.tables["overview"]
    t.iloc[0, 1] = -1
    assert report.tables["overview"].iloc[0, 1] != -1
    cohort_report(log, by="program", min_cell=4)
    pd.testing.assert_frame_equal(log.applications, before)


def test_repr_html_is_a_fragment(report: CohortReport) -> None:
    frag = report._repr_html_()
    assert frag.lstrip().startswith("<style>") and "<html" not in frag
    assert "Cohort report by program" in frag and "Methods and definitions" in frag
    assert ">hidden<" in frag and "[c]" not in frag


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_cell": 0}, "min_cell must be an integer of at least 1"),
        ({"by": "nope"}, "by='nope' is not a column"),
    ],
)
def test_bad_arguments(log: JobSearchLog, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        cohort_report(log, **kwargs)


def test_empty_log_is_refused_clearly() -> None:
    events = pd.DataFrame(
        {
            "application_id": pd.Series([], dtype="string"),
            "date": pd.Series([], dtype="datetime64[s]"),
            "event": pd.Series([], dtype="string"),
        }
    )
    empty = JobSearchLog.from_frames(events, as_of="2026-01-01")
    with pytest.raises(ValueError, match="no applications"):
        cohort_report(empty)


def test_by_matches_headers_ignoring_case(log: JobSearchLog) -> None:
    assert resolve_by(log, "Program") == "program"
    assert resolve_by(log, " ADVISER ") == "adviser"
    assert resolve_by(log, None) is None
    with pytest.raises(ValueError, match="choose one of"):
        resolve_by(log, "programme")


def test_failed_write_keeps_previous_report(
    report: CohortReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = report.write({"html": tmp_path / "r.html", "xlsx": tmp_path / "r.xlsx"})
    before = [p.read_bytes() for p in old]
    real = Path.write_bytes

    def broken(self: Path, data: bytes) -> int:
        if self.suffix == ".tmpxlsx" or self.name.endswith(".tmp.xlsx"):
            real(self, data[: len(data) // 2])
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", broken)
    again = dataclasses.replace(report, run_id="second")
    with pytest.raises(OSError, match="disk full"):
        again.write({"html": tmp_path / "r.html", "xlsx": tmp_path / "r.xlsx"})
    # neither file of the pair changed (the HTML was complete, but its workbook was not)
    assert [p.read_bytes() for p in old] == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.xlsx"]


def test_pair_carries_one_run_id(report: CohortReport, files: dict[str, Path]) -> None:
    html = files["html"].read_text(encoding="utf-8")
    readme = openpyxl.load_workbook(files["xlsx"])["Read me"]
    run = next(r[1].value for r in readme.iter_rows() if r[0].value == "Run")
    assert run.startswith(f"run {report.run_id},") and run in html


def test_a_cohort_whose_responses_are_all_undated_gets_a_report(tmp_path: Path) -> None:
    """Statuses without reply dates (the usual hand-kept tracker): the time-to-response
    section has nothing to draw but the report is still made."""
    import warnings

    from followup_analytics import load

    folder = tmp_path / "cohort"
    folder.mkdir()
    for i in range(12):
        (folder / f"s{i:02d}.csv").write_text(
            "Company,Date Applied,Follow-up Date,Status\n"
            f"Acme {i},2026-03-02,2026-03-09,Rejected\nBeta,2026-03-04,,Offer\n",
            encoding="utf-8",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = load(folder, as_of="2026-04-30")
        result = cohort_report(log, salt="t")
    assert log.events["date"].isna().sum() == 24  # the responses: undated, never invented
    assert "time_to_response" in {t.key for t in result.sections}


def test_the_timing_table_says_its_shares_do_not_compare_timings(report: CohortReport) -> None:
    timing = next(t for t in report.sections if t.key == "followup_timing")
    assert "do not compare timings" in timing.description
    assert "not yet followed up on the same day" in timing.description
    others = [t for t in report.sections if t.key in ("followup_channel", "followup_letter_type")]
    assert others and all("do not compare timings" not in t.description for t in others)
