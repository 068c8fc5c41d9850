"""Reading spreadsheets into a canonical :class:`~followup_analytics.log.JobSearchLog`."""

from .report import LoadReport

__all__ = ["LoadReport"]
