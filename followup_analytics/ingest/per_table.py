"""One table interpreted and accounted for: its events and applications, and every row
of the LoadReport it contributes (sources, mapping, quarantine, dropped, unmapped columns).

:func:`interpret_table` is the per-table step of :func:`~followup_analytics.ingest.load.load`;
:func:`unique_ids` and :func:`set_aside_copies` then look across the tables of one load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from ..loadreport import ROW_COLUMNS
from .accounting import n_distinct, n_not_blank, original_cells, records_outcomes
from .columns import ColumnMap
from .layouts import Context, Interpreted, detect_layout, interpret
from .merge import copy_sheets
from .profile import profile_frame
from .raw import RawTable
from .stacking import part_sources, stack_note, unstack

_MIN_YEAR = 1990


@dataclass
class TableResult:
    """What one table gives the load: canonical rows and its share of the LoadReport.

    ``events`` point at ``apps`` by position (``app_pos``); ``source`` is its
    ``report.sources`` row (a frame of one row per file for a table read from several
    files); ``found`` holds the user-mapping headers the table matched.
    """

    events: pd.DataFrame
    apps: pd.DataFrame
    quarantine: pd.DataFrame
    dropped: pd.DataFrame
    cells: pd.DataFrame
    unknown: pd.DataFrame
    mapping: pd.DataFrame
    unmapped: pd.DataFrame
    source: dict[str, object] | pd.DataFrame
    notes: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    found: set[str] = field(default_factory=set)


def interpret_table(table: RawTable, layout: str, ctx: Context, ref: pd.Timestamp) -> TableResult:
    """Detect the layout of one table (unless given), interpret it and check its dates.

    Parameters
    ----------
    table : RawTable
    layout : str
        ``"auto"`` or the layout the caller forces.
    ctx : Context
        The load's seeker, vocabularies, mapping and day/month choice.
    ref : Timestamp
        The load's reference day: dates more than a year after it are quarantined.
    """
    profiles = profile_frame(table.frame)
    lay, why = (
        (layout, "layout given by the caller")
        if layout != "auto"
        else detect_layout(table, ctx.mapping, profiles)
    )
    part, cm = interpret(table, lay, ctx, profiles)
    ev, ap, q = check_dates(
        part.events, part.applications, table, ref, ref + pd.DateOffset(years=1)
    )
    quarantine = pd.concat([part.quarantine, q], ignore_index=True)
    dropped = pd.concat(
        [table.dropped.reindex(columns=ROW_COLUMNS), part.dropped], ignore_index=True
    )
    where = table.file + (f" [{table.sheet}]" if table.sheet else "")
    result = TableResult(
        events=ev.drop(columns=["applied_on"]),
        apps=ap,
        quarantine=quarantine,
        dropped=dropped,
        cells=original_cells(table, quarantine),
        unknown=part.unknown,
        mapping=cm.labels(),
        unmapped=pd.DataFrame({"column": _unmapped(table, cm)}),
        source={},
        notes=[n if n.startswith(table.file) else f"{where}: {n}" for n in table.notes]
        + part.notes,
        ambiguous=list(part.ambiguous),
        found=set(ctx.mapping or {}) - set(cm.missing),
    )
    _account(result, table, part, cm, lay, why)
    return result


def _unmapped(table: RawTable, cm: ColumnMap) -> list[str]:
    """Input columns the column map neither matched nor read as stage flags."""
    matched, flagged = set(cm.matches["input_column"]), dict(cm.flags)
    return [c for c in table.frame.columns if c not in matched and c not in flagged]


def _account(
    result: TableResult, table: RawTable, part: Interpreted, cm: ColumnMap, lay: str, why: str
) -> None:
    """Fill the table's ``report.sources`` row(s) and give every report row its file and
    row (each file's own for a table read from several files)."""
    loaded = result.events["source_row"].to_numpy()
    q_rows = pd.unique(result.quarantine["row"].dropna().to_numpy())
    files = table.parts.files if table.parts is not None else (table.file,)
    if table.parts is not None:  # one table read from several files: one row per file
        result.notes.append(stack_note(table))
        result.source = part_sources(
            table, table.parts, loaded, q_rows, result.dropped, lay, why, cm
        )
        for name in ("quarantine", "dropped", "cells"):
            setattr(result, name, unstack(getattr(result, name), table.parts))
    else:
        partly = int(np.isin(q_rows, loaded).sum()) if len(q_rows) else 0
        result.source = {
            "file": table.file,
            "sheet": table.sheet,
            "status": "loaded",
            "layout": lay,
            "header_row": table.header_row,
            "n_rows": len(table.frame) + n_not_blank(table.dropped),
            "n_loaded": n_distinct(loaded),
            "n_quarantined": len(q_rows) - partly,
            "n_dropped": n_not_blank(result.dropped),
            "n_partly_quarantined": partly,
            "records_outcomes": records_outcomes(lay, cm),
            "reason": why,
        }
    result.mapping = _per_file(result.mapping, files, table.sheet)
    result.unmapped = _per_file(result.unmapped, files, table.sheet)[["file", "sheet", "column"]]


def _per_file(frame: pd.DataFrame, files: Sequence[str], sheet: str | None) -> pd.DataFrame:
    """`frame` repeated for each file, with ``file`` and ``sheet`` added."""
    if len(files) == 1:
        return frame.assign(file=files[0], sheet=sheet)
    out = frame.iloc[np.tile(np.arange(len(frame)), len(files))].reset_index(drop=True)
    return out.assign(file=np.repeat(np.asarray(files, dtype=object), len(frame)), sheet=sheet)


def unique_ids(results: Sequence[TableResult]) -> None:
    """Prefix a table's application ids with its position when they clash with an earlier
    table's (in place; checked in O(rows), not O(ids seen))."""
    if len(results) < 2:
        return
    seen: set[str] = set()
    for i, r in enumerate(results):
        ap = r.apps
        if seen and not seen.isdisjoint(ap["application_id"]):
            ap["application_id"] = f"{i + 1}:" + ap["application_id"].astype(object)
        seen |= set(ap["application_id"].dropna())


def set_aside_copies(tables: Sequence[RawTable], results: Sequence[TableResult]) -> None:
    """A cleaned copy of an earlier sheet of the same file: its rows move to ``dropped``
    and are not counted (in place)."""
    copies = copy_sheets(
        [t.file for t in tables], [t.sheet for t in tables], [r.apps for r in results]
    )
    for i, why in copies.items():
        r, table = results[i], tables[i]
        rows = pd.unique(r.events["source_row"].to_numpy())
        r.dropped = pd.concat(
            [
                r.dropped,
                pd.DataFrame(
                    {
                        "file": table.file,
                        "sheet": table.sheet,
                        "row": rows,
                        "column": None,
                        "reason": why,
                    }
                ),
            ],
            ignore_index=True,
        )
        r.events, r.apps = r.events.iloc[0:0], r.apps.iloc[0:0]
        row = r.source
        assert isinstance(row, dict)  # a sheet's: never a table read from several files
        row |= {"n_loaded": 0, "n_dropped": cast(int, row["n_dropped"]) + len(rows), "reason": why}


def check_dates(
    events: pd.DataFrame,
    apps: pd.DataFrame,
    table: RawTable,
    ref: pd.Timestamp,
    limit: pd.Timestamp,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Quarantine implausible dates and events dated before their application."""
    if not len(events):
        return events.copy(), apps.iloc[0:0].copy(), pd.DataFrame(columns=ROW_COLUMNS)
    ev = events
    d = ev["date"].to_numpy(dtype="datetime64[s]")
    a = ev["applied_on"].to_numpy(dtype="datetime64[s]")
    is_applied = ev["event"].cat.codes.to_numpy() == ev["event"].cat.categories.get_loc("applied")
    early = d < np.datetime64(f"{_MIN_YEAR}-01-01", "s")
    late = d > np.datetime64(limit.date(), "s")
    before = (d < a) & ~is_applied & ev["date_known"].to_numpy(dtype=bool) & ~early & ~late
    bad = early | late | before
    if not bad.any():
        return events, apps, pd.DataFrame(columns=ROW_COLUMNS)
    date = pd.Series(d, index=ev.index)
    applied_on = pd.Series(a, index=ev.index)
    reason = pd.Series(None, index=ev.index, dtype=object)
    reason[early] = "year " + date[early].dt.year.astype(str) + f" is before {_MIN_YEAR}"
    reason[late] = (
        "date "
        + date[late].dt.strftime("%Y-%m-%d")
        + f" is more than a year after as_of ({ref.date()})"
    )
    reason[before] = (
        ev.loc[before, "event"].astype(str)
        + " dated "
        + date[before].dt.strftime("%Y-%m-%d")
        + ", before its application ("
        + applied_on[before].dt.strftime("%Y-%m-%d")
        + ")"
    )
    pos = ev["app_pos"].to_numpy()
    bad_apps = np.zeros(len(apps), dtype=bool)
    bad_apps[pos[bad & is_applied]] = True
    whole = bad_apps[pos]
    reason[bad & ~is_applied] += "; rest of the row loaded"
    headers = np.array(list(table.frame.columns) + [None], dtype=object)
    undated = whole & ~bad  # events of an application whose date was unusable
    reason[undated] = "its application's date is unusable"
    out = bad | undated
    q = pd.DataFrame(
        {
            "file": table.file,
            "sheet": table.sheet,
            "row": ev.loc[out, "source_row"].to_numpy(),
            "column": headers[ev.loc[out, "column"].to_numpy()],
            "reason": reason[out].to_numpy(),
        },
        columns=ROW_COLUMNS,
    )
    ev = ev[~out].reset_index(drop=True)
    if bad_apps.any():
        ev["app_pos"] = (np.cumsum(~bad_apps) - 1)[ev["app_pos"].to_numpy()]
        apps = apps[~bad_apps].reset_index(drop=True)
    return ev, apps, q
