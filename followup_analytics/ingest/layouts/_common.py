"""Pieces shared by the layout interpreters: the result type, seekers, ids, event frames."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, cast

import numpy as np
import pandas as pd

from ...loadreport import ROW_COLUMNS, UNKNOWN_COLUMNS
from ...log import CATEGORIES
from ..raw import Parts, RawTable
from ..values import (
    ParsedDates,
    _factorize,
    is_missing,
    normalise,
    orders_by_group,
    parse_dates,
)

#: Internal event columns produced by every layout. ``app_pos`` is the position of the
#: event's application in the table's ``applications`` frame (ids are taken from there, and
#: sorting needs no string hashing); ``column`` is the position of the input column the date
#: came from (-1 for none), ``applied_on`` the application's date; ``load`` uses and drops
#: these three.
_STRING = pd.StringDtype("python", na_value=pd.NA)

EVENT_FIELDS = [
    "app_pos",
    "date",
    "event",
    "channel",
    "letter_type",
    "recipient",
    "note",
    "date_known",
    "source_row",
    "column",
    "applied_on",
]


@dataclass(frozen=True)
class Context:
    """What a layout needs beyond the table: user choices."""

    seeker: str | None = None
    vocab: Mapping[str, Mapping[str, object]] | None = None
    mapping: Mapping[str, object] | None = None
    dayfirst: bool | None = None


@dataclass
class Interpreted:
    """One table turned into canonical rows.

    Attributes
    ----------
    events : DataFrame
        :data:`EVENT_FIELDS`.
    applications : DataFrame
        ``application_id, seeker, company, role, applied_on`` and carried columns.
    quarantine : DataFrame
        ``file, sheet, row, column, reason``.
    dropped : DataFrame
        ``file, sheet, row, column, reason`` (rows that mean "no event", e.g. "Ghosted").
    unknown : DataFrame
        ``field, value, count``.
    notes : list of str
    ambiguous : list of str
        Columns whose date order had to be assumed.
    """

    events: pd.DataFrame
    applications: pd.DataFrame
    quarantine: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROW_COLUMNS))
    unknown: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNKNOWN_COLUMNS))
    notes: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


class Collector:
    """Accumulates quarantine rows, unknown values and notes while a table is interpreted."""

    def __init__(self, table: RawTable, ctx: Context) -> None:
        self.table, self.ctx = table, ctx
        self.rows = table.frame.index.to_numpy()
        self.quarantine: list[pd.DataFrame] = []
        self.dropped: list[pd.DataFrame] = []
        self.unknown: list[pd.DataFrame] = []
        self.notes: list[str] = []
        self.ambiguous: list[str] = []
        self._factorized: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def factorized(self, column: str, *, keep: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Codes and distinct values of one column (as ``pd.factorize``), computed once per
        table for the columns read several times (`keep`: the status column gives the row
        kinds, the events and the interview mentions); columns read once pass
        ``keep=False`` and take a kept result when there is one."""
        got = self._factorized.get(column)
        if got is None:
            got = _factorize(self.table.frame[column])
            if keep:
                self._factorized[column] = got
        return got

    def where(self) -> str:
        t = self.table
        return t.file + (f" [{t.sheet}]" if t.sheet else "")

    def _rows(
        self, mask: np.ndarray, column: str | None, reason: pd.Series | str, suffix: str = ""
    ) -> pd.DataFrame:
        mask = np.asarray(mask, dtype=bool)
        if isinstance(reason, pd.Series):  # per row, or already restricted to the mask
            picked = reason[mask] if len(reason) == len(mask) else reason
            reasons = picked.astype(object) + suffix
        else:
            reasons = pd.Series(np.full(int(mask.sum()), reason + suffix, dtype=object))
        return pd.DataFrame(
            {
                "file": self.table.file,
                "sheet": self.table.sheet,
                "row": self.rows[mask],
                "column": column,
                "reason": reasons.to_numpy(dtype=object),
            },
            columns=ROW_COLUMNS,
        )

    def quarantine_rows(
        self, mask: np.ndarray, column: str | None, reason: pd.Series | str, suffix: str = ""
    ) -> None:
        if np.asarray(mask).any():
            self.quarantine.append(self._rows(mask, column, reason, suffix))

    def drop_rows(self, mask: np.ndarray, column: str | None, reason: pd.Series | str) -> None:
        if np.asarray(mask).any():
            self.dropped.append(self._rows(mask, column, reason))

    def dates(self, column: str) -> ParsedDates:
        if self.table.parts is not None:
            return self._part_dates(column, self.table.parts)
        values, codes = self.table.frame[column], self.factorized(column, keep=False)
        parsed = parse_dates(values, factorized=codes)
        if parsed.ambiguous and self.ctx.dayfirst is not None:  # the user decides
            parsed = parse_dates(values, day_first=self.ctx.dayfirst, factorized=codes)
            self.notes.append(
                f"{self.where()}: column {column!r} read {parsed.order}, "
                "as dayfirst= says (the values do not decide)"
            )
            return parsed
        if parsed.order:
            how = "assumed (the values do not decide)" if parsed.ambiguous else "decided"
            self.notes.append(f"{self.where()}: column {column!r} read {parsed.order}, {how}")
            if parsed.ambiguous:
                self.ambiguous.append(f"{self.where()}: column {column!r}")
        return parsed

    def _part_dates(self, column: str, parts: Parts) -> ParsedDates:
        """:meth:`dates` of a table read from several files: each file's day/month order
        is its own, decided as if the file had been read alone."""
        values, codes = self.table.frame[column], self.factorized(column, keep=False)
        parsed = parse_dates(values, factorized=codes)
        if parsed.order is None:  # no 03/04/2026-style date: nothing depends on the file
            return parsed
        which, _ = parts.locate(values.index.to_numpy())
        orders, ambiguous = orders_by_group(values, which, len(parts.files))
        forced = self.ctx.dayfirst
        by_order = {
            o: parse_dates(values, day_first=o == "day-first", factorized=codes)
            for o in ("day-first", "month-first")
        }
        day_first = np.zeros(len(parts.files), dtype=bool)  # per file
        for i, (file, order) in enumerate(zip(parts.files, orders, strict=True)):
            if order is None:
                continue
            if ambiguous[i] and forced is not None:
                order = "day-first" if forced else "month-first"
                self.notes.append(
                    f"{file}: column {column!r} read {order}, "
                    "as dayfirst= says (the values do not decide)"
                )
            else:
                how = "assumed (the values do not decide)" if ambiguous[i] else "decided"
                self.notes.append(f"{file}: column {column!r} read {order}, {how}")
                if ambiguous[i]:
                    self.ambiguous.append(f"{file}: column {column!r}")
            day_first[i] = order == "day-first"
        day = day_first[which]
        first, other = by_order["day-first"], by_order["month-first"]
        return ParsedDates(
            first.dates.where(day, other.dates),
            first.problem.where(day, other.problem),
            parsed.order,
            bool(ambiguous.any()),
        )

    def vocab(
        self, column: str | None, field_name: str, n: int, extra: Mapping[str, object] | None = None
    ) -> pd.Series:
        if column is None:
            return pd.Series([None] * n, index=self.table.frame.index, dtype=object)
        if extra is None:
            extra = (self.ctx.vocab or {}).get(field_name)
        if extra is None and field_name == "status":
            extra = (self.ctx.vocab or {}).get("event")
        values, unknown = normalise(
            self.table.frame[column],
            field_name,
            extra,
            factorized=self.factorized(column, keep=False),
        )
        if len(unknown):
            self.unknown.append(unknown)
        return values

    def result(self, events: pd.DataFrame, applications: pd.DataFrame) -> Interpreted:
        def cat(parts: list[pd.DataFrame], cols: list[str]) -> pd.DataFrame:
            return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)

        return Interpreted(
            events,
            applications,
            cat(self.quarantine, ROW_COLUMNS),
            cat(self.dropped, ROW_COLUMNS),
            cat(self.unknown, UNKNOWN_COLUMNS),
            self.notes,
            self.ambiguous,
        )


def text(values: pd.Series, factorized: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """Cells as stripped strings (object dtype), computed per distinct value; missing
    markers become None. `factorized`: the codes and distinct values of `values`, when the
    caller has them already."""
    codes, uniques = factorized if factorized is not None else _factorize(values)
    missing = is_missing(pd.Series(uniques, dtype=object)).to_numpy()
    per = np.array(
        [None if m else str(u).strip() for u, m in zip(uniques, missing, strict=True)], dtype=object
    )
    out = per[np.where(codes < 0, 0, codes)] if len(per) else np.full(len(codes), None)
    out[codes < 0] = None
    return pd.Series(out, index=values.index, dtype=object, copy=False)


def strings(
    values: pd.Series,
    fallback: str | None = None,
    factorized: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """:func:`text` as the log's "string" dtype: missing cells are ``fallback`` (default
    NA). The distinct values are converted once and taken to the rows, so no per-row
    missing test or string validation pass is needed later."""
    codes, uniques = factorized if factorized is not None else _factorize(values)
    missing = is_missing(pd.Series(uniques, dtype=object)).to_numpy()
    per = np.empty(len(uniques) + 1, dtype=object)
    per[:-1] = [pd.NA if m else str(u).strip() for u, m in zip(uniques, missing, strict=True)]
    per[-1] = pd.NA
    if fallback is not None:
        per[pd.isna(per)] = fallback
    table = pd.arrays.StringArray(per)
    out = table.take(codes)  # code -1 (missing) takes the last entry: the fill
    return pd.Series(out, index=values.index, copy=False)


def tag(table: RawTable) -> str:
    """Short provenance prefix for generated application ids."""
    name = PurePath(table.file).name if not table.file.startswith("<") else table.file
    return name + (f"[{table.sheet}]" if table.sheet else "")


def seekers(table: RawTable, column: str | None, ctx: Context) -> pd.Series:
    """The seeker of each row: the seeker column, else the folder's file name, the
    ``seeker=`` argument, or ``"self"``."""
    fallback = table.seeker_hint or ctx.seeker or "self"
    parts = table.parts
    if parts is not None and any(h is not None for h in parts.hints):
        # rows of several files: each row falls back to its own file's name
        which, _ = parts.locate(table.frame.index.to_numpy())
        per = np.array([h or ctx.seeker or "self" for h in parts.hints], dtype=object)
        named = (
            strings(table.frame[column])
            if column is not None
            else pd.Series(pd.NA, index=table.frame.index, dtype=_STRING)
        )
        return named.fillna(pd.Series(per[which], index=table.frame.index, dtype=_STRING))
    if column is None:
        return pd.Series(
            pd.arrays.StringArray(np.array([fallback], dtype=object)).take(
                np.zeros(len(table.frame), dtype=np.intp)
            ),
            index=table.frame.index,
            copy=False,
        )
    return strings(table.frame[column], fallback)


def prefixed_rows(prefix: str, index: pd.Index) -> np.ndarray:
    """``prefix + str(row)`` for every row label, as an object array of str.

    Integer labels go through numpy's variable-width string dtype (conversion and
    concatenation in C, one Python string built per row at the end), about twice as fast
    as concatenating Python strings.
    """
    labels = index.to_numpy()
    if labels.dtype.kind not in "iu":
        return (prefix + pd.Series(index.astype(str), dtype=object)).to_numpy(dtype=object)
    digits = labels.astype(np.dtypes.StringDType())
    return np.strings.add(prefix, digits).astype(object)


def row_ids(
    table: RawTable, id_column: str | None, seeker: pd.Series, seeker_column: str | None
) -> pd.Series:
    """Application ids for one-row-per-application layouts, unique within the table.

    From the id column when there is one (prefixed by file and, in cohort sheets, seeker),
    else ``file[sheet]:row``. Rows of a table read from several files
    (:class:`~followup_analytics.ingest.raw.Parts`) get their own file and row number, as if
    each file had been read alone.
    """
    if table.parts is not None:
        return _part_ids(table, table.parts, id_column, seeker, seeker_column)
    base = tag(table) + ":"
    if id_column is None:
        return pd.Series(
            pd.arrays.StringArray(prefixed_rows(base, table.frame.index)),
            index=table.frame.index,
            copy=False,
        )
    rows = pd.Series(table.frame.index.astype(str), index=table.frame.index, dtype=object)
    ids = text(table.frame[id_column])
    who = (seeker + ":") if seeker_column is not None else ""
    out = (base + who + ids.astype("string")).fillna(base + "row" + rows).astype(object)
    dup = out.duplicated(keep=False)
    return out.where(~dup, out + ":row" + rows)


def _part_ids(
    table: RawTable,
    parts: Parts,
    id_column: str | None,
    seeker: pd.Series,
    seeker_column: str | None,
) -> pd.Series:
    """:func:`row_ids` for a table read from several files."""
    index = table.frame.index
    which, local = parts.locate(index.to_numpy())
    tags = np.array([os.path.basename(f) + ":" for f in parts.files], dtype=object)
    base = pd.Series(tags[which], index=index, dtype=object)
    rows = pd.Series(local.astype(str), index=index, dtype=object)
    if id_column is None:
        joined = (base + rows).to_numpy(dtype=object, copy=True)
        return pd.Series(pd.arrays.StringArray(joined), index=index, copy=False)
    ids = text(table.frame[id_column])
    who = (seeker + ":") if seeker_column is not None else ""
    out = (base + who + ids.astype("string")).fillna(base + "row" + rows).astype(object)
    dup = out.duplicated(keep=False)
    return out.where(~dup, out + ":row" + rows)


def _codes(values: pd.Series | None, name: str, at: np.ndarray) -> np.ndarray:
    """Category codes (``-1`` = missing) of the rows at positions `at` in the log's
    vocabulary."""
    dtype = CATEGORIES[name]
    if values is None:
        return np.full(len(at), -1, dtype=np.int16)
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype == dtype:
        return values.cat.codes.to_numpy().take(at).astype(np.int16)
    # what ``pd.Categorical(values, dtype).codes`` gives (-1 outside the vocabulary)
    picked = values.to_numpy(dtype=object).take(at)
    return dtype.categories.get_indexer(cast(pd.Index, picked)).astype(np.int16)


# One :func:`events_frame` part: an array per event column, ``at`` (positions in ``rows``),
# ``rows`` (a :class:`Rows`) and ``note`` (None when the part has no notes).
EventPart = dict[str, Any]


@dataclass(frozen=True)
class Rows:
    """Per input row: its application's position in ``applications`` and its date."""

    index: pd.Index
    app_pos: np.ndarray
    applied_on: np.ndarray
    headers: tuple[str, ...]


def per_row(table: RawTable, applied: pd.Series, app_pos: np.ndarray | None = None) -> Rows:
    """Row facts for :func:`events_frame`. Default `app_pos`: one application per kept row,
    numbered in row order (rows without an application date are not kept)."""
    dates = applied.to_numpy(dtype="datetime64[s]")
    if app_pos is None:  # one application per row with a date
        app_pos = np.cumsum(~np.isnat(dates)) - 1
    return Rows(
        table.frame.index, np.asarray(app_pos, dtype=np.int64), dates, tuple(table.frame.columns)
    )


def events_frame(
    rows: Rows,
    dates: pd.Series,
    event: str | pd.Series,
    mask: np.ndarray,
    column: str | None,
    *,
    date_known: bool | np.ndarray = True,
    channel: pd.Series | None = None,
    letter_type: pd.Series | None = None,
    recipient: pd.Series | None = None,
    note: pd.Series | None = None,
) -> EventPart:
    """Select the rows in `mask` as events of one kind (or per-row kinds).

    Returns one array per :data:`EVENT_FIELDS` column (vocabulary columns as category codes)
    except the row facts (``app_pos``, ``source_row``, ``applied_on``), given as the selected
    positions ``at`` in ``rows``; :func:`concat_events` turns a list of them into one frame.
    """
    at = np.flatnonzero(np.asarray(mask, dtype=bool))  # once, then a take per column
    n = len(at)
    if isinstance(event, str):
        kinds = np.full(n, CATEGORIES["event"].categories.get_loc(event), dtype=np.int16)
    else:
        kinds = _codes(event, "event", at)
    return {
        "at": at,  # app_pos, source_row and applied_on are taken from `rows` once, at concat
        "rows": rows,
        "date": dates.to_numpy(dtype="datetime64[s]").take(at),
        "event": kinds,
        "channel": _codes(channel, "channel", at),
        "letter_type": _codes(letter_type, "letter_type", at),
        "recipient": _codes(recipient, "recipient", at),
        "note": note.to_numpy(dtype=object).take(at) if note is not None else None,
        "date_known": (
            np.full(n, date_known)
            if isinstance(date_known, bool)
            else np.asarray(date_known, dtype=bool).take(at)
        ),
        "column": np.full(n, rows.headers.index(column) if column else -1, dtype=np.int32),
    }


def _notes(parts: list[EventPart]) -> pd.arrays.StringArray:
    """The note column as the "string" dtype; parts without notes cost nothing per row."""
    sizes = [len(p["date"]) for p in parts]
    if all(p["note"] is None for p in parts):
        return pd.arrays.StringArray(np.array([pd.NA], dtype=object)).take(
            np.zeros(sum(sizes), dtype=np.intp)
        )
    arr = np.full(sum(sizes), pd.NA, dtype=object)
    start = 0
    for p, k in zip(parts, sizes, strict=True):
        if p["note"] is not None:
            values = np.array(p["note"], dtype=object)
            values[pd.isna(values)] = pd.NA
            arr[start : start + k] = values
        start += k
    return pd.arrays.StringArray(arr)


def concat_events(parts: list[EventPart]) -> pd.DataFrame:
    """One frame of :data:`EVENT_FIELDS` from :func:`events_frame` parts (one concatenation
    per column; vocabulary columns become the log's ordered categoricals)."""
    out: dict[str, object] = {}
    rows = parts[0]["rows"]
    if all(p["rows"] is rows for p in parts):  # one take per row fact over all parts
        at = np.concatenate([p["at"] for p in parts])
        out |= {
            "app_pos": rows.app_pos.take(at),
            "source_row": rows.index.to_numpy().take(at),
            "applied_on": rows.applied_on.take(at),
        }
    else:
        out |= {
            "app_pos": np.concatenate([p["rows"].app_pos.take(p["at"]) for p in parts]),
            "source_row": np.concatenate([p["rows"].index.to_numpy().take(p["at"]) for p in parts]),
            "applied_on": np.concatenate([p["rows"].applied_on.take(p["at"]) for p in parts]),
        }
    for name in EVENT_FIELDS:
        if name in out:
            continue
        if name == "note":
            out[name] = _notes(parts)
            continue
        values = np.concatenate([p[name] for p in parts])
        out[name] = (
            pd.Categorical.from_codes(values, dtype=CATEGORIES[name])
            if name in CATEGORIES
            else values
        )
    return pd.DataFrame(out, columns=EVENT_FIELDS, copy=False)


def kept(values: pd.Series | np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The kept rows of a column as a numpy array (no copy pass when every row is kept)."""
    if isinstance(values, pd.Series):
        arr = values.array if values.dtype == _STRING else values.to_numpy()
    else:
        arr = values
    return arr if keep.all() else arr[keep]


def carried(
    table: RawTable, columns: tuple[str, ...] | list[str], keep: np.ndarray, reserved: set[str]
) -> pd.DataFrame:
    """Unmapped input columns, untouched, for the kept rows (renamed if they would clash
    with a canonical column)."""
    cols = [c for c in columns if c in table.frame.columns]
    keep = np.asarray(keep, dtype=bool)
    out = (table.frame[cols] if keep.all() else table.frame.loc[keep, cols]).reset_index(drop=True)
    return out.rename(columns={c: f"{c} (input)" for c in cols if c in reserved})
