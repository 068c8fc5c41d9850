"""Metrics: statistics from counts, time to response, rates, funnel, associations.

Each module adds one import block and its names to __all__.
"""

from .inference import (
    bh_q,
    fisher_p,
    mantel_haenszel,
    odds_ratio,
    rate_table,
    risk_difference,
    risk_ratio,
    wilson_ci,
)
from .km import kaplan_meier, km_median, km_probability_by, logrank
from .survival import TimeToResponse, time_to_response

# isort: split
# rates, funnel, landmark, associations, summary
from .associations import offer_associations
from .cox import followup_hazard
from .features import DEFAULT_BUCKETS, features, followups
from .funnel import funnel
from .landmark import landmark_effect, landmark_sample
from .rates import level_rates, response_rates
from .strategies import STRATEGIES, Strategy
from .summary import summary

__all__ = [
    "DEFAULT_BUCKETS",
    "STRATEGIES",
    "Strategy",
    "features",
    "followup_hazard",
    "followups",
    "funnel",
    "landmark_effect",
    "landmark_sample",
    "level_rates",
    "offer_associations",
    "response_rates",
    "summary",
    "TimeToResponse",
    "bh_q",
    "fisher_p",
    "kaplan_meier",
    "km_median",
    "km_probability_by",
    "logrank",
    "mantel_haenszel",
    "odds_ratio",
    "rate_table",
    "risk_difference",
    "risk_ratio",
    "time_to_response",
    "wilson_ci",
]
