"""The hand-over between reading files and interpreting their columns.

Readers (``sources.py``, ``readers.py``, ``tables.py``) turn each input into
:class:`RawTable` objects: a header row found, data rows trimmed, provenance kept. The
interpreting half (``columns.py``, ``values.py``, ``layouts.py``, ``load.py``) maps headers to
canonical fields and values to the vocabularies, and quarantines what it cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from ..loadreport import ROW_COLUMNS


@dataclass(frozen=True)
class Source:
    """One input as the user named it.

    Attributes
    ----------
    name : str
        Display name used in every message and in the LoadReport: the path as given, the
        ``.name`` of a file-like object, ``"<stream N>"`` or ``"<DataFrame N>"``.
    obj : Path, file-like or DataFrame
        What to read.
    seeker_hint : str or None
        The file stem when the file came from a folder holding one file per seeker.
    """

    name: str
    obj: Path | IO[bytes] | IO[str] | pd.DataFrame
    seeker_hint: str | None = None


@dataclass(frozen=True)
class Parts:
    """The files of a table read from several files with the same header line.

    The table's rows are numbered as if the files were one: the header is row 1 and the
    first data line of file ``i`` is row ``starts[i]``. :meth:`locate` turns these numbers
    back into each file's own row numbers.

    Attributes
    ----------
    files : tuple of str
        Display names of the files, in the order their rows appear.
    hints : tuple of str or None
        Each file's ``seeker_hint``.
    starts : ndarray of int64
        Row number (in the combined numbering) of each file's first data line.
    """

    files: tuple[str, ...]
    hints: tuple[str | None, ...]
    starts: np.ndarray

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The file (position in :attr:`files`) and the file's own row number of each row."""
        rows = np.asarray(rows, dtype=np.int64)
        which = np.searchsorted(self.starts, rows, side="right") - 1
        return which, rows - self.starts[which] + 2


@dataclass(frozen=True)
class RawTable:
    """One sheet (or csv file) with its header row found and its data rows trimmed.

    Attributes
    ----------
    file, sheet : str, str or None
        Provenance. ``sheet`` is None for csv/text files and DataFrames.
    header_row : int
        1-based row number of the header as the spreadsheet shows it (1 for DataFrames).
    frame : DataFrame
        Columns are the header cells as text (stripped; an empty header becomes
        ``"Unnamed: <column letter>"``; repeated headers get `` (2)``, `` (3)``). Values are
        as read: str, int, float, bool, datetime/Timestamp or None; csv cells are str or None.
        The index holds the spreadsheet row number of each data row (1-based).
    dropped : DataFrame
        ``file, sheet, row, column, reason`` for rows inside the table that carry no data:
        blank rows, totals rows, footnotes, repeated header rows.
    seeker_hint : str or None
        Copied from the :class:`Source`.
    notes : tuple of str
        What the reader decided (encoding, delimiter, title rows skipped ...).
    parts : Parts or None
        Set when the table was read from several files with the same header line
        (:mod:`followup_analytics.ingest.stacking`): ``file`` then names the group and the
        index numbers rows across the files.
    """

    file: str
    sheet: str | None
    header_row: int
    frame: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROW_COLUMNS))
    seeker_hint: str | None = None
    notes: tuple[str, ...] = ()
    parts: Parts | None = None


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet that holds no data table (summary, pivot, notes), and why it was skipped."""

    file: str
    sheet: str | None
    reason: str
