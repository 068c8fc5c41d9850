"""The plain path for columns of a few distinct texts parses exactly as the vectorised one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from followup_analytics.ingest import _smalldates
from followup_analytics.ingest.values import parse_dates

_PIECES = [
    "2026-03-04",
    "2026/3/4",
    "2026.13.40",
    "20260304",
    "20261399",
    "03/04/2026",
    "13/04/2026",
    "04/13/26",
    "3.4.26",
    "31.02.2026",
    "1-2-99",
    "Mar 3, 2026",
    "3 March 2026",
    "3-Mar-26",
    "Sept 9th 2025",
    "Tuesday, March 3rd, 2026",
    "3rd of June 2026",
    "Foo 3, 2026",
    "46000",
    "46000.75",
    "12345",
    "99999",
    "8/15/26, 10:02 AM",
    "2026-03-04T10:00",
    "n/a",
    "-",
    "TBD",
    "",
    "  ",
    "soon",
    "Email",
    None,
    "12/12/2026",
    "07/07/07",
    "2026-02-29",
    "2024-02-29",
    "1/1/1900",
    "jan 1 70",
    "feb 30 2026",
]


def _both(values: list[object], day_first: bool | None, monkeypatch: pytest.MonkeyPatch):
    s = pd.Series(values, dtype=object, index=np.arange(10, 10 + len(values)))
    fast = parse_dates(s, day_first=day_first)
    with monkeypatch.context() as m:
        m.setattr(_smalldates, "MAX_FEW", -1)  # force the vectorised path
        slow = parse_dates(s, day_first=day_first)
    return fast, slow


@pytest.mark.parametrize("seed", range(60))
def test_few_texts_parse_as_the_vectorised_path(seed: int, monkeypatch: pytest.MonkeyPatch):
    rng = np.random.default_rng(seed)
    values = list(rng.choice(np.array(_PIECES, dtype=object), size=int(rng.integers(1, 30))))
    day_first = [None, True, False][seed % 3]
    fast, slow = _both(values, day_first, monkeypatch)
    pd.testing.assert_series_equal(fast.dates, slow.dates)
    pd.testing.assert_series_equal(fast.problem, slow.problem)
    assert (fast.order, fast.ambiguous) == (slow.order, slow.ambiguous)


def test_years_pandas_cannot_hold_take_the_vectorised_path(monkeypatch):
    fast, slow = _both(["0500-01-01", "9999-12-31", "2026-03-04"], None, monkeypatch)
    assert _smalldates.parse_few(["0500-01-01"], None) is None
    pd.testing.assert_series_equal(fast.dates, slow.dates)
    assert _smalldates.parse_few(["2026-03-04", "13/04/2026"], None)[1] == "day-first"


@pytest.mark.parametrize("day_first", [None, True, False])
def test_hundreds_of_texts_parse_as_the_vectorised_path(day_first, monkeypatch):
    rng = np.random.default_rng(5)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.permutation(900)[:700], "D")
    formats = ["%m/%d/%Y", "%d.%m.%y", "%Y-%m-%d", "%b %d, %Y", "%d %B %Y", "%Y%m%d"]
    values = [d.strftime(formats[i % len(formats)]) for i, d in enumerate(days)]
    values += list(rng.choice(np.array(_PIECES, dtype=object), size=200))
    assert 64 < len(set(values)) <= _smalldates.MAX_FEW
    fast, slow = _both(values, day_first, monkeypatch)
    pd.testing.assert_series_equal(fast.dates, slow.dates)
    pd.testing.assert_series_equal(fast.problem, slow.problem)
    assert (fast.order, fast.ambiguous) == (slow.order, slow.ambiguous)
