"""The report's figures: drawn from the suppressed tables, embedded as SVG.

SVG stays sharp at any width (a phone, an 800 px window, paper). A hidden value is drawn
as the word "hidden" (the same label as in the tables), never as 0, "n=0" or "no data".
"""

from __future__ import annotations

import base64
import functools
import io
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import FollowupWarning
from .labels import HIDDEN, category_label, fmt_count, fmt_percent
from .suppression import TOTAL

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .report import CohortReport

ACCENT = "#0072B2"
MUTED = "#767676"
WIDTH = 7.5


def _svg(draw: Callable[[Axes], object], height: float) -> str:
    """Draw on a bare Figure (no pyplot: the user's backend is left alone); SVG data URI."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "cohort-report",
            "font.family": "sans-serif",
            "font.size": 10,
        }
    ):
        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        ax = fig.subplots()
        with warnings.catch_warnings():
            # small counts are marked in the figure itself and in the report's tables
            warnings.simplefilter("ignore", FollowupWarning)
            draw(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _floats(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").astype("float64").to_numpy()


def rate_chart(
    ax: Axes, labels: list[str], frame: pd.DataFrame, *, title: str, xlabel: str
) -> Axes:
    """Rates with 95% intervals, one row per label; hidden rates read "hidden".

    Artists: a collection with gid ``"rates"`` (the dots), ``"intervals"`` (the lines) and a
    text with gid ``"hidden"`` per hidden row; y tick labels "label (n=1,234)" or
    "label (n hidden)".
    """
    rate, lo, hi = (_floats(frame, c) for c in ("rate", "ci_low", "ci_high"))
    n = frame["n"].to_numpy(dtype=object)
    shown = np.isfinite(rate)
    y = np.arange(len(labels), dtype=float)
    ax.hlines(y[shown], lo[shown], hi[shown], colors=ACCENT, lw=2.2, gid="intervals")
    ax.scatter(rate[shown], y[shown], s=46, c=ACCENT, zorder=3, gid="rates")
    for pos, is_hidden in zip(y, ~shown, strict=True):
        if is_hidden:
            ax.text(
                0.01,
                pos,
                HIDDEN,
                va="center",
                ha="left",
                color=MUTED,
                fontstyle="italic",
                gid="hidden",
            )
    ticks = [
        f"{lab} (n={fmt_count(k)})" if pd.notna(k) else f"{lab} (n {HIDDEN})"
        for lab, k in zip(labels, n, strict=True)
    ]
    ax.set_yticks(y, ticks)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.grid(axis="x", color="#EEEEEE")
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize="medium")
    return ax


def funnel_chart(ax: Axes, frame: pd.DataFrame) -> Axes:
    """Applications reaching each stage (whole cohort); a hidden count reads "hidden"."""
    k = _floats(frame, "k")
    y = np.arange(len(frame), dtype=float)
    ax.barh(y, np.nan_to_num(k), color=ACCENT, height=0.65, gid="funnel")
    top = np.nanmax(k) if np.isfinite(k).any() else 1.0
    for pos, (_, row) in zip(y, frame.iterrows(), strict=True):
        if pd.isna(row["k"]):
            text = HIDDEN
        else:
            text = fmt_count(row["k"])
            if pd.notna(row.get("share_of_applied")) and row["stage"] != "applied":
                text += f"  ({fmt_percent(row['share_of_applied'])} of all applications)"
        ax.text(
            0 if pd.isna(row["k"]) else float(row["k"]),
            pos,
            "  " + text,
            va="center",
            ha="left",
            fontsize="small",
            gid="funnel_label",
            color=MUTED if pd.isna(row["k"]) else "black",
        )
    ax.set_yticks(y, [str(s) for s in frame["stage"]])
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.8)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_xlabel("Applications that reached the stage (furthest stage, from all events)")
    ax.set_title("How far applications got", loc="left", fontsize="medium")
    return ax


def forest_chart(ax: Axes, frame: pd.DataFrame) -> Axes:
    """Within-seeker odds ratios with 95% intervals on a log axis (shown rows only)."""
    est, lo, hi = (_floats(frame, c) for c in ("estimate", "ci_low", "ci_high"))
    ok = np.isfinite(est) & (est > 0)
    lo = np.where(np.isfinite(lo) & (lo > 0), lo, 0.05)
    hi = np.where(np.isfinite(hi), hi, 20.0)
    y = np.arange(len(frame), dtype=float)
    ax.axvline(1.0, color=MUTED, lw=1, ls="--")
    ax.hlines(
        y[ok],
        np.clip(lo[ok], 0.05, 20),
        np.clip(hi[ok], 0.05, 20),
        colors=ACCENT,
        lw=2.2,
        gid="intervals",
    )
    ax.scatter(np.clip(est[ok], 0.05, 20), y[ok], s=46, c=ACCENT, zorder=3, gid="estimates")
    labels = []
    for _, row in frame.iterrows():
        text = (
            f"{category_label(row['strategy'])}: {category_label(row['level'])} vs "
            f"{category_label(row['reference'])}"
        )
        if row.get("outcome") not in (None, "offered") and pd.notna(row.get("outcome")):
            text += f"\n(outcome: {category_label(row['outcome'])})"
        labels.append(text)
    ax.set_xscale("log")
    ax.set_xlim(0.05, 20)
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.set_xlabel(
        "Within-seeker odds ratio (Mantel–Haenszel, 95% CI); right of 1: more "
        "often with the outcome"
    )
    ax.set_title(
        "Strategies and offers, same seeker compared with themself", loc="left", fontsize="medium"
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return ax


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    by = frame.columns[0]
    return frame.loc[frame[by].eq(TOTAL).fillna(False).to_numpy()].reset_index(drop=True)


def _time(t: dict, report: CohortReport) -> str | None:
    from ..plots import plot_time_to_response

    curves = t["time_to_response"].extra.get("curves")
    if curves is None or not len(curves):
        return None
    by = curves.columns[0]
    risk = t["at_risk"].frame
    days = [int(c.removeprefix("day_")) for c in risk.columns if c.startswith("day_")]
    shown = set(curves[by])
    at_risk = {
        str(row[by]): [HIDDEN if pd.isna(row[f"day_{d}"]) else int(row[f"day_{d}"]) for d in days]
        for _, row in risk.iterrows()
        if row[by] in shown
    }
    groups = len(shown)
    return _svg(
        lambda ax: plot_time_to_response(
            curves,
            days=days,
            max_day=max(days),
            at_risk=at_risk,
            ax=ax,
            title="Time to a first employer response (reply, interview, rejection or offer)",
        ),
        3.4 + 0.25 * groups + (0.3 if groups > 1 else 0),
    )


def draw_figures(report: CohortReport) -> dict[str, str]:
    """Draw every figure of `report` from its suppressed tables.

    Returns
    -------
    dict of str to str
        Table key (or ``<key>_by_group``) -> ``data:image/svg+xml;base64,...`` URI.
    """
    t = {tab.key: tab for tab in report.sections}
    by = report.by or "group"
    out: dict[str, str] = {}
    whole = _whole(t["outcomes"].frame)
    labels = [category_label(o) for o in whole["outcome"]]
    out["outcomes"] = _svg(
        lambda ax: rate_chart(
            ax,
            labels,
            whole,
            title="Whole cohort: share of applications with …, and of seekers",
            xlabel="Share (dot) with its 95% Wilson interval (line)",
        ),
        2.4,
    )
    if report.by is not None:
        o = t["outcomes"].frame
        for outcome, label in (("response", "Any response"), ("offer", "An offer")):
            part = o.loc[o["outcome"].eq(outcome) & o[by].ne(TOTAL)].reset_index(drop=True)
            out[f"outcomes_{outcome}_by_group"] = _svg(
                functools.partial(
                    rate_chart,
                    labels=[str(g) for g in part[by]],
                    frame=part,
                    title=f"{label}, by {report.by}",
                    xlabel="Share of applications (dot) with its 95% interval (line)",
                ),
                1.3 + 0.4 * len(part),
            )
    fun = _whole(t["funnel"].frame)
    out["funnel"] = _svg(lambda ax: funnel_chart(ax, fun), 2.6)
    for key in ("followup_timing", "followup_channel", "followup_letter_type"):
        cat = t[key].extra["category"]
        part = _whole(t[key].frame)
        if len(part):
            names = [category_label(c) for c in part[cat]]
            out[key] = _svg(
                functools.partial(
                    rate_chart,
                    labels=names,
                    frame=part,
                    title="Response within 30 days of an eligible follow-up",
                    xlabel="Share of follow-ups followed by a response (95% interval)",
                ),
                1.3 + 0.4 * len(part),
            )
    fig = _time(t, report)
    if fig is not None:
        out["time_to_response"] = fig
    if "strategies" in t:
        strat = _whole(t["strategies"].frame).dropna(subset=["estimate"]).reset_index(drop=True)
        if len(strat):
            out["strategies"] = _svg(lambda ax: forest_chart(ax, strat), 1.3 + 0.5 * len(strat))
    return out
