"""Reading spreadsheets into a canonical :class:`~followup_analytics.log.JobSearchLog`.

``load`` (in :mod:`.load`) reads files (:mod:`.sources`, :mod:`.readers`, :mod:`.tables`),
matches headers (:mod:`.columns`), detects layouts (:mod:`.layouts`), parses values
(:mod:`.values`) and records every decision in a :class:`LoadReport`.
"""

from ..loadreport import LoadReport
from .load import load, load_tables

__all__ = ["LoadReport", "load", "load_tables"]
