"""followup_analytics: which job-search follow-up strategies go with replies, interviews
and offers.

The public API is this façade; submodules are implementation detail unless documented.
"""

from .errors import (
    AmbiguousDateWarning,
    ArgumentError,
    FollowupWarning,
    LoadWarning,
    Problem,
    SmallSampleWarning,
    SparseStrataWarning,
    SpreadsheetError,
)
from .loadreport import LoadReport
from .log import JobSearchLog
from .version import __version__

# isort: split
# ---- ingest: load()  (keep one import per line below this marker)
from .ingest.load import load

# ---- metrics  (keep one import per line below this marker)
from .metrics.associations import offer_associations
from .metrics.cox import followup_hazard
from .metrics.features import DEFAULT_BUCKETS, features, followups
from .metrics.funnel import funnel
from .metrics.landmark import landmark_effect
from .metrics.rates import level_rates, response_rates
from .metrics.summary import summary
from .metrics.survival import TimeToResponse, time_to_response

# isort: split
# ---- cohort reports  (keep one import per line below this marker)
from .cohort import CohortReport, cohort_report

# ---- samples
from .samples import PLANTED_EFFECTS, simulate, simulate_log, write_samples


def __getattr__(name: str) -> object:
    """``fa.plots`` imports :mod:`followup_analytics.plots` (and matplotlib) on first use,
    so ``import followup_analytics`` stays quick and works without a display."""
    if name == "plots":
        import importlib

        return importlib.import_module(f"{__name__}.plots")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "plots"})


__all__ = [
    "DEFAULT_BUCKETS",
    "AmbiguousDateWarning",
    "CohortReport",
    "FollowupWarning",
    "JobSearchLog",
    "LoadReport",
    "LoadWarning",
    "Problem",
    "SmallSampleWarning",
    "SparseStrataWarning",
    "PLANTED_EFFECTS",
    "ArgumentError",
    "SpreadsheetError",
    "TimeToResponse",
    "__version__",
    "cohort_report",
    "features",
    "followup_hazard",
    "followups",
    "funnel",
    "landmark_effect",
    "level_rates",
    "load",
    "offer_associations",
    "response_rates",
    "simulate",
    "simulate_log",
    "summary",
    "time_to_response",
    "write_samples",
]
