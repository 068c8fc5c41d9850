"""Pseudonyms, detection of identifying columns, and the redaction guard."""

from __future__ import annotations

import pandas as pd

from followup_analytics.cohort.privacy import (
    Redactor,
    contact_kind,
    identifying_columns,
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
    apps = pd.DataFrame({"application_id": ["1"], "seeker": ["Ada"], "company": ["Acme"],
                         "seeker_name": ["Ada L"], "Email": ["ada@x.org"],
                         "program": ["Data"], "cohort": ["2026"], "adviser": ["Dr Who"],
                         "misc": ["call +1 415 555 0100"], "industry": ["Tech"]})
    assert identifying_columns(apps) == ["seeker", "seeker_name", "Email", "adviser", "misc"]


def test_redactor() -> None:
    r = Redactor(["Ada Lovelace", "Al", "ada@example.org"])
    assert r.text("Al") == "[redacted]"
    assert r.text("Alpha") == "Alpha"
    assert r.text("met ada lovelace today") == "met [redacted] today"
    assert r.text("mail bob@corp.com now") == "mail [redacted] now"
    assert r.text("ring 020 7946 0958") == "ring [redacted]"
    assert r.text("on 2026-01-15") == "on 2026-01-15"
    frame = pd.DataFrame({"c": ["Ada Lovelace", "Acme"], "n": [1, 2]})
    out = r.frame(frame)
    assert out["c"].tolist() == ["[redacted]", "Acme"] and frame["c"].iloc[0] == "Ada Lovelace"
