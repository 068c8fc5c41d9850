"""No naive followed-up-vs-not comparison anywhere: funnel, time_to_response and
response_rates refuse groupings that describe following up or thanking, and point to the
landmark analyses."""

from __future__ import annotations

import pytest

from followup_analytics import funnel, response_rates, time_to_response
from followup_analytics.samples import simulate_log

NAIVE = [
    "followed_up",
    "n_followups",
    "tiered_cadence",
    "thank_you_after_interview",
    "thank_you_rounds",
    "thank_you_email_and_letter",
]


@pytest.fixture(scope="module")
def log():
    return simulate_log(3, (20, 30), seed=3)


@pytest.mark.parametrize("by", NAIVE)
@pytest.mark.parametrize("fn", [funnel, time_to_response, response_rates])
def test_naive_groupings_are_refused_with_a_pointer(log, fn, by):
    with pytest.raises(ValueError, match="landmark_effect") as err:
        fn(log, by=by)
    assert repr(by) in str(err.value) and "offer_associations" in str(err.value)
