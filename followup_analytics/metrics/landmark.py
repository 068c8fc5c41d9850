"""Followed up vs not, by a landmark comparison: the only "did following up help" analysis.

A naive comparison of followed-up applications with the others is biased: an application
that gets a quick reply is never followed up (there is nothing to chase), so the
not-followed-up group is enriched with fast responders and following up looks harmful; and
an application followed up on day 20 had to stay silent for 20 days first (immortal-time
bias). The landmark design removes both: it fixes a day L, keeps only the applications still
waiting at L, and compares those followed up by L with those not, on what happens after L.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ArgumentError, SmallSampleWarning, find_stack_level
from ..log import JobSearchLog
from ..schema import (
    COMPARISON_COLUMNS,
    Definition,
    attach,
    check_outcome,
    missing_notes,
)
from ._flags import MIN_SEEKERS, one_seeker_notes, small_flags
from .features import features
from .inference import fisher_p, mantel_haenszel, risk_difference
from .inference import risk_ratio as _risk_ratio
from .rates import naive_odds_ratio

_OUTCOME_DATES = {
    "response": "first_response_on",
    "interview": "first_interview_on",
    "offer": "first_offer_on",
}
LEVEL, REFERENCE = "followed_up", "not_followed_up"


def _offset(f: pd.DataFrame, column: str) -> np.ndarray:
    """Days from applying to ``column`` (NaN when missing)."""
    delta = (f[column] - f["applied_on"]).dt.days
    return delta.to_numpy(dtype=float, na_value=np.nan)


def still_waiting(f: pd.DataFrame, log: JobSearchLog, day: int) -> np.ndarray:
    """Which applications of ``features(log)`` are still waiting on day `day` after applying.

    The eligible set of every landmark comparison (:func:`landmark_effect` and the
    strategies judged at a landmark): applied at least `day` days before ``log.as_of`` (so
    the day is observed), no response and no withdrawal on or before it, and no undated
    response, decision or withdrawal (whether it came by then cannot be told).
    """
    applied = f["applied_on"]
    observed = (applied + pd.Timedelta(days=int(day)) <= log.as_of).to_numpy(
        dtype=bool, na_value=False
    )
    waiting = ~(_offset(f, "first_response_on") <= day)
    staying = ~(_offset(f, "withdrawn_on") <= day)
    dated = ~f["undated_outcome"].to_numpy(dtype=bool)
    return observed & waiting & staying & dated


def landmark_sample(
    log: JobSearchLog, day: int = 7, *, outcome: str = "response", window: int | None = None
) -> pd.DataFrame:
    """The applications in the landmark comparison, one row each.

    Parameters
    ----------
    log : JobSearchLog
    day, outcome, window
        As in :func:`landmark_effect`.

    Returns
    -------
    DataFrame
        ``application_id, seeker, followed_up_by_landmark, outcome_after_landmark`` for the
        eligible applications only.
    """
    check_outcome(outcome, tuple(_OUTCOME_DATES))
    if not isinstance(day, int | np.integer) or day < 0:
        raise ArgumentError(f"day must be a non-negative whole number of days; got {day!r}")
    if window is not None and (not isinstance(window, int | np.integer) or window < 1):
        raise ArgumentError(f"window must be None or a positive number of days; got {window!r}")
    f = features(log)
    keep = still_waiting(f, log, day)
    out_day = _offset(f, _OUTCOME_DATES[outcome])
    after = out_day > day
    if window is not None:
        after &= out_day <= day + window
    return pd.DataFrame(
        {
            "application_id": f["application_id"].to_numpy()[keep],
            "seeker": f["seeker"].to_numpy()[keep],
            "followed_up_by_landmark": (_offset(f, "first_followup_on") <= day)[keep],
            "outcome_after_landmark": after[keep],
        }
    )


def landmark_effect(
    log: JobSearchLog,
    day: int = 7,
    *,
    outcome: str = "response",
    window: int | None = None,
    min_n: int = 10,
) -> pd.DataFrame:
    """Outcome after day `day` among applications still waiting then: followed up by then vs not.

    Eligible applications (the unit is the application): applied at least `day` days before
    ``log.as_of`` (so day L is observed), no response on or before day L, and not withdrawn
    on or before day L. *Followed up* means a follow-up dated on or before day L (days count
    from ``applied_on``). The outcome is a response, interview or offer dated after day L
    (and no later than L + `window` when `window` is given).

    Why not simply compare followed-up applications with the others? A quick reply prevents
    a follow-up, so the not-followed-up group collects the fast responders, and a late
    follow-up is only possible after a long silence: the naive comparison mixes the effect
    of following up with how promising the application already looked. Even the landmark
    comparison is an **association**: seekers who follow up may differ in other ways
    (stronger seekers both follow up more and get more replies), which the within-seeker
    estimate (Mantel-Haenszel stratified by seeker) partly addresses.

    Parameters
    ----------
    log : JobSearchLog
    day : int, default 7
        The landmark L, in days after applying.
    outcome : {"response", "interview", "offer"}, default "response"
    window : int, optional
        Count outcomes only up to L + `window` days; default: any time up to ``as_of``.
    min_n : int, default 10
        Groups smaller than this are flagged ``small_n`` and warned about.

    Returns
    -------
    DataFrame
        The comparison schema (``schema.COMPARISON_COLUMNS``, see docs/analytics.md), one row
        per estimator:

        - ``key``: ``"landmark_day_<L>"``; ``level``: ``"followed_up"``; ``reference``:
          ``"not_followed_up"``;
        - ``n_level``, ``k_level``, ``n_reference``, ``k_reference``: applications and
          applications with the outcome in each arm (their rates are ``k / n``);
        - ``estimator``: all eligible applications pooled: ``"pooled_risk_difference"``
          (Newcombe interval), ``"pooled_risk_ratio"`` (Katz log interval; score interval
          when an arm has no outcome), ``"pooled_odds_ratio"`` (sample odds ratio with
          Woolf's interval at every size; exact interval on a zero cell); with two or more
          seekers, ``"within_seeker_odds_ratio"`` (Mantel-Haenszel stratified by seeker).
          Associations among the applications still waiting at the landmark, not effects;
        - ``estimate``, ``ci_low``, ``ci_high``: the comparison and its 95% interval;
        - ``p_value``: Fisher's exact test on the naive rows, the Cochran-Mantel-Haenszel
          test on the within-seeker row; ``q_value``: NaN (a single comparison);
        - ``small_n``: an arm has fewer than `min_n` applications, fewer than 5 applications
          had the outcome (or did not), or (within-seeker row) fewer than 5 seekers carry
          information;
        - ``n_seekers``: seekers with an eligible application (within-seeker row: the
          informative ones); ``note``: why an estimate is missing ("" otherwise); with one
          seeker, what a single log can tell (see :mod:`._flags`).

        ``attrs["definition"]``: outcome, window, landmark day, ``as_of``.

    Warns
    -----
    SmallSampleWarning
        When a group has fewer than `min_n` applications.
    SparseStrataWarning
        When fewer than two seekers carry information for the within-seeker estimate.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> from followup_analytics.schema import COMPARISON_COLUMNS
    >>> effect = fa.landmark_effect(log, day=7)
    >>> effect.columns.tolist() == COMPARISON_COLUMNS
    True
    >>> effect[["key", "level", "reference"]].drop_duplicates()
                  key        level        reference
    0  landmark_day_7  followed_up  not_followed_up
    """
    s = landmark_sample(log, day, outcome=outcome, window=window)
    treated = s["followed_up_by_landmark"].to_numpy()
    y = s["outcome_after_landmark"].to_numpy()
    n1, k1 = int(treated.sum()), int((y & treated).sum())
    n0, k0 = int((~treated).sum()), int((y & ~treated).sum())
    small = bool(small_flags(n1, k1, n0, k0, min_n))
    rows = _pooled_rows(k1, n1, k0, n0)
    if s["seeker"].nunique() >= 2:
        rows.append(_within_seeker_row(s["seeker"].to_numpy(), treated, y, small))
    if small:
        warnings.warn(
            f"landmark day {day}: {n1} followed-up and {n0} not-followed-up "
            f"applications (fewer than {min_n} in a group); estimates are unstable",
            SmallSampleWarning,
            stacklevel=find_stack_level(),
        )
    out = _comparison_frame(rows, int(s["seeker"].nunique()), small, day, (n1, k1, n0, k0))
    return attach(
        out,
        Definition(
            outcome,
            window=window,
            unit="application",
            as_of=log.as_of,
            landmark=int(day),
            stage="landmark",
        ),
    )


def _pooled_rows(k1: int, n1: int, k0: int, n0: int) -> list[dict[str, object]]:
    """The pooled risk difference, risk ratio and odds ratio rows, with Fisher's p-value."""
    rows: list[dict[str, object]] = []
    p = float(fisher_p(k1, n1, k0, n0)[0])
    for name, fn in (
        ("pooled_risk_difference", risk_difference),
        ("pooled_risk_ratio", _risk_ratio),
        ("pooled_odds_ratio", naive_odds_ratio),
    ):
        est = fn(k1, n1, k0, n0).iloc[0]
        rows.append(
            {
                "estimator": name,
                "estimate": est.estimate,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "p_value": p,
                "note": "not estimable",
            }
        )
    return rows


def _within_seeker_row(
    seeker: np.ndarray, treated: np.ndarray, y: np.ndarray, small: bool
) -> dict[str, object]:
    """The Mantel-Haenszel odds ratio row stratified by seeker."""
    strata = pd.DataFrame(
        {
            "stratum": seeker,
            "k1": y & treated,
            "n1": treated,
            "k0": y & ~treated,
            "n0": ~treated,
        }
    ).astype({"k1": int, "n1": int, "k0": int, "n0": int})
    mh = mantel_haenszel(strata)
    return {
        "estimator": "within_seeker_odds_ratio",
        "estimate": mh["odds_ratio"],
        "ci_low": mh["ci_low"],
        "ci_high": mh["ci_high"],
        "p_value": mh["p_value"],
        "note": "fewer than two seekers carry information",
        "n_seekers": mh["n_informative"],
        "small_n": small or mh["n_informative"] < MIN_SEEKERS,
    }


def _comparison_frame(
    rows: list[dict[str, object]],
    seekers: int,
    small: bool,
    day: int,
    counts: tuple[int, int, int, int],
) -> pd.DataFrame:
    """The estimator rows in the comparison schema, with counts, flags and notes filled in."""
    n1, k1, n0, k0 = counts
    out = pd.DataFrame(rows)
    if "n_seekers" not in out:
        out["n_seekers"] = np.nan
    out["n_seekers"] = out["n_seekers"].fillna(seekers)
    out["small_n"] = out.get("small_n", pd.Series(small, index=out.index)).fillna(small)
    out = out.assign(
        key=f"landmark_day_{int(day)}",
        level=LEVEL,
        reference=REFERENCE,
        n_level=n1,
        k_level=k1,
        n_reference=n0,
        k_reference=k0,
        q_value=np.nan,
    )
    out["small_n"] = out["small_n"].astype(bool)
    out["note"] = missing_notes(n1, k1, n0, k0, out["estimate"], out["note"])
    if seekers < 2:
        out["note"] = np.where(
            out["note"] == "",
            one_seeker_notes(*(np.full(len(out), v) for v in (n1, k1, n0, k0))),
            out["note"],
        )
    return out[COMPARISON_COLUMNS].astype(
        {c: "int64" for c in ("n_level", "k_level", "n_reference", "k_reference", "n_seekers")}
    )
