"""Text keys shared by header matching, vocabulary normalisation and report labels."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_WORD = re.compile(r"[\W_]+")


def key(text: object) -> str:
    """Reduce a header or cell to a comparison key.

    Lower case, accents folded, every run of non-alphanumerics turned into one space,
    trimmed: ``"Follow-Up  #2 (Date)"`` -> ``"follow up 2 date"``. Letters of other scripts
    are kept (``"投递日期"`` stays ``"投递日期"``; ``"Straße"`` -> ``"strasse"``;
    ``"Bewerbung (März)"`` -> ``"bewerbung marz"``).
    """
    s = str(text)
    if s.isascii():
        return _NON_ALNUM.sub(" ", s.lower()).strip()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return _NON_WORD.sub(" ", s).strip()
