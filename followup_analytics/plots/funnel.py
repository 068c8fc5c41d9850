"""The funnel: how far applications got, as horizontal bars with counts and conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .. import vocab
from ._common import (
    ACCENT,
    OKABE_ITO,
    as_of_note,
    group_columns,
    group_labels,
    new_axes,
    pct,
    require,
)

_FUNNEL_COLUMNS = ("stage", "n", "k", "rate", "ci_low", "ci_high", "share_of_applied", "small_n")
_EXPECT = (
    "funnel() (columns: <group columns>, stage, n, k, rate, ci_low, ci_high, share_of_applied)"
)


def _stage_order(values: pd.Series) -> list[str]:
    present = set(values.dropna().astype(str))
    known = [s for s in vocab.STAGES if s in present]
    return known + sorted(present - set(known))


def plot_funnel(result: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Horizontal bars per furthest stage with counts, share of applied and conversion.

    Parameters
    ----------
    result : DataFrame
        A :func:`funnel` frame: ``<group columns>, stage, n, k, rate, ci_low, ci_high,
        share_of_applied``; ``k`` applications reached ``stage`` out of ``n`` that reached
        the stage before (``rate`` is that conversion).
    title : str, optional
        Overrides the default title.
    ax : Axes, optional
        Draw here; a new figure of notebook width is created when omitted.

    Returns
    -------
    Axes
        Without groups: one bar per stage (``ax.patches``, widths = ``k``) labelled with
        ``k``, the share of applied and the conversion from the stage before. With groups:
        bars of ``share_of_applied`` side by side per stage, one colour per group.

    Raises
    ------
    ArgumentError
        When a required column is missing.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_funnel
    >>> ax = plot_funnel(fa.funnel(log))
    >>> ax.get_title(loc="left").splitlines()[1]
    'Furthest stage of each application; data as of 2026-10-30'
    """
    df = require(
        result, ("stage", "n", "k", "rate", "share_of_applied"), "plot_funnel", _EXPECT
    ).reset_index(drop=True)
    groups = group_columns(df, _FUNNEL_COLUMNS)
    df["_label"] = group_labels(df, groups)
    df["_stage"] = df["stage"].astype(str)
    stages = _stage_order(df["_stage"])
    labels = list(pd.unique(df["_label"]))
    y = np.arange(len(stages), dtype=float)
    ax = new_axes(ax, height=max(2.8, 0.45 * len(stages) * max(1, len(labels) // 2) + 1.4))

    if not groups:
        g = df.drop_duplicates("_stage").set_index("_stage").reindex(stages)
        k = g["k"].fillna(0).to_numpy(dtype=float)
        ax.barh(y, k, color=ACCENT, height=0.65, gid="funnel")
        top = float(k.max()) if len(k) and k.max() > 0 else 1.0
        for pos, (stage, row) in zip(y, g.iterrows(), strict=True):
            text = f"{int(row['k']) if pd.notna(row['k']) else 0}"
            if stage != stages[0]:
                text += (
                    f"   {pct(row['share_of_applied'])} of applied · "
                    f"{pct(row['rate'])} of previous stage"
                )
            ax.text(
                float(row["k"]) if pd.notna(row["k"]) else 0.0,
                pos,
                "  " + text,
                va="center",
                ha="left",
                fontsize="small",
                gid="funnel_label",
            )
        ax.set_xlim(0, top * 1.9)
        ax.set_xlabel("Applications that reached the stage (furthest stage, from all events)")
    else:
        height = 0.8 / len(labels)
        for i, lab in enumerate(labels):
            g = (
                df[df["_label"] == lab]
                .drop_duplicates("_stage")
                .set_index("_stage")
                .reindex(stages)
            )
            share = g["share_of_applied"].to_numpy(dtype=float)
            pos = y - 0.4 + height * (i + 0.5)
            ax.barh(
                pos,
                np.nan_to_num(share),
                height=height * 0.92,
                color=OKABE_ITO[i % len(OKABE_ITO)],
                gid=f"funnel:{lab}",
                label=f"{lab} (n={int(g['k'].iloc[0]) if pd.notna(g['k'].iloc[0]) else 0})",
            )
            for p, s, kk in zip(pos, share, g["k"].fillna(0).to_numpy(), strict=True):
                ax.text(
                    0 if np.isnan(s) else s,
                    p,
                    f" {pct(s)} ({int(kk)})",
                    va="center",
                    fontsize="x-small",
                    gid="funnel_label",
                )
        ax.set_xlim(0, 1.2)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("Share of applications that reached the stage (furthest stage)")
        ax.legend(fontsize="small", frameon=False, loc="lower right", title=" · ".join(groups))
    ax.set_yticks(y, stages)
    ax.set_ylim(len(stages) - 0.5, -0.5)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    dated = as_of_note(df, "\nFurthest stage of each application; data as of {date}")
    ax.set_title(
        title
        or "How far applications got: applied → responded → interviewed → "
        f"offered → accepted{dated}",
        loc="left",
        fontsize="medium",
    )
    return ax
