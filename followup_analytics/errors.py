"""Exceptions and domain warnings.

Every warning the package emits is a subclass of :class:`FollowupWarning`, so users can
silence or escalate them as a group::

    import warnings
    from followup_analytics import FollowupWarning
    warnings.simplefilter("ignore", FollowupWarning)
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, located as precisely as the input allows.

    Attributes
    ----------
    file, sheet : str or None
        Where the problem is. ``sheet`` is None for csv files and DataFrames.
    row : int or None
        The row number as the spreadsheet shows it (1-based, header rows included).
    column : str or None
        The input header of the offending column.
    reason : str
        What is wrong, in words a user can act on.
    """

    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [p for p in (self.file, self.sheet and f"sheet {self.sheet!r}") if p]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where) or '<input>'}: {self.reason}"


class ArgumentError(ValueError):
    """An argument passed to a function or to the command line cannot be used.

    A :class:`ValueError`, so ``except ValueError`` keeps working; the command line exits
    with status 2 for it (and for :class:`SpreadsheetError`) and with status 1 for any other
    exception, which is a bug of the program.
    """


class SpreadsheetError(ValueError):
    """An input file or sheet cannot be used.

    ``str(error)`` names the file (and sheet, row and column where known) and the reason.
    ``error.problems`` lists every :class:`Problem` found, so that all of them can be fixed at
    once rather than one per run.
    """

    def __init__(self, message: str | None = None, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if message is None:
            n = len(self.problems)
            head = f"{n} problem{'s' if n != 1 else ''} in the input"
            lines = [str(p) for p in self.problems[:50]]
            if n > 50:
                lines.append(f"... and {n - 50} more")
            message = head + (":\n  " + "\n  ".join(lines) if lines else "")
        super().__init__(message)


class FollowupWarning(UserWarning):
    """Base class of every warning emitted by followup_analytics."""


class LoadWarning(FollowupWarning):
    """Something in the input was guessed, skipped or quarantined (see the LoadReport)."""


class AmbiguousDateWarning(LoadWarning):
    """A date column could be read both month-first and day-first."""


class SmallSampleWarning(FollowupWarning):
    """Too few applications or events for a stable estimate."""


class SparseStrataWarning(FollowupWarning):
    """Too few seekers (strata) carry information for a within-seeker estimate."""


def find_stack_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside the package.

    Warnings are about the caller's data or arguments, so they name the caller's line,
    however deep inside followup_analytics they are raised (a decorator, a helper, one
    public function calling another)::

        warnings.warn(message, SmallSampleWarning, stacklevel=find_stack_level())
    """
    package = os.path.dirname(os.path.abspath(__file__))
    frame = inspect.currentframe()
    n = 0
    try:
        while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            package + os.sep
        ):
            frame = frame.f_back
            n += 1
    finally:
        del frame
    return n
