"""Date parsing for columns of up to a few thousand distinct texts, without pandas overhead.

:func:`~followup_analytics.ingest.values.parse_dates` works on the distinct values of a
column with vectorised pandas string methods, whose fixed cost (a dozen Series, five
``str.extract`` and one ``to_datetime`` per pattern) dominates until tens of thousands of
values: a folder of thousands of small trackers calls it on columns of a handful of values
thousands of times, and a large tracker holds a few hundred distinct dates per column.
:func:`parse_few` gives the same answer for up to :data:`MAX_FEW` distinct texts with plain
``re`` matches and ``datetime.date``; it returns None (and the caller takes the vectorised
path) for anything it does not cover exactly (a year outside the range pandas holds in
nanoseconds).
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np

#: Excel serial day numbers accepted as dates: 1990-01-01 .. 2099-12-31.
SERIAL_RANGE: tuple[int, int] = (32874, 73051)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    1,
):
    _MONTHS[_name] = _i
    _MONTHS[_name[:3]] = _i
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ t,])")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:$|[ t,])")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_ORD = r"(?:st|nd|rd|th)?"
_MDY_NAME = re.compile(
    rf"^(?:[a-z]+,?\s+)?([a-z]{{3,9}})\.?[\s-]+(\d{{1,2}}){_ORD},?[\s-]+(\d{{4}}|\d{{2}})\b"
)
_DMY_NAME = re.compile(
    rf"^(?:[a-z]+,?\s+)?(\d{{1,2}}){_ORD}[\s/-]+(?:of\s+)?([a-z]{{3,9}})\.?,?[\s/-]+"
    rf"(\d{{4}}|\d{{2}})\b"
)

#: Most distinct text values parsed by :func:`parse_few` (faster than the vectorised path
#: at every size measured up to 20,000 values; the bound keeps a column of unusual texts,
#: which may still fall back to that path, from being read twice at length).
MAX_FEW = 2048
_NAT = np.datetime64("NaT", "s")
_EPOCH = _dt.date(1899, 12, 30)
_YEARS = (1678, 2261)  # whole years pandas' nanosecond timestamps hold


class _Unsure(Exception):
    """A value outside what the plain path reproduces exactly."""


def _ymd(year: str, month: int, day: str) -> np.datetime64:
    y = int(year)
    if y < 100:
        y = 2000 + y if y < 70 else 1900 + y
    if not _YEARS[0] <= y <= _YEARS[1]:
        raise _Unsure
    try:
        return np.datetime64(_dt.date(y, int(month), int(day)), "s")
    except ValueError:
        return _NAT


def parse_few(
    texts: list[str], day_first: bool | None
) -> tuple[np.ndarray, str | None, bool] | None:
    """Parse distinct stripped, lower-cased texts as
    :func:`~followup_analytics.ingest.values._parse_text` does.

    Returns
    -------
    tuple or None
        ``datetime64[s]`` per text (NaT where unparsed), the day/month order decided and
        whether it was ambiguous; None when the plain path cannot promise the same answer.
    """
    if len(texts) > MAX_FEW:
        return None
    out = np.full(len(texts), _NAT, dtype="datetime64[s]")
    todo = [True] * len(texts)
    try:
        for i, t in enumerate(texts):
            m = _ISO.search(t) or _COMPACT.search(t)
            if m:
                out[i] = _ymd(m[1], int(m[2]), m[3])
                todo[i] = False
        nums = [(i, m) for i, t in enumerate(texts) if todo[i] and (m := _NUMERIC.search(t))]
        order, ambiguous = None, False
        if nums:
            first = [int(m[1]) for _, m in nums]
            second = [int(m[3]) for _, m in nums]
            if day_first is None:
                order, ambiguous = _decide(first, second, [m[2] for _, m in nums])
            else:
                order = "day-first" if day_first else "month-first"
            for (i, m), a, b in zip(nums, first, second, strict=True):
                d, mo = (a, b) if order == "day-first" else (b, a)
                out[i] = _ymd(m[4], mo, str(d))
                todo[i] = False
        for pattern, (mi, di, yi) in ((_MDY_NAME, (1, 2, 3)), (_DMY_NAME, (2, 1, 3))):
            for i, t in enumerate(texts):
                if todo[i] and (m := pattern.search(t)) and m[mi] in _MONTHS:
                    out[i] = _ymd(m[yi], _MONTHS[m[mi]], m[di])
                    todo[i] = False
        lo, hi = SERIAL_RANGE
        for i, t in enumerate(texts):
            if todo[i] and _SERIAL.match(t):
                days = float(t)
                if lo <= days <= hi:
                    out[i] = np.datetime64(_EPOCH + _dt.timedelta(days=math.floor(days)), "s")
    except _Unsure:
        return None
    return out, order, ambiguous


def _decide(first: list[int], second: list[int], sep: list[str]) -> tuple[str, bool]:
    """``_decide_order`` of the vectorised path, on plain lists."""
    day_first = any(a > 12 for a in first)
    month_first = any(b > 12 for b in second)
    if day_first != month_first:
        return ("day-first" if day_first else "month-first"), False
    if day_first and month_first:
        return (
            "day-first"
            if sum(a > 12 for a in first) >= sum(b > 12 for b in second)
            else "month-first"
        ), False
    ambiguous = any(a != b for a, b in zip(first, second, strict=True))
    dotted = sum(s == "." for s in sep) / len(sep) > 0.5
    return ("day-first" if dotted else "month-first"), ambiguous


def few_uniques(
    uniques: np.ndarray, missing: np.ndarray, kind: np.ndarray, day_first: bool | None
) -> tuple[np.ndarray, str | None, bool] | None:
    """Dates per unique value by :func:`parse_few` (only texts and missing cells, at most
    :data:`MAX_FEW` of them), or None for the vectorised path."""
    if len(uniques) > MAX_FEW or not ((kind == "str") | missing).all():
        return None
    str_mask = (kind == "str") & ~missing
    got = parse_few([str(v).strip().lower() for v in uniques[str_mask]], day_first)
    if got is None:
        return None
    dates = np.full(len(uniques), np.datetime64("NaT", "s"), dtype="datetime64[s]")
    dates[str_mask] = got[0]
    return dates, got[1], got[2]
