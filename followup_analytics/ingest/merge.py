"""The same application seen twice: a cleaned copy of a sheet, or two sources.

- :func:`copy_sheets`: a sheet whose applications (company, role, date) mostly repeat those
  of an earlier sheet of the same file is a copy (a "cleaned" or "final" version kept beside
  the raw one); its rows go to ``report.dropped`` instead of being counted twice.
- :func:`merge_sources`: an application in one file that matches one in another file of the
  same seeker (same company and role, as keys; application dates at most :data:`MERGE_DAYS` apart) is one
  application: the events of the second move to the first (its ``applied`` event is dropped)
  and every merge is listed in ``report.merges``. A file without any application date (a
  file of replies) joins the applications of the other files by company (and role when
  both name one).
- :func:`seeker_sheets`: sheets with the same columns named like people are one seeker each.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from ..loadreport import MERGE_COLUMNS
from ..text import key
from .raw import RawTable

#: Application dates at most this many days apart may be the same application.
MERGE_DAYS = 3
#: Share of a sheet's applications repeating an earlier sheet that makes it a copy.
COPY_SHARE = 0.8


def _keys(values: pd.Series) -> pd.Series:
    """:func:`key` of each cell, computed once per distinct value ("" when missing)."""
    codes, uniques = pd.factorize(values.astype(object).to_numpy(), use_na_sentinel=True)
    per = np.array([key(u) for u in uniques] + [""], dtype=object)
    return pd.Series(per[codes], index=values.index)


def _fingerprints(apps: pd.DataFrame) -> pd.Series:
    day = pd.to_datetime(apps["applied_on"]).dt.strftime("%Y-%m-%d").fillna("")
    return _keys(apps["company"]) + "\x1f" + _keys(apps["role"]) + "\x1f" + day


def copy_sheets(
    files: list[str], sheets: list[str | None], apps: list[pd.DataFrame]
) -> dict[int, str]:
    """Tables (by position) that copy an earlier sheet of the same file -> the reason."""
    out: dict[int, str] = {}
    shared_file = {f for f in files if files.count(f) > 1}
    prints = [
        set(_fingerprints(a)) if len(a) and "company" in a and files[i] in shared_file else set()
        for i, a in enumerate(apps)
    ]
    for i in range(len(apps)):
        if sheets[i] is None or not len(apps[i]) or not apps[i]["company"].notna().any():
            continue
        for j in range(i):
            if j in out or files[j] != files[i] or not prints[j]:
                continue
            shared = len(prints[i] & prints[j])
            if shared >= COPY_SHARE * len(prints[i]):
                out[i] = (
                    f"copy of sheet {sheets[j]!r}: {shared} of {len(prints[i])} "
                    "applications repeat it"
                )
                break
    return out


def merge_sources(
    events: pd.DataFrame, apps: pd.DataFrame, anyone: str = "self"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Merge applications that two different files of one seeker both record.

    Parameters
    ----------
    events, apps : DataFrame
        The assembled log's frames (``source_file`` on events).
    anyone : str, default "self"
        The seeker given to rows that name none: such an application may merge with any
        seeker's. Applications of two different named seekers never merge (two students
        of a cohort folder applying to the same role are two applications).

    Returns
    -------
    events, apps, merges : DataFrame
        The frames with merged applications folded into the first one seen, and
        ``report.merges`` rows (:data:`~followup_analytics.loadreport.MERGE_COLUMNS`).
    """
    empty = pd.DataFrame(columns=MERGE_COLUMNS)
    if events["source_file"].nunique() < 2:  # one file: nothing to merge
        return events, apps, empty
    applied = events[events["event"].eq("applied").to_numpy(dtype=bool, na_value=False)]
    first = applied.drop_duplicates("application_id")
    source = pd.Series(
        first["source_file"].to_numpy(dtype=object),
        index=first["application_id"].to_numpy(dtype=object),
    )
    a = apps[["application_id", "seeker", "company", "role", "applied_on"]].copy()
    a["file"] = a["application_id"].map(source).to_numpy(dtype=object)
    a = a[a["company"].notna() & a["file"].notna()]
    if a["file"].nunique() < 2:
        return events, apps, empty
    order = pd.Index(apps["application_id"]).get_indexer
    a["pos"] = order(a["application_id"])
    a["c"] = _keys(a["company"])
    a["r"] = _keys(a["role"]).replace("", None)
    a = a[a["c"].str.len() > 0]
    a["s"] = a["seeker"].astype(object).fillna(anyone)
    # one seeker's own files; a file naming no seeker (`anyone`) may join any seeker's
    pairs = a.merge(a, on=["s", "c"], suffixes=("", "_2"))
    free = a[a["s"] == anyone]
    if len(free) and len(free) < len(a):
        more = pd.concat(
            [
                free.merge(a[a["s"] != anyone], on="c", suffixes=("", "_2")),
                a[a["s"] != anyone].merge(free, on="c", suffixes=("", "_2")),
            ],
            ignore_index=True,
        )
        pairs = pd.concat([pairs, more.drop(columns=["s", "s_2"])], ignore_index=True)
        pairs = pairs.sort_values(["pos", "pos_2"], kind="stable", ignore_index=True)
    pairs = pairs[(pairs["file"] != pairs["file_2"]) & (pairs["pos"] < pairs["pos_2"])]
    days = (pd.to_datetime(pairs["applied_on_2"]) - pd.to_datetime(pairs["applied_on"])).dt.days
    same = (pairs["r"] == pairs["r_2"]) & (days.abs() <= MERGE_DAYS)
    # a file of replies (no application dates at all) joins the applications by company
    dated = a["applied_on"].notna().groupby(a["file"].to_numpy()).any()
    undated_files = set(dated.index[~dated.to_numpy(dtype=bool)])
    roles_agree = pairs["r"].isna() | pairs["r_2"].isna() | (pairs["r"] == pairs["r_2"])
    replies = (
        pairs["file_2"].isin(undated_files)
        & ~pairs["file"].isin(undated_files)
        & pairs["applied_on"].notna()
        & roles_agree
    )
    pairs = pairs[same | replies]
    days = days[same | replies]
    if not len(pairs):
        return events, apps, empty
    pairs = pairs.drop_duplicates("application_id_2")  # each folded once, into the first
    pairs = pairs[~pairs["application_id"].isin(pairs["application_id_2"])]
    into = dict(zip(pairs["application_id_2"], pairs["application_id"], strict=True))
    ids = events["application_id"].astype(object)
    moved = ids.isin(list(into)).to_numpy()
    drop = moved & events["event"].eq("applied").to_numpy(dtype=bool, na_value=False)
    ev = events.loc[~drop].copy()
    ev["application_id"] = (
        ev["application_id"].astype(object).replace(into).astype(events["application_id"].dtype)
    )
    pos = pd.Index(apps["application_id"]).get_indexer(ev["application_id"])
    day = ev["date"].to_numpy(dtype="datetime64[s]").view(np.int64)
    day = np.where(ev["date"].isna().to_numpy(), np.iinfo(np.int64).max, day)  # undated last
    ev = ev.iloc[np.lexsort((day, pos))].reset_index(drop=True)
    kept = apps[~apps["application_id"].isin(list(into))].reset_index(drop=True)
    merges = pd.DataFrame(
        {
            "application_id": pairs["application_id"].to_numpy(),
            "merged_id": pairs["application_id_2"].to_numpy(),
            "company": pairs["company"].to_numpy(),
            "role": pairs["role"].to_numpy(),
            "file": pairs["file"].to_numpy(),
            "merged_file": pairs["file_2"].to_numpy(),
            "days_apart": days.loc[pairs.index].abs().to_numpy(),
        },
        columns=MERGE_COLUMNS,
    )
    return ev, kept, merges


_GENERIC_SHEETS = re.compile(
    r"(?:sheet|tabelle|feuil|hoja|planilha|blatt|table|data|raw|clean|final|copy|old|new|"
    r"archive|backup|template|applications?|jobs?|tracker|log|list|summary|dashboard|"
    r"spring|summer|autumn|fall|winter|jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|"
    r"nov|de[cz]|q[1-4]|week|round|batch|intern|season|\d|秋招|春招|实习|校招|社招|宏)",
    re.IGNORECASE,
)


def seeker_sheets(tables: list[RawTable]) -> tuple[list[RawTable], list[str]]:
    """One sheet per seeker: sheets of one workbook with the same columns whose names are
    not generic (not "Sheet1", a month, a season, a year, "Raw"/"Clean") are taken as the
    seekers' names (unless the rows name their seeker). Returns the tables, seekers set
    where so, and notes."""
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, t in enumerate(tables):
        if t.sheet is not None and t.seeker_hint is None:
            groups.setdefault((t.file, tuple(t.frame.columns)), []).append(i)
    out, notes = list(tables), []
    for (file, _cols), idx in groups.items():
        names = [tables[i].sheet or "" for i in idx]
        if len(idx) < 2 or any(_GENERIC_SHEETS.search(n) or len(n.strip()) < 2 for n in names):
            continue
        for i in idx:
            out[i] = dataclasses.replace(tables[i], seeker_hint=tables[i].sheet)
        notes.append(
            f"{file}: sheets {names} have the same columns and person-like names: "
            "one sheet per seeker"
        )
    return out, notes
