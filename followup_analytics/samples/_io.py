"""Deterministic, atomic file writing for the bundled samples."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import ArgumentError
from ..output import FORMULA_PREFIXES, atomic_write

_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`~followup_analytics.output.atomic_write`),
    creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def check_no_formulas(frame: pd.DataFrame, name: str) -> None:
    """Refuse text cells that a spreadsheet would run as a formula (none are expected)."""
    for col in frame.columns:  # loop over columns, each checked vectorised
        values = frame[col]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            text = values.dropna().astype(str)
            bad = text.str.len().gt(1) & text.str.startswith(FORMULA_PREFIXES)
            if bad.any():
                raise ArgumentError(
                    f"{name}: column {col!r} has a cell starting like a formula: "
                    f"{text[bad].iloc[0]!r}"
                )


def csv_bytes(frame: pd.DataFrame, name: str, *, encoding: str = "utf-8", sep: str = ",") -> bytes:
    """Render ``frame`` as csv bytes (``\\n`` line ends, no index)."""
    check_no_formulas(frame, name)
    return frame.to_csv(index=False, sep=sep, lineterminator="\n").encode(encoding)


def xlsx_bytes(build: Callable[[pd.ExcelWriter], None], stamp: str) -> bytes:
    """Run ``build(writer)`` on an openpyxl writer and return reproducible xlsx bytes.

    The zip entry times and the document's created/modified properties are fixed to
    ``stamp`` (ISO date-time), so the same content always gives the same bytes.
    """
    raw = io.BytesIO()
    with pd.ExcelWriter(
        raw, engine="openpyxl", date_format="yyyy-mm-dd", datetime_format="yyyy-mm-dd"
    ) as writer:
        build(writer)
        props = writer.book.properties
        props.creator = "followup_analytics sample generator"
        props.lastModifiedBy = props.creator
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # loop over the few parts of the package
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, body)
    return out.getvalue()
