"""Plots of the tidy result frames: each ``plot_*`` takes a result and ``ax=None``.

Every function draws on `ax` (or on a new figure of notebook width when `ax` is None),
never calls ``plt.show()``, never changes its input, and returns the Axes. Colours follow
the Okabe-Ito colour-blind-safe palette; groups too small for a stable estimate are muted;
titles and axis labels state the definition used.

Importing this module imports matplotlib; ``import followup_analytics`` does not.
"""

from ._common import OKABE_ITO
from .associations import plot_offer_associations
from .funnel import plot_funnel
from .heatmap import plot_heatmap
from .rates import plot_rates, plot_timing
from .survival import plot_time_to_response
from .timing import plot_timing_baseline

__all__ = [
    "OKABE_ITO",
    "plot_funnel",
    "plot_heatmap",
    "plot_offer_associations",
    "plot_rates",
    "plot_time_to_response",
    "plot_timing",
    "plot_timing_baseline",
]
