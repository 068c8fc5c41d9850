"""A new user's first hour: mistakes that used to pass silently are errors or warnings, and
the package, its plots and its command are reachable as the README says."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import followup_analytics as fa
from followup_analytics import ArgumentError, JobSearchLog, LoadWarning, load

EVENTS = pd.DataFrame(
    {
        "application_id": ["a", "a", "b"],
        "date": ["2026-10-01", "2026-10-09", "2026-10-02"],
        "event": ["applied", "followup", "applied"],
    }
)


# ------------------------------------------------------------------ as_of
@pytest.mark.parametrize(
    "bad, why",
    [
        (20261030, "is a number, not a date"),  # used to become 1970-01-01
        (20261030.0, "is a number, not a date"),
        (np.int64(20261030), "is a number, not a date"),
        (True, "is a number, not a date"),
        ("next tuesday", "is not a date"),
        ("", "is not a date"),
        (pd.NaT, "is not a date"),
        ("1970-01-01", "the year 1970, outside"),
        ("3026-10-30", "the year 3026, outside"),
    ],
)
def test_an_unusable_as_of_is_a_clear_error_everywhere(tmp_path, bad, why):
    csv = tmp_path / "t.csv"
    csv.write_text("Company,Date Applied\nAcme,2026-10-01\n", encoding="utf-8")
    log = JobSearchLog.from_frames(EVENTS)
    calls = [
        lambda: JobSearchLog.from_frames(EVENTS, as_of=bad),
        lambda: log.with_as_of(bad),
        lambda: load(csv, as_of=bad),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=rf"as_of=.*{why}.*'2026-10-30'") as info:
            call()
        assert type(info.value) is ArgumentError  # one exception type, whatever the entry


@pytest.mark.parametrize(
    "good",
    [
        "2026-10-30",
        "30 October 2026",
        dt.date(2026, 10, 30),
        dt.datetime(2026, 10, 30, 17, 45),
        pd.Timestamp("2026-10-30 09:00", tz="Europe/Paris"),
        np.datetime64("2026-10-30"),
    ],
)
def test_date_like_as_of_values_give_the_day(good):
    assert JobSearchLog.from_frames(EVENTS, as_of=good).as_of == pd.Timestamp("2026-10-30")


def test_without_as_of_the_data_end_on_their_latest_day():
    assert JobSearchLog.from_frames(EVENTS).as_of == pd.Timestamp("2026-10-09")


# ------------------------------------------------------------------ mapping
def test_a_mapping_key_that_matches_no_column_warns_with_the_closest_header(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("Company,Date Applied,Job Title\nAcme,2026-10-01,Analyst\n", encoding="utf-8")
    with pytest.warns(
        LoadWarning,
        match=r"mapping key 'Jb Title' matches no column.*"
        r"did you mean 'Job Title'\?",
    ):
        log = load(csv, mapping={"Jb Title": "role"})
    assert any("'Jb Title' is not in any input" in n for n in log.report.notes)
    with pytest.warns(LoadWarning, match=r"'Salary' matches no column in any input; it was"):
        load(csv, mapping={"Salary": "note"})
    with pytest.raises(fa.SpreadsheetError, match="did you mean 'Job Title'"):
        load(csv, mapping={"Jb Title": "role"}, strict=True)


# ------------------------------------------------------------------ reaching things
ROOT = Path(__file__).resolve().parents[1]


def test_fa_plots_works_without_importing_matplotlib_at_import_time():
    code = (
        "import sys, followup_analytics as fa\n"
        "print('matplotlib' in sys.modules)\n"
        "print(callable(fa.plots.plot_rates), 'matplotlib' in sys.modules)\n"
        "print('plots' in dir(fa))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    ).stdout.split()
    assert out == ["False", "True", "True", "True"]
    with pytest.raises(AttributeError, match="has no attribute 'plot'"):
        fa.plot  # noqa: B018


def test_version_is_in_one_place_and_the_command_prints_it(capsys):
    from followup_analytics.cli import main
    from followup_analytics.version import __version__

    assert fa.__version__ == __version__
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"followup-analytics {__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'attr = "followup_analytics.version.__version__"' in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, flags=re.MULTILINE)


def test_layout_choices_are_listed_in_help(capsys):
    from followup_analytics.cli import main
    from followup_analytics.ingest.layouts import LAYOUTS

    with pytest.raises(SystemExit):
        main(["inspect", "--help"])
    assert "{" + ",".join(LAYOUTS) + "}" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["inspect", "x.csv", "--layout", "diagonal"])
    assert done.value.code == 2
    assert "invalid choice: 'diagonal'" in capsys.readouterr().err


@pytest.mark.parametrize("uid, flag", [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_for_root(uid, flag):
    out = subprocess.run(
        ["make", "-n", "lab", f"USER_ID={uid}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    lab = [line for line in out.splitlines() if "jupyter lab" in line]
    assert len(lab) == 1 and ("--allow-root" in lab[0]) is flag


def test_make_test_fast_leaves_out_slow_tests():
    out = subprocess.run(
        ["make", "-n", "test-fast"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert '-m "not slow"' in out


def test_readme_says_how_to_reach_the_command_and_the_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needed in (
        ".venv/bin/followup-analytics",
        ".venv/bin/python",
        "source .venv/bin/activate",
        "make demo",
        "make lab",
    ):
        assert needed in readme, needed
