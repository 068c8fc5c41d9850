"""A folder of many small trackers loads exactly as its files loaded one by one.

Header matching is remembered across the tables of one ``load()``, columns of a few
distinct texts take a plain date parser and files sharing a header line are read as one
table (:mod:`followup_analytics.ingest.stacking`), so a folder could drift from its files. Here 200
small trackers (five header sets, per-seeker names, bad cells that are quarantined,
day-first and month-first dates, blank rows) are loaded as a folder and compared with each
file's tables interpreted alone, from a cold start and with the vectorised date parser.

Ordering: the folder's frames are compared after sorting by file, sheet and row (the
folder stacks its files in name order); ``application_id`` is compared through the rows
it joins (ids are numbered per load), and the seeker of a file alone is the file stem, as in
the folder, because the reference tables come from the same reader.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from followup_analytics import load
from followup_analytics.ingest import _smalldates, columns
from followup_analytics.ingest.load import load_tables
from followup_analytics.ingest.readers import read_source
from followup_analytics.ingest.sources import expand_sources

_HEADERS = [
    ["Company", "Date Applied", "Follow-up Date", "Status"],
    ["Company", "Role", "Applied", "Followed up?", "Reply date", "Notes"],
    ["Seeker", "Company", "Date Applied", "Follow-up Date", "Status"],
    ["Employer", "Position", "Application Date", "Interview Date", "Outcome"],
    ["Firma", "Beworben am", "Status"],
]
_STATUS = ["Applied", "Rejected", "Ghosted", "Interviewing", "Offer", "no response", "??"]


def _date(rng: np.random.Generator, style: int) -> str:
    d, m = int(rng.integers(1, 29)), int(rng.integers(1, 7))
    if rng.random() < 0.08:
        return ["soon", "31/02/2026", "2026-13-01", "-", ""][int(rng.integers(0, 5))]
    return [
        f"2026-{m:02d}-{d:02d}",
        f"{d:02d}/{m:02d}/2026",
        f"{m}/{d}/26",
        f"{d}.{m}.2026",
        f"Mar {d}, 2026",
    ][style]


def _cell(h: str, rng: np.random.Generator, style: int, seeker: int, i: int) -> str:
    if h in ("Company", "Employer", "Firma"):
        return f"Firm {seeker}-{i}"
    if h in ("Role", "Position"):
        return ["Analyst", "Engineer", "PM"][i % 3]
    if h == "Seeker":
        return f"Person {seeker % 7}"
    if h in ("Status", "Outcome"):
        return _STATUS[int(rng.integers(0, len(_STATUS)))]
    if h == "Followed up?":
        return ["Yes", "No", ""][int(rng.integers(0, 3))]
    if h == "Notes":
        return ["", "called, no answer", "Email + letter"][int(rng.integers(0, 3))]
    return _date(rng, style)


def _folder(path, n: int = 200):
    rng = np.random.default_rng(11)
    path.mkdir()
    for s in range(n):
        header = _HEADERS[s % len(_HEADERS)]
        style = int(rng.integers(0, 5))
        rows = [",".join(header)]
        for i in range(int(rng.integers(1, 6))):
            rows.append(",".join(_cell(h, rng, style, s, i) for h in header))
            if rng.random() < 0.05:
                rows.append("," * (len(header) - 1))
        (path / f"seeker_{s:03d}.csv").write_text("\n".join(rows) + "\n")
    return path


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    f = frame.copy()
    for c in f.columns:  # compare the values, not the categories each load happened to see
        if isinstance(f[c].dtype, pd.CategoricalDtype):
            f[c] = f[c].astype(object)
    keys = [c for c in by if c in f.columns]
    return f.sort_values(keys, kind="stable", ignore_index=True) if keys else f


def _columns_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Original cells: the input columns in name order (files stack in any order)."""
    lead = [c for c in ("file", "sheet", "row") if c in frame.columns]
    return frame[lead + sorted(c for c in frame.columns if c not in lead)]


def _app_rows(log) -> pd.Series:
    """Each application named by the (file, sheet, first row) of its events."""
    ev = log.events
    first = ev.groupby("application_id", observed=True)[["source_file", "source_row"]].min()
    return first["source_file"].astype(str) + "|" + first["source_row"].astype(str)


def _canonical(log) -> dict[str, pd.DataFrame]:
    names = _app_rows(log)
    ev = log.events.assign(application_id=log.events["application_id"].map(names))
    ap = log.applications.assign(application_id=log.applications["application_id"].map(names))
    rows = ["file", "sheet", "row", "column", "input_column", "reason"]
    r = log.report
    ev = _sorted(ev, ["source_file", "source_sheet", "source_row", "event", "date"])
    if "action_id" in ev.columns:  # numbered per load: named by its first event's position
        pos = ev.groupby("source_file", observed=True).cumcount()  # within its file
        first = pos.groupby(ev["action_id"]).transform("min")
        ev["action_id"] = first.where(ev["action_id"].notna())
    return {
        "events": ev,
        "applications": _sorted(ap, ["application_id"]),
        "sources": _sorted(r.sources, ["file", "sheet"]),
        # the evidence of a group read as one table is the group's (score, share of dates)
        "mapping": _sorted(
            r.mapping[["file", "sheet", "input_column", "field"]], ["file", "sheet"]
        ),
        "quarantine": _sorted(r.quarantine, rows),
        "dropped": _sorted(r.dropped, rows),
        "unmapped": _sorted(r.unmapped, rows),
        "quarantined_cells": _sorted(_columns_sorted(r.quarantined_cells), rows),
        "unknown_values": _sorted(r.unknown_values, ["field", "value"]),
        "merges": _sorted(r.merges, list(r.merges.columns)),
    }


def _one_by_one(folder) -> dict[str, pd.DataFrame]:
    parts: dict[str, list[pd.DataFrame]] = {}
    for source in expand_sources([str(folder)]):
        tables, skipped = read_source(source)
        columns._remembered.cache_clear()  # a cold start: nothing remembered
        log = load_tables(tables, skipped, as_of="2026-12-31")
        for name, frame in _canonical(log).items():
            parts.setdefault(name, []).append(frame)
    out = {}
    for name, frames in parts.items():
        frames = [f for f in frames if len(f)] or frames[:1]
        out[name] = pd.concat(frames, ignore_index=True)
    unknown = out["unknown_values"]
    out["unknown_values"] = (
        unknown.groupby(["field", "value"], as_index=False)["count"].sum()
        if len(unknown)
        else unknown
    )
    return out


@pytest.mark.slow
def test_folder_of_small_trackers_loads_as_its_files_one_by_one(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "trackers")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        columns._remembered.cache_clear()
        log = load(folder, as_of="2026-12-31")
        together = _canonical(log)
        with monkeypatch.context() as m:
            m.setattr(_smalldates, "MAX_FEW", -1)  # the reference: vectorised dates
            alone = _one_by_one(folder)
    stacked = [n for n in log.report.notes if "read as one table" in n]
    assert len(stacked) >= 3  # most files were read in groups sharing a header line
    assert len(together["quarantine"]) > 5  # the bad cells were met
    assert together["sources"]["n_loaded"].sum() > 400
    assert together["events"]["application_id"].str.contains("Person").sum() == 0
    for name in together:
        a = alone[name]
        t = together[name]
        if name == "quarantined_cells":
            a = _columns_sorted(a)
        if name == "unknown_values":
            t = _sorted(t, ["field", "value"])
            a = _sorted(a, ["field", "value"])
        pd.testing.assert_frame_equal(
            t,
            a.astype(t.dtypes.to_dict()) if len(a) else a,
            check_dtype=False,
            check_index_type=False,
            obj=name,
        )
