"""Output safety: neutralised spreadsheet text and atomic file writes.

Spreadsheet applications execute a text cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (CSV/formula injection); tab and carriage return start one in some importers.
Every text cell the cohort report writes goes through :func:`neutralise_frame` or
:func:`neutralise`, which prefix such text with an apostrophe so it is shown, never run.

Reports are written to a temporary file in the destination folder and renamed over the
target with :func:`os.replace` only once complete
(:func:`followup_analytics.output.atomic_write`), so an existing report is replaced by a
complete one or not at all.
"""

from __future__ import annotations

import re
from typing import TypeVar, overload

import pandas as pd

from ..output import FORMULA_PREFIXES, atomic_write, atomic_write_all

__all__ = ["FORMULA_PREFIXES", "atomic_write", "atomic_write_all", "neutralise", "neutralise_frame"]
# Control characters that the xlsx format cannot store (tab, LF and CR are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_T = TypeVar("_T")


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: _T) -> _T: ...
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
                col = col.astype(object).map(
                    lambda v, m=changed: m.get(v, v) if isinstance(v, str) else v
                )
            out[name] = col
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
