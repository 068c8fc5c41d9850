"""Forest plot of strategies associated with offers: naive and within-seeker odds ratios."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from .. import schema
from ..errors import ArgumentError
from ..metrics.strategies import STRATEGIES
from ._common import MUTED, OKABE_ITO, as_of_note, new_axes, no_data, require

_EXPECT = (
    "offer_associations() or landmark_effect() (the comparison schema: key, level, "
    "reference, estimator, estimate, ci_low, ci_high, n_level ...)"
)
ESTIMATOR_LABELS: dict[str, str] = {
    "pooled_odds_ratio": "naive (all applications pooled)",
    "within_seeker_odds_ratio": "within seeker (Mantel–Haenszel)",
    "adjusted_odds_ratio": "adjusted odds ratio (Mantel-Haenszel over covariate strata)",
    "pooled_risk_ratio": "risk ratio",
    "pooled_risk_difference": "risk difference",
}
_COLOURS = {
    "pooled_odds_ratio": OKABE_ITO[0],
    "within_seeker_odds_ratio": OKABE_ITO[1],
    "adjusted_odds_ratio": OKABE_ITO[2],
    "pooled_risk_ratio": OKABE_ITO[3],
}
_DEFAULT_ESTIMATORS = ("pooled_odds_ratio", "within_seeker_odds_ratio")
_KEYS = ["key", "level", "reference"]  # one row of the plot per distinct combination
_LIMITS = (1 / 20, 20.0)
_TICKS = (0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)


def _pretty(value: object) -> str:
    return str(value).replace("_", " ")


def _row_label(row: pd.Series, what: str) -> str:
    text = f"{_pretty(row['key'])}\n{_pretty(row['level'])} vs {_pretty(row['reference'])}"
    cols = ("k_level", "n_level", "k_reference", "n_reference")
    strategy = STRATEGIES.get(row["key"])
    if strategy is not None and strategy.outcome != "offered":
        what = _pretty(strategy.outcome)
    if all(c in row.index and pd.notna(row[c]) for c in cols):
        text += (
            f"\n{what} {int(row['k_level'])}/{int(row['n_level'])} vs "
            f"{int(row['k_reference'])}/{int(row['n_reference'])}"
        )
    return text


def plot_offer_associations(
    result: pd.DataFrame,
    *,
    estimators: Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    drop_empty: bool = True,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Forest plot: per strategy level, naive and within-seeker odds ratios side by side.

    Parameters
    ----------
    result : DataFrame
        A frame in the comparison schema, from :func:`offer_associations` or
        :func:`landmark_effect`: ``key, level, reference, estimator, estimate, ci_low,
        ci_high`` and optionally ``n_level, k_level, n_reference, k_reference`` (printed
        under each row label) and ``small_n`` (drawn hollow and grey). The outcome named in
        the labels and the title comes from ``result.attrs["definition"]`` (offers by
        default).
    estimators : list of str, optional
        The ratio estimators to draw side by side. Default: the naive and the within-seeker
        odds ratio, or the naive one alone when the result has no within-seeker rows (a
        single seeker); a note then says why. Ratios only: the axis is logarithmic.
    strategies : list of str, optional
        Draw only these keys (strategies), in this order (default: all, in order of
        appearance).
    drop_empty : bool, default True
        Leave out levels where the level or its reference has no eligible application
        (``n_level`` or ``n_reference`` 0): there is nothing to compare.
    title : str, optional
        Overrides the default title.
    ax : Axes, optional
        Draw here; a new figure of notebook width is created when omitted.

    Returns
    -------
    Axes
        On a log x axis: per estimator, dots with gid ``"estimate:<estimator>"`` (x = the
        estimates, one per strategy level in order of appearance, NaN where not estimable)
        and interval lines ``"ci:<estimator>"``; a vertical reference line at 1 (gid
        ``"reference"``); arrow heads where an interval runs off the axis
        (``"clipped_high:<estimator>"``, ``"clipped_low:<estimator>"``), at the left edge
        for estimates of 0 (``"zero:<estimator>"``) and at the right edge for infinite ones
        (``"infinite:<estimator>"``, no one in the reference had the outcome).

    Raises
    ------
    ArgumentError
        When a required column is missing or an estimator is not in the result.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.plots import plot_offer_associations
    >>> ax = plot_offer_associations(fa.offer_associations(log))
    >>> ax.get_xlabel().splitlines()[0]
    'Odds ratio, level vs reference (log scale, 95% CI)'
    """
    need = ("key", "level", "reference", "estimator", "estimate", "ci_low", "ci_high")
    df = require(result, need, "plot_offer_associations", _EXPECT).reset_index(drop=True)
    what, default_title = _outcome_words(df)
    dated = as_of_note(df)
    df, estimators, no_within = _select(df, estimators, strategies, drop_empty)
    if df.empty:
        return no_data(
            ax,
            "Nothing to compare: no strategy level has applications on both "
            "sides\n(are follow-ups, interviews and offers recorded?)",
            title or default_title,
        )
    rows = df.drop_duplicates(_KEYS)[_KEYS].reset_index(drop=True)
    ax = new_axes(ax, height=max(3.0, 0.75 * len(rows) + 1.9))
    limits = _limits(df)
    handles = _draw_estimators(ax, df, rows, estimators, limits)
    _log_axis(ax, limits)
    _row_axis(ax, df, len(rows), what)
    ax.set_xlabel(_x_label(df, what))
    handles += _note_handles(df, no_within)
    _legend(ax, handles)
    ax.set_title(
        title or f"{default_title}\n(associations, not proof of cause{dated})",
        loc="left",
        fontsize="medium",
        pad=10 + 13 * len(handles),
    )
    return ax


def _outcome_words(df: pd.DataFrame) -> tuple[str, str]:
    """The outcome in the plural ("offers") and the default title, from the definition."""
    stored = schema.definition_of(df)
    what = schema.OUTCOME_PLURALS.get(stored.outcome or "offer", "offers") if stored else "offers"
    default_title = (
        "Follow-up strategies associated with offers"
        if stored is None or stored.landmark is None
        else f"{stored.describe()}: followed up vs not"
    )
    return what, default_title


def _draw_estimators(
    ax: Axes,
    df: pd.DataFrame,
    rows: pd.DataFrame,
    estimators: list[str],
    limits: tuple[float, float],
) -> list[Line2D]:
    """Each estimator's points and intervals, side by side on each row; their legend entries."""
    y = np.arange(len(rows), dtype=float)
    step = 0.32 if len(estimators) > 1 else 0.0
    handles = []
    for j, est in enumerate(estimators):
        sub = df[df["estimator"] == est].drop_duplicates(_KEYS).merge(rows, on=_KEYS, how="right")
        colour = _COLOURS.get(est, OKABE_ITO[j % len(OKABE_ITO)])
        marker = "o" if j == 0 else "D"
        _draw_estimator(
            ax, sub, y + (j - (len(estimators) - 1) / 2) * step, est, colour, marker, limits
        )
        handles.append(
            Line2D(
                [], [], ls="-", marker=marker, color=colour, label=ESTIMATOR_LABELS.get(est, est)
            )
        )
    return handles


def _row_axis(ax: Axes, df: pd.DataFrame, n_rows: int, what: str) -> None:
    """One y tick per strategy level, top down, labelled with the comparison and its counts."""
    ax.set_yticks(
        np.arange(n_rows, dtype=float),
        [
            _row_label(r, what)
            for _, r in df.drop_duplicates(_KEYS).reset_index(drop=True).iterrows()
        ],
    )
    ax.set_ylim(n_rows - 0.5, -0.5)


def _x_label(df: pd.DataFrame, what: str) -> str:
    """The x axis label: the ratio, the scale, and which side means more of the outcome."""
    other_outcome = any(
        STRATEGIES[k].outcome != "offered" for k in set(df["key"]) if k in STRATEGIES
    )
    return "Odds ratio, level vs reference (log scale, 95% CI)\n" + (
        "< 1: outcome (see each row) less often · > 1: more often"
        if other_outcome
        else f"< 1: fewer {what} than the reference · > 1: more {what}"
    )


def _note_handles(df: pd.DataFrame, no_within: bool) -> list[Line2D]:
    """Legend entries that explain: no within-seeker estimate; hollow grey small groups."""
    handles = []
    if no_within:
        handles.append(
            Line2D([], [], ls="", label="no within-seeker estimate: it needs two or more seekers")
        )
    if "small_n" in df and df["small_n"].fillna(False).astype(bool).any():
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                mfc="white",
                mec=MUTED,
                label="hollow, grey: small group (unstable)",
            )
        )
    return handles


def _legend(ax: Axes, handles: list[Line2D]) -> None:
    """The legend above the axes, one entry a line."""
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        fontsize="small",
        frameon=False,
        ncols=1,
        borderaxespad=0.2,
        handletextpad=0.4,
    )


def _select(
    df: pd.DataFrame,
    estimators: Sequence[str] | None,
    strategies: Sequence[str] | None,
    drop_empty: bool,
) -> tuple[pd.DataFrame, list[str], bool]:
    """The rows to draw: the estimators asked for (default: naive and within-seeker odds
    ratios), the strategies in the order given, without empty levels; and whether the
    within-seeker estimate is missing from the result."""
    present = list(pd.unique(df["estimator"].dropna()))
    no_within = False
    if estimators is None:
        estimators = [e for e in _DEFAULT_ESTIMATORS if e in present]
        no_within = "within_seeker_odds_ratio" not in present
        if not estimators:
            raise ArgumentError(
                "plot_offer_associations: the result has no odds_ratio rows; "
                f"available estimators: {present}"
            )
    wrong = [e for e in estimators if e not in present]
    if wrong:
        raise ArgumentError(
            f"plot_offer_associations: estimator(s) {wrong} are not in the "
            f"result; available: {present}"
        )
    df = df[df["estimator"].isin(estimators)]
    if strategies is not None:
        unknown = [x for x in strategies if x not in set(df["key"])]
        if unknown:
            raise ArgumentError(
                f"plot_offer_associations: strategies {unknown} are not in the "
                f"result; available: {list(pd.unique(df['key']))}"
            )
        order = {name: i for i, name in enumerate(strategies)}
        df = df[df["key"].isin(strategies)]
        df = df.iloc[np.argsort(df["key"].map(order).to_numpy(), kind="stable")]
    if drop_empty:
        for col in ("n_level", "n_reference"):
            if col in df:
                df = df[pd.to_numeric(df[col], errors="coerce").fillna(0) > 0]
    return df, list(estimators), no_within


def _limits(df: pd.DataFrame) -> tuple[float, float]:
    """The x range: the finite positive estimates and limits with some room, at least
    0.5-2 and at most :data:`_LIMITS`."""
    # one column level: stacking gives a Series
    stacked = cast(pd.Series, df[["estimate", "ci_low", "ci_high"]].stack())
    vals = pd.to_numeric(stacked, errors="coerce")
    finite = vals[np.isfinite(vals) & (vals > 0)]
    lo_lim = max(_LIMITS[0], min(0.5, float(finite.min()) / 1.3)) if len(finite) else 0.5
    hi_lim = min(_LIMITS[1], max(2.0, float(finite.max()) * 1.3)) if len(finite) else 2.0
    return lo_lim, hi_lim


def _draw_estimator(
    ax: Axes,
    sub: pd.DataFrame,
    pos: np.ndarray,
    est: str,
    colour: str,
    marker: str,
    limits: tuple[float, float],
) -> None:
    """One estimator's points and intervals at heights `pos`: small groups hollow and grey,
    intervals off the axis ending in arrow heads, ratios of 0 and infinity and missing
    estimates labelled."""
    e = pd.to_numeric(sub["estimate"], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(sub["ci_low"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(sub["ci_high"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(e) & (e > 0)
    weak = (
        sub["small_n"].fillna(False).astype(bool).to_numpy()
        if "small_n" in sub
        else np.zeros(len(sub), dtype=bool)
    )
    _draw_points(ax, pos, np.where(ok, e, np.nan), lo, hi, ok, weak, est, colour, marker, limits)
    at_edge = _draw_edge_markers(ax, pos, e, lo, hi, ok, est, colour, limits)
    _label_not_estimable(ax, pos[~ok & ~at_edge])


def _draw_points(
    ax: Axes,
    pos: np.ndarray,
    e: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    ok: np.ndarray,
    weak: np.ndarray,
    est: str,
    colour: str,
    marker: str,
    limits: tuple[float, float],
) -> None:
    """The estimates `e` (NaN: not drawn) and their intervals clipped to `limits`."""
    lo_lim, hi_lim = limits
    lo_c = np.clip(
        np.nan_to_num(lo, nan=lo_lim, neginf=lo_lim, posinf=hi_lim).clip(1e-9), lo_lim, hi_lim
    )
    hi_c = np.clip(np.nan_to_num(hi, nan=hi_lim, posinf=hi_lim), lo_lim, hi_lim)
    ax.hlines(
        pos[ok], lo_c[ok], hi_c[ok], colors=np.where(weak, MUTED, colour)[ok], lw=2, gid=f"ci:{est}"
    )
    ax.plot(e, pos, ls="", marker=marker, ms=7, color=colour, gid=f"estimate:{est}")
    ax.plot(
        np.where(weak, e, np.nan),
        pos,
        ls="",
        marker=marker,
        ms=7,
        mfc="white",
        mec=MUTED,
        gid=f"small:{est}",
    )


def _draw_edge_markers(
    ax: Axes,
    pos: np.ndarray,
    e: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    ok: np.ndarray,
    est: str,
    colour: str,
    limits: tuple[float, float],
) -> np.ndarray:
    """Arrow heads for intervals off the axis and ratios of 0 or infinity; where the latter are."""
    lo_lim, hi_lim = limits
    # an interval running off the axis ends in an arrow head
    cut_hi = ok & ~(np.nan_to_num(hi, nan=np.inf) <= hi_lim)
    cut_lo = ok & ~(np.nan_to_num(lo, nan=0.0) >= lo_lim)
    _edge(ax, cut_hi, hi_lim, pos, ">", 6, colour, f"clipped_high:{est}")
    _edge(ax, cut_lo, lo_lim, pos, "<", 6, colour, f"clipped_low:{est}")
    zero = e == 0  # nobody at this level had the outcome: the ratio is 0
    _edge(
        ax,
        zero,
        lo_lim,
        pos,
        "<",
        7,
        colour,
        f"zero:{est}",
        ("   0: none with the outcome", "left", "zero_label"),
    )
    endless = e == np.inf  # nobody in the reference had the outcome
    _edge(
        ax,
        endless,
        hi_lim,
        pos,
        ">",
        7,
        colour,
        f"infinite:{est}",
        ("∞: none in the reference had the outcome   ", "right", "infinite_label"),
    )
    return zero | endless


def _label_not_estimable(ax: Axes, at: np.ndarray) -> None:
    """A grey "not estimable" left of the reference line at each height in `at`."""
    for p in at:
        ax.text(
            1.0,
            p,
            "not estimable ",
            ha="right",
            va="center",
            fontsize="x-small",
            color=MUTED,
            gid="not_estimable",
        )


def _edge(
    ax: Axes,
    mask: np.ndarray,
    x: float,
    pos: np.ndarray,
    marker: str,
    ms: int,
    colour: str,
    gid: str,
    label: tuple[str, str, str] | None = None,
) -> None:
    """Markers at the axis edge `x` for the rows in `mask`, with an optional text
    ``(text, ha, gid)`` beside each."""
    ax.plot(
        np.full(mask.sum(), x),
        pos[mask],
        ls="",
        marker=marker,
        ms=ms,
        color=colour,
        clip_on=False,
        gid=gid,
    )
    if label is not None:
        text, ha, text_gid = label
        for p in pos[mask]:
            ax.text(x, p, text, ha=ha, va="center", fontsize="x-small", color=colour, gid=text_gid)


def _log_axis(ax: Axes, limits: tuple[float, float]) -> None:
    """Log-scaled x axis within `limits`, plain tick labels and a dashed line at 1."""
    lo_lim, hi_lim = limits
    ax.axvline(1.0, color="#424242", lw=1, ls="--", gid="reference")
    ax.set_xscale("log")
    ax.set_xlim(lo_lim, hi_lim)
    ticks = [t for t in _TICKS if lo_lim <= t <= hi_lim]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.grid(axis="x", which="major", color="#EEEEEE")
    ax.set_axisbelow(True)
