"""followup_analytics.output: files replaced whole or not at all, alone or as a set."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from followup_analytics.output import atomic_write, atomic_write_all


def test_a_set_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.xlsx"
    a.write_text("old a")
    b.write_text("old b")

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write_all([(a, lambda t: t.write_text("new a")), (b, fail)])
    assert (a.read_text(), b.read_text()) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.xlsx"]  # no temps
    assert atomic_write_all(
        [(a, lambda t: t.write_text("new a")), (b, lambda t: t.write_text("new b"))]
    ) == [a, b]
    assert (a.read_text(), b.read_text()) == ("new a", "new b")


def test_private_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = atomic_write(tmp_path / "appendix.html", lambda t: t.write_text("x"), private=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
