"""Bookkeeping of one load: which rows were loaded, set aside or quarantined, and what each
source records. Helpers of :mod:`followup_analytics.ingest.load`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .columns import ColumnMap
from .raw import RawTable


def n_distinct(rows: np.ndarray) -> int:
    """How many distinct row numbers; spreadsheet row numbers are small non-negative
    integers, counted with one boolean table instead of hashing."""
    if not len(rows):
        return 0
    if rows.dtype.kind in "iu" and rows.min() >= 0 and rows.max() <= 4 * len(rows) + 1024:
        seen = np.zeros(int(rows.max()) + 1, dtype=bool)
        seen[rows] = True
        return int(seen.sum())
    return int(pd.Series(rows).nunique())


_OUTCOME_FIELDS = frozenset(
    {
        "status",
        "event",
        "response_date",
        "interview_date",
        "rejection_date",
        "offer_date",
        "outcome_date",
    }
)


def records_outcomes(layout: str, cm: ColumnMap) -> bool:
    """Whether a table has any place for an employer response (a status, an outcome date,
    a stage mark, an event column); LinkedIn's export has none."""
    if layout in ("sankey", "stages"):
        return True
    if layout == "linkedin":
        return False
    return bool(_OUTCOME_FIELDS & cm.fields) or any(e != "applied" for _, e in cm.flags)


def original_cells(table: RawTable, quarantine: pd.DataFrame) -> pd.DataFrame:
    """The original cells of the quarantined rows of one table (file, sheet, row first)."""
    rows = pd.unique(quarantine["row"].dropna().to_numpy())
    rows = rows[np.isin(rows, table.frame.index.to_numpy())] if len(rows) else rows
    if not len(rows):
        return pd.DataFrame(columns=["file", "sheet", "row"])
    frame = table.frame.loc[rows]
    clash = {"file", "sheet", "row", "columns", "reasons"}
    out = frame.rename(columns={c: f"{c} (input)" for c in frame.columns if c in clash})
    out = out.reset_index()
    out.insert(0, "sheet", table.sheet)
    out.insert(0, "file", table.file)
    return out


def n_not_blank(dropped: pd.DataFrame) -> int:
    """Dropped rows that hold something (blank rows are listed but not counted)."""
    return int((dropped["reason"] != "blank row").sum()) if len(dropped) else 0


def stack_notes(tables: Sequence[RawTable]) -> list[str]:
    by_file: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for t in tables:
        if t.sheet is not None:
            by_file.setdefault((t.file, tuple(t.frame.columns)), []).append(t.sheet)
    return [
        f"{file}: sheets {sheets} have the same columns and were stacked"
        for (file, _), sheets in by_file.items()
        if len(sheets) > 1
    ]
