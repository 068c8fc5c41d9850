"""Many small csv files with the same header line, read and interpreted as one table.

A folder of per-seeker trackers often holds hundreds or thousands of small files sharing one
header line. Read one by one, each file costs a few milliseconds of fixed work (sniffing,
header search, column decisions, frame building) whatever its size; read as one table (the
header once, then every file's lines) they load about as fast as one file holding the same
rows. Every row keeps its own file, row number, seeker and application id, and each file
keeps its own day/month order of dates (decided from its own values, as if read alone): the
log, the quarantine and ``report.sources`` (one row per file) are those of reading each file
alone.

What a group shares is what a user expects of one tracker split into files: the delimiter and
the column roles are decided over the rows of all its files (``report.mapping`` shows the
group's evidence for each file). The notes say which files were read together.

A file joins a group only when reading it alone could not differ in anything else: a
``.csv`` or ``.tsv`` path of at most :data:`STACK_FILE_BYTES`, UTF-8, without quotes, NUL
bytes or bare carriage returns, whose first line is the header (every field named) and whose
lines hold no more fields than the header; its last data line holds two cells or more (no
trailing footnote) and none of its last lines is labelled as a total. A group is read as one
table only when the combined table has its header in row 1, drops nothing but blank or
repeated-header rows and is laid out one row per application; otherwise every file of the
group is read alone, as before. ``tests/test_many_files.py`` loads a mixed folder both ways
and compares everything.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SpreadsheetError
from ..loadreport import SOURCE_COLUMNS
from ._containers import ReadLimits
from ._text import _DELIM_NAMES, SAMPLE, _sniff_delimiter, read_text
from .accounting import records_outcomes
from .columns import ColumnMap
from .raw import Parts, RawTable, Source
from .tables import _TAIL_ROWS, _TOTAL_LABELS, _TOTAL_VARIANTS, _is_total_label

#: Larger files are read on their own (stacking is for many small files).
STACK_FILE_BYTES = 1 * 2**20
#: Most bytes read as one combined table; a larger group is read in several.
STACK_BYTES = 64 * 2**20
#: Most bytes of all files held for stacking in one load (memory stays bounded however
#: many files a folder holds); files past it are read alone.
STACK_TOTAL_BYTES = 256 * 2**20
#: Fewest files worth reading together.
MIN_FILES = 2
#: Layouts whose rows are independent of each other (one row per application).
STACK_LAYOUTS = frozenset({"wide", "tracker"})


@dataclass(frozen=True)
class Stack:
    """Files to read as one table.

    Attributes
    ----------
    members : tuple of int
        Positions of the files in the list given to :func:`plan_stacks`.
    name : str
        How messages name the group: its first file and how many more.
    data : bytes
        The combined text: the header once, then each file's lines.
    parts : Parts
        Which file each combined row comes from.
    n_fields : int
        Fields of the header line.
    delimiter : str
        The delimiter every member was checked with.
    """

    members: tuple[int, ...]
    name: str
    data: bytes
    parts: Parts
    n_fields: int
    delimiter: str


@dataclass(frozen=True)
class _Candidate:
    pos: int
    header: bytes
    body: bytes  # the lines below the header, each ending with "\n"
    bom: bool


def plan_stacks(sources: Sequence[Source]) -> list[Stack]:
    """Group the small csv files of `sources` that can be read as one table.

    Parameters
    ----------
    sources : sequence of Source
        What :func:`~followup_analytics.ingest.sources.expand_sources` found.

    Returns
    -------
    list of Stack
        Groups of at least :data:`MIN_FILES` files, each under :data:`STACK_BYTES`; files
        not in any group are read one by one.
    """
    groups: dict[tuple[bytes, bool, str, bool], list[_Candidate]] = {}
    held = 0
    for pos, source in enumerate(sources):
        cand = _candidate(pos, source) if held < STACK_TOTAL_BYTES else None
        if cand is not None:
            held += len(cand.header) + 1 + len(cand.body)
            suffix = os.path.splitext(source.name)[1].lower()
            k = (cand.header, cand.bom, suffix, source.seeker_hint is None)
            groups.setdefault(k, []).append(cand)
    stacks: list[Stack] = []
    for (_, _, suffix, _), members in groups.items():
        if len(members) < MIN_FILES:
            continue
        first = members[0]
        sample = (first.header + b"\n" + first.body[:SAMPLE]).decode("utf-8", errors="replace")
        delimiter, _ = _sniff_delimiter(sample, suffix)
        d = delimiter.encode()
        fields = first.header.split(d)
        if len(fields) < 2 or not all(f.strip() for f in fields):
            continue
        fitting = [c for c in members if _fits(c.body, d, len(fields) - 1)]
        chunk: list[_Candidate] = []
        size = 0
        for c in [*fitting, None]:
            if c is None or (chunk and size + len(c.body) > STACK_BYTES):
                if len(chunk) >= MIN_FILES:
                    stacks.append(_stack(chunk, sources, len(fields), delimiter))
                chunk, size = [], 0
            if c is not None:
                chunk.append(c)
                size += len(c.body)
    return stacks


def read_stack(
    stack: Stack, known: frozenset[str], limits: ReadLimits | None = None
) -> RawTable | None:
    """Read a :class:`Stack` as one :class:`RawTable` (with ``parts`` set), or None when
    the combined table is not read exactly as its files would be (then read them alone)."""
    try:
        tables, skipped = read_text(
            Source(stack.name, io.BytesIO(stack.data)),
            io.BytesIO(stack.data),
            stack.data[:SAMPLE],
            Path(stack.parts.files[0]).suffix.lower(),
            known,
            limits or ReadLimits(),
        )
    except SpreadsheetError:
        return None
    if len(tables) != 1 or skipped:
        return None
    table = tables[0]
    expected = ("encoding ", f"delimiter {_DELIM_NAMES[stack.delimiter]} ", "header in row 1 (")
    if (
        table.header_row != 1
        or len(table.notes) != 3
        or not all(n.startswith(e) for n, e in zip(table.notes, expected, strict=True))
        or len(table.frame.columns) != stack.n_fields
        or not table.dropped["reason"].isin(["blank row", "repeated header"]).all()
    ):
        return None
    return replace(table, parts=stack.parts, seeker_hint=None)


def stack_note(table: RawTable) -> str:
    """What the report says about a table read from several files."""
    parts = table.parts
    assert parts is not None
    shown = ", ".join(parts.files[:3]) + (", ..." if len(parts.files) > 3 else "")
    return (
        f"{table.file}: {len(parts.files):,} files with the same header line read as one "
        f"table (delimiter and column roles decided over all their rows; dates in each "
        f"file's own day/month order): {shown}"
    )


def unstack(frame: pd.DataFrame, parts: Parts) -> pd.DataFrame:
    """A ``file, sheet, row, ...`` frame with each row's own file and row number."""
    if not len(frame):
        return frame
    rows = frame["row"].to_numpy(dtype=object)
    have = pd.notna(rows)
    if not have.any():
        return frame
    which, local = parts.locate(rows[have].astype(np.int64))
    out = frame.copy()
    files = out["file"].to_numpy(dtype=object).copy()
    files[have] = np.array(parts.files, dtype=object)[which]
    new_rows = rows.copy()
    new_rows[have] = local
    out["file"] = files
    out["row"] = new_rows.astype(frame["row"].to_numpy().dtype) if have.all() else new_rows
    return out


def per_file(values: np.ndarray, parts: Parts) -> np.ndarray:
    """How many of the (combined) row numbers `values` fall in each file."""
    if not len(values):
        return np.zeros(len(parts.files), dtype=np.int64)
    which, _ = parts.locate(np.asarray(values, dtype=np.int64))
    return np.bincount(which, minlength=len(parts.files))


def part_sources(
    table: RawTable,
    parts: Parts,
    loaded: np.ndarray,
    quarantined: np.ndarray,
    dropped: pd.DataFrame,
    layout: str,
    why: str,
    cm: ColumnMap,
) -> pd.DataFrame:
    """The ``report.sources`` rows of a table read from several files: one per file.

    `loaded` and `quarantined` are the combined row numbers of loaded events and of
    quarantined rows (each once); `dropped` the rows set aside, table's and interpreter's.
    """
    loaded = pd.unique(np.asarray(loaded))
    partly = np.isin(quarantined, loaded)
    kept = table.dropped["reason"] != "blank row"
    n_rows = per_file(table.frame.index.to_numpy(), parts) + per_file(
        table.dropped.loc[kept, "row"].to_numpy(), parts
    )
    counts = {
        "n_rows": n_rows,
        "n_loaded": per_file(loaded, parts),
        "n_quarantined": per_file(quarantined[~partly], parts),
        "n_dropped": per_file(
            dropped.loc[dropped["reason"] != "blank row", "row"].to_numpy(), parts
        ),
        "n_partly_quarantined": per_file(quarantined[partly], parts),
    }
    n = len(parts.files)
    return pd.DataFrame(
        {
            "file": np.asarray(parts.files, dtype=object),
            "sheet": None,
            "status": "loaded",
            "layout": layout,
            "header_row": 1,
            **counts,
            "records_outcomes": records_outcomes(layout, cm),
            "reason": why,
        },
        index=range(n),
        columns=SOURCE_COLUMNS,
    )


def files_of(tables: Collection[RawTable]) -> set[str]:
    """Every input file behind `tables`."""
    out: set[str] = set()
    for t in tables:
        out |= set(t.parts.files) if t.parts is not None else {t.file}
    return out


# --------------------------------------------------------------------------- candidates
def _candidate(pos: int, source: Source) -> _Candidate | None:
    obj = source.obj
    if not isinstance(obj, Path) or obj.suffix.lower() not in (".csv", ".tsv"):
        return None
    data = _small_file(obj)
    if data is None:
        return None
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    if b'"' in data or b"\x00" in data:
        return None
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None
        data = data.replace(b"\r\n", b"\n")
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    end = data.find(b"\n")
    if end <= 0:
        return None
    header, body = data[:end], data[end + 1 :]
    if not body.strip():
        return None  # header only: read alone, to be reported as such
    if not body.endswith(b"\n"):
        body += b"\n"
    return _Candidate(pos, header, body, bom)


def _small_file(path: Path) -> bytes | None:
    """The bytes of a regular file of at most :data:`STACK_FILE_BYTES`, else None (a pipe
    or device is never waited on: it is opened without blocking and left to the reader)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not 0 < st.st_size <= STACK_FILE_BYTES:
            return None
        data = os.read(fd, st.st_size + 1)  # one call for the whole file, as a rule
        while len(data) < st.st_size:  # a short read
            chunk = os.read(fd, st.st_size + 1 - len(data))
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= STACK_FILE_BYTES else None


def _fits(body: bytes, d: bytes, n_delims: int) -> bool:
    """Whether a file's lines are read alike alone and among others (see the module notes)."""
    lines = body.split(b"\n")[:-1]
    if max(map(bytes.count, lines, repeat(d))) > n_delims:
        return False
    last = next((line for line in reversed(lines) if line.replace(d, b"").strip()), None)
    if last is None or sum(1 for f in last.split(d) if f.strip()) < 2:
        return False  # a trailing one-cell line may be a footnote
    if body.isascii() and not _TOTALISH.search(body):
        return True  # no line starts like a totals label
    filled = [line for line in lines if line.replace(d, b"").strip()]
    for line in filled[-_TAIL_ROWS:]:
        label = next(f for f in line.split(d) if f.strip()).strip().decode("utf-8")
        if _maybe_total(label) and (label in _TOTAL_VARIANTS or _is_total_label(label)):
            return False
    return True


_LEADING = re.compile(r"^[^0-9A-Za-z]+")
# the first word of every totals label ("grand" of "grand total" ...): a key not starting
# with one of them cannot be a totals label
_TOTAL_STARTS = tuple(sorted({label.split()[0] for label in _TOTAL_LABELS}))
# a line whose first letters (after empty cells and punctuation) start a totals label
_TOTALISH = re.compile(
    rb"^[^\n0-9A-Za-z]*(?:" + b"|".join(w.encode() for w in _TOTAL_STARTS) + rb")",
    re.IGNORECASE | re.MULTILINE,
)


def _maybe_total(label: str) -> bool:
    """False when `label` cannot be a totals label (a cheap test before the real one)."""
    if not label.isascii():
        return True
    return _LEADING.sub("", label).lower().startswith(_TOTAL_STARTS)


def _stack(
    members: list[_Candidate],
    sources: Sequence[Source],
    n_fields: int,
    delimiter: str,
) -> Stack:
    lines = np.array([c.body.count(b"\n") for c in members], dtype=np.int64)
    starts = 2 + np.concatenate([[0], np.cumsum(lines)[:-1]])
    files = tuple(sources[c.pos].name for c in members)
    parts = Parts(files, tuple(sources[c.pos].seeker_hint for c in members), starts)
    data = (codecs.BOM_UTF8 if members[0].bom else b"") + members[0].header + b"\n"
    data += b"".join(c.body for c in members)
    name = f"{files[0]} (+{len(files) - 1:,} files with the same header)"
    return Stack(
        tuple(c.pos for c in members),
        name,
        data,
        parts,
        n_fields,
        delimiter,
    )
