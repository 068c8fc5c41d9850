"""Follow-up as a time-varying exposure: a Cox model of the time to the first response.

Plain words. Every day after applying, an application still waiting may hear back. The model
compares, day by day and within each seeker, the chance of hearing back *that day* among
applications already followed up with the chance among those not (yet) followed up. An
application counts as "not followed up" until the day of its first follow-up and as
"followed up" from that day on, so the days it waited before being followed up are never
credited to the follow-up (no immortal time), and a quick reply that made a follow-up
pointless simply ends its time at risk. The hazard ratio says how much more often (above 1)
or less often (below 1) followed-up applications heard back, day for day, than the same
seeker's other applications still waiting that day. It is an association, not an effect.

Method (count, then infer). Cox proportional hazards, stratified by seeker, days as
discrete event times with Breslow's handling of ties, follow-up status as a time-varying
covariate: on day d an application is at risk when ``0 <= d <= exit`` (exit: its first
dated response, else its withdrawal or ``as_of``), and exposed when its first follow-up is
dated on or before d (a response on the day of the follow-up counts as after it, the tie
rule of the definitions). The exposure is the first follow-up made after applying (a
thank-you note after an interview comes after the first response, so it cannot be one). The partial likelihood needs only, per seeker, day and exposure
level, the applications at risk and the responses, counted at the seeker-days with a
response; Newton's method on those counts. The seeker-robust (sandwich) variance
``I^-1 (sum_s U_s U_s') I^-1`` uses each seeker's score ``U_s``: with strata equal to the
clusters it is exactly the sum of the seeker's score residuals (Lin and Wei's robust
variance). The tests compare the estimate and ``I`` with statsmodels ``PHReg`` on
counting-process rows whose entry is nudged by half a day (PHReg treats ``entry`` as
inclusive, so an un-nudged (start, stop] split counts an application twice on the day of
its follow-up), and the robust variance with a direct computation on those rows
(``PHReg(...).fit(groups=...)`` returns NaN there: its score residuals are NaN for rows
never at risk at an event time).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError
from ..log import JobSearchLog
from ..schema import Definition, attach
from .features import features

HAZARD_COLUMNS = [
    "by",
    "level",
    "reference",
    "n_applications",
    "n_exposed",
    "n_responses",
    "hazard_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "n_seekers",
    "note",
]
_BY = ("followed_up", "channel", "letter_type")


def _days(f: pd.DataFrame, column: str) -> np.ndarray:
    return (f[column] - f["applied_on"]).dt.days.to_numpy(dtype=float, na_value=np.nan)


def _arrays(log: JobSearchLog, by: str) -> dict[str, np.ndarray]:
    f = features(log)
    # responded, but no response is dated: when it came cannot be told (undated final
    # statuses after a dated response come after it and change nothing here)
    undated_only = f["responded"].to_numpy(dtype=bool) & f["first_response_on"].isna().to_numpy()
    ok = f["applied_on"].notna().to_numpy() & ~undated_only
    resp, gone = _days(f, "first_response_on"), _days(f, "withdrawn_on")
    end = (log.as_of - f["applied_on"]).dt.days.to_numpy(dtype=float, na_value=np.nan)
    exit_ = np.fmin(np.fmin(resp, gone), end)
    event = np.isfinite(resp) & (resp <= np.fmin(gone, end))
    fu = _days(f, "first_followup_on")
    after_applying = (
        f["followup_stage"].eq("after_application").to_numpy(dtype=bool, na_value=False)
    )
    exposed = after_applying & np.isfinite(fu) & (fu <= exit_) & (fu >= 0)
    ok &= np.isfinite(exit_) & (exit_ >= 0)
    if by == "followed_up":
        levels = np.array(["followed_up"])
        code = np.where(exposed, 0, -1)
    else:
        cats = f[by].cat.categories
        raw = f[by].cat.codes.to_numpy()
        code = np.where(exposed, raw, -1)
        levels = np.asarray(cats)
    stratum = pd.factorize(f["seeker"], use_na_sentinel=False)[0]
    return {
        "exit": exit_[ok].astype(np.int64),
        "event": event[ok],
        "fu": fu[ok],
        "level": code[ok],
        "stratum": stratum[ok].astype(np.int64),
        "levels": levels,
    }


def _counts_at_events(
    a: dict[str, np.ndarray], width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per seeker-day with a response: at risk per level (col 0: unexposed) and responses."""
    exit_, event, fu, level, s = a["exit"], a["event"], a["fu"], a["level"], a["stratum"]
    big = int(exit_.max()) + 2 if len(exit_) else 2
    cell = np.unique(s[event] * big + exit_[event])
    cs, cd = cell // big, cell % big
    # at risk overall on day d: exit >= d
    key_exit = np.sort(s * big + exit_)
    at_risk = len(key_exit) - np.searchsorted(key_exit, cs * big + cd, side="left")
    at_risk -= len(key_exit) - np.searchsorted(key_exit, cs * big + big, side="left")
    n = np.zeros((len(cell), width + 1))
    d = np.zeros((len(cell), width + 1))
    exp = level >= 0
    for j in range(width):  # loop over levels (a handful), not rows
        m = exp & (level == j)
        if not m.any():
            continue
        k_fu = np.sort(s[m] * big + fu[m].astype(np.int64))
        k_ex = np.sort(s[m] * big + exit_[m])
        started = np.searchsorted(k_fu, cs * big + cd, side="right") - np.searchsorted(
            k_fu, cs * big, side="left"
        )
        ended = np.searchsorted(k_ex, cs * big + cd, side="left") - np.searchsorted(
            k_ex, cs * big, side="left"
        )
        n[:, j + 1] = started - ended
        ev = event & m & (fu <= exit_)
        d[:, j + 1] = np.bincount(
            np.searchsorted(cell, s[ev] * big + exit_[ev]), minlength=len(cell)
        )[: len(cell)]
    n[:, 0] = at_risk - n[:, 1:].sum(1)
    total = np.bincount(np.searchsorted(cell, s[event] * big + exit_[event]), minlength=len(cell))[
        : len(cell)
    ]
    d[:, 0] = total - d[:, 1:].sum(1)
    return n, d, cs


def _fit(
    n: np.ndarray, d: np.ndarray, strata: np.ndarray, iters: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Newton on the Breslow partial likelihood; returns beta, naive and robust covariance
    and whether it converged. A singular information matrix (a level whose exposure never
    varies within a risk set) leaves every coefficient NaN: the model cannot be estimated."""
    k = n.shape[1] - 1
    use = [j for j in range(k) if n[:, j + 1].sum() > 0 and d[:, j + 1].sum() > 0]
    beta = np.zeros(k)
    dt = d.sum(1)
    info = np.eye(k)
    converged = False
    for _ in range(iters):
        w = n[:, 1:] * np.exp(beta)
        s0 = n[:, 0] + w.sum(1)
        mean = w / s0[:, None]
        score = (d[:, 1:] - dt[:, None] * mean).sum(0)
        info = (
            dt[:, None, None]
            * (np.einsum("ij,ik->ijk", -mean, mean) + np.einsum("ij,jk->ijk", mean, np.eye(k)))
        ).sum(0)
        idx = np.ix_(use, use)
        step = np.zeros(k)
        if use:
            try:
                step[use] = np.linalg.solve(info[idx], score[use])
            except np.linalg.LinAlgError:  # no information on some level: not estimable
                return np.full(k, np.nan), np.full((k, k), np.nan), np.full((k, k), np.nan), False
        beta += np.clip(step, -5, 5)
        if np.max(np.abs(step), initial=0) < 1e-10:
            converged = True
            break
    w = n[:, 1:] * np.exp(beta)
    mean = w / (n[:, 0] + w.sum(1))[:, None]
    resid = d[:, 1:] - dt[:, None] * mean
    per = np.zeros((int(strata.max()) + 1 if len(strata) else 0, k))
    np.add.at(per, strata, resid)
    cov = np.full((k, k), np.nan)
    robust = np.full((k, k), np.nan)
    if use:
        idx = np.ix_(use, use)
        try:
            inv = np.linalg.inv(info[idx])
        except np.linalg.LinAlgError:
            return np.full(k, np.nan), cov, robust, False
        cov[idx] = inv
        meat = per[:, use].T @ per[:, use]
        robust[idx] = inv @ meat @ inv
    beta[[j for j in range(k) if j not in use]] = np.nan
    return beta, cov, robust, converged


def followup_hazard(
    log: JobSearchLog, by: str = "followed_up", *, confidence: float = 0.95
) -> pd.DataFrame:
    """Hazard ratio of a first response after a follow-up (time-varying), within seeker.

    Parameters
    ----------
    log : JobSearchLog
    by : {"followed_up", "channel", "letter_type"}, default "followed_up"
        One exposure (followed up or not), or one per channel or letter type of the first
        follow-up, each against applications not (yet) followed up.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        One row per level: ``by, level, reference`` ("not_followed_up"),
        ``n_applications`` (in the model), ``n_exposed`` (followed up with that level before
        their exit), ``n_responses`` (after that follow-up), ``hazard_ratio``, ``ci_low``,
        ``ci_high`` (seeker-robust sandwich, normal), ``p_value`` (robust Wald),
        ``n_seekers`` (with a response), ``note``. ``attrs["definition"]``: outcome
        response, unit application, ``as_of``.

    Notes
    -----
    Applications without an application date, or whose responses are all undated, are
    left out. With fewer than about 10 seekers the sandwich variance is unreliable (too
    small); the note says so.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> log = fa.simulate_log(4, (40, 60), seed=1)
    >>> r = fa.followup_hazard(log)
    >>> print(r[["level", "n_exposed", "n_responses"]].to_string(index=False))
          level  n_exposed  n_responses
    followed_up         71           27
    >>> r["note"].iloc[0]
    'only 4 seeker(s) with a response: the seeker-robust interval is unreliable'
    """
    if by not in _BY:
        raise ArgumentError(f"by must be one of {list(_BY)}; got {by!r}")
    a = _arrays(log, by)
    levels = a["levels"]
    n, d, cs = _counts_at_events(a, len(levels))
    beta, _, robust, converged = _fit(n, d, cs)
    se = np.sqrt(np.diag(robust))
    z = stats.norm.ppf(0.5 + confidence / 2)
    exposed = a["level"] >= 0
    seekers = len(np.unique(cs))
    informed = (n[:, 1:].sum(0) > 0) & (d[:, 1:].sum(0) > 0)  # exposure and responses
    notes = np.where(
        np.isfinite(beta),
        "",
        np.where(
            informed,
            "cannot be estimated from these data (no variation in follow-up within the "
            "applications at risk: too few applications or seekers)",
            "no follow-up of this level before a response",
        ),
    )
    if seekers < 10:
        notes = np.where(
            notes == "",
            f"only {seekers} seeker(s) with a response: the seeker-robust interval is unreliable",
            notes,
        )
    if not converged:
        notes = np.where(notes == "", "the model did not converge", notes)
    with np.errstate(over="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "by": by,
                "level": levels,
                "reference": "not_followed_up",
                "n_applications": len(a["exit"]),
                "n_exposed": np.bincount(a["level"][exposed], minlength=len(levels)),
                "n_responses": np.bincount(a["level"][exposed & a["event"]], minlength=len(levels)),
                "hazard_ratio": np.exp(beta),
                "ci_low": np.exp(beta - z * se),
                "ci_high": np.exp(beta + z * se),
                "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
                "n_seekers": seekers,
                "note": notes,
            }
        )
    return attach(
        out[HAZARD_COLUMNS],
        Definition(
            "response",
            unit="application",
            as_of=log.as_of,
            extra="Cox model stratified by seeker, follow-up as a time-varying exposure; "
            "seeker-robust intervals",
        ),
    )
