"""Kaplan-Meier curves of the time to a first employer response, numbers at risk below."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..errors import ArgumentError
from ..schema import renamed
from ._common import (
    ACCENT,
    OKABE_ITO,
    as_of_note,
    group_columns,
    group_labels,
    new_axes,
    require,
)

_CURVE_COLUMNS = ("day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
_EXPECT = "time_to_response() (its .curves: <group columns>, " + ", ".join(_CURVE_COLUMNS) + ")"
_DAY_STEPS = (7, 14, 30, 60, 90, 180, 365)
#: Default right end of the axis: most first responses come within three months.
DEFAULT_MAX_DAY = 90.0


def _curves(result: object) -> pd.DataFrame:
    frame = getattr(result, "curves", result)
    summary = getattr(result, "summary", None)
    if isinstance(frame, pd.DataFrame) and frame.empty and isinstance(summary, pd.DataFrame):
        left_out = int(summary["n_excluded"].sum()) if "n_excluded" in summary else 0
        if left_out and not int(summary["n"].sum()):
            raise ArgumentError(
                f"plot_time_to_response: no application can be timed: all {left_out} were "
                "left out (no application date, or a response without a date; see "
                "result.summary['n_excluded'])"
            )
    return require(frame, _CURVE_COLUMNS, "plot_time_to_response", _EXPECT)


def _default_days(max_day: float) -> list[int]:
    step = next((s for s in _DAY_STEPS if max_day / s < 7), _DAY_STEPS[-1])
    return [int(d) for d in np.arange(0, max_day + 1e-9, step)]


def at_risk_at(curve: pd.DataFrame, days: Sequence[float]) -> np.ndarray:
    """Applications still waiting (at risk) at each of `days`, read from one curve.

    The number at risk at day t is the ``at_risk`` of the first curve row on or after t
    (every exit day has a row), and 0 past the last row.
    """
    d = curve["day"].to_numpy(dtype=float)
    a = curve["at_risk"].to_numpy(dtype=float)
    idx = np.searchsorted(d, np.asarray(days, dtype=float), side="left")
    inside = idx < len(d)
    out = np.zeros(len(idx), dtype=int)
    out[inside] = a[idx[inside]].astype(int)
    return out


@renamed(at_days="days")
def plot_time_to_response(
    result: object,
    *,
    days: Sequence[float] | None = None,
    max_day: float | None = None,
    title: str | None = None,
    at_risk: Mapping[str, Sequence[object]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Share of applications with a first response by each day (1 − Kaplan–Meier survival).

    Parameters
    ----------
    result : TimeToResponse or DataFrame
        The result of :func:`time_to_response` or its ``.curves`` frame: ``<group columns>,
        day, at_risk, events, censored, survival, ci_low, ci_high`` (survival = probability
        of no response yet; starts at 1 on day 0).
    days : list of float, optional
        Days at which the numbers at risk are printed below the axis (default: every 7, 14,
        30 ... days up to `max_day`, at most seven).
    max_day : float, optional
        Right end of the axis; default the last day of the curves, at most 90.
    title : str, optional
        Overrides the default title.
    at_risk : mapping, optional
        Group label -> the numbers at risk to print at `days` (one per day; a string
        such as "hidden" is printed as is). Default: read from the curves. Give it when
        the curves are cut short (a cohort report stops a curve where few applications
        are left, and publishes the numbers at risk separately).
    ax : Axes, optional
        Draw here; a new figure of notebook width is created when omitted.

    Returns
    -------
    Axes
        Per group: a step line with gid ``"km:<group>"`` (x: day, y: 1 − survival, starting
        at 0 on day 0), a band (the 95% interval), a marker line ``"censor:<group>"`` at the
        days with censored applications, and texts with gid ``"at_risk"`` (one per group and
        day in `days`, in group order). With several groups the legend sits above the
        axes, never over the curves.

    Raises
    ------
    ArgumentError
        When a required column is missing.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_time_to_response
    >>> ax = plot_time_to_response(fa.time_to_response(log, by="program"))
    >>> ax.get_xlabel()
    'Days since applying (| : still waiting when the data end, censored)'
    """
    df, groups, labels, dated = _labelled_curves(result)
    last = float(df["day"].max()) if len(df) else 30.0
    max_day = float(max_day) if max_day is not None else max(min(last, DEFAULT_MAX_DAY), 1.0)
    days = list(days) if days else _default_days(max_day)
    palette = _palette(labels)

    ax = new_axes(ax, height=4.0 + 0.2 * len(labels))
    for lab in labels:
        g = df[df["_label"] == lab].sort_values("day", kind="stable")
        name = lab if groups else "all applications"
        _draw_curve(ax, g, lab, name, palette[lab], max_day)
    _style_axes(ax, max_day, days)
    _draw_at_risk(ax, df, labels, days, at_risk, palette)
    ax.set_xlabel(
        "Days since applying (| : still waiting when the data end, censored)",
        labelpad=_ROW_H * (len(labels) + 1) + 8,
    )
    _legend_and_title(ax, labels, groups, title, dated)
    return ax


def _labelled_curves(result: object) -> tuple[pd.DataFrame, list[str], list[str], str]:
    """The curves sorted by group with a ``_label`` column, the groups, labels and date note."""
    df = _curves(result).reset_index(drop=True)
    dated = as_of_note(df, " at {date}")
    groups = group_columns(df, _CURVE_COLUMNS)
    df["_label"] = group_labels(df, groups)
    if groups:
        df = df.sort_values(groups, kind="stable")
    labels = list(pd.unique(df["_label"]))
    return df, groups, labels, dated


def _palette(labels: Sequence[str]) -> dict[str, str]:
    """One colour per group label: the accent for a single curve, Okabe-Ito otherwise."""
    return {
        lab: (ACCENT if len(labels) == 1 else OKABE_ITO[i % len(OKABE_ITO)])
        for i, lab in enumerate(labels)
    }


def _step_data(
    g: pd.DataFrame, max_day: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Days, share responded and its band of one curve, from day 0 to `max_day`."""
    day = g["day"].to_numpy(dtype=float)
    got = 1.0 - g["survival"].to_numpy(dtype=float)
    lo = 1.0 - g["ci_high"].to_numpy(dtype=float)
    hi = 1.0 - g["ci_low"].to_numpy(dtype=float)
    if len(day) == 0 or day[0] > 0:
        day, got = np.r_[0.0, day], np.r_[0.0, got]
        lo, hi = np.r_[0.0, lo], np.r_[0.0, hi]
    if max_day > day[-1]:  # carry the last level on to the right edge
        day, got, lo, hi = (
            np.r_[day, max_day],
            np.r_[got, got[-1]],
            np.r_[lo, lo[-1]],
            np.r_[hi, hi[-1]],
        )
    return day, got, lo, hi


def _draw_curve(ax: Axes, g: pd.DataFrame, lab: str, name: str, c: str, max_day: float) -> None:
    """Draw one group's step line, its 95% band and its censoring marks."""
    day, got, lo, hi = _step_data(g, max_day)
    n0 = int(at_risk_at(g, [0])[0]) if len(g) else 0
    ax.step(day, got, where="post", color=c, lw=2, gid=f"km:{lab}", label=f"{name} (n={n0:,})")
    ax.fill_between(day, lo, hi, step="post", color=c, alpha=0.15, lw=0, gid=f"band:{lab}")
    cens = g["censored"].to_numpy(dtype=float) > 0
    few = cens.sum() <= 40  # thinner marks when censoring happens on many days
    ax.plot(
        g["day"].to_numpy(dtype=float)[cens],
        1.0 - g["survival"].to_numpy(dtype=float)[cens],
        ls="",
        marker="|",
        ms=9 if few else 5,
        mew=1.4 if few else 0.8,
        color=c,
        gid=f"censor:{lab}",
    )


def _style_axes(ax: Axes, max_day: float, days: Sequence[float]) -> None:
    """Set the limits, day ticks, percent y axis, grid and y label."""
    ax.set_xlim(0, max_day)
    ax.set_ylim(0, 1)
    ax.set_xticks(days)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.grid(color="#EEEEEE")
    ax.set_axisbelow(True)
    ax.set_ylabel("Share with a first response\n(1 − Kaplan–Meier; band: 95% CI)")


#: Height in points of one row of numbers at risk under the axis.
_ROW_H = 11


def _draw_at_risk(
    ax: Axes,
    df: pd.DataFrame,
    labels: Sequence[str],
    days: Sequence[float],
    at_risk: Mapping[str, Sequence[object]] | None,
    palette: Mapping[str, str],
) -> None:
    """Print the numbers at risk under the tick labels: one row per group, one per day."""
    ax.annotate(
        "At risk",
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(-16, -26),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize="small",
        fontweight="bold",
    )
    for r, lab in enumerate(labels):
        counts = (
            list(at_risk[lab])
            if at_risk is not None and lab in at_risk
            else at_risk_at(df[df["_label"] == lab].sort_values("day"), days)
        )
        offset = -26 - _ROW_H * (r + 1)
        if len(labels) > 1:
            ax.annotate(
                lab,
                xy=(0, 0),
                xycoords="axes fraction",
                xytext=(-16, offset),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize="small",
                color=palette[lab],
            )
        for d, v in zip(days, counts, strict=True):
            ax.annotate(
                v if isinstance(v, str) else f"{int(v):,}",
                xy=(d, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, offset),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize="small",
                color=palette[lab],
                gid="at_risk",
            )


def _legend_and_title(
    ax: Axes, labels: Sequence[str], groups: Sequence[str], title: str | None, dated: str
) -> None:
    """Place the legend (above the axes with several groups) and the title."""
    if len(labels) > 1:
        # above the axes, under the title: the curves rise into every corner
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=min(len(labels), 3),
            fontsize="small",
            frameon=False,
            borderaxespad=0.3,
        )
    elif not groups:
        ax.legend(loc="lower right", fontsize="small", frameon=False)
    ax.set_title(
        title
        or "Time to a first employer response (reply, interview, rejection "
        f"or offer)\nKaplan–Meier; applications without one are censored{dated}",
        loc="left",
        pad=6 + (16 * -(-len(labels) // 3) if len(labels) > 1 else 0),
    )
