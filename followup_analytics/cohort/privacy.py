"""Privacy of cohort reports: pseudonyms, contact-detail detection and a final redaction guard.

The report is computed from a reduced copy of the log that keeps only what it needs: the
application id, a pseudonymised seeker, the company, the dates, the vocabulary columns and the
breakdown column. Names, emails, phone numbers and free-text notes are never carried into it.
As a second line of defence, every text cell of every output table is checked against the
identifying values of the input (:class:`Redactor`) and against email and phone patterns.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import ArgumentError

#: Headers (lower case, any punctuation) of carried columns that identify people.
PERSON_HEADER_WORDS: tuple[str, ...] = (
    "name",
    "email",
    "e mail",
    "mail",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "contact",
    "student",
    "seeker",
    "candidate",
    "adviser",
    "advisor",
    "coach",
    "mentor",
    "counsellor",
    "counselor",
    "recruiter",
    "interviewer",
    "linkedin",
    "address",
    "note",
    "notes",
    "comment",
    "comments",
)
EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE_RE = re.compile(r"(?<![\w/-])\+?\(?\d[\d ().-]{7,}\d(?![\w/-])")
_MIN_PHONE_DIGITS = 9  # fewer digits: a date, an amount or an id rather than a phone number
_WORD = re.compile(r"[^0-9a-z]+")


KEY_FILE = "pseudonym.key"


def key_path() -> Path:
    """Where the adviser's pseudonym key lives: ``$XDG_CONFIG_HOME/followup_analytics/
    pseudonym.key`` (``~/.config/followup_analytics/pseudonym.key`` by default; on Windows
    under ``%APPDATA%``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or (
        os.environ.get("APPDATA") if os.name == "nt" else None
    )
    root = Path(base) if base else Path.home() / ".config"
    return root / "followup_analytics" / KEY_FILE


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    key = bytes.fromhex(text)
    if len(key) < 16:
        raise ArgumentError(f"the pseudonym key {path} is too short; delete it to make a new one")
    return key


def adviser_key(path: Path | None = None) -> bytes:
    """The adviser's pseudonym key, created on first use (32 random bytes, hex, mode 0600).

    The same key gives the same pseudonyms in every report, so an adviser can follow a
    seeker from one report to the next. The key is never written into a report.

    Raises
    ------
    ArgumentError
        When the key file exists but cannot be read as a key.
    OSError
        When the key file cannot be created (no writable configuration folder); pass a
        ``salt`` instead.
    """
    path = path or key_path()
    if path.exists():
        try:
            return _read_key(path)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ArgumentError(f"cannot read the pseudonym key {path}: {exc}") from None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def pseudonym_salt(salt: str | bytes | None) -> bytes:
    """Return the HMAC key for pseudonyms: `salt` encoded, or the adviser's key file
    (:func:`adviser_key`) when None."""
    if salt is None:
        return adviser_key()
    return salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)


def pseudonymise(values: pd.Series, key: bytes, prefix: str = "S-") -> pd.Series:
    """Replace each distinct value by ``prefix`` + a short keyed hash (HMAC-SHA256).

    Parameters
    ----------
    values : Series
        Identifiers (seeker names, emails ...). Missing values stay missing.
    key : bytes
        The secret (see :func:`pseudonym_salt`). The same key gives the same pseudonyms, so
        a fixed ``--salt`` keeps them stable across reports; without the key they cannot be
        reversed by hashing candidate names.
    prefix : str, default "S-"

    Returns
    -------
    Series
        String series aligned with `values`: ``prefix`` followed by 8 hex digits (10 when
        8 would collide within these values).
    """
    text = values.astype("string")
    uniques = text.dropna().unique()
    digests = {
        u: hmac.new(key, str(u).encode("utf-8"), hashlib.sha256).hexdigest() for u in uniques
    }
    width = 8
    while len({d[:width] for d in digests.values()}) < len(digests) and width < 64:
        width += 2
    mapping = {u: prefix + d[:width] for u, d in digests.items()}
    return text.map(mapping).astype("string")


def _is_phone(match: re.Match[str]) -> bool:
    return sum(ch.isdigit() for ch in match.group(0)) >= _MIN_PHONE_DIGITS


def _has_phone(text: str) -> bool:
    return any(_is_phone(m) for m in PHONE_RE.finditer(text))


def _redact_phone(match: re.Match[str]) -> str:
    return Redactor.token if _is_phone(match) else match.group(0)


def _header_key(name: object) -> str:
    return " " + _WORD.sub(" ", str(name).lower()).strip() + " "


def is_person_header(name: object) -> bool:
    """True when a column header suggests it holds people's names or contact details."""
    key = _header_key(name)
    return any(f" {w} " in key for w in PERSON_HEADER_WORDS)


def contact_kind(values: pd.Series) -> str | None:
    """Say whether a column's values look like emails or phone numbers.

    Parameters
    ----------
    values : Series
        A carried column.

    Returns
    -------
    str or None
        ``"email addresses"`` or ``"phone numbers"`` when at least a fifth of the distinct
        non-missing values contain one; None otherwise.
    """
    text = pd.Series(values.dropna().astype(str).unique(), dtype="string")
    if not len(text):
        return None
    if text.str.contains(EMAIL_RE).mean() >= 0.2:
        return "email addresses"
    if text.map(_has_phone).mean() >= 0.2:
        return "phone numbers"
    return None


def identifying_columns(applications: pd.DataFrame) -> list[str]:
    """Columns of an application table that identify people.

    Parameters
    ----------
    applications : DataFrame
        ``JobSearchLog.applications``.

    Returns
    -------
    list of str
        ``seeker``, every carried column whose header names people or contact details
        (:data:`PERSON_HEADER_WORDS`) and every column whose values look like emails or
        phone numbers.
    """
    out = ["seeker"] if "seeker" in applications else []
    for name in applications.columns:
        if name in out or name in ("application_id", "applied_on"):
            continue
        col = applications[name]
        textual = col.dtype == object or pd.api.types.is_string_dtype(col.dtype)
        if is_person_header(name) or (textual and contact_kind(col) is not None):
            out.append(name)
    return out


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_variants(value: str) -> set[str]:
    """Spellings of a name someone else may have typed: reordered and without accents.

    Only for values of two to four words of letters (names); others give no variant.
    """
    words = value.split()
    if not 2 <= len(words) <= 4 or not all(
        w.replace("-", "").replace("'", "").isalpha() for w in words
    ):
        return set()
    first, last = words[0], words[-1]
    out = {
        " ".join(reversed(words)),
        f"{last}, {first}",
        f"{last} {first}",
        f"{first} {last}",
        value,
    }
    return out | {_plain(v) for v in out}


class Redactor:
    """Replace identifying text in output tables.

    Parameters
    ----------
    values : iterable of str
        Identifying values from the input (names, emails, phones, notes). A text cell equal
        to one of them, or containing one of at least `min_length` characters, is redacted.
    min_length : int, default 5
        Shorter values are only matched as whole cells (to avoid redacting common words).

    Names (two to four words) are also matched reordered ("Chen Adrian", "Chen, Adrian")
    and without accents ("Jose Nunez" for "José Núñez").
    """

    token = "[redacted]"

    def __init__(self, values: Iterable[str], min_length: int = 5) -> None:
        cleaned = {str(v).strip() for v in values if isinstance(v, str) and str(v).strip()}
        cleaned |= {x for v in cleaned for x in name_variants(v)}
        self._exact = {v.casefold() for v in cleaned}
        long = sorted((v for v in cleaned if len(v) >= min_length), key=len, reverse=True)
        self._inner = (
            re.compile("|".join(re.escape(v) for v in long), re.IGNORECASE) if long else None
        )

    def text(self, value: str) -> str:
        """Return `value` with identifying parts replaced by ``[redacted]``."""
        if value.strip().casefold() in self._exact:
            return self.token
        if self._inner is not None:
            value = self._inner.sub(self.token, value)
        value = EMAIL_RE.sub(self.token, value)
        return PHONE_RE.sub(_redact_phone, value)

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return a copy of `frame` with every text cell passed through :meth:`text`.

        Returns
        -------
        DataFrame
            Same shape and columns; text cells redacted (categoricals become strings).
        """
        out = frame.copy()
        for name in out.columns:
            col = out[name]
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.astype("string")
            if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
                uniques = [u for u in pd.unique(col.dropna()) if isinstance(u, str)]
                mapping = {u: self.text(u) for u in uniques}
                if any(k != v for k, v in mapping.items()):
                    col = col.map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
                out[name] = col
        return out
