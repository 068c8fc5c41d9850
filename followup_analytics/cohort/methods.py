"""Definitions and methods printed in every cohort report (HTML and the "Read me" sheet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import CohortReport

#: (term, definition) pairs, in reading order.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Response",
        "Any employer-initiated event after applying: a reply, an interview, a "
        "rejection or an offer. A rejection is a response; silence (ghosting) is not.",
    ),
    (
        "Furthest stage",
        "applied < responded < interviewed < offered < accepted, taken from "
        "all of an application's events, never from its last status alone.",
    ),
    (
        "Follow-up timing",
        "Days from the trigger to the follow-up: the application for "
        "follow-ups before any interview, the latest interview after one, the rejection after "
        "one. Buckets 0-1, 2-3, 4-7, 8-14, 15-30 and 31+ days.",
    ),
    (
        "Response after a follow-up",
        "A response dated on or after the follow-up and within 30 "
        "days, among follow-ups sent while the application could still change (no response "
        "yet after applying; no offer yet after an interview).",
    ),
    (
        "Time to response",
        "Days from applying to the first response. Applications without "
        "one are censored at the as-of date or at withdrawal (Kaplan-Meier), never averaged.",
    ),
    (
        "Strategies vs offers",
        "Each strategy is compared among the applications where it "
        "applies (thank-you notes among interviewed applications). The within-seeker odds "
        "ratio (Cochran-Mantel-Haenszel, stratified by seeker) compares applications of the "
        "same seeker, so that stronger seekers who both follow up more and get more offers "
        "do not inflate the result. These are associations, never causes.",
    ),
    (
        "Intervals",
        "95% intervals: Wilson score intervals for rates, log-log intervals for "
        "Kaplan-Meier probabilities, Mantel-Haenszel intervals for odds ratios.",
    ),
    (
        "n and k",
        "n: the units compared (applications, eligible follow-ups or seekers, as "
        "each table says); k: those with the outcome.",
    ),
)


def suppression_rule(min_cell: int) -> tuple[str, ...]:
    """The suppression rule in words, for a given minimum cell size."""
    return (
        f"Every count from 1 to {min_cell - 1} is hidden (shown as “hidden”), and so is a "
        f"count whose complement is that small (14 follow-ups of which 11 were answered "
        f"would show 3 unanswered); zero is shown.",
        "Everything the report publishes is checked at once, as an attacker would: every "
        "count in every table and figure, the same number appearing in several tables, "
        "groups adding up to the whole cohort, categories adding up to a group, k never "
        "above n. Further counts are hidden until, for every hidden small count, the whole "
        f"numbers consistent with all of that still span at least {min_cell} values; then "
        "each further count that is not needed for this is shown again.",
        "Rates, intervals, medians, numbers at risk and odds ratios computed from a hidden "
        "count are hidden with it. Time-to-response curves stop where fewer than "
        f"{min_cell} applications are still waiting, and take a step only once at least "
        f"{min_cell} responses have come since the last one (no censoring marks).",
    )


PRIVACY: tuple[str, ...] = (
    "Seekers appear only as pseudonyms (S- followed by a keyed hash). The key is the "
    "adviser's own, kept in their configuration folder and never written into a report, so "
    "a seeker keeps the same pseudonym in every report made with it (a --salt overrides "
    "it).",
    "Names, email addresses, phone numbers, ids and free-text notes from the input are never "
    "used; every text cell is also checked against them and against email and phone "
    "patterns, and redacted if it matches. The data-quality section shows counts and field "
    "names only: files and sheets are numbered and cell text is left out.",
    "A breakdown group is labelled only when it holds at least as many seekers as the "
    "minimum cell size; smaller groups are merged into 'other groups'. A breakdown by a "
    "column that names people (adviser, contact ...) shows pseudonymised labels (G- "
    "followed by a keyed hash).",
    "One row per seeker would give back the number of seekers in each group: the "
    "per-seeker table is not part of this report. It is written, for the adviser alone, "
    "to a separate private appendix readable only by its owner.",
)


def run_label(report: CohortReport) -> str:
    """Which run made a report: the HTML and the workbook of one run carry the same."""
    created = report.created.strftime("%Y-%m-%d %H:%M UTC")
    return f"run {report.run_id}, made {created}"
