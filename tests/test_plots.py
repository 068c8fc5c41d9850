"""Plot functions: assertions on artists and their data (Agg backend), never on pixels.

The result frames are hand-made with the agreed columns, so these tests do not depend on the
metric functions; tests at the end feed real results from the simulated samples.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from followup_analytics.plots import (
    OKABE_ITO,
    plot_funnel,
    plot_heatmap,
    plot_offer_associations,
    plot_rates,
    plot_time_to_response,
    plot_timing,
)
from followup_analytics.schema import COMPARISON_COLUMNS

TIMING = pd.CategoricalDtype(["0–1", "2–3", "4–7", "8–14", "15–30", "31+"], ordered=True)


# ------------------------------------------------------------------ hand-made result frames
def _rates(groups: dict, n, k, small_below: int = 10) -> pd.DataFrame:
    df = pd.DataFrame(groups)
    n, k = np.asarray(n), np.asarray(k)
    df["n"], df["k"] = n, k
    rate = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    df["rate"] = rate
    df["ci_low"] = np.where(n > 0, np.clip(rate - 0.1, 0, 1), np.nan)
    df["ci_high"] = np.where(n > 0, np.clip(rate + 0.1, 0, 1), np.nan)
    df["small_n"] = n < small_below
    return df


@pytest.fixture
def by_channel() -> pd.DataFrame:
    return _rates(
        {"channel": ["email", "phone", "letter", "linkedin", "voicemail"]},
        [100, 40, 8, 20, 0],
        [30, 18, 5, 4, 0],
    )


@pytest.fixture
def timing_channel() -> pd.DataFrame:
    t = pd.Categorical(np.repeat(TIMING.categories, 3), dtype=TIMING)
    ch = np.tile(["email", "phone", "letter"], 6)
    n = np.array([40, 12, 3, 60, 20, 0, 80, 25, 8, 50, 15, 10, 30, 5, 4, 10, 2, 0])
    k = np.array([12, 5, 2, 21, 9, 0, 32, 12, 5, 15, 6, 5, 6, 2, 1, 1, 0, 0])
    return _rates({"timing": t, "channel": ch}, n, k)


@pytest.fixture
def curves() -> pd.DataFrame:
    # two groups; survival values hand-computed from the events (KM product)
    return pd.DataFrame(
        {
            "channel": ["email"] * 4 + ["phone"] * 3,
            "day": [0, 3, 7, 12, 0, 5, 9],
            "at_risk": [10, 10, 7, 4, 6, 6, 3],
            "events": [0, 2, 2, 1, 0, 2, 1],
            "censored": [0, 1, 1, 3, 0, 1, 2],
            "survival": [1.0, 0.8, 0.8 * 5 / 7, 0.8 * 5 / 7 * 3 / 4, 1.0, 4 / 6, 4 / 6 * 2 / 3],
            "ci_low": [1.0, 0.5, 0.3, 0.2, 1.0, 0.3, 0.1],
            "ci_high": [1.0, 0.95, 0.9, 0.8, 1.0, 0.9, 0.8],
        }
    )


@pytest.fixture
def funnel_frame() -> pd.DataFrame:
    k = np.array([200, 90, 30, 8, 5])
    n = np.r_[200, k[:-1]]
    return pd.DataFrame(
        {
            "stage": ["applied", "responded", "interviewed", "offered", "accepted"],
            "n": n,
            "k": k,
            "rate": k / n,
            "ci_low": k / n - 0.05,
            "ci_high": np.minimum(k / n + 0.05, 1),
            "share_of_applied": k / 200,
        }
    )


@pytest.fixture
def associations() -> pd.DataFrame:
    rows = []
    spec = [
        ("thank_you", "sent", "none", 60, 20, 40, 6, 2.8, 1.6),
        ("timing", "4–7", "0–1", 80, 10, 50, 5, 1.3, 0.9),
        ("channel", "letter", "email", 6, 2, 100, 15, 2.5, np.nan),
    ]
    for strat, lev, ref, n_l, k_l, n_r, k_r, naive, within in spec:
        for est, e in (
            ("pooled_odds_ratio", naive),
            ("within_seeker_odds_ratio", within),
            ("pooled_risk_difference", 0.1),
        ):
            rows.append(
                dict(
                    key=strat,
                    level=lev,
                    reference=ref,
                    n_level=n_l,
                    k_level=k_l,
                    n_reference=n_r,
                    k_reference=k_r,
                    estimator=est,
                    estimate=e,
                    ci_low=e / 2,
                    ci_high=e * 2,
                    p_value=0.04,
                    q_value=0.1,
                    small_n=n_l < 10,
                    n_seekers=3,
                    note="",
                )
            )
    frame = pd.DataFrame(rows)
    assert list(frame.columns) == COMPARISON_COLUMNS
    return frame


def _by_gid(artists, gid: str):
    found = [a for a in artists if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


# ------------------------------------------------------------------ plot_rates
def test_plot_rates_dots_are_the_rates_sorted_with_n_in_labels(by_channel):
    before = by_channel.copy()
    ax = plot_rates(by_channel)
    assert isinstance(ax, Axes)
    dots = _by_gid(ax.collections, "rates")
    assert isinstance(dots, PathCollection)
    # sorted by rate, highest first, empty group left out of the dots
    expected = sorted([0.3, 0.45, 5 / 8, 0.2], reverse=True)
    np.testing.assert_allclose(dots.get_offsets()[:, 0], expected)
    np.testing.assert_allclose(dots.get_offsets()[:, 1], [0, 1, 2, 3])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "letter  (n=8)",
        "phone  (n=40)",
        "email  (n=100)",
        "linkedin  (n=20)",
        "voicemail  (n=0)",
    ]
    segs = _by_gid(ax.collections, "intervals").get_segments()
    np.testing.assert_allclose([s[:, 0] for s in segs], [[r - 0.1, r + 0.1] for r in expected])
    pd.testing.assert_frame_equal(by_channel, before)


def test_plot_rates_mutes_small_groups_and_labels_empty_ones(by_channel):
    ax = plot_rates(by_channel)
    dots = _by_gid(ax.collections, "rates")
    edges = [to_hex(c) for c in dots.get_edgecolors()]
    assert edges[0] == "#9e9e9e"  # letter, n=8: muted
    assert set(edges[1:]) == {"#0072b2"}
    no_data = [t for t in ax.texts if t.get_gid() == "no_data"]
    assert [t.get_text() for t in no_data] == ["no data"]
    assert no_data[0].get_position()[1] == 4  # the voicemail row
    assert "Response within 30 days of the follow-up" in ax.get_title("left")
    # min_n overrides the flag
    ax2 = plot_rates(by_channel, min_n=50)
    edges2 = [to_hex(c) for c in _by_gid(ax2.collections, "rates").get_edgecolors()]
    assert edges2.count("#9e9e9e") == 3


def test_plot_rates_keeps_ordered_category_order(timing_channel):
    email = timing_channel[timing_channel["channel"] == "email"].drop(columns="channel")
    shuffled = email.iloc[[3, 0, 5, 1, 4, 2]]
    ax = plot_rates(shuffled)
    labels = [t.get_text().split("  ")[0] for t in ax.get_yticklabels()]
    assert labels == list(TIMING.categories)
    np.testing.assert_allclose(
        _by_gid(ax.collections, "rates").get_offsets()[:, 0], email["rate"].to_numpy()
    )


def test_plot_rates_sorts_nominal_vocabulary_by_rate_unless_asked_not_to(by_channel):
    dtype = pd.CategoricalDtype(["email", "phone", "voicemail", "letter", "linkedin"], ordered=True)
    frame = by_channel.assign(channel=by_channel["channel"].astype(dtype))
    labels = [t.get_text().split("  ")[0] for t in plot_rates(frame).get_yticklabels()]
    assert labels == ["letter", "phone", "email", "linkedin", "voicemail"]
    labels = [t.get_text().split("  ")[0] for t in plot_rates(frame, sort=False).get_yticklabels()]
    assert labels == list(by_channel["channel"])


def test_plot_rates_draws_on_given_axes_and_uses_definition(by_channel):
    fig, axes = plt.subplots(1, 2)
    out = plot_rates(by_channel, ax=axes[1], definition="Interview within 60 days")
    assert out is axes[1]
    assert len(fig.axes) == 2 and not axes[0].collections
    assert out.get_title("left").startswith("Interview within 60 days")


def test_plot_rates_names_missing_columns(by_channel):
    with pytest.raises(ValueError, match=r"plot_rates.*\['ci_low'\].*response_rates"):
        plot_rates(by_channel.drop(columns="ci_low"))
    with pytest.raises(ValueError, match="plot_rates: expected a DataFrame"):
        plot_rates([1, 2, 3])
    with pytest.raises(ValueError, match="plot_rates: the result has no rows"):
        plot_rates(by_channel.iloc[:0])


# ------------------------------------------------------------------ plot_timing
def test_plot_timing_one_line_per_channel_with_rates_in_bucket_order(timing_channel):
    before = timing_channel.copy()
    ax = plot_timing(timing_channel)
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert {g for g in lines if g.startswith("timing:")} == {
        "timing:email",
        "timing:phone",
        "timing:letter",
    }
    for name in ("email", "phone", "letter"):
        sub = timing_channel[timing_channel["channel"] == name]
        expected = sub["rate"].where(sub["n"] > 0).to_numpy()
        np.testing.assert_allclose(lines[f"timing:{name}"].get_ydata(), expected)
        np.testing.assert_allclose(lines[f"timing:{name}"].get_xdata(), np.arange(6))
    # small groups hollow: email none, letter every non-empty bucket but 8–14 (n=10)
    assert len(lines["small:email"].get_xdata()) == 0
    np.testing.assert_allclose(lines["small:letter"].get_xdata(), [0, 2, 4])
    assert [t.get_text() for t in ax.get_xticklabels()] == list(TIMING.categories)
    bands = [c for c in ax.collections if (c.get_gid() or "").startswith("band:")]
    assert len(bands) == 3
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "email (n=270)" in legend
    assert to_hex(lines["timing:email"].get_color()) == OKABE_ITO[0].lower()
    pd.testing.assert_frame_equal(timing_channel, before)


def test_plot_timing_drops_empty_channels_and_checks_requests(timing_channel):
    extra = _rates(
        {"timing": pd.Categorical(TIMING.categories, dtype=TIMING), "channel": ["text"] * 6},
        [0] * 6,
        [0] * 6,
    )
    ax = plot_timing(pd.concat([timing_channel, extra], ignore_index=True))
    assert "timing:text" not in {line.get_gid() for line in ax.get_lines()}
    ax = plot_timing(timing_channel, channels=["phone"])
    assert [g for g in (x.get_gid() for x in ax.get_lines()) if g.startswith("timing:")] == [
        "timing:phone"
    ]
    ax = plot_timing(timing_channel, max_channels=2)
    drawn = [g for g in (x.get_gid() for x in ax.get_lines()) if g.startswith("timing:")]
    assert drawn == ["timing:email", "timing:phone"]  # the two with most follow-ups
    note = [t.get_text() for t in ax.texts if t.get_gid() == "left_out"]
    assert note == ["Not drawn (fewer units):\nletter (25)"]
    with pytest.raises(ValueError, match=r"plot_timing: channels \['fax'\]"):
        plot_timing(timing_channel, channels=["fax"])
    with pytest.raises(ValueError, match=r"plot_timing.*\['channel'\]"):
        plot_timing(timing_channel.drop(columns="channel"))


# ------------------------------------------------------------------ plot_heatmap
def test_plot_heatmap_cells_hold_rate_and_n_and_small_cells_are_grey(timing_channel):
    ax = plot_heatmap(timing_channel)
    image = ax.images[0]
    data = image.get_array()
    assert data.shape == (6, 3)
    n = timing_channel["n"].to_numpy().reshape(6, 3)
    rate = timing_channel["rate"].to_numpy().reshape(6, 3)
    small = timing_channel["small_n"].to_numpy().reshape(6, 3) & (n > 0)
    np.testing.assert_array_equal(np.ma.getmaskarray(data), small | (n == 0))
    np.testing.assert_allclose(data.compressed(), rate[~(small | (n == 0))])
    greys = [p for p in ax.patches if p.get_gid() == "small_cell"]
    assert isinstance(greys[0], Rectangle) and greys[0].get_hatch() == "///"
    corners = sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in greys)
    assert corners == sorted((float(j), float(i)) for i, j in zip(*np.nonzero(small), strict=True))
    texts = {(t.get_position()): t.get_text() for t in ax.texts if t.get_gid() == "cell"}
    assert texts[(0, 0)] == "30%\nn=40"
    assert texts[(2, 1)] == "no data"
    assert texts[(2, 0)] == "n=3\ntoo few"


def test_plot_heatmap_min_n_and_missing_column(timing_channel):
    ax = plot_heatmap(timing_channel, min_n=30)
    greys = [p for p in ax.patches if p.get_gid() == "small_cell"]
    assert len(greys) == int(((timing_channel["n"] > 0) & (timing_channel["n"] < 30)).sum())
    with pytest.raises(ValueError, match=r"plot_heatmap.*\['rate'\]"):
        plot_heatmap(timing_channel.drop(columns="rate"))


# ------------------------------------------------------------------ plot_time_to_response
class _TTR:
    def __init__(self, curves: pd.DataFrame) -> None:
        self.curves = curves


def test_plot_time_to_response_steps_are_one_minus_survival(curves):
    before = curves.copy()
    ax = plot_time_to_response(_TTR(curves), days=[0, 5, 10], max_day=20)
    lines = {line.get_gid(): line for line in ax.get_lines()}
    email = lines["km:email"]
    assert email.get_drawstyle() == "steps-post"
    np.testing.assert_allclose(email.get_xdata(), [0, 3, 7, 12, 20])  # carried to max_day
    surv = curves.loc[curves["channel"] == "email", "survival"].to_numpy()
    np.testing.assert_allclose(email.get_ydata(), np.r_[1 - surv, 1 - surv[-1]])
    censor = lines["censor:email"]
    assert censor.get_marker() == "|"
    np.testing.assert_allclose(censor.get_xdata(), [3, 7, 12])
    np.testing.assert_allclose(censor.get_ydata(), 1 - surv[1:])
    # numbers at risk: email at days 0, 5, 10 -> 10, 7, 4; phone -> 6, 6, 0
    at_risk = [t.get_text() for t in ax.texts if t.get_gid() == "at_risk"]
    assert at_risk == ["10", "7", "4", "6", "6", "0"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["email (n=10)", "phone (n=6)"]
    assert ax.get_ylim() == (0, 1)
    pd.testing.assert_frame_equal(curves, before)


def test_plot_time_to_response_accepts_one_curve_frame_and_adds_day_zero(curves):
    one = curves[curves["channel"] == "phone"].drop(columns="channel").iloc[1:]
    ax = plot_time_to_response(one)
    line = _by_gid(ax.get_lines(), "km:all")
    np.testing.assert_allclose(line.get_xdata()[:2], [0, 5])
    assert line.get_ydata()[0] == 0
    assert "censored" in ax.get_xlabel()
    with pytest.raises(ValueError, match=r"plot_time_to_response.*\['survival'\]"):
        plot_time_to_response(curves.drop(columns="survival"))


# ------------------------------------------------------------------ plot_funnel
def test_plot_funnel_bars_are_counts_with_conversions(funnel_frame):
    ax = plot_funnel(funnel_frame)
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, [200, 90, 30, 8, 5])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(funnel_frame["stage"])
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "funnel_label"]
    assert labels[0].strip() == "200"
    assert "15% of applied" in labels[2] and "33% of previous stage" in labels[2]


def test_plot_funnel_by_group_draws_shares_side_by_side(funnel_frame):
    other = funnel_frame.assign(k=[100, 30, 10, 2, 1])
    other["share_of_applied"] = other["k"] / 100
    frame = pd.concat([funnel_frame.assign(cohort="A"), other.assign(cohort="B")])
    ax = plot_funnel(frame)
    bars = [p for p in ax.patches]
    assert len(bars) == 10
    np.testing.assert_allclose([b.get_width() for b in bars[5:]], other["share_of_applied"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A (n=200)", "B (n=100)"]
    with pytest.raises(ValueError, match=r"plot_funnel.*share_of_applied"):
        plot_funnel(funnel_frame.drop(columns="share_of_applied"))


# ------------------------------------------------------------------ plot_offer_associations
def test_plot_offer_associations_forest_on_log_scale(associations):
    before = associations.copy()
    ax = plot_offer_associations(associations)
    assert ax.get_xscale() == "log"
    naive = _by_gid(ax.get_lines(), "estimate:pooled_odds_ratio")
    within = _by_gid(ax.get_lines(), "estimate:within_seeker_odds_ratio")
    np.testing.assert_allclose(naive.get_xdata(), [2.8, 1.3, 2.5])
    np.testing.assert_allclose(within.get_xdata(), [1.6, 0.9, np.nan])
    # side by side: same row, small vertical offset
    np.testing.assert_allclose(within.get_ydata() - naive.get_ydata(), 0.32)
    ref = _by_gid(ax.get_lines(), "reference")
    assert tuple(ref.get_xdata()) == (1.0, 1.0)
    ci = _by_gid(ax.collections, "ci:pooled_odds_ratio")
    assert isinstance(ci, LineCollection)
    np.testing.assert_allclose(
        [s[:, 0] for s in ci.get_segments()], [[1.4, 5.6], [0.65, 2.6], [1.25, 5.0]]
    )
    assert [t.get_text() for t in ax.texts if t.get_gid() == "not_estimable"] == ["not estimable "]
    assert "associated with" in ax.get_title("left")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "thank you\nsent vs none\noffers 20/60 vs 6/40"
    # the small "channel: letter" level (n_level 6) is drawn hollow and grey
    np.testing.assert_allclose(
        _by_gid(ax.get_lines(), "small:pooled_odds_ratio").get_xdata(), [np.nan, np.nan, 2.5]
    )
    pd.testing.assert_frame_equal(associations, before)


def test_plot_offer_associations_selects_strategies_and_drops_empty_levels(associations):
    empty = associations[associations["key"] == "timing"].assign(level="31+", n_level=0, k_level=0)
    frame = pd.concat([associations, empty], ignore_index=True)
    ax = plot_offer_associations(frame, strategies=["channel", "thank_you"])
    labels = [t.get_text().split("\n")[:2] for t in ax.get_yticklabels()]
    assert labels == [["channel", "letter vs email"], ["thank you", "sent vs none"]]
    np.testing.assert_allclose(
        _by_gid(ax.get_lines(), "estimate:pooled_odds_ratio").get_xdata(), [2.5, 2.8]
    )
    ax = plot_offer_associations(frame)
    assert len(ax.get_yticklabels()) == 3  # the empty 31+ level is left out
    ax = plot_offer_associations(frame, drop_empty=False)
    assert len(ax.get_yticklabels()) == 4
    with pytest.raises(ValueError, match=r"strategies \['cadence'\] are not in the result"):
        plot_offer_associations(frame, strategies=["cadence"])


def test_plot_offer_associations_marks_intervals_running_off_the_axis(associations):
    wide = associations.copy()
    row = (wide["key"] == "timing") & (wide["estimator"] == "within_seeker_odds_ratio")
    wide.loc[row, "ci_high"] = np.inf
    ax = plot_offer_associations(wide)
    lo, hi = ax.get_xlim()
    assert hi == pytest.approx(5.6 * 1.3)  # from the finite values; inf does not stretch it
    arrow = _by_gid(ax.get_lines(), "clipped_high:within_seeker_odds_ratio")
    np.testing.assert_allclose(arrow.get_xdata(), [hi])
    assert arrow.get_marker() == ">"
    segs = _by_gid(ax.collections, "ci:within_seeker_odds_ratio").get_segments()
    assert segs[1][1, 0] == pytest.approx(hi)


def test_plot_offer_associations_zero_estimate_and_other_outcome(associations):
    frame = associations.copy()
    frame["key"] = frame["key"].replace({"channel": "post_rejection_note"})  # a comeback
    naive_channel = (frame["key"] == "post_rejection_note") & (
        frame["estimator"] == "pooled_odds_ratio"
    )
    frame.loc[naive_channel, ["estimate", "ci_low"]] = 0.0
    ax = plot_offer_associations(frame)
    zero = _by_gid(ax.get_lines(), "estimate:pooled_odds_ratio")
    assert np.isnan(zero.get_xdata()[2])  # not drawn as a dot on the log axis ...
    arrow = _by_gid(ax.get_lines(), "zero:pooled_odds_ratio")  # ... but as an arrow at the edge
    np.testing.assert_allclose(arrow.get_xdata(), [ax.get_xlim()[0]])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[2].endswith("comeback at company 2/6 vs 15/100")
    frame.loc[naive_channel, ["estimate", "ci_high"]] = np.inf
    ax = plot_offer_associations(frame)
    arrow = _by_gid(ax.get_lines(), "infinite:pooled_odds_ratio")
    np.testing.assert_allclose(arrow.get_xdata(), [ax.get_xlim()[1]])
    np.testing.assert_allclose(arrow.get_ydata(), [2 - 0.16])
    # only the within-seeker NaN of that row is "not estimable", not the infinite naive one
    assert [t.get_position()[1] for t in ax.texts if t.get_gid() == "not_estimable"] == [
        pytest.approx(2 + 0.16)
    ]
    assert labels[0].endswith("offers 20/60 vs 6/40")
    assert "outcome (see each row)" in ax.get_xlabel()


def test_plot_offer_associations_one_seeker_draws_the_naive_ratio_and_says_why(associations):
    one_seeker = associations[associations["estimator"] != "within_seeker_odds_ratio"]
    ax = plot_offer_associations(one_seeker)
    gids = {line.get_gid() for line in ax.get_lines()}
    assert "estimate:pooled_odds_ratio" in gids and "estimate:within_seeker_odds_ratio" not in gids
    np.testing.assert_allclose(
        _by_gid(ax.get_lines(), "estimate:pooled_odds_ratio").get_ydata(), [0, 1, 2]
    )  # one estimator: no vertical offset
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("two or more seekers" in t for t in legend)


def test_plot_offer_associations_checks_estimators(associations):
    with pytest.raises(ValueError, match=r"estimator\(s\) \['adjusted_odds_ratio'\]"):
        plot_offer_associations(associations, estimators=["adjusted_odds_ratio"])
    with pytest.raises(ValueError, match=r"plot_offer_associations.*\['estimator'\]"):
        plot_offer_associations(associations.drop(columns="estimator"))


# ------------------------------------------------------------------ real results
@pytest.fixture(scope="module")
def sample_log():
    from followup_analytics.samples import simulate_log

    return simulate_log(n_seekers=8, applications_per_seeker=(40, 60), seed=7)


@pytest.mark.filterwarnings("ignore::followup_analytics.FollowupWarning")
def test_real_rates_timing_and_heatmap(sample_log):
    from followup_analytics import response_rates

    by_channel = response_rates(sample_log, by="channel")
    ax = plot_rates(by_channel)
    has = by_channel[by_channel["n"] > 0]
    np.testing.assert_allclose(
        np.sort(_by_gid(ax.collections, "rates").get_offsets()[:, 0]),
        np.sort(has["rate"].to_numpy()),
    )
    n_labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(n_labels) == len(by_channel)  # empty channels stay, labelled
    assert len([t for t in ax.texts if t.get_gid() == "no_data"]) == int(
        (by_channel["n"] == 0).sum()
    )

    tc = response_rates(sample_log, by=["timing", "channel"])
    ax = plot_timing(tc, channels=["email", "phone"])
    for name in ("email", "phone"):
        sub = tc[tc["channel"] == name]
        np.testing.assert_allclose(
            _by_gid(ax.get_lines(), f"timing:{name}").get_ydata(),
            sub["rate"].where(sub["n"] > 0).to_numpy(),
        )
    ax = plot_heatmap(tc)
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    rows = tc.groupby("timing", observed=True)["n"].sum().gt(0).sum()
    cols = tc.groupby("channel", observed=True)["n"].sum().gt(0).sum()
    assert len(cells) == rows * cols
    small = tc["small_n"] & (tc["n"] > 0)
    assert len([p for p in ax.patches if p.get_gid() == "small_cell"]) == int(small.sum())


@pytest.mark.filterwarnings("ignore::followup_analytics.FollowupWarning")
def test_real_funnel_and_time_to_response(sample_log):
    from followup_analytics import funnel, time_to_response

    f = funnel(sample_log)
    ax = plot_funnel(f)
    np.testing.assert_allclose([p.get_width() for p in ax.patches], f["k"].to_numpy())
    ttr = time_to_response(sample_log, by="seeker")
    ax = plot_time_to_response(ttr)
    kms = [line for line in ax.get_lines() if line.get_gid().startswith("km:")]
    assert len(kms) == int((ttr.summary["n"] > 0).sum())
    first = ttr.curves[ttr.curves["seeker"] == ttr.summary["seeker"].iloc[0]]
    line = _by_gid(ax.get_lines(), f"km:{ttr.summary['seeker'].iloc[0]}")
    shown = first["day"] <= 90
    np.testing.assert_allclose(
        line.get_ydata()[: shown.sum()], 1 - first.loc[shown, "survival"].to_numpy()
    )


def test_default_definition_follows_the_unit_and_attrs(by_channel):
    by_program = by_channel.rename(columns={"channel": "program"})
    assert (
        plot_rates(by_program)
        .get_title("left")
        .startswith("Share of applications with the outcome")
    )
    assert (
        plot_rates(by_channel)
        .get_title("left")
        .startswith("Response within 30 days of the follow-up")
    )
    tagged = by_program.copy()
    tagged.attrs["definition"] = "Offer within 90 days of applying"
    assert plot_rates(tagged).get_title("left").startswith("Offer within 90 days")


def test_heatmap_and_funnel_leave_their_input_unchanged(timing_channel, funnel_frame):
    before_tc, before_f = timing_channel.copy(), funnel_frame.copy()
    plot_heatmap(timing_channel)
    plot_funnel(funnel_frame)
    pd.testing.assert_frame_equal(timing_channel, before_tc)
    pd.testing.assert_frame_equal(funnel_frame, before_f)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_make_figures_writes_the_readme_figures(tmp_path):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_figures.py"
    spec = importlib.util.spec_from_file_location("make_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in ("timing_channel.png", "offer_associations.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        assert (script.parents[1] / "docs" / name).exists()  # the committed copy


def test_all_empty_results_say_no_data_instead_of_drawing_blank_axes(timing_channel, associations):
    empty = timing_channel.assign(
        n=0, k=0, rate=np.nan, ci_low=np.nan, ci_high=np.nan, small_n=True
    )
    for ax in (plot_timing(empty), plot_heatmap(empty)):
        note = _by_gid(ax.texts, "no_data")
        assert note.get_text().startswith("No data")
        assert not ax.get_lines() and not ax.images
    nothing = associations.assign(n_level=0)
    ax = plot_offer_associations(nothing)
    assert _by_gid(ax.texts, "no_data").get_text().startswith("Nothing to compare")
    assert "associated with" in ax.get_title("left")


@pytest.mark.filterwarnings("ignore::followup_analytics.FollowupWarning")
def test_titles_and_labels_read_the_definition_the_result_carries(sample_log):
    from followup_analytics import funnel, landmark_effect, response_rates, time_to_response

    offers = response_rates(sample_log, by="channel", outcome="offer", window=7)
    ax = plot_rates(offers)
    assert "Response within 30 days" not in ax.get_title("left")
    assert ax.get_title("left").startswith("Offer after the follow-up, by channel")
    assert ax.get_xlabel().startswith("Offer after the follow-up")
    responses = response_rates(sample_log, by=["timing", "channel"], window=7)
    assert plot_timing(responses).get_ylabel().startswith("Response within 7 days of the follow-up")
    assert (
        plot_heatmap(responses)
        .get_title("left")
        .startswith("Response within 7 days of the follow-up, by timing and channel")
    )
    by_seeker = response_rates(sample_log, by="seeker", outcome="interview")
    assert (
        plot_rates(by_seeker)
        .get_title("left")
        .startswith("Share of applications with an interview, by seeker")
    )
    as_of = str(sample_log.as_of.date())
    assert as_of in plot_funnel(funnel(sample_log)).get_title("left")
    assert as_of in plot_time_to_response(time_to_response(sample_log)).get_title("left")
    landmark = landmark_effect(sample_log, day=10, outcome="interview")
    title = plot_offer_associations(landmark).get_title("left")
    assert title.startswith("Interview after day 10 among applications still waiting then")
    assert "fewer interviews than the reference" in plot_offer_associations(landmark).get_xlabel()


def test_old_plot_argument_names_raise_naming_the_new_ones(by_channel, timing_channel, curves):
    with pytest.raises(TypeError, match=r"plot_rates\(\): group= was renamed to by="):
        plot_rates(by_channel, group="channel")
    with pytest.raises(TypeError, match="channel= was renamed to hue="):
        plot_timing(timing_channel, channel="channel")
    with pytest.raises(TypeError, match="row= was renamed to by="):
        plot_heatmap(timing_channel, row="timing")
    with pytest.raises(TypeError, match="at_days= was renamed to days="):
        plot_time_to_response(curves, at_days=[0, 7])
    ax = plot_heatmap(timing_channel.rename(columns={"channel": "via"}), hue="via")
    assert ax.get_xlabel() == "via"


def test_plot_time_to_response_says_why_nothing_can_be_timed():
    import warnings

    import followup_analytics as fa

    # statuses without reply dates: every application is left out of the curves
    tracker = pd.DataFrame(
        {
            "Company": ["Acme", "Beta"],
            "Date Applied": ["2026-03-02", "2026-03-04"],
            "Status": ["Rejected", "Offer"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fa.time_to_response(fa.load(tracker, as_of="2026-04-30"))
    with pytest.raises(fa.ArgumentError, match="no application can be timed: all 2 were left out"):
        plot_time_to_response(result)
