"""The disclosure audit, checked by an attacker who owns every number the report publishes.

The attacker below is written independently of :mod:`followup_analytics.cohort.audit`: it
reads the published tables (what a reader of the HTML or the workbook sees), knows what
every count means (the same quantity in several tables, groups adding up to the whole
cohort, categories adding up to a group's eligible follow-ups, k <= n, a shown percentage
rounded to one decimal), and solves an integer programme (``scipy.optimize.milp``) for
every hidden small count and every small complement ``n - k``. Each must keep a range
``hi - lo >= min_cell``.
"""

from __future__ import annotations

import warnings
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from followup_analytics import JobSearchLog, cohort_report, load
from followup_analytics.cohort.audit import Spec, protect
from followup_analytics.cohort.report import OTHER
from followup_analytics.cohort.suppression import TOTAL, Additive
from followup_analytics.samples import sample_path

SAMPLES = sample_path("cohort_2026.xlsx")

STAGE_BEFORE = {
    "responded": "applied",
    "interviewed": "responded",
    "offered": "interviewed",
    "accepted": "offered",
}
REACHED = {"response": "responded", "interview": "interviewed", "offer": "offered"}


def _key(table: str, row: pd.Series, col: str, by: str) -> tuple:
    """What a published count is, as the attacker understands it."""
    g = row.iloc[0] if table != "employers" else None
    if table == "overview":
        return ({"seekers": "seekers", "applications": "apps"}.get(col, col), g)
    if table == "outcomes":
        if col == "n":
            return ("seekers" if row["outcome"] == "seeker_offer" else "apps", g)
        return ("reach", REACHED.get(row["outcome"], "seeker_offer"), g)
    if table == "funnel":
        stage = row["stage"] if col == "k" else STAGE_BEFORE.get(row["stage"], "applied")
        return ("apps", g) if stage == "applied" else ("reach", stage, g)
    if table.startswith("followup_"):
        return (table, row.iloc[1], g, col)
    # in these data no application is left out of the time to response (no undated
    # response): an attacker who guesses so is right, so this one knows it
    if table == "at_risk" and col == "day_0":
        return ("apps", g)
    if table == "time_to_response" and col == "n_responses":
        return ("reach", "responded", g)
    if table == "strategies":
        side = "level" if col.endswith("_level") else "reference"
        return ("strategy", row["strategy"], row[side], col.split("_")[0])
    if table == "employers":
        return ("employer", row["company"], col)
    return (table, g, col)


class Attacker:
    """Integer programme over every published count of a report."""

    COUNTS = {
        "overview": ("seekers", "applications", "followups"),
        "outcomes": ("n", "k"),
        "funnel": ("n", "k"),
        "followup_timing": ("n", "k"),
        "followup_channel": ("n", "k"),
        "followup_letter_type": ("n", "k"),
        "time_to_response": ("n_responses", "n_censored"),
        "strategies": ("n_level", "k_level", "n_reference", "k_reference"),
        "employers": ("n", "k"),
    }

    def __init__(
        self, shown: dict[str, pd.DataFrame], truth: dict[str, pd.DataFrame], min_cell: int
    ) -> None:
        self.min_cell = min_cell
        self.var: dict[tuple, int] = {}
        self.true: dict[int, float] = {}
        self.fixed: dict[int, float] = {}
        self.eq: list[dict[int, float]] = []
        self.le: list[tuple[dict[int, float], float]] = []
        self.pairs: list[tuple[int, int]] = []
        self.published: set[int] = set()
        self.time_parts: set[tuple] = set()
        counts = dict(self.COUNTS)
        counts["at_risk"] = tuple(c for c in shown["at_risk"] if c.startswith("day_"))
        for table, cols in counts.items():
            pub, tru = shown[table].reset_index(drop=True), truth[table]
            if table == "employers":
                tru = tru.set_index("company").loc[pub["company"]].reset_index()
            tru = tru.reset_index(drop=True)
            assert len(pub) == len(tru), table
            for r in range(len(pub)):
                row = pub.iloc[r]
                ids = {}
                for c in cols:
                    v = self._v(_key(table, row, c, pub.columns[0]), float(tru.at[r, c]))
                    ids[c] = v
                    self.published.add(v)
                    if table == "time_to_response":
                        self.time_parts.add(_key(table, row, c, pub.columns[0]))
                    if pd.notna(pub.at[r, c]):
                        assert float(pub.at[r, c]) == self.true[v], (table, r, c)
                        self.fixed[v] = self.true[v]
                for n_col, k_col, rate in (
                    ("n", "k", "rate"),
                    ("n_level", "k_level", "rate_level"),
                    ("n_reference", "k_reference", "rate_reference"),
                ):
                    if n_col in ids and k_col in ids and ids[n_col] != ids[k_col]:
                        self.pairs.append((ids[n_col], ids[k_col]))
                        self.le.append(({ids[k_col]: 1.0, ids[n_col]: -1.0}, 0.0))
                        if rate in pub and pd.notna(pub.at[r, rate]):
                            # the reader sees the rate rounded to 0.1%
                            p = round(float(pub.at[r, rate]), 3)
                            self.le.append(({ids[k_col]: 1.0, ids[n_col]: -(p + 5e-4)}, 0.0))
                            self.le.append(({ids[k_col]: -1.0, ids[n_col]: p - 5e-4}, 0.0))
        self._sums(shown)
        inv = {v: k for k, v in self.var.items()}
        for con in self.eq:  # the attacker's knowledge is true of the data
            assert abs(sum(c * self.true[v] for v, c in con.items())) < 1e-9, [
                (inv[v], c, self.true[v]) for v, c in con.items()
            ]
        for con, b in self.le:
            assert sum(c * self.true[v] for v, c in con.items()) <= b + 1e-9, [
                (inv[v], c, self.true[v]) for v, c in con.items()
            ]

    def _v(self, key: tuple, value: float) -> int:
        if key not in self.var:
            self.var[key] = len(self.var)
            self.true[self.var[key]] = value
        assert self.true[self.var[key]] == value, key
        return self.var[key]

    def _sums(self, shown: dict[str, pd.DataFrame]) -> None:
        by = shown["overview"].columns[0]
        groups = set(shown["overview"][by]) - {TOTAL}
        sets: dict[tuple, list[int]] = defaultdict(list)
        for key, v in list(self.var.items()):
            if key[0] in ("employer", "eligible", "strategy_total"):
                continue
            if key[0] == "strategy":  # levels and reference: eligible
                sets[("levels", ("strategy_total", key[1], key[3]))].append(v)
                continue
            g = next((x for x in key if x in groups), None)
            if g is not None:  # groups add up to the cohort
                sets[("groups", tuple(TOTAL if x == g else x for x in key))].append(v)
            if key[:2] == ("reach", "responded") and key in self.time_parts:
                sets[("parts", ("apps", key[2]))].append(v)
            if key[0].startswith("followup_"):  # categories: eligible follow-ups
                # each table's categories add up to the same eligible follow-ups
                sets[(key[0], ("eligible", key[2], key[3]))].append(v)
            if key[0] == "time_to_response":  # responded + waiting = analysed
                sets[("parts", ("apps", key[1]))].append(v)
        for (_, total_key), members in sorted(sets.items(), key=lambda kv: str(kv[0])):
            if total_key[0] in ("eligible", "strategy_total"):
                total = self._v(total_key, sum(self.true[m] for m in members))
            else:
                total = self.var[total_key]
            self.eq.append({**{m: 1.0 for m in members}, total: -1.0})

    def ranges(self, exprs: list[dict[int, float]]) -> list[tuple[float, float]]:
        n = len(self.var)
        rows = [*self.eq, *(c for c, _ in self.le)]
        a = np.zeros((len(rows), n))
        for i, con in enumerate(rows):
            for v, c in con.items():
                a[i, v] += c
        lo = np.r_[np.zeros(len(self.eq)), np.full(len(self.le), -np.inf)]
        hi = np.r_[np.zeros(len(self.eq)), [b for _, b in self.le]]
        lb, ub = np.zeros(n), np.full(n, np.inf)
        for v, val in self.fixed.items():
            lb[v] = ub[v] = val
        cons = optimize.LinearConstraint(a, lo, hi)
        out = []
        for expr in exprs:
            obj = np.zeros(n)
            for v, c in expr.items():
                obj[v] = c
            ends = []
            for sign in (1, -1):
                res = optimize.milp(
                    sign * obj,
                    constraints=cons,
                    integrality=np.ones(n),
                    bounds=optimize.Bounds(lb, ub),
                )
                # the truth is feasible (checked above): 3 and 4 mean unbounded
                assert res.status in (0, 3, 4), res.message
                ends.append(-sign * np.inf if res.status else sign * res.fun)
            out.append((ends[0], ends[1]))
        return out

    def sensitive(self) -> list[dict[int, float]]:
        small = lambda x: 1 <= x < self.min_cell  # noqa: E731
        out = [{v: 1.0} for v, t in self.true.items() if small(t) and v not in self.fixed]
        out += [{n: 1.0, k: -1.0} for n, k in set(self.pairs) if small(self.true[n] - self.true[k])]
        return out

    def complementary(self) -> list[int]:
        """Hidden published counts that are not small themselves."""
        return sorted(
            v for v in self.published - set(self.fixed) if not 1 <= self.true[v] < self.min_cell
        )

    def exposed(self) -> list[tuple[dict[int, float], tuple[float, float]]]:
        exprs = self.sensitive()
        return [
            (e, r)
            for e, r in zip(exprs, self.ranges(exprs), strict=True)
            if r[1] - r[0] < self.min_cell
        ]


def _merged_log(log: JobSearchLog, column: str, labels: set[str]) -> JobSearchLog:
    apps = log.applications.copy()
    apps[column] = apps[column].where(apps[column].isin(labels), OTHER)
    return JobSearchLog.from_frames(log.events, apps, as_of=log.as_of, report=log.report)


def _attack(log: JobSearchLog, by: str, min_cell: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = cohort_report(log, by=by, min_cell=min_cell, salt="audit")
        col = report.by
        labels = set(report.tables["overview"][col]) - {TOTAL}
        truth = cohort_report(_merged_log(log, col, labels), by=by, min_cell=1, salt="audit").tables
    return report, Attacker(report.tables, truth, min_cell)


@pytest.fixture(scope="module")
def bundled() -> JobSearchLog:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(SAMPLES)


def _tiny_program(log: JobSearchLog) -> JobSearchLog:
    apps = log.applications.copy()
    three = apps["seeker"].drop_duplicates().iloc[:3]
    apps.loc[apps["seeker"].isin(three), "Program"] = "Tiny Program"
    return JobSearchLog.from_frames(log.events, apps, as_of=log.as_of, report=log.report)


@pytest.fixture(scope="module")
def bundled_attack(bundled: JobSearchLog):
    return _attack(bundled, "program", 10)


@pytest.mark.slow
@pytest.mark.parametrize("cohort", ["bundled", "three_students", "by_cohort"])
def test_attacker_cannot_narrow_any_hidden_count(
    bundled: JobSearchLog, bundled_attack, cohort: str
) -> None:
    if cohort == "bundled":
        report, attacker = bundled_attack
    elif cohort == "by_cohort":  # hidden zeros stand in for larger complementary counts
        report, attacker = _attack(bundled, "cohort", 10)
    else:
        report, attacker = _attack(_tiny_program(bundled), "program", 10)
    assert report.audit.failing == 0
    sensitive = attacker.sensitive()
    assert len(sensitive) >= 10, "the cohort should exercise suppression"
    assert attacker.exposed() == []
    if cohort == "three_students":
        assert "Tiny Program" not in set(report.tables["overview"]["Program"])


@pytest.mark.slow
def test_suppression_is_locally_minimal(bundled_attack) -> None:
    """Showing any one complementary count lets the attacker narrow a small one (checked
    on a spread of four of them: each check is a full integer programme)."""
    report, attacker = bundled_attack
    extra = attacker.complementary()
    assert extra, "the cohort should need complementary suppression"
    assert report.audit.n_hidden - report.audit.n_primary == len(extra)
    for v in extra[:: max(1, len(extra) // 4)][:4]:
        attacker.fixed[v] = attacker.true[v]
        assert attacker.exposed(), v
        del attacker.fixed[v]


@pytest.mark.slow
@pytest.mark.parametrize("by", ["program", "cohort", None])
def test_audit_hides_no_more_than_the_table_rule(
    bundled: JobSearchLog, bundled_attack, by: str | None
) -> None:
    """Over the same published counts, the audit (which leaves nothing exposed) hides no
    more counts than the earlier table-by-table rule (which leaves some exposed)."""
    if by == "program":
        report = bundled_attack[0]
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = cohort_report(bundled, by=by, min_cell=10, salt="audit")
    audit = report.audit
    assert audit.failing == 0
    assert audit.n_hidden > audit.n_primary, "the cohort should need complementary counts"
    assert audit.n_hidden <= audit.n_hidden_per_table


def test_q_values_adjusted_over_published_comparisons_only(bundled_attack) -> None:
    """A q-value adjusted over every comparison would carry the p-values of the hidden
    ones: the published q-values are Benjamini-Hochberg over the shown p-values alone."""
    report, _ = bundled_attack
    table = report.tables["strategies"]
    p_value = table["p_value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    q_value = table["q_value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    shown = ~np.isnan(p_value)
    assert 2 <= shown.sum() < len(table), "some comparisons shown, some hidden"
    assert np.isnan(q_value[~shown]).all()
    expected = stats.false_discovery_control(p_value[shown], method="bh")
    np.testing.assert_allclose(q_value[shown], expected, rtol=1e-12)


def _table(values: list[int], k: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"g": [TOTAL, *(f"G{i}" for i in range(len(values)))], "n": [sum(values), *values]}
    )
    if k is not None:
        frame["k"] = [sum(k), *k]
    return frame


def test_protect_hides_a_partner_wide_enough() -> None:
    frame = _table([3, 25, 40, 4])
    out, audit = protect({"t": (frame, Spec(("n",), Additive(across=(((), "g"),))))}, 10)
    hidden = out["t"]["n"].isna().tolist()
    # 3 and 4 add up to 7 < 10: one more count (the smallest, 25) must go with them
    assert hidden == [False, True, True, False, True]
    assert (audit.n_primary, audit.n_hidden, audit.failing) == (2, 3, 0)


def test_protect_hides_small_complements() -> None:
    # 14 follow-ups, 11 answered: the 3 unanswered are as small as any count
    frame = pd.DataFrame(
        {"company": ["A", "B"], "n": [14, 40], "k": [11, 20], "rate": [11 / 14, 0.5]}
    )
    spec = Spec(("n", "k"), hides={"k": ("rate",)}, pairs=(("n", "k"),))
    out, audit = protect({"t": (frame, spec)}, 10)
    assert out["t"]["k"].isna().tolist() == [True, False]
    assert out["t"]["rate"].isna().tolist() == [True, False]
    assert out["t"]["n"].notna().all() and audit.failing == 0


def test_protect_same_quantity_hidden_everywhere() -> None:
    a = _table([3, 30, 40])
    b = _table([3, 30, 40], k=[1, 10, 20])
    for f in (a, b):
        f["_q_n"] = "apps|" + f["g"]
    add = Additive(across=(((), "g"),))
    out, _ = protect(
        {"a": (a, Spec(("n",), add)), "b": (b, Spec(("n", "k"), add, pairs=(("n", "k"),)))}, 10
    )
    assert out["a"]["n"].isna().tolist() == out["b"]["n"].isna().tolist()
    assert "_q_n" not in out["a"]


def _two_way_ranges(
    values: np.ndarray, shown: np.ndarray, cells: list[tuple[int, int]], m: int
) -> list[float]:
    """Integer range of each cell of a groups x categories table whose groups add up to a
    published whole-cohort row and whose categories add up to unpublished group totals,
    given the cells `shown` (an independent attacker for :func:`protect`)."""
    g, c = values.shape
    n = (g + 1) * c + (g + 1)  # cells (groups + whole row) and group totals
    idx = lambda i, j: i * c + j  # noqa: E731
    tot = lambda i: (g + 1) * c + i  # noqa: E731
    rows = []
    for j in range(c):  # groups add up to the whole-cohort row
        r = np.zeros(n)
        r[[idx(i, j) for i in range(g)]] = 1
        r[idx(g, j)] = -1
        rows.append(r)
    for i in range(g + 1):  # categories add up to the row's total
        r = np.zeros(n)
        r[[idx(i, j) for j in range(c)]] = 1
        r[tot(i)] = -1
        rows.append(r)
    full = np.vstack([values, values.sum(axis=0)])
    lb, ub = np.zeros(n), np.full(n, np.inf)
    for i in range(g + 1):
        for j in range(c):
            if shown[i, j]:
                lb[idx(i, j)] = ub[idx(i, j)] = full[i, j]
    cons = optimize.LinearConstraint(np.vstack(rows), 0, 0)
    out = []
    for i, j in cells:
        obj = np.zeros(n)
        obj[idx(i, j)] = 1
        ends = []
        for sign in (1, -1):
            res = optimize.milp(
                sign * obj, constraints=cons, integrality=np.ones(n), bounds=optimize.Bounds(lb, ub)
            )
            ends.append(-sign * np.inf if res.status else sign * res.fun)
        out.append(ends[1] - ends[0])
    return out


@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(
        st.lists(st.sampled_from([0, 1, 2, 4, 7, 9, 12, 25, 60]), min_size=3, max_size=3),
        min_size=2,
        max_size=4,
    ),
    m=st.integers(3, 10),
)
def test_property_two_way_tables_protected_and_locally_minimal(data, m) -> None:
    values = np.array(data)
    g, c = values.shape
    rows = [
        {"g": f"G{i}", "cat": f"C{j}", "n": int(values[i, j])} for i in range(g) for j in range(c)
    ]
    rows += [{"g": TOTAL, "cat": f"C{j}", "n": int(values[:, j].sum())} for j in range(c)]
    frame = pd.DataFrame(rows)
    spec = Spec(("n",), Additive(across=((("cat",), "g"), (("g",), "cat"))))
    out, audit = protect({"t": (frame, spec)}, m)
    hidden = out["t"]["n"].isna().to_numpy()
    shown = np.ones((g + 1, c), dtype=bool)
    for r, h in zip(rows, hidden, strict=True):
        i = g if r["g"] == TOTAL else int(r["g"][1:])
        shown[i, int(r["cat"][1:])] = not h
    full = np.vstack([values, values.sum(axis=0)])
    small = [(i, j) for i in range(g + 1) for j in range(c) if 1 <= full[i, j] < m]
    assert audit.failing == 0
    assert all(not shown[cell] for cell in small)
    assert all(w >= m for w in _two_way_ranges(values, shown, small, m))
    extra = [
        (i, j)
        for i in range(g + 1)
        for j in range(c)
        if not shown[i, j] and not 1 <= full[i, j] < m
    ]
    for cell in extra:  # showing any one complementary count exposes a small one
        again = shown.copy()
        again[cell] = True
        assert min(_two_way_ranges(values, again, small, m)) < m, cell


def test_sets_that_do_not_add_up_are_not_equations() -> None:
    # seekers who moved between groups count in each: 6 + 5 != 9 for the cohort
    frame = pd.DataFrame({"g": [TOTAL, "A", "B"], "seekers": [9, 6, 5]})
    out, audit = protect({"t": (frame, Spec(("seekers",), Additive(across=(((), "g"),))))}, 4)
    assert out["t"]["seekers"].notna().all() and audit.failing == 0
