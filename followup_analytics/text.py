"""Text keys shared by header matching, vocabulary normalisation and report labels."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def key(text: object) -> str:
    """Reduce a header or cell to a comparison key.

    Lower case, accents folded, every run of non-alphanumerics turned into one space,
    trimmed: ``"Follow-Up  #2 (Date)"`` -> ``"follow up 2 date"``.
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", s.lower()).strip()
