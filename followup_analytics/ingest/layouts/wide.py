"""One row per application: wide trackers, tracker exports (Huntr, Teal ...) and LinkedIn.

A row gives the application date and, optionally, follow-ups (repeated groups "Follow-up 2
Date/Channel/Type/To"), a response date, interview dates, rejection and offer dates, and a
status/outcome column. Every dated cell becomes an event; the status adds the event it names
unless a dated column already gave that event, so a final "Rejected" never erases an earlier
interview. A status without a date of its own is dated at the outcome-date column when there
is one, else at the row's latest known date with ``date_known=False``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...log import CATEGORIES
from ..columns import ColumnMap
from ..raw import RawTable
from ._common import (
    Collector,
    Context,
    Interpreted,
    carried,
    concat_events,
    events_frame,
    kept,
    per_row,
    row_ids,
    seekers,
    strings,
    text,
)

#: Fields of the wide layout, in priority order for headers that fit several.
WIDE_FIELDS = ("application_id", "seeker", "company", "role", "applied_on", "status",
               "followup_date", "followup_channel", "followup_type", "followup_recipient",
               "response_date", "interview_date", "rejection_date", "offer_date",
               "outcome_date", "note")
LINKEDIN_FIELDS = ("applied_on", "company", "role")
_DATED = (("response_date", "reply"), ("rejection_date", "rejection"),
          ("offer_date", "offer"))
_STATUS_EVENTS = ("followup", "reply", "interview", "rejection", "offer", "accepted",
                  "declined", "withdrawn")
APPLICATION_BASE = ["application_id", "seeker", "company", "role", "applied_on"]


def interpret_wide(table: RawTable, cm: ColumnMap, ctx: Context) -> Interpreted:
    """Interpret a one-row-per-application table (wide, tracker or LinkedIn layout).

    Returns
    -------
    Interpreted
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_row, column``), ``applications`` (``application_id, seeker,
        company, role, applied_on`` + carried columns), quarantine, unknown values, notes.
    """
    f = table.frame
    n = len(f)
    col = Collector(table, ctx)
    seeker_col = cm.column("seeker")
    seeker = seekers(table, seeker_col, ctx)
    app_id = row_ids(table, cm.column("application_id"), seeker, seeker_col)
    nat = pd.Series(pd.NaT, index=f.index, dtype="datetime64[s]")

    applied_col = cm.column("applied_on")
    if applied_col is None:
        keep = np.zeros(n, dtype=bool)
        col.quarantine_rows(~keep, None, "no application-date column found; name one with "
                            "load(..., mapping={'<header>': 'applied_on'})")
        applied = nat
    else:
        parsed = col.dates(applied_col)
        applied = parsed.dates
        keep = applied.notna().to_numpy()
        if not keep.all():
            col.quarantine_rows(~keep, applied_col,
                                parsed.problem[~keep].fillna("no application date"))
    note_col = cm.column("note")
    note = text(f[note_col]) if note_col else None
    rows = per_row(table, applied)  # NaT exactly where the row is not kept
    parts = [events_frame(rows, applied, "applied", keep, applied_col, note=note)]
    has: dict[str, np.ndarray] = {}
    known: list[pd.Series | np.ndarray] = [applied]
    all_kept = bool(keep.all())

    def add_dated(column: str, event: str, **extra: pd.Series | None) -> None:
        parsed = col.dates(column)
        ok = keep & parsed.dates.notna().to_numpy()
        bad = keep & parsed.problem.notna().to_numpy()
        col.quarantine_rows(bad, column, parsed.problem,
                            "; rest of the row loaded")
        parts.append(events_frame(rows, parsed.dates, event, ok, column, **extra))
        has[event] = has.get(event, np.zeros(n, dtype=bool)) | ok
        known.append(parsed.dates if all_kept  # then `ok` is where the date is known
                     else np.where(ok, parsed.dates.to_numpy(dtype="datetime64[s]"),
                                   np.datetime64("NaT", "s")))

    fu = cm.groups("followup_date")
    chans, types, recips = (cm.groups("followup_channel"), cm.groups("followup_type"),
                            cm.groups("followup_recipient"))
    for g, date_col in sorted(fu.items()):
        add_dated(date_col, "followup",
                  channel=col.vocab(chans.get(g), "channel", n),
                  letter_type=col.vocab(types.get(g), "letter_type", n),
                  recipient=col.vocab(recips.get(g), "recipient", n))
    orphan = sorted((set(chans) | set(types) | set(recips)) - set(fu))
    if orphan:
        col.notes.append(f"{col.where()}: follow-up details without a follow-up date column "
                         f"(groups {orphan}) are carried along, not loaded as events")
    for _g, date_col in sorted(cm.groups("interview_date").items()):
        add_dated(date_col, "interview")
    for name, event in _DATED:
        if cm.column(name):
            add_dated(cm.column(name), event)
    _status_events(table, cm, col, rows, keep, has, known, parts)

    events = concat_events(_drop_echoed_replies(parts, table, cm.column("response_date")))
    mapped = set(cm.matches["input_column"])
    unmapped = [c for c in f.columns if c not in mapped]
    apps = pd.DataFrame({
        "application_id": kept(app_id, keep),
        "seeker": kept(seeker, keep),
        "company": _opt_text(f, cm.column("company"), keep),
        "role": _opt_text(f, cm.column("role"), keep),
        "applied_on": kept(applied, keep),
    })
    apps = pd.concat([apps, carried(table, unmapped, keep, set(APPLICATION_BASE))], axis=1)
    return col.result(events, apps)


def _drop_echoed_replies(parts: list[dict[str, np.ndarray]], table: RawTable,
                         response_col: str | None) -> list[dict[str, np.ndarray]]:
    """Drop the reply taken from a "Response Date" cell when the same application has an
    interview, rejection or offer (from any column or the status) dated that same day.

    A wide tracker's response date records the first employer contact; when that contact was
    the interview invitation or the rejection, it is that event, not an extra reply. Works on
    the :func:`events_frame` parts before they are concatenated, matching (application
    position, day) pairs packed into one integer, so only the reply part is copied.
    """
    if response_col is None:
        return parts
    cats = CATEGORIES["event"].categories
    reply = cats.get_loc("reply")
    outcomes = [cats.get_loc(e) for e in ("interview", "rejection", "offer")]
    col = list(table.frame.columns).index(response_col)

    def packed(p: dict[str, np.ndarray], m: np.ndarray) -> np.ndarray:
        days = p["date"][m].astype("datetime64[D]").view(np.int64)
        return (p["rows"].app_pos.take(p["at"][m]).astype(np.int64) << 32) + days

    other = [packed(p, m) for p in parts
             if (m := np.isin(p["event"], outcomes) & p["date_known"].astype(bool)).any()]
    if not other:
        return parts
    targets = np.unique(np.concatenate(other))
    out = []
    for p in parts:
        echo = (p["event"] == reply) & (p["column"] == col)
        if echo.any():
            keys = packed(p, echo)
            at = np.minimum(np.searchsorted(targets, keys), len(targets) - 1)
            echo[echo] = targets[at] == keys
        if echo.any():
            keep = ~echo
            p = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in p.items()}
        out.append(p)
    return out


def _opt_text(f: pd.DataFrame, column: str | None, keep: np.ndarray) -> object:
    return kept(strings(f[column]), keep) if column else None


def _latest(dates: list[pd.Series | np.ndarray], index: pd.Index) -> pd.Series:
    """Row-wise latest date; NaT sorts below every date as int64, so it is ignored."""
    ints = [np.asarray(d, dtype="datetime64[s]").view(np.int64) for d in dates]
    out = ints[0].copy()
    for d in ints[1:]:
        np.maximum(out, d, out=out)
    return pd.Series(out.view("datetime64[s]"), index=index)


def _status_events(table: RawTable, cm: ColumnMap, col: Collector, rows: pd.DataFrame,
                   keep: np.ndarray, has: dict[str, np.ndarray], known: list[pd.Series | np.ndarray],
                   parts: list[dict[str, np.ndarray]]) -> None:
    status_col = cm.column("status")
    if status_col is None:
        return
    n = len(table.frame)
    status = col.vocab(status_col, "status", n)
    latest = _latest(known, table.frame.index)
    outcome_col = cm.column("outcome_date")
    if outcome_col:
        parsed = col.dates(outcome_col)
        bad = keep & parsed.problem.notna().to_numpy()
        col.quarantine_rows(bad, outcome_col, parsed.problem,
                            "; rest of the row loaded")
        outcome = parsed.dates
    else:
        outcome = pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]")
    dated = outcome.notna().to_numpy()
    when = outcome.where(dated, latest)
    codes = status.cat.codes.to_numpy()
    present = set(np.unique(codes).tolist())
    for event in _STATUS_EVENTS:
        code = status.cat.categories.get_loc(event)
        if code not in present:
            continue
        want = keep & (codes == code) & ~has.get(event, np.zeros(n, dtype=bool))
        if not want.any():
            continue
        if event in ("accepted", "declined"):
            implied = want & ~has.get("offer", np.zeros(n, dtype=bool))
            parts.append(events_frame(rows, when, "offer", implied, status_col,
                                      date_known=False,
                                      note=pd.Series("implied by the status",
                                                     index=rows.index)))
        for known_date in (True, False):
            m = want & (dated == known_date)
            parts.append(events_frame(rows, when, event, m,
                                      outcome_col if known_date else status_col,
                                      date_known=known_date))
