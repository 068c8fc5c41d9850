"""Excel rendering of a cohort report with openpyxl.

One workbook: a "Read me" sheet (title, as-of date, definitions, suppression rule, privacy,
sheet list), a "Charts" sheet with native bar charts of the main rates, then one sheet per
table with a styled, frozen header row, an autofilter, number and percent formats and column
widths. Every text cell is neutralised (:mod:`.safety`) so no cell can run as a formula.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ArgumentError
from .content import OUTCOME_LABELS
from .html import _CATEGORY_COLUMNS
from .labels import HIDDEN, category_label, column_label
from .methods import DEFINITIONS, PRIVACY, run_label, suppression_rule
from .safety import atomic_write, neutralise
from .suppression import TOTAL

if TYPE_CHECKING:
    from .content import Table
    from .report import CohortReport

#: One font family for every cell (LibreOffice maps Arial to a metric twin).
FONT = "Arial"
_HEAD_FILL = PatternFill("solid", fgColor="0072B2")
_HEAD_FONT = Font(name=FONT, size=10, bold=True, color="FFFFFF")
_TOTAL_FONT = Font(name=FONT, size=10, bold=True)
_BODY_FONT = Font(name=FONT, size=10)
_FLAG_FONT = Font(name=FONT, size=10, italic=True, color="6B6B6B")
#: Header of the column that flags a row's hidden values (the cells stay empty numbers).
FLAG = "Hidden values"
#: Printable width of a landscape A4 page, in column-width units at 100%.
_PAGE_UNITS = {"landscape": 105, "portrait": 70}
#: Smallest print scale (percent): 10-point text prints at 7 points.
MIN_SCALE = 70
_WRAP = Alignment(wrap_text=True, vertical="top")
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "0.00"
P_FORMAT = "0.0000"
_README_WIDTH = 72
_CHARTS_TEXT = (
    "Native bar charts of the main rates (suppressed rates are left blank); their "
    "data sit beside them."
)


def _format(table: Table, column: str) -> str | None:
    if column in table.counts:
        return COUNT_FORMAT
    base = column.replace("_ci_low", "").replace("_ci_high", "")
    if (
        column in table.percents
        or base in table.percents
        or column.startswith("rate")
        or (column in ("ci_low", "ci_high") and "rate" in table.frame.columns)
    ):
        return PERCENT_FORMAT
    if column in ("p_value", "q_value"):
        return P_FORMAT
    return None


def _plain(value: Any) -> object:
    """A cell value openpyxl can store: None for missing, Python scalars, safe text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        value = value.item()
    return neutralise(value) if isinstance(value, str) else value


def _one_font(ws: Worksheet) -> None:
    """Every cell in :data:`FONT` (size, weight and colour kept)."""
    for row in ws.iter_rows():
        for cell in row:
            f = cell.font
            if f.name != FONT:
                cell.font = Font(name=FONT, sz=f.sz, b=f.b, i=f.i, color=f.color)


def _sheet_name(key: str, used: set[str]) -> str:
    name = key.replace("_", " ").capitalize()[:31]
    while name in used:
        name = name[:29] + f"{len(used) % 100:02d}"
    used.add(name)
    return name


def _printable(ws: Worksheet, width: float, landscape: bool = True) -> None:
    """Print one page wide at a readable size: landscape when wide, scaled down only as
    far as the columns need (never below 70%: 7-point text), the header row repeated on
    every page.

    An explicit scale rather than "fit to one page wide": LibreOffice reads a fit height of
    0 as one page tall and prints whole sheets in 4-point text.
    """
    orientation = "landscape" if landscape else "portrait"
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = int(
        max(MIN_SCALE, min(100, 100 * _PAGE_UNITS[orientation] / max(width, 1)))
    )
    ws.page_margins.left = ws.page_margins.right = 0.5


def _widths(ws: Worksheet, lengths: list[int]) -> float:
    total = 0.0
    for j, n in enumerate(lengths, start=1):
        width = max(8, min(n + 2, 32))
        ws.column_dimensions[get_column_letter(j)].width = width
        total += width
    return total


def _table_sheet(ws: Worksheet, table: Table) -> None:
    """One table: plain headers, categories in words, counts and rates as numbers; a hidden
    value is an empty cell, flagged in the last column (never text in a number column)."""
    frame = table.frame
    columns = [c for c in frame.columns if c != "suppressed"]
    heads = [column_label(table.key, c) for c in columns]
    flagged = "suppressed" in frame
    ws.append([neutralise(h) for h in heads] + ([FLAG] if flagged else []))
    for cell in ws[1]:
        cell.fill, cell.font, cell.alignment = _HEAD_FILL, _HEAD_FONT, _WRAP
    formats = [_format(table, c) for c in columns]
    flags = (
        frame["suppressed"]
        .fillna("")
        .map(lambda s: ", ".join(column_label(table.key, c.strip()) for c in s.split(",") if c))
        if flagged
        else None
    )
    first = (
        frame.iloc[:, 0].astype("string").eq(TOTAL).fillna(False).to_numpy()
        if len(columns)
        else np.zeros(0, dtype=bool)
    )
    if first.all():
        first = np.zeros(len(frame), dtype=bool)  # only whole-cohort rows: none stands out
    lengths = [min(len(h), 16) for h in heads] + ([len(FLAG)] if flagged else [])
    category = [c in _CATEGORY_COLUMNS for c in columns]
    for i, rec in enumerate(frame[columns].itertuples(index=False, name=None)):
        values = [_plain(category_label(v) if category[j] else v) for j, v in enumerate(rec)]
        row = values + ([neutralise(flags.iloc[i]) or None] if flags is not None else [])
        ws.append(row)
        for j, cell in enumerate(ws[ws.max_row]):
            cell.font = _TOTAL_FONT if first[i] else _BODY_FONT
            if j < len(formats) and formats[j] and isinstance(values[j], int | float):
                cell.number_format = formats[j]
            if j == len(columns):
                cell.font = _FLAG_FONT
            shown = row[j]
            shown_width = (
                7 if isinstance(shown, float) else len(str(shown)) if shown is not None else 0
            )
            lengths[j] = max(lengths[j], shown_width)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    if len(columns):
        ws.auto_filter.ref = (
            f"A1:{get_column_letter(len(row if len(frame) else heads))}{max(ws.max_row, 1)}"
        )
    width = _widths(ws, lengths)
    _printable(ws, width, landscape=width > _PAGE_UNITS["portrait"])
    if width * MIN_SCALE / 100 > _PAGE_UNITS["landscape"] and len(columns) > 3:
        # still wider than a page: every page repeats the columns that say what a row is
        keys = sum(1 for c in columns if not pd.api.types.is_numeric_dtype(frame[c]))
        ws.print_title_cols = f"A:{get_column_letter(max(1, min(keys, 4)))}"


def _readme(ws: Worksheet, report: CohortReport, sheets: list[tuple[str, str]]) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = _README_WIDTH
    _printable(ws, 28 + _README_WIDTH, landscape=False)
    ws.append([neutralise(report.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Data as of", report.as_of.to_pydatetime()])
    ws["B2"].number_format = "yyyy-mm-dd"
    ws["B2"].alignment = Alignment(horizontal="left")
    ws.append(["Breakdown", neutralise(report.by) if report.by else "whole cohort only"])
    ws.append(["Minimum cell size", report.min_cell])
    ws["B4"].alignment = Alignment(horizontal="left")
    ws.append(["Run", run_label(report)])
    rows: list[tuple[str, str]] = [("", ""), ("Sheets", "")]
    rows += sheets
    rows += [("", ""), ("Definitions", "")] + list(DEFINITIONS)
    rows += [("", ""), ("Small counts", "")]
    rows += [("", line) for line in suppression_rule(report.min_cell)]
    rows += [("", ""), ("Privacy", "")] + [("", line) for line in PRIVACY]
    rows += [("", ""), ("Importer notes", "")] + [("", neutralise(n)) for n in report.notes]
    for term, text in rows:
        ws.append([neutralise(term), neutralise(text)])
        row = ws.max_row
        ws.cell(row, 2).alignment = _WRAP
        lines = max(1, -(-len(text) // (_README_WIDTH - 6)), -(-len(term) // 26))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines
        if term and not text:
            ws.cell(row, 1).font = Font(bold=True, size=12)
        elif term:
            ws.cell(row, 1).font = Font(bold=True)
            ws.cell(row, 1).alignment = _WRAP


def _chart_block(
    ws: Worksheet,
    top: int,
    title: str,
    frame: pd.DataFrame,
    label: str,
    series: list[str],
    anchor: str,
) -> int:
    """Write a small rate table at `top` and a bar chart of it; return the next free row."""
    ws.cell(top, 1, neutralise(title)).font = Font(bold=True)
    ws.cell(top + 1, 1, neutralise(label)).font = _TOTAL_FONT
    for j, name in enumerate(series, start=2):
        ws.cell(top + 1, j, neutralise(name)).font = _TOTAL_FONT
    for i, rec in enumerate(frame.itertuples(index=False, name=None), start=top + 2):
        ws.cell(i, 1, _plain(rec[0]))
        for j, v in enumerate(rec[1:], start=2):
            cell = ws.cell(i, j, _plain(v))
            cell.number_format = PERCENT_FORMAT
    last = top + 1 + len(frame)
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.title = "share"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.majorGridlines = None
    chart.height = max(7.5, 2.0 + 0.6 * len(frame) * max(1, len(series)) ** 0.5)
    chart.width = 16
    data = Reference(ws, min_col=2, max_col=1 + len(series), min_row=top + 1, max_row=last)
    cats = Reference(ws, min_col=1, min_row=top + 2, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    ws.add_chart(chart, anchor)
    return max(last + 2, top + int(chart.height * 2) + 2)


def _charts(ws: Worksheet, report: CohortReport) -> None:
    ws.column_dimensions["A"].width = 26
    for col in "BCD":
        ws.column_dimensions[col].width = 20
    _printable(ws, 26 + 3 * 20 + 40)
    outcomes = next(t for t in report.sections if t.key == "outcomes").frame
    by = outcomes.columns[0]
    wide = outcomes.pivot(index=by, columns="outcome", values="rate")
    wide = wide.reindex(columns=list(OUTCOME_LABELS))
    wide = wide.astype("Float64").reset_index()
    wide.columns = [by, *OUTCOME_LABELS.values()]
    row = 1
    whole = (
        wide.loc[wide[by].eq(TOTAL)]
        .melt(id_vars=by)
        .drop(columns=by)
        .rename(columns={"value": "rate"})
    )
    # a hidden rate has no bar: its label says so (an empty bar would read as 0)
    whole["variable"] = whole["variable"].where(
        whole["rate"].notna(), whole["variable"] + f" ({HIDDEN})"
    )
    row = _chart_block(
        ws, row, "Whole cohort: share with each outcome", whole, "outcome", ["rate"], f"E{row}"
    )
    if report.by is not None:
        keep = [OUTCOME_LABELS["response"], OUTCOME_LABELS["offer"]]
        groups = wide.loc[wide[by].ne(TOTAL), [by, *keep]]
        gone = groups[keep].isna().any(axis=1)
        groups[by] = groups[by].where(~gone, groups[by] + f" ({HIDDEN} in part)")
        _chart_block(
            ws, row, f"Response and offer rates by {report.by}", groups, report.by, keep, f"E{row}"
        )


def workbook_bytes(report: CohortReport) -> bytes:
    """The xlsx workbook of `report`, as bytes."""
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    used = {"Read me", "Charts"}
    charts = wb.create_sheet("Charts")
    sheets = []
    for table in (*report.sections, *report.quality):
        name = _sheet_name(table.key, used)
        _table_sheet(wb.create_sheet(name), table)
        sheets.append((name, f"{table.title}. {table.description}"))
    _readme(readme, report, [("Charts", _CHARTS_TEXT), *sheets])
    _charts(charts, report)
    for ws in wb.worksheets:
        _one_font(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_private(report: CohortReport, path: str | os.PathLike[str]) -> Path:
    """Write the per-seeker appendix as a workbook readable by its owner only (0600)."""
    if report.private is None:
        raise ArgumentError("this report has no per-seeker appendix to write")
    wb = Workbook()
    ws = wb.active
    ws.title = "Seekers (private)"
    _table_sheet(ws, report.private)
    return atomic_write(path, lambda p: wb.save(p), private=True)
