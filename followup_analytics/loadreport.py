"""The LoadReport: every decision the importer made, and every row it did not load."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import cast

import pandas as pd

#: The whole-number columns of ``report.sources`` (nullable: a skipped sheet has none).
SOURCE_COUNTS = (
    "header_row",
    "n_rows",
    "n_loaded",
    "n_quarantined",
    "n_dropped",
    "n_partly_quarantined",
)
SOURCE_COLUMNS = ["file", "sheet", "status", "layout", *SOURCE_COUNTS, "records_outcomes", "reason"]
#: Sources and notes printed by ``str(report)`` (the frames hold every one).
_SHOWN = 30
MAPPING_COLUMNS = ["file", "sheet", "input_column", "field", "score", "evidence", "runner_up"]
ROW_COLUMNS = ["file", "sheet", "row", "column", "reason"]
UNMAPPED_COLUMNS = ["file", "sheet", "column"]
UNKNOWN_COLUMNS = ["field", "value", "count"]
MERGE_COLUMNS = [
    "application_id",
    "merged_id",
    "company",
    "role",
    "file",
    "merged_file",
    "days_apart",
]


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
        (non-blank data rows), ``n_loaded`` (rows loaded), ``n_quarantined`` (rows set aside
        whole), ``n_dropped`` (rows that are no data or no application), so that
        ``n_loaded + n_quarantined + n_dropped == n_rows``; ``n_partly_quarantined`` (loaded
        rows that lost a cell, counted in ``n_loaded``), ``records_outcomes`` (False for a
        source with no column that could hold a reply, interview, rejection or offer, such
        as LinkedIn's export: its rates are unknown, not 0%) and ``reason`` (why a sheet was
        skipped, or the evidence for the detected layout).
    mapping : DataFrame
        ``file, sheet, input_column, field, score, evidence, runner_up``: which input
        header became which canonical field, how sure (header similarity x value fit), the
        evidence (how the header matched, what the values look like) and the next best
        field for that column (or the field its values refused).
    quarantine : DataFrame
        ``file, sheet, row, column, reason``: rows that were not loaded, and why.
    dropped : DataFrame
        ``file, sheet, row, column, reason``: rows that carry no data (blank, totals,
        footnotes) or are no application (a wish-list row, a row naming only a company, a
        duplicate sheet), counted so nothing disappears unnoticed.
    unmapped : DataFrame
        ``file, sheet, column``: input columns carried along untouched (not used by the model).
    unknown_values : DataFrame
        ``field, value, count``: free text that fell to ``other``; extend the vocabulary
        with ``load(..., vocab=...)`` to map it.
    notes : tuple of str
        Decisions worth knowing (date order per column, ambiguous columns, stacked sheets).
    merges : DataFrame
        ``application_id, merged_id, company, role, file, merged_file, days_apart``: the
        same application found in two files (same company and role, dates a few days
        apart), folded into one.
    quarantined_cells : DataFrame
        ``file, sheet, row`` and the original cells (under their headers) of every
        quarantined row, for :meth:`quarantine_to_csv`.
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
    quarantined_cells: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "sheet", "row"])
    )
    merges: pd.DataFrame = field(default_factory=lambda: _frame(None, MERGE_COLUMNS))
    events_after_as_of: int = 0
    applications_after_as_of: int = 0
    undated_left_out: int = 0

    def __post_init__(self) -> None:
        for name, cols in (
            ("sources", SOURCE_COLUMNS),
            ("mapping", MAPPING_COLUMNS),
            ("quarantine", ROW_COLUMNS),
            ("dropped", ROW_COLUMNS),
            ("unmapped", UNMAPPED_COLUMNS),
            ("unknown_values", UNKNOWN_COLUMNS),
        ):
            object.__setattr__(self, name, _frame(getattr(self, name), cols))
        object.__setattr__(self, "notes", tuple(self.notes))

    # ------------------------------------------------------------------ summaries
    @property
    def n_loaded(self) -> int:
        """Input rows that made it into the log."""
        return int(self.sources["n_loaded"].fillna(0).sum())

    @property
    def n_quarantined(self) -> int:
        """Input rows set aside whole with a reason (not loaded at all)."""
        if len(self.sources) and self.sources["n_partly_quarantined"].notna().any():
            return int(self.sources["n_quarantined"].fillna(0).sum())
        return int(len(self.quarantine[["file", "sheet", "row"]].drop_duplicates()))

    @property
    def n_partly_quarantined(self) -> int:
        """Loaded rows that lost one or more cells (listed in ``quarantine``)."""
        return int(self.sources["n_partly_quarantined"].fillna(0).sum())

    @property
    def n_dropped(self) -> int:
        """Non-blank rows set aside as no data (totals, footnotes) or no application."""
        if len(self.sources) and self.sources["n_partly_quarantined"].notna().any():
            return int(self.sources["n_dropped"].fillna(0).sum())
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
            unknown = (
                unknown.groupby(["field", "value"], sort=False, as_index=False)[["count"]]
                .sum()
                .sort_values("count", ascending=False, kind="stable")
            )
        notes = tuple(n for r in reports for n in r.notes)
        cells = [r.quarantined_cells for r in reports if len(r.quarantined_cells)]
        return cls(
            unknown_values=unknown,
            notes=notes,
            **cat,
            quarantined_cells=(
                pd.concat(cells, ignore_index=True)
                if cells
                else pd.DataFrame(columns=["file", "sheet", "row"])
            ),
        )

    # ------------------------------------------------------------------ fix and re-import
    def save_mapping(self, path: str | PathLike[str]) -> Path:
        """Write the column mapping used (header -> field) to a .json or .toml file that
        ``load(..., mapping=path)`` reads back; edit it to settle a mapping.

        Flag columns and content decisions are written too; headers mapped to different
        fields in different sheets keep the first. Written atomically.
        """
        path = Path(path)
        pairs: dict[str, str] = {}
        for m in self.mapping.itertuples(index=False):
            field_ = str(m.field)
            if field_.startswith("flag:"):
                continue  # stage marks are found again from their header
            field_ = re.sub(r"\[(\d+)\]$", r":\1", field_)
            pairs.setdefault(str(m.input_column), field_)
        if path.suffix.lower() == ".toml":
            text = "[mapping]\n" + "".join(
                f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in pairs.items()
            )
        else:
            text = json.dumps(pairs, indent=2, ensure_ascii=False) + "\n"
        _write_atomic(path, text)
        return path

    def quarantine_to_csv(self, path: str | PathLike[str]) -> Path:
        """Write the quarantined rows to csv to fix and re-import them: ``file, sheet, row,
        columns, reasons`` and then the row's original cells under their original headers
        (from :attr:`quarantined_cells`). Cells a spreadsheet would run as a formula are
        neutralised with a leading quote. Written atomically; returns the path."""
        path = Path(path)
        q = self.quarantine
        if len(q):
            keys = ["file", "sheet", "row"]
            why = (
                q.assign(
                    sheet=q["sheet"].astype(object).fillna(""),
                    column=q["column"].astype(object).fillna(""),
                )
                .groupby(keys, sort=False, dropna=False)
                .agg(
                    columns=("column", lambda c: "; ".join(x for x in c if x)),
                    reasons=("reason", "; ".join),
                )
                .reset_index()
                .sort_values(keys, kind="stable", ignore_index=True)
            )
            cells = self.quarantined_cells
            if len(cells):
                cells = cells.assign(sheet=cells["sheet"].astype(object).fillna(""))
                why = why.merge(cells, on=keys, how="left")
        else:
            why = pd.DataFrame(columns=["file", "sheet", "row", "columns", "reasons"])
        from .output import FORMULA_PREFIXES

        out = why.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
        )
        _write_atomic(path, out.to_csv(index=False))
        return path

    # ------------------------------------------------------------------ display
    def _after_as_of(self) -> str:
        """One sentence on what lies after ``as_of`` (empty when nothing does)."""
        if not (self.events_after_as_of or self.applications_after_as_of or self.undated_left_out):
            return ""
        return (
            f"After as_of (not analysed): {self.events_after_as_of} dated event(s), "
            f"{self.applications_after_as_of} application(s) made later, "
            f"{self.undated_left_out} undated event(s) that may have come later"
        )

    def __str__(self) -> str:
        lines = [
            f"LoadReport: {self.n_loaded} rows loaded"
            + (
                f" ({self.n_partly_quarantined} of them with a cell quarantined)"
                if self.n_partly_quarantined
                else ""
            )
            + f", {self.n_quarantined} quarantined, "
            f"{self.n_dropped} dropped (blank, totals, notes, not applications)"
        ]
        if self._after_as_of():
            lines.append(self._after_as_of())
        for s in self.sources.head(_SHOWN).itertuples(index=False):
            where = cast(str, s.file) + (f" [{s.sheet}]" if isinstance(s.sheet, str) else "")
            if s.status == "loaded":
                why = f" ({s.reason})" if isinstance(s.reason, str) and s.reason else ""
                lines.append(
                    f"  {where}: {s.layout!s} layout{why}, header row {s.header_row}, "
                    f"{s.n_loaded} loaded, {s.n_quarantined} quarantined"
                )
            else:
                lines.append(f"  {where}: skipped ({s.reason!s})")
        if len(self.sources) > _SHOWN:
            lines.append(f"  ... {len(self.sources) - _SHOWN:,} more (see report.sources)")
        if len(self.mapping):
            lines.append("Column mapping:")
            for m in self.mapping.drop_duplicates(["input_column", "field"]).itertuples():
                why = f" ({m.evidence})" if isinstance(m.evidence, str) else ""
                alt = f"; runner-up {m.runner_up}" if isinstance(m.runner_up, str) else ""
                lines.append(f"  {m.input_column!r} -> {m.field}{why}{alt}")
        if len(self.unmapped):
            cols = ", ".join(repr(c) for c in self.unmapped["column"].drop_duplicates())
            lines.append(f"Carried along (not mapped): {cols}")
        if len(self.quarantine):
            lines.append(f"Quarantined rows ({len(self.quarantine)}):")
            for q in self.quarantine.head(20).itertuples(index=False):
                where = cast(str, q.file) + (f" [{q.sheet}]" if isinstance(q.sheet, str) else "")
                col = f", column {q.column!r}" if isinstance(q.column, str) else ""
                lines.append(f"  {where} row {q.row}{col}: {q.reason!s}")
            if len(self.quarantine) > 20:
                lines.append(f"  ... {len(self.quarantine) - 20} more (see report.quarantine)")
        if len(self.dropped):
            counts = self.dropped["reason"].value_counts()
            lines.append("Dropped rows: " + ", ".join(f"{r} x{n}" for r, n in counts.items()))
        if len(self.merges):
            lines.append(f"Merged ({len(self.merges)} applications found in two files):")
            for m in self.merges.head(10).itertuples(index=False):
                lines.append(
                    f"  {m.company} / {m.role}: {m.merged_file} -> {m.file} "
                    f"({m.days_apart} days apart)"
                )
        if len(self.unknown_values):
            lines.append("Values outside the vocabulary (loaded as 'other'):")
            for u in self.unknown_values.head(20).itertuples(index=False):
                lines.append(f"  {u.field}: {u.value!r} x{u.count}")
        lines.extend(f"Note: {n}" for n in self.notes[:_SHOWN])
        if len(self.notes) > _SHOWN:
            lines.append(f"Note: ... {len(self.notes) - _SHOWN:,} more (see report.notes)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<LoadReport: {len(self.sources)} sources, {self.n_loaded} loaded, "
            f"{self.n_quarantined} quarantined, {self.n_dropped} dropped>"
        )

    def _repr_html_(self) -> str:
        parts = [
            "<div class='fa-report'><strong>LoadReport</strong>: "
            f"{self.n_loaded} rows loaded, {self.n_quarantined} quarantined, "
            f"{self.n_dropped} dropped (blank, totals, notes)"
        ]
        for title, frame in (
            ("Sources", self.sources),
            ("Column mapping", self.mapping),
            ("Quarantined rows", self.quarantine),
            ("Dropped rows (blank, totals, notes)", self.dropped),
            ("Values outside the vocabulary", self.unknown_values),
            ("Carried along (not mapped)", self.unmapped),
        ):
            if len(frame):
                parts.append(
                    f"<details{' open' if title == 'Sources' else ''}>"
                    f"<summary>{html.escape(title)} ({len(frame)})</summary>"
                    + frame.head(200).to_html(index=False, na_rep="", escape=True)
                    + "</details>"
                )
        if self._after_as_of():
            parts.append(f"<p>{html.escape(self._after_as_of())}</p>")
        if self.notes:
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>"
            )
        return "".join(parts) + "</div>"


def _write_atomic(path: Path, text: str) -> None:
    """Write text through :func:`followup_analytics.output.atomic_write`."""
    from .output import atomic_write

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", newline="")

    atomic_write(path, write)
