"""Result schemas, the outcome vocabulary, argument checks and result definitions.

The base layer every compute and plot function shares (it imports nothing from the
package), so that one idea has one name everywhere:

* :data:`RATE_COLUMNS` and :data:`COMPARISON_COLUMNS`: the columns of rate tables
  (``response_rates``) and of comparison tables (``landmark_effect``,
  ``offer_associations``);
* :data:`OUTCOMES`: the outcome names every function accepts and emits;
* :class:`Definition`: what a result measured (outcome, window, unit, ``as_of``, landmark,
  stage), attached to ``DataFrame.attrs["definition"]`` by :func:`attach` and read back by
  :func:`definition_of`; plot titles and axis labels use :meth:`Definition.describe`;
* :func:`resolve_by`: the ``by=`` argument (a name or a list, matched case-insensitively, with
  a did-you-mean error) and :func:`check_groups` (refuses a breakdown into too many groups);
* :func:`renamed`: a decorator that turns an old argument name into a TypeError naming the new
  one (see CHANGELOG.md).

See ``docs/analytics.md`` for the schemas and the argument vocabulary in words.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

import pandas as pd

from .errors import ArgumentError

# --------------------------------------------------------------------------- outcomes
#: The outcome vocabulary: every ``outcome=`` argument and every ``outcome`` in a
#: :class:`Definition` uses these names.
OUTCOMES: tuple[str, ...] = ("response", "interview", "offer", "comeback")
#: Outcome -> boolean column of ``features(log)`` (one row per application).
OUTCOME_COLUMNS: dict[str, str] = {
    "response": "responded",
    "interview": "interviewed",
    "offer": "offered",
    "comeback": "comeback_at_company",
}
#: Outcome -> words used in titles and labels.
OUTCOME_WORDS: dict[str, str] = {
    "response": "Response",
    "interview": "Interview",
    "offer": "Offer",
    "comeback": "Later interview or offer at the same company",
}
#: Outcome -> the phrase after "with" ("Share of applications with an offer").
OUTCOME_PHRASES: dict[str, str] = {
    "response": "a response",
    "interview": "an interview",
    "offer": "an offer",
    "comeback": "a later interview or offer at the same company",
}
#: Outcome -> plural used in axis labels ("Odds ratio of offers").
OUTCOME_PLURALS: dict[str, str] = {
    "response": "responses",
    "interview": "interviews",
    "offer": "offers",
    "comeback": "comebacks",
}

# --------------------------------------------------------------------------- schemas
#: Columns of a rate table after its group columns: ``[<by>…, n, k, rate, ci_low, ci_high,
#: small_n]``.
RATE_COLUMNS: list[str] = ["n", "k", "rate", "ci_low", "ci_high", "small_n"]
#: Columns of a comparison table (``landmark_effect``, ``offer_associations``).
COMPARISON_COLUMNS: list[str] = [
    "key",
    "level",
    "reference",
    "n_level",
    "k_level",
    "n_reference",
    "k_reference",
    "estimator",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "small_n",
    "n_seekers",
    "note",
]
#: Default upper limit on the number of groups of a ``by=`` breakdown.
MAX_GROUPS = 200

T = TypeVar("T")
_Frame = TypeVar("_Frame", pd.DataFrame, pd.Series)


def check_outcome(outcome: str, allowed: Sequence[str] = OUTCOMES[:3]) -> str:
    """Return `outcome` if it is one of `allowed`, else raise a ValueError listing them."""
    if outcome not in allowed:
        raise ArgumentError(f"outcome must be one of {list(allowed)}; got {outcome!r}")
    return outcome


# --------------------------------------------------------------------------- definition
@dataclass(frozen=True)
class Definition:
    """What a result measured, in fields a plot or a reader can use.

    Attributes
    ----------
    outcome : str, optional
        One of :data:`OUTCOMES`.
    window : int, optional
        Days within which the outcome counts (None: any time up to ``as_of``).
    unit : str
        What a row counts: ``"application"``, ``"follow-up"`` or ``"seeker"``.
    as_of : Timestamp, optional
        The censoring date of the log.
    landmark : int, optional
        The landmark day of a landmark comparison.
    stage : str, optional
        What the window starts from (``"follow-up"``, ``"application"``, ``"landmark"``).
    extra : str
        Any further words (e.g. the eligible set).
    """

    outcome: str | None = None
    window: int | None = None
    unit: str = "application"
    as_of: pd.Timestamp | None = None
    landmark: int | None = None
    stage: str | None = None
    extra: str = ""

    def describe(self) -> str:
        """The definition in plain words, e.g. "Offer within 7 days of the follow-up".

        Examples
        --------
        >>> Definition("offer", window=7, unit="follow-up", stage="follow-up").describe()
        'Offer within 7 days of the follow-up'
        >>> Definition("response", unit="application").describe()
        'Share of applications with a response'
        """
        if self.outcome is None:
            return f"Share of {self.unit}s with the outcome"
        word = OUTCOME_WORDS.get(self.outcome, self.outcome)
        if self.landmark is not None:
            text = f"{word} after day {self.landmark}"
            if self.window is not None:
                text += f" (within {self.window} days)"
            return text + " among applications still waiting then"
        if self.stage:
            if self.window is not None:
                return f"{word} within {self.window} days of the {self.stage}"
            return f"{word} after the {self.stage}"
        return f"Share of {self.unit}s with {OUTCOME_PHRASES.get(self.outcome, self.outcome)}"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **changes: Any) -> Definition:
        """A copy with some fields changed."""
        return replace(self, **changes)


def attach(frame: _Frame, definition: Definition) -> _Frame:
    """Store `definition` in ``frame.attrs["definition"]`` and return `frame`.

    Every compute function ends with ``return attach(result, Definition(...))``.
    """
    frame.attrs["definition"] = definition
    return frame


def definition_of(frame: object) -> Definition | None:
    """The :class:`Definition` stored on a result (or None)."""
    attrs = getattr(frame, "attrs", None)
    value = attrs.get("definition") if isinstance(attrs, dict) else None
    return value if isinstance(value, Definition) else None


# --------------------------------------------------------------------------- by=
def resolve_by(
    by: str | Sequence[str] | None, allowed: Iterable[str], *, name: str = "by", hint: str = ""
) -> list[str]:
    """Match `by` (a column name or a list) to `allowed`, ignoring case.

    Returns
    -------
    list of str
        The matching names as spelled in `allowed` (empty when `by` is None).

    Raises
    ------
    ArgumentError
        When a name matches nothing: the message suggests the closest names
        (``difflib.get_close_matches``) and lists the allowed ones.

    Examples
    --------
    >>> resolve_by("Program", ["seeker", "program"])
    ['program']
    """
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ArgumentError(f"{name} must be a column name or a list of column names; got {by!r}")
    allowed = list(dict.fromkeys(allowed))
    folded = {a.casefold(): a for a in reversed(allowed)}
    out = []
    for c in cols:
        if c in allowed:
            out.append(c)
        elif c.casefold() in folded:
            out.append(folded[c.casefold()])
        else:
            raise ArgumentError(
                f"{name}={c!r} is not a known grouping"
                f"{did_you_mean(c, allowed)}{hint}; allowed: {allowed}"
            )
    return out


def did_you_mean(name: str, allowed: Iterable[str]) -> str:
    """' (did you mean 'Program'?)' for the closest of `allowed` (ignoring case), or ''."""
    folded = {a.casefold(): a for a in reversed(list(allowed))}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(folded[x]) for x in close)}?)" if close else ""


def check_groups(
    frame: pd.DataFrame, by: Sequence[str], max_groups: int | None, *, name: str = "by"
) -> None:
    """Refuse a breakdown into more than `max_groups` distinct groups (None: no limit)."""
    if max_groups is None or not by:
        return
    bound = 1
    for c in by:  # cheap upper bound first: the product of the distinct values per column
        bound *= frame[c].nunique(dropna=False)
    if bound <= max_groups:
        return
    n = len(frame[list(by)].drop_duplicates())
    if n > max_groups:
        raise ArgumentError(
            f"{name}={list(by) if len(by) > 1 else by[0]!r} gives {n} groups, "
            f"more than max_groups={max_groups}; group by a coarser column, "
            f"filter the log first, or pass max_groups=None"
        )


# --------------------------------------------------------------------------- renames
def renamed(**moves: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: an old keyword argument raises a TypeError naming what replaces it.

    ``@renamed(group="by")`` makes ``f(group=...)`` raise "f(): group= was renamed to by="
    A value containing "(" is quoted as is: ``@renamed(as_of="log.with_as_of(...)")``.
    """

    def wrap(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> T:
            old = next((k for k in kwargs if k in moves), None)
            if old is not None:
                new = moves[old]
                use = (
                    f"{old}= is no longer accepted; use {new} instead"
                    if "(" in new
                    else f"{old}= was renamed to {new}="
                )
                raise TypeError(f"{func.__name__}(): {use} (see CHANGELOG.md)")
            return func(*args, **kwargs)

        return inner

    return wrap


# --------------------------------------------------------------------------- comparisons
def missing_notes(
    n_level: Any,
    k_level: Any,
    n_reference: Any,
    k_reference: Any,
    estimate: Any,
    fallback: Any = "not estimable",
) -> Any:
    """The ``note`` column of a comparison table: why an estimate is missing ("" if not).

    `fallback` (a string or one string per row) is used when the counts do not explain it.
    """
    import numpy as np

    nl, kl, nr, kr = (
        np.asarray(a, dtype=float) for a in (n_level, k_level, n_reference, k_reference)
    )
    missing = np.isnan(np.asarray(estimate, dtype=float))  # 0 and inf are estimates
    fallback = np.broadcast_to(np.asarray(fallback, dtype=object), missing.shape)
    return np.select(
        [~missing, nl == 0, nr == 0, (kl + kr) == 0],
        [
            "",
            "no applications at the level",
            "no applications in the reference",
            "no application in either group had the outcome",
        ],
        default=fallback,
    ).astype(object)
