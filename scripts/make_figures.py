"""Regenerate the figures of docs/analytics.md from the bundled synthetic samples (deterministic).

    .venv/bin/python scripts/make_figures.py            # writes docs/*.png

The figures are drawn from the same seeded simulation that writes ``data_samples/``
(:func:`followup_analytics.samples.simulate_log` with its default seed), so they change only
when the generator, the metrics or the plots change. The data are synthetic: the figures show
what the toolkit draws, not evidence about real job searches.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import followup_analytics as fa
from followup_analytics.plots import plot_offer_associations, plot_timing_baseline
from followup_analytics.samples import simulate_log

ROOT = Path(__file__).resolve().parents[1]
#: Strategies shown in the forest plot of docs/analytics.md, in this order.
README_STRATEGIES = (
    "thank_you_after_interview",
    "thank_you_email_and_letter",
    "tiered_cadence",
    "post_rejection_note",
)
_PNG = {"dpi": 110, "metadata": {"Software": None}}  # no version stamp: byte-stable output


def timing_channel(log: fa.JobSearchLog, out: Path) -> Path:
    """Response after a follow-up sent after applying, by delay, beside its baseline."""
    rates = fa.response_rates(log, by="timing")
    ax = plot_timing_baseline(
        rates, title="Follow-ups after applying: response within 30 days, and the baseline"
    )
    path = out / "timing_channel.png"
    ax.figure.savefig(path, **_PNG)
    return path


def offer_associations(log: fa.JobSearchLog, out: Path) -> Path:
    """Naive and within-seeker odds ratios of an offer for the headline strategies."""
    assoc = fa.offer_associations(log)
    names = [s for s in README_STRATEGIES if s in set(assoc["key"])]
    ax = plot_offer_associations(assoc, strategies=names)
    path = out / "offer_associations.png"
    ax.figure.savefig(path, **_PNG)
    return path


def main(argv: list[str] | None = None) -> int:
    """Write docs/timing_channel.png and docs/offer_associations.png; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", fa.FollowupWarning)  # small groups are drawn muted
    # strata without any offer make statsmodels divide by zero; those estimates are NaN
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="statsmodels")
    log = simulate_log()
    for path in (timing_channel(log, args.out), offer_associations(log, args.out)):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
