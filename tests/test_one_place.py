"""Each piece of shared logic lives in one module; the others import it. Checked on the
source text, so a copy that creeps back in fails here rather than drifting apart."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from followup_analytics import schema
from followup_analytics.cohort.content import OUTCOME_LABELS

PACKAGE = Path(__file__).resolve().parents[1] / "followup_analytics"
SOURCES = {
    p.relative_to(PACKAGE).as_posix(): p.read_text(encoding="utf-8")
    for p in sorted(PACKAGE.rglob("*.py"))
}


def _code(text: str) -> str:
    """The source without docstrings and comments (mentions in prose are fine)."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.unparse(tree)


CODE = {name: _code(text) for name, text in SOURCES.items()}


@pytest.mark.parametrize(
    "pattern, home",
    [
        (r"\bos\.replace\(|\bmkstemp\(", "output.py"),  # atomic writes
        (r"\(\s*'='\s*,\s*'\+'\s*,\s*'-'\s*,\s*'@'", "output.py"),  # formula prefixes
        (r"Timestamp\.(today|now)\(", "log.py"),  # as_of defaulting
        (r"^\s*_?[A-Z_]*DTYPE\s*(:[^=]*)?=\s*'datetime64\[s\]'", "log.py"),  # the date dtype
        (r"\bwithdrawn_on\b.*<= *day|<= *day.*\bwithdrawn_on\b", "metrics/landmark.py"),
    ],
)
def test_shared_logic_has_one_home(pattern, home):
    found = sorted(
        name for name, code in CODE.items() if re.search(pattern, code, flags=re.MULTILINE)
    )
    assert found == [home]


def test_as_of_errors_are_raised_in_one_place():
    raising = sorted(
        name for name, code in CODE.items() if re.search(r"raise \w+\(f?'as_of=", code)
    )
    assert raising == ["log.py"]


def test_outcome_words_come_from_the_schema():
    for outcome in ("response", "interview", "offer"):
        assert OUTCOME_LABELS[outcome] == schema.OUTCOME_PHRASES[outcome]
    assert set(schema.OUTCOME_PLURALS) == set(schema.OUTCOMES) == set(schema.OUTCOME_WORDS)
    assert set(schema.OUTCOME_PHRASES) == set(schema.OUTCOMES)
    # no other module spells out the outcome phrases again
    spelled = sorted(
        name for name, code in CODE.items() if re.search(r"'an interview'|'a later interview", code)
    )
    assert spelled == ["schema.py"]


def test_the_cadence_days_in_words_follow_the_cadence():
    """Texts that ship in results and docs give the cadence's days from ``CADENCE``: the
    last step starts on day 12 and the landmark is its last day, 16."""
    from followup_analytics.metrics.features import CADENCE
    from followup_analytics.metrics.strategies import CADENCE_DAY, STRATEGIES

    start, end = CADENCE[-1][1], CADENCE[-1][2]
    assert (start, end) == (12, 16) and CADENCE_DAY == end
    eligible = STRATEGIES["tiered_cadence"].eligible
    assert f"day {end}" in eligible and f"by day {start}" in eligible
    stale = [
        name
        for name, code in SOURCES.items()
        if re.search(r"about day 13|after day 15|by day 13\b", code)
    ]
    assert not stale
