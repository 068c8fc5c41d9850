"""Time to response from a log: Kaplan-Meier curves, medians, response-by-day, log-rank.

Applications still waiting are *censored*, never averaged away: the time to response is
estimated with the Kaplan-Meier product-limit estimator with log-log ("exponential
Greenwood") pointwise intervals. This module turns a log into durations (days to the first
response, or to censoring) and groups; the count-based estimators themselves live in
:mod:`followup_analytics.metrics.km` and are re-exported here.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab
from ..errors import ArgumentError, SmallSampleWarning, find_stack_level
from ..log import JobSearchLog
from ..schema import MAX_GROUPS, Definition, attach, check_groups, renamed, resolve_by
from ._naive import refuse_naive
from .km import (
    CURVE_COLUMNS,
    _curves,
    _medians,
    _probabilities,
    kaplan_meier,
    km_median,
    km_probability_by,
    logrank,
)

__all__ = [
    "CURVE_COLUMNS",
    "TimeToResponse",
    "kaplan_meier",
    "km_median",
    "km_probability_by",
    "logrank",
    "time_to_response",
]

TEST_COLUMNS = ["statistic", "df", "p_value", "n_groups"]


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
            text += (
                f"; log-rank chi2 = {t['statistic']:.2f}, df = {int(t['df'])}, "
                f"p = {t['p_value']:.3g}"
            )
        return text

    def __repr__(self) -> str:
        return f"<TimeToResponse: {self._headline()}>\n{self.summary.to_string(index=False)}"

    def _repr_html_(self) -> str:
        return (
            "<div class='fa-time-to-response'><strong>Time to response</strong>"
            f"<p>{html.escape(self._headline())}. Applications still waiting are "
            "censored (Kaplan-Meier), not averaged.</p>"
            + self.summary.to_html(
                index=False, na_rep="", escape=True, float_format=lambda x: f"{x:.3g}"
            )
            + "</div>"
        )


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
    date, nat = _seconds(ev["date"])
    cutoff = int(pd.Timestamp(as_of).to_datetime64().astype("datetime64[s]").astype(np.int64))
    end = np.full(n, cutoff, dtype=np.int64)
    wd = ev["event"].eq("withdrawn").fillna(False).to_numpy(dtype=bool) & ~nat
    np.minimum.at(end, pos[wd], date[wd])
    is_resp = ev["event"].isin(vocab.RESPONSE_EVENTS).to_numpy(dtype=bool)
    resp = is_resp & ~nat & (date >= applied[pos]) & (date <= end[pos]) & ~no_applied[pos]
    unknown = ~ev["date_known"].to_numpy(dtype=bool)
    # a response without any date: the time to response is unknown
    no_date = np.zeros(n, dtype=bool)
    no_date[pos[is_resp & nat]] = True
    key = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(key, pos[resp], date[resp] * 2 + unknown[resp])
    responded = key != np.iinfo(np.int64).max
    stop = np.where(responded, key // 2, end)
    days = np.where(no_applied, np.nan, (stop - applied) / _DAY)
    excluded = (
        (responded & (key % 2 == 1)) | no_applied | (applied > cutoff) | (no_date & ~responded)
    )
    bad = ~excluded & (days < 0)
    if bad.any():
        ids = list(apps["application_id"][bad].head(5))
        raise ArgumentError(
            f"{int(bad.sum())} application(s) end (withdrawal) before they were "
            f"applied for, e.g. application_id {ids}; check their dates"
        )
    return pd.DataFrame(
        {"duration": days, "observed": responded, "excluded": excluded}, index=apps.index
    )


def _groups(
    log: JobSearchLog, apps: pd.DataFrame, by: str | Sequence[str], max_groups: int | None
) -> tuple[str, pd.Series, list]:
    try:
        (name,) = resolve_by(by, apps.columns)
        values = apps[name]
    except ValueError as exc:
        if not isinstance(by, str) and len(by) != 1:
            raise ArgumentError(f"time_to_response groups by one column; got by={by!r}") from exc
        from .features import features  # per-application feature columns

        feats = features(log)
        (name,) = resolve_by(
            by, [*apps.columns, *(c for c in feats.columns if c not in apps.columns)]
        )
        values = (
            feats.set_index("application_id")[name]
            .reindex(apps["application_id"])
            .set_axis(apps.index)
        )
    refuse_naive([name], "time_to_response")
    check_groups(values.to_frame(name), [name], max_groups)
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
    else:
        present = list(values.dropna().unique())
        try:
            levels = sorted(present)
        except TypeError:  # mixed types in a carried column: order by their text
            levels = sorted(present, key=str)
    return name, values, levels


@renamed(as_of="log.with_as_of(...)")
def time_to_response(
    log: JobSearchLog,
    by: str | Sequence[str] | None = None,
    *,
    days: Sequence[int] = (7, 14, 30),
    confidence: float = 0.95,
    min_n: int = 20,
    max_groups: int | None = MAX_GROUPS,
) -> TimeToResponse:
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
        One column (matched ignoring case) of ``log.applications`` (``"seeker"``, or a
        carried column such as ``"program"``) or of ``features(log)``. Group order is the
        categorical order when the column is categorical, sorted otherwise; rows whose group
        is missing are left out. Columns that describe following up or thanking
        (``followed_up``, ``n_followups``, ``tiered_cadence``, ``thank_you_*`` …) are
        refused: see :func:`~followup_analytics.landmark_effect`.
    days : sequence of int, default (7, 14, 30)
        Days at which to report the probability of a response.
    confidence : float, default 0.95
        Two-sided coverage of every interval.
    min_n : int, default 20
        Groups with fewer applications warn with SmallSampleWarning.
    max_groups : int or None, default 200
        Refuse a breakdown into more groups than this (None: no limit).

    The censoring date is ``log.as_of``; to censor elsewhere pass
    ``log.with_as_of(...)`` (an ``as_of=`` argument raises a TypeError saying so).

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

        Each of the three frames carries ``attrs["definition"]`` (outcome response, unit
        application, ``as_of``).

    Warns
    -----
    SmallSampleWarning
        When a group has fewer than `min_n` applications.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> ttr = fa.time_to_response(log, by="program")
    >>> ttr.summary.columns[:6].tolist()
    ['Program', 'n', 'n_responses', 'n_censored', 'n_excluded', 'median_days']
    >>> ttr.curves.columns.tolist()
    ['Program', 'day', 'at_risk', 'events', 'censored', 'survival', 'ci_low', 'ci_high']
    """
    as_of_ts = log.as_of
    days = tuple(dict.fromkeys(int(d) for d in days))
    dur = _durations_from_log(log, as_of_ts)
    by, labels, codes = _group_codes(log, by, max_groups)
    excluded = dur["excluded"].to_numpy()
    n_excluded = np.bincount(codes[excluded & (codes >= 0)], minlength=len(labels))
    used = ~excluded & (codes >= 0)
    t, e = dur["duration"].to_numpy()[used], dur["observed"].to_numpy()[used]
    curves = _curves(codes[used], t, e, confidence)
    summary = _summary(curves, codes[used], e, n_excluded, len(labels), days)
    curve_frame = curves.drop(columns="_g").reset_index(drop=True)
    if by is None:
        test = pd.DataFrame(
            {
                c: pd.Series(dtype=np.int64 if c in ("df", "n_groups") else float)
                for c in TEST_COLUMNS
            }
        )
    else:
        summary.insert(0, by, labels)
        curve_frame.insert(0, by, labels.iloc[curves["_g"].to_numpy()].reset_index(drop=True))
        lr = logrank(t, e, codes[used])
        test = pd.DataFrame(
            [{**lr, "n_groups": int((summary["n"] > 0).sum())}], columns=TEST_COLUMNS
        )
    message = _small_groups_message(summary, labels, by, min_n)
    if message is not None:
        warnings.warn(message, SmallSampleWarning, stacklevel=find_stack_level())
    definition = Definition(
        "response",
        unit="application",
        as_of=as_of_ts,
        stage="application",
        extra=f"Kaplan-Meier; applications still waiting censored at {as_of_ts.date()}",
    )
    for frame in (curve_frame, summary, test):
        attach(frame, definition)
    return TimeToResponse(curve_frame, summary, test, by, days, as_of_ts)


def _group_codes(
    log: JobSearchLog, by: str | Sequence[str] | None, max_groups: int | None
) -> tuple[str | None, pd.Series, np.ndarray]:
    """The resolved group column, its levels and each application's level code (-1: none)."""
    apps = log.applications
    if by is None:
        return None, pd.Series([0]), np.zeros(len(apps), dtype=np.int64)
    name, group, levels = _groups(log, apps, by, max_groups)
    dtype = group.dtype if isinstance(group.dtype, pd.CategoricalDtype) else None
    labels = pd.Series(levels, dtype=dtype)
    codes = np.asarray(pd.Categorical(group, categories=levels).codes, dtype=np.int64)
    return name, labels, codes


def _summary(
    curves: pd.DataFrame,
    codes: np.ndarray,
    e: np.ndarray,
    n_excluded: np.ndarray,
    n_groups: int,
    days: tuple[int, ...],
) -> pd.DataFrame:
    """One row per group: counts, the median time and the response probabilities by day."""
    groups = pd.RangeIndex(n_groups)
    n = np.bincount(codes, minlength=n_groups)
    k = np.bincount(codes, weights=e, minlength=n_groups).astype(np.int64)
    probs = _probabilities(curves, days).reindex(groups)
    probs.columns = [f"p_response_{d}{part}" for d in days for part in ("", "_ci_low", "_ci_high")]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "n": n,
                    "n_responses": k,
                    "n_censored": n - k,
                    "n_excluded": n_excluded.astype(np.int64),
                }
            ),
            _medians(curves).reindex(groups),
            probs,
        ],
        axis=1,
    ).reset_index(drop=True)


def _small_groups_message(
    summary: pd.DataFrame, labels: pd.Series, by: str | None, min_n: int
) -> str | None:
    """The SmallSampleWarning text when a group has fewer than `min_n` applications."""
    small = summary["n"] < min_n
    if not small.any():
        return None
    names = [f"{v!r} ({n})" for v, n in zip(labels[small], summary["n"][small], strict=True)]
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    where = (
        f" in group(s) {', '.join(names[:10])}{more}"
        if by is not None
        else f": {int(summary['n'].iloc[0])}"
    )
    return f"fewer than {min_n} applications{where}; time-to-response estimates are unstable"
