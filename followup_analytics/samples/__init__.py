"""Seeded synthetic job searches and the bundled sample spreadsheets.

The samples are synthetic: they follow published ranges (listed with their sources in
``data_samples/README.md``) and carry
small, documented, confounded planted effects (:data:`PLANTED_EFFECTS`) so that the
estimators can be checked against a known truth. They are not evidence about real job
searches.
"""

from .bundled import sample_path
from .files import write_samples
from .simulate import PLANTED_EFFECTS, simulate, simulate_log
from .traps import TRAPS, simulate_traps, simulate_traps_log

__all__ = [
    "PLANTED_EFFECTS",
    "TRAPS",
    "sample_path",
    "simulate",
    "simulate_log",
    "simulate_traps",
    "simulate_traps_log",
    "write_samples",
]
