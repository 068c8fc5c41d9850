"""One disclosure audit over every count a cohort report publishes, and the suppression
that passes it.

Every published count is a variable of one model. Cells that publish the same quantity in
different tables (applications per group in the overview, the outcomes and the funnel; the
funnel's n of a stage and k of the stage before) share one variable, so they are hidden
together. Additive sets (groups add up to the whole cohort, categories to a group's total,
parts of a row to its total) become equations; a total not published becomes an unknown
*latent* variable shared by every table that adds up to it. ``k <= n`` holds for each
(n, k) pair.

A count is *sensitive* when it is from 1 to ``min_cell - 1``; so is a complement ``n - k``.
The protection rule: an attacker who knows every shown count and every relation, and solves
an integer programme for each sensitive quantity, must be left with a range ``[lo, hi]``
where ``hi - lo >= min_cell``. :func:`protect` hides the sensitive counts, then the fewest
further counts it can find until the rule holds, then shows again every further count whose
showing keeps it (so the suppression is locally minimal: showing any one complementary
count would break the rule). It then tries hiding the shown zeros linked to the hidden
counts (a hidden zero can stand in for several larger complementary counts), shows again
what is then not needed and keeps the result when it hides fewer counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from .suppression import TOTAL, Additive, _set_ids, hide_cells

#: Prefix of the optional quantity-key columns (``_q_<count>``) of an unprotected table.
QUANTITY = "_q_"


@dataclass(frozen=True)
class Spec:
    """How one table's counts enter the audit.

    Attributes
    ----------
    counts : tuple of str
        Count columns.
    additive : Additive
        Additive sets (see :class:`.suppression.Additive`).
    hides : mapping
        Count column -> columns computed from it, hidden with it.
    pairs : tuple of (n, k)
        Denominator and numerator columns: ``k <= n`` and ``n - k`` is sensitive.
    latent : mapping
        Additive dimension (index into ``across`` then ``within_row``) -> name of the
        unpublished total its sets add up to, shared by tables using the same name. A
        within-row name starting with "=" is a quantity key (``"=apps"``: the row total is
        the group's applications, when the data agree).
    """

    counts: tuple[str, ...]
    additive: Additive = Additive()
    hides: Mapping[str, Sequence[str]] = field(default_factory=dict)
    pairs: tuple[tuple[str, str], ...] = ()
    latent: Mapping[int, str] = field(default_factory=dict)


@dataclass
class _Model:
    values: list[float] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    margin: list[bool] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    eqs: list[dict[int, float]] = field(default_factory=list)
    ineqs: list[dict[int, float]] = field(default_factory=list)
    sensitive: list[dict[int, float]] = field(default_factory=list)
    cells: dict[str, np.ndarray] = field(default_factory=dict)

    def var(self, key: str, value: float, published: bool) -> int:
        i = self.keys.get(key)
        if i is not None and self.values[i] == value:
            self.published[i] |= published
            return i
        if i is not None:
            # the declared identity does not hold in these data: a quantity of its own
            # (shared with any other cell declared alike and equal to it)
            key = f"{key}#{value:g}"
            if key in self.keys:
                self.published[self.keys[key]] |= published
                return self.keys[key]
        self.keys[key] = len(self.values)
        self.values.append(value)
        self.published.append(published)
        self.margin.append(False)
        return self.keys[key]


def _add_table(model: _Model, name: str, frame: pd.DataFrame, spec: Spec) -> None:
    n = len(frame)
    counts = list(spec.counts)
    grid = np.full((len(counts), n), -1, dtype=int)
    for j, col in enumerate(counts):
        vals = pd.to_numeric(frame[col], errors="coerce").astype("float64").to_numpy()
        qcol = (
            frame[QUANTITY + col].astype("string").to_numpy()
            if QUANTITY + col in frame
            else np.full(n, None, dtype=object)
        )
        for r in range(n):
            if np.isnan(vals[r]):
                continue
            key = qcol[r] if isinstance(qcol[r], str) else f"{name}|{col}|{r}"
            grid[j, r] = model.var(key, float(vals[r]), True)
    model.cells[name] = grid
    dims: list[tuple[np.ndarray, np.ndarray, list[str]]] = []
    for keys, member in spec.additive.across:
        ids, sign = _set_ids(frame, keys, member)
        dims.append((ids, sign, list(keys)))
    for d, (ids, sign, dim_keys) in enumerate(dims):
        label = spec.latent.get(d, f"{name}|d{d}")
        for j, col in enumerate(counts):
            for s in np.unique(ids[ids >= 0]):
                rows = np.flatnonzero(ids == s)
                members = [grid[j, r] for r in rows if sign[r] > 0]
                margins = [grid[j, r] for r in rows if sign[r] < 0]
                if min(members + margins, default=0) < 0 or not members:
                    continue
                if margins:
                    total = margins[0]
                    if sum(model.values[m] for m in members) != model.values[total]:
                        # not additive in these data (a seeker in two groups is counted
                        # in each): no equation, rather than a false one
                        continue
                else:
                    where = "|".join(str(frame[k].iloc[rows[0]]) for k in dim_keys)
                    total = model.var(
                        f"latent|{label}|{col}|{where}",
                        sum(model.values[m] for m in members),
                        False,
                    )
                model.margin[total] = True
                eq: dict[int, float] = {}
                for m in members:
                    eq[m] = eq.get(m, 0.0) + 1.0
                eq[total] = eq.get(total, 0.0) - 1.0
                model.eqs.append(eq)
    first = frame.iloc[:, 0].astype("string").to_numpy()
    for w, cols in enumerate(spec.additive.within_row):
        label = spec.latent.get(len(dims) + w, f"{name}|w{w}")
        idx = [counts.index(c) for c in cols]
        for r in range(n):
            members = [grid[j, r] for j in idx]
            if min(members) < 0:
                continue
            name = label[1:] if label.startswith("=") else f"latent|{label}"
            total = model.var(f"{name}|{first[r]}", sum(model.values[m] for m in members), False)
            model.margin[total] = True
            model.eqs.append({**{m: 1.0 for m in members}, total: -1.0})
    for n_col, k_col in spec.pairs:
        jn, jk = counts.index(n_col), counts.index(k_col)
        for r in range(n):
            vn, vk = grid[jn, r], grid[jk, r]
            if vn >= 0 and vk >= 0 and vn != vk:
                model.ineqs.append({vk: 1.0, vn: -1.0})
                model.sensitive.append({vn: 1.0, vk: -1.0})


def _build(tables: Mapping[str, tuple[pd.DataFrame, Spec]]) -> _Model:
    model = _Model()
    for name, (frame, spec) in tables.items():
        _add_table(model, name, frame.reset_index(drop=True), spec)
    for i, pub in enumerate(model.published):
        if pub:
            model.sensitive.append({i: 1.0})
    return model


class _Solver:
    """Integer ranges of sensitive quantities given which variables are hidden."""

    def __init__(self, model: _Model, min_cell: int) -> None:
        self.m = model
        self.min_cell = min_cell
        self.values = np.asarray(model.values, dtype=float)
        self.published = np.asarray(model.published, dtype=bool)
        self.cons = [(eq, 0) for eq in model.eqs] + [(iq, 1) for iq in model.ineqs]
        self.by_var: list[list[int]] = [[] for _ in model.values]
        for c, (con, _) in enumerate(self.cons):
            for v in con:
                self.by_var[v].append(c)
        self.small = [
            s
            for s in model.sensitive
            if 1 <= sum(c * self.values[v] for v, c in s.items()) < min_cell
        ]
        self._cache: dict[tuple, tuple[float, float]] = {}

    def unknown(self, hidden: np.ndarray) -> np.ndarray:
        return hidden | ~self.published

    def component(self, start: Sequence[int], unknown: np.ndarray) -> list[int]:
        """Unknown variables linked to `start` through constraints."""
        seen = {v for v in start if unknown[v]}
        todo = list(seen)
        while todo:
            v = todo.pop()
            for c in self.by_var[v]:
                for w in self.cons[c][0]:
                    if unknown[w] and w not in seen:
                        seen.add(w)
                        todo.append(w)
        return sorted(seen)

    def bounds(self, expr: Mapping[int, float], unknown: np.ndarray) -> tuple[float, float]:
        """Smallest and largest integer value of `expr` consistent with what is shown."""
        comp = self.component(list(expr), unknown)
        const = sum(c * self.values[v] for v, c in expr.items() if not unknown[v])
        if not comp:
            return const, const
        key = (
            tuple(sorted(expr.items())),
            tuple(comp),
            tuple(
                unknown[w]
                for c in {c for v in comp for c in self.by_var[v]}
                for w in sorted(self.cons[c][0])
            ),
        )
        if key in self._cache:
            return self._cache[key]
        pos = {v: i for i, v in enumerate(comp)}
        rows, cols, data, lo_b, hi_b = [], [], [], [], []
        cons = sorted({c for v in comp for c in self.by_var[v]})
        for r, c in enumerate(cons):
            con, kind = self.cons[c]
            known = 0.0
            for v, coef in con.items():
                if v in pos:
                    rows.append(r)
                    cols.append(pos[v])
                    data.append(coef)
                else:
                    known += coef * self.values[v]
            lo_b.append(-np.inf if kind else -known)
            hi_b.append(-known)
        a = sparse.csr_array((data, (rows, cols)), shape=(len(cons), len(comp)))
        obj = np.zeros(len(comp))
        for v, coef in expr.items():
            if v in pos:
                obj[pos[v]] = coef
        a_ub = a.toarray() if len(cons) else None
        eq = np.array([not self.cons[c][1] for c in cons], dtype=bool)
        out = []
        for sign in (1.0, -1.0):
            out.append(
                self._extreme(sign * obj, a_ub, eq, np.array(lo_b), np.array(hi_b), sign) + const
            )
        result = (out[0], out[1])
        self._cache[key] = result
        return result

    @staticmethod
    def _extreme(
        obj: np.ndarray,
        a: np.ndarray | None,
        eq: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        sign: float,
    ) -> float:
        """``sign * min(obj @ x)`` over non-negative integers: the LP relaxation first, the
        integer programme only when the LP optimum is not whole."""
        kw: dict[str, np.ndarray] = {}
        if a is not None:
            if eq.any():
                kw.update(A_eq=a[eq], b_eq=hi[eq])
            if (~eq).any():
                kw.update(A_ub=a[~eq], b_ub=hi[~eq])
        res = optimize.linprog(obj, bounds=(0, None), method="highs", **kw)
        if res.status == 3:
            return -sign * np.inf
        if res.status == 0 and np.allclose(res.x, np.round(res.x), atol=1e-7):
            return sign * res.fun
        constraints = (
            [optimize.LinearConstraint(a, np.where(eq, hi, -np.inf), hi)] if a is not None else []
        )
        res = optimize.milp(
            obj,
            constraints=constraints,
            integrality=np.ones(len(obj)),
            bounds=optimize.Bounds(0, np.inf),
        )
        if res.status == 3 or res.x is None:
            return -sign * np.inf
        return sign * res.fun

    def failing(
        self, hidden: np.ndarray, only: set[int] | None = None, first: bool = False
    ) -> list[dict[int, float]]:
        """Sensitive quantities whose range is narrower than `min_cell` (only those
        touching `only`; stop at the first when `first`)."""
        unknown = self.unknown(hidden)
        bad = []
        for s in self.small:
            if only is not None and not (only & set(s)):
                continue
            lo, hi = self.bounds(s, unknown)
            if hi - lo < self.min_cell:
                bad.append(s)
                if first:
                    break
        return bad


def _layers(
    solver: _Solver, expr: Mapping[int, float], hidden: np.ndarray, depth: int = 3
) -> list[int]:
    """Visible counts sharing a constraint with `expr`, then with the unknowns next to
    it, and so on: nearest first, and within a layer non-totals, non-zero, smallest."""
    unknown = solver.unknown(hidden)
    values, margin = solver.values, solver.m.margin
    seen: set[int] = set(expr)
    ring = set(expr)
    out: list[int] = []
    for _ in range(depth):
        layer, nxt = set(), set()
        for v in ring:
            for c in solver.by_var[v]:
                for w in solver.cons[c][0]:
                    if w in seen:
                        continue
                    seen.add(w)
                    if solver.published[w] and not hidden[w]:
                        layer.add(w)
                    elif unknown[w]:
                        nxt.add(w)
        out += sorted(layer, key=lambda v: (margin[v], values[v] == 0, values[v], v))
        if not nxt:
            break
        ring = nxt
    return out


def _candidate(
    solver: _Solver, expr: Mapping[int, float], hidden: np.ndarray, tries: int = 6
) -> int | None:
    """The visible count to hide next for a failing quantity: its own visible part when
    it has one, else the nearest candidate that widens its range the most (the first that
    makes it wide enough)."""
    values, margin = solver.values, solver.m.margin
    own = [v for v in expr if solver.published[v] and not hidden[v]]
    if own:
        return min(own, key=lambda v: (margin[v], values[v]))
    cands = _layers(solver, expr, hidden)
    if not cands:
        return None
    lo, hi = solver.bounds(expr, solver.unknown(hidden))
    best, gain = cands[0], 0.0
    for v in cands[:tries]:
        hidden[v] = True
        a, b = solver.bounds(expr, solver.unknown(hidden))
        hidden[v] = False
        if b - a >= solver.min_cell:
            return v
        if (b - a) - (hi - lo) > gain:
            best, gain = v, (b - a) - (hi - lo)
    return best


@dataclass(frozen=True)
class Audit:
    """What :func:`protect` did.

    Attributes
    ----------
    n_published : int
        Distinct published counts (a count shown in several tables counts once).
    n_primary : int
        Counts hidden because they, or a complement ``n - k``, are small.
    n_hidden : int
        Counts hidden in all (primary and complementary).
    failing : int
        Sensitive quantities still narrower than ``min_cell`` (0 unless nothing more could
        be hidden).
    n_hidden_per_table : int
        Counts the earlier rule (table by table, :func:`.suppression.suppress`) hides among
        the same published counts, for comparison.
    failing_per_table : int
        Sensitive quantities the earlier rule leaves narrower than ``min_cell``.
    """

    n_published: int
    n_primary: int
    n_hidden: int
    failing: int
    n_hidden_per_table: int = 0
    failing_per_table: int = 0


def _solve(solver: _Solver) -> tuple[np.ndarray, np.ndarray]:
    values = solver.values
    published = solver.published
    primary = published & (values >= 1) & (values < solver.min_cell)
    hidden = primary.copy()
    for _ in range(len(values) + 1):
        bad = solver.failing(hidden)
        if not bad:
            break
        changed = False
        for expr in bad:
            lo, hi = solver.bounds(expr, solver.unknown(hidden))
            if hi - lo >= solver.min_cell:
                continue  # fixed by a count hidden for another quantity
            v = _candidate(solver, expr, hidden)
            if v is not None:
                hidden[v] = True
                changed = True
        if not changed:
            break
    hidden = _prune(solver, hidden, primary)
    # a zero next to the hidden counts can stand in for several larger complementary
    # counts (one hidden zero in a category table opens the total that several tables
    # share): hide every such zero, show again what is then not needed, and keep the
    # result while it hides fewer counts
    for _ in range(len(values)):
        if not (hidden & ~primary & (values > 0)).any():
            break  # no complementary count a zero could stand in for
        zeros = _zeros_around(solver, hidden)
        if not len(zeros):
            break
        trial = hidden.copy()
        trial[zeros] = True
        trial = _prune(solver, trial, primary)
        if trial[published].sum() >= hidden[published].sum():
            break
        hidden = trial
    return hidden, primary


def _prune(solver: _Solver, hidden: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Show again every complementary count that is not needed, largest first (zeros
    last): afterwards showing any one of them breaks the rule (local minimality)."""
    hidden = hidden.copy()
    values = solver.values
    extra = np.flatnonzero(hidden & ~primary)
    for v in extra[np.argsort(-values[extra], kind="stable")]:
        touched = set(solver.component([v], solver.unknown(hidden))) | {v}
        hidden[v] = False
        if solver.failing(hidden, only=touched, first=True):
            hidden[v] = True
    return hidden


def _zeros_around(solver: _Solver, hidden: np.ndarray) -> np.ndarray:
    """Shown zero counts that share a constraint with an unknown linked to a hidden
    count."""
    unknown = solver.unknown(hidden)
    out: set[int] = set()
    for v in solver.component(list(np.flatnonzero(hidden)), unknown):
        for c in solver.by_var[v]:
            for w in solver.cons[c][0]:
                if solver.published[w] and not hidden[w] and solver.values[w] == 0:
                    out.add(w)
    return np.array(sorted(out), dtype=int)


def protect(
    tables: Mapping[str, tuple[pd.DataFrame, Spec]], min_cell: int
) -> tuple[dict[str, pd.DataFrame], Audit]:
    """Suppress the counts of all `tables` at once so that the audit passes.

    Parameters
    ----------
    tables : mapping
        Table name -> (unprotected frame, :class:`Spec`). Optional ``_q_<count>`` columns
        name the quantity of each cell: cells with the same name (in any table) are one
        quantity and are shown or hidden together.
    min_cell : int
        Counts (and complements ``n - k``) from 1 to ``min_cell - 1`` are protected.

    Returns
    -------
    dict of str to DataFrame
        Each table with hidden counts and their dependent columns set to missing (counts
        as nullable ``Int64``), the ``_q_`` columns dropped, and a column ``suppressed``
        naming the hidden count columns of each row (", "-joined; "" when none).
    Audit
        Counts of published, primary and hidden quantities.
    """
    model = _build(tables)
    solver = _Solver(model, min_cell)
    if min_cell <= 1:
        hidden = primary = np.zeros(len(model.values), dtype=bool)
    else:
        hidden, primary = _solve(solver)
    left = len(solver.failing(hidden)) if min_cell > 1 else 0
    out = {}
    for name, (frame, spec) in tables.items():
        out[name] = _apply(frame.reset_index(drop=True), spec, model.cells[name], hidden)
    published = np.asarray(model.published, dtype=bool)
    old = _per_table(tables, model, min_cell)
    audit = Audit(
        int(published.sum()),
        int((primary & published).sum()),
        int((hidden & published).sum()),
        left,
        int(old.sum()),
        len(solver.failing(old)) if min_cell > 1 else 0,
    )
    return out, audit


def _per_table(
    tables: Mapping[str, tuple[pd.DataFrame, Spec]], model: _Model, min_cell: int
) -> np.ndarray:
    """The published counts the table-by-table rule would hide."""
    from .suppression import suppress

    old = np.zeros(len(model.values), dtype=bool)
    for name, (frame, spec) in tables.items():
        shown = suppress(
            frame.reset_index(drop=True),
            list(spec.counts),
            min_cell=min_cell,
            additive=spec.additive,
        )
        grid = model.cells[name]
        for j, col in enumerate(spec.counts):
            gone = shown[col].isna().to_numpy() & (grid[j] >= 0)
            old[grid[j][gone]] = True
    return old


def _apply(frame: pd.DataFrame, spec: Spec, grid: np.ndarray, hidden: np.ndarray) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in frame.columns if str(c).startswith(QUANTITY)])
    grid_hidden = (grid >= 0) & hidden[np.maximum(grid, 0)]
    return hide_cells(out, spec.counts, grid_hidden, spec.hides)


def hidden_of(frame: pd.DataFrame, counts: Sequence[str]) -> int:
    """Number of hidden count cells of a protected table."""
    return int(frame[list(counts)].isna().to_numpy().sum())


__all__ = ["Audit", "Spec", "TOTAL", "hidden_of", "protect"]
