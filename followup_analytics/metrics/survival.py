"""Time to response: Kaplan-Meier curves, medians, response-by-day probabilities, log-rank.

Applications still waiting are *censored*, never averaged away: the time to response is
estimated with the Kaplan-Meier product-limit estimator with log-log ("exponential
Greenwood") pointwise intervals. Count, then infer: the applications are first reduced to
counts per group and day (responses, censored), and every curve, median, probability and the
k-sample log-rank test is computed from those counts, for all groups at once. The curves equal
``scipy.stats.ecdf`` on ``CensoredData`` with ``confidence_interval(method="log-log")`` and
lifelines' ``KaplanMeierFitter`` (see the tests).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from .. import vocab
from ..errors import SmallSampleWarning
from ..log import JobSearchLog

CURVE_COLUMNS = ["day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high"]
TEST_COLUMNS = ["statistic", "df", "p_value", "n_groups"]
SMALL_GROUP = 20


# --------------------------------------------------------------------------- estimators
def _durations(durations: ArrayLike, observed: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.atleast_1d(np.asarray(durations, dtype=float))
    e = np.atleast_1d(np.asarray(observed, dtype=bool))
    if t.shape != e.shape:
        raise ValueError(f"durations and observed must have the same length; "
                         f"got {t.shape[0]} and {e.shape[0]}")
    bad = np.flatnonzero(~(t >= 0))
    if bad.size:
        raise ValueError(f"durations must not be negative or missing; "
                         f"durations[{bad[0]}] = {t[bad[0]]:g}")
    return t, e


def _curves(codes: np.ndarray, t: np.ndarray, e: np.ndarray,
            confidence: float) -> pd.DataFrame:
    """Kaplan-Meier curves of every group at once, from counts per (group, day).

    Returns ``_g`` (the group code) and :data:`CURVE_COLUMNS`, sorted by group and day, with
    a day-0 row per non-empty group.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive); got {confidence!r}")
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = pd.DataFrame({"_g": codes, "day": t, "events": e.astype(np.int64),
                         "censored": (~e).astype(np.int64)})
    start = pd.DataFrame({"_g": np.unique(codes), "day": 0.0, "events": 0, "censored": 0})
    c = (pd.concat([start, rows], ignore_index=True)
         .groupby(["_g", "day"], sort=True).sum().reset_index())
    g = c["_g"]
    leaving = c["events"] + c["censored"]
    c["at_risk"] = (leaving.groupby(g).transform("sum") - leaving.groupby(g).cumsum()
                    + leaving).astype(np.int64)
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
    for col, name in (("survival", "median_days"), ("ci_low", "median_ci_low"),
                      ("ci_high", "median_ci_high")):
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


def kaplan_meier(durations: ArrayLike, observed: ArrayLike,
                 confidence: float = 0.95) -> pd.DataFrame:
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
    return tuple(float(v) for v in med.iloc[0])  # type: ignore[return-value]


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
    return pd.DataFrame({"day": d, "probability": values[:, 0], "ci_low": values[:, 1],
                         "ci_high": values[:, 2]})


def logrank(durations: ArrayLike, observed: ArrayLike,
            groups: ArrayLike) -> dict[str, float | int]:
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
        raise ValueError("groups must have one label per duration")
    keep = codes >= 0
    t, e, codes = t[keep], e[keep], codes[keep]
    present, codes = np.unique(codes, return_inverse=True)
    n_groups = present.size
    result: dict[str, float | int] = {"statistic": np.nan, "df": max(n_groups - 1, 0),
                                      "p_value": np.nan}
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


# --------------------------------------------------------------------------- from a log
@dataclass(frozen=True)
class TimeToResponse:
    """Time from applying to the first response, per group (see :func:`time_to_response`).

    Attributes
    ----------
    curves : DataFrame
        ``[<by>, day, at_risk, events, censored, survival, ci_low, ci_high]``: one
        Kaplan-Meier curve per group.
    summary : DataFrame
        One row per group (empty groups included): ``[<by>, n, n_responses, n_censored,
        n_excluded, median_days, median_ci_low, median_ci_high, p_response_<d>,
        p_response_<d>_ci_low, p_response_<d>_ci_high ...]``.
    test : DataFrame
        ``[statistic, df, p_value, n_groups]``: log-rank test across groups (no rows when
        `by` is None).
    by : str or None
        The grouping column.
    days : tuple of int
        The days at which ``p_response_<d>`` is read.
    as_of : Timestamp
        The censoring date used.
    """

    curves: pd.DataFrame
    summary: pd.DataFrame
    test: pd.DataFrame
    by: str | None = None
    days: tuple[int, ...] = (7, 14, 30)
    as_of: pd.Timestamp | None = None

    def _headline(self) -> str:
        s = self.summary
        groups = f" by {self.by} ({len(s)} groups)" if self.by else ""
        n, k = int(s["n"].sum()), int(s["n_responses"].sum())
        text = f"time to response{groups}: {n} applications, {k} responses"
        if self.as_of is not None:
            text += f", censored at {self.as_of.date()}"
        if len(self.test) and pd.notna(self.test["p_value"].iloc[0]):
            t = self.test.iloc[0]
            text += (f"; log-rank chi2 = {t['statistic']:.2f}, df = {int(t['df'])}, "
                     f"p = {t['p_value']:.3g}")
        return text

    def __repr__(self) -> str:
        return f"<TimeToResponse: {self._headline()}>\n{self.summary.to_string(index=False)}"

    def _repr_html_(self) -> str:
        return ("<div class='fa-time-to-response'><strong>Time to response</strong>"
                f"<p>{html.escape(self._headline())}. Applications still waiting are "
                "censored (Kaplan-Meier), not averaged.</p>"
                + self.summary.to_html(index=False, na_rep="", escape=True,
                                       float_format=lambda x: f"{x:.3g}")
                + "</div>")


_DAY = 86_400  # seconds


def _seconds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates as int64 seconds, and a mask of the missing ones."""
    arr = values.to_numpy(dtype="datetime64[s]")
    return arr.view(np.int64), np.isnat(arr)


def _durations_from_log(log: JobSearchLog, as_of: pd.Timestamp) -> pd.DataFrame:
    """Days to the first response (or to censoring) per application, vectorised.

    Each event is located on its application by position; the end of follow-up is the
    earliest withdrawal or `as_of`; the first response is the earliest response event
    between applying and that end, a dated one winning a tie with an undated one.
    """
    apps, ev = log.applications, log.events
    n = len(apps)
    pos = pd.Index(apps["application_id"]).get_indexer(ev["application_id"])
    applied, no_applied = _seconds(apps["applied_on"])
    date, _ = _seconds(ev["date"])
    cutoff = int(pd.Timestamp(as_of).to_datetime64().astype("datetime64[s]").astype(np.int64))
    end = np.full(n, cutoff, dtype=np.int64)
    wd = ev["event"].eq("withdrawn").fillna(False).to_numpy(dtype=bool)
    np.minimum.at(end, pos[wd], date[wd])
    resp = ev["event"].isin(vocab.RESPONSE_EVENTS).to_numpy(dtype=bool)
    resp = resp & (date >= applied[pos]) & (date <= end[pos]) & ~no_applied[pos]
    unknown = ~ev["date_known"].to_numpy(dtype=bool)
    key = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(key, pos[resp], date[resp] * 2 + unknown[resp])
    responded = key != np.iinfo(np.int64).max
    stop = np.where(responded, key // 2, end)
    days = np.where(no_applied, np.nan, (stop - applied) / _DAY)
    excluded = (responded & (key % 2 == 1)) | no_applied | (applied > cutoff)
    bad = ~excluded & (days < 0)
    if bad.any():
        ids = list(apps["application_id"][bad].head(5))
        raise ValueError(f"{int(bad.sum())} application(s) end (withdrawal) before they were "
                         f"applied for, e.g. application_id {ids}; check their dates")
    return pd.DataFrame({"duration": days, "observed": responded, "excluded": excluded},
                        index=apps.index)


def _groups(log: JobSearchLog, apps: pd.DataFrame, by: str) -> tuple[pd.Series, list]:
    if by in apps.columns:
        values = apps[by]
    else:
        values = None
        try:
            from .features import features  # optional: per-application feature columns
        except ImportError:
            features = None
        if features is not None:
            feats = features(log)
            if by in feats.columns:
                values = (feats.set_index("application_id")[by]
                          .reindex(apps["application_id"]).set_axis(apps.index))
        if values is None:
            raise ValueError(f"by={by!r} is not a column of the applications; choose one of "
                             f"{list(apps.columns)} or None")
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
    else:
        present = list(values.dropna().unique())
        try:
            levels = sorted(present)
        except TypeError:  # mixed types in a carried column: order by their text
            levels = sorted(present, key=str)
    return values, levels


def time_to_response(log: JobSearchLog, by: str | None = None, *, as_of: object = None,
                     days: Sequence[int] = (7, 14, 30),
                     confidence: float = 0.95) -> TimeToResponse:
    """Kaplan-Meier time from applying to the first response, overall or per group.

    The duration of an application is the number of days from ``applied_on`` to its first
    response (``reply``, ``interview``, ``rejection`` or ``offer``) on or after applying.
    Applications without a response are censored at `as_of`, or at their withdrawal when
    earlier; a response after the withdrawal or after `as_of` does not count. Applications
    whose first response has no known date (``date_known`` False), no application date, or
    an application date after `as_of` are left out and counted in ``n_excluded``.

    Parameters
    ----------
    log : JobSearchLog
        The log; it is not modified.
    by : str, optional
        A column of ``log.applications`` (``"seeker"``, or a carried column such as
        ``"program"``), or of ``features(log)`` when that is available. Group order is the
        categorical order when the column is categorical, sorted otherwise; rows whose group
        is missing are left out.
    as_of : date-like, optional
        Censoring date; default ``log.as_of``.
    days : sequence of int, default (7, 14, 30)
        Days at which to report the probability of a response.
    confidence : float, default 0.95
        Two-sided coverage of every interval.

    Returns
    -------
    TimeToResponse
        ``curves``: ``[<by>, day, at_risk, events, censored, survival, ci_low, ci_high]``
        (see :func:`kaplan_meier`).
        ``summary``, one row per group including empty ones:

        - ``<by>``: the group (absent when `by` is None);
        - ``n``: applications analysed; ``n_responses``: with a response;
          ``n_censored``: still waiting or withdrawn; ``n_excluded``: left out (see above);
        - ``median_days``, ``median_ci_low``, ``median_ci_high``: median days to a response
          and its interval (NaN when not reached, see :func:`km_median`);
        - ``p_response_<d>``, ``p_response_<d>_ci_low``, ``p_response_<d>_ci_high`` for each
          day `d`: probability of a response by day `d` (``1 - S(d)``) and its interval;
          NaN when follow-up ends before day `d`.

        ``test``: ``[statistic, df, p_value, n_groups]``, the log-rank test across the
        non-empty groups (one row; no rows when `by` is None).

    Warns
    -----
    SmallSampleWarning
        When a group has fewer than 20 applications.
    """
    as_of_ts = log.as_of if as_of is None else pd.Timestamp(as_of).normalize()
    days = tuple(dict.fromkeys(int(d) for d in days))
    apps = log.applications
    dur = _durations_from_log(log, as_of_ts)
    if by is None:
        labels = pd.Series([0])
        codes = np.zeros(len(apps), dtype=np.int64)
    else:
        group, levels = _groups(log, apps, by)
        dtype = group.dtype if isinstance(group.dtype, pd.CategoricalDtype) else None
        labels = pd.Series(levels, dtype=dtype)
        codes = np.asarray(pd.Categorical(group, categories=levels).codes, dtype=np.int64)
    excluded = dur["excluded"].to_numpy()
    n_excluded = np.bincount(codes[excluded & (codes >= 0)], minlength=len(labels))
    used = ~excluded & (codes >= 0)
    t, e = dur["duration"].to_numpy()[used], dur["observed"].to_numpy()[used]
    curves = _curves(codes[used], t, e, confidence)
    groups = pd.RangeIndex(len(labels))
    n = np.bincount(codes[used], minlength=len(labels))
    k = np.bincount(codes[used], weights=e, minlength=len(labels)).astype(np.int64)
    probs = _probabilities(curves, days).reindex(groups)
    probs.columns = [f"p_response_{d}{part}" for d in days
                     for part in ("", "_ci_low", "_ci_high")]
    summary = pd.concat([
        pd.DataFrame({"n": n, "n_responses": k, "n_censored": n - k,
                      "n_excluded": n_excluded.astype(np.int64)}),
        _medians(curves).reindex(groups), probs], axis=1).reset_index(drop=True)
    curve_frame = curves.drop(columns="_g").reset_index(drop=True)
    if by is None:
        test = pd.DataFrame({c: pd.Series(dtype=np.int64 if c in ("df", "n_groups") else float)
                             for c in TEST_COLUMNS})
    else:
        summary.insert(0, by, labels)
        curve_frame.insert(0, by, labels.iloc[curves["_g"].to_numpy()].reset_index(drop=True))
        lr = logrank(t, e, codes[used])
        test = pd.DataFrame([{**lr, "n_groups": int((summary["n"] > 0).sum())}],
                            columns=TEST_COLUMNS)
    small = summary["n"] < SMALL_GROUP
    if small.any():
        names = [f"{v!r} ({n})" for v, n in zip(labels[small], summary["n"][small],
                                                strict=True)]
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        where = (f" in group(s) {', '.join(names[:10])}{more}" if by is not None
                 else f": {int(summary['n'].iloc[0])}")
        warnings.warn(f"fewer than {SMALL_GROUP} applications{where}; time-to-response "
                      "estimates are unstable", SmallSampleWarning, stacklevel=2)
    return TimeToResponse(curve_frame, summary, test, by, days, as_of_ts)
