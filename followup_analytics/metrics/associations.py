"""Strategies vs offers: which follow-up strategies are associated with offers.

Count, then infer: each strategy (see :mod:`~followup_analytics.metrics.strategies`) labels
the eligible applications with a level; the applications are counted per level and per
(level, seeker); every estimate comes from those counts, except the optional adjusted odds
ratios, which fit a logistic regression on the eligible applications.

Every number here is an **association**: seekers who send thank-you notes may also be the
stronger candidates. The within-seeker estimate (Mantel-Haenszel, stratified by seeker)
compares each seeker's applications with the same seeker's other applications, which removes
differences between seekers but not differences between a seeker's applications.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import SmallSampleWarning, SparseStrataWarning
from ..log import JobSearchLog
from ..schema import COMPARISON_COLUMNS, Definition, attach, missing_notes
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
NAIVE = ("risk_difference", "risk_ratio", "odds_ratio")


def _select(strategies: Sequence[str] | None) -> list[Strategy]:
    if strategies is None:
        return list(STRATEGIES.values())
    names = [strategies] if isinstance(strategies, str) else list(strategies)
    bad = [s for s in names if s not in STRATEGIES]
    if bad:
        raise ValueError(f"strategies: unknown strategy {bad[0]!r}; allowed: "
                         f"{list(STRATEGIES)}")
    return [STRATEGIES[s] for s in names]


def _counts(seeker: np.ndarray, n_seekers: int, level: pd.Series,
            y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    strata = pd.DataFrame({"stratum": np.flatnonzero(keep), "k1": k[keep, j],
                           "n1": n[keep, j], "k0": k[keep, r], "n0": n[keep, r]})
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", SparseStrataWarning)
        return mantel_haenszel(strata)


def _adjusted(f: pd.DataFrame, level: pd.Series, y: np.ndarray, st: Strategy,
              adjust: list[str], seeker_effects: bool) -> pd.DataFrame:
    """Adjusted odds ratio per level vs the reference: logistic regression (statsmodels)."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import ModelWarning, PerfectSeparationError
    from statsmodels.tools.tools import add_constant

    ok = level.notna().to_numpy()
    lv = level[ok].cat.remove_unused_categories()
    present = [x for x in lv.cat.categories if x != st.reference]
    out = pd.DataFrame(np.nan, index=list(st.levels), columns=["estimate", "ci_low",
                                                                "ci_high", "p_value"])
    if st.reference not in lv.cat.categories or not present:
        return out
    parts = [pd.get_dummies(lv, dtype=float)[present]]
    covars = list(dict.fromkeys([*adjust, *(["seeker"] if seeker_effects else [])]))
    for c in covars:
        col = f.loc[ok, c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            parts.append(col.astype(float).to_frame(c))
        else:
            parts.append(pd.get_dummies(col.astype("string"), prefix=c, drop_first=True,
                                        dtype=float))
    # count, then infer: one row per distinct (outcome, covariate pattern) with its count;
    # a binomial GLM with these frequency weights has exactly the likelihood, estimates and
    # standard errors of a Logit on the individual applications, at a fraction of the cost
    design = pd.concat(parts, axis=1)
    design.insert(0, "_outcome", y[ok].astype(float))
    cells = design.groupby(list(design.columns), sort=False).size()
    x = cells.index.to_frame(index=False)
    outcome = x.pop("_outcome").to_numpy()
    x = add_constant(x, has_constant="add")
    with warnings.catch_warnings():
        # separation and non-convergence are judged below (converged, finite errors)
        warnings.simplefilter("ignore", ModelWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit = GLM(outcome, x, family=families.Binomial(),
                      freq_weights=cells.to_numpy(dtype=float)).fit(maxiter=100)
        except (np.linalg.LinAlgError, ValueError, PerfectSeparationError):
            return out  # singular design or complete separation: not estimable
    if not fit.converged or not np.all(np.isfinite(fit.bse[present])):
        return out
    ci = fit.conf_int()
    with np.errstate(over="ignore"):  # a quasi-separated level: an infinite upper limit
        for name in present:
            out.loc[name] = (np.exp(fit.params[name]), np.exp(ci.loc[name, 0]),
                             np.exp(ci.loc[name, 1]), fit.pvalues[name])
    return out


def offer_associations(log: JobSearchLog, strategies: Sequence[str] | None = None, *,
                       adjust: Sequence[str] | None = None, seeker_effects: bool = False,
                       min_n: int = 10) -> pd.DataFrame:
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
        Columns of ``features(log)`` (e.g. carried ``program``) to adjust for: adds
        ``adjusted_odds_ratio`` rows from a logistic regression of the outcome on the level
        dummies and these covariates (categorical ones as dummies), fitted as a statsmodels
        binomial GLM on the distinct covariate patterns weighted by their counts: the same
        likelihood, estimates and standard errors as ``statsmodels.Logit`` on every
        eligible application (the tests check this), much faster on large logs.
    seeker_effects : bool, default False
        Add seeker fixed effects to the logistic regression.
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
        - ``estimator``: ``risk_difference`` (Newcombe interval), ``risk_ratio`` (Katz
          interval), ``odds_ratio`` (conditional MLE with exact interval up to
          ``EXACT_OR_MAX_N`` = 1,000 applications, sample odds ratio with Woolf interval
          above), ``within_seeker_odds_ratio`` (Mantel-Haenszel stratified by seeker, with
          two or more seekers) and ``adjusted_odds_ratio`` (when `adjust` is given);
        - ``estimate``, ``ci_low``, ``ci_high``: the estimate and its 95% interval;
        - ``p_value``: Fisher's exact test (naive rows), the Cochran-Mantel-Haenszel test
          (within-seeker) or the Wald test (adjusted);
        - ``q_value``: Benjamini-Hochberg q within the estimator family (see above);
        - ``small_n``: level or reference has fewer than `min_n` applications;
        - ``n_seekers``: seekers with an application at the level or the reference;
        - ``note``: why the estimate is missing ("" otherwise).

        ``attrs["definition"]``: outcome offer, unit application, ``as_of``.

        Levels with no applications stay as rows with NaN estimates.

    Raises
    ------
    ValueError
        Unknown strategy or adjustment column.

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
    adjust = [] if adjust is None else ([adjust] if isinstance(adjust, str) else list(adjust))
    bad = [c for c in adjust if c not in f.columns or c == "application_id"]
    if bad:
        raise ValueError(f"adjust: {bad[0]!r} is not a column of features(log); allowed: "
                         f"{[c for c in f.columns if c != 'application_id']}")
    seeker, names = pd.factorize(f["seeker"], use_na_sentinel=False)
    several = len(names) >= 2
    blocks, sparse = [], []
    for st in chosen:
        level = st.assign(f, log)
        y = f[st.outcome].fillna(False).to_numpy(dtype=bool)
        n, k = _counts(seeker, len(names), level, y)
        r = st.levels.index(st.reference)
        cols = [i for i in range(len(st.levels)) if i != r]
        others = [st.levels[i] for i in cols]
        nl, kl = n.sum(0)[cols], k.sum(0)[cols]
        nr, kr = np.full(len(cols), n[:, r].sum()), np.full(len(cols), k[:, r].sum())
        base = pd.DataFrame({
            "key": st.name, "level": others, "reference": st.reference, "n_level": nl,
            "k_level": kl, "n_reference": nr, "k_reference": kr,
            "small_n": (nl < min_n) | (nr < min_n),
            "n_seekers": [int(((n[:, j] + n[:, r]) > 0).sum()) for j in cols],
            "note": "not estimable",
        })
        p = fisher_p(kl, nl, kr, nr)
        est = {"risk_difference": risk_difference(kl, nl, kr, nr),
               "risk_ratio": risk_ratio(kl, nl, kr, nr),
               "odds_ratio": naive_odds_ratio(kl, nl, kr, nr)}
        for name, e in est.items():
            blocks.append(base.assign(estimator=name, estimate=e["estimate"].to_numpy(),
                                      ci_low=e["ci_low"].to_numpy(),
                                      ci_high=e["ci_high"].to_numpy(), p_value=p))
        if several:
            mh, why = [], []
            for j, lv, n1 in zip(cols, others, nl, strict=True):
                res = _within_seeker(n, k, j, r)
                if n1 > 0 and res["n_informative"] < 2:
                    sparse.append(f"{st.name}={lv}")
                mh.append([res["odds_ratio"], res["ci_low"], res["ci_high"], res["p_value"]])
                why.append("fewer than two seekers carry information"
                           if res["n_informative"] < 2 else "not estimable")
            mh = np.array(mh, dtype=float).reshape(-1, 4)
            blocks.append(base.assign(estimator="within_seeker_odds_ratio", estimate=mh[:, 0],
                                      ci_low=mh[:, 1], ci_high=mh[:, 2], p_value=mh[:, 3],
                                      note=why))
        if adjust:
            a = _adjusted(f, level, y, st, adjust, seeker_effects).loc[others]
            blocks.append(base.assign(
                estimator="adjusted_odds_ratio", note="logistic regression not estimable "
                "(singular design, separation or no convergence)",
                **{c: a[c].to_numpy() for c in a.columns}))
    out = pd.concat(blocks, ignore_index=True)
    out["q_value"] = np.nan
    naive = out["estimator"].isin(NAIVE).to_numpy()
    tests = out.loc[out["estimator"].eq("odds_ratio").to_numpy(), ["key", "level",
                                                                   "p_value"]]
    q = pd.Series(bh_q(tests["p_value"].to_numpy()),
                  index=pd.MultiIndex.from_frame(tests[["key", "level"]]))
    out.loc[naive, "q_value"] = q.reindex(
        pd.MultiIndex.from_frame(out.loc[naive, ["key", "level"]])).to_numpy()
    for family in ("within_seeker_odds_ratio", "adjusted_odds_ratio"):
        m = (out["estimator"] == family).to_numpy()
        if m.any():
            out.loc[m, "q_value"] = bh_q(out.loc[m, "p_value"].to_numpy())
    estimators = [*NAIVE, "within_seeker_odds_ratio", "adjusted_odds_ratio"]
    rank = {(s.name, lv): (i, j) for i, s in enumerate(chosen) for j, lv in enumerate(s.levels)}
    keys = pd.DataFrame([rank[k] for k in zip(out["key"], out["level"], strict=True)],
                        columns=["_s", "_l"], index=out.index)
    keys["_e"] = out["estimator"].map({e: i for i, e in enumerate(estimators)})
    out = out.loc[keys.sort_values(["_s", "_l", "_e"], kind="stable").index]
    out = out.reset_index(drop=True)
    _warn(out, sparse, min_n)
    out["note"] = missing_notes(out["n_level"], out["k_level"], out["n_reference"],
                                out["k_reference"], out["estimate"], out["note"])
    return attach(out[COMPARISON_COLUMNS], Definition(
        "offer", unit="application", as_of=log.as_of,
        extra="among each strategy's eligible applications; post_rejection_note: a later "
              "interview or offer at the same company"))


def _warn(out: pd.DataFrame, sparse: list[str], min_n: int) -> None:
    small = out.loc[out["small_n"] & (out["n_level"] > 0) & (out["n_reference"] > 0)]
    small = small.drop_duplicates(["key", "level"])
    if len(small):
        names = [f"{s}={lv}" for s, lv in zip(small["key"], small["level"], strict=True)]
        warnings.warn(f"{len(names)} comparison(s) rest on fewer than {min_n} applications in "
                      f"a group ({', '.join(names[:6])}{', …' if len(names) > 6 else ''}); "
                      "they are flagged small_n", SmallSampleWarning, stacklevel=3)
    if sparse:
        warnings.warn(f"fewer than two seekers carry information for the within-seeker "
                      f"estimate of {', '.join(sparse[:6])}{', …' if len(sparse) > 6 else ''};"
                      " it is NaN there", SparseStrataWarning, stacklevel=3)
