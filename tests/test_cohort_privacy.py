"""Pseudonyms, detection of identifying columns, and the redaction guard."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from followup_analytics.cohort.privacy import (
    Redactor,
    adviser_key,
    contact_kind,
    identifying_columns,
    key_path,
    pseudonym_salt,
    pseudonymise,
)


def test_pseudonyms_stable_with_salt_and_differ_without() -> None:
    names = pd.Series(["Ada Lovelace", "Alan Turing", "Ada Lovelace", None])
    a = pseudonymise(names, pseudonym_salt("s3cret"))
    b = pseudonymise(names, pseudonym_salt("s3cret"))
    c = pseudonymise(names, pseudonym_salt(None))
    assert a.tolist() == b.tolist()
    assert a.iloc[0] == a.iloc[2] != a.iloc[1]
    assert a.iloc[0].startswith("S-") and len(a.iloc[0]) == 10
    assert pd.isna(a.iloc[3])
    assert c.iloc[0] != a.iloc[0]
    assert "Ada" not in "".join(a.dropna())


def test_contact_kind() -> None:
    assert contact_kind(pd.Series(["ada@example.org", "x"])) == "email addresses"
    assert contact_kind(pd.Series(["+44 20 7946 0958", "(555) 123-4567"])) == "phone numbers"
    assert contact_kind(pd.Series(["2026-01-15", "Data science", "100000"])) is None


def test_identifying_columns() -> None:
    apps = pd.DataFrame(
        {
            "application_id": ["1"],
            "seeker": ["Ada"],
            "company": ["Acme"],
            "seeker_name": ["Ada L"],
            "Email": ["ada@example.org"],
            "program": ["Data"],
            "cohort": ["2026"],
            "adviser": ["Dr Who"],
            "misc": ["call +1 415 555 0100"],
            "industry": ["Tech"],
        }
    )
    assert identifying_columns(apps) == ["seeker", "seeker_name", "Email", "adviser", "misc"]


def test_redactor() -> None:
    r = Redactor(["Ada Lovelace", "Al", "ada@example.org"])
    assert r.text("Al") == "[redacted]"
    assert r.text("Alpha") == "Alpha"
    assert r.text("met ada lovelace today") == "met [redacted] today"
    assert r.text("mail bob@corp.example.com now") == "mail [redacted] now"
    assert r.text("ring 020 7946 0958") == "ring [redacted]"
    assert r.text("on 2026-01-15") == "on 2026-01-15"
    frame = pd.DataFrame({"c": ["Ada Lovelace", "Acme"], "n": [1, 2]})
    out = r.frame(frame)
    assert out["c"].tolist() == ["[redacted]", "Acme"] and frame["c"].iloc[0] == "Ada Lovelace"


def test_adviser_key_created_once_private_and_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    path = key_path()
    assert path == tmp_path / "cfg" / "followup_analytics" / "pseudonym.key"
    assert not path.exists()
    first = pseudonym_salt(None)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert pseudonym_salt(None) == first == adviser_key(path) and len(first) == 32
    names = pd.Series(["Ada Lovelace", "Alan Turing"])
    again = pseudonymise(names, pseudonym_salt(None))
    assert again.tolist() == pseudonymise(names, first).tolist()
    # another adviser (another config folder) gets other pseudonyms
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other"))
    assert pseudonymise(names, pseudonym_salt(None)).tolist() != again.tolist()


def test_unreadable_key_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "pseudonym.key"
    bad.write_text("not hex\n")
    with pytest.raises(ValueError, match="cannot read the pseudonym key"):
        adviser_key(bad)
