"""Stray quotes in hand-kept csv files: the swallowed lines come back as rows, each stray
quote is reported (file, row, column, reason), and real multi-line notes stay one cell."""

import csv
import io
import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_analytics import load
from followup_analytics.errors import LoadWarning
from followup_analytics.ingest._quotes import repair_stray_quotes
from followup_analytics.ingest.raw import Source
from followup_analytics.ingest.readers import read_source

HEADER = "Company,Date Applied,Status,Notes\n"


def _read(text: str, name: str = "t.csv"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        [table], _ = read_source(Source(name, io.BytesIO(text.encode())))
    return table, [str(w.message) for w in caught if issubclass(w.category, LoadWarning)]


def _stray_notes(table) -> list[str]:
    return [n for n in table.notes if "quote" in n]


def test_lines_swallowed_by_a_stray_quote_come_back_as_rows(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        HEADER
        + 'Acme,2026-03-01,Applied,"called them\n'  # the quote is never meant
        + "Beta,2026-03-02,Rejected,fine\n"
        + 'Cyan,2026-03-03,Applied,"ok\n'  # a second stray quote
        + 'Delta,2026-03-04,Applied,"line one\nline two"\n'
    )  # a real note
    with pytest.warns(
        LoadWarning,
        match=r"notes\.csv: row 2, column 'Notes': a quote "
        r"opening this cell is never closed on its line",
    ):
        log = load(str(path), as_of="2026-12-31")
    assert len(log.applications) == 4  # before: 2 of 4, the other two inside a Notes cell
    assert sorted(log.applications["company"]) == ["Acme", "Beta", "Cyan", "Delta"]
    notes = [n for n in log.report.notes if "stray quote" in n]
    assert notes == [
        f"{path}: row 2, column 'Notes': a quote opening this cell is never closed on its "
        "line (a stray quote): read as a literal quote, so the 2 lines it swallowed are "
        "read as rows (rows 3-4); check the file",
        f"{path}: row 4, column 'Notes': a quote opening this cell is never closed on its "
        "line (a stray quote): read as a literal quote, so the line it swallowed is read "
        "as a row (row 5); check the file",
    ]
    with pytest.warns(LoadWarning, match="stray quote"):
        [table], _ = read_source(Source(str(path), path))
    assert table.frame["Notes"].tolist() == ['"called them', "fine", '"ok', "line one\nline two"]
    assert table.frame.index.tolist() == [2, 3, 4, 5]


def test_a_real_multi_line_note_loads_as_one_cell_without_a_warning():
    text = (
        HEADER + 'Acme,2026-03-01,Applied,"Spoke with Ann, Bob and Carl\n'
        'then, they said, ok, fine"\n'  # as many commas as a row, but quoting is sound
        'Beta,2026-03-02,Rejected,"a ""quoted"" word\nand a second line" \n'
        "Cyan,2026-03-03,Applied,plain\n"
    )
    table, warned = _read(text)
    assert table.frame["Notes"].tolist() == [
        "Spoke with Ann, Bob and Carl\nthen, they said, ok, fine",
        'a "quoted" word\nand a second line ',
        "plain",
    ]
    assert table.frame.index.tolist() == [2, 3, 4]
    assert _stray_notes(table) == [] and warned == []


def test_a_stray_quote_on_the_last_line_loads_instead_of_failing():
    # the parser used to stop with "EOF inside string"
    table, warned = _read(
        HEADER + 'Acme,2026-03-01,Applied,ok\nBeta,2026-03-02,Rejected,"5 rounds\n'
    )
    assert table.frame["Notes"].tolist() == ["ok", '"5 rounds']
    assert _stray_notes(table) == [
        "row 3, column 'Notes': a quote opening this cell is never closed: read as a literal quote"
    ]
    assert len(warned) == 1


def test_a_note_left_open_at_the_end_keeps_its_lines():
    table, _ = _read(HEADER + 'Acme,2026-03-01,Applied,"first line\nsecond line\n')
    assert table.frame["Notes"].tolist() == ["first line\nsecond line"]
    assert _stray_notes(table) == [
        "row 2, column 'Notes': a quote opening this cell is "
        "never closed: the cell runs to the end of the file; "
        "check the file"
    ]


def test_a_stray_quote_in_a_middle_column_keeps_the_cells_after_it():
    text = (
        HEADER.replace("\n", "\r\n")
        + 'Acme,"Mar 1,Applied,called them\r\n'
        + "Beta,2026-03-02,Rejected,fine\r\n"
        + 'Cyan,2026-03-03,Applied,"Smith, Jones"\r\n'
    )  # its quote closed the stray
    table, _ = _read(text)
    assert table.frame.to_numpy().tolist() == [
        ["Acme", '"Mar 1', "Applied", "called them"],
        ["Beta", "2026-03-02", "Rejected", "fine"],
        ["Cyan", "2026-03-03", "Applied", "Smith, Jones"],
    ]
    [note] = _stray_notes(table)
    assert note.startswith("row 2, column 'Date Applied': ")


def test_valid_quoting_that_still_looks_like_swallowed_rows_is_reported():
    # quoting is sound (the second quote ends a field), so the reader cannot repair it
    table, warned = _read(
        HEADER + 'Acme,2026-03-01,Applied,"called them\n'
        'Beta,2026-03-02,Rejected,fine\nCyan,2026-03-03,Applied,ok"\n'
    )
    assert len(table.frame) == 1
    assert _stray_notes(table) == [
        "row 2, column 'Notes': a quoted cell holds 2 line(s) that look like rows (a stray "
        "quote?); check the file: those rows were not read as rows"
    ]
    assert len(warned) == 1


_cell = st.one_of(
    st.sampled_from(
        [
            "",
            "Acme",
            "a,b",
            "x\ny",
            '"q"',
            'say "hi"',
            "é £",
            "one\ntwo, three, four, five",
            " lead",
            "a\r\nb",
        ]
    ),
    st.text(alphabet='ab,;"\n ', max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(st.lists(_cell, min_size=4, max_size=4), min_size=1, max_size=15),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_valid_csv_is_never_repaired(body, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
        [["Company", "Status", "Date", "Notes"], *body]
    )
    text = out.getvalue()
    assert repair_stray_quotes(text, delimiter, 4) == (text, [])


_plain = st.text(alphabet="abc 12-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(st.lists(_plain, min_size=4, max_size=4), min_size=2, max_size=15),
    where=st.tuples(st.integers(0, 100), st.integers(0, 3)),
)
def test_every_row_comes_back_after_one_stray_quote(body, where):
    row, col = where[0] % len(body), where[1]
    body[row][col] = '"' + body[row][col]
    text = "\n".join(",".join(r) for r in [["Company", "Status", "Date", "Notes"], *body])
    fixed, strays = repair_stray_quotes(text + "\n", ",", 4)
    got = list(csv.reader(io.StringIO(fixed)))[1:]
    assert got == body
    assert [(s.record, s.column) for s in strays] == [(row + 2, col)]
    assert re.search(r"never closed", strays[0].reason())
