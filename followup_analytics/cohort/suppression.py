"""Small-cell suppression table by table (the earlier rule), and the helpers the audit shares.

Cohort reports now protect every table at once with :mod:`.audit`; :func:`suppress` stays as
the per-table rule the audit reports its counts against (``Audit.n_hidden_per_table``).

The per-table rule:

1. *Primary*: every count from 1 to ``min_cell - 1`` is hidden. Zero is shown.
2. *Complementary*: counts are additive along *sets* of cells: the groups of a breakdown
   add up to the whole cohort, the categories of a group (channels, timing buckets ...) add
   up to the group's total, and some columns add up within a row (responded + still waiting
   = applications). A total shown in the table (the whole-cohort row) belongs to the set it
   totals; a total not in the table is assumed known to the reader (another table may show
   it). Whenever a set holds exactly one hidden cell, the next-smallest visible cell of that
   set is hidden too (preferring non-zero cells, cells whose other sets already hold a
   hidden cell, and leaving totals to the last), until no set holds exactly one. Finally,
   any hidden cell that the totals still pin down (checked by linear algebra) gets one more
   visible cell of its sets hidden. A hidden count can then not be worked out by
   subtraction.
3. Rates, intervals and estimates computed from a hidden count are hidden with it.

Tables that share a quantity (applications per group appear in several tables) use the same
sets for it, so the same cells are hidden in each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg

#: Label of the whole-cohort row in a breakdown column (and of a category total).
TOTAL = "All"


@dataclass(frozen=True)
class Additive:
    """Which cells of a table add up to a known total.

    Attributes
    ----------
    across : list of (keys, member) pairs
        Each pair defines sets of rows: rows whose ``member`` column is not :data:`TOTAL`,
        grouped by the ``keys`` columns. E.g. ``((("outcome",), "program"))``: for each
        outcome, the programs add up to the whole cohort.
    within_row : list of column lists
        Columns of one row that add up to a known total (e.g. ``["n_responses",
        "n_censored"]``).
    """

    across: tuple[tuple[tuple[str, ...], str], ...] = ()
    within_row: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def _set_ids(
    table: pd.DataFrame, keys: Sequence[str], member: str
) -> tuple[np.ndarray, np.ndarray]:
    """Set number of every row for one dimension, and its sign in the set's equation.

    Members get +1; a margin row (``member`` is :data:`TOTAL`) belongs to the set it totals
    with -1 (members - margin = 0). Sets without members get -1 (no set).
    """
    is_member = (table[member].astype("string") != TOTAL).fillna(True).to_numpy()
    ids: np.ndarray
    if keys:
        ids = table.groupby(list(keys), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    else:
        ids = np.zeros(len(table), dtype=int)
    has_members = np.isin(ids, ids[is_member])
    return np.where(has_members, ids, -1), np.where(is_member, 1, -1)


def _cells(table: pd.DataFrame, counts: Sequence[str], spec: Additive) -> pd.DataFrame:
    """Long frame of count cells: row, column, value, and per additive dimension the set id
    (``s<d>``) and sign (``sign<d>``); per within-row set the row (``w<r>``)."""
    n = len(table)
    parts = []
    dims = [_set_ids(table, keys, member) for keys, member in spec.across] if n else []
    for j, col in enumerate(counts):
        part = pd.DataFrame(
            {
                "row": np.arange(n),
                "col": j,
                "value": pd.to_numeric(table[col], errors="coerce").astype("float64").to_numpy(),
            }
        )
        for d, (ids, sign) in enumerate(dims):
            part[f"s{d}"] = np.where(ids >= 0, ids * len(counts) + j, -1)
            part[f"sign{d}"] = sign
        parts.append(part)
    cells = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["row", "col", "value"])
    )
    margin = np.zeros(len(cells), dtype=bool)
    for d in range(len(dims)):
        margin |= (cells[f"sign{d}"].to_numpy() < 0) & (cells[f"s{d}"].to_numpy() >= 0)
    cells["margin"] = margin
    for r, cols in enumerate(spec.within_row):
        member = cells["col"].isin([counts.index(c) for c in cols])
        cells[f"w{r}"] = np.where(member, cells["row"], -1)
    return cells


def _singletons(cells: pd.DataFrame, hidden: np.ndarray, set_cols: list[str]) -> np.ndarray:
    """Hide one more cell in every set that holds exactly one hidden cell; return the mask."""
    hidden = hidden.copy()
    valid = cells["value"].notna().to_numpy()
    for sc in set_cols:
        ids = cells[sc].to_numpy()
        in_set = ids >= 0
        per_set = pd.Series(hidden & in_set).groupby(ids).sum()
        one_hidden = per_set[(per_set == 1) & (per_set.index >= 0)].index
        if not len(one_hidden):
            continue
        sizes = pd.Series(in_set & valid).groupby(ids).sum()
        single = [s for s in one_hidden if sizes.get(s, 0) > 1]
        if not single:
            continue
        # prefer candidates whose other sets already hold a hidden cell (closing a cycle)
        opens = np.zeros(len(cells), dtype=int)
        for other in set_cols:
            if other == sc:
                continue
            oids = cells[other].to_numpy()
            counts = pd.Series(hidden & (oids >= 0)).groupby(oids).sum()
            opens += ((oids >= 0) & (pd.Series(oids).map(counts).to_numpy() == 0)).astype(int)
        value = cells["value"].to_numpy()
        # totals last: they may be known from another table
        cand = pd.DataFrame(
            {
                "set": ids,
                "margin": cells["margin"].to_numpy(),
                "zero": value == 0,
                "opens": opens,
                "value": value,
                "pos": np.arange(len(cells)),
            }
        )
        cand = cand[np.isin(ids, single) & ~hidden & valid]
        chosen = (
            cand.sort_values(["set", "margin", "zero", "opens", "value", "pos"], kind="stable")
            .drop_duplicates("set")["pos"]
            .to_numpy()
        )
        hidden[chosen] = True
    return hidden


def _pinned(cells: pd.DataFrame, hidden: np.ndarray, set_cols: list[str]) -> np.ndarray:
    """Positions of hidden cells that the set totals determine (by linear algebra).

    A hidden cell is determined when its row of the null space of the constraint matrix
    (one equation per additive set, over the hidden cells) is zero: no change of the hidden
    cells that keeps every total can move it.
    """
    pos = np.flatnonzero(hidden)
    if not len(pos):
        return pos
    memberships = sum((cells[sc].to_numpy()[pos] >= 0).astype(int) for sc in set_cols)
    if np.max(memberships, initial=0) <= 1:
        # disjoint sets, each holding 0 or >= 2 hidden cells: nothing is determined
        return pos[:0]
    eqs = []
    for sc in set_cols:
        ids = cells[sc].to_numpy()[pos]
        sign_col = f"sign{sc[1:]}" if sc.startswith("s") else None
        sign = cells[sign_col].to_numpy()[pos] if sign_col else np.ones(len(pos))
        for s in np.unique(ids[ids >= 0]):
            eqs.append(np.where(ids == s, sign, 0).astype(float))
    if not eqs:
        return pos[:0]
    null = linalg.null_space(np.vstack(eqs))
    if null.size == 0:
        return pos
    return pos[np.abs(null).max(axis=1) < 1e-9]


def _unpin(cells: pd.DataFrame, hidden: np.ndarray, set_cols: list[str]) -> np.ndarray:
    """Hide the smallest visible cell sharing a set with each determined hidden cell."""
    hidden = hidden.copy()
    valid = cells["value"].notna().to_numpy()
    value = cells["value"].to_numpy()
    for p in _pinned(cells, hidden, set_cols):
        for sc in set_cols:
            ids = cells[sc].to_numpy()
            if ids[p] < 0:
                continue
            cand = np.flatnonzero((ids == ids[p]) & ~hidden & valid)
            if len(cand):
                order = np.lexsort(
                    (value[cand], value[cand] == 0, cells["margin"].to_numpy()[cand])
                )
                hidden[cand[order[0]]] = True
                return hidden
    return hidden


def _nullable(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col):
        return col.astype("boolean")
    if pd.api.types.is_numeric_dtype(col):
        return col.astype("Float64")
    return col.astype(object)


def suppress(
    table: pd.DataFrame,
    counts: Sequence[str],
    *,
    min_cell: int,
    additive: Additive = Additive(),
    hides: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Hide small counts and the cells that would let a reader recover them.

    Parameters
    ----------
    table : DataFrame
        A report table. Not modified.
    counts : sequence of str
        The count columns subject to suppression.
    min_cell : int
        Counts from 1 to ``min_cell - 1`` are hidden (primary suppression).
    additive : Additive
        Which cells add up to known totals (complementary suppression; see module doc).
    hides : mapping, optional
        Count column -> columns computed from it (rates, intervals, estimates), hidden in
        the rows where the count is hidden.

    Returns
    -------
    DataFrame
        A copy of `table`: hidden counts and their dependent columns set to missing (counts
        become nullable ``Int64``), plus a column ``suppressed``: the names of the hidden
        count columns of each row joined by ", " (empty string when none).
    """
    counts = list(counts)
    out = table.copy().reset_index(drop=True)
    cells = _cells(out, counts, additive)
    value = cells["value"].to_numpy()
    hidden = (value >= 1) & (value < min_cell)
    set_cols = [c for c in cells.columns if c[0] in "sw" and c[1:].isdigit()]
    for _ in range(len(cells) + 1):
        for _ in range(len(cells) + 1):
            nxt = _singletons(cells, hidden, set_cols)
            if (nxt == hidden).all():
                break
            hidden = nxt
        nxt = _unpin(cells, hidden, set_cols)
        if (nxt == hidden).all():
            break
        hidden = nxt
    hides = dict(hides or {})
    grid = (
        hidden.reshape(len(counts), len(out))
        if len(counts)
        else np.zeros((0, len(out)), dtype=bool)
    )
    return hide_cells(out, counts, grid, hides)


def hide_cells(
    out: pd.DataFrame, counts: Sequence[str], grid: np.ndarray, hides: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Blank the counts where ``grid[j]`` (one bool row per count column) is True, with
    their dependent columns, and add the ``suppressed`` column; `out` is changed."""
    labels = np.full(len(out), "", dtype=object)
    for j, col in enumerate(counts):
        rows = grid[j]
        out[col] = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
        out.loc[rows, col] = pd.NA
        for dep in hides.get(col, ()):
            if dep in out:
                out[dep] = _nullable(out[dep])
                out.loc[rows, dep] = pd.NA
        labels = np.where(rows, np.where(labels == "", col, labels + ", " + col), labels)
    out["suppressed"] = pd.array(labels, dtype="string")
    return out
