"""Shared fixtures: a fixed-seed rng, the Agg backend, figures closed after each test, and
:func:`build_log` (fixture ``make_log``), the one builder of small hand-made logs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

from followup_analytics import JobSearchLog

os.environ.setdefault("MPLBACKEND", "Agg")

# CI runs the same hypothesis examples every time (a red build must be reproducible);
# local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


#: Columns of an event tuple, in order: the first three are needed, the rest may be left off.
EVENT_FIELDS = ("application_id", "date", "event", "channel", "letter_type", "recipient", "note")
#: Day 0 of events dated by a number of days.
DAY0 = pd.Timestamp("2026-01-01")


def build_log(
    rows: Iterable[Sequence[object]],
    apps: pd.DataFrame | Mapping[str, Sequence[object]] | None = None,
    *,
    as_of: object = None,
    day0: object = DAY0,
    **columns: Sequence[object],
) -> JobSearchLog:
    """A small log from event tuples, as the tests write them.

    Parameters
    ----------
    rows : iterable of tuples
        ``(application_id, date, event[, channel[, letter_type[, recipient[, note]]]])``;
        shorter tuples are padded with missing values. ``date`` is a date, or an ``int``:
        days after `day0`.
    apps : DataFrame or mapping of columns, optional
        The application table (``application_id`` and carried columns such as ``seeker``
        or ``program``); derived from the events when omitted.
    as_of : date-like, optional
        Passed to :meth:`JobSearchLog.from_frames` (default: the latest date).
    **columns
        More event columns, one value per row (e.g. ``date_known=[True, False, ...]``).
    """
    rows = [tuple(r) for r in rows]
    width = max((len(r) for r in rows), default=3)
    events = pd.DataFrame(
        [r + (None,) * (width - len(r)) for r in rows], columns=list(EVENT_FIELDS[:width])
    )
    dates = events["date"].to_numpy(dtype=object, copy=True)
    days = np.array([isinstance(d, int | np.integer) for d in dates], dtype=bool)
    if days.any():
        offsets = pd.to_timedelta(dates[days].astype(np.int64), unit="D")
        dates[days] = list(pd.Timestamp(day0) + offsets)
        events["date"] = dates
    for name, values in columns.items():
        events[name] = list(values)
    if apps is not None and not isinstance(apps, pd.DataFrame):
        apps = pd.DataFrame(dict(apps))
    return JobSearchLog.from_frames(events, apps, as_of=as_of)


@pytest.fixture
def make_log():
    """:func:`build_log`, for tests that build their own small log."""
    return build_log


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261121)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(autouse=True, scope="session")
def _private_config_dir(tmp_path_factory: pytest.TempPathFactory):
    """Reports made without a salt keep their pseudonym key in a test folder, never in the
    user's configuration folder (notebook kernels inherit the variable)."""
    old = os.environ.pop("XDG_CONFIG_HOME", None)
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg_config"))
    yield
    if old is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = old
