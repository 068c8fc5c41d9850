"""Container and process guards: the reader child process, files that are not files, text
files of unusual shape, and links in folders and globs."""

import ast
import os
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hostile import HEAD, xlsx

from followup_analytics import load
from followup_analytics.errors import SpreadsheetError
from followup_analytics.ingest import _sandbox
from followup_analytics.ingest._containers import ReadLimits
from followup_analytics.ingest._sandbox import ReaderProcess, reader_session
from followup_analytics.ingest.readers import read_source
from followup_analytics.ingest.sources import expand_sources

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits and fifos")


def _read(path, **kw):
    [source] = expand_sources([path])
    return read_source(source, **kw)


def _tracker(path: Path, rows: int = 2) -> Path:
    path.write_text(
        "Company,Date Applied,Status\n"
        + "".join(f"Firm {i},2026-03-{i % 28 + 1:02d},Applied\n" for i in range(rows))
    )
    return path


# --------------------------------------------------------------------------- child process
def test_worker_imports_only_the_standard_library_and_python_calamine():
    tree = ast.parse(Path(_sandbox._WORKER).read_text())
    names = {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    names |= {
        n.module.split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
    }
    assert names - set(sys.stdlib_module_names) == {"python_calamine"}


@linux
def test_a_reader_crash_becomes_a_spreadsheet_error_naming_the_file(tmp_path):
    # bypass the guards: uniqueCount 4e9 makes calamine reserve 96 GB and abort
    bomb = xlsx(
        tmp_path / "bomb.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main" uniqueCount="4000000000"><si><t>x</t></si></sst>',
    )
    reader = ReaderProcess(ReadLimits())
    try:
        with pytest.raises(
            SpreadsheetError,
            match=r"bomb\.xlsx: the spreadsheet reader "
            r"crashed on this file \(signal SIG",
        ):
            reader.call(str(bomb), ("open", str(bomb), 60))
        ok = _tracker(tmp_path / "ok.csv")  # the next file gets a fresh child
        xlsx(tmp_path / "ok.xlsx", HEAD)
        assert reader.call("ok", ("open", str(tmp_path / "ok.xlsx"), 60))[0] == ["Log"]
        assert ok.exists()
    finally:
        reader.close()


@linux
def test_the_reader_memory_limit_turns_an_allocation_into_a_refusal(tmp_path):
    # 200,000 x 40 cells: legal, but more than a 300 MiB reader may allocate
    big = xlsx(tmp_path / "big.xlsx", HEAD + '<row r="200000"><c r="AN200000"><v>1</v></c></row>')
    reader = ReaderProcess(ReadLimits(reader_memory=300 * 2**20, reader_seconds=20))
    try:
        reader.call("big.xlsx", ("open", str(big), 60))
        with pytest.raises(
            SpreadsheetError, match=r"big\.xlsx, sheet 'Log': .*(memory|crashed|hung)"
        ):
            reader.call("big.xlsx", ("read", "Log"), "Log")
    finally:
        reader.close()


_SPIN = """
import sys
sys.path.insert(0, {folder!r})
import _worker

class _Spin:  # python_calamine whose reader never finishes a workbook
    class CalamineError(Exception):
        pass

    PasswordError = CalamineError

    class CalamineWorkbook:
        @staticmethod
        def from_path(path):
            n = 0
            while True:
                n += 1

_worker._limit(int(sys.argv[1]))
_worker._serve(_Spin, sys.stdin.buffer, sys.stdout.buffer)
"""


@linux
def test_the_reader_cpu_limit_turns_a_runaway_into_a_one_line_refusal(tmp_path, monkeypatch):
    spin = tmp_path / "spin_worker.py"
    spin.write_text(_SPIN.format(folder=str(Path(_sandbox._WORKER).parent)))
    monkeypatch.setattr(_sandbox, "_WORKER", str(spin))
    book = xlsx(tmp_path / "slow.xlsx", HEAD)
    with pytest.raises(SpreadsheetError) as err:
        _read(book, limits=ReadLimits(reader_seconds=1))
    message = str(err.value)
    assert message == (f"{book}: parsing took more than 1 s of CPU time (limit): refused")
    assert "\n" not in message and err.value.problems[0].file == str(book)


def test_one_child_process_reads_every_workbook_of_a_load(tmp_path, monkeypatch):
    started = []
    real = _sandbox.subprocess.Popen

    def popen(*args, **kw):
        started.append(args)
        return real(*args, **kw)

    monkeypatch.setattr(_sandbox.subprocess, "Popen", popen)
    for i in range(3):
        wb = openpyxl.Workbook()
        wb.active.append(["Company", "Date Applied", "Status"])
        wb.active.append([f"Firm {i}", date(2026, 3, 1), "Applied"])
        wb.save(tmp_path / f"s{i}.xlsx")
    log = load(str(tmp_path / "*.xlsx"))
    assert len(started) == 1 and len(log) == 3


def test_a_session_is_reused_and_closed(tmp_path):
    with reader_session() as outer, reader_session() as inner:
        assert outer is inner
    assert outer._proc is None


# --------------------------------------------------------------------------- not files
@linux
def test_a_fifo_and_a_device_are_named_not_reported_missing(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(SpreadsheetError, match=r"pipe\.csv: is a named pipe \(FIFO\)"):
        load(str(tmp_path / "pipe.csv"))
    with pytest.raises(SpreadsheetError, match=r"/dev/zero: is a character device"):
        load("/dev/zero")


def test_a_file_removed_after_expansion_is_named(tmp_path):
    path = _tracker(tmp_path / "gone.csv")
    [source] = expand_sources([str(path)])
    path.unlink()
    with pytest.raises(
        SpreadsheetError,
        match=r"gone\.csv: file not found \(it may have "
        "been moved or deleted\\)",
    ):
        read_source(source)


def test_a_workbook_removed_between_check_and_read_is_named(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "gone.xlsx", HEAD)
    from followup_analytics.ingest import readers

    real = readers.check_binary

    def check_then_remove(*args, **kw):
        real(*args, **kw)
        path.unlink()

    monkeypatch.setattr(readers, "check_binary", check_then_remove)
    with pytest.raises(
        SpreadsheetError,
        match=r"gone\.xlsx: file not found \(it may have "
        r"been moved or deleted\)",
    ):
        _read(path)


# --------------------------------------------------------------------------- text shape
def test_carriage_return_line_ends_are_read_as_lines(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(
        b"Company,Date Applied,Status\rAcme,2026-03-01,Applied\rBeta,2026-03-02,Rejected\r"
    )
    [t], _ = _read(path)
    assert t.frame["Company"].tolist() == ["Acme", "Beta"]
    assert any("carriage returns only" in n for n in t.notes)


def test_every_column_is_kept_however_long_the_header_line(tmp_path):
    extra = [f"Extra column number {i}" for i in range(4000)]  # a ~110 KB header line
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(["Company", "Status", *extra])
        + "\n"
        + ",".join(["Acme", "Applied", *("x" for _ in extra)])
        + "\n"
    )
    [t], _ = _read(path)
    assert t.frame.shape[1] == 4002 and t.frame.columns[-1] == extra[-1]


def test_line_and_column_budgets(tmp_path):
    path = tmp_path / "line.csv"
    path.write_bytes(b"Company,Status\n" + b"x" * 5000 + b"\n")
    with pytest.raises(SpreadsheetError, match=r"line\.csv: has a line longer than 4,096"):
        _read(path, limits=ReadLimits(max_line_bytes=4096))
    path.write_text("Company,Status,A,B\nAcme,Applied,1,2\n")
    with pytest.raises(SpreadsheetError, match=r"has 4 columns \(limit 3\)"):
        _read(path, limits=ReadLimits(max_columns=3))


# --------------------------------------------------------------------------- links
def test_folders_and_globs_do_not_follow_links_out_of_the_tree_or_into_loops(tmp_path):
    outside = _tracker(tmp_path / "outside.csv")
    tree = tmp_path / "cohort"
    (tree / "spring").mkdir(parents=True)
    inside = _tracker(tree / "spring" / "ana.csv")
    os.symlink(outside, tree / "link.csv")
    os.symlink(inside, tree / "alias.csv")  # a link that stays inside: kept
    os.symlink(".", tree / "spring" / "again")
    os.symlink("..", tree / "spring" / "up")
    folder = [s.name for s in expand_sources([str(tree)])]
    assert folder == [str(tree / "alias.csv")]
    found = [s.name for s in expand_sources([str(tree / "**" / "*.csv")])]
    assert found == [str(tree / "alias.csv"), str(inside)]
    assert [s.name for s in expand_sources([str(tree / "*" / "*.csv")])] == [str(inside)]


def test_the_child_returns_exactly_what_python_calamine_reads(tmp_path):
    import python_calamine

    wb = openpyxl.Workbook()
    for row in [
        ["a", 1, 1.5, True, date(2026, 1, 1)],
        ["b", 1.0, 1, 1, "x"],
        ["a", True, 0.0, 0, None],
        [None, -0.0, float("nan"), False, "a"],
    ]:
        wb.active.append(row)
    path = wb.save(tmp_path / "mixed.xlsx") or tmp_path / "mixed.xlsx"
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    want = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    reader = ReaderProcess(ReadLimits())
    try:
        reader.call("m", ("open", str(path), 60))
        start, _, n_rows, columns = reader.call("m", ("read", "Sheet"))
    finally:
        reader.close()
    got = _sandbox.grid_from_columns(start, n_rows, columns).to_numpy().tolist()
    assert [[(type(v), repr(v)) for v in row] for row in got] == [
        [(type(v), repr(v)) for v in row] for row in want
    ]


def test_a_quoted_field_beyond_the_budget_is_refused_before_parsing(tmp_path):
    path = tmp_path / "open.csv"
    rows = "".join(f"Firm {i},2026-03-01,Applied\n" for i in range(2000))
    path.write_text('Company,Date Applied,Status\nAcme,2026-03-01,"never closed\n' + rows)
    with pytest.raises(
        SpreadsheetError,
        match=r"open\.csv: has a quoted field longer than "
        r"4,096 bytes \(limit\)",
    ):
        _read(path, limits=ReadLimits(max_line_bytes=4096))
    # a field kept open by doubled quotes, however short the runs between them
    path.write_text(
        'Company,Date Applied,Status\nAcme,2026-03-01,"' + 'note\n""' * 1000 + '"\n' + rows
    )
    with pytest.raises(SpreadsheetError, match=r"open\.csv: has a quoted field longer than"):
        _read(path, limits=ReadLimits(max_line_bytes=4096))
    # quoted fields and doubled quotes within the budget are fine
    path.write_text('Company,Date Applied,Status\n"Acme, ""the"" firm",2026-03-01,Applied\n' + rows)
    [t], _ = _read(path, limits=ReadLimits(max_line_bytes=4096))
    assert t.frame["Company"].iloc[0] == 'Acme, "the" firm' and len(t.frame) == 2001
