"""Output safety: neutralised spreadsheet text and atomic file writes.

Spreadsheet applications execute a text cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (CSV/formula injection); tab and carriage return start one in some importers.
Every text cell the cohort report writes goes through :func:`neutralise_frame` or
:func:`neutralise`, which prefix such text with an apostrophe so it is shown, never run.

Reports are written to a temporary file in the destination folder and renamed over the
target with :func:`os.replace` only once complete (:func:`atomic_write`), so an existing
report is replaced by a complete one or not at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: Text starting with one of these is neutralised in spreadsheet output.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Control characters that the xlsx format cannot store (tab, LF and CR are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """Return `value` made safe for a spreadsheet cell.

    Parameters
    ----------
    value : object
        Any cell value. Only ``str`` values are changed.

    Returns
    -------
    object
        Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
        apostrophe; control characters xlsx cannot store are removed. Other values are
        returned unchanged.
    """
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `frame` whose text cells and column labels are neutralised.

    Parameters
    ----------
    frame : DataFrame
        Any table about to be written to xlsx or csv. Not modified.

    Returns
    -------
    DataFrame
        Same shape, index and columns (labels neutralised with :func:`neutralise`); every
        text cell neutralised. Numbers, dates and missing values are unchanged.
    """
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            uniques = pd.unique(col.dropna())
            mapping = {u: neutralise(u) for u in uniques if isinstance(u, str)}
            changed = {k: v for k, v in mapping.items() if k != v}
            if changed:
                col = col.astype(object).map(lambda v, m=changed: m.get(v, v)
                                             if isinstance(v, str) else v)
            out[name] = col
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _file_mode(private: bool) -> int:
    """0600 for a private file, else what the user's umask allows for a new file."""
    if private:
        return 0o600
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None], *,
                 private: bool = False) -> Path:
    """Write a file through a temporary sibling and rename it over `path` when complete.

    Parameters
    ----------
    path : path-like
        The destination. Its folder must exist. An existing file is replaced only after
        `write` returned without error.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path`` (same folder, same
        suffix).
    private : bool, default False
        Readable by its owner only (0600); otherwise the mode follows the umask, like any
        new file.

    Returns
    -------
    Path
        The destination path.

    Raises
    ------
    Exception
        Whatever `write` raised; the temporary file is removed and `path` is untouched.
    """
    return atomic_write_all([(path, write)], private=private)[0]


def atomic_write_all(jobs: list[tuple[str | os.PathLike[str], Callable[[Path], None]]], *,
                     private: bool = False) -> list[Path]:
    """Write several files as a set: every one to a temporary sibling first, and rename
    them over their destinations only once all are complete (so the HTML and the workbook
    of a report come from the same run). On any failure, or an interrupt, every temporary
    file is removed and no destination is touched.

    Returns
    -------
    list of Path
        The destination paths, in order.
    """
    temps: list[tuple[Path, Path]] = []
    mode = _file_mode(private)
    try:
        for path, write in jobs:
            dest = Path(path)
            fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.",
                                            suffix=f".tmp{dest.suffix}")
            os.close(fd)
            temps.append((Path(tmp_name), dest))
            write(Path(tmp_name))
            os.chmod(tmp_name, mode)
        for tmp, dest in temps:
            os.replace(tmp, dest)
    except BaseException:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    return [dest for _, dest in temps]
