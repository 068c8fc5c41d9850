"""Writing files safely, for every part of the package that writes one.

* :func:`atomic_write`: a file is written to a temporary sibling and renamed over its
  destination only once complete, so an existing file is replaced by a complete one or not
  at all;
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


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write a file through a temporary sibling and rename it over `path` when complete.

    Parameters
    ----------
    path : path-like
        The destination. Its folder must exist. An existing file is replaced only after
        `write` returned without error.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path`` (same folder, same
        suffix).

    Returns
    -------
    Path
        The destination path, readable by everyone (mode 0644).

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
    dest = Path(path)
    fd, tmp_name = tempfile.mkstemp(
        dir=dest.parent, prefix=f".{dest.name}.", suffix=f".tmp{dest.suffix}"
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest
