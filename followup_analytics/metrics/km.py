"""Count-based Kaplan-Meier estimators: curves, medians, probabilities by day, log-rank.

The estimators work on durations and event flags (or, internally, on group codes): they know
nothing of a log. Count, then infer: durations are first reduced to counts per group and day
(responses, censored), and every curve, median, probability and the k-sample log-rank test is
computed from those counts, for all groups at once. The curves equal ``scipy.stats.ecdf`` on
``CensoredData`` with ``confidence_interval(method="log-log")`` and lifelines'
``KaplanMeierFitter`` (see the tests). :func:`~followup_analytics.time_to_response` applies
them to a log.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from ..errors import ArgumentError

CURVE_COLUMNS = ["day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high"]


def _durations(durations: ArrayLike, observed: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.atleast_1d(np.asarray(durations, dtype=float))
    e = np.atleast_1d(np.asarray(observed, dtype=bool))
    if t.shape != e.shape:
        raise ArgumentError(
            f"durations and observed must have the same length; got {t.shape[0]} and {e.shape[0]}"
        )
    bad = np.flatnonzero(~(t >= 0))
    if bad.size:
        raise ArgumentError(
            f"durations must not be negative or missing; durations[{bad[0]}] = {t[bad[0]]:g}"
        )
    return t, e


def _curves(codes: np.ndarray, t: np.ndarray, e: np.ndarray, confidence: float) -> pd.DataFrame:
    """Kaplan-Meier curves of every group at once, from counts per (group, day).

    Returns ``_g`` (the group code) and :data:`CURVE_COLUMNS`, sorted by group and day, with
    a day-0 row per non-empty group.
    """
    if not 0 < confidence < 1:
        raise ArgumentError(f"confidence must be between 0 and 1 (exclusive); got {confidence!r}")
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = pd.DataFrame(
        {"_g": codes, "day": t, "events": e.astype(np.int64), "censored": (~e).astype(np.int64)}
    )
    start = pd.DataFrame({"_g": np.unique(codes), "day": 0.0, "events": 0, "censored": 0})
    c = (
        pd.concat([start, rows], ignore_index=True)
        .groupby(["_g", "day"], sort=True)
        .sum()
        .reset_index()
    )
    g = c["_g"]
    leaving = c["events"] + c["censored"]
    c["at_risk"] = (
        leaving.groupby(g).transform("sum") - leaving.groupby(g).cumsum() + leaving
    ).astype(np.int64)
    d, n = c["events"].to_numpy(dtype=float), c["at_risk"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = pd.Series(1 - d / n).groupby(g).cumprod().to_numpy()
        greenwood = pd.Series(d / (n * (n - d))).groupby(g).cumsum().to_numpy()
        # log-log ("exponential Greenwood") interval, as scipy's method="log-log"
        se = np.sqrt(greenwood) / np.abs(np.log(surv))
        low, high = surv ** np.exp(z * se), surv ** np.exp(-z * se)
    waiting = c["events"].groupby(g).cumsum().to_numpy() == 0
    c["survival"] = surv
    c["ci_low"] = np.where(waiting, 1.0, np.where(surv == 0, np.nan, low))
    c["ci_high"] = np.where(waiting, 1.0, np.where(surv == 0, np.nan, high))
    return c[["_g", *CURVE_COLUMNS]]


def _medians(curves: pd.DataFrame) -> pd.DataFrame:
    """First day at or below 0.5 of the curve and of each band, per group ``_g``."""
    zero = curves["survival"].to_numpy() == 0
    out = {}
    for col, name in (
        ("survival", "median_days"),
        ("ci_low", "median_ci_low"),
        ("ci_high", "median_ci_high"),
    ):
        hit = (curves[col].to_numpy() <= 0.5) | zero  # the band is undefined at S = 0
        out[name] = curves.loc[hit].groupby("_g")["day"].first()
    return pd.DataFrame(out)


def _probabilities(curves: pd.DataFrame, days: Sequence[float]) -> pd.DataFrame:
    """``1 - S(day)`` and its interval per group ``_g`` (columns ``p<i>, p<i>_ci_low,
    p<i>_ci_high`` for the i-th requested day)."""
    by_group = curves.groupby("_g")
    last_day, last_s = by_group["day"].max(), by_group["survival"].last()
    out = {}
    for i, day in enumerate(days):
        at = curves.loc[curves["day"].to_numpy() <= day].groupby("_g").last(skipna=False)
        ok = ((day <= last_day) | (last_s == 0)).reindex(at.index)
        zero = at["survival"] == 0
        out[f"p{i}"] = (1 - at["survival"]).where(ok)
        out[f"p{i}_ci_low"] = (1 - at["ci_high"]).mask(zero, 1.0).where(ok)
        out[f"p{i}_ci_high"] = (1 - at["ci_low"]).mask(zero, 1.0).where(ok)
    return pd.DataFrame(out, index=last_day.index)


def kaplan_meier(
    durations: ArrayLike, observed: ArrayLike, confidence: float = 0.95
) -> pd.DataFrame:
    """Kaplan-Meier product-limit estimate with log-log pointwise intervals.

    Computed from the counts at each distinct day; equal to ``scipy.stats.ecdf`` on
    ``CensoredData.right_censored(durations, censored=~observed)`` and its
    ``sf.confidence_interval(method="log-log")`` (and to lifelines' ``KaplanMeierFitter``).

    Parameters
    ----------
    durations : array-like of float
        Days from the start (applying) to the event or to censoring, all ``>= 0``.
    observed : array-like of bool
        True where the event (a response) was seen, False where censored.
    confidence : float, default 0.95
        Two-sided coverage of the pointwise interval.

    Returns
    -------
    DataFrame
        One row at day 0 and one at every distinct duration (no rows when there are no
        durations). Survival at day 0 is 1 unless events happened on day 0.

        day : float
            Days since the start.
        at_risk : int
            Still waiting (neither responded nor censored) at the start of `day`.
        events : int
            Responses on `day`.
        censored : int
            Applications censored on `day`.
        survival : float
            Estimated probability of no response by the end of `day`.
        ci_low, ci_high : float
            Log-log ("exponential Greenwood") interval of `survival`; 1 while no event has
            happened yet, NaN where survival is 0.
    """
    t, e = _durations(durations, observed)
    curves = _curves(np.zeros(t.size, dtype=np.int64), t, e, confidence)
    return curves.drop(columns="_g").reset_index(drop=True)


def km_median(curve: pd.DataFrame) -> tuple[float, float, float]:
    """Median time to the event, with its interval, from a :func:`kaplan_meier` curve.

    The median is the first day the survival is at or below 0.5; its interval is found by
    inverting the pointwise band (Brookmeyer-Crowley style, as lifelines'
    ``median_survival_times(kmf.confidence_interval_)``): the first day the lower band is at
    or below 0.5, and the first day the upper band is.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`kaplan_meier` (columns ``day, survival, ci_low, ci_high``).

    Returns
    -------
    median, ci_low, ci_high : float
        Days; NaN when the curve (or that band) never reaches 0.5 before follow-up ends
        (lifelines reports inf there).
    """
    med = _medians(curve.assign(_g=0)).reindex([0])
    median, low, high = (float(v) for v in med.iloc[0])
    return median, low, high


def km_probability_by(curve: pd.DataFrame, days: Sequence[float]) -> pd.DataFrame:
    """Probability of the event by each day (``1 - S(day)``) with its interval.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`kaplan_meier`.
    days : sequence of float
        Days at which to read the curve.

    Returns
    -------
    DataFrame
        One row per requested day:

        day : float
            The requested day.
        probability : float
            ``1 - survival`` at that day; NaN when the day lies beyond the last follow-up
            (and the curve has not reached 0) or the curve is empty.
        ci_low, ci_high : float
            ``1 - ci_high`` and ``1 - ci_low`` of the survival band (1 where survival is 0).
    """
    d = np.asarray(days, dtype=float).reshape(-1)
    wide = _probabilities(curve.assign(_g=0), list(d)).reindex([0])
    values = wide.to_numpy(dtype=float).reshape(-1, 3)
    return pd.DataFrame(
        {"day": d, "probability": values[:, 0], "ci_low": values[:, 1], "ci_high": values[:, 2]}
    )


def logrank(durations: ArrayLike, observed: ArrayLike, groups: ArrayLike) -> dict[str, float | int]:
    """k-sample log-rank test of equal time-to-event distributions across groups.

    Computed from the numbers at risk and events per group at each distinct time. For two
    groups the statistic is the square of ``scipy.stats.logrank``'s Z.

    Parameters
    ----------
    durations : array-like of float
        Days to the event or to censoring.
    observed : array-like of bool
        True where the event was seen.
    groups : array-like
        Group label per duration; missing labels are left out.

    Returns
    -------
    dict
        statistic : float
            Log-rank chi-square; NaN with fewer than 2 groups or no events.
        df : int
            Groups with at least one observation, minus one.
        p_value : float
            Upper tail of the chi-square distribution with `df` degrees of freedom.
    """
    t, e = _durations(durations, observed)
    labels = groups if isinstance(groups, pd.Series) else pd.Series(np.asarray(groups))
    codes, _ = pd.factorize(labels, sort=True)
    if codes.shape != t.shape:
        raise ArgumentError("groups must have one label per duration")
    keep = codes >= 0
    t, e, codes = t[keep], e[keep], codes[keep]
    present, codes = np.unique(codes, return_inverse=True)
    n_groups = present.size
    result: dict[str, float | int] = {
        "statistic": np.nan,
        "df": max(n_groups - 1, 0),
        "p_value": np.nan,
    }
    if n_groups < 2 or not e.any():
        return result
    times, t_idx = np.unique(t, return_inverse=True)
    n_t = times.size
    flat = codes * n_t + t_idx
    d = np.bincount(flat, weights=e, minlength=n_groups * n_t).reshape(n_groups, n_t)
    leave = np.bincount(flat, minlength=n_groups * n_t).reshape(n_groups, n_t)
    at_risk = leave[:, ::-1].cumsum(axis=1)[:, ::-1].astype(float)
    n_all, d_all = at_risk.sum(axis=0), d.sum(axis=0)
    at_event = d_all > 0  # other days add nothing to O - E or to its variance
    share = at_risk[:, at_event] / n_all[at_event]
    n_all, d_all = n_all[at_event], d_all[at_event]
    diff = d.sum(axis=1) - share @ d_all  # observed - expected per group
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n_all > 1, d_all * (n_all - d_all) / (n_all - 1), 0.0)
    diag = share @ w
    # Groups with no variance also have O - E = 0; drop them and one more group (the
    # covariance matrix of all groups is singular); pinv only when still singular.
    idx = np.flatnonzero(diag > 0)[:-1]
    if idx.size == 0:
        return result
    sub = share[idx]
    v = np.diag(diag[idx]) - (sub * w) @ sub.T
    try:
        stat = float(diff[idx] @ np.linalg.solve(v, diff[idx]))
    except np.linalg.LinAlgError:
        stat = float(diff[idx] @ np.linalg.pinv(v) @ diff[idx])
    result.update(statistic=stat, p_value=float(stats.chi2.sf(stat, n_groups - 1)))
    return result
