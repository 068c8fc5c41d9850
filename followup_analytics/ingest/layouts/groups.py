"""Several applications in one row: repeated (role, date, status) column groups.

A tracker that keeps "岗位一 | 投递时间 | 状态 | 岗位二 | 投递时间 | 状态" (or "Role, Date applied,
Status, Role 2, Date applied (2), Status (2)") lists up to N applications to one company per
row. :func:`split_groups` returns, for every group after the first whose date or status
repeats, a table of the company columns plus that group's columns under the first group's
headers, holding only the rows where the group is filled; each is then read like the first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from ...text import key
from ..columns import match_columns
from ..profile import Profile
from ..raw import RawTable
from .wide import WIDE_FIELDS

_SUFFIX = re.compile(r"^(.*?)\s*\((\d{1,2})\)$")
_CJK = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_REPEATED = ("role", "applied_on", "status")
_KEPT = ("company", "seeker", "application_id")


def _base_and_number(header: str) -> tuple[str, int]:
    """("投递时间", 2) for "投递时间 (2)"; ("岗位", 2) for "岗位二"; ("role", 2) for "Role 2"."""
    m = _SUFFIX.match(header)
    if m:
        return key(m.group(1)), int(m.group(2))
    k = key(header)
    if k and k[-1] in _CJK:
        return k[:-1], _CJK[k[-1]]
    m = re.match(r"^(.*\D)\s*(\d{1,2})$", k)
    if m:
        return m.group(1).strip(), int(m.group(2))
    return k, 1


def may_hold_groups(headers: list[str]) -> bool:
    """Cheap test before :func:`split_groups`: some header carries a group number."""
    return any(_base_and_number(str(h))[1] >= 2 for h in headers)


def split_groups(table: RawTable, profiles: Mapping[str, Profile]) -> list[RawTable]:
    """Tables for the second and later application groups of each row (see module doc)."""
    cm = match_columns(list(table.frame.columns), WIDE_FIELDS, profiles=profiles)
    first = {f: c for f in _REPEATED if (c := cm.column(f))}
    if not ({"applied_on", "status"} & set(first)):
        return []
    bases = {_base_and_number(h)[0]: f for f, h in first.items()}
    groups: dict[int, dict[str, str]] = {}
    for h in table.frame.columns:
        base, n = _base_and_number(h)
        if n >= 2 and base in bases and h not in first.values():
            groups.setdefault(n, {})[bases[base]] = h
    kept = [cm.column(f) for f in _KEPT if cm.column(f)]
    out = []
    for n, cols in sorted(groups.items()):
        if not ({"applied_on", "status"} & set(cols)):
            continue  # several roles under one status: one application
        frame = table.frame[kept + list(cols.values())]
        frame = frame.rename(columns={h: first[f] for f, h in cols.items()})
        filled = frame[list(first[f] for f in cols)].notna().any(axis=1)
        if not filled.any():
            continue
        out.append(
            dataclasses.replace(
                table,
                frame=frame[filled.to_numpy()],
                dropped=table.dropped.iloc[0:0],
                notes=(
                    f"application group {n}: columns {list(cols.values())}, "
                    f"{int(filled.sum())} row(s)",
                ),
            )
        )
    return out
