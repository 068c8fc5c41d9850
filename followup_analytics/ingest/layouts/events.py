"""One row per event: an application key, a date, what happened, channel, type, recipient.

Rows are grouped into applications by the id column when there is one, else by (seeker,
company, role). A row without a date is an undated event (``date_known`` False). What happened is read through the status vocabulary; a row whose text means
"no event" ("Ghosted", "No response") is listed in ``report.dropped``; a row whose text is
outside the vocabulary is quarantined (there is no "other" event) and counted.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from ..columns import ColumnMap
from ..raw import RawTable
from ._common import (
    Collector,
    Context,
    Interpreted,
    carried,
    concat_events,
    events_frame,
    per_row,
    seekers,
    tag,
    text,
)
from .wide import APPLICATION_BASE

#: Fields of the event-log layout, in priority order.
EVENT_LOG_FIELDS = (
    "application_id",
    "seeker",
    "company",
    "role",
    "date",
    "event",
    "channel",
    "letter_type",
    "recipient",
    "note",
    "status",
)


def interpret_events(table: RawTable, cm: ColumnMap, ctx: Context) -> Interpreted:
    """Interpret an event log.

    Returns
    -------
    Interpreted
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_row, column``) and ``applications`` (``application_id, seeker,
        company, role, applied_on`` + carried columns, first non-empty value per
        application; ``applied_on`` is the earliest "applied" event).
    """
    f = table.frame
    n = len(f)
    col = Collector(table, ctx)
    seeker_col = cm.column("seeker")
    seeker = seekers(table, seeker_col, ctx)
    id_col = cm.column("application_id")
    company = text(f[cm.column("company")]) if cm.column("company") else None
    role = text(f[cm.column("role")]) if cm.column("role") else None
    if id_col is not None:
        key = text(f[id_col])
        key_cols = id_col
    else:
        parts = [s for s in (company, role) if s is not None]
        key = (
            parts[0].fillna("") + (" | " + parts[1].fillna("") if len(parts) > 1 else "")
            if parts
            else pd.Series(pd.NA, index=f.index, dtype="string")
        )
        key = key.mask(key.str.strip(" |").eq(""))
        key_cols = " + ".join(c for c in (cm.column("company"), cm.column("role")) if c)
    app_id = tag(table).split("[")[0] + ":" + seeker.astype("string") + ":" + key.astype("string")
    no_key = app_id.isna().to_numpy()
    col.quarantine_rows(
        no_key, key_cols or None, "no application key (an id column, or company and role)"
    )

    date_col = cast(str, cm.column("date"))  # checked by the caller: an event log has one
    event_col = cm.column("event") or cm.column("status")
    parsed = col.dates(date_col)
    event = col.vocab(event_col, "status", n)
    raw = text(f[event_col])
    ok = ~no_key
    # an event without a (readable) date is still an event: loaded undated; an unreadable
    # date cell is listed in the quarantine
    unreadable = ok & parsed.problem.notna().to_numpy()
    col.quarantine_rows(unreadable, date_col, parsed.problem, "; rest of the row loaded")
    ev = event.to_numpy(dtype=object)
    no_text = ok & raw.isna().to_numpy()
    col.quarantine_rows(no_text, event_col, "no event given")
    silent = ok & ~no_text & pd.isna(ev)
    col.drop_rows(silent, event_col, "'" + raw[silent] + "' means no event")
    other = ok & (ev == "other")
    col.quarantine_rows(
        other,
        event_col,
        "event '" + raw[other] + "' is not in the "
        "vocabulary; extend it with load(..., vocab={'status': {...}})",
    )
    ok &= ~no_text & ~silent & ~other

    codes, uniq = pd.factorize(app_id.to_numpy(dtype=object), use_na_sentinel=True)
    is_applied = ok & (ev == "applied")
    first = (
        pd.Series(parsed.dates.to_numpy()[is_applied])
        .groupby(codes[is_applied])
        .min()
        .reindex(range(len(uniq)))
        .to_numpy(dtype="datetime64[s]")
    )
    # code -1 (no application key) takes the padding at the end: NaT, position -1
    at = np.where(codes >= 0, codes, len(uniq))
    applied = pd.Series(np.append(first, np.datetime64("NaT", "s"))[at], index=f.index)
    with_events = np.bincount(codes[ok], minlength=len(uniq)) > 0
    pos_of_code = np.append(np.cumsum(with_events) - 1, -1)
    note_col = cm.column("note")
    events = concat_events(
        [
            events_frame(
                per_row(table, applied, pos_of_code[at]),
                parsed.dates,
                event,
                ok,
                date_col,
                date_known=parsed.dates.notna().to_numpy(),
                channel=col.vocab(cm.column("channel"), "channel", n),
                letter_type=col.vocab(cm.column("letter_type"), "letter_type", n),
                recipient=col.vocab(cm.column("recipient"), "recipient", n),
                note=text(f[note_col]) if note_col else None,
            )
        ]
    )

    keep = ~no_key
    mapped = set(cm.matches["input_column"])
    unmapped = [c for c in f.columns if c not in mapped]
    base = pd.DataFrame(
        {
            "application_id": app_id[keep].to_numpy(dtype=object),
            "seeker": seeker[keep].to_numpy(dtype=object),
            "company": company[keep].to_numpy(dtype=object) if company is not None else None,
            "role": role[keep].to_numpy(dtype=object) if role is not None else None,
        }
    )
    rows = pd.concat([base, carried(table, unmapped, keep, set(APPLICATION_BASE))], axis=1)
    apps = rows.groupby(codes[keep], sort=True).first()
    apps.insert(4, "applied_on", first[apps.index.to_numpy()])
    apps = apps[with_events[apps.index.to_numpy()]]
    n_missing = int(apps["applied_on"].isna().sum())
    if n_missing:
        col.notes.append(
            f"{col.where()}: {n_missing} application(s) have no 'applied' event "
            "(applied_on left empty)"
        )
    return col.result(events, apps.reset_index(drop=True))
