"""A titled block under the table: "面试" / "Interviews" on a row of its own, then rows naming
companies already listed above, with what happened to each ("9.4 周日 14:50 | 软开 | 已意向").
Such rows are events of those applications, not new applications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...text import key
from ..profile import header_event
from ..values import _is_missing_value

#: Tables longer than this are not searched for titled blocks (hand-kept sheets with
#: sections are small; the search would cost a pass over every cell of an export).
MAX_ROWS = 20_000


def titled_blocks(frame: pd.DataFrame, company: str | None) -> tuple[dict[int, str], np.ndarray]:
    """Block rows -> the event their title names, and the title rows.

    A title row holds one text cell, in the first column, naming an event ("面试",
    "Interviews", "Offers"); the block runs until the next row holding a single cell.
    Only blocks whose rows name (in the first column) a company listed above the title
    count. Returns ``{row position: event}`` and a mask of the title rows.
    """
    n = len(frame)
    titles = np.zeros(n, dtype=bool)
    out: dict[int, str] = {}
    if company is None or not n or frame.shape[1] < 2 or n > MAX_ROWS:
        return out, titles
    counts = frame.notna().sum(axis=1).to_numpy()  # cells are None where empty
    single = counts == 1
    col0 = frame[frame.columns[0]].to_numpy(dtype=object)
    candidates = np.flatnonzero(single & pd.notna(col0))
    named = {
        int(t): header_event(col0[t])
        for t in candidates
        if isinstance(col0[t], str) and len(col0[t]) <= 30 and not _is_missing_value(col0[t])
    }
    events = {
        t: e
        for t, e in named.items()
        if e is not None and e in ("interview", "offer", "rejection", "reply")
    }
    if not events:  # the usual case: decided without looking at the other rows
        return out, titles
    filled = counts > 0
    above = frame[company].to_numpy(dtype=object)
    for t, event in events.items():
        known = [key(v) for v in above[:t] if isinstance(v, str)]
        rows: list[int] = []
        for r in range(t + 1, n):
            if single[r] or not filled[r]:
                if rows or single[r]:
                    break
                continue
            rows.append(r)
        matched = [r for r in rows if isinstance(col0[r], str) and _listed(key(col0[r]), known)]
        if matched and len(matched) >= 0.5 * len(rows):
            titles[t] = True
            out.update(dict.fromkeys(rows, event))
    return out, titles


def _listed(name: str, known: list[str]) -> bool:
    """The name, or a name it starts or that starts it, is among those listed above."""
    return len(name) >= 2 and any(
        k == name or k.startswith(name) or name.startswith(k) for k in known if k
    )
