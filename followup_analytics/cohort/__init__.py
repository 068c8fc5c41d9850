"""Cohort reports for career advisers: private by default, HTML and Excel.

:func:`cohort_report` computes every table once from a privacy-reduced copy of the log
(pseudonymised seekers; no names, contacts or notes), suppresses small counts with
complementary suppression, and returns an immutable :class:`CohortReport` that displays
itself in Jupyter and writes a self-contained HTML file or an xlsx workbook.
"""

from .report import CohortReport, cohort_report

__all__ = ["CohortReport", "cohort_report"]
