"""Read a delimited text file (.csv .tsv .txt) into a grid of text cells.

The encoding and the delimiter are sniffed from the first 64 KiB; the shape of the file is
checked before parsing (:mod:`._files`); pandas' C parser reads it, every cell str. A quote
left open by mistake, which makes the parser swallow the following lines into one cell, is
read as a literal quote and reported row by row (:mod:`._quotes`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections import Counter
from dataclasses import replace
from typing import IO, cast

import pandas as pd

from ..errors import LoadWarning, find_stack_level
from ._containers import OLE_MAGIC, ZIP_MAGIC, ReadLimits, describe, fail
from ._files import check_width, cr_to_lf, decode_mixed, line_width, scan_lines
from ._quotes import StrayQuote, repair_stray_quotes, swallowed_rows
from .raw import RawTable, SkippedSheet, Source
from .tables import table_from_grid

SAMPLE = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FIELDS_SEEN = re.compile(r"saw (\d+)")
_REPAIR_BYTES = 64 * 2**20  # text read again to repair stray quotes (hand-kept files)
_MAX_NOTES = 100


class _OpenQuote(Exception):
    """The parser reached the end of the file inside quotes."""


def read_text(
    source: Source,
    src: str | io.IOBase,
    head: bytes,
    ext: str,
    known: frozenset[str],
    limits: ReadLimits,
) -> tuple[list[RawTable], list[SkippedSheet]]:
    name = source.name
    notes: list[str] = []
    # the caller opens text files: a binary stream, or a StringIO for text held in memory
    stream = cast("IO[bytes] | io.StringIO", src)
    encoding: str | None
    if isinstance(stream, io.StringIO):
        encoding, sample = None, stream.getvalue()[:SAMPLE]
        lines = stream.getvalue().count("\n")
    else:
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise fail(
                name, f"is not a text file: it is {describe(head)}; give it the right extension"
            )
        cr_only, lines = scan_lines(name, stream, limits)
        if cr_only:
            stream, head = cr_to_lf(stream), head.replace(b"\r", b"\n")
            notes.append("line ends: carriage returns only (old Mac files), read as lines")
        encoding, why = _sniff_encoding(name, head)
        notes.append(f"encoding {encoding} ({why})")
        sample = head.decode(encoding, errors="replace")
    long_first = "\n" not in sample and "\r" not in sample and len(head) >= SAMPLE
    if len(head) >= SAMPLE or len(sample) >= SAMPLE:
        sample = sample[: sample.rfind("\n") + 1] or sample
    delimiter, why = _sniff_delimiter(sample, ext)
    notes.append(f"delimiter {_DELIM_NAMES[delimiter]} ({why})")
    width = line_width(sample, delimiter)
    if long_first and encoding is not None and not isinstance(stream, io.StringIO):
        # a header line past the sample
        width = max(
            width,
            line_width(
                stream.readline(limits.max_line_bytes).decode(encoding, errors="replace"), delimiter
            ),
        )
        stream.seek(0)
    check_width(name, width, limits)
    grid, strays = _parse_repaired(name, stream, encoding, delimiter, width, limits, notes, lines)
    swallowed = (
        swallowed_rows(grid, delimiter, width)
        if len(grid) + 1 < lines and grid.shape[1] > 1
        else []
    )  # cells span lines
    result = table_from_grid(
        grid,
        file=name,
        sheet=None,
        known=known,
        seeker_hint=source.seeker_hint,
        notes=notes,
        none_cells=False,
    )
    found = _quote_notes(grid, result, strays, swallowed)
    if found:
        warnings.warn(
            f"{name}: {found[0]}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
            LoadWarning,
            stacklevel=find_stack_level(),
        )
        if isinstance(result, RawTable):
            result = replace(result, notes=(*result.notes, *found))
    if isinstance(result, RawTable):
        return [result], []
    return [], [result]


def _parse_repaired(
    name: str,
    src: IO[bytes] | io.StringIO,
    encoding: str | None,
    delimiter: str,
    width: int,
    limits: ReadLimits,
    notes: list[str],
    lines: int,
) -> tuple[pd.DataFrame, list[StrayQuote]]:
    """The grid, read again with stray quotes made literal when the first reading shows
    cells spanning lines (or ends inside quotes); where the stray quotes were."""
    try:
        grid, src, encoding = _parse_text(name, src, encoding, delimiter, width, limits, notes)
    except _OpenQuote:
        grid = None
    if grid is not None and (len(grid) + 1 >= lines or grid.shape[1] < 2):
        return grid, []
    size = len(src.getvalue()) if isinstance(src, io.StringIO) else _size(src)
    if size <= _REPAIR_BYTES:
        src.seek(0)
        raw = src.read()
        if isinstance(raw, str):
            text = raw
        else:
            try:
                text = raw.decode(encoding or "utf-8")
            except UnicodeDecodeError:
                text = decode_mixed(raw, []).getvalue()
        del raw
        fixed, strays = repair_stray_quotes(text, delimiter, width)
        del text
        if strays:
            grid, _, _ = _parse_text(
                name, io.StringIO(fixed), None, delimiter, width, limits, notes
            )
            return grid, strays
    if grid is None:
        raise fail(name, "cannot be parsed as delimited text (a quote is never closed)")
    return grid, []


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size


def _quote_notes(
    grid: pd.DataFrame,
    result: RawTable | SkippedSheet,
    strays: list[StrayQuote],
    swallowed: list[tuple[int, int, int]],
) -> list[str]:
    """One note per row holding a stray quote, or a cell that looks like swallowed rows."""
    if not strays and not swallowed:
        return []
    header = grid.loc[result.header_row] if isinstance(result, RawTable) else None

    def where(record: int, column: int) -> str:
        label = header.iloc[column] if header is not None and column < len(header) else None
        label = label.strip() if isinstance(label, str) else ""
        return f"row {record}, column {label!r}" if label else f"row {record}, column {column + 1}"

    found = [f"{where(s.record, s.column)}: {s.reason()}" for s in strays]
    found += [
        f"{where(r, c)}: a quoted cell holds {n} line(s) that look like rows (a stray "
        "quote?); check the file: those rows were not read as rows"
        for r, c, n in swallowed
    ]
    if len(found) > _MAX_NOTES:
        found = [
            *found[:_MAX_NOTES],
            f"and {len(found) - _MAX_NOTES:,} more cells with a stray quote",
        ]
    return found


def _sniff_encoding(name: str, head: bytes) -> tuple[str, str]:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "byte-order mark"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "byte-order mark"
    if b"\x00" in head:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        half = max(len(head) // 2, 1)
        if odd > 0.3 * half and even == 0:
            return "utf-16-le", "no byte-order mark; NUL bytes in every second position"
        if even > 0.3 * half and odd == 0:
            return "utf-16-be", "no byte-order mark; NUL bytes in every second position"
        raise fail(name, "is not a text file: it holds NUL bytes (binary data)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SAMPLE)
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252", "not valid UTF-8; read as Windows-1252"
    except UnicodeDecodeError:
        return "latin-1", "neither UTF-8 nor Windows-1252; read as Latin-1"


def _sniff_delimiter(sample: str, ext: str) -> tuple[str, str]:
    """The delimiter giving the most lines with the same number (≥ 2) of fields."""
    default = "\t" if ext == ".tsv" else ","
    best, best_score = default, (0, 0, False)
    for d in _DELIMITERS:
        lines = io.StringIO(sample.replace("\r\n", "\n").replace("\r", "\n"))
        counts = [
            len(r) for r, _ in zip(csv.reader(lines, delimiter=d), range(60), strict=False) if r
        ]
        counts = [c for c in counts if c >= 2]
        if not counts:
            continue
        mode, agree = Counter(counts).most_common(1)[0]
        score = (agree, mode, d == default)
        if score > best_score:
            best, best_score = d, score
    if best_score[0] == 0:
        return default, f"no delimiter found; {_DELIM_NAMES[default]} assumed"
    return best, f"{best_score[0]} lines with {best_score[1]} fields"


def _parse_text(
    name: str,
    src: IO[bytes] | io.StringIO,
    encoding: str | None,
    delimiter: str,
    width: int,
    limits: ReadLimits,
    notes: list[str],
) -> tuple[pd.DataFrame, IO[bytes] | io.StringIO, str | None]:
    for _ in range(8):
        src.seek(0)
        try:
            with warnings.catch_warnings():  # a line wider than the names: not a silent loss
                warnings.simplefilter("error", pd.errors.ParserWarning)
                df = pd.read_csv(
                    src,
                    sep=delimiter,
                    header=None,
                    names=range(width),
                    index_col=False,
                    dtype=object,
                    na_filter=False,
                    skip_blank_lines=False,
                    encoding=encoding,
                    engine="c",
                    nrows=limits.max_rows + 1,
                )
            break
        except UnicodeDecodeError:
            if encoding not in ("utf-8", "utf-8-sig") or isinstance(src, io.StringIO):
                raise fail(name, f"cannot be decoded as {encoding}") from None
            src.seek(0)
            src, encoding = decode_mixed(src.read(), notes), None
        except pd.errors.ParserWarning:
            src.seek(0)
            text = src.read()
            text = (
                text
                if isinstance(text, str)
                else text.decode(encoding or "utf-8", errors="replace")
            )
            wider = line_width(text, delimiter)
            if wider <= width:
                raise fail(name, "cannot be parsed as delimited text (uneven rows)") from None
            width = wider
            check_width(name, width, limits)
        except pd.errors.ParserError as err:
            if "EOF inside string" in str(err):
                raise _OpenQuote from None
            seen = _FIELDS_SEEN.search(str(err))
            if not seen or int(seen.group(1)) <= width:
                raise fail(name, f"cannot be parsed as delimited text ({_short(err)})") from None
            width = int(seen.group(1))
            check_width(name, width, limits)
        except (pd.errors.EmptyDataError, ValueError, OSError) as err:
            raise fail(name, f"cannot be parsed as delimited text ({_short(err)})") from None
    else:
        raise fail(name, "cannot be parsed as delimited text (rows of very uneven width)")
    if len(df) > limits.max_rows:
        raise fail(name, f"has more than {limits.max_rows:,} rows (limit)")
    grid = df.set_axis(pd.RangeIndex(1, len(df) + 1), axis=0)
    return grid, src, encoding


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 160 else text[:157] + "..."
