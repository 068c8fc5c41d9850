"""One row per application: wide trackers, tracker exports (Huntr, Teal ...) and LinkedIn.

A row gives the application date and, optionally, follow-ups (repeated groups "Follow-up 2
Date/Channel/Type/To"), a response date, interview dates, rejection and offer dates, and a
status/outcome column. Every dated cell becomes an event; the status adds the event it names
unless a dated column already gave that event, so a final "Rejected" never erases an earlier
interview. A status without a date of its own is dated at the outcome-date column when there
is one, else left undated (NaT, ``date_known=False``): never placed on another event's date.
A row is an application when it has an application date, a status at or beyond "applied" or
any dated event (see :func:`application_rows`); an application without a date is loaded
undated.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from ...errors import LoadWarning, find_stack_level
from ...log import CATEGORIES
from ...text import key
from ..columns import ColumnMap
from ..marks import read_marks
from ..profile import Profile, header_event
from ..raw import RawTable
from ..statuses import (
    STATUS_BLANK,
    STATUS_EVENT,
    STATUS_NOT_APPLIED,
    STATUS_OPEN,
    mentions_interview,
    status_kinds,
    two_values,
)
from ..values import ParsedDates, flags
from ._common import (
    Collector,
    Context,
    EventPart,
    Interpreted,
    Rows,
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
from .blocks import titled_blocks

#: Fields of the wide layout, in priority order for headers that fit several.
WIDE_FIELDS = (
    "application_id",
    "seeker",
    "company",
    "role",
    "applied_on",
    "status",
    "followup_date",
    "followup_channel",
    "followup_type",
    "followup_recipient",
    "response_date",
    "interview_date",
    "rejection_date",
    "offer_date",
    "outcome_date",
    "note",
)
LINKEDIN_FIELDS = ("applied_on", "company", "role")
_DATED = (("response_date", "reply"), ("rejection_date", "rejection"), ("offer_date", "offer"))
_STATUS_EVENTS = (
    "followup",
    "reply",
    "interview",
    "rejection",
    "offer",
    "accepted",
    "declined",
    "withdrawn",
)
APPLICATION_BASE = ["application_id", "seeker", "company", "role", "applied_on"]


def interpret_wide(
    table: RawTable, cm: ColumnMap, ctx: Context, profiles: Mapping[str, Profile] | None = None
) -> Interpreted:
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
    dated_cols = _dated_columns(cm)
    parsed = {c: col.dates(c) for c in ([applied_col] if applied_col else []) + dated_cols}
    applied, unreadable = _applied_dates(col, parsed, applied_col, nat)
    status_col = cm.column("status")
    kinds = (
        status_kinds(f[status_col], _status_extra(ctx), factorized=col.factorized(status_col))
        if status_col
        else np.zeros(n, dtype=np.int8)
    )
    marks = _stage_marks(f, cm, col, profiles)
    kinds = _applied_flags(f, cm, kinds)
    keep = _applications(
        table,
        cm,
        col,
        applied.notna() | unreadable,
        np.zeros(n, dtype=bool),
        kinds,
        [parsed[c].dates for c in dated_cols]
        + [
            pd.Series(
                np.where(
                    pd.notna(m[0]), np.datetime64("2000-01-01", "s"), np.datetime64("NaT", "s")
                )
            )
            for m in marks.values()
        ],
    )
    blocks, owner = _blocks(table, cm, keep)
    if blocks:
        keep[list(blocks)] = False
    note_col = cm.column("note")
    note = text(f[note_col], col.factorized(note_col, keep=False)) if note_col else None
    app_pos = np.cumsum(keep) - 1
    if blocks:  # a titled block's rows are events of applications listed above
        app_pos[list(owner)] = app_pos[list(owner.values())]
    sink = _Sink(per_row(table, applied, app_pos), keep, col, parsed, n)
    has_date = applied.notna().to_numpy()
    sink.parts.append(
        events_frame(
            sink.rows, applied, "applied", keep, applied_col, note=note, date_known=has_date
        )
    )
    _followup_events(sink, f, cm, ctx)
    for _g, date_col in sorted(cm.groups("interview_date").items()):
        sink.dated(date_col, "interview")
    for name, event in _DATED:
        if dated_col := cm.column(name):
            sink.dated(dated_col, event)
    _mark_events(sink, marks, nat)
    _status_events(table, cm, col, sink.rows, keep, sink.has, sink.parts)
    _block_events(table, col, sink.rows, blocks, owner, sink.parts)

    events = concat_events(_drop_echoed_replies(sink.parts, table, cm.column("response_date")))
    return col.result(events, _applications_frame(table, cm, col, keep, applied, app_id, seeker))


def _applied_dates(
    col: Collector, parsed: Mapping[str, ParsedDates], applied_col: str | None, nat: pd.Series
) -> tuple[pd.Series, np.ndarray]:
    """The application date of each row and which rows hold an unreadable one (the cell is
    quarantined, the row loads undated)."""
    if applied_col is None:
        return nat, np.zeros(len(nat), dtype=bool)
    applied = parsed[applied_col].dates
    unreadable = parsed[applied_col].problem.notna().to_numpy()
    col.quarantine_rows(
        unreadable, applied_col, parsed[applied_col].problem, "; rest of the row loaded"
    )
    return applied, unreadable


#: Per stage-mark column: the first and second event each cell names, and its date.
_Marks = dict[str, tuple[np.ndarray, np.ndarray, pd.Series]]


def _stage_marks(
    f: pd.DataFrame, cm: ColumnMap, col: Collector, profiles: Mapping[str, Profile] | None
) -> _Marks:
    """Stage-mark columns ("Interview ✓", a date) and further status columns (found by
    their values), read as the events they name."""
    n = len(f)
    marks = {
        h: read_marks(
            f[h], e, notes_count=profiles is None or h not in profiles or profiles[h]["flag"] < 0.8
        )
        for h, e in cm.flags
        if e not in ("applied", "status")
    }
    for h, e in cm.flags:  # further status columns (found by their values)
        if e == "status":
            said = col.vocab(h, "status", n).astype(object).to_numpy()
            said = np.where(
                pd.isna(said) | (said == "other") | (said == "applied"),
                np.array(None, dtype=object),
                said,
            )
            marks[h] = (
                said,
                np.full(n, None, dtype=object),
                pd.Series(pd.NaT, index=f.index, dtype="datetime64[s]"),
            )
    return marks


def _applied_flags(f: pd.DataFrame, cm: ColumnMap, kinds: np.ndarray) -> np.ndarray:
    """Status kinds after "Finished?"/"Applied?" flags: ticked was sent, not ticked was not."""
    applied_flags = [
        flags(f[h]).to_numpy(dtype=object) == True  # noqa: E712
        for h, e in cm.flags
        if e == "applied"
    ]
    if not applied_flags:
        return kinds
    ticked = np.logical_or.reduce(applied_flags)
    return np.where(
        ~ticked & (kinds != STATUS_EVENT),
        STATUS_NOT_APPLIED,
        np.where(ticked & (kinds == STATUS_BLANK), STATUS_OPEN, kinds),
    )


@dataclass
class _Sink:
    """The event parts of one wide table as they are found, and which rows already have
    each event (a later source of the same event does not repeat it)."""

    rows: Rows
    keep: np.ndarray
    col: Collector
    parsed: Mapping[str, ParsedDates]
    n: int
    parts: list[EventPart] = field(default_factory=list)
    has: dict[str, np.ndarray] = field(default_factory=dict)

    def dated(self, column: str, event: str, **extra: pd.Series | None) -> None:
        """Events from a date column; unreadable cells quarantined, the rest of the row kept."""
        p = self.parsed[column]
        ok = self.keep & p.dates.notna().to_numpy()
        bad = self.keep & p.problem.notna().to_numpy()
        self.col.quarantine_rows(bad, column, p.problem, "; rest of the row loaded")
        self.parts.append(
            events_frame(self.rows, p.dates, event, ok, column, date_known=True, **extra)
        )
        self.mark(event, ok)

    def mark(self, event: str, rows: np.ndarray) -> None:
        """Note that `rows` have `event`."""
        self.has[event] = self.has.get(event, np.zeros(self.n, dtype=bool)) | rows


def _followup_events(sink: _Sink, f: pd.DataFrame, cm: ColumnMap, ctx: Context) -> None:
    """Follow-up events from each follow-up group (date, channel, letter type, recipient);
    a cell naming two channels ("Email + posted letter") gives two events of one action."""
    col, n = sink.col, sink.n
    fu = cm.groups("followup_date")
    chans, types, recips = (
        cm.groups("followup_channel"),
        cm.groups("followup_type"),
        cm.groups("followup_recipient"),
    )
    for g, date_col in sorted(fu.items()):
        detail = {
            "channel": col.vocab(chans.get(g), "channel", n),
            "letter_type": col.vocab(types.get(g), "letter_type", n),
            "recipient": col.vocab(recips.get(g), "recipient", n),
        }
        seconds = []
        for name, source in (("channel", chans.get(g)), ("recipient", recips.get(g))):
            if source is not None and _may_name_two(f[source]):
                first, second = two_values(f[source], name, (ctx.vocab or {}).get(name))
                if second.notna().any():
                    detail[name] = first.where(first.notna(), detail[name])
                    seconds.append((name, second))
        sink.dated(date_col, "followup", **detail)
        dates = sink.parsed[date_col].dates
        for name, second in seconds:
            two = sink.keep & second.notna().to_numpy() & dates.notna().to_numpy()
            sink.parts.append(
                events_frame(
                    sink.rows,
                    dates,
                    "followup",
                    two,
                    date_col,
                    date_known=True,
                    **(detail | {name: second}),
                )
            )
    orphan = sorted((set(chans) | set(types) | set(recips)) - set(fu))
    if orphan:
        col.notes.append(
            f"{col.where()}: follow-up details without a follow-up date column "
            f"(groups {orphan}) are carried along, not loaded as events"
        )


def _mark_events(sink: _Sink, marks: _Marks, nat: pd.Series) -> None:
    """Events named by stage marks, dated by the mark when it is a date, else undated; an
    event a date column already gave a row is not repeated."""
    zeros = np.zeros(sink.n, dtype=bool)
    for h, (said_first, said_second, mark_dates) in marks.items():
        dated = mark_dates.notna().to_numpy()
        for which in (said_first, said_second):
            for event in pd.unique(which[pd.notna(which)]):
                want = sink.keep & (which == event) & ~sink.has.get(event, zeros)
                sink.parts.append(events_frame(sink.rows, mark_dates, event, want & dated, h))
                sink.parts.append(
                    events_frame(sink.rows, nat, event, want & ~dated, h, date_known=False)
                )
        for which in (said_first, said_second):
            for event in pd.unique(which[pd.notna(which)]):
                sink.mark(event, sink.keep & (which == event))


def _applications_frame(
    table: RawTable,
    cm: ColumnMap,
    col: Collector,
    keep: np.ndarray,
    applied: pd.Series,
    app_id: pd.Series,
    seeker: pd.Series,
) -> pd.DataFrame:
    """One row per kept application: id, seeker, company, role, date and carried columns."""
    mapped = set(cm.matches["input_column"])
    unmapped = [c for c in table.frame.columns if c not in mapped]
    applied_on = kept(applied, keep)
    apps = pd.DataFrame(  # columns built here for this frame alone: no copy
        {
            "application_id": kept(app_id, keep),
            "seeker": kept(seeker, keep),
            "company": _opt_text(col, cm.column("company"), keep),
            "role": _opt_text(col, cm.column("role"), keep),
            # a view of the parsed dates is read-only: the frame gets its own array
            "applied_on": applied_on if applied_on.flags.writeable else applied_on.copy(),
        },
        copy=False,
    )
    return pd.concat([apps, carried(table, unmapped, keep, set(APPLICATION_BASE))], axis=1)


def _drop_echoed_replies(
    parts: list[EventPart], table: RawTable, response_col: str | None
) -> list[EventPart]:
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
    outcomes = [cast(int, cats.get_loc(e)) for e in ("interview", "rejection", "offer")]
    col = list(table.frame.columns).index(response_col)

    def packed(p: EventPart, m: np.ndarray) -> np.ndarray:
        days = p["date"][m].astype("datetime64[D]").view(np.int64)
        return (p["rows"].app_pos.take(p["at"][m]).astype(np.int64) << 32) + days

    other = [
        packed(p, m)
        for p in parts
        if (m := np.isin(p["event"], outcomes) & p["date_known"].astype(bool)).any()
    ]
    if not other:
        return parts
    targets = np.concatenate(other)
    out = []
    for p in parts:
        echo = (p["event"] == reply) & (p["column"] == col)
        if echo.any():
            echo[echo] = pd.Index(packed(p, echo)).isin(targets)  # by hashing: no sort
        if echo.any():
            keep = ~echo
            p = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in p.items()}
        out.append(p)
    return out


def _opt_text(col: Collector, column: str | None, keep: np.ndarray) -> object:
    if column is None:
        return None
    codes = col.factorized(column, keep=False)
    return kept(strings(col.table.frame[column], factorized=codes), keep)


def _status_events(
    table: RawTable,
    cm: ColumnMap,
    col: Collector,
    rows: Rows,
    keep: np.ndarray,
    has: dict[str, np.ndarray],
    parts: list[EventPart],
) -> None:
    """Events named by the status column, unless a dated column already gave them. Dated at
    the outcome-date column when it has a date; otherwise undated (NaT, ``date_known``
    False): never placed on another event's date."""
    status_col = cm.column("status")
    if status_col is None:
        return
    n = len(table.frame)
    if header_event(status_col) == "reply":  # "Response?": No = no reply, Yes = a reply
        extra = {**_YES_NO_REPLY, **(_status_extra(col.ctx) or {})}
        status = col.vocab(status_col, "status", n, extra)
    else:
        status = col.vocab(status_col, "status", n)
    outcome_col = cm.column("outcome_date")
    if outcome_col:
        parsed = col.dates(outcome_col)
        bad = keep & parsed.problem.notna().to_numpy()
        col.quarantine_rows(bad, outcome_col, parsed.problem, "; rest of the row loaded")
        outcome = parsed.dates
    else:
        outcome = pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]")
    dated = outcome.notna().to_numpy()
    codes = status.cat.codes.to_numpy()
    # "面试挂", "Inter + Rejec", "rejected after interview": the interview is an event too
    also = (
        keep
        & mentions_interview(table.frame[status_col], factorized=col.factorized(status_col))
        & ~has.get("interview", np.zeros(n, dtype=bool))
        & (codes != status.cat.categories.get_loc("interview"))
    )
    if also.any():
        undated = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[s]")
        parts.append(events_frame(rows, undated, "interview", also, status_col, date_known=False))
        has["interview"] = has.get("interview", np.zeros(n, dtype=bool)) | also
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
            undated = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[s]")
            parts.append(
                events_frame(
                    rows,
                    undated,
                    "offer",
                    implied,
                    status_col,
                    date_known=False,
                    note=pd.Series("implied by the status", index=rows.index),
                )
            )
        for known_date in (True, False):
            m = want & (dated == known_date)
            if not m.any():  # an empty part adds nothing (no outcome dates: no dated part)
                continue
            parts.append(
                events_frame(
                    rows,
                    outcome,
                    event,
                    m,
                    outcome_col if known_date else status_col,
                    date_known=known_date,
                )
            )


def _may_name_two(values: pd.Series) -> bool:
    """Whether a detail column may hold cells naming two channels or recipients: always for
    tables up to 20,000 rows; above, when its first 2,000 cells show one (a cheap look before
    a pass over every distinct value)."""
    if len(values) <= 20_000:
        return True
    head = values.iloc[:2000].dropna().astype(str)
    return bool(head.str.contains(r"[+&/,;、和]| and | cc ", regex=True).any())


def _blocks(
    table: RawTable, cm: ColumnMap, keep: np.ndarray
) -> tuple[dict[int, str], dict[int, int]]:
    """Rows of titled blocks (see :mod:`.blocks`) and, for those naming a company listed
    above, the row of that company's latest application above them."""
    blocks, _titles = titled_blocks(table.frame, cm.column("company"))
    if not blocks:
        return {}, {}
    company = table.frame[cm.column("company")].to_numpy(dtype=object)
    latest: dict[str, int] = {}
    owner: dict[int, int] = {}
    for r in range(len(company)):
        k = key(company[r]) if isinstance(company[r], str) else ""
        if r in blocks:
            # the same name, or one name starting the other ("海棠信息" and "海棠信息*（3）")
            hit = (
                latest.get(k)
                if k in latest
                else next(
                    (
                        latest[c]
                        for c in reversed(latest)
                        if len(k) >= 2 and (c.startswith(k) or k.startswith(c))
                    ),
                    None,
                )
            )
            if hit is not None:
                owner[r] = hit
        elif keep[r] and k:
            latest[k] = r
    return {r: e for r, e in blocks.items() if r in owner}, owner


def _block_events(
    table: RawTable,
    col: Collector,
    rows: Rows,
    blocks: dict[int, str],
    owner: dict[int, int],
    parts: list[EventPart],
) -> None:
    """The block's event (its title) for each of its rows, and any outcome its cells say
    ("已意向": an offer), undated."""
    if not blocks:
        return
    n = len(table.frame)
    nat = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[s]")
    for event in set(blocks.values()):
        mask = np.isin(np.arange(n), [r for r, e in blocks.items() if e == event])
        parts.append(events_frame(rows, nat, event, mask, None, date_known=False))
    at = np.array(sorted(blocks))
    said = np.full(n, None, dtype=object)
    for c in table.frame.columns[1:]:
        values = col.vocab(c, "status", n).astype(object).to_numpy()
        outcome = np.isin(values, ["offer", "accepted", "rejection", "declined"])
        take = np.zeros(n, dtype=bool)
        take[at] = True
        take &= outcome & pd.isna(said)
        said[take] = values[take]
    for event in pd.unique(said[pd.notna(said)]):
        parts.append(events_frame(rows, nat, event, said == event, None, date_known=False))
    col.notes.append(
        f"{col.where()}: {len(blocks)} row(s) of a titled block are events of "
        "applications listed above them"
    )


_YES_NO_REPLY: dict[str, str | None] = {
    **dict.fromkeys(("no", "n", "none", "nope", "否", "无", "nein", "non", "nao"), None),
    **dict.fromkeys(("yes", "y", "yes!", "是", "有", "ja", "si", "oui", "sim"), "reply"),
}


def _dated_columns(cm: ColumnMap) -> list[str]:
    """Input columns whose dates are events: follow-ups, interviews, responses, outcomes."""
    out = list(cm.groups("followup_date").values())
    out += list(cm.groups("interview_date").values())
    out += [c for name, _ in _DATED if (c := cm.column(name))]
    return out


def _status_extra(ctx: Context) -> Mapping[str, object] | None:
    extra = (ctx.vocab or {}).get("status")
    return extra if extra is not None else (ctx.vocab or {}).get("event")


def _applications(
    table: RawTable,
    cm: ColumnMap,
    col: Collector,
    has_date: pd.Series,
    unusable: np.ndarray,
    kinds: np.ndarray,
    dated: list[pd.Series],
) -> np.ndarray:
    """Which rows are applications (see :func:`application_rows`); the others go to
    ``report.dropped`` with the reason."""
    by_header = cm.matches[~cm.matches["how"].astype(str).str.startswith("content")]
    names = [c for c in by_header.loc[by_header["field"].isin(["company", "role"]), "input_column"]]
    event_dated = np.zeros(len(has_date), dtype=bool)
    for d in dated:
        event_dated |= d.notna().to_numpy()
    return application_rows(
        table,
        col,
        has_date.to_numpy(dtype=bool),
        unusable,
        kinds,
        event_dated,
        names,
        cm.column("status"),
    )


def application_rows(
    table: RawTable,
    col: Collector,
    has_date: np.ndarray,
    unusable: np.ndarray,
    kinds: np.ndarray,
    event_dated: np.ndarray,
    names: list[str],
    status_col: str | None,
) -> np.ndarray:
    """Rows that are applications: an application date, a status at or beyond "applied"
    (an event, or an open status such as "Pending"), or any dated event. A status saying
    "not applied" ("Wishlist", "To apply") makes the row no application even with a date.
    When no row of the table qualifies, every row naming a company or role is taken (with a
    warning). Rows set aside are listed in ``report.dropped`` with the reason.
    """
    n = len(has_date)
    not_applied = kinds == STATUS_NOT_APPLIED
    qualifies = has_date | (kinds == STATUS_EVENT) | (kinds == STATUS_OPEN) | event_dated
    keep = qualifies & ~not_applied & ~unusable
    f = table.frame
    if not keep.any() and names and not not_applied.any():
        # a plain list of companies: no row says "not applied", none qualifies otherwise
        named = np.zeros(n, dtype=bool)
        for c in names:
            named |= f[c].notna().to_numpy()
        keep = named & ~unusable
        if keep.any():
            msg = (
                f"{col.where()}: no row has an application date, a status or a dated "
                f"event; all {int(keep.sum())} row(s) naming a company or role were "
                "loaded as applications without dates"
            )
            col.notes.append(msg)
            warnings.warn(LoadWarning(msg), stacklevel=find_stack_level())
    unticked = not_applied & ~unusable
    if status_col is not None:
        raw = f[status_col]
        has_status = col.factorized(status_col)[0] >= 0  # not NA (code -1: None, NaN ...)
        m = unticked & has_status
        if m.any():
            col.drop_rows(
                m, status_col, "not applied: status '" + raw[m].astype(str).str.strip() + "'"
            )
        unticked &= ~has_status
    col.drop_rows(unticked, None, "not applied: not ticked as applied")
    col.drop_rows(
        ~keep & ~not_applied & ~unusable,
        None,
        "not an application: no application date, status or dated event",
    )
    return keep
