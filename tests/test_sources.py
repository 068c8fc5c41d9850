"""expand_sources: files, folders (one file per seeker), globs, streams and DataFrames."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from followup_analytics.errors import SpreadsheetError
from followup_analytics.ingest.sources import SUPPORTED_EXTENSIONS, expand_sources, file_kind


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text("Company,Date Applied\nAcme,2026-01-05\n")


def test_single_file_keeps_the_name_as_given(tmp_path):
    _touch(tmp_path, "log.csv")
    [src] = expand_sources((str(tmp_path / "log.csv"),))
    assert src.name == str(tmp_path / "log.csv")
    assert src.obj == tmp_path / "log.csv"
    assert src.seeker_hint is None


def test_folder_gives_sorted_spreadsheets_with_the_stem_as_seeker(tmp_path):
    _touch(tmp_path, "zoe.csv", "amir.xlsx", "notes.md", "~$amir.xlsx", ".~lock.x.ods#")
    (tmp_path / "sub").mkdir()
    _touch(tmp_path / "sub", "deep.csv")
    out = expand_sources((tmp_path,))
    assert [Path(s.name).name for s in out] == ["amir.xlsx", "zoe.csv"]
    assert [s.seeker_hint for s in out] == ["amir", "zoe"]


def test_glob_matches_only_spreadsheets_without_seeker_hint(tmp_path):
    _touch(tmp_path, "a.csv", "b.tsv", "c.txt", "d.md")
    out = expand_sources((str(tmp_path / "*"),))
    assert [Path(s.name).name for s in out] == ["a.csv", "b.tsv", "c.txt"]
    assert all(s.seeker_hint is None for s in out)
    assert [Path(s.name).name for s in expand_sources((str(tmp_path / "[ab].?sv"),))] == [
        "a.csv",
        "b.tsv",
    ]


def test_streams_and_frames_are_numbered_from_frames_start(tmp_path):
    df = pd.DataFrame({"Company": ["Acme"]})
    named = io.BytesIO(b"x")
    named.name = "upload.csv"
    out = expand_sources((df, io.BytesIO(b"a"), io.StringIO("b"), named, df), frames_start=3)
    assert [s.name for s in out] == [
        "<DataFrame 3>",
        "<stream 3>",
        "<stream 4>",
        "upload.csv",
        "<DataFrame 4>",
    ]
    assert out[0].obj is df


def test_open_file_object_is_named_by_its_path(tmp_path):
    _touch(tmp_path, "log.csv")
    with open(tmp_path / "log.csv", "rb") as fh:
        [src] = expand_sources((fh,))
    assert src.name == str(tmp_path / "log.csv")


def test_nested_lists_are_flattened(tmp_path):
    _touch(tmp_path, "a.csv", "b.csv")
    out = expand_sources(([str(tmp_path / "a.csv"), (tmp_path / "b.csv",)],))
    assert [Path(s.name).name for s in out] == ["a.csv", "b.csv"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: str(p / "missing.xlsx"), "missing.xlsx: file not found"),
        (lambda p: str(p / "*.xlsx"), "the pattern matches no spreadsheet"),
        (lambda p: p, "folder holds no spreadsheet"),
        (
            lambda p: (p / "r.pdf").write_bytes(b"%PDF") and p / "r.pdf",
            "unsupported file type '.pdf'",
        ),
        (lambda p: 42, "int 42: not a file, folder, glob"),
    ],
)
def test_unusable_sources_are_named(tmp_path, make, message):
    (tmp_path / "notes.md").write_text("hi")
    with pytest.raises(SpreadsheetError, match=message.replace("(", r"\(").replace(".", r"\.")):
        expand_sources((make(tmp_path),))


def test_every_problem_is_listed_at_once(tmp_path):
    with pytest.raises(SpreadsheetError) as err:
        expand_sources((str(tmp_path / "a.csv"), str(tmp_path / "b.csv")))
    assert "2 sources cannot be read" in str(err.value)
    assert "a.csv" in str(err.value) and "b.csv" in str(err.value)


def test_no_source_at_all():
    with pytest.raises(SpreadsheetError, match="no source given"):
        expand_sources(())


def test_supported_kinds():
    assert {file_kind(f"x{e.upper()}") for e in SUPPORTED_EXTENSIONS} == {"excel", "text"}
    assert file_kind("x.XLSX") == "excel" and file_kind("x.tsv") == "text"
    assert file_kind("x.json") == ""
