"""Assemble the canonical log from interpreted tables without per-row string hashing.

:meth:`JobSearchLog.from_frames` validates arbitrary user frames, which costs several passes
of hashing application-id strings (sorting, duplicate and orphan checks). The frames built by
the layouts are canonical by construction (categorical vocabularies, unique ids per table,
events pointing at their application by position), so :func:`assemble` only converts dtypes
and sorts on integer keys: table, application position, date, event. The result has the same
columns, dtypes and content as ``from_frames`` would give (a test checks it); events are
grouped by application in input order rather than in lexicographic id order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..loadreport import LoadReport
from ..log import APPLICATION_COLUMNS, CATEGORIES, EVENT_COLUMNS, JobSearchLog, default_as_of
from .raw import Parts

#: The "string" dtype of the log's text columns (NA-valued, Python storage).
STRING = pd.StringDtype("python", na_value=pd.NA)


def _strings(values: np.ndarray | pd.Series, missing: str = "any") -> pd.arrays.StringArray:
    """Text as the "string" dtype. `missing`: ``"any"`` (None or NaN may occur), ``"none"``
    (only None may occur: a cheaper test) or ``"never"``. Values that already are a
    :class:`~pandas.arrays.StringArray` are used as they are."""
    if isinstance(values, pd.Series) and values.dtype == STRING:
        return values.array
    arr = np.array(values, dtype=object)
    if missing != "never":
        none = np.array(None, dtype=object)  # as numpy's type stubs accept None
        arr[pd.isna(arr) if missing == "any" else np.equal(arr, none)] = pd.NA
    return pd.arrays.StringArray(arr)


def _seekers(values: pd.Series, seeker: str) -> pd.arrays.StringArray:
    """The seeker column with `seeker` where it names none."""
    if values.dtype == STRING:
        arr = values.array
        missing = arr.isna()
        if not missing.any():
            return arr
        arr = arr.copy()
        arr[missing] = seeker
        return arr
    return _strings(values.where(values.notna(), seeker), "never")


def _constant(values: np.ndarray, sizes: np.ndarray) -> pd.arrays.StringArray:
    """One value per table, repeated over its (contiguous, in order) events."""
    per = pd.arrays.StringArray(np.array([pd.NA if v is None else v for v in values], dtype=object))
    return per.take(np.repeat(np.arange(len(per)), sizes))


def _order(table: np.ndarray, app: np.ndarray, date: np.ndarray, event: np.ndarray) -> np.ndarray:
    """Sort order by table, application position, date and event.

    The four integer keys are packed into one int64 when their ranges fit (they do for any
    realistic input: dates are within 1990..as_of + 1 year by then), which sorts an order of
    magnitude faster than :func:`numpy.lexsort`; otherwise lexsort.
    """
    days = date.astype("datetime64[D]").view(np.int64)
    nat = np.isnat(date)
    if nat.any():  # undated events sort after the dated ones of their application
        days = np.where(nat, days[~nat].max() + 1 if (~nat).any() else 0, days)
    keys = [table, app, days, event]
    mins = [int(k.min()) if len(k) else 0 for k in keys]
    lows = [0, mins[1], mins[2], 0]  # table and event codes are packed as they are
    bits = [
        (int(k.max()) - lo).bit_length() if len(k) else 0 for k, lo in zip(keys, lows, strict=True)
    ]
    if mins[0] < 0 or mins[3] < 0 or sum(bits) > 62:
        return np.lexsort([k.astype(np.int64) - lo for k, lo in zip(keys, lows, strict=True)][::-1])
    packed = np.zeros(len(date), dtype=np.int64)
    for k, lo, b in zip(keys, lows, bits, strict=True):
        if b:  # in place: no temporary per key
            packed <<= b
            packed += k
            if lo:
                packed -= lo
    return np.argsort(packed, kind="stable")


def _actions(
    table: np.ndarray, rows: np.ndarray, column: np.ndarray, is_fu: np.ndarray
) -> pd.arrays.IntegerArray:
    """Follow-up action ids: the follow-ups of one input row taken from one column are one
    action (a cell naming two channels gives two events); NA for other events."""
    ids = np.zeros(len(rows), dtype=np.int64)
    if is_fu.any():
        k = (
            (table[is_fu].astype(np.int64) << 42)
            + (rows[is_fu].astype(np.int64) << 12)
            + column[is_fu].astype(np.int64)
            + 1
        )
        ids[is_fu] = pd.factorize(k)[0] + 1
    return pd.arrays.IntegerArray(ids, ~is_fu)


def _unstack(
    files: pd.arrays.StringArray,
    rows: np.ndarray,
    table: np.ndarray,
    parts: Sequence[Parts | None],
) -> tuple[pd.arrays.StringArray, np.ndarray]:
    """Each event's own file and row, for the tables read from several files."""
    out = files.to_numpy(dtype=object)
    rows = rows.copy()
    for k, p in enumerate(parts):
        if p is None:
            continue
        sel = np.flatnonzero(table == k)
        which, rows[sel] = p.locate(rows[sel])
        out[sel] = np.asarray(p.files, dtype=object)[which]
    return pd.arrays.StringArray(out), rows


def assemble(
    events: Sequence[pd.DataFrame],
    applications: Sequence[pd.DataFrame],
    sources: Sequence[tuple[str, str | None]],
    *,
    report: LoadReport,
    as_of: pd.Timestamp | None,
    seeker: str,
    parts: Sequence[Parts | None] = (),
) -> JobSearchLog:
    """Build a :class:`JobSearchLog` from per-table canonical parts.

    Parameters
    ----------
    events : sequence of DataFrame
        Per table: ``app_pos`` (position of the application in that table's applications),
        ``date, event, channel, letter_type, recipient, note, date_known, source_row``, with
        categorical vocabulary columns.
    applications : sequence of DataFrame
        Per table: ``application_id, seeker, company, role, applied_on`` + carried columns.
    sources : sequence of (file, sheet)
        Provenance of each table, in the same order.
    report : LoadReport
    as_of : Timestamp or None
        Censoring date; default the latest date in the data.
    seeker : str
        Seeker of applications that name none.
    parts : sequence of Parts or None, optional
        Per table, the files of a table read from several files: its events' ``source_row``
        numbers rows across them and become each file's own row and ``source_file``.

    Returns
    -------
    JobSearchLog
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_file, source_sheet, source_row``) sorted by table, application,
        date and event; ``applications`` (``application_id, seeker, company, role,
        applied_on`` + carried columns).
    """
    sizes = np.array([len(e) for e in events], dtype=np.int64)
    ev = events[0] if len(events) == 1 else pd.concat(events, ignore_index=True)
    table = np.repeat(np.arange(len(events), dtype=np.int32), sizes)
    date = ev["date"].to_numpy(dtype="datetime64[s]")
    app_pos = ev["app_pos"].to_numpy(dtype=np.int64)
    event_codes = ev["event"].cat.codes.to_numpy()
    order = _order(table, app_pos, date, event_codes)
    event_codes = event_codes[order]
    files = np.array([f for f, _ in sources], dtype=object)
    sheets = np.array([s for _, s in sources], dtype=object)
    is_fu = event_codes == CATEGORIES["event"].categories.get_loc("followup")
    apps = applications[0] if len(applications) == 1 else pd.concat(applications, ignore_index=True)
    app_ids = _strings(apps["application_id"], "never")
    offsets = np.concatenate([[0], np.cumsum([len(a) for a in applications])[:-1]])
    cols: dict[str, object] = {
        "application_id": app_ids.take(
            app_pos[order] if len(applications) == 1 else (offsets[table] + app_pos)[order]
        ),
        "date": date[order],
        "event": pd.Categorical.from_codes(event_codes, dtype=CATEGORIES["event"]),
    }
    for name in ("channel", "letter_type", "recipient"):
        codes = ev[name].cat.codes.to_numpy()[order]
        codes[(codes < 0) & is_fu] = CATEGORIES[name].categories.get_loc("unknown")
        cols[name] = pd.Categorical.from_codes(codes, dtype=CATEGORIES[name])
    note = ev["note"].astype("string").array
    cols["note"] = note if note.isna().all() else note.take(order)  # all NA: order moot
    cols["date_known"] = ev["date_known"].to_numpy(dtype=bool)[order]
    rows = ev["source_row"].to_numpy(dtype=np.int64)[order]
    cols["action_id"] = _actions(
        table[order],
        rows,
        ev["column"].to_numpy()[order] if "column" in ev else np.zeros(len(rows), np.int64),
        is_fu,
    )
    source_file = _constant(files, sizes)
    if any(p is not None for p in parts):
        source_file, rows = _unstack(source_file, rows, table[order], parts)
    cols["source_file"] = source_file
    cols["source_sheet"] = _constant(sheets, sizes)
    cols["source_row"] = pd.arrays.IntegerArray(rows, np.zeros(len(rows), dtype=bool))
    out = pd.DataFrame(cols, columns=EVENT_COLUMNS, copy=False)

    base = pd.DataFrame(
        {
            "application_id": app_ids,
            "seeker": _seekers(apps["seeker"], seeker),
            "company": _strings(apps["company"]),
            "role": _strings(apps["role"]),
            "applied_on": pd.to_datetime(apps["applied_on"]).to_numpy(dtype="datetime64[s]"),
        }
    )
    extra = [c for c in apps.columns if c not in APPLICATION_COLUMNS]
    apps = pd.concat([base, apps[extra].reset_index(drop=True)], axis=1)

    if as_of is None:
        as_of = default_as_of(out["date"], apps["applied_on"])
    return JobSearchLog(out, apps, report, pd.Timestamp(as_of))
