"""Cell values: missing markers, dates in every usual form, vocabularies per unique value."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from followup_analytics.ingest.values import (
    check_vocab,
    factorize_objects,
    flags,
    is_missing,
    normalise,
    parse_dates,
)


def _d(*ymd):
    return pd.Timestamp(*ymd)


def test_missing_markers_and_blanks():
    s = pd.Series(["-", "n/a", "N/A", None, np.nan, "?", "TBD", " ", "x", "none", "Acme"])
    got = is_missing(s).tolist()
    assert got == [True, True, True, True, True, True, True, True, False, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-04", _d(2026, 3, 4)),
        ("2026-03-04 10:22:00", _d(2026, 3, 4)),
        ("2026/3/4", _d(2026, 3, 4)),
        ("Mar 3, 2026", _d(2026, 3, 3)),
        ("March 3rd, 2026", _d(2026, 3, 3)),
        ("Monday, March 3, 2026", _d(2026, 3, 3)),
        ("3 March 2026", _d(2026, 3, 3)),
        ("3-Mar-26", _d(2026, 3, 3)),
        ("8/15/26, 10:02 AM", _d(2026, 8, 15)),
        ("46000", _d(2025, 12, 9)),  # =DATE(2025,12,9) in Excel is 46000
        ("20260315", _d(2026, 3, 15)),
        ("1899-05-01", _d(1899, 5, 1)),  # parsed; load() quarantines years before 1990
    ],
)
def test_one_value_forms(text, expected):
    r = parse_dates(pd.Series([text]))
    assert r.dates.iloc[0] == expected
    assert r.problem.iloc[0] is None


def test_real_cells_and_serial_numbers():
    s = pd.Series(
        [
            dt.datetime(2026, 1, 2, 10, 3),
            dt.date(2026, 1, 3),
            pd.Timestamp("2026-01-04"),
            46000,
            46000.75,
            12,
            99999,
            True,
        ]
    )
    r = parse_dates(s)
    assert r.dates.tolist()[:5] == [
        _d(2026, 1, 2),
        _d(2026, 1, 3),
        _d(2026, 1, 4),
        _d(2025, 12, 9),
        _d(2025, 12, 9),
    ]
    assert r.dates.iloc[5:].isna().all()
    assert "not a date" in r.problem.iloc[5] and "not a date" in r.problem.iloc[6]
    assert r.dates.dtype == "datetime64[s]"


def test_day_first_is_proven_by_a_first_part_above_12():
    r = parse_dates(pd.Series(["03/04/2026", "13/04/2026", "01/02/2026"]))
    assert r.order == "day-first" and not r.ambiguous
    assert r.dates.tolist() == [_d(2026, 4, 3), _d(2026, 4, 13), _d(2026, 2, 1)]


def test_month_first_is_proven_by_a_second_part_above_12():
    r = parse_dates(pd.Series(["03/04/2026", "04/13/2026"]))
    assert r.order == "month-first" and not r.ambiguous
    assert r.dates.tolist() == [_d(2026, 3, 4), _d(2026, 4, 13)]


def test_undecidable_column_defaults_to_month_first_and_says_so():
    r = parse_dates(pd.Series(["03/04/2026", "05/06/2026"]))
    assert r.order == "month-first" and r.ambiguous
    assert r.dates.iloc[0] == _d(2026, 3, 4)
    dotted = parse_dates(pd.Series(["03.04.2026", "05.06.2026"]))
    assert dotted.order == "day-first" and dotted.ambiguous
    same = parse_dates(pd.Series(["03/03/2026", "2026-05-01"]))
    assert not same.ambiguous  # 3/3 reads the same either way


def test_forced_order_and_missing_markers_in_dates():
    r = parse_dates(pd.Series(["03/04/26", "-", None, "n/a", "nonsense"]), day_first=True)
    assert r.dates.iloc[0] == _d(2026, 4, 3)
    assert r.dates.iloc[1:].isna().all()
    assert r.problem.tolist()[:4] == [None, None, None, None]
    assert r.problem.iloc[4] == "cannot read 'nonsense' as a date"


def test_invalid_calendar_dates_are_problems():
    r = parse_dates(pd.Series(["2026-02-30", "Foo 3, 2026"]))
    assert r.dates.isna().all()
    assert r.problem.notna().all()


@pytest.mark.parametrize(
    "field, text, expected",
    [
        ("status", "rejected :(", "rejection"),
        ("status", "Denied", "rejection"),
        ("status", "Not selected", "rejection"),
        ("status", "Offer!", "offer"),
        ("status", "Ghosted", None),
        ("status", "No response", None),
        ("status", "2nd interview", "interview"),
        ("status", "Offer accepted", "accepted"),
        ("channel", "e-mail", "email"),
        ("channel", "emailed", "email"),
        ("channel", "snail mail", "letter"),
        ("channel", "handwritten note", "letter"),
        ("channel", "Left a voicemail", "voicemail"),
        ("channel", "LinkedIn InMail", "linkedin"),
        ("letter_type", "TY note", "thank_you"),
        ("letter_type", "checked in", "status_check"),
        ("letter_type", "Asked for feedback", "feedback_request"),
        ("recipient", "Hiring Manager", "hiring_manager"),
        ("recipient", "the recruiter", "recruiter"),
    ],
)
def test_vocabulary(field, text, expected):
    got, unknown = normalise(pd.Series([text]), field)
    value = got.iloc[0]
    assert (None if pd.isna(value) else value) == expected
    assert len(unknown) == 0


def test_unknown_text_becomes_other_and_is_counted_once_per_value():
    s = pd.Series(["Fax", "fax machine", "Fax", None, "-", "email"])
    got, unknown = normalise(s, "channel")
    assert got.astype(object).where(got.notna(), None).tolist() == [
        "other",
        "other",
        "other",
        None,
        None,
        "email",
    ]
    assert unknown.to_dict("records") == [
        {"field": "channel", "value": "Fax", "count": 2},
        {"field": "channel", "value": "fax machine", "count": 1},
    ]


def test_user_vocabulary_wins_and_is_validated():
    got, unknown = normalise(pd.Series(["Slack"]), "channel", {"Slack": "text"})
    assert got.iloc[0] == "text" and len(unknown) == 0
    with pytest.raises(ValueError, match="unknown field 'colour'.*allowed"):
        check_vocab({"colour": {"x": "y"}})
    with pytest.raises(ValueError, match="'fax' is not allowed; allowed: .*email"):
        check_vocab({"channel": {"Fax": "fax"}})
    check_vocab({"status": {"Parked": None}, "event": {"Screened": "interview"}})


def test_flags():
    got = flags(pd.Series(["x", "Yes", "✓", None, "no", "2026-01-01", True, 1, "-"]))
    assert got.tolist() == [True, True, True, False, False, None, True, True, False]


def test_per_unique_value_work_scales(rng):
    # a million cells with few distinct values parse quickly (no per-row Python work)
    import time

    days = pd.date_range("2025-01-01", periods=500).strftime("%m/%d/%Y").to_numpy()
    s = pd.Series(rng.choice(days, 1_000_000))
    t0 = time.perf_counter()
    r = parse_dates(s)
    elapsed = time.perf_counter() - t0
    assert r.dates.notna().all() and r.order == "month-first"
    assert elapsed < 5


def _shared_objects(pool: list, n: int, seed: int, strided: bool) -> np.ndarray:
    """A long object column whose equal cells are partly one object, partly copies (as a
    csv parser's chunks leave them): the shortcut by address must not change the codes."""
    rng = np.random.default_rng(seed)
    objs = np.empty(len(pool), dtype=object)
    objs[:] = pool
    arr = objs[rng.integers(0, len(pool), n)]
    copies = rng.random(n) < 0.001  # a few equal values held by other objects
    arr[copies] = [(v + ".")[:-1] if isinstance(v, str) else v for v in arr[copies]]
    assert len({id(v) for v in arr if isinstance(v, str) and v == "Applied"}) > 1
    return arr[::2] if strided else arr


@pytest.mark.parametrize("strided", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_factorize_objects_matches_pandas(seed, strided):
    pool = ["a", "b", "", "Applied", None, np.nan, 1, 1.0, True, 0, False, pd.NaT, pd.NA]
    pool += [dt.date(2026, 3, 4), dt.datetime(2026, 3, 4), "2026-03-04", float("nan")]
    arr = _shared_objects(pool, 240_000, seed, strided)
    codes, uniques = factorize_objects(arr)
    want_codes, want_uniques = pd.factorize(arr, use_na_sentinel=True)
    assert codes.dtype == want_codes.dtype
    np.testing.assert_array_equal(codes, want_codes)
    assert uniques.dtype == object
    assert len(uniques) == len(want_uniques)
    assert all(u is w for u, w in zip(uniques, want_uniques, strict=True))


def test_factorize_objects_distinct_and_short_columns():
    distinct = np.array([f"v{i % 70_000}" for i in range(120_000)], dtype=object)
    short = np.array(["x", None, "y", "x"], dtype=object)
    for arr in (distinct, short, np.array([], dtype=object)):
        codes, uniques = factorize_objects(arr)
        want_codes, want_uniques = pd.factorize(arr, use_na_sentinel=True)
        np.testing.assert_array_equal(codes, want_codes)
        assert list(uniques) == list(want_uniques)
