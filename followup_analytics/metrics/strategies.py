"""The follow-up strategies compared by :func:`~followup_analytics.offer_associations`.

Each strategy assigns every application a *level* (or NA when the application is not
eligible for the comparison), names the *reference* level the others are compared with,
describes the eligible set in words, and names the outcome (``offered`` unless stated).
Each is compared only among the applications that reached the stage where it applies.

Choices made here (documented in docs/analytics.md, "Strategies vs offers"):

* thank-you notes (see :mod:`.thank_you`): a note counts for an interview round when sent
  on its day or up to ``THANK_YOU_WINDOW`` (2) days after it and before any decision. Each
  comparison has one unit per application, judged at the landmark ``round + 2 days`` among
  the applications without a decision by then, with offers after it:
  ``thank_you_after_interview`` at the first round, ``thank_you_rounds`` at the second
  (later rounds apart from the first, so that more rounds never mean more chances to
  "thank"), ``thank_you_email_and_letter`` at the first round among the thanked ones
  (both channels vs one). On the null simulator with every trap
  (:func:`~followup_analytics.samples.simulate_traps`) the 0.1 definition (any note after
  any interview, among all interviewed applications) found a within-seeker odds ratio of
  about 2 where there is no effect.
* a post-rejection note (still interested / feedback request): among rejected applications
  with a known company; the outcome is "interview or offer at the same company": a later
  interview or offer for the same seeker at the same company within 365 days after the
  rejection (``comeback_at_company``).

Five strategies are judged at a **landmark** day L, as
:func:`~followup_analytics.landmark_effect` is: only applications still waiting at L
(applied at least L days before ``as_of``, no response and no withdrawal on or before day L)
take part, the strategy is read from what was done by day L, and the outcome (an offer)
necessarily comes after day L. A late follow-up can only happen to an application that had
not heard back by then, so counting the follow-ups that happened selects the applications
that were still waiting (immortal-time, or survivorship, bias); and a follow-up after an
interview only happens to an interviewed application. A landmark keeps what was done by day
L comparable, at a price: a follow-up that brought an answer before day L takes its
application out of the comparison.

* the tiered cadence (email 0–3 days after applying, a letter 5–9 days after, a phone call or
  voicemail 12–16 days after, all before any response): landmark at day 16 (``CADENCE_DAY``,
  the last step's latest day); cadence completed by then vs not. Counted among all
  applications, the completed cadence would be compared with applications many of which got
  an early answer, which biases it downwards (on the simulated samples, a planted null came
  out as a within-seeker odds ratio of about 0.26).
* the **first follow-up** made after applying, by its timing (days from applying, reference
  4–7), its channel (reference email) or its letter type (reference status check): one
  landmark at day 14 (``TIMING_DAY``, the end of the 8–14 bucket) and one eligible set for
  the three (:func:`_first_followup_by_landmark`): applications still waiting then and first
  followed up by then, after applying. Never against applications without a follow-up (that
  is :func:`~followup_analytics.landmark_effect`), and never with thank-you notes after an
  interview, which have their own strategies. On the simulated samples follow-ups after
  applying have no planted effect on offers. Without the landmark, a first follow-up on day
  20 is only possible for an application with no interview or rejection by day 20, so the
  later timing buckets collected the applications that had gone quiet (within-seeker odds
  ratios against 4–7 days from about 1.6 for 0–1 days to about 0.1 for 31+); and the first
  follow-up at any stage mixed reminders to silent applications with thank-you notes after
  interviews, so channels used for thank-you notes looked like offer makers and the others
  like the opposite (within seeker about 4 for letter vs email, about 0.3 for phone,
  voicemail and in person, about 17 for the thank-you letter type). The 15–30 and 31+ timing
  buckets cannot be judged at this landmark: their rows stay, empty.
* the **number of follow-ups** made after applying by the same day-14 landmark (0, 1, 2, 3+,
  reference 0), among the applications still waiting then: those with one or more are
  exactly the applications of the first follow-up's strategies (one helper,
  :func:`_followups_by_landmark`, gives both), those with none were not followed up by day
  14. On the simulated samples the number of follow-ups has no planted effect on offers.
  Counted over the whole life of the application, as it once was, it favoured the
  applications that stayed open long enough to collect several follow-ups and those that
  collected thank-you notes after interviews: within seeker about 1.5 for 1, 2.5 for 2 and
  3.3 for 3+ against none, all with q ≈ 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab
from ..log import JobSearchLog
from .features import (
    CADENCE,
    DEFAULT_BUCKETS,
    _followups_after_applying,
    _thank_you_landmark,
    timing_dtype,
)
from .landmark import still_waiting
from .thank_you import OUTCOME_DAYS, THANK_YOU_WINDOW

#: Last day of the tiered cadence: its comparison is a landmark at this day.
CADENCE_DAY = max(hi for _, _, hi in CADENCE)
#: Landmark day of the first follow-up (timing, channel, letter type) and of the number of
#: follow-ups: the end of the 8–14 days bucket.
TIMING_DAY = 14
_TIMING = tuple(timing_dtype(DEFAULT_BUCKETS).categories)


@dataclass(frozen=True)
class Strategy:
    """One strategy: how to label applications, the reference level and the eligible set.

    Attributes
    ----------
    name : str
    levels : tuple of str
        All levels in display order (the reference included).
    reference : str
    eligible : str
        The eligible applications, in words.
    assign : callable
        ``assign(features, log) -> Series`` of levels aligned with `features`, NA where the
        application is not eligible.
    outcome : str
        Boolean column of ``features(log)`` used as the outcome.
    """

    name: str
    levels: tuple[str, ...]
    reference: str
    eligible: str
    assign: Callable[[pd.DataFrame, JobSearchLog], pd.Series]
    outcome: str = "offered"


def _categorical(
    codes: np.ndarray, eligible: np.ndarray | pd.Series, levels: tuple[str, ...], index: pd.Index
) -> pd.Series:
    codes = np.where(np.asarray(eligible, dtype=bool), codes, -1)
    dtype = pd.CategoricalDtype(list(levels), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index)


def _labels(
    values: pd.Series, eligible: np.ndarray | pd.Series, levels: tuple[str, ...]
) -> pd.Series:
    """Relabel a categorical column onto `levels` (per category, not per row)."""
    cats = list(values.cat.categories)
    remap = np.array([levels.index(c) if c in levels else -1 for c in cats] + [-1])
    codes = remap[values.cat.codes.to_numpy()]  # code -1 (missing) picks the last entry
    return _categorical(codes, eligible, levels, values.index)


def _yes_no(flag: pd.Series, eligible: np.ndarray | pd.Series, yes: str, no: str) -> pd.Series:
    codes = np.where(flag.fillna(False).to_numpy(dtype=bool), 0, 1)
    return _categorical(codes, eligible, (yes, no), flag.index)


def _followups_by_landmark(f: pd.DataFrame, log: JobSearchLog) -> tuple[np.ndarray, np.ndarray]:
    """The day-``TIMING_DAY`` landmark: which applications are still waiting then, and per
    application how many follow-ups were made after applying on or before that day (for an
    application still waiting, all of them came before any response).

    The first follow-up was made after applying by the landmark exactly when that count is
    one or more (an earlier follow-up cannot follow an interview or rejection that a later
    one does not), so the first follow-up's strategies and ``n_followups`` share this set.
    """
    return (still_waiting(f, log, TIMING_DAY), _followups_after_applying(log, TIMING_DAY))


def _first_followup_by_landmark(f: pd.DataFrame, log: JobSearchLog) -> np.ndarray:
    """Applications still waiting on ``TIMING_DAY`` whose first follow-up was made after
    applying on or before that day (hence before any response): the eligible set of the
    first follow-up's timing, channel and letter type."""
    waiting, n = _followups_by_landmark(f, log)
    return waiting & (n > 0)


def _first_followup(
    column: str, levels: tuple[str, ...]
) -> Callable[[pd.DataFrame, JobSearchLog], pd.Series]:
    """``assign`` of a strategy reading `column` of the first follow-up at the landmark."""

    def assign(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
        return _labels(f[column], _first_followup_by_landmark(f, log), levels)

    return assign


def _first_followup_eligible(what: str) -> str:
    return (
        f"landmark at day {TIMING_DAY}: applications still waiting then (observed, no "
        f"response and not withdrawn by day {TIMING_DAY}) and first followed up by then, "
        f"after applying; {what}; offers after day {TIMING_DAY}"
    )


def _n_followups(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
    """Follow-ups made after applying by ``TIMING_DAY`` (0, 1, 2, 3+), among the applications
    still waiting then (not ``f["n_followups"]``, which counts every follow-up ever made)."""
    waiting, n = _followups_by_landmark(f, log)
    return _categorical(np.minimum(n, 3), waiting, ("0", "1", "2", "3+"), f.index)


_THANKED = ("thank_you", "no_thank_you")


def _thanked_at(round_no: int) -> Callable[[pd.DataFrame, JobSearchLog], pd.Series]:
    """``assign`` of thanking vs not at the landmark of interview round `round_no`."""

    def assign(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
        lm = _thank_you_landmark(log, round_no)
        return _categorical(np.where(lm["thanked"], 0, 1), lm["eligible"], _THANKED, f.index)

    return assign


def _both_channels(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
    lm = _thank_you_landmark(log, 0)
    return _categorical(
        np.where(lm["both"], 0, 1),
        lm["eligible"] & lm["thanked"],
        ("email_and_letter", "one_channel"),
        f.index,
    )


def _round_eligible(which: str) -> str:
    return (
        f"landmark {THANK_YOU_WINDOW} days after the {which} interview round: "
        "applications interviewed, with no decision (offer, rejection, withdrawal) by "
        f"then, no undated outcome and at least {OUTCOME_DAYS} days observed after it; "
        "a thank-you note counts when sent on the day of the round or up to "
        f"{THANK_YOU_WINDOW} days after it, before any decision; offers after the "
        "landmark"
    )


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy(
            "thank_you_after_interview",
            _THANKED,
            "no_thank_you",
            _round_eligible("first") + ". Counting every note after any interview would "
            "favour applications that earned more rounds, were not rejected at once, or "
            "were thanked for an offer",
            _thanked_at(0),
        ),
        Strategy(
            "first_followup_channel",
            vocab.CHANNELS,
            "email",
            _first_followup_eligible("channel of that follow-up") + ". Thank-you notes "
            "after an interview have their own strategies: mixed in, they would make the "
            "channels they use look like offer makers",
            _first_followup("channel", vocab.CHANNELS),
        ),
        Strategy(
            "first_followup_letter_type",
            vocab.LETTER_TYPES,
            "status_check",
            _first_followup_eligible("letter type of that follow-up") + ". Thank-you notes "
            "after an interview have their own strategies: mixed in, they would make "
            "thanking look like an offer maker",
            _first_followup("letter_type", vocab.LETTER_TYPES),
        ),
        Strategy(
            "first_followup_timing",
            _TIMING,
            "4–7",
            _first_followup_eligible(
                "bucket of days from applying (15–30 and 31+ cannot be "
                "judged at this landmark and stay empty)"
            )
            + ". Without the landmark, later follow-ups would select applications that had "
            "not heard back",
            _first_followup("timing", _TIMING),
        ),
        Strategy(
            "n_followups",
            ("0", "1", "2", "3+"),
            "0",
            f"landmark at day {TIMING_DAY}: applications still waiting then (observed, no "
            f"response and not withdrawn by day {TIMING_DAY}); follow-ups made after "
            f"applying by then (0, 1, 2, 3+); offers after day {TIMING_DAY}. Counting every "
            "follow-up ever made would favour applications that stayed open long enough to "
            "collect several, and count thank-you notes after interviews",
            _n_followups,
        ),
        Strategy(
            "tiered_cadence",
            ("tiered_cadence", "other"),
            "other",
            f"landmark at day {CADENCE_DAY}: applications still waiting then (observed, no "
            f"response and not withdrawn by day {CADENCE_DAY}); cadence completed by then vs "
            f"not; offers after day {CADENCE_DAY}. Counting completed cadences among all "
            f"applications would select those that had not heard back by day {CADENCE[-1][1]}",
            lambda f, log: _yes_no(
                f["tiered_cadence"], still_waiting(f, log, CADENCE_DAY), "tiered_cadence", "other"
            ),
        ),
        Strategy(
            "thank_you_rounds",
            _THANKED,
            "no_thank_you",
            _round_eligible("second") + " (later rounds are judged each at their own "
            "landmark, one unit per application, so more rounds never mean more chances to "
            "thank)",
            _thanked_at(1),
        ),
        Strategy(
            "thank_you_email_and_letter",
            ("email_and_letter", "one_channel"),
            "one_channel",
            _round_eligible("first") + "; among applications thanked after it: by both "
            "email and letter vs one channel",
            _both_channels,
        ),
        Strategy(
            "post_rejection_note",
            ("note", "no_note"),
            "no_note",
            "rejected applications with a known company, a dated rejection (no undated "
            "outcome) and the 14 days after it observed; a note counts when sent within 14 "
            "days of the rejection; outcome: interview or offer at the same company, after "
            "those 14 days and within 365 days of the rejection",
            lambda f, log: _yes_no(
                f["post_rejection_note"],
                f["comeback_at_company"].notna() & ~f["undated_outcome"].to_numpy(dtype=bool),
                "note",
                "no_note",
            ),
            outcome="comeback_at_company",
        ),
    )
}
