"""Assemble the canonical log from interpreted tables without per-row string hashing.

:meth:`JobSearchLog.from_frames` validates arbitrary user frames, which costs several passes
of hashing application-id strings (sorting, duplicate and orphan checks). The frames built by
the layouts are canonical by construction (categorical vocabularies, unique ids per table,
no orphan events), so :func:`assemble` only converts dtypes and sorts on integer keys:
table, application key (a row number or a group code), date, event. The result has the same
columns, dtypes and content as ``from_frames`` would give (a test checks it); events are
grouped by application in input order rather than in lexicographic id order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..log import APPLICATION_COLUMNS, CATEGORIES, EVENT_COLUMNS, JobSearchLog
from .report import LoadReport


def _strings(values: np.ndarray | pd.Series) -> pd.arrays.StringArray:
    """Text (str or missing) as the "string" dtype, without per-element re-validation."""
    arr = np.array(values, dtype=object)
    arr[pd.isna(arr)] = pd.NA
    return pd.arrays.StringArray(arr)


def _constant(values: np.ndarray, sizes: np.ndarray) -> pd.arrays.StringArray:
    """One value per table, repeated over its (contiguous, in order) events."""
    parts = [pd.Series(v, index=range(k), dtype="string") for v, k in zip(values, sizes,
                                                                           strict=True)]
    return pd.concat(parts, ignore_index=True).array


def assemble(events: Sequence[pd.DataFrame], applications: Sequence[pd.DataFrame],
             sources: Sequence[tuple[str, str | None]], *, report: LoadReport,
             as_of: pd.Timestamp | None, seeker: str) -> JobSearchLog:
    """Build a :class:`JobSearchLog` from per-table canonical parts.

    Parameters
    ----------
    events : sequence of DataFrame
        Per table: ``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_row, app_key`` with categorical vocabulary columns.
    applications : sequence of DataFrame
        Per table: ``application_id, seeker, company, role, applied_on`` + carried columns.
    sources : sequence of (file, sheet)
        Provenance of each table, in the same order.
    report : LoadReport
    as_of : Timestamp or None
        Censoring date; default the latest date in the data.
    seeker : str
        Seeker of applications that name none.

    Returns
    -------
    JobSearchLog
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_file, source_sheet, source_row``) sorted by table, application,
        date and event; ``applications`` (``application_id, seeker, company, role,
        applied_on`` + carried columns).
    """
    sizes = np.array([len(e) for e in events], dtype=np.int64)
    ev = pd.concat(events, ignore_index=True)
    table = np.repeat(np.arange(len(events)), sizes)
    date = ev["date"].to_numpy(dtype="datetime64[s]")
    order = np.lexsort((ev["event"].cat.codes.to_numpy(), date.view(np.int64),
                        ev["app_key"].to_numpy(dtype=np.int64), table))
    ev = ev.take(order)
    files = np.array([f for f, _ in sources], dtype=object)
    sheets = np.array([s for _, s in sources], dtype=object)
    is_fu = (ev["event"] == "followup").to_numpy()
    out = pd.DataFrame({
        "application_id": _strings(ev["application_id"]),
        "date": date[order],
        "event": ev["event"].array,
    })
    for name in ("channel", "letter_type", "recipient"):
        col = ev[name].astype(CATEGORIES[name])
        codes = col.cat.codes.to_numpy().copy()
        codes[(codes < 0) & is_fu] = CATEGORIES[name].categories.get_loc("unknown")
        out[name] = pd.Categorical.from_codes(codes, dtype=CATEGORIES[name])
    out["note"] = _strings(ev["note"])
    out["date_known"] = ev["date_known"].to_numpy(dtype=bool)
    out["source_file"] = _constant(files, sizes)
    out["source_sheet"] = _constant(sheets, sizes)
    out["source_row"] = pd.array(ev["source_row"].to_numpy(dtype=np.int64), dtype="Int64")
    out = out[EVENT_COLUMNS]

    apps = pd.concat(applications, ignore_index=True)
    base = pd.DataFrame({
        "application_id": _strings(apps["application_id"]),
        "seeker": _strings(apps["seeker"].where(apps["seeker"].notna(), seeker)),
        "company": _strings(apps["company"]),
        "role": _strings(apps["role"]),
        "applied_on": pd.to_datetime(apps["applied_on"]).to_numpy(dtype="datetime64[s]"),
    })
    extra = [c for c in apps.columns if c not in APPLICATION_COLUMNS]
    apps = pd.concat([base, apps[extra].reset_index(drop=True)], axis=1)

    if as_of is None:
        latest = [d.max() for d in (out["date"], apps["applied_on"]) if d.notna().any()]
        as_of = max(latest) if latest else pd.Timestamp.today().normalize()
    return JobSearchLog(out.reset_index(drop=True), apps, report, pd.Timestamp(as_of))
