"""The importer against the corpus of shape-alikes of real public trackers.

Each ``tests/data/trackers/<slug>/`` holds a fixture that keeps a real tracker's structure
with invented content, and the counts made by hand on the real file (``manifest.toml``).
The scoring lives in ``scripts/score_corpus.py`` (also a command printing the scoreboard).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "score_corpus.py"
_spec = importlib.util.spec_from_file_location("score_corpus", _SCRIPT)
score_corpus = importlib.util.module_from_spec(_spec)
sys.modules["score_corpus"] = score_corpus
_spec.loader.exec_module(score_corpus)

#: Fixtures that must import with the hand counts. Raise it as the importer improves, never
#: lower it to get green.
MIN_PASSED = 28


@pytest.fixture(scope="module")
def scores() -> list:
    return score_corpus.score_corpus()


def test_no_fixture_crashes(scores: list) -> None:
    crashed = {s.slug: s.error for s in scores if s.error}
    assert not crashed, "\n" + "\n".join(f"{k}: {v}" for k, v in crashed.items())


def test_corpus_score_does_not_fall(scores: list) -> None:
    passed = sum(s.passed for s in scores)
    assert passed >= MIN_PASSED, "\n" + score_corpus.scoreboard(scores)


def test_manifests_are_complete() -> None:
    for m in sorted(score_corpus.CORPUS.glob("*/manifest.toml")):
        data = score_corpus.tomllib.loads(m.read_text(encoding="utf-8"))
        missing = [k for k in ("repo", "paths", "commit", "format", "counts") if k not in data]
        assert not missing, f"{m}: missing {missing}"
        assert set(score_corpus.MEASURES) <= set(data["counts"]), m
        assert score_corpus.fixture_files(m.parent), f"{m.parent}: no fixture file"


@pytest.mark.parametrize(
    ("want", "got", "ok"),
    [
        (0, 0, True),
        (20, 20, True),
        (20, 21, False),
        (3, 2, False),
        (40, 42, True),
        (40, 43, False),
        (100, 95, True),
        (100, 94, False),
    ],
)
def test_match_rule(want: int, got: int, ok: bool) -> None:
    assert score_corpus.matches(want, got) is ok


def test_counts_of_a_small_log() -> None:
    """The measures on a hand-made log: 3 applications, one followed up twice."""
    import pandas as pd

    from followup_analytics import JobSearchLog

    ev = pd.DataFrame(
        {
            "application_id": ["a", "a", "a", "b", "b", "b", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2026-01-01",
                    "2026-01-05",
                    "2026-01-09",
                    "2026-01-02",
                    "2026-01-03",
                    "2026-01-20",
                    "2026-01-02",
                    "2026-01-30",
                ]
            ),
            "event": [
                "applied",
                "followup",
                "followup",
                "applied",
                "interview",
                "offer",
                "applied",
                "rejection",
            ],
        }
    )
    got = score_corpus.counts(JobSearchLog.from_frames(ev))
    assert got == {"applications": 3, "responses": 2, "interviews": 1, "offers": 1, "followups": 2}
