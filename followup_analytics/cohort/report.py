"""`cohort_report`: the immutable, private cohort report shared by the notebook and the CLI."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import schema, vocab
from ..errors import ArgumentError
from ..loadreport import LoadReport
from ..log import JobSearchLog
from ..text import key
from .audit import Audit
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
    audit : Audit
        What the disclosure audit published and hid (see :mod:`.audit`).
    private : Table
        Activity per seeker, unsuppressed: only for the adviser's private appendix
        (:meth:`to_private_excel`), never part of the shared report.
    merged_groups : int
        Breakdown groups with fewer than ``min_cell`` seekers, merged into "other groups".
    run_id, created : str, Timestamp
        Which run made the report: printed in the HTML and the workbook, so a reader can
        tell that both files come from the same run.
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
    audit: Audit | None = None
    private: Table | None = None
    merged_groups: int = 0
    run_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: pd.Timestamp = dataclasses.field(
        default_factory=lambda: pd.Timestamp(datetime.now(UTC)).floor("s")
    )

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report by key (copies): the analyses, then the appendix."""
        return {t.key: t.frame.copy() for t in (*self.sections, *self.quality)}

    def to_private_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the per-seeker appendix for the adviser alone: an xlsx readable only by
        its owner (mode 0600). Not suppressed: never share it."""
        from .xlsx import write_private

        return write_private(self, path)

    @functools.cached_property
    def figures(self) -> dict[str, str]:
        """SVG figures as ``data:`` URIs, by name (drawn once, from the suppressed tables)."""
        from .figures import draw_figures

        return draw_figures(self)

    def __repr__(self) -> str:
        h = self.headline
        return (
            f"<CohortReport {self.title!r}: {h.get('seekers')} seekers, "
            f"{h.get('applications')} applications"
            f"{f', by {self.by}' if self.by else ''}; as of {self.as_of.date()}; "
            f"min_cell {self.min_cell}; tables {list(self.tables)}>"
        )

    def _repr_html_(self) -> str:
        from .html import render

        return render(self, standalone=False)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the report as one self-contained HTML file (atomically); return its path."""
        return self.write({"html": path})[0]

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the report as an xlsx workbook (atomically); return its path."""
        return self.write({"xlsx": path})[0]

    def write(self, paths: dict[str, str | os.PathLike[str]]) -> list[Path]:
        """Write several formats as one set (``{"html": path, "xlsx": path}``): all are
        rendered to temporary files first and renamed into place only when every one is
        complete. File modes follow the umask."""
        from .html import render_bytes
        from .safety import atomic_write_all
        from .xlsx import workbook_bytes

        render = {"html": render_bytes, "xlsx": workbook_bytes}
        bad = [f for f in paths if f not in render]
        if bad:
            raise ArgumentError(f"unknown report format {bad[0]!r}; choose html or xlsx")
        data = {fmt: render[fmt](self) for fmt in paths}
        return atomic_write_all(
            [
                (path, functools.partial(Path.write_bytes, data=data[fmt]))
                for fmt, path in paths.items()
            ]
        )


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
    ArgumentError
        When no carried column (or more than one) matches; the message lists them.
    """
    if by is None or by in log.carried_columns:
        return by
    matches = [c for c in log.carried_columns if key(c) == key(by)]
    if len(matches) != 1:
        raise ArgumentError(
            f"by={by!r} is not a column of the cohort data"
            f"{schema.did_you_mean(by, log.carried_columns)}; choose one of "
            f"{log.carried_columns} or None"
        )
    return matches[0]


def _check(log: object, min_cell: object) -> None:
    if not isinstance(log, JobSearchLog):
        raise TypeError(
            f"log must be a JobSearchLog (see followup_analytics.load); got {type(log).__name__}"
        )
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ArgumentError(f"min_cell must be an integer of at least 1; got {min_cell!r}")
    if len(log) == 0:
        raise ArgumentError(
            "the log holds no applications: nothing to report (see log.report "
            "for what was read and set aside)"
        )


OTHER = "other groups"


def merge_small_groups(
    groups: pd.Series, seekers: pd.Series, min_cell: int
) -> tuple[pd.Series, int]:
    """Label a breakdown group only when it holds at least `min_cell` seekers.

    Smaller groups are merged into :data:`OTHER`; while that merged group is itself
    smaller than `min_cell`, the smallest labelled group joins it.

    Returns
    -------
    (Series, int)
        The new labels and the number of groups merged.

    Raises
    ------
    ArgumentError
        When no group would keep its label (for example a column of names or ids).
    """
    per = seekers.groupby(groups.to_numpy(), sort=True).nunique().sort_values(kind="stable")
    small = list(per.index[per < min_cell])
    big = list(per.index[per >= min_cell])
    while small and big and seekers[groups.isin(small)].nunique() < min_cell:
        small.append(big.pop(0))
    if small and len(big) < 1:
        raise ArgumentError(
            f"no group of the breakdown holds {min_cell} seekers or more once small groups "
            f"are merged ({len(per)} groups); a breakdown by this column would identify "
            f"people. Choose a coarser column or a lower min_cell."
        )
    if not small:
        return groups, 0
    return groups.where(~groups.isin(small), OTHER), len(small)


def _reduce(
    log: JobSearchLog, by: str | None, key: bytes, min_cell: int = 1
) -> tuple[JobSearchLog, bool, int]:
    """The log the report is computed from: no names, contacts or notes."""
    apps = log.applications
    person_by = by is not None and by in identifying_columns(apps)
    merged = 0
    if by is None:
        groups = pd.Series(TOTAL, index=apps.index, dtype="string")
    else:
        groups = apps[by].astype("string").str.strip().fillna("(missing)")
        groups, merged = merge_small_groups(groups, apps["seeker"].fillna("(unknown)"), min_cell)
        if person_by:
            groups = groups.where(groups.eq(OTHER), pseudonymise(groups, key, prefix="G-"))
    seekers = pseudonymise(apps["seeker"].fillna("(unknown)"), key)
    reduced = pd.DataFrame(
        {
            "application_id": apps["application_id"],
            "seeker": seekers,
            "company": apps["company"],
            "role": pd.NA,
            "applied_on": apps["applied_on"],
            GROUP: groups,
            ALL: pd.Series(TOTAL, index=apps.index, dtype="string"),
        }
    )
    # the log is already canonical: blank the notes and provenance instead of re-validating
    events = log.events
    events = events.assign(
        **{
            name: pd.Series(pd.NA, index=events.index, dtype=dtype)
            for name, dtype in (
                ("note", "string"),
                ("source_file", "string"),
                ("source_sheet", "string"),
                ("source_row", "Int64"),
            )
        }
    )
    reduced["role"] = reduced["role"].astype("string")
    return JobSearchLog(events, reduced, LoadReport(), log.as_of), person_by, merged


def _redactor(log: JobSearchLog, by: str | None, person_by: bool) -> Redactor:
    apps = log.applications
    cols = identifying_columns(apps)
    values = pd.concat(
        [apps[c].astype("string") for c in cols] + [log.events["note"].astype("string")],
        ignore_index=True,
    )
    safe = {
        v.casefold()
        for v in (
            *vocab.EVENTS,
            *vocab.CHANNELS,
            *vocab.LETTER_TYPES,
            *vocab.RECIPIENTS,
            *vocab.STAGES,
            TOTAL,
        )
    }
    if by is not None and not person_by:
        safe |= {str(v).casefold() for v in apps[by].dropna().unique()}
    values = values.dropna().str.strip().drop_duplicates()
    values = values[(values.str.len() >= 3) & ~values.str.casefold().isin(safe)]
    return Redactor(values.tolist())


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”")
_PLAIN = re.compile(r"[a-z ,;:()/.\-–]+")


def reason_kind(reason: object) -> str:
    """A quarantine reason without the cell text it may quote.

    Quoted parts become ``[value]``; what remains is kept only when it is plain lower-case
    wording (no name, number or address can hide in it), else "could not be read".
    """
    if not isinstance(reason, str) or not reason.strip():
        return "could not be read"
    text = _QUOTED.sub("[value]", reason).strip()
    check = text.replace("[value]", "")
    return text if _PLAIN.fullmatch(check or " ") else "could not be read"


def _notes(report: LoadReport) -> tuple[str, ...]:
    """Importer notes are counted, not quoted (they name files and cell values)."""
    n = len(report.notes)
    return (
        (
            f"The importer made {n} note{'s' if n != 1 else ''} about the input (header "
            "rows, date orders, ambiguous columns); run `followup-analytics inspect` on "
            "the input to read them.",
        )
        if n
        else ()
    )


def _quality(report: LoadReport, redactor: Redactor) -> tuple[Table, ...]:
    """The data-quality appendix: counts and field names, never the input's text.

    Files and sheets are numbered (their names can name seekers); quarantine reasons keep
    their wording without the quoted cell text; values outside the vocabularies are
    counted per field, not shown.
    """
    src = report.sources.copy()
    files = {f: f"file {i}" for i, f in enumerate(pd.unique(src["file"].dropna()), start=1)}
    sheets = {s: f"sheet {i}" for i, s in enumerate(pd.unique(src["sheet"].dropna()), start=1)}
    src["file"] = src["file"].map(files).astype("string")
    src["sheet"] = src["sheet"].map(sheets).astype("string")
    src = src.drop(columns=["reason"])
    q = report.quarantine.copy()
    q["file"] = q["file"].map(files).astype("string")
    q["sheet"] = q["sheet"].map(sheets).astype("string")
    q["reason"] = q["reason"].map(reason_kind).astype("string")
    reasons = (
        q.groupby(["file", "sheet", "column", "reason"], dropna=False, sort=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values("rows", ascending=False, kind="stable")
        .head(50)
    )
    unknown = report.unknown_values.copy()
    known = {
        v.casefold()
        for v in (
            *vocab.EVENTS,
            *vocab.CHANNELS,
            *vocab.LETTER_TYPES,
            *vocab.RECIPIENTS,
            *vocab.STAGES,
        )
    }
    unknown["value"] = unknown["value"].astype("string")
    words = unknown["value"].str.strip().str.casefold().isin(known).fillna(False)
    unknown = (
        unknown.assign(value=unknown["value"].where(words, "(free text)"))
        .groupby(["field", "value"], dropna=False, sort=True)
        .agg(texts=("count", "size"), count=("count", "sum"))
        .reset_index()
    )
    return tuple(
        Table(key, title, text, redactor.frame(frame), counts)
        for key, title, text, frame, counts in (
            (
                "sources",
                "Files and sheets read",
                "What was read, the detected layout and header row, and the rows loaded, set "
                "aside (quarantined) and dropped (blank, totals, notes). Files and sheets are "
                "numbered: their names can name people.",
                src,
                ("header_row", "n_rows", "n_loaded", "n_quarantined", "n_dropped"),
            ),
            (
                "quarantine",
                "Rows set aside, by reason",
                "Rows that could not be used, grouped by file, sheet, column and reason (at most "
                "50 reasons; the cell text is left out).",
                reasons,
                ("rows",),
            ),
            (
                "unknown_values",
                "Values outside the vocabularies",
                "Text that was loaded as 'other', counted per field (the text itself stays on "
                "your machine: see `followup-analytics inspect`).",
                unknown,
                ("texts", "count"),
            ),
        )
    )


@schema.renamed(as_of="log.with_as_of(...)")
def cohort_report(
    log: JobSearchLog,
    by: str | Sequence[str] | None = None,
    *,
    min_cell: int = 10,
    salt: str | bytes | None = None,
    title: str | None = None,
    max_groups: int | None = schema.MAX_GROUPS,
) -> CohortReport:
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
        Secret for the seeker pseudonyms. By default the adviser's own key
        (:func:`.privacy.adviser_key`: created once, mode 0600, under
        ``$XDG_CONFIG_HOME/followup_analytics/``), so pseudonyms stay the same from one
        report to the next.
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
    ArgumentError
        `min_cell` below 1, `by` not a carried column (the message lists them), more groups
        than `max_groups`, or a log without applications.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> report = fa.cohort_report(log, by="program")
    >>> report.by, report.min_cell
    ('Program', 10)
    >>> "funnel" in report.tables
    True
    """
    _check(log, min_cell)
    if by is not None and not isinstance(by, str):
        if len(by) != 1:
            raise ArgumentError(f"cohort_report breaks down by one column; got by={by!r}")
        (by,) = by
    by = resolve_by(log, by)
    if by is not None:
        schema.check_groups(log.applications, [by], max_groups)
    key = pseudonym_salt(salt)
    reduced, person_by, merged = _reduce(log, by, key, min_cell)
    redactor = _redactor(log, by, person_by)
    sections, audit, private = build_tables(reduced, by or "group", by is not None, min_cell)
    sections = {
        k: Table(
            t.key, t.title, t.description, redactor.frame(t.frame), t.counts, t.percents, t.extra
        )
        for k, t in sections.items()
    }
    quality = tuple(
        Table(t.key, t.title, t.description, t.frame.assign(suppressed=""), t.counts)
        for t in _quality(log.report, redactor)
    )
    default = "Cohort report" + (f" by {by}" if by else "")
    return CohortReport(
        title=title or default,
        as_of=log.as_of,
        by=by,
        min_cell=min_cell,
        sections=tuple(sections.values()),
        quality=quality,
        notes=_notes(log.report),
        headline=headline(sections),
        group_labels_pseudonymised=person_by,
        audit=audit,
        private=private,
        merged_groups=merged,
    )
