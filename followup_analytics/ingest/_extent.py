"""Bound the cells a reader would allocate for a sheet, from the sheet's raw bytes.

Spreadsheet readers (calamine among them) fill a dense rectangle from the first to the last
filled cell of a sheet, and expand an ODS's repeated rows and cells. A few kilobytes can so
ask for billions of cells and abort the process. These functions measure that cost from the
inflated sheet part, before any reader sees it, and without decoding a single value.
"""

from __future__ import annotations

import re

_REPEATED = re.compile(
    rb'<table:table-(row|cell)\b([^>]*?)table:number-(?:rows|columns)-repeated="(\d+)"([^>]*)>')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_SCAN = re.compile(rb'<c (?:r="([A-Z]{2,3})\d+"[^>]*(?<!/)>|(?!r="))')
_ANY_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>')
_ROW_REF = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')


def sheet_cells(xml: bytes) -> int:
    """Upper bound on the cells a reader allocates for one xlsx sheet.

    Readers fill a dense rectangle from the first to the last filled cell (rows in document
    order, columns over all cells), so two filled cells far apart (``A1`` and ``XFD1048576``)
    cost billions of cells. Rows come from the first and last cells with content; columns
    from the widest reference. Sheets whose cells all start with ``<c r="`` (every common
    writer) are measured with fast byte searches; others by a full scan. Returns -1 when
    the last filled row comes before the first (rows out of order: unusable).
    """
    if xml.find(b"<c ") < 0:
        return 0
    found = set(_SCAN.findall(xml))  # wide column letters; b"" for a cell without r first
    if b"" not in found:
        first = _ref_before(xml, xml.find(b"</c>"))
        last = _ref_before(xml, xml.rfind(b"</c>"))
        if first is None or last is None:
            return 0
        cols = max({_column(c) for c in found} | {26})
        return -1 if last[1] < first[1] else (last[1] - first[1] + 1) * cols
    refs = _ANY_REF.findall(xml)
    rows = [int(r) for _, r in refs] + [int(r) for r in _ROW_REF.findall(xml)]
    cols = max([_column(c) for c, _ in refs]
               + [chunk.count(b"<c ") for chunk in xml.split(b"</row>")])
    return (max(rows, default=0) + xml.count(b"<row")) * cols


def xlsb_cells(data: bytes) -> int:
    """:func:`sheet_cells` for a binary (.xlsb) sheet, walking its records.

    Each record is a 7-bit varint type and size ([MS-XLSB] 2.1.4); ``BrtRowHdr`` (type 0)
    sets the row, cell records (types 2 to 11) start with their column.
    """
    pos, end = 0, len(data)
    row = first = last = -1
    max_col = 0
    while pos < end:
        kind = data[pos] & 0x7F
        if data[pos] & 0x80:
            pos += 1
            kind |= (data[pos] & 0x7F) << 7
        pos += 1
        size = shift = 0
        for _ in range(4):
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if kind == 0 and size >= 4:
            row = int.from_bytes(data[pos:pos + 4], "little")
        elif 2 <= kind <= 11 and size >= 4:
            max_col = max(max_col, int.from_bytes(data[pos:pos + 4], "little") + 1)
            first = row if first < 0 else first
            last = row
        pos += size
    if first < 0:
        return 0
    return -1 if last < first else (last - first + 1) * max_col


def _ref_before(xml: bytes, end: int) -> tuple[int, int] | None:
    """(column, row) of the cell whose ``</c>`` is at ``end``."""
    if end < 0:
        return None
    m = _CELL_REF.match(xml, xml.rfind(b"<c ", 0, end))
    return (_column(m.group(1)), int(m.group(2))) if m else None


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def repeated_cells(content: bytes) -> int:
    """How many extra filled cells the ``number-*-repeated`` attributes of an ODS create.

    Repeated *empty* rows and cells (how LibreOffice pads a sheet) cost nothing and are not
    counted; a repeated row holding values counts its filled cells once per repeat.
    """
    extra = 0
    for m in _REPEATED.finditer(content):
        n = int(m.group(3))
        if n <= 1:
            continue
        attrs = m.group(2) + m.group(4)
        if m.group(1) == b"cell":
            extra += (n - 1) * (b"value-type" in attrs)
        elif not attrs.endswith(b"/"):
            end = content.find(b"</table:table-row>", m.end())
            row = content[m.end(): end if end >= 0 else len(content)]
            if b"value-type" in row:
                cells = row.count(b"value-type") + sum(
                    int(c.group(3)) - 1 for c in _REPEATED.finditer(row)
                    if b"value-type" in c.group(2) + c.group(4))
                extra += (n - 1) * cells
    return extra
