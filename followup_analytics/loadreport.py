"""The LoadReport: every decision the importer made, and every row it did not load."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

SOURCE_COLUMNS = ["file", "sheet", "status", "layout", "header_row", "n_rows", "n_loaded",
                  "n_quarantined", "n_dropped", "reason"]
MAPPING_COLUMNS = ["file", "sheet", "input_column", "field"]
ROW_COLUMNS = ["file", "sheet", "row", "column", "reason"]
UNMAPPED_COLUMNS = ["file", "sheet", "column"]
UNKNOWN_COLUMNS = ["field", "value", "count"]


def _frame(rows: list | pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        return rows.reindex(columns=columns).reset_index(drop=True)
    return pd.DataFrame(rows or [], columns=columns)


@dataclass(frozen=True)
class LoadReport:
    """What :func:`followup_analytics.load` read, decided and set aside.

    Attributes
    ----------
    sources : DataFrame
        One row per file/sheet: ``file, sheet, status`` (``loaded`` or ``skipped``),
        ``layout``, ``header_row`` (1-based, as the spreadsheet shows it), ``n_rows``
        (non-blank data rows), ``n_loaded``, ``n_quarantined``, ``n_dropped`` and ``reason``
        (why a sheet was skipped, or the evidence for the detected layout).
    mapping : DataFrame
        ``file, sheet, input_column, field``: which input header became which canonical field.
    quarantine : DataFrame
        ``file, sheet, row, column, reason``: rows that were not loaded, and why.
    dropped : DataFrame
        ``file, sheet, row, column, reason``: rows that carry no data (blank, totals,
        footnotes), counted so nothing disappears unnoticed.
    unmapped : DataFrame
        ``file, sheet, column``: input columns carried along untouched (not used by the model).
    unknown_values : DataFrame
        ``field, value, count``: free text that fell to ``other``; extend the vocabulary
        with ``load(..., vocab=...)`` to map it.
    notes : tuple of str
        Decisions worth knowing (date order per column, ambiguous columns, stacked sheets).
    events_after_as_of : int
        Dated events after the log's ``as_of``: loaded, but no analysis sees them.
    applications_after_as_of : int
        Applications made after ``as_of``: they do not exist yet on that day.
    undated_left_out : int
        Undated events left out because their application has a dated event after
        ``as_of`` (whether they had happened by then cannot be told).
    """

    sources: pd.DataFrame = field(default_factory=lambda: _frame(None, SOURCE_COLUMNS))
    mapping: pd.DataFrame = field(default_factory=lambda: _frame(None, MAPPING_COLUMNS))
    quarantine: pd.DataFrame = field(default_factory=lambda: _frame(None, ROW_COLUMNS))
    dropped: pd.DataFrame = field(default_factory=lambda: _frame(None, ROW_COLUMNS))
    unmapped: pd.DataFrame = field(default_factory=lambda: _frame(None, UNMAPPED_COLUMNS))
    unknown_values: pd.DataFrame = field(default_factory=lambda: _frame(None, UNKNOWN_COLUMNS))
    notes: tuple[str, ...] = ()
    events_after_as_of: int = 0
    applications_after_as_of: int = 0
    undated_left_out: int = 0

    def __post_init__(self) -> None:
        for name, cols in (("sources", SOURCE_COLUMNS), ("mapping", MAPPING_COLUMNS),
                           ("quarantine", ROW_COLUMNS), ("dropped", ROW_COLUMNS),
                           ("unmapped", UNMAPPED_COLUMNS), ("unknown_values", UNKNOWN_COLUMNS)):
            object.__setattr__(self, name, _frame(getattr(self, name), cols))
        object.__setattr__(self, "notes", tuple(self.notes))

    # ------------------------------------------------------------------ summaries
    @property
    def n_loaded(self) -> int:
        """Input rows that made it into the log."""
        return int(self.sources["n_loaded"].fillna(0).sum())

    @property
    def n_quarantined(self) -> int:
        """Input rows set aside with a reason (distinct file/sheet/row)."""
        return int(len(self.quarantine[["file", "sheet", "row"]].drop_duplicates()))

    @property
    def n_dropped(self) -> int:
        """Rows without data (blank, totals, footnotes)."""
        return int(len(self.dropped))

    @classmethod
    def combine(cls, reports: list[LoadReport]) -> LoadReport:
        """Concatenate several reports (one per source) into one."""
        if not reports:
            return cls()
        cat = {
            name: pd.concat([getattr(r, name) for r in reports], ignore_index=True)
            for name in ("sources", "mapping", "quarantine", "dropped", "unmapped")
        }
        unknown = pd.concat([r.unknown_values for r in reports], ignore_index=True)
        if len(unknown):
            unknown = (unknown.groupby(["field", "value"], sort=False, as_index=False)["count"]
                       .sum().sort_values("count", ascending=False, kind="stable"))
        notes = tuple(n for r in reports for n in r.notes)
        return cls(unknown_values=unknown, notes=notes, **cat)

    # ------------------------------------------------------------------ display
    def _after_as_of(self) -> str:
        """One sentence on what lies after ``as_of`` (empty when nothing does)."""
        if not (self.events_after_as_of or self.applications_after_as_of
                or self.undated_left_out):
            return ""
        return (f"After as_of (not analysed): {self.events_after_as_of} dated event(s), "
                f"{self.applications_after_as_of} application(s) made later, "
                f"{self.undated_left_out} undated event(s) that may have come later")

    def __str__(self) -> str:
        lines = [f"LoadReport: {self.n_loaded} rows loaded, {self.n_quarantined} quarantined, "
                 f"{self.n_dropped} dropped (blank/totals/notes)"]
        if self._after_as_of():
            lines.append(self._after_as_of())
        for s in self.sources.itertuples(index=False):
            where = s.file + (f" [{s.sheet}]" if isinstance(s.sheet, str) else "")
            if s.status == "loaded":
                why = f" ({s.reason})" if isinstance(s.reason, str) and s.reason else ""
                lines.append(f"  {where}: {s.layout} layout{why}, header row {s.header_row}, "
                             f"{s.n_loaded} loaded, {s.n_quarantined} quarantined")
            else:
                lines.append(f"  {where}: skipped ({s.reason})")
        if len(self.mapping):
            lines.append("Column mapping:")
            for m in self.mapping.drop_duplicates(["input_column", "field"]).itertuples():
                lines.append(f"  {m.input_column!r} -> {m.field}")
        if len(self.unmapped):
            cols = ", ".join(repr(c) for c in self.unmapped["column"].drop_duplicates())
            lines.append(f"Carried along (not mapped): {cols}")
        if len(self.quarantine):
            lines.append(f"Quarantined rows ({len(self.quarantine)}):")
            for q in self.quarantine.head(20).itertuples(index=False):
                where = q.file + (f" [{q.sheet}]" if isinstance(q.sheet, str) else "")
                col = f", column {q.column!r}" if isinstance(q.column, str) else ""
                lines.append(f"  {where} row {q.row}{col}: {q.reason}")
            if len(self.quarantine) > 20:
                lines.append(f"  ... {len(self.quarantine) - 20} more (see report.quarantine)")
        if len(self.dropped):
            counts = self.dropped["reason"].value_counts()
            lines.append("Dropped rows: " + ", ".join(f"{r} x{n}" for r, n in counts.items()))
        if len(self.unknown_values):
            lines.append("Values outside the vocabulary (loaded as 'other'):")
            for u in self.unknown_values.head(20).itertuples(index=False):
                lines.append(f"  {u.field}: {u.value!r} x{u.count}")
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<LoadReport: {len(self.sources)} sources, {self.n_loaded} loaded, "
                f"{self.n_quarantined} quarantined, {self.n_dropped} dropped>")

    def _repr_html_(self) -> str:
        parts = [
            "<div class='fa-report'><strong>LoadReport</strong>: "
            f"{self.n_loaded} rows loaded, {self.n_quarantined} quarantined, "
            f"{self.n_dropped} dropped (blank, totals, notes)"
        ]
        for title, frame in (("Sources", self.sources), ("Column mapping", self.mapping),
                             ("Quarantined rows", self.quarantine),
                             ("Dropped rows (blank, totals, notes)", self.dropped),
                             ("Values outside the vocabulary", self.unknown_values),
                             ("Carried along (not mapped)", self.unmapped)):
            if len(frame):
                parts.append(f"<details{' open' if title == 'Sources' else ''}>"
                             f"<summary>{html.escape(title)} ({len(frame)})</summary>"
                             + frame.head(200).to_html(index=False, na_rep="", escape=True)
                             + "</details>")
        if self._after_as_of():
            parts.append(f"<p>{html.escape(self._after_as_of())}</p>")
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
                         + "</ul>")
        return "".join(parts) + "</div>"
