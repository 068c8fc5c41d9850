"""Stage flags: one column per stage ("Applied", "Phone screen", "1st Interview", "Offer" ...)
holding a flag (x, yes, ✓) or the date the stage was reached.

A dated cell is an event on that date. A flagged cell is an event whose date is unknown
(NaT, ``date_known=False``). A row with any dated or flagged stage is an application. The application date comes
from an application-date column, else from a dated "Applied" stage column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import vocab
from ...text import key
from ..columns import ColumnMap
from ..raw import RawTable
from ..values import flags
from ._common import (
    Collector,
    Context,
    Interpreted,
    carried,
    concat_events,
    events_frame,
    per_row,
    row_ids,
    seekers,
    text,
)
from .wide import APPLICATION_BASE, application_rows

#: Non-stage fields of the stage-flag layout.
STAGE_FIELDS = ("application_id", "seeker", "company", "role", "applied_on", "note")


def stage_columns(headers: list[str] | pd.Index) -> dict[str, str]:
    """Input header -> event for headers that name a stage (:data:`vocab.STAGE_FLAG_HEADERS`)."""
    table = {key(h): e for h, e in vocab.STAGE_FLAG_HEADERS.items()}
    return {h: table[key(h)] for h in headers if key(h) in table}


def interpret_stages(table: RawTable, cm: ColumnMap, ctx: Context) -> Interpreted:
    """Interpret a stage-flag table.

    Returns
    -------
    Interpreted
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_row, column``) and ``applications`` (``application_id, seeker,
        company, role, applied_on`` + carried columns).
    """
    f = table.frame
    col = Collector(table, ctx)
    stages = {
        h: e
        for h, e in stage_columns(f.columns).items()
        if h not in set(cm.matches["input_column"])
    }
    seeker_col = cm.column("seeker")
    seeker = seekers(table, seeker_col, ctx)
    app_id = row_ids(table, cm.column("application_id"), seeker, seeker_col)

    cells: dict[str, tuple[pd.Series, np.ndarray]] = {}
    for header in stages:
        flag = flags(f[header]).to_numpy(dtype=object)
        parsed = col.dates(header)
        is_flag = flag == True  # noqa: E712 - object array of True/False/None
        dated = parsed.dates.notna().to_numpy()
        neither = pd.isna(flag) & ~dated
        col.quarantine_rows(
            neither,
            header,
            "'" + f[header][neither].astype(str) + "' is neither a flag nor "
            "a date; rest of the row loaded",
        )
        cells[header] = (parsed.dates, is_flag & ~dated)

    applied_col = cm.column("applied_on")
    applied_stage = [h for h, e in stages.items() if e == "applied"]
    unusable = np.zeros(len(f), dtype=bool)
    staged_date = unusable
    if applied_col is not None:
        parsed = col.dates(applied_col)
        applied = parsed.dates
        unreadable = parsed.problem.notna().to_numpy()  # the row loads undated
        col.quarantine_rows(unreadable, applied_col, parsed.problem, "; rest of the row loaded")
        staged_date = unreadable
    else:
        applied = (
            cells[applied_stage[0]][0]
            if applied_stage
            else pd.Series(pd.NaT, index=f.index, dtype="datetime64[s]")
        )
        applied_col = applied_stage[0] if applied_stage else None
    # any dated or flagged stage makes the row an application, dated or not
    staged = np.zeros(len(f), dtype=bool)
    for d, flagged in cells.values():
        staged |= flagged | d.notna().to_numpy()
    names = [c for c in (cm.column("company"), cm.column("role")) if c]
    keep = application_rows(
        table,
        col,
        applied.notna().to_numpy() | staged_date,
        unusable,
        np.zeros(len(f), dtype=np.int8),
        staged,
        names,
        None,
    )

    note_col = cm.column("note")
    rows = per_row(table, applied, np.cumsum(keep) - 1)
    parts = [
        events_frame(
            rows,
            applied,
            "applied",
            keep,
            applied_col,
            note=text(f[note_col]) if note_col else None,
            date_known=applied.notna().to_numpy(),
        )
    ]
    for header, event in stages.items():
        dates, flagged = cells[header]
        if event == "applied":
            continue
        parts.append(events_frame(rows, dates, event, keep & dates.notna().to_numpy(), header))
        parts.append(events_frame(rows, dates, event, keep & flagged, header, date_known=False))
    events = concat_events(parts)
    col.notes.append(f"{col.where()}: stage columns {list(stages)}")

    mapped = set(cm.matches["input_column"]) | set(stages)
    unmapped = [c for c in f.columns if c not in mapped]
    apps = pd.DataFrame(
        {
            "application_id": app_id[keep].to_numpy(dtype=object),
            "seeker": seeker[keep].to_numpy(dtype=object),
            "company": (
                text(f[cm.column("company")])[keep].to_numpy(dtype=object)
                if cm.column("company")
                else None
            ),
            "role": (
                text(f[cm.column("role")])[keep].to_numpy(dtype=object)
                if cm.column("role")
                else None
            ),
            "applied_on": applied[keep].to_numpy(),
        }
    )
    apps = pd.concat([apps, carried(table, unmapped, keep, set(APPLICATION_BASE))], axis=1)
    return col.result(events, apps)
