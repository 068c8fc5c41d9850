"""Turn what the user passed to ``load()`` into a flat list of :class:`Source` objects.

A source may be a file, a folder (one file per seeker), a glob pattern, an open file-like
object or a pandas DataFrame. Anything that cannot be read raises a
:class:`~followup_analytics.errors.SpreadsheetError` naming it, before any file is opened.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

import pandas as pd

from ..errors import SpreadsheetError
from .raw import Source

#: File extensions read by :func:`followup_analytics.ingest.readers.read_source`.
EXCEL_EXTENSIONS: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt")
SUPPORTED_EXTENSIONS: tuple[str, ...] = EXCEL_EXTENSIONS + TEXT_EXTENSIONS

_GLOB_CHARS = ("*", "?", "[")
#: Most entries a glob may visit, and most files a folder or glob may yield.
MAX_VISITED = 1_000_000
MAX_FILES = 100_000


def expand_sources(sources: Iterable[object], *, frames_start: int = 1) -> list[Source]:
    """Expand the user's sources into one :class:`Source` per file, stream or DataFrame.

    Parameters
    ----------
    sources : iterable
        Each item is a path (``str`` or :class:`~pathlib.Path`) to a spreadsheet file; a
        folder, whose supported spreadsheet files are taken in name order (not recursively),
        each with ``seeker_hint`` set to its file stem since a folder means one file per
        seeker; a glob pattern (``*``, ``?``, ``[``); a binary or text file-like object; a
        pandas DataFrame; or a list/tuple of any of these.
    frames_start : int, default 1
        Number given to the first unnamed stream (``"<stream N>"``) and to the first
        DataFrame (``"<DataFrame N>"``).

    Returns
    -------
    list of Source
        In the order given; a folder or glob contributes its files sorted by name.

    Raises
    ------
    SpreadsheetError
        Listing every source that cannot be used: a missing path, a glob that matches no
        spreadsheet, a folder holding no spreadsheet, an unsupported file type or object.
    """
    out: list[Source] = []
    problems: list[str] = []
    counters = {"stream": frames_start, "frame": frames_start}
    for item in _flatten(sources):
        try:
            out.extend(_expand_one(item, counters))
        except SpreadsheetError as err:
            problems.append(str(err))
    if problems:
        raise SpreadsheetError(
            "; ".join(problems)
            if len(problems) == 1
            else f"{len(problems)} sources cannot be read:\n  " + "\n  ".join(problems)
        )
    if not out:
        raise SpreadsheetError(
            "no source given: pass a file, folder, glob, file object or DataFrame"
        )
    return out


def file_kind(name: str) -> str:
    """Return ``"excel"`` or ``"text"`` for a supported file name, else ``""``."""
    ext = os.path.splitext(name)[1].lower()
    if ext in EXCEL_EXTENSIONS:
        return "excel"
    if ext in TEXT_EXTENSIONS:
        return "text"
    return ""


def _flatten(items: Iterable[object]) -> Iterable[object]:
    for item in items:
        if isinstance(item, list | tuple):
            yield from _flatten(item)
        else:
            yield item


def _expand_one(item: object, counters: dict[str, int]) -> list[Source]:
    if isinstance(item, pd.DataFrame):
        name = f"<DataFrame {counters['frame']}>"
        counters["frame"] += 1
        return [Source(name, item)]
    if isinstance(item, str | Path):
        return _expand_path(item)
    if isinstance(item, io.IOBase) or (hasattr(item, "read") and callable(item.read)):
        named = getattr(item, "name", None)
        if isinstance(named, str) and named:
            name = named
        else:
            name = f"<stream {counters['stream']}>"
            counters["stream"] += 1
        return [Source(name, cast("IO[bytes] | IO[str]", item))]
    raise SpreadsheetError(
        f"{type(item).__name__} {_short(item)}: not a file, folder, glob, file object or DataFrame"
    )


def _expand_path(item: str | Path) -> list[Source]:
    text = str(item)
    path = Path(text).expanduser()
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            raise SpreadsheetError(
                f"{text}: folder holds no spreadsheet ({', '.join(SUPPORTED_EXTENSIONS)})"
            )
        return [Source(str(f), f, seeker_hint=f.stem) for f in files]
    if path.is_file():
        if not file_kind(path.name):
            raise SpreadsheetError(
                f"{text}: unsupported file type {path.suffix or '(none)'!r}; "
                f"supported: {', '.join(SUPPORTED_EXTENSIONS)}"
            )
        return [Source(text, path)]
    if path.exists():  # a pipe, device or socket: named by the reader's check
        return [Source(text, path)]
    if isinstance(item, str) and any(c in text for c in _GLOB_CHARS):
        files = _spreadsheets_in(_glob(text, str(path)))
        if not files:
            raise SpreadsheetError(f"{text}: the pattern matches no spreadsheet file")
        return [Source(str(f), f) for f in files]
    raise SpreadsheetError(f"{text}: file not found")


def _glob(text: str, pattern: str) -> list[Path]:
    """Files matching ``pattern`` (``**`` spans folders), walking from its fixed prefix
    without following a symbolic link to a folder (no loops) and keeping only files whose
    real path stays inside that prefix; hidden names are skipped, as :mod:`glob` does."""
    parts = Path(pattern).parts
    fixed = next((i for i, p in enumerate(parts) if any(c in p for c in _GLOB_CHARS)), len(parts))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    rx = re.compile(_translate(parts[fixed:]))
    found, visited = [], 0
    depth = None if "**" in parts[fixed:] else len(parts) - fixed - 1
    for folder, dirs, names in os.walk(root, followlinks=False):
        rel = Path(folder).relative_to(root)
        keep = depth is None or len(rel.parts) < depth
        dirs[:] = sorted(d for d in dirs if keep and not d.startswith("."))
        visited += len(dirs) + len(names)
        if visited > MAX_VISITED:
            raise SpreadsheetError(
                f"{text}: the pattern visits more than {MAX_VISITED:,} "
                "files and folders (limit); narrow it"
            )
        for n in names:
            if n.startswith(".") or not rx.fullmatch((rel / n).as_posix()):
                continue
            p = Path(folder) / n
            if _inside(p, root):
                found.append(p)
    if len(found) > MAX_FILES:
        raise SpreadsheetError(
            f"{text}: the pattern matches {len(found):,} files (limit {MAX_FILES:,})"
        )
    return sorted(found)


def _translate(parts: tuple[str, ...]) -> str:
    """A regex for the wildcard part of a glob (``**`` any folders, ``*``/``?``/``[...]``
    within one name), matched against ``/``-joined relative paths."""
    out = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:.*/)?")
            continue
        rx, j = "", 0
        while j < len(part):
            ch = part[j]
            close = part.find("]", j + 2) if ch == "[" else -1
            if ch == "*":
                rx += "[^/]*"
            elif ch == "?":
                rx += "[^/]"
            elif close > 0:
                body = part[j + 1 : close]
                rx += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
                j = close
            else:
                rx += re.escape(ch)
            j += 1
        out.append(rx + ("" if last else "/"))
    return "".join(out)


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (maybe a symbolic link) really lies inside ``root``."""
    if not path.is_symlink():
        return True
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a dangling link or a loop
        return False


def _folder_files(folder: Path) -> list[Path]:
    """The supported files of a folder in name order: what :func:`_spreadsheets_in` keeps
    of its entries whose real path stays inside it, from one directory scan."""
    found: list[tuple[str, Path]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(("~$", ".")) or not file_kind(name):
                continue
            try:
                if not entry.is_file():  # follows a link, as Path.is_file does
                    continue
                link = entry.is_symlink()
            except OSError:
                continue
            path = folder / name
            if not link or _inside(path, folder):
                found.append((name, path))
    found.sort(key=lambda item: item[0])
    return [p for _, p in found]


def _spreadsheets_in(paths: list[Path]) -> list[Path]:
    """Supported files, leaving out office lock files (``~$a.xlsx``, ``.~lock.a.ods#``)."""
    return [
        p for p in paths if p.is_file() and file_kind(p.name) and not p.name.startswith(("~$", "."))
    ]


def _short(item: object) -> str:
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "..."
