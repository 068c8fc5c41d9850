"""Bound the cells python-calamine allocates for an OpenDocument spreadsheet.

``content.xml`` is parsed by expat, streaming, with raw qualified names (calamine matches
``table:table-row`` literally, so another prefix is not a row to it either), applying
calamine's caps on repeats (1,048,576 rows, 16,384 columns).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ._extent import Corrupt, _feed, _parser

_MAX_ROWS, _MAX_COLS = 1_048_576, 16_384

_ODS_CELLS = ("table:table-cell", "table:covered-table-cell")
_MAX_SPACES = 1_000_000  # calamine writes a <text:s text:c="N"/> as N spaces

_Span = tuple[int, int | None, int | None]  # (repeat, first filled column, last filled column)


@dataclass
class _Row:
    rep: int
    pos: int = 0
    pending: int = 0
    first: int | None = None
    last: int | None = None


@dataclass
class _Table:
    rows: list[_Span] = field(default_factory=list)
    total: int = 0
    stored: int = 0


@dataclass
class _State:
    best: int = 0
    table: _Table | None = None
    row: _Row | None = None
    cell: tuple[int, bool] | None = None


def ods_cells(chunks: Iterable[bytes]) -> int:
    """Largest cost of any table of an ODS ``content.xml``, with calamine's caps.

    The cost of a table is the larger of the cells its reader stores while reading (each row
    element once, repeated cells expanded, trailing empty cells not stored) and the dense
    rectangle it builds (repeated rows expanded between the first and last filled row).
    """
    st = _State()

    def new_row(rep: int) -> None:
        table = st.table
        if table is None:
            return
        taken = min(rep, max(_MAX_ROWS - table.total, 0))
        table.total += taken
        st.row = _Row(rep=taken)

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "table:table":
            st.table, st.row, st.cell = _Table(), None, None
        elif name == "table:table-row":
            new_row(_count(attrs.get("table:number-rows-repeated")))
        elif name in _ODS_CELLS and st.row is not None and st.cell is None:
            # calamine keeps a value only for a value type or a formula (text alone is empty)
            filled = "office:value-type" in attrs or bool(attrs.get("table:formula"))
            st.cell = (_count(attrs.get("table:number-columns-repeated")), filled)
        elif name == "text:s" and _count(attrs.get("text:c")) > _MAX_SPACES:
            raise Corrupt(
                f"a <text:s> element asks for {_count(attrs.get('text:c')):,} "
                f"spaces (limit {_MAX_SPACES:,})"
            )

    def end(name: str) -> None:
        row, table = st.row, st.table
        if name in _ODS_CELLS and st.cell is not None and row is not None:
            rep, filled = st.cell
            st.cell = None
            row.pos += min(row.pending, _MAX_COLS - row.pos)
            row.pending = 0
            taken = min(rep, _MAX_COLS - row.pos)
            if filled and taken:
                row.first = row.pos if row.first is None else row.first
                row.pos += taken
                row.last = row.pos - 1
            else:
                row.pending = taken
        elif name == "table:table-row" and row is not None and table is not None:
            table.stored += row.pos
            table.rows.append((row.rep, row.first, row.last))
            st.row = None
        elif name == "table:table" and table is not None:
            st.best = max(st.best, table.stored, _ods_rectangle(table.rows))
            st.table = None

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    _feed(p, chunks)
    return st.best


def _ods_rectangle(rows: list[_Span]) -> int:
    filled = [i for i, (_, first, _) in enumerate(rows) if first is not None]
    if not filled:
        return 0
    lo, hi = filled[0], filled[-1]
    width = (
        max(r[2] for r in rows if r[2] is not None)
        - min(r[1] for r in rows if r[1] is not None)
        + 1
    )
    return sum(r[0] for r in rows[lo : hi + 1]) * width


def _count(value: str | None) -> int:
    if value is None:
        return 1
    if not value.strip().isdigit():
        raise Corrupt(f"repeat count {value[:20]!r} is not a number")
    return int(value)
