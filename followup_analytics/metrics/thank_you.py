"""Thank-you notes per interview round: which notes count, and the landmark of each round.

Plain words first. A thank-you note counts for an interview round when it is sent

* on the day of the round or at most ``THANK_YOU_WINDOW`` (2) days after it, and
* before any decision on the application (offer, accepted/declined offer, rejection,
  withdrawal). A note dated the same day as the decision does **not** count: on a tie the
  decision is taken to come first, whatever the order of the rows. A note dated the same
  day as its round follows the round.

A note belongs to the latest round dated on or before it. Only dated events act as dates:
an undated interview is no round here, an undated note is no note, and an application with
an undated response, decision or withdrawal is left out of every landmark (it is still
counted by the funnel and the outcome rates).

The comparison of thanking vs not is judged at a **landmark**, one per application: the day
``round + window`` of its first round. Only applications without a decision by then take
part (a quick rejection leaves no time to thank, so counting it would make notes look like
offer makers), the note is read from what was sent by then, and the outcome (an offer)
comes after it; the landmark must lie at least ``OUTCOME_DAYS`` (60) days before ``as_of``,
so that every application had time to get its answer. Later rounds are judged the same way at their own landmark, the second
round apart from the first, so that more rounds never mean more chances to "thank".

Method: numpy over the event index of :mod:`._events`; the latest round on or before each
note is one ``searchsorted`` for all notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import vocab
from ._events import _Index, _search

#: Days after an interview round within which a thank-you note counts for it.
THANK_YOU_WINDOW = 2
#: Days after the landmark that must be observed (by ``as_of``) for an application to take
#: part: an offer made after ``as_of`` is not in the data, so an application interviewed
#: just before it would count as "no offer" whatever happens next.
OUTCOME_DAYS = 60
#: Events that decide an application.
DECISIONS: tuple[str, ...] = ("offer", "accepted", "declined", "rejection", "withdrawn")
_OUTCOMES: tuple[str, ...] = (*vocab.RESPONSE_EVENTS, "accepted", "declined", "withdrawn")


@dataclass(frozen=True)
class Rounds:
    """Per round (``round_*``) and per rank (the others) facts about thank-you notes."""

    round_rank: np.ndarray
    round_day: np.ndarray
    round_no: np.ndarray  # 0 for the first round of its application, 1, 2 ...
    thanked: np.ndarray  # per round: a note that counts
    both: np.ndarray  # per round: counting notes by email and by letter
    decision: np.ndarray  # per rank: first dated decision day (NaN when none)
    undated_outcome: np.ndarray  # per rank: an undated response, decision or withdrawal


def rounds(ix: _Index, fa: dict, window: int = THANK_YOU_WINDOW) -> Rounds:
    """Interview rounds and the thank-you notes that count for them (see the module)."""
    ivk = ix.mask("interview") & ix.known
    r_iv, d_iv, k_iv = ix.rank[ivk], ix.day[ivk], ix.key[ivk]
    new = (
        np.r_[True, (r_iv[1:] != r_iv[:-1]) | (d_iv[1:] != d_iv[:-1])]
        if len(r_iv)
        else np.empty(0, bool)
    )
    round_rank, round_day, round_key = r_iv[new], d_iv[new], k_iv[new]
    first_of_rank = (
        np.r_[True, round_rank[1:] != round_rank[:-1]] if len(round_rank) else np.empty(0, bool)
    )
    start = np.maximum.accumulate(np.where(first_of_rank, np.arange(len(round_rank)), 0))
    round_no = np.arange(len(round_rank)) - start
    decision = ix.first_day(ix.mask(*DECISIONS) & ix.known)
    undated = np.bincount(ix.rank[ix.mask(*_OUTCOMES) & ~ix.known], minlength=ix.n_rank) > 0

    fi, rank, day = fa["index"], fa["rank"], fa["day"]
    note = (ix.codes["letter_type"][fi] == vocab.LETTER_TYPES.index("thank_you")) & ix.known[fi]
    j = _search(round_key, ix.key[fi], rank * ix.big, ix.big, direction="on_or_before")
    lag = day - np.where(j >= 0, round_day[np.maximum(j, 0)] if len(round_day) else 0, 0)
    counts = note & (j >= 0) & (lag <= window) & ~(day >= decision[rank])
    channel = ix.codes["channel"][fi]
    thanked = np.zeros(len(round_rank), dtype=bool)
    thanked[j[counts]] = True
    email, letter = thanked.copy(), thanked.copy()
    email[:] = letter[:] = False
    email[j[counts & (channel == vocab.CHANNELS.index("email"))]] = True
    letter[j[counts & (channel == vocab.CHANNELS.index("letter"))]] = True
    return Rounds(round_rank, round_day, round_no, thanked, email & letter, decision, undated)


def per_rank(ix: _Index, r: Rounds) -> dict[str, np.ndarray]:
    """Per rank: dated rounds, rounds thanked, any round thanked, email and letter."""
    return {
        "n_rounds": np.bincount(r.round_rank, minlength=ix.n_rank),
        "n_thanked": np.bincount(r.round_rank[r.thanked], minlength=ix.n_rank),
        "both": np.bincount(r.round_rank[r.both], minlength=ix.n_rank) > 0,
    }


def landmark(
    ix: _Index, r: Rounds, round_no: int, window: int = THANK_YOU_WINDOW
) -> dict[str, np.ndarray]:
    """Per rank, at the landmark ``round + window`` of round `round_no` (0 = first).

    Returns ``eligible`` (the round is dated, the landmark and ``OUTCOME_DAYS`` after it
    observed by ``as_of``, no dated decision on or before the landmark, no undated outcome), ``thanked`` and ``both``
    (a counting note for that round; by email and by letter), and ``left_out_undated``
    (applications with that round left out for an undated outcome).
    """
    sel = r.round_no == round_no
    day = np.full(ix.n_rank, np.nan)
    day[r.round_rank[sel]] = r.round_day[sel]
    thanked = np.zeros(ix.n_rank, dtype=bool)
    thanked[r.round_rank[sel & r.thanked]] = True
    both = np.zeros(ix.n_rank, dtype=bool)
    both[r.round_rank[sel & r.both]] = True
    end = day + window
    observed = end + OUTCOME_DAYS <= ix.as_of_day  # NaN compares False
    undecided = ~(r.decision <= end)
    return {
        "eligible": observed & undecided & ~r.undated_outcome,
        "thanked": thanked,
        "both": both,
        "left_out_undated": observed & undecided & r.undated_outcome,
    }
