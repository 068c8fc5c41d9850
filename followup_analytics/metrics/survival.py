"""Time to response: Kaplan-Meier curves, medians, response-by-day probabilities, log-rank.

Applications still waiting are *censored*, never averaged away: the time to response is
estimated with the Kaplan-Meier product-limit estimator (``scipy.stats.ecdf`` on
``CensoredData``), with log-log ("exponential Greenwood") pointwise intervals. Groups are
compared with the k-sample log-rank test computed from counts at each distinct day.
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
    if np.isnan(t).any():
        raise ValueError(f"durations must not be missing; position {np.flatnonzero(np.isnan(t))[0]}"
                         " is NaN")
    if (t < 0).any():
        i = np.flatnonzero(t < 0)[0]
        raise ValueError(f"durations must not be negative; durations[{i}] = {t[i]:g}")
    return t, e


def kaplan_meier(durations: ArrayLike, observed: ArrayLike,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier product-limit estimate with log-log pointwise intervals.

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
            Still waiting (neither responded nor censored) just before `day`.
        events : int
            Responses on `day`.
        censored : int
            Applications censored on `day`.
        survival : float
            Estimated probability of no response by the end of `day`.
        ci_low, ci_high : float
            Log-log ("exponential Greenwood") interval of `survival`, as
            ``scipy.stats.ecdf(...).sf.confidence_interval(method="log-log")``; 1 while no
            event has happened yet, NaN where survival is 0.
    """
    t, e = _durations(durations, observed)
    if t.size == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("day", "survival", "ci_low",
                                                                "ci_high") else np.int64)
                             for c in CURVE_COLUMNS})
    days, inverse = np.unique(np.concatenate([[0.0], t]), return_inverse=True)
    inverse = inverse[1:]
    events = np.bincount(inverse, weights=e, minlength=days.size).astype(np.int64)
    censored = np.bincount(inverse, weights=~e, minlength=days.size).astype(np.int64)
    leaving = events + censored
    at_risk = t.size - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    res = stats.ecdf(stats.CensoredData.right_censored(t, censored=~e))
    survival = res.sf.evaluate(days)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where survival is 0 or 1
        band = res.sf.confidence_interval(confidence_level=confidence, method="log-log")
        low, high = band.low.evaluate(days), band.high.evaluate(days)
    before_first_event = np.cumsum(events) == 0
    low = np.where(before_first_event, 1.0, low)
    high = np.where(before_first_event, 1.0, high)
    low = np.where(survival == 0, np.nan, low)
    high = np.where(survival == 0, np.nan, high)
    return pd.DataFrame({"day": days, "at_risk": at_risk.astype(np.int64), "events": events,
                         "censored": censored, "survival": survival,
                         "ci_low": low, "ci_high": high})


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
        Days; NaN when the curve (or that band) never reaches 0.5 before follow-up ends.
    """
    day = curve["day"].to_numpy(dtype=float)
    out = []
    for col in ("survival", "ci_low", "ci_high"):
        hit = np.flatnonzero(curve[col].to_numpy(dtype=float) <= 0.5)
        if col != "survival" and (curve["survival"].to_numpy() == 0).any():
            # the band is undefined where survival is 0: the curve itself has reached it
            zero = np.flatnonzero(curve["survival"].to_numpy() == 0)
            hit = np.union1d(hit, zero)
        out.append(float(day[hit[0]]) if hit.size else np.nan)
    return out[0], out[1], out[2]


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
    d = np.asarray(days, dtype=float)
    day = curve["day"].to_numpy(dtype=float)
    if day.size == 0:
        nan = np.full(d.shape, np.nan)
        return pd.DataFrame({"day": d, "probability": nan, "ci_low": nan, "ci_high": nan})
    pos = np.searchsorted(day, d, side="right") - 1
    surv = curve["survival"].to_numpy(dtype=float)
    low = curve["ci_low"].to_numpy(dtype=float)
    high = curve["ci_high"].to_numpy(dtype=float)
    valid = (pos >= 0) & ((d <= day[-1]) | (surv[-1] == 0))
    pos = np.clip(pos, 0, None)
    s = np.where(valid, surv[pos], np.nan)
    zero = s == 0
    return pd.DataFrame({
        "day": d,
        "probability": 1 - s,
        "ci_low": np.where(zero, 1.0, np.where(valid, 1 - high[pos], np.nan)),
        "ci_high": np.where(zero, 1.0, np.where(valid, 1 - low[pos], np.nan)),
    })


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
    codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), sort=True)
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
    share = at_risk / n_all
    expected = (share * d_all).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n_all > 1, d_all * (n_all - d_all) / (n_all - 1), 0.0)
    cov = np.einsum("t,gt,ht->gh", w, share, share)
    var = np.diag((w * share).sum(axis=1)) - cov
    diff = (d.sum(axis=1) - expected)[:-1]
    v = var[:-1, :-1]
    try:
        stat = float(diff @ np.linalg.solve(v, diff))
    except np.linalg.LinAlgError:
        return result
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
        levels = sorted(values.dropna().unique())
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
    days = tuple(int(d) for d in days)
    apps = log.applications
    dur = _durations_from_log(log, as_of_ts)
    if by is None:
        group = pd.Series(0, index=apps.index)
        levels: list = [0]
    else:
        group, levels = _groups(log, apps, by)
    curves, rows, small = [], [], []
    for level in levels:
        in_group = group.eq(level).fillna(False).to_numpy()
        d = dur.loc[in_group & ~dur["excluded"].to_numpy()]
        curve = kaplan_meier(d["duration"], d["observed"], confidence)
        med = km_median(curve)
        prob = km_probability_by(curve, days)
        row = {"n": len(d), "n_responses": int(d["observed"].sum()),
               "n_censored": int((~d["observed"]).sum()),
               "n_excluded": int(dur["excluded"].to_numpy()[in_group].sum()),
               "median_days": med[0], "median_ci_low": med[1], "median_ci_high": med[2]}
        for i, day in enumerate(days):
            row[f"p_response_{day}"] = prob["probability"].iloc[i]
            row[f"p_response_{day}_ci_low"] = prob["ci_low"].iloc[i]
            row[f"p_response_{day}_ci_high"] = prob["ci_high"].iloc[i]
        rows.append(row)
        curves.append(curve if by is None else curve.assign(**{by: level}))
        if len(d) < SMALL_GROUP:
            small.append(f"{level!r} ({len(d)})" if by is not None else str(len(d)))
    summary = pd.DataFrame(rows)
    curve_frame = pd.concat(curves, ignore_index=True)
    if by is not None:
        dtype = group.dtype if isinstance(group.dtype, pd.CategoricalDtype) else None
        summary.insert(0, by, pd.Series(levels, dtype=dtype))
        curve_frame = curve_frame[[by, *CURVE_COLUMNS]]
        if dtype is not None:
            curve_frame[by] = curve_frame[by].astype(dtype)
        ok = ~dur["excluded"].to_numpy() & group.notna().to_numpy()
        lr = logrank(dur["duration"][ok], dur["observed"][ok], group[ok].astype(object))
        n_groups = int((summary["n"] > 0).sum())
        test = pd.DataFrame([{**lr, "n_groups": n_groups}], columns=TEST_COLUMNS)
    else:
        test = pd.DataFrame({"statistic": pd.Series(dtype=float),
                             "df": pd.Series(dtype=np.int64),
                             "p_value": pd.Series(dtype=float),
                             "n_groups": pd.Series(dtype=np.int64)})
    if small:
        where = f" in group(s) {', '.join(small)}" if by is not None else f": {small[0]}"
        warnings.warn(f"fewer than {SMALL_GROUP} applications{where}; time-to-response "
                      "estimates are unstable", SmallSampleWarning, stacklevel=2)
    return TimeToResponse(curve_frame, summary, test, by, days, as_of_ts)
