"""Header finding and row trimming on hand-made grids (no files involved)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_analytics.ingest.raw import RawTable, SkippedSheet
from followup_analytics.ingest.tables import (
    column_letter,
    is_known_header,
    known_headers,
    table_from_frame,
    table_from_grid,
)

KNOWN = known_headers()


def grid(rows: list[list], first_row: int = 1, first_col: int = 0) -> pd.DataFrame:
    """Cells as a reader hands them over: object cells, spreadsheet row numbers."""
    width = max(len(r) for r in rows)
    cells = np.empty((len(rows), width), dtype=object)
    cells[:] = [list(r) + [None] * (width - len(r)) for r in rows]
    return pd.DataFrame(
        cells,
        index=pd.RangeIndex(first_row, first_row + len(rows)),
        columns=pd.RangeIndex(first_col, first_col + width),
        dtype=object,
    )


def read(rows, **kw) -> RawTable | SkippedSheet:
    return table_from_grid(
        grid(rows, **kw.pop("at", {})),
        file="f.xlsx",
        sheet=kw.pop("sheet", "Apps"),
        known=kw.pop("known", KNOWN),
        **kw,
    )


def test_header_below_title_and_blank_rows():
    t = read(
        [
            ["Job search tracker"],
            [None],
            ["", "as of June"],
            [],
            ["Company", "Date Applied", "Status"],
            ["Acme", "2026-01-05", "Applied"],
        ]
    )
    assert t.header_row == 5
    assert list(t.frame.columns) == ["Company", "Date Applied", "Status"]
    assert t.frame.index.tolist() == [6] and t.frame.index.name == "row"
    assert any("title rows above it skipped (row 1, 3)" in n for n in t.notes)


def test_row_numbers_follow_the_sheet_offset_and_columns_keep_letters():
    t = read(
        [["Company", "", "Date Applied"], ["Acme", 7, "2026-01-05"]],
        at={"first_row": 4, "first_col": 2},
    )
    assert t.header_row == 4
    assert list(t.frame.columns) == ["Company", "Unnamed: D", "Date Applied"]
    assert t.frame.index.tolist() == [5]


def test_blank_totals_footnote_and_repeated_header_rows_are_dropped_with_their_rows():
    t = read(
        [
            ["Company", "Date Applied", "Status", "Follow-ups"],  # 1
            ["Acme", "2026-01-05", "Applied", 1],  # 2
            [None, "", None, None],  # 3 blank
            ["Company", "Date Applied", "Status", "Follow-ups"],  # 4 repeated header
            ["Beta", "2026-01-06", "Rejected", 2],  # 5
            ["TOTAL:", None, None, "3"],  # 6 totals
            ["Grand total", "", "", 3.0],  # 7 totals
            [None, "* figures as of June"],  # 8 footnote
            ["Source: my inbox"],  # 9 footnote
            [None, None, None, None, "kept by hand"],  # 10 footnote
            ["Copied from my notebook last week"],
        ]
    )  # 11 footnote
    assert t.frame.index.tolist() == [2, 5]
    assert list(t.frame.columns) == ["Company", "Date Applied", "Status", "Follow-ups"]
    assert t.dropped[["row", "reason"]].values.tolist() == [
        [3, "blank row"],
        [4, "repeated header"],
        [6, "totals row"],
        [7, "totals row"],
        [8, "footnote"],
        [9, "footnote"],
        [10, "footnote"],
        [11, "footnote"],
    ]
    assert (t.dropped["file"] == "f.xlsx").all() and (t.dropped["sheet"] == "Apps").all()
    assert t.dropped["column"].isna().all()


def test_rows_that_only_look_like_totals_stay():
    t = read(
        [
            ["Company", "Status", "Note"],
            ["Total", "Applied", "a company really named Total"],
            ["Sum Labs", "Rejected", None],
            ["Count", "12", "x"],
        ]
    )
    assert t.frame.index.tolist() == [2, 3, 4]
    assert t.dropped.empty


def test_long_totals_label_at_the_bottom():
    t = read(
        [
            ["Company", "Status", "Follow-ups"],
            ["Acme", "Applied", 2],
            ["Total applications", None, 2],
        ]
    )
    assert t.dropped["reason"].tolist() == ["totals row"]


def test_marked_note_inside_the_data_is_a_footnote_but_a_lone_value_is_kept():
    t = read(
        [
            ["Company", "Status"],
            ["Acme", "Applied"],
            ["* called twice"],
            ["Beta"],
            ["Gamma", "Applied"],
            ["Delta Ltd"],
        ]
    )
    assert t.frame.index.tolist() == [2, 4, 5, 6]
    assert t.dropped[["row", "reason"]].values.tolist() == [[3, "footnote"]]


def test_empty_cells_become_none_and_headerless_empty_columns_go():
    t = read(
        [
            ["Company", None, "Status", "", None],
            ["Acme", "", "Applied", None, ""],
            ["Beta", None, "", None, "late"],
        ]
    )
    assert list(t.frame.columns) == ["Company", "Status", "Unnamed: E"]
    assert t.frame.loc[3, "Status"] is None and t.frame.loc[2, "Unnamed: E"] is None
    assert t.frame.dtypes.eq(object).all()


def test_repeated_and_odd_header_cells():
    t = read([["Company", "company ", 2026.0, "Status", "Company"], ["a", "b", "c", "d", "e"]])
    assert list(t.frame.columns) == ["Company", "company", "2026", "Status", "Company (2)"]


def test_ordinal_and_user_headers_are_recognised():
    assert is_known_header("Follow-up #2 Date", KNOWN)
    assert is_known_header("2nd follow up channel", KNOWN)
    assert not is_known_header("Favourite colour", KNOWN)
    assert is_known_header("Favourite colour", known_headers(["favourite COLOUR"]))
    t = read([["Boss", "Mood"], ["x", "y"]], known=known_headers(["Boss", "Mood"]))
    assert t.header_row == 1


def test_summary_pivot_and_notes_sheets_are_skipped_with_a_reason():
    summary = read(
        [["Summary"], ["Metric", "Value"], ["Applications", 40], ["Offers", 2]], sheet="Summary"
    )
    pivot = read(
        [
            ["Count of Company", "Column Labels"],
            ["Row Labels", "Applied", "Offer"],
            ["Acme", 1, 0],
            ["Grand Total", 1, 0],
        ],
        sheet="Sheet3",
    )
    notes = read([["Remember to follow up within a week"], ["Use a thank-you note"]], sheet="Notes")
    assert isinstance(summary, SkippedSheet) and "no header row" in summary.reason
    assert isinstance(pivot, SkippedSheet) and "pivot table" in pivot.reason
    assert "'Count of Company'" in pivot.reason
    assert isinstance(notes, SkippedSheet) and notes.sheet == "Notes"


def test_unrecognised_text_header_above_data_is_accepted():
    t = read(
        [
            ["Outfit", "Position wanted", "Wann", "Bescheid"],
            ["Acme", "Analyst", "2026-01-05", "abgelehnt"],
            ["Beta", "Clerk", "2026-01-06", None],
        ]
    )
    assert t.header_row == 1 and any("text headers above rows of data" in n for n in t.notes)
    text_only = read(
        [["Idea", "Who", "Why"], ["ask", "me", "because"], ["call", "you", "so"]], sheet="Sheet2"
    )
    assert isinstance(text_only, SkippedSheet)


def test_empty_and_header_only_sheets():
    assert read([[None, ""], [None]]).reason == "empty sheet"
    only = read([["Company", "Date Applied"], [None, None]])
    assert isinstance(only, SkippedSheet) and only.reason.startswith("header only")
    empty = table_from_grid(pd.DataFrame(), file="f", sheet="S", known=KNOWN)
    assert empty.reason == "empty sheet"


def test_header_far_down_is_found():
    rows = [[None]] * 450 + [["Company", "Status"], ["Acme", "Applied"]]
    assert read(rows).header_row == 451


def test_frame_source_numbers_rows_from_two_and_is_not_mutated():
    df = pd.DataFrame(
        {
            "Company": ["Acme", None, "Total"],
            "Date Applied": [pd.Timestamp("2026-01-05"), pd.NaT, None],
            "n": [1.0, np.nan, 1.0],
        }
    )
    before = df.copy()
    t = table_from_frame(df, file="<DataFrame 1>")
    pd.testing.assert_frame_equal(df, before)
    assert t.header_row == 1 and t.sheet is None
    assert t.frame.index.tolist() == [2]
    assert t.dropped[["row", "reason"]].values.tolist() == [[3, "blank row"], [4, "totals row"]]
    assert isinstance(t.frame.loc[2, "Date Applied"], pd.Timestamp)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


_cell = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["Acme", "Total", "x", "* note"]),
    st.integers(0, 9),
    st.sampled_from(["Company", "Status"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=25))
def test_every_non_blank_row_below_the_header_is_kept_or_dropped(body):
    rows = [["Company", "Status", "Date Applied"], *body]
    t = read(rows)
    if isinstance(t, SkippedSheet):
        assert t.reason.startswith("header only")
        assert all(all(c in (None, "") for c in r) for r in body)
        return
    kept, dropped = set(t.frame.index), set(t.dropped["row"])
    assert not kept & dropped
    assert kept | dropped == set(range(2, len(rows) + 1))
    blank = {i + 2 for i, r in enumerate(body) if all(c in (None, "") for c in r)}
    assert set(t.dropped.loc[t.dropped["reason"] == "blank row", "row"]) == blank


def test_a_data_row_full_of_header_words_does_not_beat_the_header():
    # "applied" and "email" are header synonyms, but the row also holds a date
    t = read(
        [
            ["Company", "Event", "Channel"],
            ["Acme", "applied", "email", 45000.0],
            ["Beta", "applied", "email", 45001.0],
        ]
    )
    assert t.header_row == 1
    later = read(
        [
            ["Tracker"],
            ["Applied", "Email", 45000.0],
            ["Company", "Status", "When"],
            ["Acme", "Applied", 45001.0],
        ]
    )
    assert later.header_row == 3


def test_pivot_words_in_a_title_do_not_hide_a_data_table():
    t = read(
        [
            ["Count of applications: 2"],
            ["Company", "Status", "Values"],
            ["Acme", "Applied", "curious"],
            ["Beta", "Offer", None],
        ]
    )
    assert t.header_row == 2 and t.frame.index.tolist() == [3, 4]
    tabular_pivot = read(
        [["Status", "Count of Company"], ["Applied", 3], ["Offer", 1]], sheet="Sheet2"
    )
    assert "pivot table" in tabular_pivot.reason


def test_a_table_whose_only_row_repeats_the_header_is_dropped_not_a_crash():
    # Found by hypothesis: no live row left for the totals check.
    t = read([["Company", "Status", "Date Applied"], ["Company", "Status", None]])
    assert len(t.frame) == 0
    assert t.dropped[["row", "reason"]].values.tolist() == [[2, "repeated header"]]
