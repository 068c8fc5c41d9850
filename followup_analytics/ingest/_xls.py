"""Measure the cells of an Excel 97-2003 (.xls) workbook before a reader allocates them.

Readers fill a dense rectangle from the first to the last filled cell of each sheet, so an
.xls of a few kilobytes whose cells sit at row 0 and at row 65,000, column 60,000 makes
them allocate billions of cells and abort the process. :func:`xls_cells` finds the
``Workbook`` stream in the OLE2 container ([MS-CFB]) and walks its BIFF8 records
([MS-XLS] 2.1.4) to bound that rectangle, without decoding any value. On the way it checks
what the reader trusts: sector sizes, a DIFAT chain that loops or leaves the file (the reader
follows it forever), FAT and mini-FAT counts larger than the file, ``DIMENSIONS`` records
(the reader reserves their rectangle), and encryption (a ``FilePass`` record, or an
``EncryptedPackage`` stream: an encrypted .xlsx saved under an .xls name).
"""

from __future__ import annotations

import struct

from ..errors import ArgumentError

_END = 0xFFFFFFFA  # sector numbers at or above this end a chain
_DIFSECT = 0xFFFFFFFC
_CELL_RECORDS = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
_MULRK, _BOF, _EOF, _FILEPASS, _DIMENSIONS = 0x00BD, 0x0809, 0x000A, 0x002F, 0x0200


class Encrypted(ValueError):
    """The workbook is password-protected (a FilePass record or an EncryptedPackage)."""


def xls_cells(data: bytes) -> int:
    """Most cells the reader allocates for one sheet: the rectangle spanned by its filled
    cells, or the rectangle its ``DIMENSIONS`` record declares (reserved up front).

    Raises
    ------
    Encrypted
        When the workbook is password-protected.
    ValueError, struct.error, IndexError
        When the container or its records are truncated or inconsistent (corrupt file): a
        sector chain that loops or points past the end of the file, a FAT larger than the
        file, header counts that would make the reader reserve gigabytes.
    """
    stream = _workbook_stream(data)
    return 0 if stream is None else _biff_extent(stream)


def _workbook_stream(data: bytes) -> bytes | None:
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise ArgumentError(f"sector size 2^{shift} is not 512 or 4096 bytes")
    size, mini_size = 1 << shift, 1 << mini_shift
    sectors = max(len(data) // size - 1, 0)  # the header takes the first sector
    n_fat, dir_start = struct.unpack_from("<II", data, 44)
    cutoff, minifat_start, n_minifat, difat_next, _ = struct.unpack_from("<5I", data, 56)
    if n_fat > sectors or n_minifat > sectors:
        raise ArgumentError(
            f"the header declares {max(n_fat, n_minifat):,} table sectors in a file of {sectors:,}"
        )
    if struct.unpack_from("<I", data, 62)[0] > 1 << 26:  # calamine reserves 4 bytes each
        raise ArgumentError("the mini FAT header fields would make the reader reserve gigabytes")
    per = size // 4
    difat = list(struct.unpack_from("<109I", data, 76))
    seen: set[int] = set()
    while difat_next < _END:  # the reader follows this chain without a loop check
        if difat_next in seen or difat_next >= sectors:
            raise ArgumentError(
                "the DIFAT sector chain "
                + ("loops" if difat_next in seen else "points past the end of the file")
            )
        seen.add(difat_next)
        values = struct.unpack_from(f"<{per}I", data, (difat_next + 1) * size)
        difat.extend(values[:-1])
        difat_next = values[-1]
    fat: list[int] = []
    for sector in difat:
        if sector >= _DIFSECT:
            continue
        if sector >= sectors:
            raise ArgumentError(f"a FAT sector ({sector:,}) lies past the end of the file")
        fat.extend(struct.unpack_from(f"<{per}I", data, (sector + 1) * size))

    def chain(start: int, table: list[int]) -> list[int]:
        out: list[int] = []
        while start < _END:
            if start >= len(table) or len(out) > len(table):
                raise ArgumentError("broken sector chain")
            out.append(start)
            start = table[start]
        return out

    def read(start: int) -> bytes:
        return b"".join(data[(s + 1) * size : (s + 2) * size] for s in chain(start, fat))

    directory = read(dir_start)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    names: dict[str, bytes] = {}
    for raw in entries:
        length = struct.unpack_from("<H", raw, 64)[0]
        names[raw[: max(min(length, 64) - 2, 0)].decode("utf-16-le", "replace")] = raw
    if "EncryptedPackage" in names:
        raise Encrypted("an encrypted Office document")
    for name in ("Workbook", "Book"):
        entry = names.get(name)
        if entry is None or entry[66] != 2:
            continue
        start, length = struct.unpack_from("<II", entry, 116)
        if length >= cutoff:
            return read(start)[:length]
        root_start = struct.unpack_from("<I", entries[0], 116)[0]
        mini = read(root_start)
        minifat: list[int] = []
        for sector in chain(minifat_start, fat):
            minifat.extend(struct.unpack_from(f"<{per}I", data, (sector + 1) * size))
        return b"".join(mini[s * mini_size : (s + 1) * mini_size] for s in chain(start, minifat))[
            :length
        ]
    return None


def _dimensions(body: bytes) -> int:
    """Cells the reader reserves for a DIMENSIONS record (u32 arithmetic as in calamine)."""
    if len(body) == 14:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", body)
    else:
        return 0
    if cf > 0xFF or cl < cf:
        cf = 0
    end_r, end_c = (rl - 1, cl - 1) if rl >= 1 and cl >= 1 else (rf, cf)
    rows = (((end_r - rf) & 0xFFFFFFFF) + 1) & 0xFFFFFFFF
    cols = (((end_c - cf) & 0xFFFFFFFF) + 1) & 0xFFFFFFFF
    return rows * cols


def _biff_extent(stream: bytes) -> int:
    """Largest (rows x columns) rectangle holding the cell records of one sheet substream."""
    pos, end, best = 0, len(stream), 0
    low, high, max_col = 1 << 30, -1, -1
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if kind == _FILEPASS and length >= 2 and stream[body : body + 2] != b"\0\0":
            raise Encrypted("a FilePass record")
        if kind == _DIMENSIONS:
            best = max(best, _dimensions(stream[body:pos]))
            continue
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
