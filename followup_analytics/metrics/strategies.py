"""The follow-up strategies compared by :func:`~followup_analytics.offer_associations`.

Each strategy assigns every application a *level* (or NA when the application is not
eligible for the comparison), names the *reference* level the others are compared with,
describes the eligible set in words, and names the outcome (``offered`` unless stated).
Each is compared only among the applications that reached the stage where it applies.

Choices made here (documented in the README "Analytics" section):

* channel, letter type and timing describe the **first follow-up** and are compared among
  followed-up applications (reference: email, status check, 4–7 days), never against
  applications without a follow-up: that comparison is biased (a quick reply prevents a
  follow-up) and is only offered by :func:`~followup_analytics.landmark_effect`. Timing is
  compared among applications whose first follow-up came before any interview or rejection,
  so that every delay is counted from the application.
* the number of follow-ups (0/1/2/3+) is compared among all applications; it inherits the
  same bias and is shown for description only.
* the tiered cadence (email 0–3 days after applying, a letter 5–9 days after, a phone call or
  voicemail 12–16 days after, all before any response) is compared among applications still
  waiting on day 16 (observed that long, no response and no withdrawal by then): only they
  could have completed it.
* thank-you notes after every round vs some rounds vs none: among interviewed applications
  with two or more interview rounds (with one round "some" cannot happen).
* a thank-you by both email and letter vs a thank-you by one channel only: among interviewed
  applications that sent a thank-you, so the comparison is about the second channel.
* a post-rejection note (still interested / feedback request): among rejected applications
  with a known company; the outcome is a later interview or offer for the same seeker at the
  same company within 365 days (``comeback_at_company``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab
from ..log import JobSearchLog
from .features import CADENCE, DEFAULT_BUCKETS, timing_dtype

#: Last day of the tiered cadence: its comparison is a landmark at this day.
CADENCE_DAY = max(hi for _, _, hi in CADENCE)


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


def _categorical(codes: np.ndarray, eligible: np.ndarray | pd.Series,
                 levels: tuple[str, ...], index: pd.Index) -> pd.Series:
    codes = np.where(np.asarray(eligible, dtype=bool), codes, -1)
    dtype = pd.CategoricalDtype(list(levels), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index)


def _labels(values: pd.Series, eligible: np.ndarray | pd.Series,
            levels: tuple[str, ...]) -> pd.Series:
    """Relabel a categorical column onto `levels` (per category, not per row)."""
    cats = list(values.cat.categories)
    remap = np.array([levels.index(c) if c in levels else -1 for c in cats] + [-1])
    codes = remap[values.cat.codes.to_numpy()]  # code -1 (missing) picks the last entry
    return _categorical(codes, eligible, levels, values.index)


def _yes_no(flag: pd.Series, eligible: np.ndarray | pd.Series, yes: str,
            no: str) -> pd.Series:
    codes = np.where(flag.fillna(False).to_numpy(dtype=bool), 0, 1)
    return _categorical(codes, eligible, (yes, no), flag.index)


def _still_waiting(f: pd.DataFrame, log: JobSearchLog, day: int) -> np.ndarray:
    applied = f["applied_on"]
    observed = (applied + pd.Timedelta(days=day) <= log.as_of).to_numpy(bool, na_value=False)
    resp = (f["first_response_on"] - applied).dt.days.to_numpy(float, na_value=np.nan)
    gone = (f["withdrawn_on"] - applied).dt.days.to_numpy(float, na_value=np.nan)
    return observed & ~(resp <= day) & ~(gone <= day)


def _n_followups(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
    codes = np.minimum(f["n_followups"].to_numpy(), 3)
    return _categorical(codes, np.ones(len(f), bool), ("0", "1", "2", "3+"), f.index)


def _rounds(f: pd.DataFrame, log: JobSearchLog) -> pd.Series:
    thanked = f["thank_you_rounds"].to_numpy()
    rounds = f["n_interview_rounds"].to_numpy()
    codes = np.select([thanked >= rounds, thanked > 0], [0, 1], 2)
    return _categorical(codes, rounds >= 2, ("every", "some", "none"), f.index)


_TIMING = tuple(timing_dtype(DEFAULT_BUCKETS).categories)

STRATEGIES: dict[str, Strategy] = {s.name: s for s in (
    Strategy("thank_you_after_interview", ("thank_you", "no_thank_you"), "no_thank_you",
             "interviewed applications",
             lambda f, log: _yes_no(f["thank_you_after_interview"], f["interviewed"],
                                    "thank_you", "no_thank_you")),
    Strategy("first_followup_channel", vocab.CHANNELS, "email",
             "followed-up applications (channel of the first follow-up)",
             lambda f, log: _labels(f["channel"], f["followed_up"], vocab.CHANNELS)),
    Strategy("first_followup_letter_type", vocab.LETTER_TYPES, "status_check",
             "followed-up applications (letter type of the first follow-up)",
             lambda f, log: _labels(f["letter_type"], f["followed_up"], vocab.LETTER_TYPES)),
    Strategy("first_followup_timing", _TIMING, "4–7",
             "applications first followed up before any interview or rejection (days from "
             "applying)",
             lambda f, log: _labels(f["timing"], f["followup_stage"].eq("after_application")
                                    .fillna(False), _TIMING)),
    Strategy("n_followups", ("0", "1", "2", "3+"), "0",
             "all applications (descriptive: a quick reply prevents further follow-ups)",
             _n_followups),
    Strategy("tiered_cadence", ("tiered_cadence", "other"), "other",
             f"applications still waiting on day {CADENCE_DAY} (observed, no response and "
             "not withdrawn by then)",
             lambda f, log: _yes_no(f["tiered_cadence"], _still_waiting(f, log, CADENCE_DAY),
                                    "tiered_cadence", "other")),
    Strategy("thank_you_rounds", ("every", "some", "none"), "none",
             "interviewed applications with two or more interview rounds", _rounds),
    Strategy("thank_you_email_and_letter", ("email_and_letter", "one_channel"), "one_channel",
             "interviewed applications that sent a thank-you note",
             lambda f, log: _yes_no(f["thank_you_email_and_letter"],
                                    f["thank_you_after_interview"].fillna(False),
                                    "email_and_letter", "one_channel")),
    Strategy("post_rejection_note", ("note", "no_note"), "no_note",
             "rejected applications with a known company; outcome: interview or offer at the "
             "same company within 365 days",
             lambda f, log: _yes_no(f["post_rejection_note"], f["comeback_at_company"].notna(),
                                    "note", "no_note"),
             outcome="comeback_at_company"),
)}
