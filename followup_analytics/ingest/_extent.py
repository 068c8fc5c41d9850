"""Bound the cells a reader would allocate for a sheet, reading the sheet as the reader does.

python-calamine (calamine 0.37) fills a dense rectangle between the filled cells of an
xlsx/xlsb sheet (smallest to largest row and column, whatever their order) and expands the
repeated rows and cells of an ODS. A few kilobytes can ask for billions of cells and abort
the process, so these functions measure that cost from the inflated parts before the reader
sees them:

- xlsx: the sheet is parsed as XML the way calamine's quick-xml reader sees it (elements by
  local name, so any namespace prefix counts; the ``r`` attribute in either quote style and
  after any whitespace; comments, CDATA and processing instructions ignored; cells without
  ``r`` placed by the running row and column counters). Sheets written by every common
  program (no comments, every cell spelled ``<c r="A1"``) take a fast path of byte searches
  that checks, rather than assumes, that no cell lies outside the rectangle; anything else is
  parsed by expat, streaming, with entity expansion off.
- xlsb: the BIFF12 records are walked ([MS-XLSB] 2.1.4): ``BrtRowHdr`` sets the row, the
  ``BrtCell*`` records calamine keeps give the column.
- ODS: see :mod:`._ods`.

Every function raises :class:`Corrupt` for what calamine would reject anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.parsers import expat

_U32 = 0xFFFFFFFF


class Corrupt(ValueError):
    """The part is malformed in a way the reader rejects (no cells would be allocated)."""


class _Box:
    """Bounding box and count of the filled cells seen so far (0-based, inclusive)."""

    __slots__ = ("c0", "c1", "n", "r0", "r1")

    def __init__(self) -> None:
        self.r0 = self.c0 = 1 << 62
        self.r1 = self.c1 = -1
        self.n = 0

    def add(self, row: int, col: int) -> None:
        self.n += 1
        self.r0, self.r1 = min(self.r0, row), max(self.r1, row)
        self.c0, self.c1 = min(self.c0, col), max(self.c1, col)

    @property
    def cells(self) -> int:
        """Cells of the dense rectangle, or the filled cells if more (the sparse list)."""
        if self.r1 < 0:
            return 0
        return max((self.r1 - self.r0 + 1) * (self.c1 - self.c0 + 1), self.n)


# --------------------------------------------------------------------------- xlsx
_REF = rb"[A-Z]{1,3}[1-9][0-9]{0,6}"
_MIN_CELL_BYTES = 18  # `<c r="A1"><v/></c>`: the fewest bytes of a filled cell
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^<>]*\?>")
# comments, CDATA, DTDs, processing instructions, and cells spelled any other way than
# `<c r="` send the sheet to the XML parser (a reference other than A1..XFD9999999 too:
# see _outside_cells)
_ODD = re.compile(rb'<[!?]|<c(?![\w.:\-]| r=")')
_PREFIXED = re.compile(rb":c(?![\w.:\-])")
_TAG_NAME = re.compile(rb"<[^\s<>/!?=\"']+")
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')


def xlsx_sheet_cells(chunks: list[bytes], limit: int | None = None) -> int:
    """Cells calamine allocates for one xlsx worksheet part (rectangle or filled cells),
    from the part's inflated bytes in chunks. With ``limit``, the filled cells are only
    counted when the part is large enough to hold more than ``limit`` of them."""
    cells = _fast_cells(chunks, limit)
    return cells if cells is not None else _expat_cells(chunks)


def _pieces(chunks: list[bytes]) -> Iterable[bytes]:
    """The bytes again, cut just before a ``<`` so that no tag straddles two pieces."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def _filled(data: bytes, m: re.Match) -> bool:
    return not m.group(3).endswith(b"/") and not data.startswith(b"</c>", m.end())


def _plain(piece: bytes, start: int) -> bool:
    """Whether byte searches see the same cells as an XML parser in this piece."""
    if (
        b"<!" in piece
        or piece.find(b"<?", start) >= 0
        or piece.count(b"<c") != piece.count(b'<c r="')
    ) and _ODD.search(piece, start) is not None:  # the counts spare most searches
        return False
    for m in _PREFIXED.finditer(piece, start):  # `:c` in text is fine, in a tag name not
        lt = piece.rfind(b"<", 0, m.start())
        name = _TAG_NAME.match(piece, lt) if lt >= 0 else None
        if name is not None and name.end() == m.start() + 2:
            return False
    return True


def _fast_cells(chunks: list[bytes], limit: int | None = None) -> int | None:
    """Byte searches, for sheets spelled as every common writer spells them; None when the
    sheet must be parsed as XML. The box starts at the first and last filled cells; each
    piece is then searched for any filled cell outside it (a hit widens the box)."""
    pieces = list(_pieces(chunks))
    if not pieces:
        return 0
    head = pieces[0]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:64]:
        return None
    decl = _DECLARATION.match(head)
    starts = [decl.end() if decl else 0] + [0] * (len(pieces) - 1)
    box, filled = _Box(), 0
    m: re.Match[bytes] | None
    count = limit is None or sum(map(len, pieces)) // _MIN_CELL_BYTES > limit
    for piece, start in zip(pieces, starts, strict=True):
        if not _plain(piece, start):
            return None
        if count:
            filled += piece.count(b"</c>")
        if box.n == 0:
            for m in _CELL.finditer(piece, start):
                if _filled(piece, m):
                    box.add(int(m.group(2)) - 1, _col(m.group(1)) - 1)
                    break
    for piece, start in zip(reversed(pieces), reversed(starts), strict=True):
        last = piece.rfind(b"<c ", 0, piece.rfind(b"</c>"))
        if last >= start:
            m = _CELL.match(piece, last)
            if m is None:
                return None
            if _filled(piece, m):
                box.add(int(m.group(2)) - 1, _col(m.group(1)) - 1)
                break
    if box.n == 0:
        return 0
    outside, seen, widened = _outside_cells(box), box.n, 0
    for piece, start in zip(pieces, starts, strict=True):
        hit = outside.search(piece, start)
        while hit is not None:
            m = _CELL.match(piece, hit.start())
            if m is None:
                return None
            if _filled(piece, m):
                widened += 1
                if widened > 64:  # adversarial: leave it to the XML parser
                    return None
                box.add(int(m.group(2)) - 1, _col(m.group(1)) - 1)
                outside, seen = _outside_cells(box), box.n
            hit = outside.search(piece, m.end())
    box.n = max(filled, seen)
    return box.cells


def _outside_cells(box: _Box) -> re.Pattern:
    """A cell whose reference is not a plain A1..XFD9999999 (then _CELL fails to match and
    the XML parser decides), or lies outside the box."""
    return re.compile(
        rb'<c r="(?:(?!'
        + _REF
        + rb'")|(?:'
        + _outside(box.c0 + 1, box.c1 + 1, True)
        + rb")(?=[0-9])|[A-Z]{1,3}(?:"
        + _outside(box.r0 + 1, box.r1 + 1, False)
        + rb')")'
    )


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _outside(lo: int, hi: int, letters: bool) -> bytes:
    """Regex for a row number (or column letters) below ``lo`` or above ``hi`` (1-based)."""
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letters else "0123456789"
    any_, lead = ("[A-Z]", "[A-Z]") if letters else ("[0-9]", "[1-9]")
    s = _letters(hi) if letters else str(hi)
    alts = [f"{lead}{any_}{{{len(s)},}}"]  # longer: larger
    for i, ch in enumerate(s):
        up = alpha[alpha.index(ch) + 1 :]
        if up:
            alts.append(f"{s[:i]}[{up[0]}-{up[-1]}]{any_}{{{len(s) - i - 1}}}")
    s = _letters(lo) if letters else str(lo)
    if len(s) > 1:
        alts.append(f"{lead}{any_}{{0,{len(s) - 2}}}")  # shorter: smaller
    for i, ch in enumerate(s):
        low = alpha[(0 if letters or i else 1) : alpha.index(ch)]
        if low:
            alts.append(f"{s[:i]}[{low[0]}-{low[-1]}]{any_}{{{len(s) - i - 1}}}")
    return "|".join(alts).encode()


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _ref(text: str) -> tuple[int, int | None]:
    """calamine's ``get_row_and_optional_column`` (u32 arithmetic wraps as in release Rust)."""
    col = row = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if "A" <= ch <= "Z" or "a" <= ch <= "z":
            col = (col * 26 + (ord(ch.upper()) - 64)) & _U32
        elif "0" <= ch <= "9":
            break
        else:
            raise Corrupt(f"cell reference {text[:20]!r} is not valid")
        i += 1
    for ch in text[i:]:
        if not "0" <= ch <= "9":
            raise Corrupt(f"cell reference {text[:20]!r} is not valid")
        row = (row * 10 + ord(ch) - 48) & _U32
    if row == 0:
        raise Corrupt(f"cell reference {text[:20]!r} has no row")
    return row - 1, (col - 1 if col else None)


class _Stop(Exception):
    pass


def _parser() -> expat.XMLParserType:
    """An expat parser without namespace processing and without any DTD or entity."""
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args) -> None:
        raise Corrupt("declares a DTD or entities (refused: XML entity expansion is unsafe)")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    return p


def _feed(p: expat.XMLParserType, chunks: Iterable[bytes]) -> None:
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError as err:
        raise Corrupt(
            f"not valid XML ({expat.errors.messages.get(err.code, err)} at line {err.lineno})"
        ) from None


def _expat_cells(chunks: list[bytes]) -> int:
    """The cells calamine's sheet reader yields, by a streaming XML parse."""
    box = _Box()
    state: dict[str, Any] = {"in": False, "row": 0, "col": 0, "cell": None, "filled": False}

    def local(name: str) -> str:
        return name.split(":", 1)[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local(name)
        if not state["in"]:
            state["in"] = tag == "sheetData"
            return
        if state["cell"] is not None:
            state["filled"] = True
        elif tag == "row":
            if "r" in attrs:
                state["row"] = _ref(attrs["r"])[0]
        elif tag == "c":
            if "r" in attrs:
                row, col = _ref(attrs["r"])
                if col is None:
                    raise Corrupt(f"cell reference {attrs['r'][:20]!r} has no column")
                state["col"] = col
            else:
                row, col = state["row"], state["col"]
            state["cell"], state["filled"] = (row, col), False

    def end(name: str) -> None:
        if not state["in"]:
            return
        tag = local(name)
        if tag == "c" and state["cell"] is not None:
            if state["filled"]:
                box.add(*state["cell"])
            state["cell"] = None
            state["col"] = (state["col"] + 1) & _U32
        elif state["cell"] is None and tag == "row":
            state["row"] = (state["row"] + 1) & _U32
            state["col"] = 0
        elif tag == "sheetData":
            raise _Stop

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    _feed(p, chunks)
    return box.cells


# --------------------------------------------------------------------------- xlsb
_XLSB_CELLS = frozenset(range(2, 11))  # BrtCellRk ... BrtFmlaBool: the records calamine keeps


def xlsb_records(data: bytes) -> Iterable[tuple[int, int, int]]:
    """(type, body start, body end) of every BIFF12 record; Corrupt when one overruns."""
    pos, end = 0, len(data)
    while pos < end:
        kind = data[pos] & 0x7F
        if data[pos] & 0x80:
            if pos + 1 >= end:
                raise Corrupt("truncated record")
            kind |= (data[pos + 1] & 0x7F) << 7
            pos += 1
        pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                raise Corrupt("truncated record")
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if pos + size > end:
            raise Corrupt(f"a record of {size:,} bytes runs past the end of its part")
        yield kind, pos, pos + size
        pos += size


def xlsb_sheet_cells(data: bytes) -> int:
    """:func:`xlsx_sheet_cells` for a binary (.xlsb) sheet part."""
    box = _Box()
    row, live = 0, True
    for kind, body, end in xlsb_records(data):  # walked to the end: a cut part is corrupt
        if not live:
            continue
        if kind == 0 and end - body >= 4:  # BrtRowHdr
            row = int.from_bytes(data[body : body + 4], "little")
            live = row <= 0x100000  # calamine ends the sheet at a larger row
        elif kind in _XLSB_CELLS and end - body >= 4:
            box.add(row, int.from_bytes(data[body : body + 4], "little"))
        elif kind == 0x92:  # BrtEndSheetData
            live = False
    return box.cells


def xlsb_string_count(data: bytes) -> int:
    """The count a ``BrtBeginSst`` record declares (calamine loops that many times)."""
    for kind, body, end in xlsb_records(data):
        if kind == 0x9F and end - body >= 8:
            return int.from_bytes(data[body + 4 : body + 8], "little")
    return 0
