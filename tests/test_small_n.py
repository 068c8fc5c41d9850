"""small_n looks at events and informative seekers, not only at applications; one seeker is
said plainly."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from followup_analytics import FollowupWarning, JobSearchLog, offer_associations

DAY0 = pd.Timestamp("2026-01-01")


def _log(cells: dict[tuple[str, bool, bool], int]) -> JobSearchLog:
    """Interviewed applications on day 10, a thank-you on day 11 or none, then an offer or a
    rejection on day 30: ``cells[(seeker, thanked, offer)] = count``."""
    rows, apps, i = [], [], 0
    for (seeker, ty, offer), count in cells.items():
        for _ in range(count):
            a = f"a{i}"
            rows += [
                (a, DAY0, "applied", None, None),
                (a, DAY0 + pd.Timedelta(days=10), "interview", None, None),
            ]
            if ty:
                rows.append((a, DAY0 + pd.Timedelta(days=11), "followup", "email", "thank_you"))
            rows.append(
                (a, DAY0 + pd.Timedelta(days=30), "offer" if offer else "rejection", None, None)
            )
            apps.append((a, seeker))
            i += 1
    ev = pd.DataFrame(rows, columns=["application_id", "date", "event", "channel", "letter_type"])
    return JobSearchLog.from_frames(
        ev, pd.DataFrame(apps, columns=["application_id", "seeker"]), as_of="2026-12-31"
    )


def _run(log):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        return offer_associations(log, strategies=["thank_you_after_interview"])


def test_few_events_flag_small_n_even_with_many_applications():
    # 100 thanked (2 offers) vs 100 not (1 offer): plenty of applications, 3 events
    log = _log(
        {
            ("s", True, True): 2,
            ("s", True, False): 98,
            ("s", False, True): 1,
            ("s", False, False): 99,
            ("t", True, False): 5,
            ("t", False, False): 5,
        }
    )
    r = _run(log)
    assert r["small_n"].all()
    ws = r[r["estimator"] == "within_seeker_odds_ratio"].iloc[0]
    assert ws["n_seekers"] == 1  # only s carries information


def test_fewer_than_five_informative_seekers_flag_the_within_seeker_row():
    cells = {}
    for s in "pqr":  # three informative seekers, many events
        cells.update(
            {(s, True, True): 10, (s, True, False): 10, (s, False, True): 10, (s, False, False): 10}
        )
    r = _run(_log(cells)).set_index("estimator")
    assert not r.loc["pooled_odds_ratio", "small_n"]
    assert r.loc["within_seeker_odds_ratio", "small_n"]
    assert r.loc["within_seeker_odds_ratio", "n_seekers"] == 3
    assert r.loc["pooled_odds_ratio", "n_seekers"] == 3


def test_an_infinite_estimate_is_an_estimate_not_a_missing_one():
    # nobody without a note got an offer: pooled odds ratio inf with an exact interval
    r = _run(_log({("s", True, True): 6, ("s", True, False): 6, ("s", False, False): 12}))
    row = r.set_index("estimator").loc["pooled_odds_ratio"]
    assert row["estimate"] == np.inf and row["ci_high"] == np.inf and row["ci_low"] > 1
    assert "not estimable" not in row["note"] and row["note"].startswith("one seeker")
