"""Rates with intervals: one dot per group, and response rate by follow-up delay and channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from .. import vocab
from ..errors import ArgumentError
from ..schema import renamed
from ._common import (
    ACCENT,
    MUTED,
    OKABE_ITO,
    RATE_COLUMNS,
    definition_of,
    group_columns,
    group_labels,
    new_axes,
    no_data,
    require,
    small_mask,
)

_RATES_EXPECT = "response_rates() (columns: <group columns>, n, k, rate, ci_low, ci_high, small_n)"
_TIMING_EXPECT = 'response_rates(log, by=["timing", "channel"])'
TIMING_LABEL = "Days from trigger to follow-up (application, latest interview or rejection)"


#: Vocabulary columns stored as ordered categoricals for a stable display order, but
#: nominal: their groups are sorted by rate like any other.
_NOMINAL = frozenset({"channel", "letter_type", "recipient"})


def _ordered_by_category(frame: pd.DataFrame, groups: Sequence[str]) -> bool:
    """True when every group column is an ordinal scale (timing buckets, stages ...)."""
    return len(groups) > 0 and all(
        isinstance(dtype := frame[c].dtype, pd.CategoricalDtype)
        and dtype.ordered
        and c not in _NOMINAL
        for c in groups
    )


def _legend_small(ax: Axes, any_small: bool, handles: list | None = None, **kwargs: Any) -> None:
    handles = list(handles or [])
    if any_small:
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                mfc="white",
                mec=MUTED,
                color=MUTED,
                label="hollow: small group (unstable)",
            )
        )
    if handles:
        ax.legend(handles=handles, fontsize="small", frameon=False, **kwargs)


@renamed(group="by")
def plot_rates(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    definition: str | None = None,
    title: str | None = None,
    min_n: int | None = None,
    sort: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Dot and 95% interval per group, sorted by rate, with n beside each group.

    Parameters
    ----------
    result : DataFrame
        A :func:`response_rates` frame: ``<group columns>, n, k, rate, ci_low, ci_high``
        (``small_n`` optional). Empty groups (``n == 0``) are labelled "no data".
    by : str or list of str, optional
        The group columns; by default every column that is not a rate column.
    definition : str, optional
        The outcome definition stated in the title and axis label; by default the
        definition the compute function stored (``result.attrs["definition"]``, see
        :class:`~followup_analytics.schema.Definition`), else "Response within 30 days of the follow-up" for
        follow-up groups (timing, channel, letter_type, recipient, stage) and "Share of
        applications with the outcome" for application groups (program, seeker ...).
    title : str, optional
        Overrides the default title.
    min_n : int, optional
        Groups with fewer applications are muted; by default the ``small_n`` flag is used.
    sort : bool, default True
        Sort by rate (highest first, empty groups last) unless the group is an ordinal
        scale, an ordered categorical such as the timing buckets or the stages, whose order
        is kept. The vocabulary columns ``channel``, ``letter_type`` and ``recipient`` are
        nominal and sorted by rate; ``sort=False`` keeps the input order.
    ax : Axes, optional
        Draw here; a new figure of notebook width is created when omitted.

    Returns
    -------
    Axes
        Artists carry gids: ``"rates"`` (the dots, at the rates), ``"intervals"`` (the
        interval lines), ``"no_data"`` (labels of empty groups).

    Raises
    ------
    ArgumentError
        When a required column is missing.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_rates
    >>> ax = plot_rates(fa.response_rates(log, by="channel"))
    >>> ax.get_title(loc="left")
    'Response within 30 days of the follow-up, by channel'
    """
    df = require(result, ("n", "rate", "ci_low", "ci_high"), "plot_rates", _RATES_EXPECT)
    groups = (
        [by]
        if isinstance(by, str)
        else list(by)
        if by is not None
        else group_columns(df, RATE_COLUMNS)
    )
    missing = [g for g in groups if g not in df.columns]
    if missing:
        raise ArgumentError(
            f"plot_rates: group column(s) {missing} not in the result; "
            f"got columns {list(df.columns)}"
        )
    df = df.reset_index(drop=True)
    if _ordered_by_category(df, groups):
        df = df.sort_values(groups, kind="stable", ignore_index=True)
    elif sort:
        df = df.sort_values(
            "rate", ascending=False, na_position="last", kind="stable", ignore_index=True
        )
    text = definition_of(df, definition, groups)
    n = pd.to_numeric(df["n"], errors="coerce").fillna(0).astype(int).to_numpy()
    rate = pd.to_numeric(df["rate"], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(df["ci_low"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(df["ci_high"], errors="coerce").to_numpy(dtype=float)
    small = small_mask(df, min_n)
    has = (n > 0) & np.isfinite(rate)
    y = np.arange(len(df), dtype=float)
    colour = np.where(small, MUTED, ACCENT)

    ax = new_axes(ax, height=max(2.4, 0.38 * len(df) + 1.4))
    ax.hlines(y[has], lo[has], hi[has], colors=colour[has], lw=2.2, gid="intervals")
    face = np.where(small, "white", ACCENT)
    ax.scatter(
        rate[has],
        y[has],
        s=46,
        c=face[has],
        edgecolors=colour[has],
        linewidths=1.5,
        zorder=3,
        gid="rates",
    )
    for pos in y[~has]:
        ax.text(
            0.01,
            pos,
            "no data",
            va="center",
            ha="left",
            color=MUTED,
            fontstyle="italic",
            gid="no_data",
        )
    labels = group_labels(df, groups).to_numpy()
    ax.set_yticks(y, [f"{lab}  (n={k})" for lab, k in zip(labels, n, strict=True)])
    for tick, is_small in zip(ax.get_yticklabels(), small | ~has, strict=True):
        if is_small:
            tick.set_color(MUTED)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="x", color="#EEEEEE")
    ax.set_axisbelow(True)
    ax.set_xlabel(f"{text} (dot: rate; line: 95% Wilson interval)")
    ax.set_title(title or f"{text}, by {' × '.join(groups) or 'group'}", loc="left")
    _legend_small(ax, bool((small & has).any()), loc="lower right")
    return ax


def _channel_colours(names: Sequence[str]) -> dict[str, str]:
    """Fixed colour per channel (so email is the same colour in every plot)."""
    known = {c: OKABE_ITO[i] for i, c in enumerate(vocab.CHANNELS[:8])}
    known["unknown"] = MUTED
    extra = [n for n in names if n not in known]
    known.update({n: OKABE_ITO[i % len(OKABE_ITO)] for i, n in enumerate(extra)})
    return {n: known[n] for n in names}


def _order(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


@renamed(timing="by", channel="hue")
def plot_timing(
    result: pd.DataFrame,
    *,
    by: str = "timing",
    hue: str = "channel",
    channels: Sequence[str] | None = None,
    max_channels: int = 4,
    definition: str | None = None,
    title: str | None = None,
    min_n: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rate by follow-up delay bucket, one line per channel with a 95% interval band.

    Parameters
    ----------
    result : DataFrame
        A ``response_rates(log, by=["timing", "channel"])`` frame: ``timing, channel, n, k,
        rate, ci_low, ci_high`` (``small_n`` optional). ``timing`` keeps its bucket order
        when it is an ordered categorical.
    by, hue : str, default "timing", "channel"
        The delay-bucket column (x axis) and the second grouping, one line per value (any
        second grouping works as `hue`).
    channels : list of str, optional
        Lines to draw. Default: the `max_channels` channels with the most units, in their
        category order; the others are named in a note under the legend.
    max_channels : int, default 4
        How many lines to draw by default (more overlapping bands are hard to read).
    definition, title, min_n, ax
        As in :func:`plot_rates`. Points of small groups are drawn hollow.

    Returns
    -------
    Axes
        One line per channel with gid ``"timing:<channel>"`` whose y data are the rates in
        bucket order (NaN for empty buckets), and a band per channel.

    Raises
    ------
    ArgumentError
        When a required column is missing or `channels` names a channel not in the result.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_timing
    >>> ax = plot_timing(fa.response_rates(log, by=["timing", "channel"]))
    >>> ax.get_xlabel()
    'Days from trigger to follow-up (application, latest interview or rejection)'
    """
    need = (by, hue, "n", "rate", "ci_low", "ci_high")
    df = require(result, need, "plot_timing", _TIMING_EXPECT).reset_index(drop=True)
    buckets = _order(df[by])
    totals = df.groupby(hue, observed=True, sort=False)["n"].sum()
    present = [c for c in _order(df[hue]) if totals.get(c, 0) > 0]
    left_out: list[str] = []
    if channels is None:
        busiest = sorted(present, key=lambda c: -totals.get(c, 0))[:max_channels]
        channels = [c for c in present if c in busiest]
        left_out = [c for c in present if c not in busiest]
    else:
        unknown = [c for c in channels if c not in set(df[hue].dropna())]
        if unknown:
            raise ArgumentError(
                f"plot_timing: channels {unknown} are not in the result; available: {present}"
            )
        channels = list(channels)
    text = definition_of(df, definition, [by, hue])
    if not channels:
        return no_data(
            ax,
            f"No data: every group has n = 0\n(no follow-ups with a {by} were recorded)",
            title or f"{text}, by follow-up delay and {hue}",
        )
    small = small_mask(df, min_n)
    df["_small"] = small
    df["_rate"] = pd.to_numeric(df["rate"], errors="coerce").where(df["n"] > 0)
    colour = _channel_colours(channels)
    x = np.arange(len(buckets), dtype=float)

    ax = new_axes(ax, height=4.2)
    handles = []
    for name in channels:
        sub = df[df[hue] == name].drop_duplicates(by).set_index(by).reindex(buckets)
        yv = sub["_rate"].to_numpy(dtype=float)
        lo = pd.to_numeric(sub["ci_low"], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(sub["ci_high"], errors="coerce").to_numpy(dtype=float)
        c = colour[name]
        (line,) = ax.plot(
            x,
            yv,
            marker="o",
            ms=6,
            lw=2,
            color=c,
            gid=f"timing:{name}",
            label=f"{name} (n={int(totals.get(name, 0))})",
        )
        ax.fill_between(x, lo, hi, color=c, alpha=0.14, lw=0, gid=f"band:{name}")
        weak = sub["_small"].fillna(False).astype(bool).to_numpy() & np.isfinite(yv)
        ax.plot(
            x[weak],
            yv[weak],
            ls="",
            marker="o",
            ms=6,
            mfc="white",
            mec=c,
            mew=1.5,
            gid=f"small:{name}",
        )
        handles.append(line)
    ax.set_xticks(x, [str(b) for b in buckets])
    ax.set_xlim(-0.3, len(buckets) - 0.7)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", color="#EEEEEE")
    ax.set_axisbelow(True)
    ax.set_xlabel(TIMING_LABEL if by == "timing" else by)
    ax.set_ylabel(f"{text}\n(line: rate; band: 95% interval)")
    ax.set_title(title or f"{text}, by follow-up delay and {hue}", loc="left")
    drawn = df[hue].isin(channels) & (df["n"] > 0)
    _legend_small(
        ax,
        bool(df.loc[drawn, "_small"].any()),
        handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title=hue,
    )
    if left_out:
        note = ", ".join(f"{c} ({int(totals.get(c, 0))})" for c in left_out)
        ax.annotate(
            f"Not drawn (fewer units):\n{note}",
            xy=(1.02, 0.0),
            xycoords="axes fraction",
            ha="left",
            va="bottom",
            fontsize="x-small",
            color="#616161",
            wrap=True,
            gid="left_out",
        )
    return ax
