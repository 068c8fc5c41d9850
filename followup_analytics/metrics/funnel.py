"""The application funnel: applied → responded → interviewed → offered → accepted."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import vocab
from ..errors import SmallSampleWarning, find_stack_level
from ..log import JobSearchLog
from ..schema import MAX_GROUPS, Definition, attach, check_groups, resolve_by
from ._naive import refuse_naive
from .features import STAGE_DTYPE, features
from .inference import rate_table

FUNNEL_COLUMNS = ["stage", "n", "k", "rate", "ci_low", "ci_high", "share_of_applied"]


def funnel(
    log: JobSearchLog,
    by: str | Sequence[str] | None = None,
    *,
    min_n: int = 10,
    max_groups: int | None = MAX_GROUPS,
) -> pd.DataFrame:
    """Applications reaching each stage, and stage-to-stage conversion with Wilson intervals.

    The unit is the application. An application reaches a stage when its furthest stage
    (from all its events, see :func:`~followup_analytics.metrics.features.features`) is that
    stage or a later one: an interview followed by a rejection reached "interviewed".

    Parameters
    ----------
    log : JobSearchLog
    by : str or list of str, optional
        Column(s) of ``features(log)`` to split the funnel by (``"seeker"``, ``"program"`` …),
        matched ignoring case. Categorical groups keep their order; empty groups stay as
        rows (n = 0). Columns that describe following up or thanking (``followed_up``,
        ``n_followups``, ``tiered_cadence``, ``thank_you_*`` …) are refused: see
        :func:`~followup_analytics.landmark_effect`.
    min_n : int, default 10
        Conversions from fewer than `min_n` applications warn with SmallSampleWarning.
    max_groups : int or None, default 200
        Refuse a breakdown into more groups than this (None: no limit).

    Returns
    -------
    DataFrame
        One row per (group, stage), stages in funnel order:

        - ``<by>``: the group value(s) (absent when `by` is None);
        - ``stage``: ordered categorical applied < responded < interviewed < offered <
          accepted;
        - ``n``: applications that reached the previous stage (for "applied", ``n = k``);
        - ``k``: applications that reached this stage;
        - ``rate``: ``k / n``, the stage-to-stage conversion; ``ci_low``, ``ci_high``: its
          Wilson 95% interval;
        - ``share_of_applied``: ``k`` divided by the applications in the group.

        ``attrs["definition"]``: unit application, ``as_of``.

    Raises
    ------
    ArgumentError
        When a `by` column is not a column of ``features(log)``, or `by` gives more than
        `max_groups` groups.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> stages = fa.funnel(log, by="program")
    >>> stages["stage"].unique().tolist()
    ['applied', 'responded', 'interviewed', 'offered', 'accepted']
    >>> stages.columns[:3].tolist()
    ['Program', 'stage', 'n']
    """
    f = features(log)
    cols = resolve_by(by, [c for c in f.columns if c != "application_id"])
    refuse_naive(cols, "funnel")
    check_groups(f, cols, max_groups)
    codes = f["furthest_stage"].cat.codes.to_numpy()
    stages = list(vocab.STAGES)
    reached = pd.DataFrame({s: codes >= i for i, s in enumerate(stages)})
    if cols:
        k = reached.groupby([f[c] for c in cols], observed=False, dropna=False, sort=True).sum()
        keys = k.index.to_frame(index=False)
    else:
        k = reached.sum().to_frame().T
        keys = pd.DataFrame(index=range(1))
    k_arr = k.to_numpy(dtype=np.int64)  # groups x stages
    n_arr = np.column_stack([k_arr[:, 0], k_arr[:, :-1]])
    n_groups, n_stages = k_arr.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(k_arr[:, :1] > 0, k_arr / k_arr[:, :1], np.nan)
    table = rate_table(k_arr.ravel(), n_arr.ravel(), min_n=min_n)
    out = keys.loc[np.repeat(np.arange(n_groups), n_stages)].reset_index(drop=True)
    for c in cols:
        if isinstance(f[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(f[c].dtype)
    out["stage"] = pd.Categorical(np.tile(stages, n_groups), dtype=STAGE_DTYPE)
    for name in ("n", "k", "rate", "ci_low", "ci_high"):
        out[name] = table[name].to_numpy()
    out["share_of_applied"] = share.ravel()
    small = (out["n"] > 0) & (out["n"] < min_n) & out["stage"].ne("applied")
    if small.any():
        warnings.warn(
            f"{int(small.sum())} funnel conversion(s) rest on fewer than {min_n} "
            "applications; their intervals are wide",
            SmallSampleWarning,
            stacklevel=find_stack_level(),
        )
    return attach(
        out[[*cols, *FUNNEL_COLUMNS]],
        Definition(
            None,
            unit="application",
            as_of=log.as_of,
            extra="furthest stage reached: applied → responded → interviewed → offered → accepted",
        ),
    )
