"""Response, interview and offer rates per group, with Wilson intervals.

Count, then infer: the log is reduced to ``n`` (units in the group) and ``k`` (units with the
outcome) per group by one ``groupby``; :func:`~followup_analytics.metrics.inference.rate_table`
turns the counts into rates and intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import SmallSampleWarning
from ..log import JobSearchLog
from ._naive import refuse_naive
from .features import DEFAULT_BUCKETS, features, followups
from .inference import odds_ratio, rate_table

#: Grouping columns that describe a follow-up event: rates per (eligible) follow-up.
FOLLOWUP_BY: tuple[str, ...] = ("timing", "channel", "letter_type", "recipient", "stage")
#: outcome -> (column per application, column per follow-up).
OUTCOMES: dict[str, tuple[str, str]] = {
    "response": ("responded", "responded_within_window"),
    "interview": ("interviewed", "interview_after"),
    "offer": ("offered", "offer_after"),
}
#: Feature columns refused as groups: comparing followed-up with other applications is biased
#: (a quick reply prevents a follow-up); use landmark_effect instead.
_NAIVE = ("followed_up", "application_id")
RATE_COLUMNS = ["n", "k", "rate", "ci_low", "ci_high", "small_n"]


def naive_odds_ratio(k1: np.ndarray, n1: np.ndarray, k0: np.ndarray,
                     n0: np.ndarray) -> pd.DataFrame:
    """Pooled odds ratios of 2x2 tables: the sample odds ratio at every size.

    Woolf's log interval; with a zero cell the estimate is 0 or inf and the interval the
    exact conditional one (the zero-cell rule of
    :func:`~followup_analytics.metrics.inference.odds_ratio`, ``kind="sample"``). One
    estimator whatever the number of applications, so adding applications never switches
    the method.

    Returns
    -------
    DataFrame
        ``estimate, ci_low, ci_high`` per table.
    """
    return odds_ratio(k1, n1, k0, n0, kind="sample").reset_index(drop=True)


def _as_list(by: str | Sequence[str], name: str = "by") -> list[str]:
    cols = [by] if isinstance(by, str) else list(by)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ValueError(f"{name} must be a column name or a list of column names; got {by!r}")
    return cols


def count_groups(frame: pd.DataFrame, by: list[str], outcome: str) -> pd.DataFrame:
    """Units (``n``) and units with the outcome (``k``) per group, empty groups included.

    Categorical groups keep their category order (all categories, observed or not); other
    columns are sorted; a missing group value forms its own group at the end.

    Parameters
    ----------
    frame : DataFrame
        One row per unit.
    by : list of str
        Grouping columns.
    outcome : str
        Boolean column (missing values count as no outcome).

    Returns
    -------
    DataFrame
        ``[<by>…, n, k]``.
    """
    y = frame[outcome].fillna(False).astype(bool)
    grouped = y.groupby([frame[c] for c in by], observed=False, dropna=False, sort=True)
    counts = pd.DataFrame({"n": grouped.size(), "k": grouped.sum()})
    counts = counts.fillna(0).astype({"n": "int64", "k": "int64"}).reset_index()
    for c in by:  # keep categorical dtypes (reset_index can fall back to object with NaN)
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            counts[c] = counts[c].astype(frame[c].dtype)
    return counts


def rates_from_counts(counts: pd.DataFrame, by: list[str], *, min_n: int = 10,
                      what: str = "groups") -> pd.DataFrame:
    """Append Wilson rates to a ``[<by>…, n, k]`` table and warn about small groups."""
    table = rate_table(counts["k"].to_numpy(), counts["n"].to_numpy(), min_n=min_n)
    out = pd.concat([counts[by].reset_index(drop=True), table.reset_index(drop=True)], axis=1)
    small = out.loc[out["small_n"] & (out["n"] > 0), by]
    if len(small):
        names = ", ".join("/".join(str(v) for v in row) for row in small.to_numpy()[:5])
        warnings.warn(f"{len(small)} of {len(out)} {what} have fewer than {min_n} units "
                      f"({names}{', …' if len(small) > 5 else ''}); their rates are "
                      "flagged small_n and unstable", SmallSampleWarning, stacklevel=3)
    return out[[*by, *RATE_COLUMNS]]


def response_rates(log: JobSearchLog, by: str | Sequence[str] = "timing", *,
                   outcome: str = "response", window: int = 30,
                   buckets: tuple[int, ...] = DEFAULT_BUCKETS,
                   min_n: int = 10) -> pd.DataFrame:
    """Rates of responses, interviews or offers per group, with Wilson 95% intervals.

    The unit depends on `by`:

    * ``"timing"``, ``"channel"``, ``"letter_type"``, ``"recipient"``, ``"stage"`` describe a
      follow-up, so the unit is the **eligible follow-up event** (see
      :func:`~followup_analytics.metrics.features.followups`): the outcome is a response on
      or after it within `window` days (``"response"``), a later interview (``"interview"``)
      or an offer on or after it (``"offer"``). Other grouping columns combined with these
      must be carried application columns (or ``seeker``).
    * any other column of :func:`~followup_analytics.metrics.features.features` (carried
      columns such as ``program``, ``seeker``, ``furthest_stage`` …) makes the unit the
      **application**: the outcome is ``responded``, ``interviewed`` or ``offered``.
      Columns that describe following up or thanking (``followed_up``, ``n_followups``,
      ``tiered_cadence``, ``thank_you_*`` …) are refused: those naive comparisons are
      biased (a quick reply prevents a follow-up); use
      :func:`~followup_analytics.landmark_effect` or
      :func:`~followup_analytics.offer_associations`.

    Rates are associations between a group and an outcome, not effects of the group.

    Parameters
    ----------
    log : JobSearchLog
    by : str or list of str, default "timing"
        Grouping column(s).
    outcome : {"response", "interview", "offer"}, default "response"
    window : int, default 30
        Days after a follow-up within which a response counts (follow-up unit only).
    buckets : tuple of int, default DEFAULT_BUCKETS
        Inclusive upper day edges of the timing buckets.
    min_n : int, default 10
        Groups with fewer units are flagged ``small_n`` (never dropped).

    Returns
    -------
    DataFrame
        One row per group, empty groups included (``n`` = 0, NaN rate), categorical groups
        in category order:

        - ``<by>``: the group value(s);
        - ``n``: units in the group; ``k``: units with the outcome;
        - ``rate``: ``k / n``; ``ci_low``, ``ci_high``: Wilson 95% interval;
        - ``small_n``: ``n < min_n``.

    Raises
    ------
    ValueError
        Unknown `by` or `outcome` (the message lists the allowed values).

    Warns
    -----
    SmallSampleWarning
        When a non-empty group has fewer than `min_n` units.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {list(OUTCOMES)}; got {outcome!r}")
    cols = _as_list(by)
    refuse_naive(cols, "response_rates")
    if any(c in FOLLOWUP_BY for c in cols):
        allowed = [*FOLLOWUP_BY, "seeker", *log.carried_columns]
        bad = [c for c in cols if c not in allowed]
        if bad:
            raise ValueError(f"by={bad[0]!r} cannot be combined with follow-up columns; "
                             f"allowed with them: {allowed}")
        frame = followups(log, window=window, buckets=buckets)
        frame = frame.loc[frame["eligible"].to_numpy()]
        y = OUTCOMES[outcome][1]
        what = "follow-up groups"
    else:
        frame = features(log, window=window, buckets=buckets)
        allowed = [*FOLLOWUP_BY, *(c for c in frame.columns if c not in _NAIVE
                                   and c not in FOLLOWUP_BY)]
        bad = [c for c in cols if c not in allowed]
        if bad:
            hint = (" (comparing followed-up applications with the others is biased; use "
                    "landmark_effect)" if bad[0] == "followed_up" else "")
            raise ValueError(f"by={bad[0]!r} is not a known grouping{hint}; allowed: {allowed}")
        y = OUTCOMES[outcome][0]
        what = "application groups"
    counts = count_groups(frame, cols, y)
    return rates_from_counts(counts, cols, min_n=min_n, what=what)
