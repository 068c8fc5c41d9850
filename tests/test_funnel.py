"""funnel(): stage counts from the furthest stage, conversions, shares, groups."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log
from statsmodels.stats.proportion import proportion_confint

from followup_analytics import SmallSampleWarning
from followup_analytics.metrics.funnel import funnel


def _log():
    rows = [
        ("a", "2026-01-01", "applied"),  # ghosted
        ("b", "2026-01-01", "applied"),
        ("b", "2026-01-03", "rejection"),
        ("c", "2026-01-01", "applied"),
        ("c", "2026-01-05", "interview"),
        ("c", "2026-01-09", "rejection"),  # interviewed, then rejected
        ("d", "2026-01-01", "applied"),
        ("d", "2026-01-05", "interview"),
        ("d", "2026-01-15", "offer"),
        ("d", "2026-01-17", "accepted"),
        ("e", "2026-01-01", "applied"),
        ("e", "2026-01-05", "interview"),
        ("e", "2026-01-15", "offer"),
        ("e", "2026-01-16", "declined"),
    ]
    apps = pd.DataFrame(
        {
            "application_id": list("abcde"),
            "cohort": pd.Categorical(["x", "x", "x", "x", "x"], categories=["x", "y"]),
        }
    )
    return build_log(rows, apps)


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return funnel(*args, **kwargs)


def test_funnel_counts_conversions_and_shares():
    f = _quiet(_log())
    assert list(f.columns) == ["stage", "n", "k", "rate", "ci_low", "ci_high", "share_of_applied"]
    assert list(f["stage"]) == ["applied", "responded", "interviewed", "offered", "accepted"]
    assert list(f["k"]) == [5, 4, 3, 2, 1]
    assert list(f["n"]) == [5, 5, 4, 3, 2]
    np.testing.assert_allclose(f["rate"], [1, 4 / 5, 3 / 4, 2 / 3, 1 / 2])
    np.testing.assert_allclose(f["share_of_applied"], [1, 0.8, 0.6, 0.4, 0.2])
    # reference: statsmodels proportion_confint(2, 3, method="wilson")
    lo, hi = proportion_confint(2, 3, method="wilson")
    assert f["ci_low"].iloc[3] == pytest.approx(lo) and f["ci_high"].iloc[3] == pytest.approx(hi)


def test_funnel_by_group_keeps_empty_groups():
    f = _quiet(_log(), by="cohort")
    assert list(f["cohort"].astype(str)) == ["x"] * 5 + ["y"] * 5
    assert list(f.loc[f["cohort"] == "y", "n"]) == [0] * 5
    assert f.loc[f["cohort"] == "y", "rate"].isna().all()
    assert f.loc[f["cohort"] == "y", "share_of_applied"].isna().all()
    assert list(f.loc[f["cohort"] == "x", "k"]) == [5, 4, 3, 2, 1]


def test_funnel_errors_and_warnings():
    with pytest.raises(ValueError, match="by='nope'.*allowed"):
        funnel(_log(), by="nope")
    with pytest.warns(SmallSampleWarning, match="fewer than 10"):
        funnel(_log())
