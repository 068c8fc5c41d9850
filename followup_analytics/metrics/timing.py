"""The baseline of a follow-up's timing: what happens to applications not followed up.

Plain words. Responses fade with time: an application still silent on day 20 is less likely
to ever hear back than one on day 2, followed up or not. So "the later the follow-up, the
lower the response" is exactly what no effect of following up produces. Each timing bucket
of :func:`~followup_analytics.response_rates` (``by="timing"``, follow-ups after applying)
therefore gets a **baseline**, matched day by day and seeker by seeker: for a follow-up
sent on day t after applying, the same seeker's applications still waiting on day t (no
response before day t, not withdrawn by day t, day t observed) and **not followed up by day
t**, with a response in the same window, days t to t + ``window``. Matching within the
seeker matters because strong seekers both follow up more and hear back more. On data
where following up changes nothing, the two rates coincide.

Method (count, then infer). For every seeker s and day t, ``n0(s, t)`` baseline
applications and ``k0(s, t)`` of them with a response in the window, from difference
arrays over the applications (no loop over rows). A bucket's baseline rate is the average
of ``k0(s, t) / n0(s, t)`` over the bucket's follow-ups (direct standardisation; a follow-up
whose cell is empty is left out). Its interval is a normal interval: seekers are
independent, and within a seeker the days are taken as perfectly correlated (the same
application is waiting on many days), the largest their covariances can make the variance,
so the interval is conservative rather than too narrow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..log import JobSearchLog
from .features import _compute, features, followups

BASELINE_COLUMNS = ["baseline_rate", "baseline_ci_low", "baseline_ci_high", "baseline_days"]
_Z = 1.959963984540054


def _offsets(f: pd.DataFrame, column: str) -> np.ndarray:
    """Days from applying to `column` (inf when either is missing), with numpy."""
    start = f["applied_on"].to_numpy().astype("datetime64[D]")
    days = (f[column].to_numpy().astype("datetime64[D]") - start).astype(float)
    days[np.isnat(start) | np.isnat(f[column].to_numpy())] = np.inf
    return days


def _baseline_apps(log: JobSearchLog, window: int) -> dict:
    """Per application: its seeker, the last day it belongs to the baseline (-1: never),
    and for those answered in time, the first day whose window holds the response."""
    f = features(log)
    codes, seekers = pd.factorize(f["seeker"], use_na_sentinel=False)
    # an application whose responses are all undated responded at an unknown time: left
    # out (undated final statuses after a dated response come after it)
    undated_only = f["responded"].to_numpy(dtype=bool) & f["first_response_on"].isna().to_numpy()
    ok = f["applied_on"].notna().to_numpy() & ~undated_only
    applied = f["applied_on"].to_numpy().astype("datetime64[D]")
    observed = (np.datetime64(log.as_of.date(), "D") - applied).astype(float)
    observed[np.isnat(applied)] = -1
    first_fu = _offsets(f, "first_followup_on")
    resp = _offsets(f, "first_response_on")
    gone = _offsets(f, "withdrawn_on")
    # last day t in the baseline: before the first follow-up and the withdrawal, not after
    # the first response, observed
    last = np.minimum.reduce([first_fu - 1, resp, gone - 1, observed])
    last = np.where(ok & np.isfinite(last), last, -1).astype(np.int64)
    start = np.maximum(resp - window, 0)
    hit = (last >= 0) & np.isfinite(resp) & (resp <= last + window) & (start <= last)
    return {
        "seeker": codes.astype(np.int64),
        "seekers": pd.Index(seekers),
        "last": last,
        "start": np.where(hit, start, 0).astype(np.int64),
        "hit": hit,
    }


def _count_cells(a: dict, seeker: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``n0`` and ``k0`` at the cells (seeker, day): sorted keys and ``searchsorted``."""
    inside = a["last"] >= 0
    big = int(max(a["last"].max(initial=0), day.max(initial=0))) + 2
    s, q = a["seeker"], seeker * big + day
    lo = seeker * big
    ends = np.sort(s[inside] * big + a["last"][inside])
    n0 = np.searchsorted(ends, lo + big) - np.searchsorted(ends, q)
    h = a["hit"]
    starts = np.sort(s[h] * big + a["start"][h])
    stops = np.sort(s[h] * big + a["last"][h])
    k0 = (np.searchsorted(starts, q, side="right") - np.searchsorted(starts, lo)) - (
        np.searchsorted(stops, q) - np.searchsorted(stops, lo)
    )
    return n0, k0


def baseline_by_day(
    log: JobSearchLog, window: int, horizon: int
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """``n0(s, t)`` and ``k0(s, t)`` per seeker s and day t = 0 … `horizon` (the module).

    Returns
    -------
    n, k : ndarray of int, shape (seekers, horizon + 1)
        Baseline applications of seeker s on day t, and those with a dated response on days
        t to t + `window`.
    seekers : Index
        The seekers, in the order of the rows.
    """
    a = _baseline_apps(log, window)
    g = len(a["seekers"])
    seeker, day = np.divmod(np.arange(g * (horizon + 1)), horizon + 1)
    n, k = _count_cells(a, seeker, day)
    return n.reshape(g, -1), k.reshape(g, -1), a["seekers"]


def timing_baseline(log: JobSearchLog, window: int, buckets: tuple[int, ...]) -> pd.DataFrame:
    """Per timing bucket: the baseline rate of follow-ups after applying (see the module).

    Returns
    -------
    DataFrame
        ``timing`` (the bucket) and :data:`BASELINE_COLUMNS`: the standardised baseline rate,
        its conservative 95% interval, and the number of distinct days it is matched on.
    """
    followups(log, window=window, buckets=buckets)  # validates the arguments
    ix, fa, *_ = _compute(log, window, buckets)
    delay = np.nan_to_num(fa["delay"], nan=-1.0)
    timing = fa["timing"].codes.astype(np.int64)
    keep = fa["eligible"] & (fa["stage"] == 0) & (delay >= 0) & (timing >= 0)
    t = delay[keep].astype(np.int64)
    a = _baseline_apps(log, window)
    s = a["seeker"][ix.pos[fa["rank"][keep]]]
    span = int(t.max()) + 1 if len(t) else 1
    cells, inverse = np.unique(s * span + t, return_inverse=True)
    n0, k0 = _count_cells(a, cells // span, cells % span)
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = np.where(n0 > 0, k0 / n0, np.nan)
        shrunk = (k0 + 0.5) / (n0 + 1)  # keeps a cell's spread above 0 at k = 0 or n
        sd0 = np.sqrt(shrunk * (1 - shrunk) / n0)
    cell_p = p0[inverse.reshape(-1)]
    usable = np.isfinite(cell_p)
    bucket = timing[keep][usable]
    ss, tt, ci = s[usable], t[usable], inverse.reshape(-1)[usable]
    seekers = a["seekers"]
    horizon = int(t.max()) if len(t) else 0
    categories = fa["timing"].categories
    width = len(categories)
    m = np.bincount(bucket, minlength=width).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.bincount(bucket, weights=cell_p[usable], minlength=width) / m
        # seekers independent; within a seeker the days as if perfectly correlated
        per_seeker = np.bincount(
            bucket * len(seekers) + ss, weights=sd0[ci], minlength=width * len(seekers)
        ).reshape(width, -1)
        se = np.sqrt((per_seeker**2).sum(1)) / m
    day_seen = np.bincount(bucket * (horizon + 1) + tt, minlength=width * (horizon + 1))
    days = (day_seen.reshape(width, -1) > 0).sum(1)
    return pd.DataFrame(
        {
            "timing": pd.Categorical(categories, dtype=fa["timing"].dtype),
            "baseline_rate": rate,
            "baseline_ci_low": np.clip(rate - _Z * se, 0, 1),
            "baseline_ci_high": np.clip(rate + _Z * se, 0, 1),
            "baseline_days": days.astype(np.int64),
        }
    )
