"""Small-cell suppression: primary rule, complementary rule, and an LP audit that no hidden
count can be worked out from the visible cells and the (assumed known) totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from followup_analytics.cohort.suppression import TOTAL, Additive, suppress


def _recoverable(
    original: pd.DataFrame,
    shown: pd.DataFrame,
    counts: list[str],
    additive: Additive,
    min_cell: int,
) -> list[tuple[int, str]]:
    """Hidden cells whose value is pinned by the visible cells and the set totals.

    For every hidden cell, minimise and maximise it with scipy.optimize.linprog subject to
    every additive set summing to its total and every cell being >= 0; a hidden cell is
    recoverable when the two optima coincide (hidden zeros are not checked: the rule shows
    zeros, so pinning one reveals nothing). A total that is a row of the table (the
    ``All`` row) is known when shown and a variable when hidden. A total that is not in the
    table is assumed known to the reader when it is at least `min_cell` (or zero), since
    another table may show it; a smaller one is hidden everywhere, so it is unknown.
    """
    hidden = [(r, c) for c in counts for r in range(len(shown)) if pd.isna(shown.at[r, c])]
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    rows_a, rhs = [], []

    def add(cells: list[tuple[int, str]], margin: tuple[int, str] | None = None) -> None:
        coef = np.zeros(len(hidden))
        known = 0.0
        for cell in cells:
            if cell in index:
                coef[index[cell]] = 1.0
            else:
                known += float(original.at[cell])
        if margin is not None and margin in index:  # members - hidden total = 0
            coef[index[margin]] = -1.0
            total = 0.0
        elif margin is not None:  # the total is shown
            total = float(original.at[margin])
        else:
            total = sum(float(original.at[r, c]) for r, c in cells)
            if 0 < total < min_cell:
                return  # unknown total: no constraint
        if coef.any():
            rows_a.append(coef)
            rhs.append(total - known)

    for keys, member in additive.across:
        is_margin = original[member].astype(str) == TOTAL
        members = original[~is_margin]
        groups = [g for _, g in members.groupby(list(keys))] if keys else [members]
        for g in groups:
            same = is_margin.copy()
            for k in keys:
                same &= original[k].astype(str) == str(g[k].iloc[0])
            rows = np.flatnonzero(same.to_numpy())
            for c in counts:
                margin = (int(rows[0]), c) if len(rows) == 1 else None
                add([(int(r), c) for r in g.index], margin)
    for cols in additive.within_row:
        for r in range(len(original)):
            add([(r, c) for c in cols])
    a_eq, b_eq = np.array(rows_a), np.array(rhs)
    bad = []
    for cell, i in index.items():
        if float(original.at[cell]) == 0:
            continue  # zeros are published by the rule: a hidden zero hides no small count
        obj = np.zeros(len(hidden))
        obj[i] = 1.0
        lo = linprog(obj, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-obj, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        if hi.status == 0 and -hi.fun - lo.fun < 0.5:
            bad.append(cell)
    return bad


def test_primary_and_complementary_one_dimension() -> None:
    t = pd.DataFrame(
        {
            "program": [TOTAL, "A", "B", "C", "D"],
            "n": [113, 3, 50, 40, 20],
            "k": [30, 1, 12, 10, 7],
            "rate": [30 / 113, 1 / 3, 12 / 50, 10 / 40, 7 / 20],
        }
    )
    add = Additive(across=(((), "program"),))
    out = suppress(t, ["n", "k"], min_cell=10, additive=add, hides={"k": ["rate"]})
    # n: 3 is primary, 20 (next smallest) complementary
    assert out["n"].isna().tolist() == [False, True, False, False, True]
    # k: 1 and 7 are primary; two hidden already, nothing more needed
    assert out["k"].isna().tolist() == [False, True, False, False, True]
    assert out["rate"].isna().tolist() == [False, True, False, False, True]
    assert out.loc[1, "suppressed"] == "n, k"
    assert out.loc[0, "suppressed"] == ""
    assert t["n"].tolist() == [113, 3, 50, 40, 20]  # input not mutated
    assert _recoverable(t, out, ["n", "k"], add, 10) == []


def test_zero_is_shown_and_single_group_equals_total() -> None:
    t = pd.DataFrame({"g": [TOTAL, "A"], "n": [4, 4], "k": [0, 0]})
    add = Additive(across=(((), "g"),))
    out = suppress(t, ["n", "k"], min_cell=10, additive=add)
    assert out["n"].isna().all() and out["k"].tolist() == [0, 0]


def test_within_row_parts_are_hidden_together() -> None:
    t = pd.DataFrame(
        {
            "g": [TOTAL, "A", "B"],
            "n": [130, 60, 70],
            "n_responses": [65, 55, 10],
            "n_censored": [65, 5, 60],
        }
    )
    add = Additive(across=(((), "g"),), within_row=(("n_responses", "n_censored"),))
    out = suppress(t, ["n", "n_responses", "n_censored"], min_cell=10, additive=add)
    assert pd.isna(out.loc[1, "n_censored"]) and pd.isna(out.loc[1, "n_responses"])
    assert _recoverable(t, out, ["n", "n_responses", "n_censored"], add, 10) == []


@pytest.mark.parametrize("seed", range(25))
def test_no_hidden_cell_recoverable_in_random_two_way_tables(seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups, cats = rng.integers(2, 6), rng.integers(2, 6)
    values = rng.choice(
        [0, 1, 2, 5, 9, 10, 14, 30, 80],
        size=(groups, cats),
        p=[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15],
    )
    rows = [
        {"g": f"G{i}", "cat": f"C{j}", "n": int(values[i, j])}
        for i in range(groups)
        for j in range(cats)
    ]
    rows += [{"g": TOTAL, "cat": f"C{j}", "n": int(values[:, j].sum())} for j in range(cats)]
    rows += [{"g": f"G{i}", "cat": TOTAL, "n": int(values[i].sum())} for i in range(groups)]
    t = pd.DataFrame(rows)
    add = Additive(across=((("cat",), "g"), (("g",), "cat")))
    out = suppress(t, ["n"], min_cell=10, additive=add)
    small = (t["n"] > 0) & (t["n"] < 10)
    assert out.loc[small, "n"].isna().all()
    assert _recoverable(t, out, ["n"], add, 10) == []


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=6),
    min_cell=st.integers(2, 12),
)
def test_property_groups_and_row_parts(rows: list[tuple[int, int]], min_cell: int) -> None:
    # groups of at least min_cell applications (n = responded + waiting): smaller groups
    # have their n hidden in the overview table, which this single-table audit cannot see
    rows = [(r, w) for r, w in rows if r + w >= min_cell] or [(min_cell, 0)]
    responded = [r for r, _ in rows]
    waiting = [w for _, w in rows]
    t = pd.DataFrame(
        {
            "g": [TOTAL, *(f"G{i}" for i in range(len(rows)))],
            "n_responses": [sum(responded), *responded],
            "n_censored": [sum(waiting), *waiting],
        }
    )
    before = t.copy()
    counts = ["n_responses", "n_censored"]
    add = Additive(across=(((), "g"),), within_row=(tuple(counts),))
    out = suppress(t, counts, min_cell=min_cell, additive=add)
    pd.testing.assert_frame_equal(t, before)
    for c in counts:
        assert out.loc[t[c].between(1, min_cell - 1), c].isna().all()
        shown = out[c].notna()
        assert (out.loc[shown, c].astype(int) == t.loc[shown, c]).all()
    assert _recoverable(t, out, counts, add, min_cell) == []
