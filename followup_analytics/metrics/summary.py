"""The headline table a user reads first."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import SmallSampleWarning, find_stack_level
from ..log import JobSearchLog
from ..schema import Definition, attach
from .clustered import seeker_robust_ci
from .features import features
from .inference import rate_table
from .survival import time_to_response

SUMMARY_COLUMNS = ["metric", "n", "k", "rate", "ci_low", "ci_high", "value", "note"]


def summary(log: JobSearchLog, *, min_n: int = 10) -> pd.DataFrame:
    """Headline numbers: volume, response, interview and offer rates, follow-ups, thank-yous.

    Rates are per application (per seeker for ``seekers_with_offer``) with 95% intervals:
    Wilson for one seeker, seeker-robust (GEE sandwich from per-seeker counts, see
    :mod:`.clustered`) for the application rates of several seekers; the median time to a response is a Kaplan-Meier estimate with applications
    still waiting censored at ``log.as_of``, never an average of the responders.

    Parameters
    ----------
    log : JobSearchLog
    min_n : int, default 10
        Fewer applications than this (in the log, or analysed for the median days to
        response) warns with SmallSampleWarning.

    Returns
    -------
    DataFrame
        One row per metric: ``applications``, ``seekers``, ``response_rate``,
        ``interview_rate``, ``offer_rate``, ``offer_rate_among_interviewed``,
        ``followed_up_share``, ``response_after_followup``, ``median_days_to_response``,
        ``thank_you_share_among_interviewed``, ``seekers_with_offer``. Columns:

        - ``metric``: the name above;
        - ``n``: the denominator (applications, interviewed applications, eligible
          follow-ups or seekers); ``k``: the numerator;
        - ``rate``: ``k / n``; ``ci_low``, ``ci_high``: its 95% interval (Wilson, or
          seeker-robust over several seekers; for the median: the interval of the median);
        - ``value``: the headline value (the count for counts, the rate for rates, days for
          the median);
        - ``note``: what exactly is counted.

        ``attrs["definition"]``: unit application, the 30-day follow-up window, ``as_of``.

    Warns
    -----
    SmallSampleWarning
        At most once per call, naming every headline number that rests on fewer than
        `min_n` applications (the inner time-to-response warning is folded into it).

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> table = fa.summary(log)
    >>> table.columns.tolist()
    ['metric', 'n', 'k', 'rate', 'ci_low', 'ci_high', 'value', 'note']
    >>> table.attrs["definition"].unit
    'application'
    """
    f = features(log)
    interviewed = f["interviewed"].to_numpy(dtype=bool)
    eligible = f["response_after_followup"].notna().to_numpy()
    by_seeker = f.groupby("seeker", observed=True)["offered"].any()
    rows = [
        (
            "response_rate",
            len(f),
            int(f["responded"].sum()),
            "applications with a reply, interview, rejection or offer",
        ),
        (
            "interview_rate",
            len(f),
            int(f["interviewed"].sum()),
            "applications with at least one interview",
        ),
        ("offer_rate", len(f), int(f["offered"].sum()), "applications with an offer"),
        (
            "offer_rate_among_interviewed",
            int(interviewed.sum()),
            int(f["offered"].to_numpy(dtype=bool)[interviewed].sum()),
            "interviewed applications with an offer",
        ),
        (
            "followed_up_share",
            len(f),
            int(f["followed_up"].sum()),
            "applications followed up at least once",
        ),
        (
            "response_after_followup",
            int(eligible.sum()),
            int(f["response_after_followup"].fillna(False).sum()),
            "first follow-ups before any response answered within 30 days",
        ),
        (
            "thank_you_share_among_interviewed",
            int(interviewed.sum()),
            int(f["thank_you_after_interview"].fillna(False).sum()),
            "interviewed applications with a thank-you note after an interview",
        ),
        (
            "seekers_with_offer",
            len(by_seeker),
            int(by_seeker.sum()),
            "seekers with at least one offer",
        ),
    ]
    k = np.array([r[2] for r in rows])
    n = np.array([r[1] for r in rows])
    rates = rate_table(k, n, min_n=min_n)
    low, high = rates["ci_low"].to_numpy(copy=True), rates["ci_high"].to_numpy(copy=True)
    seeker, names = pd.factorize(f["seeker"], use_na_sentinel=False)
    if len(names) >= 2:  # applications cluster by seeker: seeker-robust intervals
        units = np.ones(len(f), dtype=bool)
        defs = [
            (units, f["responded"]),
            (units, f["interviewed"]),
            (units, f["offered"]),
            (interviewed, f["offered"]),
            (units, f["followed_up"]),
            (eligible, f["response_after_followup"]),
            (interviewed, f["thank_you_after_interview"]),
        ]
        per_n = np.stack([np.bincount(seeker, weights=u, minlength=len(names)) for u, _ in defs])
        per_k = np.stack(
            [
                np.bincount(
                    seeker, weights=u & y.fillna(False).to_numpy(bool), minlength=len(names)
                )
                for u, y in defs
            ]
        )
        r_low, r_high, _ = seeker_robust_ci(per_k, per_n)
        low[: len(defs)], high[: len(defs)] = r_low, r_high
    table = pd.DataFrame(
        {
            "metric": [r[0] for r in rows],
            "n": n,
            "k": k,
            "rate": rates["rate"].to_numpy(),
            "ci_low": low,
            "ci_high": high,
            "value": rates["rate"].to_numpy(),
            "note": [r[3] for r in rows],
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ttr = time_to_response(log).summary.iloc[0]
    for w in caught:  # SmallSampleWarning is folded into the one warning below
        if not issubclass(w.category, SmallSampleWarning):
            warnings.warn(w.message, w.category, stacklevel=find_stack_level())
    counts = pd.DataFrame(
        {
            "metric": ["applications", "seekers", "median_days_to_response"],
            "n": [len(f), f["seeker"].nunique(), int(ttr["n"])],
            "k": [len(f), f["seeker"].nunique(), int(ttr["n_responses"])],
            "rate": np.nan,
            "ci_low": [np.nan, np.nan, ttr["median_ci_low"]],
            "ci_high": [np.nan, np.nan, ttr["median_ci_high"]],
            "value": [len(f), f["seeker"].nunique(), ttr["median_days"]],
            "note": [
                "applications in the log",
                "distinct seekers",
                f"Kaplan-Meier median days from applying to the first response; waiting "
                f"applications censored at {log.as_of.date()}; k = responses",
            ],
        }
    )
    out = pd.concat(
        [counts.iloc[:2], table.iloc[:6], counts.iloc[2:], table.iloc[6:]], ignore_index=True
    )
    small = (
        [f"only {len(f)} applications: the headline rates are unstable"] if len(f) < min_n else []
    )
    if int(ttr["n"]) < min_n:
        small.append(f"the median days to response rests on {int(ttr['n'])} applications")
    if small:  # one warning for the whole table, whatever the inner calls warned about
        warnings.warn("; ".join(small), SmallSampleWarning, stacklevel=find_stack_level())
    out = out[SUMMARY_COLUMNS].astype({"n": "int64", "k": "int64", "value": float})
    return attach(
        out,
        Definition(
            None,
            window=30,
            unit="application",
            as_of=log.as_of,
            extra="headline numbers; see the note of each row",
        ),
    )
