"""Events as numpy arrays grouped by application: the index behind :mod:`.features`.

``_Index`` holds a log's events sorted by application and date, with a *rank* per
application (its position among the applications that have events), day numbers and integer
search keys ``rank * big + day`` so that "the latest interview on or before this follow-up,
same application" is one ``np.searchsorted`` for all follow-ups at once (:func:`_search`).
The small helpers turn the results back into pandas columns (dates, nullable booleans and
integers). Private: only :mod:`.features` uses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import vocab
from ..log import JobSearchLog


def _positions(app_ids: pd.Series, event_ids: np.ndarray) -> np.ndarray:
    """Position in the application table of each id (fast path: same order, no gaps)."""
    ids = app_ids.to_numpy(dtype=object)
    if len(ids) == len(event_ids) and (ids == event_ids).all():
        return np.arange(len(ids))
    return pd.Index(app_ids).get_indexer(event_ids)


class _Index:
    """Events as numpy arrays, grouped by application (``rank``) and keyed for searches."""

    def __init__(self, log: JobSearchLog) -> None:
        ev, apps = log.events, log.applications
        ids = ev["application_id"].to_numpy(dtype=object)
        change = np.empty(len(ids), dtype=bool)
        change[:1] = True
        change[1:] = ids[1:] != ids[:-1]
        pos = _positions(apps["application_id"], ids[change])
        if (
            len(pos) and np.bincount(pos[pos >= 0]).max() > 1
        ):  # not grouped by application: sort once
            ev = ev.sort_values(["application_id", "date"], kind="stable", ignore_index=True)
            ids = ev["application_id"].to_numpy(dtype=object)
            change[1:] = ids[1:] != ids[:-1]
            pos = _positions(apps["application_id"], ids[change])
        self.apps = apps
        self.n_apps, self.n_rank = len(apps), len(pos)
        self.pos = pos  # application position of each rank
        self.rank = np.cumsum(change) - 1
        dates = ev["date"].to_numpy().astype("datetime64[D]")
        undated = np.isnat(dates)
        day = dates.astype(np.int64)
        applied = apps["applied_on"].to_numpy().astype("datetime64[D]")
        applied_ok = ~np.isnat(applied)
        self.applied_app = np.where(applied_ok, applied.astype(np.int64), 0).astype(float)
        self.applied_app[~applied_ok] = np.nan
        if undated.any():  # NaT: sort it after the application's dated events (never a date)
            latest = np.full(len(pos), -np.inf)
            np.maximum.at(latest, self.rank[~undated], day[~undated])
            start = np.where(pos >= 0, self.applied_app[np.maximum(pos, 0)], np.nan)
            fill = np.where(np.isfinite(latest), latest, start)
            anchor = np.nanmin(np.r_[day[~undated], self.applied_app[applied_ok], np.inf])
            fill = np.where(np.isfinite(fill), fill, anchor if np.isfinite(anchor) else 0)
            day = np.where(undated, fill[self.rank], day).astype(np.int64)
        known_days = np.concatenate([day, self.applied_app[applied_ok].astype(np.int64)])
        self.dmin = int(known_days.min()) if len(known_days) else 0
        dmax = int(known_days.max()) if len(known_days) else 0
        self.big = dmax - self.dmin + 1
        self.day = day
        self.key = self.rank * self.big + (day - self.dmin)
        if len(day) > 1 and np.any(np.diff(self.key) < 0):  # dates unsorted within application
            order = np.lexsort((day, self.rank))
            ev = ev.iloc[order].reset_index(drop=True)
            self.day, self.key, self.rank = day[order], self.key[order], self.rank[order]
        self.ev = ev
        self.kind = ev["event"].cat.codes.to_numpy()
        self.known = ev["date_known"].to_numpy(dtype=bool) & ~ev["date"].isna().to_numpy()
        # a second event of one follow-up action ("Email + posted letter") is not another
        # follow-up: counts and timings see each action once
        action = (
            ev["action_id"].to_numpy(dtype=float, na_value=np.nan)
            if "action_id" in ev
            else np.full(len(ev), np.nan)
        )
        again = np.zeros(len(ev), dtype=bool)
        again[1:] = (action[1:] == action[:-1]) & (self.rank[1:] == self.rank[:-1])
        self.repeat_action = again
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self.codes = {
            c: ev[c].cat.codes.to_numpy() for c in ("channel", "letter_type", "recipient")
        }
        self.identity = bool(len(pos) == self.n_apps and (pos == np.arange(len(pos))).all())
        self.applied = self.applied_app[pos] if len(pos) else np.empty(0)
        self.as_of_day = int(np.datetime64(log.as_of.date(), "D").astype(np.int64))

    def mask(self, *events: str) -> np.ndarray:
        if events not in self._masks:
            lut = np.zeros(len(vocab.EVENTS) + 1, dtype=bool)  # last slot: missing (code -1)
            lut[[vocab.EVENTS.index(e) for e in events]] = True
            self._masks[events] = lut[self.kind]
        return self._masks[events]

    def first_day(self, mask: np.ndarray) -> np.ndarray:
        """Per rank: the earliest day of the masked events (NaN when none)."""
        out = np.full(self.n_rank, np.nan)
        r, d = self.rank[mask], self.day[mask]
        first = np.r_[True, r[1:] != r[:-1]] if len(r) else np.empty(0, bool)
        out[r[first]] = d[first]
        return out

    def last_day(self, mask: np.ndarray) -> np.ndarray:
        out = np.full(self.n_rank, np.nan)
        r, d = self.rank[mask], self.day[mask]
        last = np.r_[r[1:] != r[:-1], True] if len(r) else np.empty(0, bool)
        out[r[last]] = d[last]
        return out

    def count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.rank[mask], minlength=self.n_rank)

    def to_apps(self, values: np.ndarray, fill: object) -> np.ndarray:
        """Scatter per-rank values to application positions (``fill`` where no events)."""
        if self.identity:
            return np.asarray(values)
        out = np.full(
            self.n_apps, fill, dtype=np.asarray(values).dtype if len(values) else type(fill)
        )
        out[self.pos] = values
        return out


def _search(
    tkey: np.ndarray, qkey: np.ndarray, qbase: np.ndarray, big: int, *, direction: str
) -> np.ndarray:
    """Index into sorted ``tkey`` of the match in the query's own group, or -1.

    ``direction``: "on_or_before" (latest), "on_or_after" / "after" (next).
    """
    if direction == "on_or_before":
        idx = np.searchsorted(tkey, qkey, side="right") - 1
        ok = idx >= 0
        ok[ok] = tkey[idx[ok]] >= qbase[ok]
    else:
        idx = np.searchsorted(tkey, qkey, side="left" if direction == "on_or_after" else "right")
        ok = idx < len(tkey)
        ok[ok] = tkey[idx[ok]] < qbase[ok] + big
    return np.where(ok, idx, -1)


def _take(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values[idx]`` as float, NaN where ``idx`` is -1."""
    out = np.full(len(idx), np.nan)
    ok = idx >= 0
    out[ok] = values[idx[ok]]
    return out


def _to_date(days: np.ndarray) -> np.ndarray:
    """Days since 1970 (float, NaN = missing) -> datetime64[s] with NaT."""
    nat = np.iinfo(np.int64).min
    return np.where(np.isfinite(days), days * 86400, nat).astype(np.int64).view("datetime64[s]")


def _nullable(values: np.ndarray, valid: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(np.asarray(values, dtype=bool), ~np.asarray(valid, bool))


def _int_na(values: np.ndarray) -> pd.arrays.IntegerArray:
    ok = np.isfinite(values)
    return pd.arrays.IntegerArray(np.where(ok, values, 0).astype(np.int64), ~ok)


def _per_rank_any(ix: _Index, rank: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.bincount(rank[mask], minlength=ix.n_rank) > 0
