"""When a comparison rests on too little: the ``small_n`` flag and the one-seeker note.

Plain words: a comparison is flagged ``small_n`` when a group has fewer than ``min_n``
applications, when fewer than ``MIN_EVENTS`` (5) applications had the outcome (or fewer than
5 did not), or, for a within-seeker estimate, when fewer than ``MIN_SEEKERS`` (5) seekers
carry information (both groups present and the outcome neither absent nor universal). With
one seeker (the commonest user) pooled and within-seeker estimates are the same thing: the
table says so, gives the number of applications with the outcome, and says "this log cannot
tell" below ``CANNOT_TELL_EVENTS`` (10) of them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

MIN_EVENTS = 5
MIN_SEEKERS = 5
CANNOT_TELL_EVENTS = 10


def small_flags(
    n_level: ArrayLike,
    k_level: ArrayLike,
    n_reference: ArrayLike,
    k_reference: ArrayLike,
    min_n: int,
) -> np.ndarray:
    """``small_n`` of a comparison from its counts (see the module)."""
    nl, kl, nr, kr = (
        np.asarray(a, dtype=float) for a in (n_level, k_level, n_reference, k_reference)
    )
    k, n = kl + kr, nl + nr
    return (nl < min_n) | (nr < min_n) | (np.minimum(k, n - k) < MIN_EVENTS)


def one_seeker_notes(
    n_level: ArrayLike, k_level: ArrayLike, n_reference: ArrayLike, k_reference: ArrayLike
) -> np.ndarray:
    """The note of a comparison made within a single seeker's log."""
    k = np.asarray(k_level, dtype=np.int64) + np.asarray(k_reference, dtype=np.int64)
    n = np.asarray(n_level, dtype=np.int64) + np.asarray(n_reference, dtype=np.int64)
    base = np.char.add(
        np.char.add("one seeker: pooled and within-seeker coincide; ", k.astype(str)),
        np.char.add(" of ", np.char.add(n.astype(str), " applications had the outcome")),
    )
    short = np.minimum(k, n - k) < CANNOT_TELL_EVENTS
    tell = (
        f"; this log cannot tell (fewer than {CANNOT_TELL_EVENTS} applications with, "
        "or without, the outcome)"
    )
    return np.where(short, np.char.add(base, tell), base).astype(object)
