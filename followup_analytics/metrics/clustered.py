"""Seeker-robust intervals for rates over several seekers (applications cluster by seeker).

Plain words. One seeker's applications resemble each other (the same CV, field and
persistence), so a rate over 2,000 applications by 20 seekers carries much less information
than 2,000 independent applications: an interval that treats them as independent is too
narrow (1.8–2.1 times on the bundled samples). Rates per application over several seekers
therefore get an interval that lets each seeker's applications move together.

Method: the GEE sandwich (independence working correlation, logit link) of an
intercept-only binomial model per group, computed from per-seeker counts alone:
``var(logit p) = sum_s (k_s - p n_s)^2 / (p (1 - p) N)^2`` — what statsmodels
``GEE(y, 1, groups=seeker, family=Binomial()).fit()`` reports as the robust standard error
of the intercept (the tests check it). The interval is ``logit p ± t * se`` back-transformed,
with Student's t on G − 1 degrees of freedom (G seekers in the group), a small-sample
correction: with fewer than about 10 seekers the sandwich underestimates the variance and
the wider t quantile compensates only partly, so such rows say so (``FEW_SEEKERS``). With
one seeker, or when every seeker has the same rate (``k_s = p n_s``), or at k = 0 or n, the
Wilson interval of the pooled counts is used instead.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .inference import wilson_ci

#: Below this many seekers in a group, the seeker-robust interval is flagged as unreliable.
FEW_SEEKERS = 10


def seeker_robust_ci(
    k: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeker-robust intervals of pooled rates from counts per (group, seeker).

    Parameters
    ----------
    k, n : array of int, shape (groups, seekers)
        Applications with the outcome and applications, per group and seeker.
    confidence : float, default 0.95

    Returns
    -------
    low, high : ndarray of float, shape (groups,)
        The interval of ``k.sum(1) / n.sum(1)`` (NaN when a group is empty).
    seekers : ndarray of int
        Seekers with applications in each group (G).
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    kk, nn = k.sum(1), n.sum(1)
    g = (n > 0).sum(1)
    low, high = wilson_ci(kk, nn, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = kk / nn
        score = ((k - p[:, None] * n) ** 2).sum(1)
        se = np.sqrt(score) / (p * (1 - p) * nn)
        t = stats.t.ppf(0.5 + confidence / 2, np.maximum(g - 1, 1))
        centre = np.log(p / (1 - p))
        lo, hi = (1 / (1 + np.exp(-(centre + s * t * se))) for s in (-1, 1))
    robust = (g >= 2) & (kk > 0) & (kk < nn) & (score > 0)
    return (np.where(robust, lo, low), np.where(robust, hi, high), g.astype(np.int64))
