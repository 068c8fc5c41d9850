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
from ..schema import (
    MAX_GROUPS,
    OUTCOME_COLUMNS,
    RATE_COLUMNS,
    Definition,
    attach,
    check_groups,
    check_outcome,
    resolve_by,
)
from .features import DEFAULT_BUCKETS, features, followups
from .inference import odds_ratio, rate_table

#: Grouping columns that describe a follow-up event: rates per (eligible) follow-up.
FOLLOWUP_BY: tuple[str, ...] = ("timing", "channel", "letter_type", "recipient", "stage")
#: outcome -> column per follow-up (per application: ``schema.OUTCOME_COLUMNS``).
FOLLOWUP_OUTCOMES: dict[str, str] = {
    "response": "responded_within_window", "interview": "interview_after",
    "offer": "offer_after",
}
#: Comparisons of up to this many applications use the conditional maximum-likelihood odds
#: ratio with its exact interval (as R's fisher.test); larger ones the sample odds ratio with
#: Woolf's interval: the two agree closely there, and the exact interval's cost grows with n
#: (about 0.05 s at 1,000 applications, 100 s at 200,000).
EXACT_OR_MAX_N = 1000


def naive_odds_ratio(k1: np.ndarray, n1: np.ndarray, k0: np.ndarray,
                     n0: np.ndarray) -> pd.DataFrame:
    """Odds ratios of 2x2 tables: exact up to ``EXACT_OR_MAX_N`` applications, Woolf above.

    Returns
    -------
    DataFrame
        ``estimate, ci_low, ci_high`` per table (see
        :func:`~followup_analytics.metrics.inference.odds_ratio`).
    """
    k1, n1, k0, n0 = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (k1, n1, k0, n0))
    out = pd.DataFrame(np.nan, index=range(len(k1)), columns=["estimate", "ci_low", "ci_high"])
    for kind, m in (("conditional", n1 + n0 <= EXACT_OR_MAX_N),
                    ("sample", n1 + n0 > EXACT_OR_MAX_N)):
        if m.any():
            out.loc[m] = odds_ratio(k1[m], n1[m], k0[m], n0[m], kind=kind).to_numpy()
    return out


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
                   min_n: int = 10, max_groups: int | None = MAX_GROUPS) -> pd.DataFrame:
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
      ``followed_up`` is refused: that naive comparison is biased because a quick reply
      prevents a follow-up; use :func:`~followup_analytics.landmark_effect`.

    Rates are associations between a group and an outcome, not effects of the group.

    Parameters
    ----------
    log : JobSearchLog
    by : str or list of str, default "timing"
        Grouping column(s), matched ignoring case.
    outcome : {"response", "interview", "offer"}, default "response"
    window : int, default 30
        Days after a follow-up within which a response counts (follow-up unit only).
    buckets : tuple of int, default DEFAULT_BUCKETS
        Inclusive upper day edges of the timing buckets.
    min_n : int, default 10
        Groups with fewer units are flagged ``small_n`` (never dropped).
    max_groups : int or None, default 200
        Refuse a breakdown into more groups than this (None: no limit).

    Returns
    -------
    DataFrame
        One row per group, empty groups included (``n`` = 0, NaN rate), categorical groups
        in category order:

        - ``<by>``: the group value(s);
        - ``n``: units in the group; ``k``: units with the outcome;
        - ``rate``: ``k / n``; ``ci_low``, ``ci_high``: Wilson 95% interval;
        - ``small_n``: ``n < min_n``.

        ``attrs["definition"]`` holds the :class:`~followup_analytics.schema.Definition`
        (outcome, window, unit, ``as_of``).

    Raises
    ------
    ValueError
        Unknown `by` or `outcome` (the message lists the allowed values), or more groups
        than `max_groups`.

    Warns
    -----
    SmallSampleWarning
        When a non-empty group has fewer than `min_n` units.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> rates = fa.response_rates(log, by="channel")
    >>> rates.columns.tolist()
    ['channel', 'n', 'k', 'rate', 'ci_low', 'ci_high', 'small_n']
    >>> rates.attrs["definition"].describe()
    'Response within 30 days of the follow-up'
    >>> fa.response_rates(log, by=["timing", "channel"], outcome="interview").columns[:2].tolist()
    ['timing', 'channel']
    """
    check_outcome(outcome)
    frame = features(log, window=window, buckets=buckets)
    allowed = [*FOLLOWUP_BY, *(c for c in frame.columns if c not in FOLLOWUP_BY)]
    cols = resolve_by(by, [c for c in allowed if c != "application_id"])
    if "followed_up" in cols:
        raise ValueError("by='followed_up' is refused: comparing followed-up applications "
                         "with the others is biased; use landmark_effect")
    if any(c in FOLLOWUP_BY for c in cols):
        allowed = [*FOLLOWUP_BY, "seeker", *log.carried_columns]
        bad = [c for c in cols if c not in allowed]
        if bad:
            raise ValueError(f"by={bad[0]!r} cannot be combined with follow-up columns; "
                             f"allowed with them: {allowed}")
        frame = followups(log, window=window, buckets=buckets)
        frame = frame.loc[frame["eligible"].to_numpy()]
        y = FOLLOWUP_OUTCOMES[outcome]
        what, unit = "follow-up groups", "follow-up"
    else:
        y = OUTCOME_COLUMNS[outcome]
        what, unit = "application groups", "application"
    check_groups(frame, cols, max_groups)
    counts = count_groups(frame, cols, y)
    out = rates_from_counts(counts, cols, min_n=min_n, what=what)
    follow = unit == "follow-up"
    return attach(out, Definition(
        outcome, window=window if follow and outcome == "response" else None, unit=unit,
        as_of=log.as_of, stage="follow-up" if follow else None,
        extra=("eligible follow-ups; interviews and offers any time after the follow-up"
               if follow and outcome != "response" else "")))


def level_rates(result: pd.DataFrame, *, min_n: int = 10) -> pd.DataFrame:
    """The rate of each compared level of a comparison table, with Wilson 95% intervals.

    Parameters
    ----------
    result : DataFrame
        A frame in the comparison schema (:func:`~followup_analytics.landmark_effect`,
        :func:`~followup_analytics.offer_associations`).
    min_n : int, default 10
        Levels with fewer units are flagged ``small_n``.

    Returns
    -------
    DataFrame
        A rate table ``[key, level, n, k, rate, ci_low, ci_high, small_n]``: one row per
        key and level, references included (each once), in order of appearance; it carries
        the definition of `result`, so ``plot_rates(level_rates(result))`` is titled by it.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> per_level = fa.level_rates(fa.offer_associations(log))
    >>> per_level.columns.tolist()
    ['key', 'level', 'n', 'k', 'rate', 'ci_low', 'ci_high', 'small_n']
    """
    need = ["key", "level", "reference", "n_level", "k_level", "n_reference", "k_reference"]
    missing = [c for c in need if c not in result.columns]
    if missing:
        raise ValueError(f"level_rates: the result is missing column(s) {missing}; it "
                         "expects a comparison table (landmark_effect, offer_associations)")
    arms = [result[["key", side, f"n_{side}", f"k_{side}"]].set_axis(
        ["key", "level", "n", "k"], axis=1) for side in ("level", "reference")]
    counts = pd.concat(arms, ignore_index=True).drop_duplicates(["key", "level"])
    counts = counts.astype({"n": "int64", "k": "int64"}).reset_index(drop=True)
    out = rates_from_counts(counts, ["key", "level"], min_n=min_n, what="levels")
    stored = result.attrs.get("definition")
    return attach(out, stored) if isinstance(stored, Definition) else out
