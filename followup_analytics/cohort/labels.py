"""Plain-language labels and one number format for everything a cohort report shows.

Column and category names stay snake_case in :attr:`CohortReport.tables` (for code); the
HTML and the workbook show the labels below. Numbers are formatted one way: counts with
thousands separators, rates as percentages with one decimal, estimates (odds ratios,
medians) with two decimals, p and q values with three. A hidden value is always shown as
:data:`HIDDEN`, never as 0 or "no data".
"""

from __future__ import annotations

import math
from typing import Any, TypeVar, overload

import pandas as pd

from ..schema import OUTCOME_PHRASES
from .content import OUTCOME_LABELS

#: How a hidden (suppressed) value is shown, in tables and figures alike.
HIDDEN = "hidden"

#: Column labels used by every table unless the table overrides them.
COLUMNS: dict[str, str] = {
    "seekers": "Seekers",
    "applications": "Applications",
    "followups": "Follow-ups logged",
    "outcome": "Outcome",
    "unit": "Counted per",
    "n": "Out of",
    "k": "With the outcome",
    "rate": "Share",
    "stage": "Stage",
    "share_of_applied": "Share of all applications",
    "timing": "Days after the trigger",
    "channel": "Channel",
    "letter_type": "Letter type",
    "n_responses": "Got a response",
    "n_censored": "Still waiting",
    "median_days": "Median days to a response",
    "company": "Employer",
    "strategy": "Strategy",
    "level": "Option",
    "reference": "Compared with",
    "outcome_label": "Outcome",
    "median": "Median days",
    "n_level": "Applications (option)",
    "k_level": "With the outcome (option)",
    "rate_level": "Share (option)",
    "n_reference": "Applications (comparison)",
    "k_reference": "With the outcome (comparison)",
    "rate_reference": "Share (comparison)",
    "estimate": "Within-seeker odds ratio",
    "p_value": "p",
    "q_value": "q (adjusted)",
    "estimator": "Estimator",
    "eligible": "Among",
    "file": "File",
    "sheet": "Sheet",
    "status": "Status",
    "layout": "Layout",
    "header_row": "Header row",
    "n_rows": "Rows",
    "n_loaded": "Loaded",
    "n_quarantined": "Set aside",
    "n_dropped": "Dropped (blank, totals)",
    "column": "Column",
    "reason": "Reason",
    "field": "Field",
    "value": "Value",
    "texts": "Distinct texts",
    "count": "Rows",
    "rows": "Rows",
    "seeker": "Seeker (pseudonym)",
    "responses": "Got a response",
    "interviews": "Got an interview",
    "offers": "Got an offer",
}

#: Per-table overrides (the same column means different things in different tables).
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "outcomes": {"n": "Out of", "k": "With the outcome"},
    "funnel": {
        "n": "At the stage before",
        "k": "Reached this stage",
        "rate": "Share of the stage before",
    },
    "followup_timing": {
        "n": "Eligible follow-ups",
        "k": "Followed by a response",
        "rate": "Share with a response",
    },
    "followup_channel": {
        "n": "Eligible follow-ups",
        "k": "Followed by a response",
        "rate": "Share with a response",
    },
    "followup_letter_type": {
        "n": "Eligible follow-ups",
        "k": "Followed by a response",
        "rate": "Share with a response",
    },
    "employers": {"n": "Applications", "k": "Got a response", "rate": "Share with a response"},
}

#: Category values shown in words.
CATEGORIES: dict[str, str] = {
    **OUTCOME_LABELS,
    "application": "application",
    "seeker": "seeker",
    "in_person": "in person",
    "linkedin": "LinkedIn",
    "thank_you": "thank-you note",
    "status_check": "status check",
    "still_interested": "still interested",
    "feedback_request": "feedback request",
    "value_add": "value add",
    "hiring_manager": "hiring manager",
    "thank_you_after_interview": "Thank-you note after an interview",
    "first_followup_channel": "Channel of the first follow-up",
    "first_followup_letter_type": "Kind of the first follow-up",
    "first_followup_timing": "Days to the first follow-up",
    "n_followups": "Number of follow-ups",
    "tiered_cadence": "Tiered follow-up cadence",
    "thank_you_rounds": "Thank-you notes per interview round",
    "thank_you_email_and_letter": "Thank-you by email and letter",
    "post_rejection_note": "Note after a rejection",
    "no_thank_you": "no thank-you note",
    "no_note": "no note",
    "email_and_letter": "email and letter",
    "one_channel": "one channel",
    "every": "every round",
    "some": "some rounds",
    "none": "none",
    "note": "a note",
    "offered": OUTCOME_PHRASES["offer"],
    "comeback_at_company": OUTCOME_PHRASES["comeback"],
    "within_seeker_odds_ratio": "within-seeker odds ratio",
}


def column_label(table: str, column: str) -> str:
    """The header shown for `column` of `table`."""
    if column in TABLE_COLUMNS.get(table, {}):
        return TABLE_COLUMNS[table][column]
    if column in COLUMNS:
        return COLUMNS[column]
    for end, word in (("ci_low", "95% CI low"), ("ci_high", "95% CI high")):
        if column.endswith(end):
            base = column.removesuffix(end).rstrip("_")
            return word if not base else f"{column_label(table, base)}: {word}"
    if column.startswith("p_response_"):
        return f"Response by day {column.removeprefix('p_response_')}"
    if column.startswith("day_"):
        return f"Day {column.removeprefix('day_')}"
    return column.replace("_", " ").capitalize()


_T = TypeVar("_T")


@overload
def category_label(value: str) -> str: ...
@overload
def category_label(value: _T) -> _T: ...
def category_label(value: object) -> object:
    """A category value in words (other values unchanged)."""
    if isinstance(value, str):
        return CATEGORIES.get(value, value.replace("_", " ") if "_" in value else value)
    return value


# The formatters take a table cell as pandas hands it out (a number, or None, NaN, pd.NA).
def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def fmt_count(value: Any) -> str:
    return "" if _missing(value) else f"{int(value):,}"


def fmt_percent(value: Any) -> str:
    return "" if _missing(value) else f"{float(value):.1%}"


def fmt_estimate(value: Any) -> str:
    if _missing(value):
        return ""
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:,.2f}"


def fmt_p(value: Any) -> str:
    if _missing(value):
        return ""
    v = float(value)
    return "< 0.001" if v < 0.001 else f"{v:.3f}"
