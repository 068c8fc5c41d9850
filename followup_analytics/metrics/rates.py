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
from numpy.typing import ArrayLike

from ..errors import ArgumentError, SmallSampleWarning, find_stack_level
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
from ._naive import refuse_naive
from .clustered import FEW_SEEKERS, seeker_robust_ci
from .features import DEFAULT_BUCKETS, FOLLOWUP_STAGES, features, followups
from .inference import odds_ratio, rate_table
from .timing import timing_baseline

#: Grouping columns that describe a follow-up event: rates per (eligible) follow-up.
FOLLOWUP_BY: tuple[str, ...] = ("timing", "channel", "letter_type", "recipient", "stage")
#: outcome -> column per follow-up (per application: ``schema.OUTCOME_COLUMNS``).
FOLLOWUP_OUTCOMES: dict[str, str] = {
    "response": "responded_within_window",
    "interview": "interview_after",
    "offer": "offer_after",
}


def naive_odds_ratio(k1: ArrayLike, n1: ArrayLike, k0: ArrayLike, n0: ArrayLike) -> pd.DataFrame:
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


def rates_from_counts(
    counts: pd.DataFrame, by: list[str], *, min_n: int = 10, what: str = "groups"
) -> pd.DataFrame:
    """Append Wilson rates to a ``[<by>…, n, k]`` table and warn about small groups."""
    table = rate_table(counts["k"].to_numpy(), counts["n"].to_numpy(), min_n=min_n)
    out = pd.concat([counts[by].reset_index(drop=True), table.reset_index(drop=True)], axis=1)
    small = out.loc[out["small_n"] & (out["n"] > 0), by]
    if len(small):
        names = ", ".join("/".join(str(v) for v in row) for row in small.to_numpy()[:5])
        warnings.warn(
            f"{len(small)} of {len(out)} {what} have fewer than {min_n} units "
            f"({names}{', …' if len(small) > 5 else ''}); their rates are "
            "flagged small_n and unstable",
            SmallSampleWarning,
            stacklevel=find_stack_level(),
        )
    return out[[*by, *RATE_COLUMNS]]


def _seeker_robust(
    out: pd.DataFrame, frame: pd.DataFrame, cols: list[str], y: str
) -> tuple[pd.DataFrame, str]:
    """Replace the Wilson intervals of application rates by seeker-robust ones."""
    per = count_groups(frame, [*cols, "seeker"], y)
    per = per[per["seeker"].notna().to_numpy() & (per["n"].to_numpy() > 0)]
    keys = pd.MultiIndex.from_frame(out[cols]) if len(cols) > 1 else pd.Index(out[cols[0]])
    found = pd.MultiIndex.from_frame(per[cols]) if len(cols) > 1 else pd.Index(per[cols[0]])
    row = keys.get_indexer(found)
    col, names = pd.factorize(per["seeker"])
    wide_n, wide_k = (np.zeros((len(out), max(len(names), 1))) for _ in range(2))
    ok = row >= 0
    wide_n[row[ok], col[ok]] = per["n"].to_numpy()[ok]
    wide_k[row[ok], col[ok]] = per["k"].to_numpy()[ok]
    low, high, g = seeker_robust_ci(wide_k, wide_n)
    out = out.copy()
    out["ci_low"], out["ci_high"] = low, high
    few = int(((g >= 2) & (g < FEW_SEEKERS)).sum())
    note = "intervals: seeker-robust (GEE sandwich, logit scale, t on seekers - 1 df)" + (
        f"; {few} group(s) with fewer than {FEW_SEEKERS} seekers: their intervals are less reliable"
        if few
        else ""
    )
    return out, note


def response_rates(
    log: JobSearchLog,
    by: str | Sequence[str] = "timing",
    *,
    outcome: str = "response",
    window: int = 30,
    buckets: tuple[int, ...] = DEFAULT_BUCKETS,
    min_n: int = 10,
    max_groups: int | None = MAX_GROUPS,
    stage: str | None = None,
) -> pd.DataFrame:
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
    stage : {"after_application", "after_interview", "after_rejection", "all"}, optional
        Follow-up unit only: keep the follow-ups of this stage. Default: follow-ups after
        applying when `by` includes ``"timing"`` (a delay after applying, after an
        interview and after a rejection are different things), all stages otherwise.

    Returns
    -------
    DataFrame
        One row per group, empty groups included (``n`` = 0, NaN rate), categorical groups
        in category order:

        - ``<by>``: the group value(s);
        - ``n``: units in the group; ``k``: units with the outcome;
        - ``rate``: ``k / n``; ``ci_low``, ``ci_high``: its 95% interval: Wilson, or, for
          applications of several seekers (not grouped by seeker), seeker-robust (GEE
          sandwich from per-seeker counts, :mod:`.clustered`), since one seeker's
          applications resemble each other;
        - ``small_n``: ``n < min_n``.
        - with ``"timing"`` in `by` (follow-ups after applying, outcome response, other
          groups among channel, letter_type, recipient): ``baseline_rate``,
          ``baseline_ci_low``, ``baseline_ci_high``, ``baseline_days``: the response rate,
          in the same window, of the applications still waiting on the follow-up's day and
          not followed up by then, matched day by day (:mod:`.timing`). Responses fade with
          time, so the rates fall with the delay even when following up does nothing;
          compare each bucket with its baseline, not with the other buckets.

        ``attrs["definition"]`` holds the :class:`~followup_analytics.schema.Definition`
        (outcome, window, unit, ``as_of``).

    Raises
    ------
    ArgumentError
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
    refuse_naive(cols, "response_rates")
    if any(c in FOLLOWUP_BY for c in cols):
        allowed = [*FOLLOWUP_BY, "seeker", *log.carried_columns]
        bad = [c for c in cols if c not in allowed]
        if bad:
            raise ArgumentError(
                f"by={bad[0]!r} cannot be combined with follow-up columns; "
                f"allowed with them: {allowed}"
            )
        frame = followups(log, window=window, buckets=buckets)
        stage = stage or ("after_application" if "timing" in cols else "all")
        if stage not in (*FOLLOWUP_STAGES, "all"):
            raise ArgumentError(f"stage must be one of {[*FOLLOWUP_STAGES, 'all']}; got {stage!r}")
        keep = frame["eligible"].to_numpy(copy=True)
        if stage != "all":
            keep &= frame["stage"].eq(stage).to_numpy()
        frame = frame.loc[keep]
        y = FOLLOWUP_OUTCOMES[outcome]
        what, unit = "follow-up groups", "follow-up"
    else:
        y = OUTCOME_COLUMNS[outcome]
        what, unit = "application groups", "application"
    frame, blind = _outcome_recorded(log, frame)
    check_groups(frame, cols, max_groups)
    counts = count_groups(frame, cols, y)
    out = rates_from_counts(counts, cols, min_n=min_n, what=what)
    follow = unit == "follow-up"
    robust = ""
    if not follow and "seeker" not in cols and frame["seeker"].nunique() >= 2:
        out, robust = _seeker_robust(out, frame, cols, y)
    if (
        follow
        and "timing" in cols
        and stage == "after_application"
        and outcome == "response"
        and set(cols) <= {"timing", "channel", "letter_type", "recipient"}
    ):
        base = timing_baseline(log, window, buckets)
        out = out.merge(base, on="timing", how="left", sort=False)
    return attach(
        out,
        Definition(
            outcome,
            window=window if follow and outcome == "response" else None,
            unit=unit,
            as_of=log.as_of,
            stage="follow-up" if follow else None,
            extra="; ".join(
                x
                for x in (
                    f"follow-ups {stage.replace('_', ' ')}"
                    if follow and stage is not None and stage != "all"
                    else "",
                    robust,
                    "eligible follow-ups; interviews and offers any time after the follow-up"
                    if follow and outcome != "response"
                    else "",
                    blind,
                )
                if x
            ),
        ),
    )


def _outcome_recorded(log: JobSearchLog, frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Leave out units from sources that record no outcome (their rate is unknown, not 0%);
    return the units kept and the reason in words ("" when none was left out)."""
    recorded = log.outcome_recorded()
    if recorded.all():
        return frame, ""
    ids = log.applications["application_id"][~recorded.to_numpy()]
    blind = frame["application_id"].isin(ids).to_numpy()
    n = int(blind.sum())
    if not n:
        return frame, ""
    why = (
        f"no outcome recorded in the source of {n} unit(s) (e.g. LinkedIn's export): "
        "left out, their rates are unknown, not 0%"
    )
    warnings.warn(why, stacklevel=find_stack_level())
    return frame.loc[~blind], why


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
        raise ArgumentError(
            f"level_rates: the result is missing column(s) {missing}; it "
            "expects a comparison table (landmark_effect, offer_associations)"
        )
    arms = [
        result[["key", side, f"n_{side}", f"k_{side}"]].set_axis(["key", "level", "n", "k"], axis=1)
        for side in ("level", "reference")
    ]
    counts = pd.concat(arms, ignore_index=True).drop_duplicates(["key", "level"])
    counts = counts.astype({"n": "int64", "k": "int64"}).reset_index(drop=True)
    out = rates_from_counts(counts, ["key", "level"], min_n=min_n, what="levels")
    stored = result.attrs.get("definition")
    return attach(out, stored) if isinstance(stored, Definition) else out
