"""Shared pieces of the plot functions: palette, column checks, axes creation, labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import schema
from ..errors import ArgumentError

#: Okabe & Ito (2008) colour-blind-safe palette, ordered so neighbours contrast; black last.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#0072B2",  # blue
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (low contrast on white: used last)
    "#000000",  # black
)
#: Colour of groups too small for a stable estimate, and of cells without enough data.
MUTED = "#9E9E9E"
#: Fill of heatmap cells hidden because they hold too few applications.
SMALL_CELL = "#E0E0E0"
#: The main accent colour (a single series).
ACCENT = "#0072B2"
#: Default width of a figure at notebook width, in inches.
WIDTH = 7.5

RATE_COLUMNS: tuple[str, ...] = tuple(schema.RATE_COLUMNS)
DEFAULT_DEFINITION = "Response within 30 days of the follow-up"
#: Group columns that describe a follow-up: response_rates then counts follow-ups.
FOLLOWUP_GROUPS = frozenset({"timing", "channel", "letter_type", "recipient", "stage"})
#: Title when the unit is the application and the outcome is not stated.
APPLICATION_DEFINITION = "Share of applications with the outcome"


def require(frame: object, columns: Iterable[str], func: str, expects: str) -> pd.DataFrame:
    """Check that `frame` is a DataFrame holding `columns`; return a shallow copy.

    Raises
    ------
    ArgumentError
        Naming the plot function, the missing columns, what it expects and what it got;
        or saying that the result has no rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentError(
            f"{func}: expected a DataFrame from {expects}; got {type(frame).__name__}"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ArgumentError(
            f"{func}: the result is missing column(s) {missing}; it expects "
            f"the frame returned by {expects}; got columns {list(frame.columns)}"
        )
    if frame.empty:
        raise ArgumentError(
            f"{func}: the result has no rows, so there is nothing to plot "
            f"(was the log empty, or filtered to nothing?)"
        )
    return frame.copy(deep=False)


def new_axes(ax: Axes | None, height: float) -> Axes:
    """Return `ax`, or the axes of a new figure of notebook width and `height` inches."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    return ax


def no_data(ax: Axes | None, message: str, title: str, height: float = 2.4) -> Axes:
    """An axes that says there is nothing to draw (gid ``"no_data"``), instead of a blank."""
    ax = new_axes(ax, height)
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        color=MUTED,
        fontstyle="italic",
        transform=ax.transAxes,
        wrap=True,
        gid="no_data",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, loc="left")
    return ax


def group_columns(frame: pd.DataFrame, reserved: Iterable[str]) -> list[str]:
    """Columns of a tidy result that identify its groups (everything not reserved)."""
    reserved = set(reserved)
    return [c for c in frame.columns if c not in reserved]


def group_labels(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One text label per row, joining the group columns with " · "."""
    if not columns:
        return pd.Series("all", index=frame.index, dtype="string")
    parts = [frame[c].astype("string").fillna("(missing)") for c in columns]
    label = parts[0]
    for part in parts[1:]:
        label = label + " · " + part
    return label


def small_mask(frame: pd.DataFrame, min_n: int | None) -> np.ndarray:
    """True where a group is too small: the ``small_n`` flag, or ``n < min_n`` if given."""
    n = pd.to_numeric(frame["n"], errors="coerce").fillna(0).to_numpy()
    if min_n is not None:
        return n < min_n
    if "small_n" in frame:
        return frame["small_n"].fillna(False).astype(bool).to_numpy()
    return np.zeros(len(frame), dtype=bool)


def definition_of(frame: pd.DataFrame, given: str | None, groups: Iterable[str] = ()) -> str:
    """The outcome definition for titles and labels.

    `given` wins, then the :class:`~followup_analytics.schema.Definition` a compute
    function stored in ``frame.attrs["definition"]`` (its ``describe()``) or a text stored
    there; for a frame without one, the default of ``response_rates``: a response within 30
    days of the follow-up when a group column describes a follow-up, else a neutral "share
    of applications with the outcome".
    """
    if given:
        return given
    stored = schema.definition_of(frame)
    if stored is not None:
        return stored.describe()
    for key in ("definition", "outcome_definition"):
        text = frame.attrs.get(key)
        if isinstance(text, str) and text:
            return text
    groups = list(groups)
    if groups and not FOLLOWUP_GROUPS.intersection(groups):
        return APPLICATION_DEFINITION
    return DEFAULT_DEFINITION


def as_of_note(frame: object, template: str = "; data as of {date}") -> str:
    """`template` filled with the ``as_of`` date of a result's definition ("" without one)."""
    stored = schema.definition_of(frame)
    if stored is None or stored.as_of is None:
        return ""
    return template.format(date=pd.Timestamp(stored.as_of).date())


def colours(names: Sequence[str]) -> dict[str, str]:
    """Assign Okabe-Ito colours to `names` in order (cycling past eight)."""
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(names)}


def pct(value: float) -> str:
    """A rate as a whole percentage ("43%"), or "–" when missing."""
    return "–" if pd.isna(value) else f"{100 * value:.0f}%"
