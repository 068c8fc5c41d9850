"""Follow-up timing beside its baseline (``response_rates(log, by="timing")``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from ..errors import ArgumentError
from ._common import OKABE_ITO, WIDTH

_NEEDED = (
    "timing",
    "rate",
    "ci_low",
    "ci_high",
    "baseline_rate",
    "baseline_ci_low",
    "baseline_ci_high",
)


def plot_timing_baseline(
    result: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """Response rate by follow-up timing, beside its day-by-day matched baseline.

    Responses fade with time, so both lines fall with the delay; a follow-up that helps
    shows as its line above the baseline, not as one bucket above another.

    Parameters
    ----------
    result : DataFrame
        ``response_rates(log, by="timing")``: ``timing, rate, ci_low, ci_high,
        baseline_rate, baseline_ci_low, baseline_ci_high``.
    title : str, optional
    ax : Axes, optional
        Draw here; a new figure of notebook width when omitted.

    Returns
    -------
    Axes
        Lines with gid ``"followed_up"`` and ``"baseline"`` (y data: the rates).

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.plots import plot_timing_baseline
    >>> log = fa.simulate_log(4, (40, 60), seed=1)
    >>> ax = plot_timing_baseline(fa.response_rates(log, by="timing"))
    >>> sorted(line.get_gid() for line in ax.get_lines() if line.get_gid())
    ['baseline', 'followed_up']
    """
    missing = [c for c in _NEEDED if c not in result.columns]
    if missing:
        raise ArgumentError(
            f"result is missing column(s) {missing}: pass "
            "response_rates(log, by='timing') (follow-ups after applying)"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(WIDTH, 4))
    x = np.arange(len(result))
    for (rate, low, high), label, colour, shift, gid in (
        (
            ("rate", "ci_low", "ci_high"),
            "followed up on that day",
            OKABE_ITO[1],
            -0.06,
            "followed_up",
        ),
        (
            ("baseline_rate", "baseline_ci_low", "baseline_ci_high"),
            "baseline: same seeker, still waiting, not followed up",
            OKABE_ITO[0],
            0.06,
            "baseline",
        ),
    ):
        y = result[rate].to_numpy(float)
        err = np.vstack([y - result[low].to_numpy(float), result[high].to_numpy(float) - y])
        ax.errorbar(x + shift, y, yerr=np.nan_to_num(err), fmt="o", color=colour, capsize=3, lw=1)
        ax.plot(x + shift, y, "-", color=colour, label=label, gid=gid)
    ax.set_xticks(x, result["timing"].astype(str))
    ax.set_xlabel("Days from applying to the follow-up")
    ax.set_ylabel("Response within the window")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    ax.set_title(
        title or "Responses fade with time: compare each bucket with its baseline", loc="left"
    )
    return ax
