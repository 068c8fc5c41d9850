"""`followup-analytics report` and `demo`: files written, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from followup_analytics.cli import SAMPLES, _parser, main
from followup_analytics.ingest.layouts import LAYOUTS


@pytest.fixture
def tracker(tmp_path: Path, rng: np.random.Generator) -> Path:
    """A small wide-layout tracker csv: 4 seekers x 15 applications, two programs."""
    n = 60
    applied = pd.Timestamp("2026-02-02") + pd.to_timedelta(rng.integers(0, 40, n), unit="D")
    fu = applied + pd.to_timedelta(rng.integers(2, 12, n), unit="D")
    frame = pd.DataFrame(
        {
            "Seeker": np.repeat(
                [
                    "Quillon Ashgrove",
                    "Marisol Etxeberria",
                    "Tobiah Winterbourne",
                    "Ysolde Kettleburn",
                ],
                15,
            ),
            "Company": rng.choice(["Acme", '=HYPERLINK("http://x","y")', "Globex"], n),
            "Role": "Analyst",
            "Date applied": applied.strftime("%Y-%m-%d"),
            "Status": rng.choice(
                ["Rejected", "Interview", "Applied", "Offer"], n, p=[0.4, 0.2, 0.3, 0.1]
            ),
            "Program": np.tile(["Data", "Web"], 30),
            "Follow-up date": np.where(rng.random(n) < 0.5, fu.strftime("%Y-%m-%d"), ""),
            "Follow-up channel": "email",
        }
    )
    path = tmp_path / "tracker.csv"
    frame.to_csv(path, index=False)
    return path


def test_report_writes_both_files(
    tracker: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    rc = main(
        [
            "report",
            str(tracker),
            "--by",
            "program",
            "--out",
            str(out),
            "--min-cell",
            "3",
            "--salt",
            "k",
            "--title",
            "Spring <cohort>",
        ]
    )
    assert rc == 0
    printed = capsys.readouterr().out
    html, xlsx = out / "cohort_report.html", out / "cohort_report.xlsx"
    assert f"wrote {html}" in printed and f"wrote {xlsx}" in printed
    text = html.read_text(encoding="utf-8")
    assert "Spring &lt;cohort&gt;" in text and "Quillon" not in text
    wb = openpyxl.load_workbook(xlsx)
    assert "Outcomes" in wb.sheetnames
    assert [c.value for c in wb["Overview"]["A"]][:4] == ["Program", "All", "Data", "Web"]


def test_report_html_only(tracker: Path, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert (
            main(
                [
                    "report",
                    str(tracker),
                    "--out",
                    str(tmp_path),
                    "--format",
                    "html",
                    "--min-cell",
                    "3",
                ]
            )
            == 0
        )
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cohort")) == [
        "cohort_report.html",
        "cohort_report.private-seekers.xlsx",
    ]
    # the report follows the umask; the per-seeker appendix is the adviser's alone
    assert stat.S_IMODE((tmp_path / "cohort_report.html").stat().st_mode) == 0o640
    private = tmp_path / "cohort_report.private-seekers.xlsx"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_failed_report_leaves_no_empty_folder(
    tracker: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("followup_analytics.cohort.report.CohortReport.write", broken)
    out = tmp_path / "new" / "deeper"
    assert main(["report", str(tracker), "--out", str(out), "--min-cell", "3"]) == 1
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 this is not a workbook"])
def test_unusable_input_exits_2_naming_the_file_and_writes_nothing(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "tracker.xlsx"
    bad.write_bytes(content)
    out = tmp_path / "new" / "report"
    assert main(["report", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("followup-analytics: error: ") and str(bad) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "new").exists()


def _raise_from(filename: str, exc: type[Exception]) -> Callable[..., None]:
    """A replacement function whose ``raise`` runs in code from `filename`."""
    namespace: dict[str, object] = {"exc": exc}
    exec(
        compile("def broken(*args, **kwargs):\n    raise exc('internal')\n", filename, "exec"),
        namespace,
    )
    broken = namespace["broken"]
    assert callable(broken)
    return broken


def _pandas_bug(*args: object, **kwargs: object) -> None:
    pd.Timestamp("no such day")  # a ValueError raised inside a dependency


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(_raise_from(__file__, ValueError), id="ValueError"),
        pytest.param(_raise_from(__file__, KeyError), id="KeyError"),
        pytest.param(_pandas_bug, id="ValueError-in-pandas"),
        # outside the package even though a folder on the path is called followup_analytics
        pytest.param(
            _raise_from("/elsewhere/followup_analytics/plugin.py", ValueError),
            id="ValueError-in-a-lookalike-folder",
        ),
    ],
)
def test_a_bug_exits_1_with_a_debug_hint_and_debug_shows_the_traceback(
    tracker: Path,
    tmp_path: Path,
    broken: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("followup_analytics.cohort.report.cohort_report", broken)
    out = tmp_path / "new"
    args = ["report", str(tracker), "--out", str(out), "--min-cell", "3"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("followup-analytics: internal error (")
    assert "this is a bug: rerun with --debug" in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert not out.exists()
    with pytest.raises((ValueError, KeyError)):
        main(["--debug", *args])


@pytest.mark.parametrize("command", ["inspect", "report", "demo"])
def test_help_of_each_subcommand_lists_the_choices(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps long lines
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    for action in subparsers.choices[command]._actions:
        if action.choices:
            assert "{" + ",".join(map(str, action.choices)) + "}" in text, action.dest
    if command == "inspect":
        assert "{" + ",".join(LAYOUTS) + "}" in text
    if command == "report":  # --format takes a comma-separated list of these
        assert "--format FORMAT html, xlsx or both" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-cell", "0"], "--min-cell must be at least 1; got 0"),
        (["--by", "nope"], "--by 'nope' is not a column of the input; choose one of Program"),
        (["--format", "pdf"], "--format 'pdf': unknown format 'pdf'"),
    ],
)
def test_bad_arguments_exit_2(
    tracker: Path, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["report", str(tracker), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("followup-analytics: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o" / "cohort_report.html").exists()


def test_missing_input_and_file_as_out(
    tracker: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nope.xlsx")]) == 2
    assert "input not found" in capsys.readouterr().err
    blocker = tmp_path / "taken"
    blocker.write_text("")
    assert main(["report", str(tracker), "--out", str(blocker)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_on_bundled_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert SAMPLES.exists(), "data_samples/cohort_2026.xlsx is part of the repository"
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("LoadReport:") and "Headline:" in printed
    assert (tmp_path / "cohort_report.html").stat().st_size > 10_000
    assert (tmp_path / "cohort_report.xlsx").stat().st_size > 5_000
