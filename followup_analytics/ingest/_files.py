"""Open input files safely and check the shape of text files before a parser sees them.

- Only regular files are read: a named pipe, a device (``/dev/zero``), a socket or a folder
  is refused by name, without blocking on it (the file is opened non-blocking and checked
  with ``fstat`` on the open descriptor, so it cannot be swapped between check and open).
- A text file's physical lines and quoted fields are bounded (``ReadLimits.max_line_bytes``)
  in one streaming pass: a one-line file of hundreds of megabytes would otherwise become millions of
  columns. The same pass finds files whose lines end with a carriage return only (old Excel
  for Mac), which are then read with ``\\n`` line ends.
- A UTF-8 file with a few bytes that are not UTF-8 is decoded line by line: only the lines
  that are not valid UTF-8 are read as Windows-1252, and the note says which.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from typing import IO

import numpy as np

from ._containers import ReadLimits, fail

_BLOCK = 2**20
_QUOTE = ord('"')
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
_BAD_UTF8 = re.compile("[\udc80-\udcff]")


def open_regular(name: str, path: str) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file; SpreadsheetError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise fail(name, "file not found (it may have been moved or deleted)") from None
    except IsADirectoryError:
        raise fail(name, "is a folder, not a file") from None
    except OSError as err:
        raise fail(name, f"cannot be opened ({err.strerror or err})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((w for test, w in _KINDS if test(mode)), "not a regular file")
            raise fail(name, f"is {what}, not a spreadsheet file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def scan_lines(name: str, fh: IO[bytes], limits: ReadLimits) -> tuple[bool, int]:
    """Refuse a physical line, or a quoted field, longer than ``max_line_bytes``; return
    whether lines end with a carriage return only, and the number of line ends.

    Reads the stream once in blocks no longer than the limit (so only a run crossing blocks
    can exceed it) and rewinds it. A quoted field is measured from its opening quote to its
    closing one without parsing (:class:`_QuotedRun`): ``""`` inside it does not end it,
    however many there are.
    """
    limit = limits.max_line_bytes
    block = max(min(_BLOCK, limit), 1)
    run, saw_lf, saw_cr, ends, crs = 0, False, False, 0, 0
    quoted, offset = _QuotedRun(), 0
    try:
        while chunk := fh.read(block):
            ends += chunk.count(b"\n")
            lf, cr = chunk.find(b"\n"), chunk.find(b"\r")
            if cr >= 0 and not saw_lf and lf < 0:
                crs += chunk.count(b"\r")
            saw_lf, saw_cr = saw_lf or lf >= 0, saw_cr or cr >= 0
            if lf < 0 and cr < 0:
                run += len(chunk)
            else:
                run += min(p for p in (lf, cr) if p >= 0)
                if run > limit:
                    break
                run = len(chunk) - 1 - max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            if quoted.feed(chunk, offset) > limit or run > limit:
                break
            offset += len(chunk)
    finally:
        fh.seek(0)
    if run > limit:
        raise fail(
            name,
            f"has a line longer than {limit:,} bytes (limit): not a table "
            "of rows (if it is, split the long line)",
        )
    if quoted.longest > limit:
        raise fail(
            name,
            f"has a quoted field longer than {limit:,} bytes (limit): a quote "
            "that is never closed, or not a table of rows",
        )
    return (True, crs) if saw_cr and not saw_lf else (False, ends)


class _QuotedRun:
    """The longest quoted field of a stream fed in blocks, in bytes from quote to quote.

    Inside or outside quotes is known from the parity of the quotes before. A quote that
    opens right after a closing one (``""``) continues the same field, so a field of many
    doubled quotes with short runs between them is measured whole. Vectorised per block.
    """

    def __init__(self) -> None:
        self.inside = False
        self.start = -1  # where the open (or last) field began
        self.last_close = -2  # where the last quote that closed a field is
        self.longest = 0

    def feed(self, chunk: bytes, offset: int) -> int:
        """Account for one block starting at byte ``offset``; the longest field so far."""
        if b'"' not in chunk:
            if self.inside:
                self.longest = max(self.longest, offset + len(chunk) - self.start)
            return self.longest
        pos = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == _QUOTE) + offset
        opening = (np.arange(pos.size) % 2 == 0) != self.inside
        before = np.empty_like(pos)
        before[0], before[1:] = self.last_close, pos[:-1]
        new = opening & (pos - before != 1)
        starts = np.maximum.accumulate(np.where(new, pos, self.start))
        closing = ~opening
        if closing.any():
            self.longest = max(self.longest, int((pos[closing] - starts[closing]).max()) + 1)
        self.inside ^= bool(pos.size % 2)
        self.start = int(starts[-1])
        if self.inside:
            self.longest = max(self.longest, offset + len(chunk) - self.start)
        else:
            self.last_close = int(pos[-1])
        return self.longest


def cr_to_lf(fh: IO[bytes]) -> io.BytesIO:
    """The stream with carriage-return line ends turned into ``\\n``."""
    data = fh.read()
    fh.seek(0)
    return io.BytesIO(data.replace(b"\r", b"\n"))


def decode_mixed(data: bytes, notes: list[str]) -> io.StringIO:
    """UTF-8 text in which the lines that are not valid UTF-8 are read as Windows-1252."""
    text = data.decode(
        "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", errors="surrogateescape"
    )
    lines = text.split("\n")
    bad = [i for i, line in enumerate(lines) if _BAD_UTF8.search(line)]
    for i in bad:
        raw = lines[i].encode("utf-8", errors="surrogateescape")
        lines[i] = raw.decode("cp1252", errors="replace")
    shown = ", ".join(str(i + 1) for i in bad[:10]) + (" ..." if len(bad) > 10 else "")
    notes.append(
        f"encoding: {len(bad):,} line(s) not valid UTF-8 read as Windows-1252 "
        f"(line {shown}); the rest as UTF-8"
    )
    return io.StringIO("\n".join(lines))


def line_width(text: str, delimiter: str) -> int:
    """Most fields on a line of ``text`` (any line ends)."""
    lines = io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"))
    try:
        return max((len(r) for r in csv.reader(lines, delimiter=delimiter)), default=1)
    except csv.Error:
        return max((line.count(delimiter) + 1 for line in lines.getvalue().split("\n")), default=1)


def check_width(name: str, width: int, limits: ReadLimits) -> None:
    if width > limits.max_columns:
        raise fail(
            name, f"has {width:,} columns (limit {limits.max_columns:,}): not a tracker table"
        )
