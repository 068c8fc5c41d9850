"""Cell values: missing markers, dates and vocabularies, normalised once per unique value.

Every function here factorises its column, works on the distinct values only (a tracker of a
million rows holds a few thousand distinct dates and a handful of distinct statuses) and
broadcasts the result back with integer codes, so the cost per row is a numpy ``take``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import vocab as _vocab
from .. import vocab_i18n as _vocab_i18n
from ..errors import ArgumentError
from ..log import DATE_DTYPE as _DATE_DTYPE
from ..text import key
from ._smalldates import (  # the date patterns, shared with the plain path for few values
    _COMPACT,
    _DMY_NAME,
    _EXCEL_EPOCH,
    _ISO,
    _MDY_NAME,
    _MONTHS,
    _NUMERIC,
    _SERIAL,
    SERIAL_RANGE,
    few_uniques,
)

if TYPE_CHECKING:
    from pandas.api.typing import NaTType

#: Vocabulary fields accepted by :func:`normalise` (and as keys of ``load(vocab=...)``).
VOCAB_FIELDS: tuple[str, ...] = ("status", "channel", "letter_type", "recipient")
_STATUS_KEYWORDS = (*_vocab.STATUS_KEYWORDS, *_vocab_i18n.STATUS_KEYWORDS)
_Table = tuple[
    Mapping[str, str | None], tuple[tuple[str, object], ...], tuple[str | None, ...]
]  # synonyms, keywords in order, allowed values
_TABLES: dict[str, _Table] = {
    "status": (_vocab.STATUS_SYNONYMS, _STATUS_KEYWORDS, (*_vocab.EVENTS, None)),
    "channel": (_vocab.CHANNEL_SYNONYMS, _vocab.CHANNEL_KEYWORDS, _vocab.CHANNELS),
    "letter_type": (_vocab.LETTER_TYPE_SYNONYMS, _vocab.LETTER_TYPE_KEYWORDS, _vocab.LETTER_TYPES),
    "recipient": (_vocab.RECIPIENT_SYNONYMS, _vocab.RECIPIENT_KEYWORDS, _vocab.RECIPIENTS),
}
_MISSING_KEYS = frozenset(key(m) for m in _vocab.MISSING_MARKERS)


# --------------------------------------------------------------------------- helpers
#: Columns shorter than this are factorised directly (the shortcut below pays off on long ones).
_SHARED_MIN = 50_000
_SHARED_PROBE = 4096


class _Addresses:
    """The object pointers of an object array, exposed to numpy as integers (read only; the
    array is kept alive as long as the integer view)."""

    def __init__(self, arr: np.ndarray) -> None:
        self.arr = arr
        self.__array_interface__ = {
            "shape": arr.shape,
            "typestr": np.dtype(np.intp).str,
            "data": (arr.ctypes.data, True),
            "version": 3,
        }


def factorize_objects(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(arr, use_na_sentinel=True)`` of a 1-d object array, with the uniques
    as an object array: the same codes, in the same (first-appearance) order.

    Readers share one Python object between the equal cells of a column (pandas' csv parser
    per chunk, the workbook reader per column), so a long column holds far fewer objects
    than cells. Those are factorised by address (integer hashing, no string comparison),
    then the first cell of each object by value: an object always equals itself, and each
    value's first object appears at the value's first cell, so the codes and their order are
    the ones ``pd.factorize`` gives. Columns of mostly distinct objects (a first look at
    :data:`_SHARED_PROBE` cells) are factorised directly.
    """
    n = len(arr)
    if n >= _SHARED_MIN:
        arr = np.ascontiguousarray(arr, dtype=object)
        addresses = np.asarray(_Addresses(arr))
        if len(pd.unique(addresses[:_SHARED_PROBE])) <= _SHARED_PROBE // 4:
            by_object = pd.factorize(addresses)[0]
            # the first cell of each object: where the running maximum of the codes grows
            seen = np.maximum.accumulate(by_object)
            grows = np.empty(n, dtype=bool)
            grows[0] = True
            np.greater(seen[1:], seen[:-1], out=grows[1:])
            first = np.flatnonzero(grows)
            codes, uniques = pd.factorize(arr[first], use_na_sentinel=True)
            # into the running-maximum buffer, no longer needed ("clip": indices are in
            # range, and numpy buffers the output of the default mode)
            return codes.take(by_object, out=seen, mode="clip"), np.asarray(uniques, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    return factorize_objects(values.to_numpy(dtype=object))


def _broadcast(codes: np.ndarray, per_unique: np.ndarray, fill: object) -> np.ndarray:
    """Per-unique results back to rows in one ``take``; ``fill`` where the code is -1
    (the fill sits last, where numpy's index -1 points: no remapping pass over the codes)."""
    table = np.empty(len(per_unique) + 1, dtype=per_unique.dtype)
    table[:-1] = per_unique
    table[-1] = fill
    return table.take(codes)


def _is_missing_value(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    if isinstance(v, str):
        s = v.strip().lower()
        return s in _vocab.MISSING_MARKERS or (key(s) in _MISSING_KEYS and key(s) != "")
    return False


def is_missing(values: pd.Series) -> pd.Series:
    """Tell which cells are empty or hold a missing marker (``-``, ``n/a``, ``TBD``, ``?`` ...).

    Parameters
    ----------
    values : Series
        Cells as read.

    Returns
    -------
    Series of bool
        Same index as `values`; True where the cell means "nothing here"
        (see :data:`followup_analytics.vocab.MISSING_MARKERS`).
    """
    codes, uniques = _factorize(values)
    flags = np.fromiter((_is_missing_value(u) for u in uniques), dtype=bool, count=len(uniques))
    return pd.Series(_broadcast(codes, flags, True).astype(bool), index=values.index, copy=False)


# --------------------------------------------------------------------------- dates
@dataclass(frozen=True)
class ParsedDates:
    """Dates parsed from one column.

    Attributes
    ----------
    dates : Series of datetime64[s]
        Midnight of each date; NaT where the cell is missing or unusable.
    problem : Series of object
        None where the cell parsed or was empty; otherwise the reason, quoting the cell.
    order : str or None
        ``"month-first"`` or ``"day-first"`` for columns written like ``03/04/2026``.
    ambiguous : bool
        True when the order could not be decided from the values and was assumed.
    """

    dates: pd.Series
    problem: pd.Series
    order: str | None
    ambiguous: bool


def _year(y: pd.Series) -> pd.Series:
    y = y.astype("int64")
    return y.where(y >= 100, np.where(y < 70, 2000 + y, 1900 + y))


def _ymd(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    frame = pd.DataFrame(
        {"year": _year(year), "month": month.astype("int64"), "day": day.astype("int64")}
    )
    if not len(frame):
        return pd.Series([], dtype=_DATE_DTYPE, index=year.index)
    return pd.to_datetime(frame, errors="coerce").astype(np.dtype(_DATE_DTYPE))


def _decide_order(first: pd.Series, second: pd.Series, sep: pd.Series) -> tuple[str, bool]:
    first, second = first.astype("int64"), second.astype("int64")
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first != month_first:
        return ("day-first" if day_first else "month-first"), False
    if day_first and month_first:  # both proven: keep the majority, the rest will fail
        return ("day-first" if (first > 12).sum() >= (second > 12).sum() else "month-first"), False
    ambiguous = bool((first != second).any())
    dotted = bool(sep.eq(".").mean() > 0.5) if len(sep) else False
    return ("day-first" if dotted else "month-first"), ambiguous


def _parse_text(text: pd.Series, day_first: bool | None) -> tuple[pd.Series, str | None, bool]:
    """Parse distinct lower-cased strings; returns dates (NaT where unparsed)."""
    out = pd.Series(pd.NaT, index=text.index, dtype=_DATE_DTYPE)
    order, ambiguous = None, False
    todo = pd.Series(True, index=text.index)

    def fill(mask: pd.Series, dates: pd.Series) -> None:
        out.loc[dates.index] = dates
        todo.loc[mask[mask].index] = False

    iso = text.str.extract(_ISO)
    m = iso[0].notna()
    if m.any():
        fill(m, _ymd(iso.loc[m, 0], iso.loc[m, 1], iso.loc[m, 2]))
    comp = text[todo].str.extract(_COMPACT)
    m = comp[0].notna().reindex(text.index, fill_value=False)
    if m.any():
        c = comp[comp[0].notna()]
        fill(m, _ymd(c[0], c[1], c[2]))
    num = text[todo].str.extract(_NUMERIC)
    num = num[num[0].notna()]
    if len(num):
        if day_first is None:
            order, ambiguous = _decide_order(num[0], num[2], num[1])
        else:
            order = "day-first" if day_first else "month-first"
        d, mo = (num[0], num[2]) if order == "day-first" else (num[2], num[0])
        fill(todo & text.index.isin(num.index), _ymd(num[3], mo, d))
    for pattern, (mi, di, yi) in ((_MDY_NAME, (0, 1, 2)), (_DMY_NAME, (1, 0, 2))):
        named = text[todo].str.extract(pattern)
        named = named[named[0].notna()]
        month = named[mi].map(_MONTHS) if len(named) else named[mi]
        named = named[month.notna()]
        if len(named):
            fill(
                todo & text.index.isin(named.index), _ymd(named[yi], month[named.index], named[di])
            )
    serial = text[todo & text.str.match(_SERIAL)]
    if len(serial):
        out.loc[serial.index] = _from_serial(serial.astype(float))
    return out, order, ambiguous


def _from_serial(days: pd.Series) -> pd.Series:
    lo, hi = SERIAL_RANGE
    ok = days.between(lo, hi)
    whole = np.floor(days.where(ok, lo).to_numpy(dtype=float)).astype("int64")
    dates = _EXCEL_EPOCH + whole.astype("timedelta64[D]").astype("timedelta64[s]")
    return pd.Series(dates, index=days.index, dtype=_DATE_DTYPE).where(ok)


def parse_dates(
    values: pd.Series,
    *,
    day_first: bool | None = None,
    factorized: tuple[np.ndarray, np.ndarray] | None = None,
) -> ParsedDates:
    """Parse a column of dates written in any of the usual ways.

    ISO (``2026-03-04``), numeric with ``/``, ``.`` or ``-`` (``03/04/2026``, ``3.4.26``),
    month names (``Mar 3, 2026``, ``3 March 2026``, ``3-Mar-26``), with or without a time
    (``8/15/26, 10:02 AM``), Excel serial numbers in :data:`SERIAL_RANGE` and real date
    cells. Whether ``03/04/2026`` is March or April is decided once for the whole column:
    a first part above 12 proves day-first, a second part above 12 proves month-first; when
    nothing decides, month-first is assumed (day-first for ``.`` separators) and the result
    says ``ambiguous=True``. Two-digit years: 00-69 -> 2000s, 70-99 -> 1900s.

    Parameters
    ----------
    values : Series
        Cells as read (str, numbers, datetime, None).
    day_first : bool, optional
        Force the order instead of deciding it from the values.
    factorized : (codes, uniques), optional
        :func:`factorize_objects` of `values` when the caller has it already.

    Returns
    -------
    ParsedDates
        ``dates`` (datetime64[s], NaT when missing or unusable), ``problem`` (the reason per
        unusable cell, else None), ``order`` and ``ambiguous``.
    """
    codes, uniques = factorized if factorized is not None else _factorize(values)
    missing = np.fromiter((_is_missing_value(v) for v in uniques), bool, len(uniques))
    kind = np.array([_kind(v) for v in uniques], dtype=object)
    few = few_uniques(uniques, missing, kind, day_first)
    if few is not None:  # a few distinct texts: the same answer without pandas overhead
        dates_arr, order, ambiguous = few
        return _parsed(values, codes, uniques, dates_arr, missing, order, ambiguous)
    u = pd.Series(uniques, dtype=object)
    dates = pd.Series(pd.NaT, index=u.index, dtype=_DATE_DTYPE)

    dt_mask = (kind == "datetime") & ~missing
    if dt_mask.any():
        dates[dt_mask] = pd.to_datetime(u[dt_mask].map(_as_timestamp)).astype(_DATE_DTYPE)
    num_mask = (kind == "number") & ~missing
    if num_mask.any():
        dates[num_mask] = _from_serial(u[num_mask].astype(float))
    order, ambiguous = None, False
    str_mask = (kind == "str") & ~missing
    if str_mask.any():
        text = u[str_mask].astype(str).str.strip().str.lower()
        parsed, order, ambiguous = _parse_text(text, day_first)
        dates[str_mask] = parsed
    dates = dates.dt.normalize()
    return _parsed(values, codes, uniques, dates.to_numpy(), missing, order, ambiguous)


def orders_by_group(
    values: pd.Series, groups: np.ndarray, n_groups: int
) -> tuple[list[str | None], np.ndarray]:
    """The day/month order :func:`parse_dates` would decide for each group of rows alone.

    For a table read from several files, the order is each file's own, decided by the same
    rule as :func:`parse_dates` over the distinct texts of that file's rows.

    Parameters
    ----------
    values : Series
        Cells as read.
    groups : ndarray of int
        The group (file) of each row, ``0 .. n_groups - 1``.
    n_groups : int

    Returns
    -------
    orders : list of str or None
        ``"day-first"``, ``"month-first"`` or None (no ``03/04/2026``-style date) per group.
    ambiguous : ndarray of bool
        Per group: whether the order was assumed because the values do not decide it.
    """
    codes, uniques = _factorize(values)
    orders: list[str | None] = [None] * n_groups
    ambiguous = np.zeros(n_groups, dtype=bool)
    missing = np.fromiter((_is_missing_value(v) for v in uniques), bool, len(uniques))
    is_str = np.fromiter((isinstance(v, str) for v in uniques), bool, len(uniques)) & ~missing
    if not is_str.any():
        return orders, ambiguous
    text = pd.Series(uniques[is_str], dtype=object).astype(str).str.strip().str.lower()
    text.index = np.flatnonzero(is_str)
    plain = text.str.extract(_ISO)[0].isna() & text.str.extract(_COMPACT)[0].isna()
    num = text[plain].str.extract(_NUMERIC)
    num = num[num[0].notna()]
    if not len(num):
        return orders, ambiguous
    first = pd.Series(-1, index=range(len(uniques)), dtype="int64")
    second, dot = first.copy(), pd.Series(False, index=first.index)
    first[num.index] = num[0].astype("int64")
    second[num.index] = num[2].astype("int64")
    dot[num.index] = num[1].eq(".")
    pairs = pd.DataFrame({"g": groups, "u": codes})
    pairs = pairs[pairs["u"] >= 0].drop_duplicates()
    pairs = pairs[first.to_numpy()[pairs["u"].to_numpy()] >= 0]
    u = pairs["u"].to_numpy()
    f, sec = first.to_numpy()[u], second.to_numpy()[u]
    per = pd.DataFrame(
        {
            "g": pairs["g"].to_numpy(),
            "day": f > 12,
            "month": sec > 12,
            "differ": f != sec,
            "dot": dot.to_numpy()[u],
        }
    ).groupby("g")
    day, month = per["day"].sum(), per["month"].sum()
    differ, dotted = per["differ"].any(), per["dot"].mean() > 0.5
    for g in day.index:
        d, m = int(day[g]), int(month[g])
        if (d > 0) != (m > 0) or (d and m):
            orders[g] = "day-first" if d >= m and d > 0 else "month-first"
        else:
            orders[g] = "day-first" if dotted[g] else "month-first"
            ambiguous[g] = bool(differ[g])
    return orders, ambiguous


def parses_as_date(values: np.ndarray) -> np.ndarray:
    """Which of the distinct `values` :func:`parse_dates` reads as a date (bool array)."""
    missing = np.fromiter((_is_missing_value(v) for v in values), bool, len(values))
    kind = np.array([_kind(v) for v in values], dtype=object)
    few = few_uniques(values, missing, kind, None)
    if few is not None:
        return ~np.isnat(few[0])
    return parse_dates(pd.Series(values, dtype=object)).dates.notna().to_numpy()


def _parsed(
    values: pd.Series,
    codes: np.ndarray,
    uniques: np.ndarray,
    dates: np.ndarray,
    missing: np.ndarray,
    order: str | None,
    ambiguous: bool,
) -> ParsedDates:
    """Per-unique dates (and the reason per unusable value) broadcast back to the rows."""
    bad = np.isnat(dates) & ~missing
    problem = np.full(len(uniques), None, dtype=object)
    if bad.any():
        problem[bad] = [_problem(v) for v in uniques[bad]]
    out_dates = pd.Series(  # fresh arrays: no copy
        _broadcast(codes, dates, np.datetime64("NaT", "s")),
        index=values.index,
        dtype=_DATE_DTYPE,
        copy=False,
    )
    out_problem = pd.Series(
        _broadcast(codes, problem, None) if bad.any() else np.full(len(codes), None, dtype=object),
        index=values.index,
        dtype=object,
        copy=False,
    )
    return ParsedDates(out_dates, out_problem, order, ambiguous)


def _kind(v: object) -> str:
    if isinstance(v, (_dt.date, np.datetime64)):
        return "datetime"
    if isinstance(v, bool):
        return "other"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(v, str):
        return "str"
    return "other"


def _as_timestamp(v: _dt.date | np.datetime64) -> pd.Timestamp | NaTType:
    try:
        return pd.Timestamp(v)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT


def _problem(v: object) -> str:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return (
            f"{v!r} is not a date (Excel day numbers must lie between "
            f"{SERIAL_RANGE[0]} and {SERIAL_RANGE[1]})"
        )
    return f"cannot read {str(v)[:60]!r} as a date"


# --------------------------------------------------------------------------- vocabularies
@functools.cache
def _base_table(field: str) -> dict[str, object]:
    """Built-in synonyms of a vocabulary, keyed (built once; never mutated)."""
    synonyms, _keywords, canons = _TABLES[field]
    table: dict[str, object] = {key(k): v for k, v in synonyms.items()}
    if field == "status":
        for k in _vocab.NOT_APPLIED_STATUSES:
            table.setdefault(k, None)
    for canon in canons:
        if canon is not None:
            table.setdefault(key(canon), canon)
    return table


def _table(
    field: str, extra: Mapping[str, object] | None
) -> tuple[dict[str, object], tuple[tuple[str, object], ...]]:
    table = _base_table(field)
    if extra:
        table = {**table, **{key(k): v for k, v in extra.items()}}
    return table, _TABLES[field][1]


def _has_word(k: str, word: str) -> bool:
    """`word` at the start of a word of key `k`; non-ASCII words anywhere (no spaces in
    Chinese)."""
    if not word.isascii():
        return word in k
    return k.startswith(word) or (" " + word) in k


def _negated(k: str) -> bool:
    """A negation before a reply word: "Not heard back", "No response", "没消息"."""
    words = k.split()
    for i, w in enumerate(words):
        neg = w in _vocab_i18n.NEGATIONS or (not w.isascii() and w[:1] in _vocab_i18n.NEGATIONS)
        if neg:
            rest = " ".join(words[i + 1 :]) if w.isascii() else k[k.index(w) + 1 :]
            if any(_has_word(rest, r) for r in _vocab_i18n.REPLY_WORDS):
                return True
    return False


def _lookup(k: str, table: dict[str, object], keywords: tuple[tuple[str, object], ...]) -> object:
    """Exact synonym, else keywords in order (token aware), else ``"other"``. For statuses,
    a negated reply word means no event ("Heard nothing", "Haven't heard back")."""
    if k in table:
        return table[k]
    status = keywords is _STATUS_KEYWORDS
    if status and _negated(k):
        return "rejection" if re.search(r"\b(?:no|not|kein|sin|pas|sem) offer", k) else None
    for word, canon in keywords:
        if _has_word(k, word):
            return canon
    return "other"


def check_vocab(extra: Mapping[str, Mapping[str, object]] | None) -> None:
    """Validate a user vocabulary extension such as ``{"channel": {"Slack": "text"}}``.

    Raises
    ------
    ArgumentError
        Naming the unknown field or value and the allowed ones.
    """
    for field, table in (extra or {}).items():
        name = "status" if field == "event" else field
        if name not in _TABLES:
            raise ArgumentError(f"vocab: unknown field {field!r}; allowed: {list(VOCAB_FIELDS)}")
        allowed = _TABLES[name][2]
        for text, canon in table.items():
            if canon not in allowed:
                raise ArgumentError(
                    f"vocab[{field!r}][{text!r}] = {canon!r} is not allowed; "
                    f"allowed: {[a for a in allowed if a is not None]}"
                    + (" or None (no event)" if name == "status" else "")
                )


def normalise(
    values: pd.Series,
    field: str,
    extra: Mapping[str, object] | None = None,
    *,
    factorized: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Map free text to a canonical vocabulary value, once per distinct value.

    Parameters
    ----------
    values : Series
        Cells as read.
    field : {"status", "channel", "letter_type", "recipient"}
        Which vocabulary (see :mod:`followup_analytics.vocab`). For ``"status"`` the result
        is an event name, or None for texts that mean "no event" ("Ghosted", "Pending").
    extra : mapping, optional
        Additional synonyms ``{text: canonical}``; they win over the built-in ones.
    factorized : (codes, uniques), optional
        :func:`factorize_objects` of `values` when the caller has it already.

    Returns
    -------
    canonical : Series of category
        Canonical value per cell; text outside the vocabulary is ``"other"``; missing cells
        are NaN. For ``"status"`` the categories are the event names plus ``"other"``, and
        "no event" statuses ("Ghosted") are NaN too. Otherwise the log's ordered categorical
        (:data:`followup_analytics.vocab.CHANNELS` ...).
    unknown : DataFrame
        ``field, value, count``: the distinct texts that fell to ``"other"``, with counts.
    """
    if field not in _TABLES:
        raise ArgumentError(f"field must be one of {list(VOCAB_FIELDS)}; got {field!r}")
    table, keywords = _table(field, extra)
    codes, uniques = factorized if factorized is not None else _factorize(values)
    missing = np.fromiter((_is_missing_value(v) for v in uniques), bool, len(uniques))
    canon = np.array(
        [
            None if miss else _lookup(key(v), table, keywords)
            for v, miss in zip(uniques, missing, strict=True)
        ],
        dtype=object,
    )
    if field == "status":
        dtype = pd.CategoricalDtype([*_vocab.EVENTS, "other"], ordered=False)
    else:
        dtype = pd.CategoricalDtype(list(_TABLES[field][2]), ordered=True)
    per = dtype.categories.get_indexer(pd.Index(canon, dtype=object)).astype(
        np.int8 if len(dtype.categories) < 127 else np.int64
    )  # the codes' final width
    out = pd.Series(
        pd.Categorical.from_codes(_broadcast(codes, per, -1), dtype=dtype), index=values.index
    )
    other = [i for i in np.flatnonzero(canon == "other") if key(uniques[i]) != "other"]
    if other:
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        unknown = pd.DataFrame(
            {
                "field": field,
                "value": [str(uniques[i]) for i in other],
                "count": [int(counts[i]) for i in other],
            }
        )
    else:
        unknown = pd.DataFrame(columns=["field", "value", "count"])
    return out, unknown


def flags(values: pd.Series) -> pd.Series:
    """Read stage-flag cells: True for ``x``/``yes``/``✓``/``1``, False for ``no``/empty.

    Returns
    -------
    Series of object
        True, False, or None where the cell is neither a flag nor empty (e.g. a date).
    """
    codes, uniques = _factorize(values)
    true_words = _vocab.FLAG_TRUE | _vocab_i18n.FLAG_TRUE
    truth = {key(t) for t in true_words} | set(true_words)
    false = {key(t) for t in _vocab.FLAG_FALSE | _vocab_i18n.FLAG_FALSE} - {""}
    false |= _vocab_i18n.FLAG_FALSE

    def one(v: object) -> object:
        if _is_missing_value(v):
            return False
        if isinstance(v, bool):
            return v
        s = str(v).strip()
        k = key(s)
        if s.lower() in truth or (k and k in truth):
            return True
        if k in false or s in false:
            return False
        return None

    per = np.array([one(v) for v in uniques], dtype=object)
    return pd.Series(_broadcast(codes, per, False), index=values.index, dtype=object, copy=False)
