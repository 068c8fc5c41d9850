"""The report's "strategies vs offers" table: within-seeker odds ratios, suppressed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..log import JobSearchLog
from ..metrics.associations import offer_associations
from ..metrics.inference import bh_q, rate_table
from ..metrics.strategies import STRATEGIES
from .audit import Spec
from .suppression import TOTAL, Additive

if TYPE_CHECKING:
    from .table import Table  # imported where used: content imports this module

ESTIMATOR = "within_seeker_odds_ratio"
_LEVEL = ("rate_level", "level_ci_low", "level_ci_high")
_REFERENCE = ("rate_reference", "reference_ci_low", "reference_ci_high")
_ESTIMATE = ("estimate", "ci_low", "ci_high", "p_value", "q_value")
#: What the HTML shows (the workbook keeps every column): the within-seeker estimates.
HTML_COLUMNS = (
    "strategy",
    "level",
    "reference",
    "outcome",
    "estimate",
    "ci_low",
    "ci_high",
    "q_value",
    "n_level",
    "n_reference",
)
COLUMNS = [
    "strategy",
    "level",
    "reference",
    "outcome",
    "n_level",
    "k_level",
    "rate_level",
    "level_ci_low",
    "level_ci_high",
    "n_reference",
    "k_reference",
    "rate_reference",
    "reference_ci_low",
    "reference_ci_high",
    "estimator",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
]


def _long(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per group, strategy and level (the reference counted once): the counts the
    audit protects. The levels of a strategy and its reference add up to the strategy's
    eligible applications (unpublished), and the groups add up to the whole cohort."""
    keys = [by, "strategy"]
    level = frame[[*keys, "level", "n_level", "k_level"]].set_axis(
        [*keys, "level", "n", "k"], axis=1
    )
    ref = frame[[*keys, "reference", "n_reference", "k_reference"]].set_axis(
        [*keys, "level", "n", "k"], axis=1
    )
    long = pd.concat([level, ref], ignore_index=True).drop_duplicates([*keys, "level"])
    return long.reset_index(drop=True)


def _spec(by: str) -> Spec:
    add = Additive(across=(((by, "strategy"), "level"), (("strategy", "level"), by)))
    return Spec(("n", "k"), add, pairs=(("n", "k"),))


def apply_strategy_protection(frame: pd.DataFrame, long: pd.DataFrame, by: str) -> pd.DataFrame:
    """Hide in the wide strategy table what the audit hid in its long form, with the
    rates, the estimate and its interval whenever one of their counts is hidden; the
    q-values are adjusted again over the comparisons still shown."""
    keys = [by, "strategy"]
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
    # Benjamini-Hochberg over the published comparisons only: a q-value adjusted over
    # all of them would carry the p-values of the hidden ones
    p_value = out["p_value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out["q_value"] = pd.array(bh_q(p_value), dtype="Float64")
    return out


def estimated(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the HTML shows: comparisons with a within-seeker estimate, strongest
    evidence (smallest q) first."""
    shown = frame.dropna(subset=["estimate"])
    return shown.sort_values("q_value", kind="stable", na_position="last")


def _subset(log: JobSearchLog, column: str, value: str) -> JobSearchLog:
    apps = log.applications
    keep = apps[column].eq(value).fillna(False).to_numpy()
    ids = apps.loc[keep, "application_id"]
    events = log.events
    # a subset of a canonical log is canonical (order and dtypes kept): no re-validation
    events = events.loc[events["application_id"].isin(ids).to_numpy()]
    return JobSearchLog(
        events.reset_index(drop=True), apps.loc[keep].reset_index(drop=True), log.report, log.as_of
    )


def _within_seeker(log: JobSearchLog) -> pd.DataFrame:
    result = offer_associations(log)
    frame = result.loc[result["estimator"].eq(ESTIMATOR).to_numpy()].reset_index(drop=True)
    frame = frame.rename(columns={"key": "strategy"})
    frame["outcome"] = (
        frame["strategy"].map({k: s.outcome for k, s in STRATEGIES.items()}).fillna("offered")
    )
    frame["n"] = frame["n_level"] + frame["n_reference"]
    for side, names in (("level", _LEVEL), ("reference", _REFERENCE)):
        rates = rate_table(frame[f"k_{side}"].to_numpy(), frame[f"n_{side}"].to_numpy())
        for name, col in zip(names, ("rate", "ci_low", "ci_high"), strict=True):
            frame[name] = rates[col].to_numpy()
    frame = frame.reindex(columns=COLUMNS)
    for col in ("strategy", "level", "reference", "outcome", "estimator"):
        frame[col] = frame[col].astype("string")
    return frame


def strategy_table(
    log: JobSearchLog, min_cell: int, by_name: str = "group", has_groups: bool = False
) -> tuple[Table, Spec]:
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
        Unused: the table covers the whole cohort only (kept for a uniform signature).

    Returns
    -------
    (Table, Spec)
        The table's frame is the long form the audit protects (``[<by>, strategy, level,
        n, k]``); after protection :func:`apply_strategy_protection` turns its
        ``extra["wide"]`` frame into ``[<by>, strategy, level, reference, n_level, k_level, rate_level,
        level_ci_low, level_ci_high, n_reference, k_reference, rate_reference,
        reference_ci_low, reference_ci_high, estimator, n, estimate, ci_low, ci_high,
        p_value, q_value, suppressed]``: one row per group and strategy level compared with
        its reference among the applications where the strategy applies; ``n_*``/``k_*``
        applications and those with an offer; ``estimate`` the within-seeker odds ratio with
        its 95% interval, Mantel-Haenszel ``p_value`` and Benjamini-Hochberg ``q_value``
        (over the comparisons whose p-value is shown, once protected). The estimate is hidden whenever one of its four counts is.
    """
    from .table import Table

    # whole cohort only: within a group few seekers share a level, so per-group estimates
    # are mostly suppressed and unstable
    frame = _within_seeker(log).assign(**{by_name: TOTAL})
    # levels nobody used (no application at all) are dropped, and noted once
    unused = frame["n_level"].fillna(0).eq(0)
    dropped = sorted(set(frame.loc[unused, "level"].dropna()))
    frame = frame.loc[~unused.to_numpy()].reset_index(drop=True)
    frame = frame[[by_name, *COLUMNS]]
    frame[by_name] = frame[by_name].astype("string")
    counts = ("n_level", "k_level", "n_reference", "k_reference")
    return Table(
        "strategies",
        "Follow-up strategies and offers",
        "Each strategy is compared with its reference among the applications where "
        "it applies (for example a thank-you note within 2 days of the first "
        "interview round, before any decision, among the applications still "
        "without a decision 2 days after it). The outcome is an offer, except for "
        "a note after a rejection, whose outcome is an interview or offer at the same "
        "company. The estimate is the within-seeker odds ratio of the outcome (Cochran-"
        "Mantel-Haenszel, stratified by seeker): above 1, the strategy went with the "
        "outcome more often for the same seeker. These are associations, not "
        "causes; q (adjusted) corrects for the number of comparisons (Benjamini-"
        "Hochberg).",
        _long(frame, by_name),
        counts,
        (
            "rate_level",
            "level_ci_low",
            "level_ci_high",
            "rate_reference",
            "reference_ci_low",
            "reference_ci_high",
        ),
        {"html_columns": HTML_COLUMNS, "html_rows": estimated, "wide": frame, "dropped": dropped},
    ), _spec(by_name)
