"""Read one source (workbook, text file, stream or DataFrame) into :class:`RawTable` objects.

Workbooks (.xlsx .xlsm .xls .xlsb .ods) are read with python-calamine after the container
checks of :mod:`._containers`; real date cells arrive as ``datetime.datetime``, whole numbers
as int, other numbers as float, text as str, empty cells as None. Text files (.csv .tsv .txt)
are read by :mod:`._text` (encoding and delimiter sniffed, pandas' C parser, stray quotes
repaired); every cell is str or None. DataFrames keep their values (missing ones become
None). Header finding and row trimming are in :mod:`.tables`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import IO, cast

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from ..errors import Problem, SpreadsheetError
from ._containers import (
    OLE_MAGIC,
    ZIP_MAGIC,
    ReadLimits,
    check_binary,
    fail,
    zip_format,
)
from ._files import open_regular
from ._sandbox import grid_from_columns, reader_session
from ._text import SAMPLE as _SAMPLE
from ._text import read_text
from .raw import RawTable, SkippedSheet, Source
from .sources import EXCEL_EXTENSIONS, file_kind
from .tables import known_headers, table_from_frame, table_from_grid

__all__ = ["ReadLimits", "read_source"]


def read_source(
    source: Source,
    *,
    sheets: Sequence[str | int] | str | int | None = None,
    extra_headers: Collection[str] = (),
    limits: ReadLimits | None = None,
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
            # a path, or a stream copied into memory (a text stream has an empty head, which
            # check_binary refuses before reading the stream)
            book = cast("str | io.BytesIO", src)
            with reader_session(limits) as reader:
                reader.start()  # the child boots while the guards read the container
                check_binary(name, ext, head, book, limits)
                tables, skipped = _read_workbook(source, book, sheets, known, limits)
        else:
            tables, skipped = read_text(source, src, head, ext, known, limits)
    finally:
        if not isinstance(src, str):
            src.close()
    if not tables:
        reasons = "; ".join(
            f"sheet {s.sheet!r}: {s.reason}" if s.sheet else s.reason for s in skipped
        )
        raise _no_table(name, f"no data table found ({reasons or 'nothing to read'})")
    return tables, skipped


class NoTableError(SpreadsheetError):
    """A source that holds no data table (an empty file, a header only, only summary
    sheets). Alone it is an error; among the files of a folder or glob, :func:`load`
    lists it as skipped instead."""


def _no_table(name: str, reason: str) -> NoTableError:
    problem = Problem(file=name, sheet=None, row=None, column=None, reason=reason)
    return NoTableError(str(problem), problems=[problem])


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
            raise _no_table(name, "empty file (0 bytes)")
        if not ext:
            ext = (
                ".xlsx"
                if head.startswith(ZIP_MAGIC)
                else ".xls"
                if head.startswith(OLE_MAGIC)
                else ".csv"
            )
        if ext in EXCEL_EXTENSIONS:
            fh.close()
            return path, head, ext
        if size > limits.max_text_bytes:
            fh.close()
            raise fail(name, f"is larger than {limits.max_text_bytes:,} bytes (limit)")
        # text files are read from the descriptor checked above (a buffered reader)
        return cast(io.BufferedReader, fh), head, ext
    src = _slurp(name, cast("IO[bytes] | IO[str]", obj), limits)  # DataFrames never get here
    head = src.getvalue()[:_SAMPLE] if isinstance(src, io.BytesIO) else b""
    if isinstance(src, io.BytesIO) and not head:
        raise fail(name, "empty stream (0 bytes)")
    if isinstance(src, io.StringIO) and not src.getvalue():
        raise fail(name, "empty stream")
    if not ext:
        ext = (
            zip_format(src)
            if head.startswith(ZIP_MAGIC) and isinstance(src, io.BytesIO)
            else ".xls"
            if head.startswith(OLE_MAGIC)
            else ".csv"
        )
    return src, head, ext


def _slurp(name: str, obj: IO[bytes] | IO[str], limits: ReadLimits) -> io.BytesIO | io.StringIO:
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
def _read_workbook(
    source: Source, src: str | io.BytesIO, sheets, known: frozenset[str], limits: ReadLimits
) -> tuple[list[RawTable], list[SkippedSheet]]:
    name = source.name
    tables: list[RawTable] = []
    skipped: list[SkippedSheet] = []
    with reader_session(limits) as reader:
        what = src if isinstance(src, str) else src.getvalue()
        names, types = cast(
            "tuple[list[str], dict[str, str]]",
            reader.call(name, ("open", what, reader.limits.reader_seconds)),
        )
        try:
            for sheet_name in _select_sheets(name, names, sheets):
                typ = types.get(sheet_name, "")
                if "WorkSheet" not in typ and typ:
                    skipped.append(SkippedSheet(name, sheet_name, "chart or macro sheet"))
                    continue
                start, height, n_rows, columns = cast(
                    "tuple[tuple[int, int] | None, int, int, list[tuple[bytes, list, bytes]]]",
                    reader.call(name, ("read", sheet_name), sheet_name),
                )
                if height > limits.max_rows:
                    raise fail(name, f"has {height:,} rows (limit {limits.max_rows:,})", sheet_name)
                grid = grid_from_columns(start, n_rows, columns)
                result = table_from_grid(
                    grid,
                    file=name,
                    sheet=sheet_name,
                    known=known,
                    seeker_hint=source.seeker_hint,
                    none_cells=False,
                    convert=_typed_cells,
                )
                if isinstance(result, RawTable):
                    tables.append(result)
                else:
                    skipped.append(result)
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
        raise fail(
            name,
            f"no sheet {', '.join(bad)}; the sheets are {', '.join(repr(a) for a in available)}",
        )
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
    dates: np.ndarray | list[int] = (
        np.flatnonzero(kinds.isin(date_types).to_numpy()) if date_types else []
    )
    if len(dates):
        out[dates] = _as_datetimes(pd.Series(values[dates], dtype=object))
    floats = np.flatnonzero(kinds.isin([float]).to_numpy())
    if floats.size:
        f = values[floats].astype(float)
        whole = np.isfinite(f) & (np.mod(f, 1) == 0) & (np.abs(f) < 2**53)
        out[floats[whole]] = f[whole].astype(np.int64).astype(object)
    return out
