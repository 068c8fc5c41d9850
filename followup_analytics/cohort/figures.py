"""The report's figures: drawn from the suppressed tables, embedded as base64 PNG."""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from .content import OUTCOME_LABELS
from .suppression import TOTAL

if TYPE_CHECKING:
    from .report import CohortReport

_DPI = 110


def _png(draw: Callable[[object], object], height: float) -> str:
    # a bare Figure (no pyplot): the user's backend and open figures are left alone
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, height), layout="constrained")
    ax = fig.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    by = frame.columns[0]
    return frame.loc[frame[by].eq(TOTAL)].drop(columns=[by, "suppressed"])


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rate columns as plain floats (suppressed cells NaN), small_n from the shown n."""
    out = frame.copy()
    for c in ("n", "k"):
        out[c] = out[c].astype("Float64").fillna(float("nan")).astype(float)
    for c in ("rate", "ci_low", "ci_high"):
        out[c] = out[c].astype("Float64").fillna(float("nan")).astype(float)
    out["small_n"] = out["rate"].isna()
    return out.drop(columns=[c for c in ("suppressed", "unit") if c in out])


def draw_figures(report: CohortReport) -> dict[str, str]:
    """Draw every figure of `report` from its suppressed tables.

    Parameters
    ----------
    report : CohortReport

    Returns
    -------
    dict of str to str
        Table key (or ``<key>_by_group``) -> ``data:image/png;base64,...`` URI.
    """
    from .. import plots

    t = {tab.key: tab for tab in report.sections}
    by = report.by or "group"
    out: dict[str, str] = {}
    outcomes = t["outcomes"].frame
    whole = _rates(_whole(outcomes))
    whole["outcome"] = whole["outcome"].map(OUTCOME_LABELS)
    out["outcomes"] = _png(lambda ax: plots.plot_rates(
        whole, by="outcome", sort=False, definition="Share with the outcome",
        title="Whole cohort: share of applications with …, and of seekers", ax=ax),
        3.0)
    if report.by is not None:
        for outcome, label in (("response", "Any response"), ("offer", "An offer")):
            part = _rates(outcomes.loc[outcomes["outcome"].eq(outcome)
                                       & outcomes[by].ne(TOTAL)].drop(columns="outcome"))
            height = 1.2 + 0.35 * len(part)
            out[f"outcomes_{outcome}_by_group"] = _png(lambda ax, p=part, lab=label:
                                                       plots.plot_rates(
                p, by=by, definition=f"{lab} (share of applications)", ax=ax), height)
    fun = _whole(t["funnel"].frame)
    for c in ("n", "k", "rate", "ci_low", "ci_high", "share_of_applied"):
        fun[c] = fun[c].astype("Float64").fillna(float("nan")).astype(float)
    out["funnel"] = _png(lambda ax: plots.plot_funnel(fun, ax=ax), 3.0)
    for key in ("followup_timing", "followup_channel", "followup_letter_type"):
        cat = t[key].extra["category"]
        part = _rates(_whole(t[key].frame))
        part = part.loc[part["n"].fillna(0) > 0]
        if len(part):
            out[key] = _png(lambda ax, p=part, c=cat: plots.plot_rates(
                p, by=c, sort=c != "timing",
                definition="Response within 30 days of the follow-up", ax=ax),
                1.2 + 0.35 * len(part))
    curves = t["time_to_response"].extra.get("curves")
    if curves is not None and len(curves):
        out["time_to_response"] = _png(lambda ax: plots.plot_time_to_response(
            curves, days=[], ax=ax), 3.6)
    if "strategies" in t:
        strat = _whole(t["strategies"].frame.assign(suppressed="")).dropna(
            subset=["estimate"]).rename(columns={"strategy": "key"})
        if len(strat):
            out["strategies"] = _png(lambda ax: plots.plot_offer_associations(
                strat, estimators=("within_seeker_odds_ratio",),
                ax=ax), 1.4 + 0.75 * len(strat))
    return out
