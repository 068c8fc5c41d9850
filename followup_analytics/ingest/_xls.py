"""Measure the cells of an Excel 97-2003 (.xls) workbook before a reader allocates them.

Readers fill a dense rectangle from the first to the last filled cell of each sheet, so an
.xls of a few kilobytes whose cells sit at row 0 and at row 65,000, column 60,000 makes
them allocate billions of cells and abort the process. :func:`xls_cells` finds the
``Workbook`` stream in the OLE2 container ([MS-CFB]) and walks its BIFF8 records
([MS-XLS] 2.1.4) to bound that rectangle, without decoding any value.
"""

from __future__ import annotations

import struct

_END = 0xFFFFFFFA  # sector numbers at or above this end a chain
_CELL_RECORDS = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
_MULRK, _BOF, _EOF = 0x00BD, 0x0809, 0x000A


def xls_cells(data: bytes) -> int:
    """Largest cell rectangle (rows x columns) spanned by the filled cells of any sheet.

    Raises
    ------
    ValueError, struct.error, IndexError
        When the container or its records are truncated or inconsistent (corrupt file).
    """
    stream = _workbook_stream(data)
    return 0 if stream is None else _biff_extent(stream)


def _workbook_stream(data: bytes) -> bytes | None:
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size, mini_size = 1 << shift, 1 << mini_shift
    n_fat, dir_start = struct.unpack_from("<II", data, 44)
    cutoff, minifat_start, _, difat_next, n_difat = struct.unpack_from("<5I", data, 56)
    per = size // 4
    difat = list(struct.unpack_from("<109I", data, 76))
    for _ in range(n_difat):
        if difat_next >= _END:
            break
        values = struct.unpack_from(f"<{per}I", data, (difat_next + 1) * size)
        difat.extend(values[:-1])
        difat_next = values[-1]
    fat: list[int] = []
    for sector in difat[:n_fat]:
        fat.extend(struct.unpack_from(f"<{per}I", data, (sector + 1) * size))

    def chain(start: int, table: list[int]) -> list[int]:
        out = []
        while start < _END:
            if start >= len(table) or len(out) > len(table):
                raise ValueError("broken sector chain")
            out.append(start)
            start = table[start]
        return out

    def read(start: int) -> bytes:
        return b"".join(data[(s + 1) * size:(s + 2) * size] for s in chain(start, fat))

    directory = read(dir_start)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    for entry in entries:
        length = struct.unpack_from("<H", entry, 64)[0]
        name = entry[:max(length - 2, 0)].decode("utf-16-le", "replace")
        if name in ("Workbook", "Book") and entry[66] == 2:
            start, length = struct.unpack_from("<II", entry, 116)
            if length >= cutoff:
                return read(start)[:length]
            root_start = struct.unpack_from("<I", entries[0], 116)[0]
            mini = read(root_start)
            minifat: list[int] = []
            for sector in chain(minifat_start, fat):
                minifat.extend(struct.unpack_from(f"<{per}I", data, (sector + 1) * size))
            return b"".join(mini[s * mini_size:(s + 1) * mini_size]
                            for s in chain(start, minifat))[:length]
    return None


def _biff_extent(stream: bytes) -> int:
    """Largest (rows x columns) rectangle holding the cell records of one sheet substream."""
    pos, end, best = 0, len(stream), 0
    low, high, max_col = 1 << 30, -1, -1
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if kind in _CELL_RECORDS and length >= 4:
            row, col = struct.unpack_from("<HH", stream, body)
        elif kind == _MULRK and length >= 6:
            row = struct.unpack_from("<H", stream, body)[0]
            col = struct.unpack_from("<H", stream, body + length - 2)[0]
        else:
            if kind in (_BOF, _EOF):
                if high >= 0:
                    best = max(best, (high - low + 1) * (max_col + 1))
                low, high, max_col = 1 << 30, -1, -1
            continue
        low, high, max_col = min(low, row), max(high, row), max(max_col, col)
    if high >= 0:
        best = max(best, (high - low + 1) * (max_col + 1))
    return best
