"""What status and detail cells say beyond one canonical value, per distinct value: whether
a row is an application at all (:func:`status_kinds`), a second channel or recipient in one
cell (:func:`two_values`), an interview named beside another outcome
(:func:`mentions_interview`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import vocab as _vocab
from .. import vocab_i18n as _vocab_i18n
from ..errors import ArgumentError
from ..text import key
from .values import _TABLES, _broadcast, _factorize, _has_word, _is_missing_value, _lookup, _table

#: What a status cell says about the row (see :func:`status_kinds`).
STATUS_BLANK, STATUS_NOT_APPLIED, STATUS_OPEN, STATUS_EVENT, STATUS_OTHER = range(5)


def status_kinds(
    values: pd.Series,
    extra: Mapping[str, object] | None = None,
    *,
    factorized: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Classify status cells, once per distinct value (`factorized`: the codes and distinct
    values of `values`, when the caller has them already).

    Returns
    -------
    ndarray of int8
        :data:`STATUS_BLANK` (empty or a missing marker), :data:`STATUS_NOT_APPLIED`
        ("Wishlist", "To apply", "Saved": not an application),
        :data:`STATUS_OPEN` (applied, no event: "Pending", "Ghosted"),
        :data:`STATUS_EVENT` (names an event) or :data:`STATUS_OTHER` (outside the
        vocabulary).
    """
    table, keywords = _table("status", extra)
    codes, uniques = factorized if factorized is not None else _factorize(values)

    def one(v: object) -> int:
        if _is_missing_value(v):
            return STATUS_BLANK
        k = key(v)
        if k in (extra or {}):
            pass
        elif k in _vocab.NOT_APPLIED_STATUSES or any(
            _has_word(k, w) for w in _vocab.NOT_APPLIED_KEYWORDS
        ):
            return STATUS_NOT_APPLIED
        canon = _lookup(k, table, keywords)
        if canon is None:
            return STATUS_OPEN
        return STATUS_OTHER if canon == "other" else STATUS_EVENT

    per = np.fromiter((one(v) for v in uniques), dtype=np.int8, count=len(uniques))
    return _broadcast(codes, per, STATUS_BLANK)


_TWO = re.compile(
    r"\s*(?:\+|&|/|,|;|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bcc\b|"
    r"\bplus\b|\bthen\b|、|和|及)\s*",
    re.IGNORECASE,
)


def two_values(
    values: pd.Series, field: str, extra: Mapping[str, object] | None = None
) -> tuple[pd.Series, pd.Series]:
    """For cells naming two things ("Email + posted letter", "HR cc hiring manager"), the
    canonical values of the first and of the second; NaN elsewhere. Per distinct value."""
    if field not in _TABLES or field == "status":
        raise ArgumentError(f"field must be channel, letter_type or recipient; got {field!r}")
    table, keywords = _table(field, extra)
    codes, uniques = _factorize(values)

    def one(v: object) -> tuple[object, object] | None:
        if _is_missing_value(v) or not isinstance(v, str) or not _TWO.search(v):
            return None
        whole = _lookup(key(v), table, keywords)
        if whole not in (None, "other") and key(v) in table:
            return None  # a known phrase ("thank you / status check" is not two)
        parts = [_lookup(key(p), table, keywords) for p in _TWO.split(v) if key(p)]
        known = [p for p in parts if p not in (None, "other")]
        distinct = list(dict.fromkeys(known))
        return (distinct[0], distinct[1]) if len(distinct) >= 2 else None

    pairs = [one(v) for v in uniques]
    dtype = pd.CategoricalDtype(list(_TABLES[field][2]), ordered=True)
    out = []
    for i in (0, 1):
        per = np.array([p[i] if p else None for p in pairs], dtype=object)
        out.append(
            pd.Series(pd.Categorical(_broadcast(codes, per, None), dtype=dtype), index=values.index)
        )
    return out[0], out[1]


def mentions_interview(
    values: pd.Series, *, factorized: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Which cells name an interview besides what else they say ("一面挂", "Inter + Rejec",
    "Rejected after interview"); negated ones ("no interview") do not count. `factorized`:
    the codes and distinct values of `values`, when the caller has them already."""
    codes, uniques = factorized if factorized is not None else _factorize(values)

    def one(v: object) -> bool:
        if _is_missing_value(v):
            return False
        k = key(v) + " "
        return (
            any(_has_word(k, w) for w in _vocab_i18n.INTERVIEW_WORDS)
            and not re.search(r"\b(?:no|not|without|kein|sin|pas|sem) (?:an )?inter", k)
            and not any(
                w in k for w in ("拒了面", "拒绝面", "没面", "约面", "面试邀请", "邀请面试")
            )
        )

    per = np.fromiter((one(v) for v in uniques), dtype=bool, count=len(uniques))
    return _broadcast(codes, per, False)
