"""The groupings no rate, funnel or survival curve may use: followed up vs not, naively.

Splitting applications by whether (or how much) they were followed up, thanked or chased
compares groups that differ before any follow-up: a quick reply prevents a follow-up, a
late follow-up needs a long silence first, more interview rounds give more chances to
thank, and strong seekers do more of everything. Those comparisons live in
:func:`~followup_analytics.landmark_effect` and
:func:`~followup_analytics.offer_associations`, which judge each at a landmark.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ArgumentError

#: Feature columns that describe following up (or thanking) an application.
NAIVE_BY: tuple[str, ...] = (
    "followed_up",
    "n_followups",
    "first_followup_on",
    "followup_delay_days",
    "followup_stage",
    "response_after_followup",
    "tiered_cadence",
    "thank_you_after_interview",
    "thank_you_rounds",
    "thank_you_every_round",
    "thank_you_email_and_letter",
    "post_rejection_note",
)


def refuse_naive(columns: Iterable[str], where: str) -> None:
    """Raise a ValueError naming the first column of `columns` in :data:`NAIVE_BY`."""
    bad = [c for c in columns if c in NAIVE_BY]
    if bad:
        raise ArgumentError(
            f"{where}(by={bad[0]!r}) would compare followed-up (or thanked) applications "
            "with the others, which differ before any follow-up (a quick reply prevents a "
            "follow-up; more rounds give more chances to thank; strong seekers do more of "
            "everything). Use landmark_effect(log) for followed up vs not, or "
            "offer_associations(log) for the strategies; refused groupings: "
            f"{list(NAIVE_BY)}"
        )
