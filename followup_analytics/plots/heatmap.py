"""Heatmap of a rate over two groupings (timing × channel), n in every cell."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import PercentFormatter

from ..schema import renamed
from ._common import SMALL_CELL, definition_of, new_axes, no_data, pct, require, small_mask
from .rates import TIMING_LABEL, _order

_EXPECT = 'response_rates(log, by=["timing", "channel"])'


@renamed(row="by", col="hue")
def plot_heatmap(
    result: pd.DataFrame,
    *,
    by: str = "timing",
    hue: str = "channel",
    definition: str | None = None,
    title: str | None = None,
    min_n: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rate in each `by` × `hue` cell, with n written in the cell; small cells greyed.

    Parameters
    ----------
    result : DataFrame
        A ``response_rates(log, by=[by, hue])`` frame: ``<by>, <hue>, n, k, rate, ci_low,
        ci_high`` (``small_n`` optional). Rows and columns without any application are left
        out; empty cells inside the grid read "no data".
    by, hue : str, default "timing", "channel"
        The grouping on the vertical (`by`) and on the horizontal (`hue`) axis.
    definition, title : str, optional
        As in :func:`plot_rates`.
    min_n : int, optional
        Cells with fewer applications are greyed and hatched instead of coloured; by
        default the ``small_n`` flag is used.
    ax : Axes, optional
        Draw here; a new figure of notebook width is created when omitted.

    Returns
    -------
    Axes
        The image (``ax.images[0]``, masked where a cell is small or empty), one hatched
        grey Rectangle with gid ``"small_cell"`` per small cell, and one text per cell
        with gid ``"cell"`` holding the rate and n.

    Raises
    ------
    ArgumentError
        When a required column is missing.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_heatmap
    >>> ax = plot_heatmap(fa.response_rates(log, by=["timing", "channel"]))
    >>> ax.get_title(loc="left")
    'Response within 30 days of the follow-up, by timing and channel'
    """
    df = require(result, (by, hue, "n", "rate"), "plot_heatmap", _EXPECT)
    df = df.reset_index(drop=True)
    df["_small"] = small_mask(df, min_n)
    df["n"] = pd.to_numeric(df["n"], errors="coerce").fillna(0).astype(int)
    totals_r = df.groupby(by, observed=True, sort=False)["n"].sum()
    totals_c = df.groupby(hue, observed=True, sort=False)["n"].sum()
    rows = [r for r in _order(df[by]) if totals_r.get(r, 0) > 0]
    cols = [c for c in _order(df[hue]) if totals_c.get(c, 0) > 0]
    if not rows or not cols:
        return no_data(
            ax,
            "No data: every cell has n = 0",
            title or f"{definition_of(df, definition, [by, hue])}, by {by} and {hue}",
        )
    cells = df.drop_duplicates([by, hue]).set_index([by, hue])
    grid = pd.MultiIndex.from_product([rows, cols], names=[by, hue])
    cells = cells.reindex(grid)
    shape = (len(rows), len(cols))
    n = cells["n"].fillna(0).to_numpy(dtype=int).reshape(shape)
    rate = pd.to_numeric(cells["rate"], errors="coerce").to_numpy(dtype=float).reshape(shape)
    small = cells["_small"].fillna(False).to_numpy(dtype=bool).reshape(shape) & (n > 0)
    empty = (n == 0) | ~np.isfinite(rate)
    text = definition_of(df, definition, [by, hue])

    ax = new_axes(ax, height=max(3.0, 0.55 * len(rows) + 1.8))
    cmap = mpl.colormaps["cividis"].with_extremes(bad="white")
    shown = np.ma.masked_array(rate, mask=small | empty)
    vmax = float(np.nanmax(shown.filled(np.nan))) if shown.count() else 1.0
    image = ax.imshow(
        shown, cmap=cmap, vmin=0, vmax=max(vmax, 0.05), aspect="auto", interpolation="nearest"
    )
    for i, j in zip(*np.nonzero(small), strict=True):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                facecolor=SMALL_CELL,
                edgecolor="#BDBDBD",
                hatch="///",
                lw=0,
                gid="small_cell",
            )
        )
    norm = image.norm
    for i in range(shape[0]):
        for j in range(shape[1]):
            if empty[i, j]:
                label, colour = ("no data" if n[i, j] == 0 else f"n={n[i, j]}"), "#757575"
            elif small[i, j]:
                label, colour = f"n={n[i, j]}\ntoo few", "#424242"
            else:
                label = f"{pct(rate[i, j])}\nn={n[i, j]}"
                colour = "black" if np.asarray(norm(rate[i, j])) > 0.55 else "white"
            ax.text(
                j, i, label, ha="center", va="center", fontsize="small", color=colour, gid="cell"
            )
    ax.set_xticks(np.arange(len(cols)), [str(c) for c in cols])
    ax.set_yticks(np.arange(len(rows)), [str(r) for r in rows])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(hue)
    ax.set_ylabel(TIMING_LABEL.replace(" (", "\n(") if by == "timing" else by)
    bar = ax.figure.colorbar(image, ax=ax, format=PercentFormatter(1.0), fraction=0.05)
    bar.set_label(text)
    if small.any():
        ax.legend(
            handles=[
                Patch(
                    facecolor=SMALL_CELL,
                    edgecolor="#BDBDBD",
                    hatch="///",
                    label="too few for a stable rate (small n)",
                )
            ],
            loc="upper left",
            bbox_to_anchor=(0, -0.12),
            fontsize="small",
            frameon=False,
        )
    ax.set_title(title or f"{text}, by {by} and {hue}", loc="left")
    return ax
