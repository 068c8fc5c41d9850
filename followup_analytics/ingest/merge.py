"""The same application seen twice: a cleaned copy of a sheet, or two sources.

- :func:`copy_sheets`: a sheet whose applications (company, role, date) mostly repeat those
  of an earlier sheet of the same file is a copy (a "cleaned" or "final" version kept beside
  the raw one); its rows go to ``report.dropped`` instead of being counted twice.
- :func:`merge_sources`: an application in one file that matches one in another file (same
  company and role, as keys; application dates at most :data:`MERGE_DAYS` apart) is one
  application: the events of the second move to the first (its ``applied`` event is dropped)
  and every merge is listed in ``report.merges``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..loadreport import MERGE_COLUMNS
from ..text import key

#: Application dates at most this many days apart may be the same application.
MERGE_DAYS = 3
#: Share of a sheet's applications repeating an earlier sheet that makes it a copy.
COPY_SHARE = 0.8


def _fingerprints(apps: pd.DataFrame) -> pd.Series:
    company = apps["company"].astype(object).map(key, na_action="ignore").fillna("")
    role = apps["role"].astype(object).map(key, na_action="ignore").fillna("")
    day = pd.to_datetime(apps["applied_on"]).dt.strftime("%Y-%m-%d").fillna("")
    return company + "\x1f" + role + "\x1f" + day


def copy_sheets(files: list[str], sheets: list[str | None],
                apps: list[pd.DataFrame]) -> dict[int, str]:
    """Tables (by position) that copy an earlier sheet of the same file -> the reason."""
    out: dict[int, str] = {}
    prints = [set(_fingerprints(a)) if len(a) and "company" in a else set() for a in apps]
    for i in range(len(apps)):
        if sheets[i] is None or not len(apps[i]) or not apps[i]["company"].notna().any():
            continue
        for j in range(i):
            if j in out or files[j] != files[i] or not prints[j]:
                continue
            shared = len(prints[i] & prints[j])
            if shared >= COPY_SHARE * len(prints[i]):
                out[i] = (f"copy of sheet {sheets[j]!r}: {shared} of {len(prints[i])} "
                          "applications repeat it")
                break
    return out


def merge_sources(events: pd.DataFrame, apps: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Merge applications that two different files both record.

    Parameters
    ----------
    events, apps : DataFrame
        The assembled log's frames (``source_file`` on events).

    Returns
    -------
    events, apps, merges : DataFrame
        The frames with merged applications folded into the first one seen, and
        ``report.merges`` rows (:data:`~followup_analytics.loadreport.MERGE_COLUMNS`).
    """
    empty = pd.DataFrame(columns=MERGE_COLUMNS)
    applied = events[events["event"].eq("applied").to_numpy(dtype=bool, na_value=False)]
    first = applied.drop_duplicates("application_id")
    source = pd.Series(first["source_file"].to_numpy(dtype=object),
                       index=first["application_id"].to_numpy(dtype=object))
    a = apps[["application_id", "company", "role", "applied_on"]].copy()
    a["file"] = a["application_id"].map(source).to_numpy(dtype=object)
    a = a[a["company"].notna() & a["role"].notna() & a["applied_on"].notna()
          & a["file"].notna()]
    if a["file"].nunique() < 2:
        return events, apps, empty
    a["k"] = (a["company"].astype(object).map(key) + "\x1f"
              + a["role"].astype(object).map(key))
    a = a[a["k"].str.len() > 1]
    pairs = a.merge(a, on="k", suffixes=("", "_2"))
    days = (pd.to_datetime(pairs["applied_on_2"]) - pd.to_datetime(pairs["applied_on"])).dt.days
    order = pd.Index(apps["application_id"]).get_indexer
    pairs = pairs[(pairs["file"] != pairs["file_2"]) & (days.abs() <= MERGE_DAYS)
                  & (order(pairs["application_id"]) < order(pairs["application_id_2"]))]
    if not len(pairs):
        return events, apps, empty
    pairs = pairs.drop_duplicates("application_id_2")  # each folded once, into the first
    pairs = pairs[~pairs["application_id"].isin(pairs["application_id_2"])]
    into = dict(zip(pairs["application_id_2"], pairs["application_id"], strict=True))
    ids = events["application_id"].astype(object)
    moved = ids.isin(list(into)).to_numpy()
    drop = moved & events["event"].eq("applied").to_numpy(dtype=bool, na_value=False)
    ev = events.loc[~drop].copy()
    ev["application_id"] = ev["application_id"].astype(object).replace(into).astype(
        events["application_id"].dtype)
    pos = pd.Index(apps["application_id"]).get_indexer(ev["application_id"])
    day = ev["date"].to_numpy(dtype="datetime64[s]").view(np.int64)
    day = np.where(ev["date"].isna().to_numpy(), np.iinfo(np.int64).max, day)  # undated last
    ev = ev.iloc[np.lexsort((day, pos))].reset_index(drop=True)
    kept = apps[~apps["application_id"].isin(list(into))].reset_index(drop=True)
    merges = pd.DataFrame({
        "application_id": pairs["application_id"].to_numpy(),
        "merged_id": pairs["application_id_2"].to_numpy(),
        "company": pairs["company"].to_numpy(), "role": pairs["role"].to_numpy(),
        "file": pairs["file"].to_numpy(), "merged_file": pairs["file_2"].to_numpy(),
        "days_apart": days.loc[pairs.index].abs().to_numpy()}, columns=MERGE_COLUMNS)
    return ev, kept, merges
