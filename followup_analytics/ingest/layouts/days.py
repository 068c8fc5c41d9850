"""One column per day, company names in the cells: every filled cell is an application sent
that day ("Mon 3 Mar | Tue 4 Mar ..." planners, a week per sheet)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...log import CATEGORIES
from ..raw import RawTable
from ..values import is_missing, parse_dates
from ._common import Collector, Context, Interpreted, seekers, tag

#: Date headers needed to call a sheet day-per-column.
MIN_DAYS = 3


def day_columns(table: RawTable) -> dict[str, pd.Timestamp]:
    """Header -> date for headers that are dates, when at least :data:`MIN_DAYS` are and
    they hold text (names), not numbers or flags; else {}."""
    headers = pd.Series(list(table.frame.columns), dtype=object)
    parsed = parse_dates(headers).dates
    days = {h: d for h, d in zip(headers, parsed, strict=True) if pd.notna(d)}
    if len(days) < MIN_DAYS or len(days) < 0.5 * len(headers):
        return {}
    cells = table.frame[list(days)].to_numpy(dtype=object).ravel()
    filled = cells[pd.notna(cells)]
    if not len(filled) or np.mean([isinstance(v, str) for v in filled]) < 0.8:
        return {}
    return days


def interpret_days(table: RawTable, ctx: Context) -> Interpreted:
    """Every filled cell under a date header is an application of that day to the company
    it names."""
    col = Collector(table, ctx)
    days = day_columns(table)
    f = table.frame
    headers = list(f.columns)
    comp, day, rows, cols = [], [], [], []
    for h, d in days.items():
        keep = ~is_missing(f[h]).to_numpy()
        comp.append(f[h].to_numpy(dtype=object)[keep])
        day.append(np.full(int(keep.sum()), np.datetime64(d, "s")))
        rows.append(f.index.to_numpy()[keep])
        cols.append(np.full(int(keep.sum()), headers.index(h)))
    company = np.concatenate(comp) if comp else np.empty(0, dtype=object)
    dates = np.concatenate(day) if day else np.empty(0, dtype="datetime64[s]")
    src = np.concatenate(rows).astype(np.int64) if rows else np.empty(0, np.int64)
    column = np.concatenate(cols).astype(np.int32) if cols else np.empty(0, np.int32)
    n = len(company)
    empty_cat = {
        name: pd.Categorical.from_codes(np.full(n, -1), dtype=CATEGORIES[name])
        for name in ("channel", "letter_type", "recipient")
    }
    events = pd.DataFrame(
        {
            "app_pos": np.arange(n, dtype=np.int64),
            "date": dates,
            "event": pd.Categorical(["applied"] * n, dtype=CATEGORIES["event"]),
            **empty_cat,
            "note": pd.array([pd.NA] * n, dtype="string"),
            "date_known": np.ones(n, dtype=bool),
            "source_row": src,
            "column": column,
            "applied_on": dates,
        }
    )
    seeker = seekers(table, None, ctx)
    apps = pd.DataFrame(
        {
            "application_id": [
                f"{tag(table)}:{r}:{headers[c]}" for r, c in zip(src, column, strict=True)
            ],
            "seeker": seeker.iloc[0] if len(seeker) else (ctx.seeker or "self"),
            "company": pd.array([str(c).strip() for c in company], dtype="string"),
            "role": pd.array([pd.NA] * n, dtype="string"),
            "applied_on": dates,
        }
    )
    loaded = np.zeros(len(f), dtype=bool)
    loaded[np.isin(f.index.to_numpy(), src)] = True
    col.drop_rows(~loaded, None, "no company under any day column")
    col.notes.append(
        f"{col.where()}: one column per day ({len(days)} days); each filled "
        f"cell is an application ({n})"
    )
    return col.result(events, apps)
