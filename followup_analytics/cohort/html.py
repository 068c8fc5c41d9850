"""HTML rendering of a cohort report through autoescaped jinja2 templates.

The output is one self-contained file: inline CSS (phone-friendly, with print rules), PNG
figures as ``data:`` URIs, no script and no external resource.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import pandas as pd

from ..metrics.inference import format_p
from .methods import DEFINITIONS, PRIVACY, suppression_rule
from .safety import atomic_write
from .suppression import MARK, TOTAL

if TYPE_CHECKING:
    from .content import Table
    from .report import CohortReport

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Cell:
    """One formatted table cell: its text and a CSS class (``num``, ``supp`` or ``txt``)."""

    text: str
    css: str = "txt"


def _triples(columns: list[str]) -> list[tuple[str, str, str]]:
    """(value, low, high) column triples shown as one "value (low-high)" column."""
    pairs = {"rate": ("ci_low", "ci_high"), "rate_level": ("level_ci_low", "level_ci_high"),
             "rate_reference": ("reference_ci_low", "reference_ci_high"),
             "median_days": ("median_ci_low", "median_ci_high")}
    if "rate" not in columns:
        pairs["estimate"] = ("ci_low", "ci_high")
    pairs.update({c: (f"{c}_ci_low", f"{c}_ci_high") for c in columns if c.startswith(
        "p_response_") and not c.endswith(("_ci_low", "_ci_high"))})
    return [(v, lo, hi) for v, (lo, hi) in pairs.items()
            if v in columns and lo in columns and hi in columns]


def _fmt(value: object, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "count":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{float(value):.1%}"
    if kind == "p":
        return format_p(float(value))
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 0.001 and value != 0 else f"{value:.2f}"
    return str(value)


def _kind(table: Table, column: str) -> str:
    if column in table.counts:
        return "count"
    if column in ("p_value", "q_value"):
        return "p"
    if column in table.percents or column.startswith("rate") or "ci_" in column and (
            column.replace("_ci_low", "").replace("_ci_high", "") in table.percents):
        return "percent"
    return "other"


def table_view(table: Table) -> dict:
    """Headers and rows of formatted cells for one table (suppressed cells as [c]).

    Returns
    -------
    dict
        ``headers``: list of str; ``rows``: list of lists of :class:`Cell`; ``total``: list
        of bool (row is the whole cohort).
    """
    frame = table.frame
    skip = {"suppressed", *table.extra.get("html_hide", ())}
    columns = [c for c in frame.columns if c not in skip]
    triples = _triples(columns)
    merged = {lo for _, lo, _ in triples} | {hi for _, _, hi in triples}
    shown = [c for c in columns if c not in merged]
    heads = {v: f"{v} (95% CI)" for v, _, _ in triples}
    hidden_rows = frame["suppressed"].fillna("").ne("").to_numpy() if "suppressed" in frame \
        else [False] * len(frame)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in columns}
    rows = []
    for i, rec in enumerate(frame[columns].to_dict("records")):
        cells = []
        for c in shown:
            kind = _kind(table, c)
            value = rec[c]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                cells.append(Cell(MARK, "supp") if hidden_rows[i] and numeric[c]
                             else Cell("–", "num"))
                continue
            text = _fmt(value, kind)
            trip = next((t for t in triples if t[0] == c), None)
            if trip is not None and not pd.isna(rec[trip[1]]) and not pd.isna(rec[trip[2]]):
                text += f" ({_fmt(rec[trip[1]], kind)}–{_fmt(rec[trip[2]], kind)})"
            cells.append(Cell(text, "txt" if isinstance(value, str) else "num"))
        rows.append(cells)
    first = frame.iloc[:, 0].astype("string") if len(frame.columns) else pd.Series([])
    return {"headers": [heads.get(c, c) for c in shown], "rows": rows,
            "total": first.eq(TOTAL).fillna(False).tolist()}


def render(report: CohortReport, standalone: bool = True) -> str:
    """The report as HTML: a whole document, or a fragment for Jupyter (`standalone` False).

    Returns
    -------
    str
        Autoescaped HTML with inline styles and embedded figures; no external references.
    """
    figures = report.figures
    sections = [{"table": t, "view": table_view(t),
                 "figures": [v for k, v in figures.items()
                             if k == t.key or k.startswith(f"{t.key}_")]}
                for t in report.sections]
    quality = [{"table": t, "view": table_view(t)} for t in report.quality]
    h = report.headline

    def pct(v: object) -> str:
        return MARK if v is None else f"{float(v):.1%}"

    def num(v: object) -> str:
        return MARK if v is None else f"{int(v):,}"

    template = _ENV.get_template("report.html.j2")
    return template.render(
        report=report, standalone=standalone, sections=sections, quality=quality,
        definitions=DEFINITIONS, rule=suppression_rule(report.min_cell), privacy=PRIVACY,
        as_of=report.as_of.date().isoformat(), h=h, pct=pct, num=num, mark=MARK,
        median=(MARK if h.get("median_suppressed") else "not reached (under half responded)"
                if h.get("median_days") is None else f"{h['median_days']:.0f} days"))


def write_html(report: CohortReport, path: str | os.PathLike[str]) -> Path:
    """Render `report` and write it atomically to `path`; return the path."""
    text = render(report, standalone=True)
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
