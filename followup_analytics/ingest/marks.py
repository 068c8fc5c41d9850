"""Stage-mark cells: what a tick, a cross, a date or a short note under a stage header means.

A column headed by a stage ("Offer", "Selected for interview?", "笔试", "一面", "HR面") holds
marks: a tick or yes (the stage was reached), a cross (reached, and it ended there: "× in
一面" is a failed first interview; in an offer column a cross is no offer, a rejection), a
date (reached that day), a date-time or note ("8.24（19:00）", "（鸽）": reached, undated), a
note that reads as an outcome ("不匹配", "Rejected": that outcome instead), or nothing / no /
无 (not reached). :func:`read_marks` classifies each distinct value once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import vocab, vocab_i18n
from ..text import key
from .values import _broadcast, _factorize, _is_missing_value, _lookup, _table, parse_dates

CROSSES = frozenset({"×", "✗", "✘", "❌", "x̶"})
_FALSE = frozenset(key(t) or t for t in (vocab.FLAG_FALSE | vocab_i18n.FLAG_FALSE) - {""})
_TRUE = frozenset(key(t) or t for t in vocab.FLAG_TRUE | vocab_i18n.FLAG_TRUE)
_OUTCOMES = frozenset({"rejection", "withdrawn", "declined"})


def read_marks(
    values: pd.Series, event: str, *, notes_count: bool = True
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Events named by the marks of a column headed by `event`.

    `notes_count`: whether a note that is neither a flag nor an outcome means the stage was
    reached ("8.24（19:00）"); False for yes/no columns, where "Other" is no mark.

    Returns
    -------
    first, second : ndarray of object
        Per row the event (or None), and a second event (a rejection after a cross).
    dates : Series of datetime64[s]
        The date of the mark where the cell is a date, else NaT.
    """
    codes, uniques = _factorize(values)
    table, keywords = _table("status", None)
    first = np.full(len(uniques), None, dtype=object)
    second = np.full(len(uniques), None, dtype=object)
    for i, u in enumerate(uniques):
        if _is_missing_value(u) or u is False:
            continue
        s = str(u).strip()
        k = key(s) or s
        if s in CROSSES or k in CROSSES:
            first[i], second[i] = (
                ("rejection", None) if event in ("offer", "applied") else (event, "rejection")
            )
        elif k in _FALSE or s in _FALSE:
            continue
        elif u is True or k in _TRUE or s.lower() in _TRUE or not isinstance(u, str):
            first[i] = event
        else:
            said = _lookup(k, table, keywords)
            if said in _OUTCOMES:
                first[i] = said
            elif notes_count:
                first[i] = event
    dates = parse_dates(values).dates
    return (_broadcast(codes, first, None), _broadcast(codes, second, None), dates)
