"""`cohort_report`: the immutable, private cohort report shared by the notebook and the CLI."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import schema, vocab
from ..loadreport import LoadReport
from ..log import JobSearchLog
from ..text import key
from .content import ALL, GROUP, Table, build_tables, headline
from .privacy import Redactor, identifying_columns, pseudonym_salt, pseudonymise
from .suppression import TOTAL


@dataclass(frozen=True, eq=False)
class CohortReport:
    """A cohort report: suppressed tables, figures, methods and a data-quality appendix.

    Build it with :func:`cohort_report`. It never changes: :attr:`tables` hands out copies.
    In Jupyter it displays itself; :meth:`to_html` and :meth:`to_excel` write files.

    Attributes
    ----------
    title : str
    as_of : Timestamp
        The censoring date of every analysis.
    by : str or None
        The breakdown column (None: the whole cohort only).
    min_cell : int
        Counts from 1 to ``min_cell - 1`` are suppressed.
    sections : tuple of Table
        The analyses, in report order.
    quality : tuple of Table
        The data-quality appendix (from the LoadReport), redacted.
    notes : tuple of str
        Importer notes, redacted.
    headline : dict
        Whole-cohort numbers (None when suppressed).
    group_labels_pseudonymised : bool
        True when the breakdown column names people and its values were replaced.
    """

    title: str
    as_of: pd.Timestamp
    by: str | None
    min_cell: int
    sections: tuple[Table, ...]
    quality: tuple[Table, ...]
    notes: tuple[str, ...]
    headline: dict
    group_labels_pseudonymised: bool = False

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report by key (copies): the analyses, then the appendix."""
        return {t.key: t.frame.copy() for t in (*self.sections, *self.quality)}

    @functools.cached_property
    def figures(self) -> dict[str, str]:
        """PNG figures as ``data:`` URIs, by name (drawn once, from the suppressed tables)."""
        from .figures import draw_figures

        return draw_figures(self)

    def __repr__(self) -> str:
        h = self.headline
        return (f"<CohortReport {self.title!r}: {h.get('seekers')} seekers, "
                f"{h.get('applications')} applications"
                f"{f', by {self.by}' if self.by else ''}; as of {self.as_of.date()}; "
                f"min_cell {self.min_cell}; tables {list(self.tables)}>")

    def _repr_html_(self) -> str:
        from .html import render

        return render(self, standalone=False)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the report as one self-contained HTML file (atomically); return its path."""
        from .html import write_html

        return write_html(self, path)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the report as an xlsx workbook (atomically); return its path."""
        from .xlsx import write_xlsx

        return write_xlsx(self, path)


def resolve_by(log: JobSearchLog, by: str | None) -> str | None:
    """The carried column `by` names, matched exactly or else ignoring case and punctuation.

    Parameters
    ----------
    log : JobSearchLog
    by : str or None
        E.g. ``"program"`` for an input header ``"Program"``.

    Returns
    -------
    str or None
        The column name as carried on ``log.applications``.

    Raises
    ------
    ValueError
        When no carried column (or more than one) matches; the message lists them.
    """
    if by is None or by in log.carried_columns:
        return by
    matches = [c for c in log.carried_columns if key(c) == key(by)]
    if len(matches) != 1:
        raise ValueError(f"by={by!r} is not a column of the cohort data"
                         f"{schema.did_you_mean(by, log.carried_columns)}; choose one of "
                         f"{log.carried_columns} or None")
    return matches[0]


def _check(log: object, min_cell: object) -> None:
    if not isinstance(log, JobSearchLog):
        raise TypeError(f"log must be a JobSearchLog (see followup_analytics.load); "
                        f"got {type(log).__name__}")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be an integer of at least 1; got {min_cell!r}")
    if len(log) == 0:
        raise ValueError("the log holds no applications: nothing to report (see log.report "
                         "for what was read and set aside)")


def _reduce(log: JobSearchLog, by: str | None, key: bytes) -> tuple[JobSearchLog, bool]:
    """The log the report is computed from: no names, contacts or notes."""
    apps = log.applications
    person_by = by is not None and by in identifying_columns(apps)
    if by is None:
        groups = pd.Series(TOTAL, index=apps.index, dtype="string")
    else:
        groups = apps[by].astype("string").str.strip().fillna("(missing)")
        if person_by:
            groups = pseudonymise(groups, key, prefix="G-")
    reduced = pd.DataFrame({
        "application_id": apps["application_id"],
        "seeker": pseudonymise(apps["seeker"].fillna("(unknown)"), key),
        "company": apps["company"], "role": pd.NA, "applied_on": apps["applied_on"],
        GROUP: groups, ALL: pd.Series(TOTAL, index=apps.index, dtype="string"),
    })
    # the log is already canonical: blank the notes and provenance instead of re-validating
    events = log.events.assign(note=pd.NA, source_file=pd.NA, source_sheet=pd.NA,
                               source_row=pd.NA)
    events = events.astype({"note": "string", "source_file": "string",
                            "source_sheet": "string", "source_row": "Int64"})
    reduced["role"] = reduced["role"].astype("string")
    return JobSearchLog(events, reduced, LoadReport(), log.as_of), person_by


def _redactor(log: JobSearchLog, by: str | None, person_by: bool) -> Redactor:
    apps = log.applications
    cols = identifying_columns(apps)
    values = pd.concat([apps[c].astype("string") for c in cols]
                       + [log.events["note"].astype("string")], ignore_index=True)
    safe = {v.casefold() for v in (*vocab.EVENTS, *vocab.CHANNELS, *vocab.LETTER_TYPES,
                                   *vocab.RECIPIENTS, *vocab.STAGES, TOTAL)}
    if by is not None and not person_by:
        safe |= {str(v).casefold() for v in apps[by].dropna().unique()}
    values = values.dropna().str.strip().drop_duplicates()
    values = values[(values.str.len() >= 3) & ~values.str.casefold().isin(safe)]
    return Redactor(values.tolist())


def _quality(report: LoadReport, redactor: Redactor) -> tuple[Table, ...]:
    src = report.sources.copy()
    src["file"] = src["file"].astype("string").map(
        lambda p: os.path.basename(p) if isinstance(p, str) else p)
    src = src.drop(columns=["reason"])
    q = report.quarantine.copy()
    q["file"] = q["file"].astype("string").map(
        lambda p: os.path.basename(p) if isinstance(p, str) else p)
    reasons = (q.groupby(["file", "sheet", "column", "reason"], dropna=False, sort=False)
               .size().rename("rows").reset_index()
               .sort_values("rows", ascending=False, kind="stable").head(50))
    unknown = report.unknown_values.head(50)
    return tuple(Table(key, title, text, redactor.frame(frame), counts)
                 for key, title, text, frame, counts in (
        ("sources", "Files and sheets read",
         "What was read, the detected layout and header row, and the rows loaded, set "
         "aside (quarantined) and dropped (blank, totals, notes).", src,
         ("header_row", "n_rows", "n_loaded", "n_quarantined", "n_dropped")),
        ("quarantine", "Rows set aside, by reason",
         "Rows that could not be used, grouped by file, sheet, column and reason (at most "
         "50 reasons).", reasons, ("rows",)),
        ("unknown_values", "Values outside the vocabularies",
         "Free text that was loaded as 'other'; extend the vocabulary to map it.", unknown,
         ("count",))))


def _short_paths(report: LoadReport) -> list[str]:
    """Importer notes with each source's folder removed (folders can name people)."""
    files = report.sources["file"].dropna().astype(str).unique()
    notes = []
    for note in report.notes:
        for f in sorted(files, key=len, reverse=True):
            note = note.replace(f, os.path.basename(f))
        notes.append(note)
    return notes


@schema.renamed(as_of="log.with_as_of(...)")
def cohort_report(log: JobSearchLog, by: str | Sequence[str] | None = None, *,
                  min_cell: int = 10, salt: str | bytes | None = None,
                  title: str | None = None,
                  max_groups: int | None = schema.MAX_GROUPS) -> CohortReport:
    """Build the private cohort report of a job-search log.

    Parameters
    ----------
    log : JobSearchLog
        The cohort's log (e.g. from :func:`followup_analytics.load`). Not modified.
    by : str, optional
        A carried column (``program``, ``cohort``, ``adviser`` ...) to break every table
        down by, matched ignoring case and punctuation ("program" finds "Program"); a
        one-element list is accepted too.
        Columns naming people (adviser, contact ...) get pseudonymised labels.
    min_cell : int, default 10
        Counts from 1 to ``min_cell - 1`` are suppressed, with complementary suppression
        (see :mod:`followup_analytics.cohort.suppression`).
    salt : str or bytes, optional
        Secret that makes seeker pseudonyms stable across reports; by default a random one
        (pseudonyms then hold within this report only).
    title : str, optional
        Default: "Cohort report" (plus "by <column>").
    max_groups : int or None, default 200
        Refuse a breakdown into more groups than this (None: no limit).

    The censoring date is ``log.as_of``; pass ``log.with_as_of(...)`` to change it.

    Returns
    -------
    CohortReport
        ``.tables`` holds the tidy tables (see
        :func:`followup_analytics.cohort.content.build_tables` for their columns, plus the
        appendix ``sources [file, sheet, status, layout, header_row, n_rows, n_loaded,
        n_quarantined, n_dropped, suppressed]``, ``quarantine [file, sheet, column, reason,
        rows, suppressed]`` and ``unknown_values [field, value, count, suppressed]``).

    Raises
    ------
    ValueError
        `min_cell` below 1, `by` not a carried column (the message lists them), more groups
        than `max_groups`, or a log without applications.
    """
    _check(log, min_cell)
    if by is not None and not isinstance(by, str):
        if len(by) != 1:
            raise ValueError(f"cohort_report breaks down by one column; got by={by!r}")
        (by,) = by
    by = resolve_by(log, by)
    if by is not None:
        schema.check_groups(log.applications, [by], max_groups)
    key = pseudonym_salt(salt)
    reduced, person_by = _reduce(log, by, key)
    redactor = _redactor(log, by, person_by)
    sections = build_tables(reduced, by or "group", by is not None, min_cell)
    sections = {k: Table(t.key, t.title, t.description, redactor.frame(t.frame), t.counts,
                         t.percents, t.extra) for k, t in sections.items()}
    quality = tuple(Table(t.key, t.title, t.description,
                          t.frame.assign(suppressed=""), t.counts) for t in
                    _quality(log.report, redactor))
    default = "Cohort report" + (f" by {by}" if by else "")
    return CohortReport(
        title=title or default, as_of=log.as_of, by=by, min_cell=min_cell,
        sections=tuple(sections.values()), quality=quality,
        notes=tuple(redactor.text(n) for n in _short_paths(log.report)),
        headline=headline(sections), group_labels_pseudonymised=person_by)
