"""One vocabulary: result schemas, definitions in attrs, by=, renamed arguments."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import followup_analytics as fa
from followup_analytics import schema
from followup_analytics.schema import (
    COMPARISON_COLUMNS,
    RATE_COLUMNS,
    Definition,
    attach,
    definition_of,
    renamed,
    resolve_by,
)


@pytest.fixture(scope="module")
def log() -> fa.JobSearchLog:
    log = fa.simulate_log(n_seekers=6, applications_per_seeker=(30, 40), seed=11)
    apps = log.applications
    # a carried column spelled with capitals, and one with a group per application
    apps["Track"] = np.where(np.arange(len(apps)) % 2 == 0, "day", "evening")
    apps["ticket"] = [f"t{i}" for i in range(len(apps))]
    return fa.JobSearchLog.from_frames(log.events, apps, as_of=log.as_of)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fa.FollowupWarning)
        yield


def test_definition_round_trips_through_attrs_and_describes_itself():
    frame = attach(
        pd.DataFrame({"n": [1]}), Definition("offer", window=7, unit="follow-up", stage="follow-up")
    )
    d = definition_of(frame)
    assert d == Definition("offer", 7, "follow-up", None, None, "follow-up", "")
    assert d.describe() == "Offer within 7 days of the follow-up"
    assert d.replace(window=None).describe() == "Offer after the follow-up"
    assert Definition("interview").describe() == "Share of applications with an interview"
    assert Definition("response", landmark=12, window=30).describe() == (
        "Response after day 12 (within 30 days) among applications still waiting then"
    )
    assert Definition().describe() == "Share of applications with the outcome"
    assert d.to_dict()["outcome"] == "offer"
    assert definition_of(pd.DataFrame()) is None and definition_of([1]) is None
    with pytest.raises(AttributeError):
        d.outcome = "response"  # frozen


def test_every_compute_function_attaches_its_definition(log):
    rates = fa.response_rates(log, by="channel", outcome="offer", window=7)
    assert list(rates.columns) == ["channel", *RATE_COLUMNS]
    d = rates.attrs["definition"]
    assert (d.outcome, d.unit, d.as_of, d.stage) == ("offer", "follow-up", log.as_of, "follow-up")
    assert fa.response_rates(log, by="channel", window=7).attrs["definition"].window == 7
    per_app = fa.response_rates(log, by="seeker", outcome="interview").attrs["definition"]
    assert (per_app.outcome, per_app.unit) == ("interview", "application")
    ttr = fa.time_to_response(log)
    results = {
        "funnel": fa.funnel(log),
        "features": fa.features(log, window=9),
        "followups": fa.followups(log, window=9),
        "summary": fa.summary(log),
        "landmark_effect": fa.landmark_effect(log, day=10, outcome="offer"),
        "offer_associations": fa.offer_associations(log, strategies="n_followups"),
        "curves": ttr.curves,
        "ttr_summary": ttr.summary,
        "ttr_test": ttr.test,
    }
    for name, frame in results.items():
        d = definition_of(frame)
        assert isinstance(d, Definition), name
        assert d.as_of == log.as_of, name
        assert d.outcome is None or d.outcome in schema.OUTCOMES, name
    assert results["features"].attrs["definition"].window == 9
    assert results["followups"].attrs["definition"].window == 9
    assert results["landmark_effect"].attrs["definition"].landmark == 10
    for name in ("landmark_effect", "offer_associations"):
        assert list(results[name].columns) == COMPARISON_COLUMNS, name


def test_by_is_matched_ignoring_case_with_a_did_you_mean_everywhere(log):
    rates = fa.response_rates(log, by="track")
    assert list(rates["Track"]) == ["day", "evening"]
    assert list(fa.funnel(log, by=["TRACK"]).columns)[0] == "Track"
    assert list(fa.time_to_response(log, by="track").summary["Track"]) == ["day", "evening"]
    assert fa.cohort_report(log, by=["track"], min_cell=1).by == "Track"
    for call in (
        lambda: fa.response_rates(log, by="trak"),
        lambda: fa.funnel(log, by="trak"),
        lambda: fa.time_to_response(log, by="trak"),
    ):
        with pytest.raises(
            ValueError,
            match=r"by='trak' .*did you mean 'Track'.*\?\).*"
            r"allowed: \[.*'Track'",
        ):
            call()
    with pytest.raises(ValueError, match=r"did you mean 'Track'.*\?\); choose one of"):
        fa.cohort_report(log, by="trak")
    assert resolve_by(None, ["a"]) == []
    with pytest.raises(ValueError, match="must be a column name or a list"):
        resolve_by([], ["a"])


def test_a_breakdown_into_thousands_of_groups_is_refused(log):
    n = len(log.applications)
    assert n > 200
    for call in (
        lambda **kw: fa.response_rates(log, by="ticket", **kw),
        lambda **kw: fa.funnel(log, by="ticket", **kw),
        lambda **kw: fa.time_to_response(log, by="ticket", **kw),
        lambda **kw: fa.cohort_report(log, by="ticket", min_cell=1, **kw),
    ):
        with pytest.raises(
            ValueError,
            match=rf"by='ticket' gives {n} groups, more than "
            r"max_groups=200",
        ):
            call()
    assert len(fa.response_rates(log, by="ticket", max_groups=None)) == n
    with pytest.raises(ValueError, match="max_groups=1;"):
        fa.response_rates(log, by="track", max_groups=1)


def test_as_of_only_through_the_log(log):
    for call in (fa.time_to_response, fa.cohort_report):
        with pytest.raises(
            TypeError,
            match=r"as_of= is no longer accepted; use "
            r"log\.with_as_of\(\.\.\.\) instead",
        ):
            call(log, as_of="2026-06-30")
    earlier = log.with_as_of("2026-06-30")
    assert fa.time_to_response(earlier).summary.attrs["definition"].as_of == pd.Timestamp(
        "2026-06-30"
    )


def test_renamed_raises_naming_the_new_argument_and_keeps_the_signature():
    @renamed(group="by")
    def f(x, *, by=None):
        """Doc."""
        return x, by

    assert f(1, by="a") == (1, "a") and f.__doc__ == "Doc."
    with pytest.raises(
        TypeError,
        match=r"^f\(\): group= was renamed to by= \(see "
        r"CHANGELOG\.md\)$",
    ):
        f(1, group="a")
    import inspect

    assert list(inspect.signature(f).parameters) == ["x", "by"]


def test_changelog_lists_every_renamed_argument():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text()
    for old, new in (
        ("group", "by"),
        ("timing", "by"),
        ("channel", "hue"),
        ("row", "by"),
        ("col", "hue"),
        ("at_days", "days"),
        ("as_of", "log.with_as_of"),
    ):
        assert f"`{old}=`" in text and new in text
    for column in COMPARISON_COLUMNS:
        assert f"`{column}`" in text


def test_schema_docstring_examples_run():
    import doctest

    result = doctest.testmod(schema)
    assert result.attempted >= 3 and result.failed == 0
