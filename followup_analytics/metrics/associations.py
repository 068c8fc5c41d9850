"""Strategies vs offers: which follow-up strategies are associated with offers.

Count, then infer: each strategy (see :mod:`~followup_analytics.metrics.strategies`) labels
the eligible applications with a level; the applications are counted per level and per
(level, seeker), or per (level, covariates[, seeker]) for the adjusted odds ratios; every
estimate comes from those counts. (A logistic regression with seeker fixed effects is
inconsistent with many seekers and few applications each, and statsmodels'
ConditionalLogit took about 19 s for 30,000 applications and failed near 1,000
applications per seeker: Mantel-Haenszel over the strata is exact arithmetic on counts.)

Every number here is an **association**: seekers who send thank-you notes may also be the
stronger candidates. The within-seeker estimate (Mantel-Haenszel, stratified by seeker)
compares each seeker's applications with the same seeker's other applications, which removes
differences between seekers but not differences between a seeker's applications.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import ArgumentError, SmallSampleWarning, SparseStrataWarning, find_stack_level
from ..log import JobSearchLog
from ..schema import COMPARISON_COLUMNS, Definition, attach, missing_notes
from ._flags import MIN_SEEKERS, one_seeker_notes, small_flags
from .features import features
from .inference import (
    bh_q,
    fisher_p,
    mantel_haenszel,
    risk_difference,
    risk_ratio,
)
from .rates import naive_odds_ratio
from .strategies import STRATEGIES, Strategy

ASSOCIATION_COLUMNS = COMPARISON_COLUMNS
NAIVE = ("pooled_risk_difference", "pooled_risk_ratio", "pooled_odds_ratio")


def _select(strategies: Sequence[str] | None) -> list[Strategy]:
    if strategies is None:
        return list(STRATEGIES.values())
    names = [strategies] if isinstance(strategies, str) else list(strategies)
    bad = [s for s in names if s not in STRATEGIES]
    if bad:
        raise ArgumentError(f"strategies: unknown strategy {bad[0]!r}; allowed: {list(STRATEGIES)}")
    return [STRATEGIES[s] for s in names]


def _counts(
    seeker: np.ndarray, n_seekers: int, level: pd.Series, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Applications ``n`` and outcomes ``k`` per (seeker, level): two seekers x levels arrays."""
    codes = level.cat.codes.to_numpy()
    ok = codes >= 0
    width = len(level.cat.categories)
    cell = seeker[ok] * width + codes[ok]
    n = np.bincount(cell, minlength=n_seekers * width).reshape(n_seekers, width)
    k = np.bincount(cell, weights=y[ok], minlength=n_seekers * width).reshape(n_seekers, width)
    return n, k.astype(np.int64)


def _within_seeker(n: np.ndarray, k: np.ndarray, j: int, r: int) -> dict:
    """Mantel-Haenszel odds ratio of level column `j` vs reference column `r`, by seeker."""
    keep = (n[:, j] + n[:, r]) > 0
    strata = pd.DataFrame(
        {
            "stratum": np.flatnonzero(keep),
            "k1": k[keep, j],
            "n1": n[keep, j],
            "k0": k[keep, r],
            "n0": n[keep, r],
        }
    )
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", SparseStrataWarning)
        return mantel_haenszel(strata)


def _strata(f: pd.DataFrame, adjust: list[str], seeker: np.ndarray | None) -> np.ndarray:
    """One integer stratum per application: the covariates' combination (and the seeker)."""
    code = np.zeros(len(f), dtype=np.int64)
    for c in adjust:
        values, uniques = pd.factorize(f[c].astype("string"), use_na_sentinel=False)
        code = code * (len(uniques) + 1) + values
    if seeker is not None:
        code = pd.factorize(code)[0].astype(np.int64) * (int(seeker.max()) + 1) + seeker
    return pd.factorize(code)[0]


def _refuse_constant_within_seeker(f: pd.DataFrame, adjust: list[str]) -> None:
    for c in adjust:
        varies = f.groupby(f["seeker"], observed=True)[c].nunique(dropna=False) > 1
        if not varies.any():
            raise ArgumentError(
                f"adjust={c!r} cannot be adjusted for within seeker: it is constant within "
                "every seeker, so the within-seeker estimate already holds it fixed (and "
                "no comparison within a seeker can separate it from the seeker). Leave it "
                "out, or use seeker_effects=False for an estimate adjusted for it across "
                "seekers"
            )


def _adjusted(level: pd.Series, y: np.ndarray, st: Strategy, strata: np.ndarray) -> pd.DataFrame:
    """Mantel-Haenszel odds ratio per level vs the reference over `strata` (count-based)."""
    out = pd.DataFrame(
        np.nan,
        index=list(st.levels),
        columns=["estimate", "ci_low", "ci_high", "p_value", "n_informative"],
    )
    codes = level.cat.codes.to_numpy()
    r = st.levels.index(st.reference)
    size = int(strata.max()) + 1 if len(strata) else 0
    n_s, k_s = (np.zeros((size, len(st.levels))) for _ in range(2))
    ok = codes >= 0
    np.add.at(n_s, (strata[ok], codes[ok]), 1)
    np.add.at(k_s, (strata[ok], codes[ok]), y[ok])
    for j, lv in enumerate(st.levels):
        if j == r:
            continue
        res = _within_seeker(n_s, k_s.astype(np.int64), j, r)
        out.loc[lv] = (
            res["odds_ratio"],
            res["ci_low"],
            res["ci_high"],
            res["p_value"],
            res["n_informative"],
        )
    return out


def offer_associations(
    log: JobSearchLog,
    strategies: Sequence[str] | None = None,
    *,
    adjust: Sequence[str] | None = None,
    seeker_effects: bool = False,
    min_n: int = 10,
) -> pd.DataFrame:
    """How each follow-up strategy is associated with offers, among eligible applications.

    The unit is the application. For each strategy and each level other than the reference:
    offer rates of the level and the reference (Wilson 95% intervals) and the estimators
    below. Fisher's exact p belongs to the naive 2x2 table and is repeated on its three rows;
    the Benjamini-Hochberg q-value is computed over all naive tests of the table, and
    separately over the within-seeker tests and over the adjusted tests.

    Parameters
    ----------
    log : JobSearchLog
    strategies : list of str, optional
        Names from ``STRATEGIES`` (default: all): ``thank_you_after_interview``,
        ``first_followup_channel``, ``first_followup_letter_type``,
        ``first_followup_timing``, ``n_followups``, ``tiered_cadence``,
        ``thank_you_rounds``, ``thank_you_email_and_letter``, ``post_rejection_note``. See
        :mod:`followup_analytics.metrics.strategies` for each eligible set and reference.
    adjust : list of str, optional
        Columns of ``features(log)`` (e.g. carried ``job_source``) to adjust for, each
        taken as categorical (every distinct value a stratum; missing values a stratum of
        their own): adds ``adjusted_odds_ratio`` rows, the Mantel-Haenszel odds ratio
        stratified by the covariates' combinations (count-based, fast on large logs; exact
        interval when it is 0 or inf). No stratum is ever fitted, so a sparse or
        rank-deficient design never gives inf with p = 0.
    seeker_effects : bool, default False
        Stratify the adjusted estimate by seeker × covariates: adjustment within seeker.
        Needs `adjust`. A covariate constant within every seeker (e.g. ``program``) is
        refused: the within-seeker estimate already holds it fixed.
    min_n : int, default 10
        Levels or references with fewer applications are flagged ``small_n``.

    Returns
    -------
    DataFrame
        The comparison schema (``schema.COMPARISON_COLUMNS``, see docs/analytics.md), one
        row per (strategy, level, estimator):

        - ``key``: the strategy; ``level``, ``reference``: what is compared with what;
        - ``n_level``, ``k_level``, ``n_reference``, ``k_reference``: applications at the
          level and at the reference, and those with the outcome (an offer, or for
          ``post_rejection_note`` a comeback: see ``STRATEGIES[key].eligible`` and
          ``.outcome`` for the eligible set and outcome of each strategy);
        - ``estimator``: all applications pooled (confounded by the seeker: strong seekers
          follow up more and get more offers): ``pooled_risk_difference`` (Newcombe
          interval), ``pooled_risk_ratio`` (Katz interval; 0 or inf with a score interval
          when a group has no outcome), ``pooled_odds_ratio`` (sample odds ratio with
          Woolf's interval at every size; 0 or inf with the exact interval on a zero cell);
          ``within_seeker_odds_ratio`` (Mantel-Haenszel stratified by seeker, with two or
          more seekers; exact interval when it is 0 or inf) and ``adjusted_odds_ratio``
          (when `adjust` is given). None of them is an effect: each is an association
          among the eligible applications;
        - ``estimate``, ``ci_low``, ``ci_high``: the estimate and its 95% interval;
        - ``p_value``: Fisher's exact test (pooled rows), the Cochran-Mantel-Haenszel test
          (within-seeker and adjusted rows);
        - ``q_value``: Benjamini-Hochberg q within the estimator family (see above);
        - ``small_n``: level or reference has fewer than `min_n` applications, fewer than
          5 applications had the outcome (or fewer than 5 did not), or (within-seeker rows)
          fewer than 5 seekers carry information (:mod:`._flags`);
        - ``n_seekers``: seekers with an application at the level or the reference; on
          within-seeker rows, the informative seekers (both groups present, the outcome
          neither absent nor universal);
        - ``note``: why the estimate is missing ("" otherwise); with one seeker, that
          pooled and within-seeker coincide, the number of applications with the outcome,
          and "this log cannot tell" below 10 of them.

        ``attrs["definition"]``: outcome offer, unit application, ``as_of``.

        Levels with no applications stay as rows with NaN estimates.

    Raises
    ------
    ArgumentError
        Unknown strategy or adjustment column; `seeker_effects` without `adjust`; a
        covariate constant within every seeker with `seeker_effects`.

    Warns
    -----
    SmallSampleWarning
        When a non-empty level or reference has fewer than `min_n` applications.
    SparseStrataWarning
        When a within-seeker estimate cannot be made (fewer than two informative seekers).

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.schema import COMPARISON_COLUMNS
    >>> assoc = fa.offer_associations(log)
    >>> assoc.columns.tolist() == COMPARISON_COLUMNS
    True
    >>> "thank_you_after_interview" in set(assoc["key"])
    True
    """
    chosen = _select(strategies)
    f = features(log)
    columns = _adjust_columns(f, adjust, seeker_effects)
    seeker, names = pd.factorize(f["seeker"], use_na_sentinel=False)
    strata = (
        _strata(f, columns, seeker.astype(np.int64) if seeker_effects else None)
        if columns
        else None
    )
    several = len(names) >= 2
    blocks: list[pd.DataFrame] = []
    sparse: list[str] = []
    for st in chosen:
        level = st.assign(f, log)
        y = f[st.outcome].fillna(False).to_numpy(dtype=bool)
        counts = _two_by_two(st, seeker, len(names), level, y)
        base = _base_rows(st, counts, min_n)
        blocks += _pooled_blocks(base, counts)
        if several:
            within, no_information = _within_seeker_block(base, counts, st.name)
            blocks.append(within)
            sparse += no_information
        if strata is not None:  # `adjust` was given
            blocks.append(_adjusted_block(base, level, y, st, strata, counts.others))
    out = _in_order(_with_q_values(pd.concat(blocks, ignore_index=True)), chosen)
    _warn(out, sparse, min_n)
    out["note"] = _notes(out, several)
    return attach(
        out[COMPARISON_COLUMNS],
        Definition(
            "offer",
            unit="application",
            as_of=log.as_of,
            extra="among each strategy's eligible applications; post_rejection_note: a later "
            "interview or offer at the same company",
        ),
    )


def _adjust_columns(
    f: pd.DataFrame, adjust: Sequence[str] | None, seeker_effects: bool
) -> list[str]:
    """The checked columns of `f` to adjust for (`adjust` as a list)."""
    columns = [] if adjust is None else ([adjust] if isinstance(adjust, str) else list(adjust))
    bad = [c for c in columns if c not in f.columns or c == "application_id"]
    if bad:
        raise ArgumentError(
            f"adjust: {bad[0]!r} is not a column of features(log); allowed: "
            f"{[c for c in f.columns if c != 'application_id']}"
        )
    if seeker_effects and not columns:
        raise ArgumentError(
            "seeker_effects=True needs adjust=[...]: the within-seeker odds "
            "ratio (within_seeker_odds_ratio) is already stratified by seeker; "
            "seeker_effects adds the seeker to the strata of the adjusted one"
        )
    if seeker_effects:
        _refuse_constant_within_seeker(f, columns)
    return columns


class _Counts(NamedTuple):
    """The counts of one strategy: per (seeker, level), and pooled per compared level."""

    n: np.ndarray  # applications per (seeker, level)
    k: np.ndarray  # applications with the outcome per (seeker, level)
    r: int  # column of the reference level
    cols: list[int]  # columns of the levels compared with the reference
    others: list[str]  # those levels
    nl: np.ndarray  # pooled applications at each compared level
    kl: np.ndarray  # ... with the outcome
    nr: np.ndarray  # pooled applications at the reference, repeated per compared level
    kr: np.ndarray  # ... with the outcome


def _two_by_two(
    st: Strategy, seeker: np.ndarray, n_seekers: int, level: pd.Series, y: np.ndarray
) -> _Counts:
    """The 2x2 counts of each level of `st` vs its reference, per seeker and pooled."""
    n, k = _counts(seeker, n_seekers, level, y)
    r = st.levels.index(st.reference)
    cols = [i for i in range(len(st.levels)) if i != r]
    others = [st.levels[i] for i in cols]
    nl, kl = n.sum(0)[cols], k.sum(0)[cols]
    nr, kr = np.full(len(cols), n[:, r].sum()), np.full(len(cols), k[:, r].sum())
    return _Counts(n, k, r, cols, others, nl, kl, nr, kr)


def _base_rows(st: Strategy, c: _Counts, min_n: int) -> pd.DataFrame:
    """The columns every estimator's rows of `st` share: counts, flags, seekers, note."""
    return pd.DataFrame(
        {
            "key": st.name,
            "level": c.others,
            "reference": st.reference,
            "n_level": c.nl,
            "k_level": c.kl,
            "n_reference": c.nr,
            "k_reference": c.kr,
            "small_n": small_flags(c.nl, c.kl, c.nr, c.kr, min_n),
            "n_seekers": [int(((c.n[:, j] + c.n[:, c.r]) > 0).sum()) for j in c.cols],
            "note": "not estimable",
        }
    )


def _pooled_blocks(base: pd.DataFrame, c: _Counts) -> list[pd.DataFrame]:
    """The pooled risk difference, risk ratio and odds ratio rows, with Fisher's exact p."""
    p = fisher_p(c.kl, c.nl, c.kr, c.nr)
    est = {
        "pooled_risk_difference": risk_difference(c.kl, c.nl, c.kr, c.nr),
        "pooled_risk_ratio": risk_ratio(c.kl, c.nl, c.kr, c.nr),
        "pooled_odds_ratio": naive_odds_ratio(c.kl, c.nl, c.kr, c.nr),
    }
    return [
        base.assign(
            estimator=name,
            estimate=e["estimate"].to_numpy(),
            ci_low=e["ci_low"].to_numpy(),
            ci_high=e["ci_high"].to_numpy(),
            p_value=p,
        )
        for name, e in est.items()
    ]


def _within_seeker_block(
    base: pd.DataFrame, c: _Counts, name: str
) -> tuple[pd.DataFrame, list[str]]:
    """The within-seeker odds ratio rows, and the non-empty levels no seeker informs."""
    mh_rows, why, n_informative, sparse = [], [], [], []
    for j, lv, n1 in zip(c.cols, c.others, c.nl, strict=True):
        res = _within_seeker(c.n, c.k, j, c.r)
        if n1 > 0 and res["n_informative"] < 2:
            sparse.append(f"{name}={lv}")
        mh_rows.append([res["odds_ratio"], res["ci_low"], res["ci_high"], res["p_value"]])
        why.append(
            "fewer than two seekers carry information"
            if res["n_informative"] < 2
            else "not estimable"
        )
        n_informative.append(res["n_informative"])
    mh = np.array(mh_rows, dtype=float).reshape(-1, 4)
    informative = np.array(n_informative, dtype=np.int64)
    block = base.assign(
        estimator="within_seeker_odds_ratio",
        estimate=mh[:, 0],
        ci_low=mh[:, 1],
        ci_high=mh[:, 2],
        p_value=mh[:, 3],
        note=why,
        n_seekers=informative,
        small_n=base["small_n"].to_numpy() | (informative < MIN_SEEKERS),
    )
    return block, sparse


def _adjusted_block(
    base: pd.DataFrame,
    level: pd.Series,
    y: np.ndarray,
    st: Strategy,
    strata: np.ndarray,
    others: list[str],
) -> pd.DataFrame:
    """The adjusted odds ratio rows (Mantel-Haenszel over the covariate `strata`)."""
    a = _adjusted(level, y, st, strata).loc[others]
    a = a.drop(columns="n_informative")
    return base.assign(
        estimator="adjusted_odds_ratio",
        note="fewer than two strata carry information",
        **{c: a[c].to_numpy() for c in a.columns},
    )


def _with_q_values(out: pd.DataFrame) -> pd.DataFrame:
    """`out` with Benjamini-Hochberg q-values per family: naive, within-seeker, adjusted."""
    out["q_value"] = np.nan
    naive = out["estimator"].isin(NAIVE).to_numpy()
    tests = out.loc[
        out["estimator"].eq("pooled_odds_ratio").to_numpy(), ["key", "level", "p_value"]
    ]
    q = pd.Series(
        bh_q(tests["p_value"].to_numpy()), index=pd.MultiIndex.from_frame(tests[["key", "level"]])
    )
    out.loc[naive, "q_value"] = q.reindex(
        pd.MultiIndex.from_frame(out.loc[naive, ["key", "level"]])
    ).to_numpy()
    for family in ("within_seeker_odds_ratio", "adjusted_odds_ratio"):
        m = (out["estimator"] == family).to_numpy()
        if m.any():
            out.loc[m, "q_value"] = bh_q(out.loc[m, "p_value"].to_numpy())
    return out


def _in_order(out: pd.DataFrame, chosen: list[Strategy]) -> pd.DataFrame:
    """The rows of `out` by strategy, then level, then estimator, on a fresh index."""
    estimators = [*NAIVE, "within_seeker_odds_ratio", "adjusted_odds_ratio"]
    rank = {(s.name, lv): (i, j) for i, s in enumerate(chosen) for j, lv in enumerate(s.levels)}
    keys = pd.DataFrame(
        [rank[k] for k in zip(out["key"], out["level"], strict=True)],
        columns=["_s", "_l"],
        index=out.index,
    )
    keys["_e"] = out["estimator"].map({e: i for i, e in enumerate(estimators)})
    out = out.loc[keys.sort_values(["_s", "_l", "_e"], kind="stable").index]
    return out.reset_index(drop=True)


def _notes(out: pd.DataFrame, several: bool) -> np.ndarray:
    """The ``note`` column: why an estimate is missing; with one seeker, what that means."""
    note = missing_notes(
        out["n_level"],
        out["k_level"],
        out["n_reference"],
        out["k_reference"],
        out["estimate"],
        out["note"],
    )
    if not several:
        counts = [out[c].to_numpy() for c in ("n_level", "k_level", "n_reference", "k_reference")]
        note = np.where(note == "", one_seeker_notes(*counts), note)
    return note


def _warn(out: pd.DataFrame, sparse: list[str], min_n: int) -> None:
    small = out.loc[out["small_n"] & (out["n_level"] > 0) & (out["n_reference"] > 0)]
    small = small.drop_duplicates(["key", "level"])
    if len(small):
        names = [f"{s}={lv}" for s, lv in zip(small["key"], small["level"], strict=True)]
        warnings.warn(
            f"{len(names)} comparison(s) rest on fewer than {min_n} applications in "
            f"a group ({', '.join(names[:6])}{', …' if len(names) > 6 else ''}); "
            "they are flagged small_n",
            SmallSampleWarning,
            stacklevel=find_stack_level(),
        )
    if sparse:
        warnings.warn(
            f"fewer than two seekers carry information for the within-seeker "
            f"estimate of {', '.join(sparse[:6])}{', …' if len(sparse) > 6 else ''};"
            " it is NaN there",
            SparseStrataWarning,
            stacklevel=find_stack_level(),
        )
