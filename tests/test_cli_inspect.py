"""`followup-analytics inspect`: what load() found, or exit 2 with one line."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from followup_analytics.cli import main


def _tracker(path: Path) -> Path:
    path.write_text(
        "My tracker\n\nCompany,Date Applied,Follow-up Date,Follow-up Method,"
        "Status,Cohort\n"
        "Acme,2026-03-01,2026-03-05,e-mail,Rejected,Spring\n"
        "Beta,2026-03-02,,,Ghosted,Spring\n"
        ",,,,,\n"
        "Cyan,someday,,,Offer!,Spring\n"
        "Delta,2026-03-04,2026-03-06,carrier pigeon,,Spring\n",
        encoding="utf-8",
    )
    return path


def test_inspect_prints_layout_mapping_counts_quarantine_and_unknown_values(tmp_path, capsys):
    code = main(["inspect", str(_tracker(tmp_path / "t.csv")), "--as-of", "2026-06-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "wide layout (one row per application with applied_on, followup_date, status), header row 3"
    ) in out
    assert "Dropped rows: blank row x1" in out
    assert "'Date Applied' -> applied_on" in out
    assert "'Follow-up Method' -> followup_channel" in out
    assert "Carried along (not mapped): 'Cohort'" in out
    assert "row 7, column 'Date Applied': cannot read 'someday' as a date" in out
    assert "followup_channel" in out and "'carrier pigeon'" in out
    # "Cyan" has an unreadable date: loaded undated, the cell quarantined
    assert "Events: applied 4, followup 2, rejection 1, offer 1" in out
    assert "4 applications" in out


def test_inspect_unusable_files_exit_2_with_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    for bad in (empty, corrupt, tmp_path / "missing.csv"):
        code = main(["inspect", str(bad)])
        err = capsys.readouterr().err
        assert code == 2, bad
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("followup-analytics: error:") and bad.name in err
        assert "Traceback" not in err
    assert main(["inspect", str(_tracker(tmp_path / "t.csv")), "--as-of", "someday"]) == 2
    assert "as_of='someday' is not a date" in capsys.readouterr().err


def test_inspect_as_a_command(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "-m", "followup_analytics.cli", "inspect", str(empty)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "empty.xlsx" in run.stderr
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "followup_analytics.cli",
            "inspect",
            str(_tracker(tmp_path / "t.csv")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert good.returncode == 0 and "wide layout" in good.stdout


def test_report_html_lists_quarantined_and_dropped_rows(tmp_path):
    import warnings

    from followup_analytics import LoadWarning, load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LoadWarning)
        log = load(_tracker(tmp_path / "t.csv"), as_of="2026-06-01")
    html = log.report._repr_html_()
    assert "Quarantined rows (1)" in html and "Dropped rows (blank, totals, notes) (1)" in html
    assert "someday" in html and "<script" not in html


def test_hostile_input_exits_2_with_one_line_naming_the_file(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a," * 9_000_000)  # one 18 MB line
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "line longer than" in err


def test_a_bug_exits_1_with_a_debug_hint_and_debug_shows_the_traceback(
    tmp_path, capsys, monkeypatch
):
    import importlib

    load_module = importlib.import_module("followup_analytics.ingest.load")

    def broken(*args, **kwargs):
        raise KeyError("internal")

    monkeypatch.setattr(load_module, "load", broken)
    tracker = str(_tracker(tmp_path / "t.csv"))
    assert main(["inspect", tracker]) == 1
    err = capsys.readouterr().err
    assert "internal error (KeyError" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(KeyError):
        main(["--debug", "inspect", tracker])


def test_a_value_error_from_a_bug_inside_the_package_exits_1(tmp_path, capsys, monkeypatch):
    """A plain ValueError raised by the package's own code (say ``int("x")`` on a value it
    built itself) is a bug, not the user's input: exit 1. Argument checks raise
    ArgumentError (exit 2)."""
    import importlib

    from followup_analytics import ArgumentError
    from followup_analytics.ingest.raw import Parts

    load_module = importlib.import_module("followup_analytics.ingest.load")

    def broken(*args, **kwargs):
        # a ValueError whose last frame is the package's own code (numpy raises it there)
        parts = Parts(("a.csv",), (None,), np.array([2]))
        return parts.locate(np.array(["not a row number"]))

    monkeypatch.setattr(load_module, "load", broken)
    tracker = str(_tracker(tmp_path / "t.csv"))
    assert main(["inspect", tracker]) == 1
    assert "internal error (ValueError" in capsys.readouterr().err

    def refused(*args, **kwargs):
        raise ArgumentError("layout must be one of ['auto', ...]; got 'x'")

    monkeypatch.setattr(load_module, "load", refused)
    assert main(["inspect", tracker]) == 2
    err = capsys.readouterr().err
    assert err.startswith("followup-analytics: error: layout must be")
    assert issubclass(ArgumentError, ValueError)


def test_a_closed_pipe_ends_quietly(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "followup_analytics.cli",
            "inspect",
            str(_tracker(tmp_path / "t.csv")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # like `| head` that has already exited
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and err == b""


def test_inspect_escapes_terminal_control_characters(tmp_path, capsys):
    path = _tracker(tmp_path / "evil\x1b]0;owned\x07\x1b[31m.csv")
    path.write_text(path.read_text().replace("Beta", "Beta\x1b[2J\x9b31m"))
    assert main(["inspect", str(path), "--as-of", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "evil\\x1b]0;owned\\x07\\x1b[31m.csv" in out


def test_an_output_folder_below_a_file_exits_2_naming_it(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    tracker = str(_tracker(tmp_path / "t.csv"))
    assert main(["report", tracker, "--out", str(blocker / "report")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Not a directory" in err and str(blocker) in err


@pytest.mark.parametrize("command", ["inspect", "report"])
@pytest.mark.parametrize(("flag", "month"), [(["--dayfirst"], 4), (["--no-dayfirst"], 3), ([], 3)])
def test_dayfirst_decides_dates_the_values_cannot(tmp_path, monkeypatch, command, flag, month):
    import importlib

    load_module = importlib.import_module("followup_analytics.ingest.load")
    real, seen = load_module.load, []

    def spy(*args, **kwargs):
        seen.append((kwargs.get("dayfirst"), real(*args, **kwargs)))
        return seen[-1][1]

    monkeypatch.setattr(load_module, "load", spy)
    rows = "".join(f"Firm {i},03/04/2026,{'Rejected' if i % 2 else 'Applied'}\n" for i in range(12))
    path = tmp_path / "t.csv"
    path.write_text("Company,Date Applied,Status\n" + rows, encoding="utf-8")
    extra = ["--out", str(tmp_path / "out")] if command == "report" else []
    assert main([command, str(path), "--as-of", "2026-06-01", *flag, *extra]) == 0
    dayfirst, log = seen[-1]
    assert dayfirst == {"--dayfirst": True, "--no-dayfirst": False}.get(
        flag[0] if flag else "", None
    )
    assert set(log.applications["applied_on"].dt.month) == {month}
    assert set(log.applications["applied_on"].dt.day) == {4 if month == 3 else 3}
