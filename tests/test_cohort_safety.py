"""Formula neutralising and atomic writes of cohort outputs."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from followup_analytics.cohort.safety import (
    atomic_write,
    atomic_write_all,
    neutralise,
    neutralise_frame,
)

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Acme", "a=b", "", 3, -2.5, None])
def test_harmless_values_unchanged(value: object) -> None:
    assert neutralise(value) == value


def test_control_characters_removed() -> None:
    assert neutralise("a\x00b\x07c") == "abc"


def test_frame_neutralised_without_mutating_input() -> None:
    frame = pd.DataFrame(
        {
            "company": pd.Series(DANGEROUS + ["Acme"], dtype="string"),
            "n": range(7),
            "cat": pd.Categorical(["=1"] * 7),
        }
    )
    out = neutralise_frame(frame)
    assert out["company"].tolist() == ["'" + t for t in DANGEROUS] + ["Acme"]
    assert out["n"].tolist() == list(range(7))
    assert set(out["cat"]) == {"'=1"}
    assert frame["company"].iloc[0] == DANGEROUS[0]


def test_atomic_write_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    atomic_write(target, lambda p: p.write_text("old report"))
    assert target.read_text() == "old report"

    def failing(p: Path) -> None:
        p.write_text("half a rep")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, failing)
    assert target.read_text() == "old report"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["report.html"]
    atomic_write(target, lambda p: p.write_text("new report"))
    assert target.read_text() == "new report"


def test_write_all_renames_only_when_every_file_is_complete(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.xlsx"
    a.write_text("old a")

    def fail(p: Path) -> None:
        p.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write_all([(a, lambda p: p.write_text("new a")), (b, fail)])
    assert a.read_text() == "old a" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]
    atomic_write_all(
        [(a, lambda p: p.write_text("new a")), (b, lambda p: p.write_text("new b"))], private=True
    )
    assert a.read_text() == "new a" and b.read_text() == "new b"
    assert {stat.S_IMODE(p.stat().st_mode) for p in (a, b)} == {0o600}
