"""``load()``: spreadsheets in, a canonical :class:`~followup_analytics.log.JobSearchLog` out."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Collection, Mapping, Sequence
from os import PathLike

import numpy as np
import pandas as pd

from ..errors import (
    AmbiguousDateWarning,
    ArgumentError,
    LoadWarning,
    Problem,
    SpreadsheetError,
    find_stack_level,
)
from ..loadreport import (
    MAPPING_COLUMNS,
    ROW_COLUMNS,
    SOURCE_COLUMNS,
    SOURCE_COUNTS,
    UNKNOWN_COLUMNS,
    LoadReport,
)
from ..log import JobSearchLog
from .accounting import stack_notes
from .assemble import assemble
from .columns import check_mapping, read_mapping
from .layouts import Context, check_layout, detect_layout
from .layouts.groups import may_hold_groups, split_groups
from .merge import merge_sources, seeker_sheets
from .per_table import TableResult, interpret_table, set_aside_copies, unique_ids
from .profile import profile_frame
from .raw import RawTable, SkippedSheet, Source
from .stacking import files_of
from .values import check_vocab


def load(
    *sources: object,
    layout: str = "auto",
    mapping: Mapping[str, object] | str | PathLike[str] | None = None,
    sheets: Sequence[str | int] | None = None,
    seeker: str | None = None,
    as_of: object = None,
    strict: bool = False,
    vocab: Mapping[str, Mapping[str, object]] | None = None,
    dayfirst: bool | None = None,
) -> JobSearchLog:
    """Read job-search spreadsheets into one canonical log, reporting every decision.

    Parameters
    ----------
    *sources : path, folder, glob, file-like or DataFrame
        What to read: .xlsx .xlsm .xls .xlsb .ods .csv .tsv .txt files, a folder holding one
        file per seeker (the file name becomes the seeker), a glob, an open file or a
        DataFrame. Sheets with the same columns are stacked.
    layout : {"auto", "wide", "events", "stages", "linkedin", "tracker", "sankey"}, \
default "auto"
        Force a layout instead of detecting it per sheet.
    mapping : mapping or path, optional
        ``{"My header": "applied_on"}``: header -> canonical field; wins over the automatic
        matching. ``"followup_date:2"`` names a repeated group; None keeps a column out.
        A path to a .json or .toml file holding such a mapping (as written by
        :meth:`LoadReport.save_mapping <followup_analytics.LoadReport.save_mapping>`).
    sheets : sequence of str or int, optional
        Sheet names or 0-based positions to read (default: every sheet holding data).
    seeker : str, optional
        Seeker of rows that name none (no seeker column, not a per-seeker folder).
        Default ``"self"``.
    as_of : date-like, optional
        Censoring date; also the reference for "more than a year in the future".
        Default: the latest date in the data (and today for the future check).
    strict : bool, default False
        Raise :class:`~followup_analytics.SpreadsheetError` listing every problem instead
        of quarantining rows.
    vocab : mapping, optional
        Extra synonyms per vocabulary, e.g. ``{"channel": {"Slack": "text"}}``; fields
        ``status`` (or ``event``), ``channel``, ``letter_type``, ``recipient``.
    dayfirst : bool, optional
        Day/month order for date columns whose values cannot decide it (``03/04/2026``
        everywhere); default: month-first, day-first for ``.`` separators, with a warning.

    Returns
    -------
    JobSearchLog
        ``events`` (``application_id, date, event, channel, letter_type, recipient, note,
        date_known, source_file, source_sheet, source_row``), ``applications``
        (``application_id, seeker, company, role, applied_on`` + every unmapped input column),
        ``report`` (:class:`~followup_analytics.LoadReport`) and ``as_of``.

    Raises
    ------
    SpreadsheetError
        Unusable files, or any problem at all when ``strict=True``.
    ArgumentError
        Unknown ``layout``, mapping target or vocabulary field.

    Warns
    -----
    LoadWarning
        When rows were quarantined (one summary warning).
    AmbiguousDateWarning
        When a date column's day/month order could not be decided from its values.

    Examples
    --------
    A tracker kept as a table (a file path, a folder, a glob or a DataFrame):

    >>> import pandas as pd
    >>> import followup_analytics as fa
    >>> tracker = pd.DataFrame({"Company": ["Acme", "Globex"],
    ...                         "Date Applied": ["2026-03-02", "2026-03-04"],
    ...                         "Status": ["Rejected", "Interview"]})
    >>> log = fa.load(tracker, as_of="2026-04-30")
    >>> log.applications[["company", "applied_on"]]
      company applied_on
    0    Acme 2026-03-02
    1  Globex 2026-03-04
    >>> log.events["event"].tolist()
    ['applied', 'rejection', 'applied', 'interview']

    The bundled (synthetic) cohort workbook; ``log.report`` lists every decision:

    >>> from followup_analytics.samples import sample_path
    >>> log = fa.load(sample_path("cohort_2026.xlsx"))
    >>> log.report.n_quarantined
    0
    """
    check_layout(layout)
    mapping = read_mapping(mapping)
    check_mapping(mapping)
    check_vocab(vocab)
    if not sources:
        raise ArgumentError(
            "load() needs at least one source (a file, folder, glob, open file or DataFrame)"
        )
    from ._sandbox import reader_session
    from .layouts.sankey import read_sankeymatic
    from .linkedin import export_parts, one_seeker
    from .readers import NoTableError, read_source
    from .sources import expand_sources
    from .stacking import STACK_LAYOUTS, plan_stacks, read_stack
    from .tables import known_headers

    tables: list[RawTable] = []
    expanded = [export_parts(s) or s for s in sources]
    found, skipped = one_seeker(expand_sources(expanded))
    stacks = plan_stacks(found) if layout in ("auto", *STACK_LAYOUTS) else []
    first = {s.members[0]: s for s in stacks}
    grouped = {m for s in stacks for m in s.members}
    known = known_headers(tuple(mapping or ()))

    empty: list[Problem] = []  # files of a folder or glob without any data table

    def read_alone(source: Source) -> None:
        flows = read_sankeymatic(source.obj, source.name)
        if flows is not None:
            tables.append(flows)
            return
        try:
            got, skip = read_source(source, sheets=sheets, extra_headers=tuple(mapping or ()))
        except NoTableError as err:
            if len(found) < 2:
                raise
            empty.append(err.problems[0])
            return
        tables.extend(got)
        skipped.extend(skip)

    with reader_session():  # one child process parses every workbook of this call
        for pos, source in enumerate(found):
            if pos not in grouped:
                read_alone(source)
                continue
            stack = first.get(pos)
            if stack is None:  # read with the first file of its group
                continue
            table = read_stack(stack, known)
            if table is not None and (
                layout != "auto" or detect_layout(table, mapping)[0] in STACK_LAYOUTS
            ):
                tables.append(table)
                continue
            for m in stack.members:  # not read alike together: each file alone
                read_alone(found[m])
    if empty and not tables:
        raise SpreadsheetError(problems=empty)
    if empty:
        warnings.warn(
            LoadWarning(
                f"{len(empty)} of {len(found)} files hold no data table and were skipped "
                f"(first: {empty[0]}); see log.report.sources"
            ),
            stacklevel=find_stack_level(),
        )
        skipped = [*skipped, *(SkippedSheet(p.file or "", None, p.reason) for p in empty)]
    return _load_tables(
        tables,
        skipped,
        layout=layout,
        mapping=mapping,
        seeker=seeker,
        as_of=as_of,
        strict=strict,
        vocab=vocab,
        dayfirst=dayfirst,
    )


def load_tables(
    tables: Sequence[RawTable],
    skipped: Collection[SkippedSheet] = (),
    *,
    layout: str = "auto",
    mapping: Mapping[str, object] | None = None,
    seeker: str | None = None,
    as_of: object = None,
    strict: bool = False,
    vocab: Mapping[str, Mapping[str, object]] | None = None,
    dayfirst: bool | None = None,
) -> JobSearchLog:
    """Interpret tables already read (the second half of :func:`load`).

    Parameters and return value as in :func:`load`; `tables` and `skipped` are what
    :func:`followup_analytics.ingest.readers.read_source` returns.
    """
    return _load_tables(
        tables,
        skipped,
        layout=layout,
        mapping=read_mapping(mapping),
        seeker=seeker,
        as_of=as_of,
        strict=strict,
        vocab=vocab,
        dayfirst=dayfirst,
    )


def _load_tables(
    tables: Sequence[RawTable],
    skipped: Collection[SkippedSheet],
    *,
    layout: str,
    mapping: Mapping[str, object] | None,
    seeker: str | None,
    as_of: object,
    strict: bool,
    vocab: Mapping[str, Mapping[str, object]] | None,
    dayfirst: bool | None = None,
) -> JobSearchLog:
    check_layout(layout)
    check_mapping(mapping)
    check_vocab(vocab)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise ArgumentError(f"dayfirst must be True, False or None; got {dayfirst!r}")
    ctx = Context(seeker=seeker, vocab=vocab, mapping=mapping, dayfirst=dayfirst)
    tables, seeker_notes = _expand(tables, layout)
    ref = _as_of(as_of)
    results = [interpret_table(t, layout, ctx, ref) for t in tables]
    unique_ids(results)
    set_aside_copies(tables, results)
    report, missing = _report(tables, results, skipped, mapping, seeker_notes)
    _raise_or_warn(report, strict, [a for r in results for a in r.ambiguous], missing)
    events, apps = [r.events for r in results], [r.apps for r in results]
    if not sum(len(a) for a in apps):
        return _empty_log(report, as_of)
    log = assemble(
        events,
        apps,
        [(t.file, t.sheet) for t in tables],
        report=report,
        as_of=None if as_of is None else ref,
        seeker=seeker or "self",
        parts=[t.parts for t in tables],
    )
    if len(files_of(tables)) < 2 or _one_file_each(tables, events, apps, seeker or "self"):
        return log  # nothing to merge across sources
    ev, ap, merges = merge_sources(log.events, log.applications, seeker or "self")
    if not len(merges):
        return log
    return JobSearchLog(ev, ap, dataclasses.replace(report, merges=merges), log.as_of)


def _expand(tables: Sequence[RawTable], layout: str) -> tuple[list[RawTable], list[str]]:
    """Sheets named like people become one seeker each; tables holding several
    applications per row gain one table per repeated group."""
    out, seeker_notes = seeker_sheets(list(tables))
    if layout in ("auto", "wide", "tracker"):  # several applications in one row
        out = [
            t
            for table in out
            for t in (
                table,
                *(
                    split_groups(table, profile_frame(table.frame))
                    if may_hold_groups(list(table.frame.columns))
                    else ()
                ),
            )
        ]
    return out, seeker_notes


def _report(
    tables: Sequence[RawTable],
    results: Sequence[TableResult],
    skipped: Collection[SkippedSheet],
    mapping: Mapping[str, object] | None,
    seeker_notes: list[str],
) -> tuple[LoadReport, list[str]]:
    """The LoadReport of the whole load, and the mapping headers found in no input."""
    found = set().union(*(r.found for r in results)) if results else set()
    missing = [h for h in (mapping or {}) if h not in found]
    src_rows: list[dict[str, object] | pd.DataFrame] = [r.source for r in results]
    src_rows += [
        {"file": s.file, "sheet": s.sheet, "status": "skipped", "reason": s.reason} for s in skipped
    ]
    notes = [n for r in results for n in r.notes]
    notes += stack_notes(tables) + seeker_notes
    notes += [f"mapping header {h!r} is not in any input" for h in missing]
    report = LoadReport(
        sources=_sources_frame(src_rows).astype(dict.fromkeys(SOURCE_COUNTS, "Int64")),
        mapping=_cat([r.mapping for r in results], MAPPING_COLUMNS),
        quarantine=_cat([r.quarantine for r in results], ROW_COLUMNS),
        dropped=_cat([r.dropped for r in results], ROW_COLUMNS),
        unmapped=_cat([r.unmapped for r in results], ["file", "sheet", "column"]),
        unknown_values=_unknown([r.unknown for r in results]),
        notes=tuple(notes),
        quarantined_cells=_cat([r.cells for r in results], ["file", "sheet", "row"]),
    )
    return report, missing


def _one_file_each(
    tables: Sequence[RawTable],
    events: Sequence[pd.DataFrame],
    apps: Sequence[pd.DataFrame],
    anyone: str,
) -> bool:
    """Whether every seeker's applications come from one file and every application names
    its seeker: then no two files can hold the same application (a folder of seekers)."""
    pairs = []
    code = 0
    for table, ev, ap in zip(tables, events, apps, strict=True):
        if not len(ap):
            continue
        seekers = ap["seeker"].astype(object)
        if seekers.isna().any() or (seekers == anyone).any():
            return False
        files = np.full(len(ap), code, dtype=np.int64)
        if table.parts is not None:
            which, _ = table.parts.locate(ev["source_row"].to_numpy())
            files[ev["app_pos"].to_numpy()] = code + which
            code += len(table.parts.files)
        else:
            code += 1
        pairs.append(pd.DataFrame({"s": seekers.to_numpy(), "f": files}))
    spread = pd.concat(pairs, ignore_index=True).drop_duplicates() if pairs else None
    return spread is not None and not spread["s"].duplicated().any()


def _sources_frame(rows: list[dict[str, object] | pd.DataFrame]) -> pd.DataFrame:
    """``report.sources`` from per-table dicts and per-file frames, in order."""
    chunks: list[pd.DataFrame] = []
    run: list[dict[str, object]] = []
    for r in [*rows, None]:
        if isinstance(r, dict):
            run.append(r)
            continue
        if run:
            chunks.append(pd.DataFrame(run, columns=SOURCE_COLUMNS))
            run = []
        if r is not None:
            chunks.append(r)
    if len(chunks) == 1:
        return chunks[0]
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=SOURCE_COLUMNS)


def _empty_log(report: LoadReport, as_of: object) -> JobSearchLog:
    """A log with no applications (every row quarantined or dropped), canonical dtypes."""
    from ..log import APPLICATION_COLUMNS, CATEGORIES, DATE_DTYPE, EVENT_COLUMNS

    dtypes: dict[str, str | pd.CategoricalDtype] = {
        "date": "datetime64[s]",
        "date_known": "bool",
        "source_row": "Int64",
        "action_id": "Int64",
        **CATEGORIES,
    }
    events = pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, "string")) for c in EVENT_COLUMNS})
    apps = pd.DataFrame(
        {
            c: pd.Series([], dtype=DATE_DTYPE if c == "applied_on" else "string")
            for c in APPLICATION_COLUMNS
        }
    )
    return JobSearchLog(events, apps, report, _as_of(as_of))


def _as_of(as_of: object) -> pd.Timestamp:
    """The reference day of the date checks: `as_of`, or today when not given."""
    from ..log import default_as_of, parse_as_of

    return default_as_of() if as_of is None else parse_as_of(as_of)


def _cat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)


def _unknown(parts: list[pd.DataFrame]) -> pd.DataFrame:
    u = _cat(parts, UNKNOWN_COLUMNS)
    if not len(u):
        return u
    return (
        u.groupby(["field", "value"], sort=False, as_index=False)[["count"]]
        .sum()
        .sort_values("count", ascending=False, kind="stable", ignore_index=True)
    )


def _raise_or_warn(
    report: LoadReport, strict: bool, ambiguous: list[str], missing: list[str]
) -> None:
    """``strict``: raise one SpreadsheetError listing every problem; else warn once per kind
    (pointed at the caller's line)."""
    if strict:
        problems = _problems(report, ambiguous, missing)
        if problems:
            raise SpreadsheetError(problems=problems)
        return
    for h in missing:
        warnings.warn(
            LoadWarning(
                f"mapping key {h!r} matches no column in any input"
                f"{_closest_header(h, report)}; it was not used"
            ),
            stacklevel=find_stack_level(),
        )
    if ambiguous:
        listed = "; ".join(ambiguous[:5]) + (
            f"; and {len(ambiguous) - 5:,} more columns (see log.report.notes)"
            if len(ambiguous) > 5
            else ""
        )
        warnings.warn(
            AmbiguousDateWarning(
                f"day/month order assumed (month-first unless '.'-separated) for {listed}"
                "; pass dates as ISO (2026-03-04) to be sure"
            ),
            stacklevel=find_stack_level(),
        )
    q = report.quarantine
    if len(q):
        partly = report.n_partly_quarantined
        rows = report.n_quarantined + partly
        first = q.iloc[0]
        warnings.warn(
            LoadWarning(
                f"{rows} row(s) quarantined"
                + (f", {partly} of them only partly (rest of the row loaded)" if partly else "")
                + f" (first: {first['file']}"
                + (f" [{first['sheet']}]" if isinstance(first["sheet"], str) else "")
                + f" row {first['row']}: {first['reason']}); see log.report.quarantine"
            ),
            stacklevel=find_stack_level(),
        )


def _problems(report: LoadReport, ambiguous: list[str], missing: list[str]) -> list[Problem]:
    """Every quarantined row, unmatched mapping header and undecided date column."""
    q = report.quarantine
    problems = [
        Problem(
            file,
            sheet if isinstance(sheet, str) else None,
            int(row) if pd.notna(row) else None,
            column if isinstance(column, str) else None,
            reason,
        )
        for file, sheet, row, column, reason in zip(
            q["file"], q["sheet"], q["row"], q["column"], q["reason"], strict=True
        )
    ]
    problems += [
        Problem(
            None,
            None,
            None,
            h,
            f"mapping names a header that is not in any input{_closest_header(h, report)}",
        )
        for h in missing
    ]
    problems += [
        Problem(None, None, None, None, f"{a}: day/month order cannot be decided from the values")
        for a in ambiguous
    ]
    return problems


def _closest_header(header: str, report: LoadReport) -> str:
    """' (did you mean 'Company'?)' for the input column closest to a mapping key, or ''."""
    from ..schema import did_you_mean

    columns = [*report.mapping["input_column"], *report.unmapped["column"]]
    return did_you_mean(str(header), [str(c) for c in columns if c is not None])
