"""The report's "strategies vs offers" table: within-seeker odds ratios, suppressed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..log import JobSearchLog
from .suppression import Additive, suppress

ESTIMATOR = "within_seeker_odds_ratio"
_LEVEL = ("rate_level", "level_ci_low", "level_ci_high")
_REFERENCE = ("rate_reference", "reference_ci_low", "reference_ci_high")
_ESTIMATE = ("estimate", "ci_low", "ci_high", "p_value", "q_value")
COLUMNS = ["strategy", "level", "reference", "n_level", "k_level", "rate_level",
           "level_ci_low", "level_ci_high", "n_reference", "k_reference", "rate_reference",
           "reference_ci_low", "reference_ci_high", "estimator", "n", "estimate", "ci_low",
           "ci_high", "p_value", "q_value"]


def _suppress(frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Suppress per level: the levels of a strategy and its reference (counted once) add up
    to the strategy's eligible applications, so they form one additive set."""
    level = frame[["strategy", "level", "n_level", "k_level"]].set_axis(
        ["strategy", "level", "n", "k"], axis=1)
    ref = frame[["strategy", "reference", "n_reference", "k_reference"]].set_axis(
        ["strategy", "level", "n", "k"], axis=1).drop_duplicates(["strategy", "level"])
    long = pd.concat([level, ref], ignore_index=True).drop_duplicates(["strategy", "level"])
    long = suppress(long, ["n", "k"], min_cell=min_cell,
                    additive=Additive(across=((("strategy",), "level"),)))
    hidden = long.set_index(["strategy", "level"])[["n", "k"]].isna()
    out = frame.copy()
    labels = np.full(len(out), "", dtype=object)
    for side, key in (("level", "level"), ("reference", "reference")):
        idx = pd.MultiIndex.from_frame(out[["strategy", key]])
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


def strategy_table(log: JobSearchLog, min_cell: int):  # -> Table (import cycle)
    """Strategies vs offers for the whole cohort, within-seeker (Mantel-Haenszel) odds ratios.

    Parameters
    ----------
    log : JobSearchLog
        The privacy-reduced log (pseudonymised seekers are the strata).
    min_cell : int
        Counts below this are suppressed.

    Returns
    -------
    Table
        frame ``[strategy, level, reference, n_level, k_level, rate_level, level_ci_low,
        level_ci_high, n_reference, k_reference, rate_reference, reference_ci_low,
        reference_ci_high, estimator, n, estimate, ci_low, ci_high, p_value, q_value,
        suppressed]``: one row per strategy level compared with its reference among the
        applications where the strategy applies; ``n_*``/``k_*`` applications and those
        with an offer; ``estimate`` the within-seeker odds ratio with its 95% interval,
        Fisher/CMH ``p_value`` and Benjamini-Hochberg ``q_value``. The estimate is hidden
        whenever one of its four counts is.
    """
    from ..metrics.associations import offer_associations
    from .content import Table

    result = offer_associations(log)
    frame = result.loc[result["estimator"].eq(ESTIMATOR).to_numpy()]
    frame = frame.reindex(columns=COLUMNS).reset_index(drop=True)
    for col in ("strategy", "level", "reference", "estimator"):
        frame[col] = frame[col].astype("string")
    counts = ["n_level", "k_level", "n_reference", "k_reference"]
    frame = _suppress(frame, min_cell)
    return Table("strategies", "Follow-up strategies and offers",
                 "Each strategy is compared with its reference among the applications where "
                 "it applies (for example thank-you notes among interviewed applications). "
                 "estimate is the within-seeker odds ratio of an offer (Cochran-Mantel-"
                 "Haenszel, stratified by seeker): above 1, the strategy went with more offers "
                 "for the same seeker. These are associations, not causes; q_value corrects "
                 "for the number of comparisons (Benjamini-Hochberg).", frame,
                 tuple(counts), ("rate_level", "level_ci_low", "level_ci_high",
                                 "rate_reference", "reference_ci_low", "reference_ci_high"))
