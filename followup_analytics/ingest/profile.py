"""What a column's values look like, so that headers and content decide its field together.

:func:`profile_frame` reads a sample of each column (at most ``2 * SAMPLE`` rows: the first
ones and an even spread of the rest, so the cost does not grow with the table), classifies
each distinct value once (date, flag, status word, channel word, number, URL, email, text)
and returns the share of each kind among the filled cells. :func:`field_fit` turns a profile
into how well it suits a canonical field (0..1); the header matcher multiplies it with the
header similarity, so a Yes/No column never becomes a date field and "Followed up by" holding
"Email" is a channel. :func:`flag_events` finds flag columns whose header names an event
("Selected for interview?", "Job Offer", "笔试").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab, vocab_i18n
from ..text import key
from .values import _is_missing_value, _lookup, _table, parses_as_date

#: Rows read from the top, and spread over the rest, to profile a column.
SAMPLE = 100
KINDS = ("date", "flag", "status", "channel", "number", "url", "email", "text")
_DATE_FIELDS = frozenset(
    {
        "applied_on",
        "followup_date",
        "response_date",
        "interview_date",
        "rejection_date",
        "offer_date",
        "outcome_date",
        "date",
    }
)
_TEXT_FIELDS = frozenset(
    {
        "company",
        "role",
        "seeker",
        "note",
        "followup_type",
        "letter_type",
        "followup_recipient",
        "recipient",
    }
)
_PLURAL = {
    "text": "text",
    "email": "emails",
    "status": "status words",
    "channel": "channel words",
    "url": "URLs",
}
_MAYBE_DATE = re.compile(r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://|www\.)|\.(?:com|org|net|io|de|cn|fr|es)(?:/|$)", re.I)
_NUMBER = re.compile(r"^[\s$€£¥]*[-+]?\d[\d,.\s]*[kK%]?$")
_FLAG_TRUE = frozenset(key(t) or t for t in vocab.FLAG_TRUE | vocab_i18n.FLAG_TRUE)
_FLAG_FALSE = frozenset(key(t) or t for t in (vocab.FLAG_FALSE | vocab_i18n.FLAG_FALSE) - {""})


@dataclass(frozen=True)
class Profile:
    """The look of one column.

    Attributes
    ----------
    filled : int
        Filled cells in the sample.
    share : dict
        Kind -> share of the filled cells (see :data:`KINDS`).
    distinct : float
        Distinct values / filled cells.
    """

    filled: int
    share: dict[str, float]
    distinct: float

    def __getitem__(self, kind: str) -> float:
        return self.share.get(kind, 0.0)

    def describe(self) -> str:
        """Short evidence for the LoadReport: ``"92% dates, 8% text"``."""
        if not self.filled:
            return "empty"
        top = sorted(((v, k) for k, v in self.share.items() if v >= 0.05), reverse=True)[:2]
        return ", ".join(f"{v:.0%} {_PLURAL.get(k, k + 's')}" for v, k in top)


def _sample(n: int) -> np.ndarray:
    if n <= 2 * SAMPLE:
        return np.arange(n)
    return np.unique(
        np.concatenate([np.arange(SAMPLE), np.linspace(SAMPLE, n - 1, SAMPLE).astype(np.int64)])
    )


def _flag_kind(v: object) -> str | None:
    if isinstance(v, bool | np.bool_):
        return "flag"
    if isinstance(v, str):
        s = v.strip()
        k = key(s) or s
        if k in _FLAG_TRUE or k in _FLAG_FALSE or s.lower() in _FLAG_TRUE:
            return "flag"
    return None


def profile_column(values: pd.Series) -> Profile:
    """Profile one column (see the module docstring)."""
    arr = values.to_numpy(dtype=object)
    arr = arr[_sample(len(arr))]
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    missing = np.fromiter((_is_missing_value(u) for u in uniques), bool, len(uniques))
    kinds = np.full(len(uniques), "text", dtype=object)
    flag = np.array([_flag_kind(u) == "flag" for u in uniques], dtype=bool)
    kinds[flag] = "flag"
    todo = ~missing & ~flag
    maybe = todo & np.array(
        [not isinstance(u, str) or _MAYBE_DATE.search(u) is not None for u in uniques], dtype=bool
    )
    if maybe.any():  # only values with a digit or a month name can be dates
        dates = parses_as_date(uniques[maybe])
        idx = np.flatnonzero(maybe)
        kinds[idx[dates]] = "date"
        todo[idx[dates]] = False
    for i in np.flatnonzero(todo):
        u = uniques[i]
        kinds[i] = (
            "number"
            if isinstance(u, int | float | np.integer | np.floating)
            else _text_kind(str(u).strip())
        )
    filled = int(counts[~missing].sum())
    if not filled:
        return Profile(0, {}, 0.0)
    share = {kind: float(counts[~missing & (kinds == kind)].sum()) / filled for kind in KINDS}
    return Profile(filled, {k: v for k, v in share.items() if v}, int((~missing).sum()) / filled)


@functools.lru_cache(maxsize=8192)
def _text_kind(s: str) -> str:
    """Kind of one text cell (remembered: the same words recur across columns and files)."""
    if _EMAIL.match(s):
        return "email"
    if _URL.search(s):
        return "url"
    if _NUMBER.match(s):
        return "number"
    k = key(s)
    if len(k) <= 40:
        if _lookup(k, *_table("status", None)) != "other":
            return "status"
        if _lookup(k, *_table("channel", None)) != "other":
            return "channel"
    return "text"


#: Columns profiled at most per table (the rest are decided by their header alone).
MAX_PROFILED = 2000


def profile_frame(frame: pd.DataFrame) -> dict[str, Profile]:
    """:func:`profile_column` for the first :data:`MAX_PROFILED` columns, by header."""
    return {str(c): profile_column(frame[c]) for c in frame.columns[:MAX_PROFILED]}


def field_fit(field: str, p: Profile | None) -> float:
    """How well values with profile `p` suit a canonical field (0..1; 1 when unknown or
    empty, so the header alone decides)."""
    if p is None or p.filled == 0:
        return 1.0
    if field in _DATE_FIELDS:
        # dates, or words written where a date was expected ("No response", "Rejected");
        # a column of words without a single date is no date field (unreadable date text
        # stays, to be quarantined cell by cell)
        fit = min(1.0, p["date"] + 0.8 * p["status"] + 0.5 * p["text"] + 0.4 * p["number"])
        words = p["date"] == 0 and p["status"] + p["flag"] + p["channel"] >= 0.5 and p.filled >= 3
        return min(fit, 0.3) if words else fit
    if field in ("status", "event"):
        return min(
            1.0,
            p["status"]
            + 0.7 * p["text"]
            + 0.3 * p["channel"]
            + 0.15 * p["flag"]
            + 0.1 * p["number"],
        )
    if field in ("followup_channel", "channel"):
        return min(1.0, p["channel"] + 0.5 * p["text"] + 0.3 * p["status"])
    if field == "application_id":
        plain = 1.0 - p["date"] - 0.5 * p["flag"] - p["status"] - p["channel"]
        return max(0.0, plain)
    if field in _TEXT_FIELDS:
        return max(0.0, 1.0 - p["date"] - 0.9 * p["flag"])
    return 1.0


def header_event(header: str) -> str | None:
    """The event a header names ("Job Offer" -> offer, "一面" -> interview), or None."""
    k = key(header)
    stage = {key(h): e for h, e in vocab.STAGE_FLAG_HEADERS.items()}
    stage.update(vocab_i18n.STAGE_HEADERS)
    if k in stage:
        return stage[k]
    for word, event in vocab_i18n.HEADER_EVENTS:
        if (word in k) if not word.isascii() else re.search(rf"(?:^| ){re.escape(word)}", k):
            return event
    return None


def flag_events(
    headers: Sequence[str], profiles: Mapping[str, Profile], taken: Mapping[str, float]
) -> dict[str, str]:
    """Stage-mark columns: the header names an event and the values are marks (flags for
    at least 80% of the filled cells, or flags, dates and numbers for 60%, or any marks
    under a header that is a stage by itself, such as "一面"), and no field took the column
    with a good fit (``taken``: header -> score of its field)."""
    out = {}
    for h in headers:
        p = profiles.get(h)
        if p is None or p.filled == 0 or taken.get(h, 0.0) >= 0.5:
            continue
        event = header_event(h)
        if event is None:
            continue
        exact = key(h) in vocab_i18n.STAGE_HEADERS
        if event == "applied":  # "Applied?" ticks; an application-date column is no flag
            if p["flag"] >= 0.8:
                out[h] = event
        elif p["flag"] >= 0.8 or p["flag"] + p["date"] + p["number"] >= 0.6 or exact:
            out[h] = event
    return out
