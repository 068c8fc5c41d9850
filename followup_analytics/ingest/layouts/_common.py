"""Pieces shared by the layout interpreters: the result type, seekers, ids, event frames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd

from ..raw import RawTable
from ..report import ROW_COLUMNS, UNKNOWN_COLUMNS
from ..values import ParsedDates, is_missing, normalise, parse_dates

#: Internal event columns produced by every layout (``column`` names the input header the
#: event's date came from, for quarantine messages; ``load`` drops it).
EVENT_FIELDS = ["application_id", "date", "event", "channel", "letter_type", "recipient",
                "note", "date_known", "source_row", "column"]


@dataclass(frozen=True)
class Context:
    """What a layout needs beyond the table: user choices."""

    seeker: str | None = None
    vocab: Mapping[str, Mapping[str, object]] | None = None
    mapping: Mapping[str, object] | None = None


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

    def where(self) -> str:
        t = self.table
        return t.file + (f" [{t.sheet}]" if t.sheet else "")

    def _rows(self, mask: np.ndarray, column: str | None, reason: pd.Series | str
              ) -> pd.DataFrame:
        mask = np.asarray(mask, dtype=bool)
        reasons = (reason[mask].to_numpy() if isinstance(reason, pd.Series)
                   else np.full(int(mask.sum()), reason, dtype=object))
        return pd.DataFrame({"file": self.table.file, "sheet": self.table.sheet,
                             "row": self.rows[mask], "column": column, "reason": reasons},
                            columns=ROW_COLUMNS)

    def quarantine_rows(self, mask: np.ndarray, column: str | None,
                        reason: pd.Series | str) -> None:
        if np.asarray(mask).any():
            self.quarantine.append(self._rows(mask, column, reason))

    def drop_rows(self, mask: np.ndarray, column: str | None, reason: pd.Series | str) -> None:
        if np.asarray(mask).any():
            self.dropped.append(self._rows(mask, column, reason))

    def dates(self, column: str) -> ParsedDates:
        parsed = parse_dates(self.table.frame[column])
        if parsed.order:
            how = "assumed (the values do not decide)" if parsed.ambiguous else "decided"
            self.notes.append(f"{self.where()}: column {column!r} read {parsed.order}, "
                              f"{how}")
            if parsed.ambiguous:
                self.ambiguous.append(f"{self.where()}: column {column!r}")
        return parsed

    def vocab(self, column: str | None, field_name: str, n: int) -> pd.Series:
        if column is None:
            return pd.Series([None] * n, index=self.table.frame.index, dtype=object)
        extra = (self.ctx.vocab or {}).get(field_name)
        if extra is None and field_name == "status":
            extra = (self.ctx.vocab or {}).get("event")
        values, unknown = normalise(self.table.frame[column], field_name, extra)
        if len(unknown):
            self.unknown.append(unknown)
        return values

    def result(self, events: pd.DataFrame, applications: pd.DataFrame) -> Interpreted:
        def cat(parts: list[pd.DataFrame], cols: list[str]) -> pd.DataFrame:
            return (pd.concat(parts, ignore_index=True) if parts
                    else pd.DataFrame(columns=cols))

        return Interpreted(events, applications, cat(self.quarantine, ROW_COLUMNS),
                           cat(self.dropped, ROW_COLUMNS), cat(self.unknown, UNKNOWN_COLUMNS),
                           self.notes, self.ambiguous)


def text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings; missing markers become NA."""
    out = values.astype("string").str.strip()
    return out.mask(is_missing(values))


def tag(table: RawTable) -> str:
    """Short provenance prefix for generated application ids."""
    name = PurePath(table.file).name if not table.file.startswith("<") else table.file
    return name + (f"[{table.sheet}]" if table.sheet else "")


def seekers(table: RawTable, column: str | None, ctx: Context) -> pd.Series:
    """The seeker of each row: the seeker column, else the folder's file name, the
    ``seeker=`` argument, or ``"self"``."""
    fallback = table.seeker_hint or ctx.seeker or "self"
    if column is None:
        return pd.Series(fallback, index=table.frame.index, dtype="string")
    return text(table.frame[column]).fillna(fallback)


def row_ids(table: RawTable, id_column: str | None, seeker: pd.Series,
            seeker_column: str | None) -> pd.Series:
    """Application ids for one-row-per-application layouts, unique within the table.

    From the id column when there is one (prefixed by file and, in cohort sheets, seeker),
    else ``file[sheet]:row``.
    """
    rows = pd.Series(table.frame.index.astype(str), index=table.frame.index)
    base = tag(table) + ":"
    if id_column is None:
        return (base + rows).astype("string")
    ids = text(table.frame[id_column])
    who = (seeker + ":") if seeker_column is not None else ""
    out = (base + who + ids).fillna(base + "row" + rows)
    dup = out.duplicated(keep=False)
    return out.where(~dup, out + ":row" + rows).astype("string")


def events_frame(app_id: pd.Series, dates: pd.Series, event: str | pd.Series,
                 mask: np.ndarray, column: str | None, *, date_known: bool = True,
                 channel: pd.Series | None = None, letter_type: pd.Series | None = None,
                 recipient: pd.Series | None = None, note: pd.Series | None = None
                 ) -> pd.DataFrame:
    """Select the rows in `mask` as events of one kind (or per-row kinds)."""
    mask = np.asarray(mask, dtype=bool)

    def pick(s: pd.Series | None) -> object:
        return s[mask].to_numpy(dtype=object) if s is not None else None

    return pd.DataFrame({
        "application_id": app_id[mask].to_numpy(dtype=object),
        "date": dates[mask].to_numpy(),
        "event": event[mask].to_numpy(dtype=object) if isinstance(event, pd.Series) else event,
        "channel": pick(channel), "letter_type": pick(letter_type),
        "recipient": pick(recipient), "note": pick(note), "date_known": date_known,
        "source_row": app_id.index.to_numpy()[mask], "column": column,
    }, columns=EVENT_FIELDS)


def carried(table: RawTable, columns: tuple[str, ...] | list[str], keep: np.ndarray,
            reserved: set[str]) -> pd.DataFrame:
    """Unmapped input columns, untouched, for the kept rows (renamed if they would clash
    with a canonical column)."""
    cols = [c for c in columns if c in table.frame.columns]
    out = table.frame.loc[np.asarray(keep, dtype=bool), cols].reset_index(drop=True)
    return out.rename(columns={c: f"{c} (input)" for c in cols if c in reserved})
