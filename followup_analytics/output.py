"""Writing files safely, for every part of the package that writes one.

* :func:`atomic_write` and :func:`atomic_write_all`: a file (or a set of files) is written
  to a temporary sibling and renamed over its destination only once complete, so an
  existing file is replaced by a complete one or not at all;
* :data:`FORMULA_PREFIXES`: a spreadsheet runs a text cell starting with one of these as a
  formula (CSV/formula injection); the cohort report neutralises such text
  (:mod:`followup_analytics.cohort.safety`) and the sample generator refuses it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Text starting with one of these is run as a formula by spreadsheet applications (tab and
#: carriage return start one in some importers).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _file_mode(private: bool) -> int:
    """0600 for a private file, else what the user's umask allows for a new file."""
    if private:
        return 0o600
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], object], *, private: bool = False
) -> Path:
    """Write a file through a temporary sibling and rename it over `path` when complete.

    Parameters
    ----------
    path : path-like
        The destination. Its folder must exist. An existing file is replaced only after
        `write` returned without error.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path`` (same folder, same
        suffix); what it returns is ignored.
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

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "note.txt", lambda tmp: tmp.write_text("done")).read_text()
    'done'
    """
    return atomic_write_all([(path, write)], private=private)[0]


def atomic_write_all(
    jobs: list[tuple[str | os.PathLike[str], Callable[[Path], object]]], *, private: bool = False
) -> list[Path]:
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
            fd, tmp_name = tempfile.mkstemp(
                dir=dest.parent, prefix=f".{dest.name}.", suffix=f".tmp{dest.suffix}"
            )
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
