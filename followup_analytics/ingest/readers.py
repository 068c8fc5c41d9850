"""Read one source (workbook, text file, stream or DataFrame) into :class:`RawTable` objects.

Workbooks (.xlsx .xlsm .xls .xlsb .ods) are read with python-calamine after the container
checks of :mod:`._containers`; real date cells arrive as ``datetime.datetime``, whole numbers
as int, other numbers as float, text as str, empty cells as None. Text files (.csv .tsv .txt)
have their encoding and delimiter sniffed and are read by pandas' C parser; every cell is str
or None. DataFrames keep their values (missing ones become None). Header finding and row
trimming are in :mod:`.tables`.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from ..errors import LoadWarning
from ._containers import (
    OLE_MAGIC,
    ZIP_MAGIC,
    ReadLimits,
    check_binary,
    describe,
    fail,
    zip_format,
)
from ._files import (
    check_width,
    cr_to_lf,
    decode_mixed,
    line_width,
    open_regular,
    scan_lines,
    stray_quotes,
)
from ._sandbox import grid_from_columns, reader_session
from .raw import RawTable, SkippedSheet, Source
from .sources import EXCEL_EXTENSIONS, file_kind
from .tables import known_headers, table_from_frame, table_from_grid

__all__ = ["ReadLimits", "read_source"]

_SAMPLE = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FIELDS_SEEN = re.compile(r"saw (\d+)")


def read_source(source: Source, *, sheets: Sequence[str | int] | str | int | None = None,
                extra_headers: Collection[str] = (), limits: ReadLimits | None = None
                ) -> tuple[list[RawTable], list[SkippedSheet]]:
    """Read every data table of one source.

    Parameters
    ----------
    source : Source
        From :func:`followup_analytics.ingest.sources.expand_sources`.
    sheets : list of str or int, str, int or None
        Workbook sheets to read, by name or 0-based position; None reads all. Ignored for
        text files and DataFrames.
    extra_headers : collection of str
        Headers from a user mapping, recognised when looking for the header row.
    limits : ReadLimits, optional
        Size bounds (decompression bombs, very large files); defaults apply when None.

    Returns
    -------
    tables : list of RawTable
        One per sheet holding a data table, in workbook order.
    skipped : list of SkippedSheet
        Sheets without a data table (empty, summary, pivot, notes, header only), with why.

    Raises
    ------
    SpreadsheetError
        Naming the source and the reason: empty file, header only or no data table in any
        sheet, not what its extension says, corrupt or truncated, password-protected, over
        a size limit, or an unknown sheet (the message lists the sheets available).
    """
    limits = limits or ReadLimits()
    known = known_headers(extra_headers)
    name, obj = source.name, source.obj
    if isinstance(obj, pd.DataFrame):
        table = table_from_frame(obj, file=name, seeker_hint=source.seeker_hint)
        if table.frame.empty:
            raise fail(name, "the DataFrame holds no data rows")
        return [table], []
    src, head, ext = _open(source, limits)
    try:
        if ext in EXCEL_EXTENSIONS:
            with reader_session(limits) as reader:
                reader.start()  # the child boots while the guards read the container
                check_binary(name, ext, head, src, limits)
                tables, skipped = _read_workbook(source, src, sheets, known, limits)
        else:
            tables, skipped = _read_text(source, src, head, ext, known, limits)
    finally:
        if not isinstance(src, str):
            src.close()
    if not tables:
        reasons = "; ".join(f"sheet {s.sheet!r}: {s.reason}" if s.sheet else s.reason
                            for s in skipped)
        raise fail(name, f"no data table found ({reasons or 'nothing to read'})")
    return tables, skipped


# --------------------------------------------------------------------------- opening
def _open(source: Source, limits: ReadLimits) -> tuple[str | io.IOBase, bytes, str]:
    """The path or an in-memory copy of the stream, its first bytes, and its format."""
    name, obj = source.name, source.obj
    named = str(obj) if isinstance(obj, Path | str) else name
    ext = Path(named).suffix.lower() if file_kind(named) else ""
    if isinstance(obj, Path | str):
        path = str(obj)
        fh = open_regular(name, path)
        try:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(_SAMPLE)
            fh.seek(0)
        except OSError as err:
            fh.close()
            raise fail(name, f"cannot be read ({err.strerror or err})") from None
        if size == 0 or not head:
            fh.close()
            raise fail(name, "empty file (0 bytes)")
        if not ext:
            ext = (".xlsx" if head.startswith(ZIP_MAGIC)
                   else ".xls" if head.startswith(OLE_MAGIC) else ".csv")
        if ext in EXCEL_EXTENSIONS:
            fh.close()
            return path, head, ext
        if size > limits.max_text_bytes:
            fh.close()
            raise fail(name, f"is larger than {limits.max_text_bytes:,} bytes (limit)")
        return fh, head, ext  # text files are read from the descriptor checked above
    src = _slurp(name, obj, limits)
    head = src.getvalue()[:_SAMPLE] if isinstance(src, io.BytesIO) else b""
    if isinstance(src, io.BytesIO) and not head:
        raise fail(name, "empty stream (0 bytes)")
    if isinstance(src, io.StringIO) and not src.getvalue():
        raise fail(name, "empty stream")
    if not ext:
        ext = (zip_format(src) if head.startswith(ZIP_MAGIC)
               else ".xls" if head.startswith(OLE_MAGIC) else ".csv")
    return src, head, ext


def _slurp(name: str, obj: object, limits: ReadLimits) -> io.BytesIO | io.StringIO:
    """Copy a stream into memory (bounded), leaving the caller's position unchanged."""
    pos = obj.tell() if getattr(obj, "seekable", lambda: False)() else None
    try:
        data = obj.read(limits.max_uncompressed_bytes + 1)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise fail(name, f"cannot be read ({err})") from None
    finally:
        if pos is not None:
            obj.seek(pos)
    if data is None:
        data = b""
    if len(data) > limits.max_uncompressed_bytes:
        raise fail(name, f"stream larger than {limits.max_uncompressed_bytes:,} bytes (limit)")
    return io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)


# --------------------------------------------------------------------------- workbooks
def _read_workbook(source: Source, src: str | io.IOBase, sheets, known: frozenset[str],
                   limits: ReadLimits) -> tuple[list[RawTable], list[SkippedSheet]]:
    name = source.name
    tables: list[RawTable] = []
    skipped: list[SkippedSheet] = []
    with reader_session(limits) as reader:
        what = src if isinstance(src, str) else src.getvalue()
        names, types = reader.call(name, ("open", what, reader.limits.reader_seconds))
        try:
            for sheet_name in _select_sheets(name, names, sheets):
                typ = types.get(sheet_name, "")
                if "WorkSheet" not in typ and typ:
                    skipped.append(SkippedSheet(name, sheet_name, "chart or macro sheet"))
                    continue
                start, height, n_rows, columns = reader.call(name, ("read", sheet_name),
                                                             sheet_name)
                if height > limits.max_rows:
                    raise fail(name, f"has {height:,} rows (limit {limits.max_rows:,})",
                               sheet_name)
                grid = grid_from_columns(start, n_rows, columns)
                result = table_from_grid(grid, file=name, sheet=sheet_name, known=known,
                                         seeker_hint=source.seeker_hint, none_cells=False,
                                         convert=_typed_cells)
                (tables if isinstance(result, RawTable) else skipped).append(result)
        finally:
            reader.call(name, ("close",))
    return tables, skipped


def _select_sheets(name: str, available: list[str], wanted) -> list[str]:
    if wanted is None:
        return list(available)
    if isinstance(wanted, str | int):
        wanted = [wanted]
    out, bad = [], []
    for w in wanted:
        if isinstance(w, int) and not isinstance(w, bool) and -len(available) <= w < len(available):
            out.append(available[w])
        elif isinstance(w, str) and w in available:
            out.append(w)
        else:
            bad.append(repr(w))
    if bad:
        raise fail(name, f"no sheet {', '.join(bad)}; the sheets are "
                         f"{', '.join(repr(a) for a in available)}")
    return list(dict.fromkeys(out))


def _typed_cells(values: np.ndarray) -> np.ndarray:
    """One column's cells with date cells as datetime and whole numbers as int (vectorised)."""
    kind = infer_dtype(values, skipna=True)
    if kind in ("date", "datetime"):
        return _as_datetimes(pd.Series(values, dtype=object))
    if kind == "floating":
        return _whole_floats(values)
    if kind in ("mixed", "mixed-integer", "mixed-integer-float"):
        return _fix_mixed(values)
    return values


def _whole_floats(values: np.ndarray) -> np.ndarray:
    f = pd.Series(values, dtype=object).astype("float64").to_numpy()
    whole = np.isfinite(f) & (np.mod(f, 1) == 0) & (np.abs(f) < 2**53)
    if not whole.any():
        return values
    out = values.copy()
    out[whole] = f[whole].astype(np.int64).astype(object)
    return out


def _as_datetimes(values: pd.Series) -> np.ndarray:
    """date/datetime cells as ``datetime.datetime`` (None where empty), vectorised."""
    stamps = pd.to_datetime(values).to_numpy().astype("datetime64[us]")
    return stamps.astype(object)  # numpy turns NaT into None


def _fix_mixed(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    kinds = pd.Series(values, dtype=object).map(type)
    date_types = [k for k in kinds.unique() if issubclass(k, date)]
    dates = np.flatnonzero(kinds.isin(date_types).to_numpy()) if date_types else []
    if len(dates):
        out[dates] = _as_datetimes(pd.Series(values[dates], dtype=object))
    floats = np.flatnonzero(kinds.eq(float).to_numpy())
    if floats.size:
        f = values[floats].astype(float)
        whole = np.isfinite(f) & (np.mod(f, 1) == 0) & (np.abs(f) < 2**53)
        out[floats[whole]] = f[whole].astype(np.int64).astype(object)
    return out


# --------------------------------------------------------------------------- text files
def _read_text(source: Source, src: str | io.IOBase, head: bytes, ext: str,
               known: frozenset[str], limits: ReadLimits
               ) -> tuple[list[RawTable], list[SkippedSheet]]:
    name = source.name
    notes: list[str] = []
    if isinstance(src, io.StringIO):
        encoding, sample = None, src.getvalue()[:_SAMPLE]
        lines = src.getvalue().count("\n")
    else:
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise fail(name, f"is not a text file: it is {describe(head)}; give it the "
                             "right extension")
        cr_only, lines = scan_lines(name, src, limits)
        if cr_only:
            src, head = cr_to_lf(src), head.replace(b"\r", b"\n")
            notes.append("line ends: carriage returns only (old Mac files), read as lines")
        encoding, why = _sniff_encoding(name, head)
        notes.append(f"encoding {encoding} ({why})")
        sample = head.decode(encoding, errors="replace")
    long_first = "\n" not in sample and "\r" not in sample and len(head) >= _SAMPLE
    if len(head) >= _SAMPLE or len(sample) >= _SAMPLE:
        sample = sample[: sample.rfind("\n") + 1] or sample
    delimiter, why = _sniff_delimiter(sample, ext)
    notes.append(f"delimiter {_DELIM_NAMES[delimiter]} ({why})")
    width = line_width(sample, delimiter)
    if long_first and not isinstance(src, io.StringIO):  # a header line past the sample
        width = max(width, line_width(src.readline(limits.max_line_bytes).decode(
            encoding, errors="replace"), delimiter))
        src.seek(0)
    check_width(name, width, limits)
    grid, encoding = _parse_text(name, src, encoding, delimiter, width, limits, notes)
    if len(grid) + 1 < lines and grid.shape[1] > 1:  # some cells span lines
        stray = stray_quotes(grid, delimiter, width)
        if stray:
            warnings.warn(f"{name}: {stray[0]}" + (f" (and {len(stray) - 1} more)"
                                                   if len(stray) > 1 else ""),
                          LoadWarning, stacklevel=3)
            notes.extend(stray)
    result = table_from_grid(grid, file=name, sheet=None, known=known,
                             seeker_hint=source.seeker_hint, notes=notes, none_cells=False)
    if isinstance(result, RawTable):
        return [result], []
    return [], [result]


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
        decoder.decode(head, final=len(head) < _SAMPLE)
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
        counts = [len(r) for r, _ in zip(csv.reader(lines, delimiter=d),
                                         range(60), strict=False) if r]
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


def _parse_text(name: str, src: str | io.IOBase, encoding: str | None, delimiter: str,
                width: int, limits: ReadLimits, notes: list[str]
                ) -> tuple[pd.DataFrame, str | None]:
    for _ in range(8):
        if not isinstance(src, str):
            src.seek(0)
        try:
            with warnings.catch_warnings():  # a line wider than the names: not a silent loss
                warnings.simplefilter("error", pd.errors.ParserWarning)
                df = pd.read_csv(src, sep=delimiter, header=None, names=range(width),
                                 index_col=False, dtype=object, na_filter=False,
                                 skip_blank_lines=False, encoding=encoding, engine="c",
                                 nrows=limits.max_rows + 1)
            break
        except UnicodeDecodeError:
            if encoding not in ("utf-8", "utf-8-sig") or isinstance(src, str):
                raise fail(name, f"cannot be decoded as {encoding}") from None
            src.seek(0)
            src, encoding = decode_mixed(src.read(), notes), None
        except pd.errors.ParserWarning:
            src.seek(0)
            text = src.read()
            text = text if isinstance(text, str) else text.decode(encoding, errors="replace")
            wider = line_width(text, delimiter)
            if wider <= width:
                raise fail(name, "cannot be parsed as delimited text (uneven rows)") from None
            width = wider
            check_width(name, width, limits)
        except pd.errors.ParserError as err:
            seen = _FIELDS_SEEN.search(str(err))
            if not seen or int(seen.group(1)) <= width:
                raise fail(name, f"cannot be parsed as delimited text ({_short(err)})") \
                    from None
            width = int(seen.group(1))
            check_width(name, width, limits)
        except (pd.errors.EmptyDataError, ValueError, OSError) as err:
            raise fail(name, f"cannot be parsed as delimited text ({_short(err)})") from None
    else:
        raise fail(name, "cannot be parsed as delimited text (rows of very uneven width)")
    if len(df) > limits.max_rows:
        raise fail(name, f"has more than {limits.max_rows:,} rows (limit)")
    grid = df.set_axis(pd.RangeIndex(1, len(df) + 1), axis=0)
    return grid, encoding


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 160 else text[:157] + "..."

