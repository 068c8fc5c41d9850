"""Intervals at zero cells: the exact conditional interval of a common odds ratio over
strata (the zero-cell rule of the within-seeker estimate) and the score interval of a risk
ratio with a zero numerator (the zero-cell rule of :func:`.inference.risk_ratio`,
Miettinen-Nurminen, inverted numerically).

When the Mantel-Haenszel odds ratio is 0 or infinite (for example: no application of the
level has the outcome, in any seeker), its Robins-Breslow-Greenland interval collapses to
a point and covers nothing. The interval used then is the exact conditional one: given the
margins of every stratum, the number ``T`` of outcomes in the group of interest follows a
convolution of non-central hypergeometric distributions with the common odds ratio ``psi``;
the limits are the ``psi`` where ``P(T >= t; psi)`` and ``P(T <= t; psi)`` equal
``(1 - confidence) / 2`` (Cornfield's exact interval, as R's ``mantelhaen.test(exact =
TRUE)``; with one stratum it is ``fisher.test``'s interval, which the tests check).

Count, then infer: everything here takes per-stratum counts.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln


def _log_comb(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _log_distribution(
    k1: np.ndarray, n1: np.ndarray, k0: np.ndarray, n0: np.ndarray
) -> tuple[np.ndarray, int, int]:
    """Log weights of ``T = sum(a_i)`` at ``psi = 1`` (index 0 is the smallest possible T),
    the smallest T and the observed T."""
    logc = np.zeros(1)
    t_min = 0
    for a_obs, m, c, r in zip(k1, n1, k0, n0, strict=True):  # one per informative stratum
        m1 = a_obs + c
        lo, hi = max(0, m1 - r), min(m, m1)
        a = np.arange(lo, hi + 1)
        w = _log_comb(m, a) + _log_comb(r, m1 - a)
        out = np.full(len(logc) + len(a) - 1, -np.inf)
        for j, wj in enumerate(w):  # log-sum-exp convolution, support values of the stratum
            out[j : j + len(logc)] = np.logaddexp(out[j : j + len(logc)], logc + wj)
        logc = out
        t_min += lo
    return logc, t_min, int(np.sum(k1)) - t_min


def _tail(logc: np.ndarray, t: int, log_psi: float, upper: bool) -> float:
    """``P(T >= t)`` (upper) or ``P(T <= t)`` at ``psi = exp(log_psi)`` (t is an index)."""
    z = logc + np.arange(len(logc)) * log_psi
    total = np.logaddexp.reduce(z)
    part = z[t:] if upper else z[: t + 1]
    return float(np.exp(np.logaddexp.reduce(part) - total))


def exact_common_odds_ratio_ci(
    k1: np.ndarray, n1: np.ndarray, k0: np.ndarray, n0: np.ndarray, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact conditional interval of the common odds ratio over informative strata.

    Parameters
    ----------
    k1, n1, k0, n0 : array of int
        Per stratum: outcomes and units in the group of interest and in the comparison
        group. Strata should be informative (both groups present, the outcome neither
        absent nor universal); others carry no information and change nothing.
    confidence : float, default 0.95

    Returns
    -------
    low, high : float
        0 as the lower limit when ``T`` is at its smallest possible value, inf as the
        upper limit when it is at its largest.
    """
    k1, n1, k0, n0 = (np.asarray(v, dtype=np.int64) for v in (k1, n1, k0, n0))
    logc, _, t = _log_distribution(k1, n1, k0, n0)
    alpha = (1 - confidence) / 2
    bound = 60.0  # |log psi| searched: odds ratios from 1e-26 to 1e26

    def limit(upper: bool) -> float:
        def f(log_psi: float) -> float:
            return _tail(logc, t, log_psi, upper) - alpha

        lo_v, hi_v = f(-bound), f(bound)
        if np.sign(lo_v) == np.sign(hi_v):
            return np.nan
        return float(np.exp(brentq(f, -bound, bound, xtol=1e-10)))

    low = 0.0 if t == 0 else limit(upper=True)
    high = np.inf if t == len(logc) - 1 else limit(upper=False)
    return low, high


def _mn_ratio_z(theta: float, k1: float, n1: float, k0: float, n0: float) -> float:
    """Miettinen-Nurminen score statistic of ``p1 / p0 = theta`` (with the N/(N-1) factor)."""
    n = n1 + n0
    b = -(n1 * theta + k1 + n0 + k0 * theta)
    c = k1 + k0
    root = np.sqrt(max(b * b - 4 * n * theta * c, 0.0))  # clip rounding below zero
    # the smaller root, written as 2c / (-b + root): no cancellation when a is tiny
    p0 = min(max(2 * c / (-b + root), 0.0), 1.0) if (-b + root) > 0 else 0.0
    p1 = min(theta * p0, 1.0)
    var = (p1 * (1 - p1) / n1 + theta * theta * p0 * (1 - p0) / n0) * n / (n - 1)
    return (k1 / n1 - theta * k0 / n0) / np.sqrt(var) if var > 0 else np.inf


def score_ratio_limit(k1: float, n1: float, k0: float, n0: float, z: float) -> float:
    """The finite limit of the score interval of a risk ratio with one zero numerator.

    ``k1 == 0``: the upper limit (the lower one is 0); ``k0 == 0``: the lower limit (the
    upper one is infinite). Found by inverting the Miettinen-Nurminen score test in the log
    of the ratio (bisection by ``scipy.optimize.brentq``).
    """
    target = -z if k1 == 0 else z

    def f(log_theta: float) -> float:
        return _mn_ratio_z(float(np.exp(log_theta)), k1, n1, k0, n0) - target

    lo, hi = -40.0, 40.0
    if np.sign(f(lo)) == np.sign(f(hi)):
        return 0.0 if k1 > 0 else np.inf  # the test never rejects on that side
    return float(np.exp(brentq(f, lo, hi, xtol=1e-12, rtol=1e-12)))
