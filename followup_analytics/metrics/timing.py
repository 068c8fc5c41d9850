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
from .features import features, followups

BASELINE_COLUMNS = ["baseline_rate", "baseline_ci_low", "baseline_ci_high", "baseline_days"]
_Z = 1.959963984540054


def _offsets(f: pd.DataFrame, column: str) -> np.ndarray:
    days = (f[column] - f["applied_on"]).dt.days
    return days.to_numpy(dtype=float, na_value=np.inf)


def baseline_by_day(log: JobSearchLog, window: int, horizon: int
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
    f = features(log)
    codes, seekers = pd.factorize(f["seeker"], use_na_sentinel=False)
    # an application whose responses are all undated responded at an unknown time: left
    # out (undated final statuses after a dated response come after it)
    undated_only = f["responded"].to_numpy(dtype=bool) & f["first_response_on"].isna().to_numpy()
    ok = f["applied_on"].notna().to_numpy() & ~undated_only
    observed = (log.as_of - f["applied_on"]).dt.days.to_numpy(dtype=float, na_value=-1)
    first_fu = _offsets(f, "first_followup_on")
    resp = _offsets(f, "first_response_on")
    gone = _offsets(f, "withdrawn_on")
    # last day t in the baseline: before the first follow-up and the withdrawal, not after
    # the first response, observed
    last = np.minimum.reduce([first_fu - 1, resp, gone - 1, observed])
    last = np.where(ok, np.minimum(last, horizon), -1).astype(np.int64)
    inside = last >= 0
    width = horizon + 2
    base = codes.astype(np.int64) * width
    size = len(seekers) * width
    ends = np.bincount(base[inside] + last[inside], minlength=size).reshape(-1, width)
    n = ends[:, ::-1].cumsum(1)[:, ::-1][:, :horizon + 1]
    start = np.maximum(resp - window, 0)
    hit = inside & np.isfinite(resp) & (resp <= last + window) & (start <= last)
    s0 = base[hit] + start[hit].astype(np.int64)
    e1 = base[hit] + last[hit] + 1
    diff = (np.bincount(s0, minlength=size) - np.bincount(e1, minlength=size)).reshape(-1,
                                                                                      width)
    k = diff.cumsum(1)[:, :horizon + 1]
    return n, k, pd.Index(seekers)


def timing_baseline(log: JobSearchLog, window: int, buckets: tuple[int, ...]) -> pd.DataFrame:
    """Per timing bucket: the baseline rate of follow-ups after applying (see the module).

    Returns
    -------
    DataFrame
        ``timing`` (the bucket) and :data:`BASELINE_COLUMNS`: the standardised baseline rate,
        its conservative 95% interval, and the number of distinct days it is matched on.
    """
    fu = followups(log, window=window, buckets=buckets)
    delay = fu["delay_days"].to_numpy(dtype=float, na_value=-1)
    timing = fu["timing"].cat.codes.to_numpy().astype(np.int64)
    keep = (fu["eligible"].to_numpy(dtype=bool) & (delay >= 0) & (timing >= 0)
            & fu["stage"].eq("after_application").to_numpy(dtype=bool))
    t = delay[keep].astype(np.int64)
    horizon = int(t.max()) if len(t) else 0
    n0, k0, seekers = baseline_by_day(log, window, horizon)
    codes, uniques = pd.factorize(fu["seeker"], use_na_sentinel=False)
    s = seekers.get_indexer(pd.Index(uniques))[codes[keep]] if keep.any() else codes[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = np.where(n0 > 0, k0 / n0, np.nan)
        shrunk = (k0 + 0.5) / (n0 + 1)  # keeps a cell's spread above 0 at k = 0 or n
        sd0 = np.sqrt(shrunk * (1 - shrunk) / n0)
    cell_p = p0[s, t] if len(t) else np.empty(0)
    usable = np.isfinite(cell_p)
    bucket = timing[keep][usable]
    ss, tt = s[usable], t[usable]
    width = len(fu["timing"].cat.categories)
    m = np.bincount(bucket, minlength=width).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.bincount(bucket, weights=cell_p[usable], minlength=width) / m
        # seekers independent; within a seeker the days as if perfectly correlated
        per_seeker = np.bincount(bucket * len(seekers) + ss, weights=sd0[ss, tt],
                                 minlength=width * len(seekers)).reshape(width, -1)
        se = np.sqrt((per_seeker ** 2).sum(1)) / m
    day_seen = np.bincount(bucket * (horizon + 1) + tt, minlength=width * (horizon + 1))
    days = (day_seen.reshape(width, -1) > 0).sum(1)
    return pd.DataFrame({
        "timing": fu["timing"].cat.categories,
        "baseline_rate": rate,
        "baseline_ci_low": np.clip(rate - _Z * se, 0, 1),
        "baseline_ci_high": np.clip(rate + _Z * se, 0, 1),
        "baseline_days": days.astype(np.int64),
    })
