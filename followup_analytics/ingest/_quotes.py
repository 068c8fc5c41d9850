"""Find quotes left open by mistake in a delimited text file, and read them as literal quotes.

A quote typed at the start of a cell in a hand-kept csv (``Acme,"called them``) opens a quoted
field that the parser keeps open across the following lines, until the next quote anywhere:
those lines, which are rows, end up inside one cell. :func:`repair_stray_quotes` reads the
text once with Python's csv reader in strict mode, which stops exactly where quoting is
unbalanced (text after a closing quote, or the end of the file inside quotes). A record that
spans lines and stops there is a stray quote when one of the lines it swallowed looks like a
row of the table (as many fields, less one, as the widest line). That quote is then read as
a literal character: the line is rewritten with the quote doubled inside a quoted cell, and
the lines after it are read again as rows. A quoted note that spans lines legitimately ends
with a closing quote followed by a delimiter or the line end and is left alone.

A valid multi-line cell whose inner lines look like rows is only reported
(:func:`swallowed_rows`): the file is valid csv there and the reader cannot tell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

_QUOTED = re.compile(r'"((?:[^"]|"")*+)"')  # possessive: "" never ends a field
_MALFORMED = "expected after"
_EOF = "end of data"


@dataclass(frozen=True)
class StrayQuote:
    """A quote read as a literal character.

    Attributes
    ----------
    record : int
        1-based record (row) number of the line holding the quote, as the table numbers it.
    column : int
        0-based position of the cell the quote starts.
    swallowed : int
        Lines after it that were inside the cell before the repair.
    closed_at_end : bool
        True when the quote was left open and closed at the end of the file instead (no
        swallowed line looked like a row): the cell keeps its lines.
    """

    record: int
    column: int
    swallowed: int
    closed_at_end: bool = False

    def reason(self) -> str:
        """What happened, in words a user can act on."""
        if self.closed_at_end:
            return (
                "a quote opening this cell is never closed: the cell runs to the end of "
                "the file; check the file"
            )
        if not self.swallowed:
            return "a quote opening this cell is never closed: read as a literal quote"
        if self.swallowed == 1:
            what = f"the line it swallowed is read as a row (row {self.record + 1})"
        else:
            what = (
                f"the {self.swallowed} lines it swallowed are read as rows (rows "
                f"{self.record + 1}-{self.record + self.swallowed})"
            )
        return (
            f"a quote opening this cell is never closed on its line (a stray quote): "
            f"read as a literal quote, so {what}; check the file"
        )


def repair_stray_quotes(text: str, delimiter: str, width: int) -> tuple[str, list[StrayQuote]]:
    """``text`` with each stray quote made literal, and where they were.

    Parameters
    ----------
    text : str
        The whole file, decoded; line ends ``\\n`` or ``\\r\\n``.
    delimiter : str
        One character.
    width : int
        Fields on the widest line: a swallowed line with at least ``width - 1`` of them (and
        at least 2) looks like a row.

    Returns
    -------
    text : str
        The same lines, in the same number; only lines holding a stray quote are rewritten.
    strays : list of StrayQuote
        Empty (and ``text`` unchanged) when nothing needed repair or the text has line ends
        the strict reader does not follow (a lone carriage return inside a line).
    """
    lines = text.split("\n")
    last = lines.pop() if lines else ""  # "" when the text ends with a line end
    if last:
        lines.append(last)
    need = max(width - 1, 2)
    strays: list[StrayQuote] = []
    i, record = 0, 0
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        while i < len(lines):
            at = [i]
            reader = csv.reader(_feed(lines, at), delimiter=delimiter, strict=True)
            start = i
            try:
                for _ in reader:
                    record += 1
                    start = at[0]
                break
            except csv.Error as err:
                message = str(err)
            end = at[0]
            if _MALFORMED not in message and _EOF not in message:
                return text, []  # e.g. a carriage return alone inside a line
            eof = _EOF in message and end >= len(lines)
            inner = range(start + 1, end)
            rows = any(lines[j].count(delimiter) + 1 >= need for j in inner)
            record += 1
            if eof and inner and not rows:  # a last note left open: close it at the end
                lines[-1] = _close(lines[-1])
                opened = _open_field(lines[start], delimiter)
                strays.append(
                    StrayQuote(record, opened[1] if opened else 0, len(inner), closed_at_end=True)
                )
                break
            fixed = (
                _literal(lines[start], delimiter, width) if rows or (eof and not inner) else None
            )
            if fixed is None:  # a legitimate (if untidy) multi-line cell: as the parser reads it
                i = end
                continue
            lines[start], column = fixed
            strays.append(StrayQuote(record, column, len(inner)))
            i = start + 1
    finally:
        csv.field_size_limit(old_limit)
    if not strays:
        return text, []
    return "\n".join(lines) + ("" if last else "\n"), strays


def _feed(lines: list[str], at: list[int]) -> Iterator[str]:
    """The lines from ``at[0]`` on, with their line end; ``at[0]`` follows the reading."""
    while at[0] < len(lines):
        k = at[0]
        at[0] += 1
        yield lines[k] + "\n"


def _close(line: str) -> str:
    body = line[:-1] if line.endswith("\r") else line
    return body + '"' + line[len(body) :]


def _open_field(line: str, delimiter: str) -> tuple[list[str], int, int] | None:
    """The cells before the field left open at the end of ``line``, its position among the
    fields and the offset of its quote; None if every quote on the line is closed."""
    cells: list[str] = []
    pos = 0
    while True:
        if line.startswith('"', pos):
            m = _QUOTED.match(line, pos)
            if m is None:
                return cells, len(cells), pos
            nxt = line.find(delimiter, m.end())
            value = m.group(1).replace('""', '"') + line[m.end() : nxt if nxt >= 0 else None]
        else:
            nxt = line.find(delimiter, pos)
            value = line[pos : nxt if nxt >= 0 else None]
        if nxt < 0:
            return None
        cells.append(value)
        pos = nxt + len(delimiter)


def _literal(line: str, delimiter: str, width: int) -> tuple[str, int] | None:
    """``line`` rewritten so that the quote left open on it is a literal character, and the
    position of that cell. The rest of the line is split at the delimiter as unquoted text,
    unless that makes more fields than ``width`` (then it stays one cell)."""
    body = line[:-1] if line.endswith("\r") else line
    found = _open_field(body, delimiter)
    if found is None:
        return None
    before, column, quote = found
    rest = body[quote:]
    parts = rest.split(delimiter)
    if len(before) + len(parts) > width:
        parts = [rest]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(before + parts)
    return out.getvalue() + line[len(body) :], column


def swallowed_rows(grid, delimiter: str, width: int) -> list[tuple[int, int, int]]:
    """``(record, column, lines)`` for valid multi-line cells with a whole line between the
    first and the last that looks like a row (as many delimiters as a row, less one), and
    how many of its lines after the first look like rows: perhaps a stray quote, closed by
    another at the end of a line. A note of two lines is not reported."""
    need = max(width - 2, 1)
    found = []
    for col in grid.columns:
        values = grid[col]
        multi = values[values.str.contains("\n", regex=False, na=False)]
        for row, text in multi.items():
            rows = [line.count(delimiter) >= need for line in text.split("\n")[1:]]
            if any(rows[:-1]):
                found.append((int(row), int(col), sum(rows)))
    return found
