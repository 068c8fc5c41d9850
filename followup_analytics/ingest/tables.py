"""Find the header row of a sheet, and set aside the rows around its data.

A *grid* is the cells of one sheet (or csv file) as read: a DataFrame of object columns whose
labels are the 0-based spreadsheet column positions and whose index holds the 1-based row
numbers a user sees in Excel or LibreOffice; an empty cell is ``""`` or None (readers pass
``none_cells=False`` when their grids hold only ``""``, which is faster to test). In the
tables returned every empty cell is None.

:func:`table_from_grid` looks for the header among the first non-blank rows (title and blank
rows above it are skipped), decides whether the sheet holds a data table at all (summary,
pivot and notes sheets do not), and moves blank rows, repeated header rows, totals rows and
footnotes into :attr:`RawTable.dropped` so that every non-blank row below the header ends up
either in the table or in ``dropped``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from .. import vocab
from ..loadreport import ROW_COLUMNS
from ..text import key
from .raw import RawTable, SkippedSheet

#: How many non-blank rows at the top of a sheet are searched for the header.
HEADER_SCAN_ROWS = 30
_HEAD_ROWS = 400  # rows read to find those non-blank ones

_TOTAL_LABELS = frozenset(
    {
        "total",
        "totals",
        "sum",
        "count",
        "grand total",
        "subtotal",
        "sub total",
        "average",
        "mean",
        "overall",
        "total result",
    }
)
_TOTAL_VARIANTS = frozenset(
    form + end
    for word in _TOTAL_LABELS
    for form in (word, word.upper(), word.title(), word.capitalize())
    for end in ("", ":", " ", " :")
)
_TAIL_ROWS = 20
_NONE = np.array(None, dtype=object)  # None as numpy's type stubs accept it in where()
_PIVOT_LABELS = ("row labels", "column labels", "total result")
_PIVOT_PREFIXES = ("count of ", "sum of ", "average of ", "max of ", "min of ")
_NOT_DATA_NAMES = (
    "summary",
    "pivot",
    "note",
    "readme",
    "read me",
    "instruction",
    "about",
    "dashboard",
    "chart",
    "overview",
    "lookup",
    "setting",
    "stat",
    "legend",
    "help",
    "guide",
    "total",
    "report",
)
_FOOTNOTE_STARTS = (
    "*",
    "†",
    "‡",
    "note:",
    "notes:",
    "source:",
    "sources:",
    "nb:",
    "n.b.",
    "last updated",
    "updated:",
)
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh")
_NUMERIC_TEXT = re.compile(r"^[\s\d.,:/%$€£+\-()]+$")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def known_headers(extra_headers: Collection[str] = ()) -> frozenset[str]:
    """Keys of every header the package recognises, plus ``extra_headers`` (a user mapping).

    Parameters
    ----------
    extra_headers : collection of str
        Headers named in a user's ``mapping=``; they count as recognised.

    Returns
    -------
    frozenset of str
        Keys as produced by :func:`followup_analytics.text.key`.
    """
    keys = {key(f) for f in vocab.FIELD_SYNONYMS}
    keys.update(s for syns in vocab.FIELD_SYNONYMS.values() for s in syns)
    keys.update(vocab.STAGE_FLAG_HEADERS)
    keys.update(("source", "target", "value", "from", "to", "count", "weight"))  # Sankey links
    keys.update(key(h) for h in extra_headers)
    keys.discard("")
    return frozenset(keys)


def is_known_header(text: object, known: frozenset[str]) -> bool:
    """Whether a header cell is recognised, also with an ordinal removed.

    ``"Follow-up #2 Date"`` counts because ``"follow up date"`` is known.
    """
    if not isinstance(text, str):
        return False
    k = key(text)
    if k in known:
        return True
    stripped = " ".join(w for w in k.split() if not _ORDINAL.fullmatch(w))
    return bool(stripped) and stripped in known


def column_letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based column position (0 -> ``A``, 27 -> ``AB``)."""
    out = ""
    n = position + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = _LETTERS[r] + out
    return out


def table_from_grid(
    grid: pd.DataFrame,
    *,
    file: str,
    sheet: str | None,
    known: frozenset[str],
    seeker_hint: str | None = None,
    notes: Sequence[str] = (),
    none_cells: bool = True,
    convert: Callable[[np.ndarray], np.ndarray] | None = None,
) -> RawTable | SkippedSheet:
    """Find the header of one sheet and trim its data rows.

    Parameters
    ----------
    grid : DataFrame
        The cells (see the module docstring). Not modified.
    file, sheet : str, str or None
        Provenance written into the result and its messages.
    known : frozenset of str
        Recognised header keys, from :func:`known_headers`.
    seeker_hint : str or None
        Copied to the result.
    notes : sequence of str
        Reader decisions (encoding, delimiter) to carry into the result.
    none_cells : bool, default True
        Whether empty cells may be None as well as ``""``.
    convert : callable, optional
        Applied to each kept column (an object array, None where empty); returns the
        column's final values (readers use it to type date and number cells).

    Returns
    -------
    RawTable or SkippedSheet
        A SkippedSheet, with the reason, when the sheet is empty, holds only a header, or
        holds no data table (summary, pivot or notes sheet).
    """
    if grid.shape[0] == 0 or grid.shape[1] == 0:
        return SkippedSheet(file, sheet, "empty sheet")
    head = grid.iloc[:_HEAD_ROWS]
    rows = np.flatnonzero(_filled(head.to_numpy(dtype=object)).any(axis=1))
    if rows.size == 0:
        rows = np.flatnonzero(_filled(grid.to_numpy(dtype=object)).any(axis=1))
        if rows.size == 0:
            return SkippedSheet(file, sheet, "empty sheet")
        head = grid.iloc[: rows[0] + _HEAD_ROWS]
        rows = np.flatnonzero(_filled(head.to_numpy(dtype=object)).any(axis=1))
    rows = rows[:HEADER_SCAN_ROWS]
    found = _find_header(head, rows, known, sheet)
    if isinstance(found, str):
        return SkippedSheet(file, sheet, found)
    pos, how = found
    if how == "headerless":  # the first row is data: columns are named by their letter
        first_row = int(grid.index[pos])
        trimmed = _trim(
            grid.iloc[pos:],
            pd.Series(None, index=grid.columns, dtype=object),
            file,
            sheet,
            none_cells,
            convert,
        )
        if trimmed is None:
            return SkippedSheet(file, sheet, "empty sheet")
        frame, dropped = trimmed
        return RawTable(
            file=file,
            sheet=sheet,
            header_row=0,
            frame=frame,
            dropped=dropped,
            seeker_hint=seeker_hint,
            notes=(
                *notes,
                f"no header row: data start in row {first_row} (its "
                "words repeat below in the same columns); columns "
                "named by letter and decided by their values",
            ),
        )
    header_row = int(grid.index[pos])
    data = grid.iloc[pos + 1 :]
    out_notes = [*notes, f"header in row {header_row} ({how})"]
    above = rows[rows < pos]
    if above.size:
        listed = ", ".join(str(int(grid.index[p])) for p in above[:5])
        out_notes[-1] += (
            f"; {above.size} title row{'s' if above.size > 1 else ''} above it "
            f"skipped (row {listed})"
        )
    elif pos > 0:
        out_notes[-1] += f"; {pos} blank row{'s' if pos > 1 else ''} above it skipped"
    trimmed = _trim(data, grid.iloc[pos], file, sheet, none_cells, convert)
    if trimmed is None:
        return SkippedSheet(
            file, sheet, f"header only: no data rows below the header in row {header_row}"
        )
    frame, dropped = trimmed
    return RawTable(
        file=file,
        sheet=sheet,
        header_row=header_row,
        frame=frame,
        dropped=dropped,
        seeker_hint=seeker_hint,
        notes=tuple(out_notes),
    )


def table_from_frame(df: pd.DataFrame, *, file: str, seeker_hint: str | None = None) -> RawTable:
    """Treat a user's DataFrame as a sheet whose header is its columns (row 1).

    Data rows are numbered 2..n+1 as if the frame were written to a sheet; blank, totals,
    footnote and repeated-header rows are set aside as for files. A named index is kept as
    a column. ``df`` is not modified.

    Returns
    -------
    RawTable
        ``sheet`` is None and ``header_row`` is 1.
    """
    if df.index.names != [None]:
        df = df.reset_index()
    cells = {j: _missing_to_none(df.iloc[:, j]) for j in range(df.shape[1])}
    grid = pd.DataFrame(cells, index=pd.RangeIndex(2, len(df) + 2), dtype=object)
    header = pd.Series([str(c) for c in df.columns], index=grid.columns, dtype=object)
    trimmed = _trim(grid, header, file, None, True, None)
    if trimmed is None:  # no rows, or only blank ones: an empty table
        frame = pd.DataFrame(
            columns=_dedupe([_header_text(h) for h in header]),
            dtype=object,
            index=pd.Index([], dtype=int, name="row"),
        )
        trimmed = frame, pd.DataFrame(columns=ROW_COLUMNS)
    frame, dropped = trimmed
    return RawTable(
        file=file, sheet=None, header_row=1, frame=frame, dropped=dropped, seeker_hint=seeker_hint
    )


# --------------------------------------------------------------------------- header
def _find_header(
    head: pd.DataFrame, rows: np.ndarray, known: frozenset[str], sheet: str | None
) -> tuple[int, str] | str:
    """Position of the header row and how it was chosen, or why there is none."""
    values = head.to_numpy(dtype=object)
    best, best_score, best_known = -1, 0, 0
    pivot: tuple[int, str] | None = None
    plain: list[tuple[int, int]] = []  # rows of text only with 2+ recognised headers
    for p in rows:
        cells = values[p]
        texts = [v for v in cells if isinstance(v, str) and v.strip()]
        for t in texts:
            if pivot is None and (
                key(t) in _PIVOT_LABELS
                or (key(t).startswith(_PIVOT_PREFIXES) and _count(cells) >= 2)
            ):
                pivot = (int(p), t)
        n_known = sum(is_known_header(t, known) for t in texts)
        typed = _count(cells) - sum(_is_text(v) for v in cells)  # numbers, dates: data-like
        if typed == 0 and n_known >= 2:
            plain.append((int(p), n_known))
        if n_known - typed > best_score:
            best, best_score, best_known = int(p), n_known - typed, n_known
    # the whole table decides: the first all-text row recognised (almost) as well as the
    # best one is the header; a data row below it full of header words ("Offer", "Email",
    # "Follow up") does not move it down
    first = next(((p, k) for p, k in plain if k >= best_known - 1), None)
    if first is not None and first[0] < best:
        best, best_known = first
    if best_known >= 2 and _repeats_below(values, best, rows):
        return best, "headerless"
    # a pivot label decides only when no real header sits above it or is it: a notes cell
    # saying "Count of ..." inside a table does not make the sheet a pivot table
    if pivot is not None and (best_known < 2 or pivot[0] <= best):
        return (
            f"pivot table (row {int(head.index[pivot[0]])} holds {pivot[1].strip()!r}), "
            "not a data table"
        )
    if best_known >= 2:
        return best, f"{best_known} recognised column headers"
    name_key = key(sheet or "")
    if not any(word in name_key for word in _NOT_DATA_NAMES):
        for i, p in enumerate(rows):
            texts = [v for v in values[p] if _is_text(v)]
            if (
                len(texts) >= 3
                and len(texts) == _count(values[p])
                and _data_like(values[rows[i + 1 : i + 6]])
            ):
                return int(p), f"{len(texts)} text headers above rows of data"
    for i, p in enumerate(rows[:5]):  # a planner: one column per day, names below
        cells = [v for v in values[p] if v is not None and v != ""]
        days = _date_cells(cells)
        below = values[rows[i + 1 : i + 6]].ravel()
        names = [v for v in below if v is not None and v != ""]
        if (
            days >= 3
            and days == len(cells)
            and names
            and np.mean([_is_text(v) for v in names]) >= 0.8
        ):
            return int(p), f"{days} date headers above names"
    return (
        "no header row: fewer than 2 recognised column headers in the first "
        f"{HEADER_SCAN_ROWS} rows (a summary, pivot or notes sheet?)"
    )


def _date_cells(cells: list[object]) -> int:
    """How many cells are dates (date cells, or text such as "2026-03-02", "3 Mar 2026")."""
    from .values import parse_dates

    if not cells:
        return 0
    typed = sum(isinstance(v, datetime | date) for v in cells)
    texts = [v for v in cells if isinstance(v, str)]
    if texts:
        typed += int(parse_dates(pd.Series(texts, dtype=object)).dates.notna().sum())
    return typed


def _repeats_below(values: np.ndarray, p: int, rows: np.ndarray) -> bool:
    """Whether row `p` reads as the first data row of a table without a header: it holds
    a date or number, and a recognised word of it ("Applied") comes back in the same column
    in most rows below."""
    cells = values[p]
    if all(_is_text(v) or v is None or v == "" for v in cells):
        return False
    below = values[rows[rows > p]]
    if len(below) < 2:
        return False
    return any(_is_text(v) and (below[:, j] == v).mean() >= 0.5 for j, v in enumerate(cells))


def _is_text(v: object) -> bool:
    return isinstance(v, str) and bool(v.strip()) and not _NUMERIC_TEXT.match(v)


def _count(cells: np.ndarray) -> int:
    return int(_filled(cells).sum())


def _filled(values: np.ndarray) -> np.ndarray:
    """Which cells hold something (neither None nor the empty string)."""
    return (values != "") & (values != None)  # noqa: E711  (elementwise on object arrays)


def _not_blank(values: np.ndarray) -> np.ndarray:
    """Which cells hold something, for arrays whose empty cells are all ``""``."""
    return values != ""


def _data_like(below: np.ndarray) -> bool:
    """Rows below a candidate header: mostly several cells, some of them numbers or dates."""
    if len(below) == 0:
        return False
    filled = _filled(below).sum(axis=1) >= 2
    typed = any(not _is_text(v) for row in below for v in row if v is not None and v != "")
    return bool(filled.mean() > 0.5 and typed)


# --------------------------------------------------------------------------- trimming
def _trim(
    data: pd.DataFrame,
    header: pd.Series,
    file: str,
    sheet: str | None,
    none_cells: bool,
    convert: Callable[[np.ndarray], np.ndarray] | None,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Split the rows below the header into the table and the dropped rows (None if blank)."""
    n, m = data.shape
    arrs = [data.iloc[:, j].to_numpy(dtype=object) for j in range(m)]
    filled = _filled if none_cells else _not_blank
    nn = np.column_stack([filled(a) for a in arrs]) if m else np.zeros((n, 0), bool)
    cnt = nn.sum(axis=1)
    blank = cnt == 0
    if blank.all():
        return None
    first = nn.argmax(axis=1)
    fv = arrs[0].copy() if m else np.empty(0, dtype=object)
    for j in range(1, m):
        sel = first == j
        fv[sel] = arrs[j][sel]
    hvals = header.to_numpy(dtype=object)
    hvals = np.where(_filled(hvals), hvals, _NONE)
    repeated = _repeated_header(arrs, hvals, cnt)
    totals = _totals(arrs, fv, first, ~blank & ~repeated)
    foot = _footnotes(fv, first, cnt, ~blank & ~repeated & ~totals, _filled(hvals))
    drop = blank | repeated | totals | foot
    at = np.flatnonzero(drop)
    reasons = np.select(
        [blank[at], repeated[at], totals[at]],
        ["blank row", "repeated header", "totals row"],
        "footnote",
    )
    rownums = data.index.to_numpy().astype(int)
    dropped = pd.DataFrame(
        {"file": file, "sheet": sheet, "row": rownums[at], "column": None, "reason": reasons},
        columns=ROW_COLUMNS,
    )
    keep = np.flatnonzero(~drop) if drop.any() else None
    kept_nn = nn if keep is None else nn[keep]
    has_data = np.asarray(kept_nn.any(axis=0))
    names = [_header_text(h) for h in hvals]
    keep_cols = [j for j in range(m) if names[j] or has_data[j]]
    labels = [names[j] or f"Unnamed: {column_letter(int(data.columns[j]))}" for j in keep_cols]
    cells = {}
    for j in keep_cols:
        values = arrs[j] if keep is None else arrs[j][keep]
        values = (
            _writeable(values) if kept_nn[:, j].all() else np.where(kept_nn[:, j], values, _NONE)
        )
        cells[j] = values if convert is None else convert(values)
    index = pd.Index(rownums if keep is None else rownums[keep], name="row")
    frame = pd.DataFrame(cells, index=index, dtype=object, copy=False)
    frame.columns = _dedupe(labels)
    return frame, dropped


def _writeable(values: np.ndarray) -> np.ndarray:
    """The array itself if it can be made writeable (it views our own grid), else a copy."""
    if not values.flags.writeable:
        try:
            values.flags.writeable = True
        except ValueError:
            return values.copy()
    return values


def _repeated_header(arrs: list[np.ndarray], hvals: np.ndarray, cnt: np.ndarray) -> np.ndarray:
    out = np.zeros(len(cnt), dtype=bool)
    cells = [(j, h) for j, h in enumerate(hvals) if h is not None]
    if not cells:
        return out
    j0, h0 = cells[0]
    cand = np.flatnonzero(arrs[j0] == h0)
    if cand.size:
        matches = sum((arrs[j][cand] == h).astype(int) for j, h in cells)
        out[cand] = (matches == cnt[cand]) & (matches >= min(2, len(cells)))
    return out


def _totals(
    arrs: list[np.ndarray], fv: np.ndarray, first: np.ndarray, live: np.ndarray
) -> np.ndarray:
    """Rows labelled Total/Sum/Count... whose other cells are numbers or empty.

    Exact labels ("Total", "GRAND TOTAL:") are looked up in every row by hashing; longer
    labels ("Total applications") only in the last rows of the table, where they belong.
    """
    out = np.zeros(len(fv), dtype=bool)
    cand = pd.Series(fv, dtype=object).isin(_TOTAL_VARIANTS).to_numpy() & live
    tail = np.flatnonzero(live)[-_TAIL_ROWS:]
    cand[tail] |= np.array(
        [isinstance(v, str) and _is_total_label(v) for v in fv[tail]], dtype=bool
    )
    cand = np.flatnonzero(cand)
    if cand.size == 0:
        return out
    ok = np.ones(cand.size, dtype=bool)
    for j, a in enumerate(arrs):
        ok &= (first[cand] == j) | _numeric_or_empty(a[cand])
    out[cand[ok]] = True
    return out


def _is_total_label(text: str) -> bool:
    k = key(text)
    return k in _TOTAL_LABELS or k.startswith(("total ", "grand total", "sub total"))


def _numeric_or_empty(values: np.ndarray) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    kind = s.map(type)
    ok = (
        s.isna().to_numpy()
        | s.eq("").to_numpy()
        | kind.isin([int, float, bool, np.int64, np.float64]).to_numpy()
    )
    strs = kind.isin([str]).to_numpy()
    if strs.any():
        cleaned = s[strs].str.replace(r"[\s%,$€£]", "", regex=True)
        ok[strs] = (cleaned.eq("") | pd.to_numeric(cleaned, errors="coerce").notna()).to_numpy()
    return ok


def _footnotes(
    fv: np.ndarray, first: np.ndarray, cnt: np.ndarray, live: np.ndarray, headed: np.ndarray
) -> np.ndarray:
    """Rows holding one text cell that reads as a note rather than as data.

    Anywhere: text starting like a note (``*``, ``Note:``, ``Source:`` ...). Below the last
    row with several cells: a sentence (four words or more), or text in a column that has no
    header. A lone short value ("Beta Ltd") stays in the table for the interpreter to judge.
    """
    out = np.zeros(len(fv), dtype=bool)
    single = np.flatnonzero((cnt == 1) & live)
    if single.size == 0:
        return out
    texts = pd.Series(fv[single], dtype=object)
    is_str = texts.map(type).isin([str]).to_numpy()
    single, texts = single[is_str], texts[is_str].str.strip()
    marked = texts.str.lower().str.startswith(_FOOTNOTE_STARTS).to_numpy()
    out[single[marked]] = True
    data_rows = np.flatnonzero((cnt >= 2) & live)
    last = data_rows[-1] if data_rows.size else -1
    sentence = (texts.str.split().map(len) >= 4).to_numpy() | ~headed[first[single]]
    out[single[(single > last) & sentence]] = True
    return out


# --------------------------------------------------------------------------- cells
def _header_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat()
    return str(value).strip()


def _dedupe(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in labels:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _missing_to_none(col: pd.Series) -> np.ndarray:
    """Object values of a column with NaN/NaT/NA replaced by None (dates as Timestamps)."""
    values = col.astype(object).to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    return values
