"""Sankey flows: counts of applications moving between stages, without one row each.

People who draw their search as a Sankey chart keep either a link list (``source, target,
value`` columns in any order, d3 style) or SankeyMATIC text (``Applications [35] No
response``, one flow per line). The flows are replayed: every root node (nothing flows into
it) emits that many applications with generated ids; each node passes its applications on
along its outgoing flows in file order, and every node whose name reads as an event
("Interview", "Rejected", "Declined Offer", "First Round") gives each application passing
through it that event, undated. Nodes that name no event ("Colorado", "No response",
"Waiting") only route.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...log import CATEGORIES
from ...text import key
from ..raw import RawTable
from ..values import normalise
from ._common import Collector, Context, Interpreted, seekers, tag

SOURCE_KEYS = frozenset({"source", "from", "origin"})
TARGET_KEYS = frozenset({"target", "to", "destination"})
VALUE_KEYS = frozenset({"value", "count", "weight", "flow", "n", "amount"})
_LINE = re.compile(r"^\s*(.+?)\s*\[\s*(\d+(?:\.\d+)?)\s*\]\s*(.+?)\s*$")
#: Bytes read at most from a text file to see whether it is SankeyMATIC text.
MAX_TEXT_BYTES = 1 << 20


def flow_columns(headers: list[str]) -> tuple[str, str, str] | None:
    """The (source, target, value) headers of a link list, or None."""
    found: dict[str, str] = {}
    for h in headers:
        k = key(h)
        for role, keys in (("source", SOURCE_KEYS), ("target", TARGET_KEYS), ("value", VALUE_KEYS)):
            if k in keys and role not in found:
                found[role] = h
    if len(found) == 3:
        return found["source"], found["target"], found["value"]
    return None


def read_sankeymatic(path: object, name: str) -> RawTable | None:
    """A SankeyMATIC text file as a table of flows (``source, target, value``; the index
    holds line numbers), or None when the file is not one."""
    if not isinstance(path, str | Path):
        return None
    p = Path(path)
    if p.suffix.lower() != ".txt" or not p.is_file() or p.stat().st_size > MAX_TEXT_BYTES:
        return None
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    rows, lines, other = [], [], 0
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith(("//", "'", ":")):
            continue
        m = _LINE.match(s)
        if m:
            rows.append((m.group(1), m.group(3), float(m.group(2))))
            lines.append(i)
        else:
            other += 1
    if len(rows) < 2 or other > len(rows) / 4:
        return None
    frame = pd.DataFrame(
        rows, columns=["source", "target", "value"], dtype=object, index=pd.Index(lines, name="row")
    )
    return RawTable(
        file=name,
        sheet=None,
        header_row=0,
        frame=frame,
        notes=(f"{name}: SankeyMATIC flow text ({len(rows)} flows)",),
    )


def interpret_sankey(table: RawTable, ctx: Context) -> Interpreted:
    """Replay the flows of a link list into applications and undated events."""
    col = Collector(table, ctx)
    src_h, dst_h, val_h = flow_columns(list(table.frame.columns)) or ("", "", "")
    f = table.frame
    src = f[src_h].astype(str).str.strip().to_numpy(dtype=object)
    dst = f[dst_h].astype(str).str.strip().to_numpy(dtype=object)
    value = pd.to_numeric(f[val_h], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(value) | (value < 0)
    col.quarantine_rows(bad, val_h, "flow value is not a count")
    zero = ~bad & (np.round(value) == 0)
    col.drop_rows(zero, val_h, "zero flow")
    live = ~bad & ~zero
    counts = np.where(live, np.round(np.where(bad, 0, value)), 0).astype(np.int64)

    names = pd.unique(np.concatenate([src[live], dst[live]]))
    event_of = _node_events(names, col)
    inflow = {n: 0 for n in names}
    for d, c in zip(dst[live], counts[live], strict=True):
        inflow[d] += int(c)
    roots = [n for n in names if inflow[n] == 0]
    order = _topological(names, src[live], dst[live])

    arrived: dict[str, list[int]] = {n: [] for n in names}
    first_row: list[int] = []
    rows = f.index.to_numpy()
    ev_app, ev_kind, ev_row = [], [], []
    next_id = 0
    for i in np.flatnonzero(live & np.isin(src, roots)):  # roots emit applications
        c = int(counts[i])
        ids = list(range(next_id, next_id + c))
        next_id += c
        arrived[src[i]] += ids
        first_row += [int(rows[i])] * c
    for node in order:
        pool = arrived[node]
        taken = 0
        for i in np.flatnonzero(live & (src == node)):
            c = int(counts[i])
            moving = pool[taken : taken + c]
            if len(moving) < c:  # more flows out than in: new applications start here
                extra = list(range(next_id, next_id + c - len(moving)))
                next_id += len(extra)
                first_row += [int(rows[i])] * len(extra)
                moving = moving + extra
            taken += c
            arrived[dst[i]] += moving
            if event_of.get(dst[i]):
                ev_app += moving
                ev_kind += [event_of[dst[i]]] * len(moving)
                ev_row += [int(rows[i])] * len(moving)
    n_apps = next_id
    cats = CATEGORIES["event"]
    kinds = ["applied"] * n_apps + ev_kind
    implied = [a for a, k in zip(ev_app, ev_kind, strict=True) if k in ("accepted", "declined")]
    implied_rows = [
        r for r, k in zip(ev_row, ev_kind, strict=True) if k in ("accepted", "declined")
    ]
    kinds += ["offer"] * len(implied)
    app_pos = np.array(list(range(n_apps)) + ev_app + implied, dtype=np.int64)
    src_rows = np.array(first_row + ev_row + implied_rows, dtype=np.int64)
    n = len(kinds)
    vocab_na = {
        name: pd.Categorical.from_codes(np.full(n, -1), dtype=CATEGORIES[name])
        for name in ("channel", "letter_type", "recipient")
    }
    events = pd.DataFrame(
        {
            "app_pos": app_pos,
            "date": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
            "event": pd.Categorical(kinds, dtype=cats),
            **vocab_na,
            "note": pd.array([pd.NA] * n, dtype="string"),
            "date_known": np.zeros(n, dtype=bool),
            "source_row": src_rows,
            "column": np.full(n, -1, dtype=np.int32),
            "applied_on": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        }
    )
    seeker = seekers(table, None, ctx).iloc[0] if len(f) else (ctx.seeker or "self")
    apps = pd.DataFrame(
        {
            "application_id": [f"{tag(table)}:flow:{i + 1}" for i in range(n_apps)],
            "seeker": [seeker] * n_apps,
            "company": pd.array([pd.NA] * n_apps, dtype="string"),
            "role": pd.array([pd.NA] * n_apps, dtype="string"),
            "applied_on": np.full(n_apps, np.datetime64("NaT"), dtype="datetime64[s]"),
        }
    )
    col.notes.append(
        f"{col.where()}: Sankey flows replayed: {n_apps} applications from "
        f"root node(s) {roots}; node events "
        + ", ".join(f"{k!r}={v}" for k, v in event_of.items() if v)
    )
    return col.result(events, apps)


def _node_events(names: np.ndarray, col: Collector) -> dict[str, str | None]:
    """Node name -> event it means (None: routing only)."""
    values, _unknown = normalise(
        pd.Series(names, dtype=object), "status", (col.ctx.vocab or {}).get("status")
    )
    out = {}
    for name, v in zip(names, values.astype(object), strict=True):
        out[str(name)] = None if (pd.isna(v) or v in ("other", "applied")) else str(v)
    return out


def _topological(names: np.ndarray, src: np.ndarray, dst: np.ndarray) -> list[str]:
    """Nodes in flow order (Kahn's algorithm; a cycle's nodes are appended as found)."""
    indeg = {n: 0 for n in names}
    out: dict[str, list[str]] = {n: [] for n in names}
    for s, d in zip(src, dst, strict=True):
        out[s].append(d)
        indeg[d] += 1
    ready = [n for n in names if indeg[n] == 0]
    order: list[str] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for d in out[n]:
            indeg[d] -= 1
            if indeg[d] == 0:
                ready.append(d)
    order += [n for n in names if n not in order]
    return order
