"""Every warning names the caller's line, however deep inside the package it is raised.

A warning is about the caller's data or arguments; pointing it at a line of the package (a
decorator, a helper, one public function calling another) hides where to look.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import followup_analytics as fa
from followup_analytics.errors import find_stack_level


@pytest.fixture(scope="module")
def small():
    return fa.simulate_log(2, (3, 6), seed=1)


def _calls(small, tmp_path):
    tracker = pd.DataFrame(
        {
            "Company": ["Acme", "Beta"],
            "Date Applied": ["03/04/2026", "04/05/2026"],
            "Status": ["?!", "Offer"],
        }
    )
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.csv").write_text("Company,Date Applied\nAcme,2026-03-02\n", encoding="utf-8")
    (folder / "b.csv").write_text("Company,Date Applied\n", encoding="utf-8")
    return {
        "load (dates, values)": lambda: fa.load(tracker, as_of="2026-06-30"),
        "load (empty file)": lambda: fa.load(folder, as_of="2026-06-30"),
        "response_rates": lambda: fa.response_rates(small, by="channel"),
        "time_to_response": lambda: fa.time_to_response(small, by="seeker"),
        "landmark_effect": lambda: fa.landmark_effect(small),
        "offer_associations": lambda: fa.offer_associations(small),
        "funnel": lambda: fa.funnel(small, by="seeker"),
        "summary": lambda: fa.summary(small),
    }


def test_warnings_point_at_the_callers_line(small, tmp_path):
    seen = 0
    for name, call in _calls(small, tmp_path).items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        ours = [w for w in caught if issubclass(w.category, fa.FollowupWarning)]
        assert ours, f"{name}: expected a warning on this small log"
        for w in ours:
            assert w.filename == __file__, f"{name}: {w.category.__name__} points at {w.filename}"
        seen += len(ours)
    assert seen >= 8


def test_find_stack_level_counts_the_package_frames():
    # called from outside the package: the caller itself is the first outside frame
    assert find_stack_level() == 1
