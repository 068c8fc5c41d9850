"""Header matching: which input column holds which canonical field.

Headers are compared through :func:`~followup_analytics.text.key` (case, spaces,
punctuation and accents ignored) against :data:`followup_analytics.vocab.FIELD_SYNONYMS`:

1. a user mapping ``{"My header": "applied_on"}`` wins;
2. an exact key match (score 1.0);
3. a repeated group: an ordinal is stripped ("Follow-up #2 Date", "2nd Interview") and the
   rest matched exactly, for the fields in :data:`~followup_analytics.vocab.REPEATED_FIELDS`
   (score 0.95);
4. conservative fuzzy matching: a synonym of at least four letters contained as whole words
   in a header at least half made of it ("Student Email Address"), or a near spelling
   ("Compnay") by :func:`difflib.SequenceMatcher` ratio of at least 0.85.

Every input column goes to at most one field (and one group); when several columns claim a
field the best score wins (then the leftmost column), and the losers are carried along
untouched like any other unmatched column.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .. import vocab
from ..text import key

MATCH_COLUMNS = ["input_column", "field", "group", "score", "how"]
_ORDINAL = re.compile(r"^(?:#?(\d{1,2})(?:st|nd|rd|th)?|first|second|third|fourth|fifth)$")
_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_NUMBER_WORDS = frozenset({"no", "nr", "number", "round"})


@functools.cache
def _synonym_keys() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, synonyms in vocab.FIELD_SYNONYMS.items():
        for s in (field.replace("_", " "), *synonyms):
            out.setdefault(key(s), [])
            if field not in out[key(s)]:
                out[key(s)].append(field)
    return out


def strip_ordinal(header_key: str) -> tuple[str, int | None]:
    """Remove one ordinal from a header key: ``"follow up 2 date"`` -> ``("follow up date", 2)``.

    Returns
    -------
    tuple
        The key without the ordinal (and without a "no"/"round" word before it) and the
        number, or the key unchanged and None.
    """
    words = header_key.split()
    for i, w in enumerate(words):
        m = _ORDINAL.match(w)
        if m:
            n = int(m.group(1)) if m.group(1) else _WORDS[w]
            rest = words[:i] + words[i + 1:]
            if i > 0 and words[i - 1] in _NUMBER_WORDS:
                rest = words[:i - 1] + words[i + 1:]
            if rest:
                return " ".join(rest), n
    return header_key, None


@dataclass(frozen=True)
class ColumnMap:
    """The decisions of :func:`match_columns`.

    Attributes
    ----------
    matches : DataFrame
        One row per mapped input column: ``input_column, field, group`` (the ordinal of a
        repeated group, 0 for an un-numbered one, None for single fields), ``score`` (1.0
        exact, 0.95 repeated group, lower for fuzzy) and ``how`` (``user``, ``exact``,
        ``repeated``, ``contains``, ``spelling``).
    unmapped : tuple of str
        Input columns not used by the model, carried along untouched.
    missing : tuple of str
        Headers named in a user mapping that are not in the input.
    """

    matches: pd.DataFrame
    unmapped: tuple[str, ...]
    missing: tuple[str, ...] = ()

    def column(self, field: str) -> str | None:
        """The input column mapped to a single field (or the first group), or None."""
        rows = self.matches[self.matches["field"] == field]
        if not len(rows):
            return None
        return str(rows.sort_values("group", kind="stable", na_position="first")
                   ["input_column"].iloc[0])

    def groups(self, field: str) -> dict[int, str]:
        """Group number -> input column for a repeated field."""
        rows = self.matches[self.matches["field"] == field]
        return {int(g) if pd.notna(g) else 0: str(c)
                for g, c in zip(rows["group"], rows["input_column"], strict=True)}

    @property
    def fields(self) -> set[str]:
        """The canonical fields found."""
        return set(self.matches["field"])

    def labels(self) -> pd.DataFrame:
        """``input_column, field`` for the LoadReport; numbered groups shown as
        ``followup_date[2]``."""
        g = self.matches["group"]
        label = self.matches["field"].where(
            g.isna() | g.eq(0) | ~self.matches["field"].isin(vocab.REPEATED_FIELDS),
            self.matches["field"] + "[" + g.astype("Int64").astype(str) + "]")
        return pd.DataFrame({"input_column": self.matches["input_column"], "field": label})


def check_mapping(mapping: Mapping[str, object] | None) -> dict[str, tuple[str | None, int | None]]:
    """Validate a user mapping; return header -> (field, group).

    Targets are canonical field names (``applied_on``), optionally with a group number for
    repeated fields (``followup_date:2``), or None to keep a column out of the model.

    Raises
    ------
    ValueError
        Naming the header, the unknown target and the allowed fields.
    """
    out: dict[str, tuple[str | None, int | None]] = {}
    for header, target in (mapping or {}).items():
        if target is None:
            out[str(header)] = (None, None)
            continue
        name, _, group = str(target).partition(":")
        ok = name in vocab.FIELD_SYNONYMS and (
            not group or (group.isdigit() and name in vocab.REPEATED_FIELDS))
        if not ok:
            raise ValueError(
                f"mapping[{header!r}] = {target!r} is not a canonical field; allowed: "
                f"{sorted(vocab.FIELD_SYNONYMS)} (repeated fields may take ':N', e.g. "
                f"'followup_date:2'), or None to ignore the column")
        out[str(header)] = (name, int(group) if group else None)
    return out


@functools.lru_cache(maxsize=4096)
def _cached_candidates(header: str, fields: tuple[str, ...]
                       ) -> tuple[tuple[float, str, int | None, str], ...]:
    """:func:`_candidates` against the built-in synonyms, remembered: layout detection and
    interpretation match the same headers several times."""
    return tuple(_candidates(header, fields, _synonym_keys()))


def _candidates(header: str, fields: Sequence[str], syn: dict[str, list[str]],
                ) -> list[tuple[float, str, int | None, str]]:
    k = key(header)
    found: list[tuple[float, str, int | None, str]] = []
    if not k:
        return found
    for f in syn.get(k, ()):
        if f in fields:
            found.append((1.0, f, 0 if f in vocab.REPEATED_FIELDS else None, "exact"))
    stripped, n = strip_ordinal(k)
    if n is not None:
        for f in syn.get(stripped, ()):
            if f in fields and f in vocab.REPEATED_FIELDS:
                found.append((0.95, f, n, "repeated"))
    if found:
        return found
    base = stripped if n is not None else k
    for s, fs in syn.items():
        if len(s) < 4 or s == base:
            continue
        if re.search(rf"(?:^| ){re.escape(s)}(?: |$)", base) and len(s) / len(base) >= 0.5:
            score = 0.5 + 0.4 * len(s) / len(base)
            found += [(score, f, n if f in vocab.REPEATED_FIELDS else None, "contains")
                      for f in fs if f in fields]
    if not found and len(base) >= 5:
        for s in difflib.get_close_matches(base, list(syn), n=3, cutoff=0.85):
            ratio = difflib.SequenceMatcher(None, base, s).ratio()
            found += [(0.85 * ratio, f, n if f in vocab.REPEATED_FIELDS else None, "spelling")
                      for f in syn[s] if f in fields]
    return found


def match_columns(headers: Sequence[str], fields: Collection[str] | None = None, *,
                  mapping: Mapping[str, object] | None = None) -> ColumnMap:
    """Match input headers to canonical fields.

    Parameters
    ----------
    headers : sequence of str
        The input headers, in column order.
    fields : collection of str, optional
        Canonical fields allowed (a layout's fields), in priority order: when one header is
        an equally good synonym of two fields, the earlier field wins. Default: all fields.
    mapping : mapping, optional
        User decisions ``{header: field}``, validated by :func:`check_mapping`; headers are
        found exactly, else by key.

    Returns
    -------
    ColumnMap
        ``matches`` (``input_column, field, group, score, how``), ``unmapped`` and
        ``missing`` (user-mapped headers not present).
    """
    order = list(fields) if fields is not None else list(vocab.FIELD_SYNONYMS)
    user = check_mapping(mapping)
    by_key = {key(h): h for h in reversed(list(headers))}
    rows: list[tuple[str, str, int | None, float, str]] = []
    taken_cols: set[str] = set()
    taken_slots: set[tuple[str, int | None]] = set()
    missing: list[str] = []
    for header, (field, group) in user.items():
        col = header if header in headers else by_key.get(key(header))
        if col is None:
            missing.append(header)
            continue
        taken_cols.add(col)
        if field is not None:
            g = group if group is not None else (0 if field in vocab.REPEATED_FIELDS else None)
            rows.append((col, field, g, 1.0, "user"))
            taken_slots.add((field, g))
    cands = []
    for pos, h in enumerate(headers):
        if h in taken_cols:
            continue
        for score, f, g, how in _cached_candidates(h, tuple(order)):
            cands.append((-score, pos, order.index(f), h, f, g, how))
    for neg, _pos, _prio, h, f, g, how in sorted(cands, key=lambda c: c[:3]):
        if h in taken_cols or (f, g) in taken_slots:
            continue
        rows.append((h, f, g, -neg, how))
        taken_cols.add(h)
        taken_slots.add((f, g))
    matched = {r[0] for r in rows}
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS).astype({"group": "Int64"})
    pos = {h: i for i, h in enumerate(headers)}
    frame = frame.sort_values("input_column", key=lambda s: s.map(pos), kind="stable",
                              ignore_index=True)
    unmapped = tuple(h for h in headers if h not in matched)
    return ColumnMap(frame, unmapped, tuple(missing))
