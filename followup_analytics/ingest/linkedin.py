"""LinkedIn's data export: ``Jobs/Job Applications.csv`` (``_1``, ``_2`` ... when long) is
one seeker's applications, whether it comes as the export zip, the unzipped folder or the
files themselves; ``Saved Jobs.csv`` holds bookmarks, not applications.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from .raw import SkippedSheet, Source

_APPLICATIONS = re.compile(r"^job applications(?:_\d+)?\.csv$", re.IGNORECASE)
_SAVED = re.compile(r"^saved jobs(?:_\d+)?\.csv$", re.IGNORECASE)
#: Bytes read at most from one member of an export zip.
MAX_MEMBER_BYTES = 64 * 1024 * 1024


def is_applications(name: str) -> bool:
    """Whether a file name is one part of LinkedIn's job-applications export."""
    return bool(_APPLICATIONS.match(os.path.basename(name)))


def is_saved_jobs(name: str) -> bool:
    """Whether a file name is LinkedIn's saved-jobs export (bookmarks)."""
    return bool(_SAVED.match(os.path.basename(name)))


def export_parts(item: object) -> list[object] | None:
    """The job-application (and saved-jobs) files of a LinkedIn export folder or zip, or
    None when `item` is not one. A zip's members are returned as named in-memory streams."""
    if not isinstance(item, str | Path):
        return None
    path = Path(item).expanduser()
    if path.is_dir():
        for folder in (path, path / "Jobs"):
            if folder.is_dir():
                parts = sorted(p for p in folder.iterdir() if is_applications(p.name))
                if parts and (folder.name == "Jobs" or not _other_sheets(folder)):
                    saved = sorted(p for p in folder.iterdir() if is_saved_jobs(p.name))
                    return [*parts, *saved]
        return None
    if path.suffix.lower() == ".zip" and path.is_file():
        try:
            with zipfile.ZipFile(path) as zf:
                streams: list[io.BytesIO] = []
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    wanted = is_applications(info.filename) or is_saved_jobs(info.filename)
                    if wanted and info.file_size <= MAX_MEMBER_BYTES:
                        stream = io.BytesIO(zf.read(info))
                        stream.name = f"{path}!{info.filename}"
                        streams.append(stream)
                return [*streams] if any(is_applications(s.name) for s in streams) else None
        except (zipfile.BadZipFile, OSError):
            return None
    return None


def _other_sheets(folder: Path) -> bool:
    """Whether a folder holds spreadsheets other than the export's parts."""
    return any(
        p.suffix.lower() in (".csv", ".xlsx", ".xls", ".ods")
        and not (is_applications(p.name) or is_saved_jobs(p.name))
        for p in folder.iterdir()
    )


def one_seeker(sources: list[Source]) -> tuple[list[Source], list[SkippedSheet]]:
    """Parts of one LinkedIn export are one seeker (no per-file seeker from a folder);
    saved-jobs files are skipped with the reason."""
    out, skipped = [], []
    for s in sources:
        if is_saved_jobs(s.name):
            skipped.append(
                SkippedSheet(s.name, None, "LinkedIn saved jobs: bookmarks, not applications")
            )
        elif is_applications(s.name) and s.seeker_hint is not None:
            out.append(Source(s.name, s.obj, None))
        else:
            out.append(s)
    return out, skipped
