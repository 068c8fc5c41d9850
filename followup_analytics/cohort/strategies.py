"""The report's "strategies vs offers" table: within-seeker odds ratios, suppressed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..log import JobSearchLog
from ..metrics.associations import offer_associations
from ..metrics.inference import rate_table
from .suppression import TOTAL, Additive, suppress

ESTIMATOR = "within_seeker_odds_ratio"
_LEVEL = ("rate_level", "level_ci_low", "level_ci_high")
_REFERENCE = ("rate_reference", "reference_ci_low", "reference_ci_high")
_ESTIMATE = ("estimate", "ci_low", "ci_high", "p_value", "q_value")
COLUMNS = ["strategy", "level", "reference", "n_level", "k_level", "rate_level",
           "level_ci_low", "level_ci_high", "n_reference", "k_reference", "rate_reference",
           "reference_ci_low", "reference_ci_high", "estimator", "n", "estimate", "ci_low",
           "ci_high", "p_value", "q_value"]


def _suppress(frame: pd.DataFrame, by: str, min_cell: int) -> pd.DataFrame:
    """Suppress per level. The levels of a strategy and its reference (counted once) add up
    to the strategy's eligible applications, and the groups add up to the whole cohort: both
    are additive sets."""
    keys = [by, "strategy"]
    level = frame[[*keys, "level", "n_level", "k_level"]].set_axis(
        [*keys, "level", "n", "k"], axis=1)
    ref = frame[[*keys, "reference", "n_reference", "k_reference"]].set_axis(
        [*keys, "level", "n", "k"], axis=1)
    long = pd.concat([level, ref], ignore_index=True).drop_duplicates([*keys, "level"])
    long = long.reset_index(drop=True)
    add = Additive(across=(((by, "strategy"), "level"), (("strategy", "level"), by)))
    long = suppress(long, ["n", "k"], min_cell=min_cell, additive=add)
    hidden = long.set_index([*keys, "level"])[["n", "k"]].isna()
    out = frame.copy()
    labels = np.full(len(out), "", dtype=object)
    for side in ("level", "reference"):
        idx = pd.MultiIndex.from_frame(out[[*keys, side]])
        for count in ("n", "k"):
            gone = hidden[count].reindex(idx).fillna(False).to_numpy(dtype=bool)
            col = f"{count}_{side}"
            out[col] = out[col].astype("Int64")
            out.loc[gone, col] = pd.NA
            deps = [*(_LEVEL if side == "level" else _REFERENCE), *_ESTIMATE]
            deps += ["n"] if count == "n" else []
            for dep in deps:
                out[dep] = out[dep].astype("Float64" if dep != "n" else "Int64")
                out.loc[gone, dep] = pd.NA
            labels = np.where(gone, np.where(labels == "", col, labels + ", " + col), labels)
    out["suppressed"] = pd.array(labels, dtype="string")
    return out


def _subset(log: JobSearchLog, column: str, value: str) -> JobSearchLog:
    apps = log.applications
    keep = apps[column].eq(value).fillna(False).to_numpy()
    ids = apps.loc[keep, "application_id"]
    events = log.events
    # a subset of a canonical log is canonical (order and dtypes kept): no re-validation
    events = events.loc[events["application_id"].isin(ids).to_numpy()]
    return JobSearchLog(events.reset_index(drop=True), apps.loc[keep].reset_index(drop=True),
                        log.report, log.as_of)


def _within_seeker(log: JobSearchLog) -> pd.DataFrame:
    result = offer_associations(log)
    frame = result.loc[result["estimator"].eq(ESTIMATOR).to_numpy()].reset_index(drop=True)
    frame = frame.rename(columns={"key": "strategy"})
    frame["n"] = frame["n_level"] + frame["n_reference"]
    for side, names in (("level", _LEVEL), ("reference", _REFERENCE)):
        rates = rate_table(frame[f"k_{side}"].to_numpy(), frame[f"n_{side}"].to_numpy())
        for name, col in zip(names, ("rate", "ci_low", "ci_high"), strict=True):
            frame[name] = rates[col].to_numpy()
    frame = frame.reindex(columns=COLUMNS)
    for col in ("strategy", "level", "reference", "estimator"):
        frame[col] = frame[col].astype("string")
    return frame


def strategy_table(log: JobSearchLog, min_cell: int, by_name: str = "group",
                   has_groups: bool = False):  # -> Table (import cycle)
    """Strategies vs offers, within-seeker (Mantel-Haenszel) odds ratios, whole cohort and
    per group.

    Parameters
    ----------
    log : JobSearchLog
        The privacy-reduced log (pseudonymised seekers are the strata), with the columns
        ``all`` and ``group`` (see :func:`.content.build_tables`).
    min_cell : int
        Counts below this are suppressed.
    by_name : str, default "group"
        Name of the breakdown column in the table.
    has_groups : bool, default False
        Add the rows of each group after the whole cohort's.

    Returns
    -------
    Table
        frame ``[<by>, strategy, level, reference, n_level, k_level, rate_level,
        level_ci_low, level_ci_high, n_reference, k_reference, rate_reference,
        reference_ci_low, reference_ci_high, estimator, n, estimate, ci_low, ci_high,
        p_value, q_value, suppressed]``: one row per group and strategy level compared with
        its reference among the applications where the strategy applies; ``n_*``/``k_*``
        applications and those with an offer; ``estimate`` the within-seeker odds ratio with
        its 95% interval, Mantel-Haenszel ``p_value`` and Benjamini-Hochberg ``q_value``
        (within the group). The estimate is hidden whenever one of its four counts is.
    """
    from .content import GROUP, Table

    parts = [_within_seeker(log).assign(**{by_name: TOTAL})]
    if has_groups:
        values = log.applications[GROUP].dropna().unique()
        parts += [_within_seeker(_subset(log, GROUP, v)).assign(**{by_name: v})
                  for v in sorted(values)]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[[by_name, *COLUMNS]]
    frame[by_name] = frame[by_name].astype("string")
    frame = _suppress(frame, by_name, min_cell)
    counts = ("n_level", "k_level", "n_reference", "k_reference")
    return Table("strategies", "Follow-up strategies and offers",
                 "Each strategy is compared with its reference among the applications where "
                 "it applies (for example thank-you notes among interviewed applications). "
                 "estimate is the within-seeker odds ratio of an offer (Cochran-Mantel-"
                 "Haenszel, stratified by seeker): above 1, the strategy went with more offers "
                 "for the same seeker. These are associations, not causes; q_value corrects "
                 "for the number of comparisons (Benjamini-Hochberg).", frame,
                 counts, ("rate_level", "level_ci_low", "level_ci_high",
                                 "rate_reference", "reference_ci_low", "reference_ci_high"),
                 {"html_hide": ("estimator",)})
