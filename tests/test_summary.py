"""summary(): the headline table on a hand-made log."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log

from followup_analytics import SmallSampleWarning
from followup_analytics.metrics.summary import summary


def _log():
    rows = [
        ("a", "2026-01-01", "applied", None, None),
        ("a", "2026-01-04", "followup", "email", "status_check"),
        ("a", "2026-01-06", "reply", None, None),  # 5 days
        ("b", "2026-01-01", "applied", None, None),
        ("b", "2026-01-11", "interview", None, None),  # 10 days
        ("b", "2026-01-12", "followup", "email", "thank_you"),
        ("b", "2026-01-30", "offer", None, None),
        ("c", "2026-01-01", "applied", None, None),
        ("c", "2026-01-03", "rejection", None, None),  # 2 days
        ("d", "2026-01-01", "applied", None, None),  # silent, censored
        ("e", "2026-01-01", "applied", None, None),
        ("e", "2026-01-21", "interview", None, None),  # 20 days, no thank-you
    ]
    apps = pd.DataFrame({"application_id": list("abcde"), "seeker": list("sstuu")})
    return build_log(rows, apps, as_of="2026-03-01")


def test_summary_headline_numbers():
    with pytest.warns(SmallSampleWarning, match="only 5 applications"):
        s = summary(_log())
    assert list(s.columns) == ["metric", "n", "k", "rate", "ci_low", "ci_high", "value", "note"]
    s = s.set_index("metric")
    assert s.loc["applications", "value"] == 5 and s.loc["seekers", "value"] == 3
    assert (s.loc["response_rate", "n"], s.loc["response_rate", "k"]) == (5, 4)
    assert s.loc["response_rate", "rate"] == pytest.approx(0.8)
    assert (s.loc["interview_rate", "k"], s.loc["offer_rate", "k"]) == (2, 1)
    assert (
        s.loc["offer_rate_among_interviewed", "n"],
        s.loc["offer_rate_among_interviewed", "k"],
    ) == (2, 1)
    assert (s.loc["followed_up_share", "k"], s.loc["response_after_followup", "n"]) == (2, 1)
    assert (
        s.loc["thank_you_share_among_interviewed", "n"],
        s.loc["thank_you_share_among_interviewed", "k"],
    ) == (2, 1)
    assert (s.loc["seekers_with_offer", "n"], s.loc["seekers_with_offer", "k"]) == (3, 1)
    # Kaplan-Meier on durations 2, 5, 10, 20 (events) and 59 (censored): S drops to 0.4
    # after day 10, so the median (first day with S <= 0.5) is 10 days.
    assert s.loc["median_days_to_response", "value"] == pytest.approx(10)
    assert s.loc["median_days_to_response", "k"] == 4
    assert np.isnan(s.loc["median_days_to_response", "rate"])


def test_summary_does_not_mutate_and_is_quiet_on_enough_data():
    log = _log()
    ev = log.events.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        summary(log)
    pd.testing.assert_frame_equal(log.events, ev)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        summary(log, min_n=5)


def _count(caught, category):
    return sum(issubclass(w.category, category) for w in caught)


def test_small_log_warns_once_for_the_whole_table():
    # time_to_response() warns too (fewer than 20 applications): summary folds that warning
    # into its own, so a small log gives exactly one SmallSampleWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary(_log())
    assert _count(caught, SmallSampleWarning) == 1
    message = str(next(w.message for w in caught if w.category is SmallSampleWarning))
    assert "only 5 applications" in message
    assert "median days to response rests on 5 applications" in message


def test_inner_time_to_response_warning_is_judged_by_min_n():
    # 12 applications: time_to_response() alone would warn (< 20), summary does not (>= 10)
    rows = [(f"x{i}", "2026-01-01", "applied", None, None) for i in range(12)]
    rows += [(f"x{i}", f"2026-01-{3 + i:02d}", "reply", None, None) for i in range(8)]
    log = build_log(rows, as_of="2026-03-01")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = summary(log).set_index("metric")
    assert _count(caught, SmallSampleWarning) == 0
    assert s.loc["median_days_to_response", "n"] == 12
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary(log, min_n=13)
    assert _count(caught, SmallSampleWarning) == 1
