"""Cohort report figures and formatting: hidden values read "hidden", SVG figures, the
multi-group time-to-response chart (day ticks, numbers at risk, legend clear of the curves),
one number format and plain labels."""

from __future__ import annotations

import base64
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from followup_analytics import cohort_report, load
from followup_analytics.cohort.figures import rate_chart
from followup_analytics.cohort.html import table_view
from followup_analytics.cohort.labels import (
    category_label,
    column_label,
    fmt_count,
    fmt_estimate,
    fmt_percent,
)
from followup_analytics.plots import plot_time_to_response
from followup_analytics.samples import sample_path

SAMPLES = sample_path("cohort_2026.xlsx")


@pytest.fixture(scope="module")
def report():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cohort_report(load(SAMPLES), by="program", min_cell=10, salt="figures")


def _curves() -> pd.DataFrame:
    rows = []
    for g, n0 in (("Data", 40), ("Web", 30), ("Design", 20)):
        at = n0
        for day in range(0, 60, 5):
            ev = 2 if day else 0
            rows.append(
                {
                    "program": g,
                    "day": float(day),
                    "at_risk": at,
                    "events": ev,
                    "censored": 1 if day else 0,
                    "survival": at / n0 * 0.97,
                    "ci_low": 0.5,
                    "ci_high": 1.0,
                }
            )
            at -= ev + (1 if day else 0)
    return pd.DataFrame(rows)


def test_multi_group_time_chart_has_ticks_at_risk_and_a_clear_legend() -> None:
    ax = Figure(figsize=(7.5, 4.2), layout="constrained").subplots()
    # an empty day list (what the report used to pass) still gets day ticks
    plot_time_to_response(
        _curves(),
        days=[],
        max_day=56,
        ax=ax,
        at_risk={"Web": [30, 12, "hidden", "hidden", "hidden"]},
    )
    ticks = list(ax.get_xticks())
    assert len(ticks) >= 4 and ticks[0] == 0
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "at_risk"]
    assert len(texts) == 3 * len(ticks) and "hidden" in texts and "40" in texts
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    axes = ax.get_window_extent()
    assert legend.y0 >= axes.y1 - 1, "the legend sits above the curves"
    assert len(ax.get_legend().get_texts()) == 3


def test_rate_chart_draws_hidden_as_hidden() -> None:
    frame = pd.DataFrame(
        {
            "n": [120, pd.NA, 40],
            "rate": [0.5, np.nan, 0.25],
            "ci_low": [0.4, np.nan, 0.1],
            "ci_high": [0.6, np.nan, 0.4],
        }
    )
    ax = Figure().subplots()
    rate_chart(ax, ["a", "b", "c"], frame, title="t", xlabel="x")
    assert [t.get_text() for t in ax.texts if t.get_gid() == "hidden"] == ["hidden"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["a (n=120)", "b (n hidden)", "c (n=40)"]
    assert not any("n=0" in x or "no data" in x for x in labels)


def test_figures_are_svg_with_hidden_labels(report) -> None:
    figs = report.figures
    assert figs and all(v.startswith("data:image/svg+xml;base64,") for v in figs.values())
    svg = "".join(base64.b64decode(v.split(",", 1)[1]).decode() for v in figs.values())
    assert "hidden" in svg and "no data" not in svg and "n=0" not in svg
    assert "time_to_response" in figs and "At risk" in svg


def test_one_number_format_and_plain_labels(report) -> None:
    assert fmt_count(4679) == "4,679" and fmt_percent(0.39325) == "39.3%"
    assert fmt_estimate(5.5249) == "5.52"
    view = table_view(next(t for t in report.sections if t.key == "outcomes"))
    assert view["headers"][:5] == [
        "Program",
        "Outcome",
        "Counted per",
        "Out of",
        "With the outcome",
    ]
    cells = [c.text for row in view["rows"] for c in row]
    assert "4,679" in cells and "a response" in cells and "hidden" in cells
    assert not any(x.startswith("0.") and len(x) > 6 for x in cells)  # no raw floats
    assert column_label("outcomes", "p_response_7") == "Response by day 7"
    assert category_label("in_person") == "in person"
    # zero-only categories are dropped (and noted once)
    channels = report.tables["followup_channel"]["channel"]
    assert "other" not in set(channels) and "unknown" not in set(channels)
    html = report._repr_html_()
    assert html.count("Categories that no one used are left out") == 1


def test_time_curves_show_no_small_step(report) -> None:
    """Each drawn step of the whole-cohort curve covers at least min_cell responses, and
    the curve stops before fewer than min_cell applications are waiting."""
    from followup_analytics.metrics.survival import time_to_response

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = time_to_response(load(SAMPLES)).curves
    curves = report.tables["time_to_response"]  # the table; curves live in extra
    shown = next(t for t in report.sections if t.key == "time_to_response").extra["curves"]
    whole = shown.loc[shown.iloc[:, 0].eq("All")]
    assert len(whole) > 3 and curves is not None
    assert (shown["censored"] == 0).all() and (shown["at_risk"] >= report.min_cell).all()
    days = whole["day"].to_numpy()
    events = full.set_index("day")["events"]
    for a, b in zip(days[:-1], days[1:], strict=True):
        assert events.loc[(events.index > a) & (events.index <= b)].sum() >= report.min_cell
    # the drawn values are the exact Kaplan-Meier estimates at those days
    exact = full.set_index("day").loc[days, "survival"].to_numpy()
    np.testing.assert_allclose(whole["survival"].to_numpy(), exact)


def test_curve_and_band_stop_before_a_hidden_number_waiting() -> None:
    """Where the audit hides a group's number still waiting on some day, neither its curve
    nor its band goes on to that day (a step or a band's width there would tell it)."""
    from followup_analytics.cohort.content import _shown_curves

    curves = _curves()
    time = pd.DataFrame(
        {"program": ["Data", "Web"], "n_responses": [20, 15], "n_censored": [20, 15]}
    )
    risk = pd.DataFrame(
        {
            "program": ["Data", "Web"],
            "day_0": [40, 30],
            "day_7": [37, 27],
            "day_30": pd.array([pd.NA, 12], dtype="Int64"),
        }
    )
    shown = _shown_curves(curves, time, risk, "program", min_cell=2)
    data = shown.loc[shown["program"].eq("Data")]
    web = shown.loc[shown["program"].eq("Web")]
    assert len(data) > 1 and data["day"].max() < 30
    assert data[["survival", "ci_low", "ci_high"]].notna().all().all()
    # the other group, with nothing hidden, keeps its curve past day 30
    assert web["day"].max() > 30
