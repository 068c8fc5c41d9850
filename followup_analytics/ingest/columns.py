"""Header matching: which input column holds which canonical field.

Headers are compared through :func:`~followup_analytics.text.key` (case, spaces,
punctuation and accents ignored) against :data:`followup_analytics.vocab.FIELD_SYNONYMS`:

1. a user mapping ``{"My header": "applied_on"}`` wins;
2. an exact key match (score 1.0);
3. a repeated group: an ordinal is stripped ("Follow-up #2 Date", "2nd Interview") and the
   rest matched exactly, for the fields in :data:`~followup_analytics.vocab.REPEATED_FIELDS`
   (score 0.95);
4. conservative fuzzy matching: a synonym of at least four letters contained as whole words
   in a header at least half made of it ("Student Email Address": looked up as word
   n-grams), or a near spelling ("Compnay") by :func:`difflib.SequenceMatcher` ratio of at
   least 0.85 against the synonyms with the same first letter and a similar length. The
   cost per header is bounded (no scan of every synonym), so matching is linear in the
   number of columns; blank headers ("Unnamed: AB") are not guessed at.

Candidates are then weighed by how well the column's values fit the field (see
:mod:`followup_analytics.ingest.profile`).

Every input column goes to at most one field (and one group); when several columns claim a
field the best score wins (then the leftmost column), and the losers are carried along
untouched like any other unmatched column.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from .. import vocab
from ..errors import ArgumentError
from ..text import key
from .profile import Profile, field_fit

MATCH_COLUMNS = ["input_column", "field", "group", "score", "how", "runner_up"]
_MAX_FUZZY = 60  # headers longer than this (keys) get exact matches only
#: Header similarity x value fit below which a column is not given a field.
MIN_SCORE = 0.35
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
            rest = words[:i] + words[i + 1 :]
            if i > 0 and words[i - 1] in _NUMBER_WORDS:
                rest = words[: i - 1] + words[i + 1 :]
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
    flags: tuple[tuple[str, str], ...] = ()

    def with_flags(self, flags: Mapping[str, str]) -> ColumnMap:
        """This map plus flag columns (header -> event), taken out of ``unmapped`` and of
        a field they held with a poor fit."""
        if not flags:
            return self
        m = self.matches[~self.matches["input_column"].isin(list(flags))]
        return ColumnMap(
            m.reset_index(drop=True),
            tuple(h for h in self.unmapped if h not in flags),
            self.missing,
            tuple(flags.items()),
        )

    def with_match(self, header: str, field: str, score: float, how: str) -> ColumnMap:
        """This map plus one column decided by its content (not its header)."""
        row = pd.DataFrame(
            {
                "input_column": [header],
                "field": [field],
                "group": pd.array([pd.NA], dtype="Int64"),
                "score": [score],
                "how": [how],
                "runner_up": [None],
            }
        )
        matches = pd.concat([self.matches, row], ignore_index=True) if len(self.matches) else row
        return ColumnMap(
            matches, tuple(h for h in self.unmapped if h != header), self.missing, self.flags
        )

    def flag_labels(self) -> pd.DataFrame:
        """Flag columns for the LoadReport (field ``flag:<event>``)."""
        return pd.DataFrame(
            {
                "input_column": [h for h, _ in self.flags],
                "field": [
                    f"flag:{e}" if e != "status" else "status (values)" for _, e in self.flags
                ],
                "score": 1.0,
                "evidence": [
                    "header names the event; values are marks"
                    if e != "status"
                    else "values are mostly status words"
                    for _, e in self.flags
                ],
                "runner_up": None,
            }
        )

    @functools.cached_property
    def _by_field(self) -> dict[str, list[tuple[int | None, str]]]:
        """Field -> ``(group, input column)`` in row order (read once from ``matches``)."""
        out: dict[str, list[tuple[int | None, str]]] = {}
        m = self.matches
        for f, g, c in zip(m["field"], m["group"], m["input_column"], strict=True):
            out.setdefault(f, []).append((None if pd.isna(g) else int(g), c))
        return out

    def column(self, field: str) -> str | None:
        """The input column mapped to a single field (or the first group), or None."""
        rows = self._by_field.get(field)
        if not rows:
            return None
        # stable, ungrouped first: the same choice as sorting ``matches`` by group
        return str(min(rows, key=lambda r: (0, 0) if r[0] is None else (1, r[0]))[1])

    def groups(self, field: str) -> dict[int, str]:
        """Group number -> input column for a repeated field."""
        return {g if g is not None else 0: str(c) for g, c in self._by_field.get(field, ())}

    @property
    def fields(self) -> set[str]:
        """The canonical fields found."""
        return set(self._by_field)

    def labels(self) -> pd.DataFrame:
        """``input_column, field, score, evidence, runner_up`` for the LoadReport; numbered
        groups shown as ``followup_date[2]``."""
        m = self.matches
        label = [
            f if pd.isna(g) or g == 0 or f not in vocab.REPEATED_FIELDS else f"{f}[{int(g)}]"
            for f, g in zip(m["field"], m["group"], strict=True)
        ]
        out = pd.DataFrame(
            {
                "input_column": m["input_column"].to_numpy(dtype=object),
                "field": np.array(label, dtype=object),
                "score": m["score"].to_numpy(dtype=float).round(2),
                "evidence": m["how"].to_numpy(dtype=object),
                "runner_up": (m["runner_up"].to_numpy(dtype=object) if "runner_up" in m else None),
            },
            index=m.index,
        )
        return pd.concat([out, self.flag_labels()], ignore_index=True) if self.flags else out


def read_mapping(
    mapping: Mapping[str, object] | str | PathLike[str] | None,
) -> Mapping[str, object] | None:
    """A user mapping, read from a .json or .toml file when `mapping` is a path.

    The file holds ``{"header": "field"}`` (json) or ``"header" = "field"`` lines (toml),
    optionally under a ``[mapping]`` table; ``null`` (json) or ``""`` keeps a column out.

    Raises
    ------
    ArgumentError
        Naming the file when it cannot be read or holds no mapping.
    """
    if mapping is None or isinstance(mapping, Mapping):
        return mapping
    if not isinstance(mapping, str | PathLike):
        raise ArgumentError(
            f"mapping must be a dict or the path of a .json/.toml file; got "
            f"{type(mapping).__name__}"
        )
    path = Path(mapping)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ArgumentError(f"mapping file {str(path)!r} cannot be read: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict) or not all(isinstance(v, str | None) for v in data.values()):
        raise ArgumentError(f"mapping file {str(path)!r} must hold header -> field pairs")
    return {str(k): (v or None) for k, v in data.items()}


def check_mapping(mapping: Mapping[str, object] | None) -> dict[str, tuple[str | None, int | None]]:
    """Validate a user mapping; return header -> (field, group).

    Targets are canonical field names (``applied_on``), optionally with a group number for
    repeated fields (``followup_date:2``), or None to keep a column out of the model.

    Raises
    ------
    ArgumentError
        Naming the header, the unknown target and the allowed fields.
    """
    out: dict[str, tuple[str | None, int | None]] = {}
    for header, target in (mapping or {}).items():
        if target is None:
            out[str(header)] = (None, None)
            continue
        name, _, group = str(target).partition(":")
        ok = name in vocab.FIELD_SYNONYMS and (
            not group or (group.isdigit() and name in vocab.REPEATED_FIELDS)
        )
        if not ok:
            raise ArgumentError(
                f"mapping[{header!r}] = {target!r} is not a canonical field; allowed: "
                f"{sorted(vocab.FIELD_SYNONYMS)} (repeated fields may take ':N', e.g. "
                f"'followup_date:2'), or None to ignore the column"
            )
        out[str(header)] = (name, int(group) if group else None)
    return out


@functools.lru_cache(maxsize=4096)
def _cached_candidates(
    header: str, fields: tuple[str, ...]
) -> tuple[tuple[float, str, int | None, str], ...]:
    """:func:`_candidates` against the built-in synonyms, remembered: layout detection and
    interpretation match the same headers several times."""
    return tuple(_candidates(header, fields, _synonym_keys()))


def _candidates(
    header: str,
    fields: Sequence[str],
    syn: dict[str, list[str]],
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
    if base.startswith("unnamed ") or len(base) > _MAX_FUZZY:
        return found  # a blank header ("Unnamed: AB") or a sentence: no fuzzy guess
    words = base.split()
    for i in range(len(words)):  # synonyms contained as whole words: word n-grams
        for j in range(i + 1, len(words) + 1):
            s = " ".join(words[i:j])
            fs = syn.get(s)
            if not fs or len(s) < 4 or s == base or len(s) / len(base) < 0.5:
                continue
            score = 0.5 + 0.4 * len(s) / len(base)
            found += [
                (score, f, n if f in vocab.REPEATED_FIELDS else None, "contains")
                for f in fs
                if f in fields
            ]
    if not found and len(base) >= 5:  # a near spelling among synonyms of a similar shape
        near = [s for s in _by_initial().get(base[0], ()) if abs(len(s) - len(base)) <= 2]
        for s in difflib.get_close_matches(base, near, n=3, cutoff=0.85):
            ratio = difflib.SequenceMatcher(None, base, s).ratio()
            found += [
                (0.85 * ratio, f, n if f in vocab.REPEATED_FIELDS else None, "spelling")
                for f in syn[s]
                if f in fields
            ]
    return found


@functools.cache
def _by_initial() -> dict[str, tuple[str, ...]]:
    """Synonym keys by first character: the spelling check compares a header with a
    handful of them, so header matching stays linear in the number of columns."""
    out: dict[str, list[str]] = {}
    for s in _synonym_keys():
        if s:
            out.setdefault(s[0], []).append(s)
    return {c: tuple(v) for c, v in out.items()}


def match_columns(
    headers: Sequence[str],
    fields: Collection[str] | None = None,
    *,
    mapping: Mapping[str, object] | None = None,
    profiles: Mapping[str, Profile] | None = None,
) -> ColumnMap:
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

    profiles : mapping, optional
        Header -> :class:`~followup_analytics.ingest.profile.Profile` of its values. The
        score of a candidate is its header similarity times how well the values fit the
        field (:func:`~followup_analytics.ingest.profile.field_fit`); candidates scoring
        below :data:`MIN_SCORE` are refused (a Yes/No column is no date field).

    Returns
    -------
    ColumnMap
        ``matches`` (``input_column, field, group, score, how, runner_up``: ``how`` says
        how the header matched and what the values look like, ``runner_up`` the next best
        field for that column, or the field its values refused), ``unmapped`` and
        ``missing`` (user-mapped headers not present).
    """
    order = tuple(fields) if fields is not None else tuple(vocab.FIELD_SYNONYMS)
    try:  # many small trackers share their headers (and often their profiles)
        memo = (
            tuple(headers),
            order,
            tuple((mapping or {}).items()),
            None
            if profiles is None
            else tuple(
                None
                if (p := profiles.get(h)) is None
                else (p.filled, tuple(p.share.items()), p.distinct)
                for h in headers
            ),
        )
        hash(memo)
    except TypeError:
        return _match_columns(list(headers), list(order), mapping, profiles)
    cm = _remembered(memo)
    return ColumnMap(cm.matches.copy(), cm.unmapped, cm.missing, cm.flags)


@functools.lru_cache(maxsize=512)
def _remembered(memo: tuple) -> ColumnMap:
    """:func:`_match_columns` of the inputs spelled out in `memo` (all it depends on)."""
    headers, order, mapping, looks = memo
    profiles = (
        None
        if looks is None
        else {
            h: Profile(p[0], dict(p[1]), p[2])
            for h, p in zip(headers, looks, strict=True)
            if p is not None
        }
    )
    return _match_columns(list(headers), list(order), dict(mapping) if mapping else None, profiles)


def _match_columns(
    headers: list[str],
    order: list[str],
    mapping: Mapping[str, object] | None,
    profiles: Mapping[str, Profile] | None,
) -> ColumnMap:
    user = check_mapping(mapping)
    by_key = {key(h): h for h in reversed(list(headers))}
    rows: list[tuple[str, str, int | None, float, str, str | None]] = []
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
            rows.append((col, field, g, 1.0, "user", None))
            taken_slots.add((field, g))
    cands = []
    refused: dict[str, str] = {}
    for pos, h in enumerate(headers):
        if h in taken_cols:
            continue
        p = profiles.get(h) if profiles is not None else None
        for score, f, g, how in _cached_candidates(h, tuple(order)):
            fit = field_fit(f, p)
            if score * fit < MIN_SCORE:
                refused.setdefault(h, f"{f} refused: values {p.describe() if p else ''}")
                continue
            ev = how + (f" header; values {p.describe()}" if p is not None else "")
            cands.append((-score * fit, pos, order.index(f), h, f, g, ev))
    cands.sort(key=lambda c: c[:3])
    chosen: dict[str, str] = {}
    for neg, _pos, _prio, h, f, g, how in cands:
        if h in taken_cols or (f, g) in taken_slots:
            continue
        rows.append((h, f, g, -neg, how, None))
        chosen[h] = f
        taken_cols.add(h)
        taken_slots.add((f, g))
    runner: dict[str, str] = {}
    for neg, _pos, _prio, h, f, _g, _how in cands:
        if h in chosen and f != chosen[h] and h not in runner:
            runner[h] = f"{f} ({-neg:.2f})"
    rows = [r[:5] + (runner.get(r[0]) or refused.get(r[0]),) for r in rows]
    matched = {r[0] for r in rows}
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS).astype({"group": "Int64"})
    place = {h: i for i, h in enumerate(headers)}
    frame = frame.sort_values(
        "input_column", key=lambda s: s.map(place), kind="stable", ignore_index=True
    )
    unmapped = tuple(h for h in headers if h not in matched)
    return ColumnMap(frame, unmapped, tuple(missing))
