"""HTML rendering of a cohort report through autoescaped jinja2 templates.

The output is one self-contained file: inline CSS (phone-friendly, with print rules), SVG
figures as ``data:`` URIs, no script and no external resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import numpy as np
import pandas as pd

from .labels import (
    HIDDEN,
    category_label,
    column_label,
    fmt_count,
    fmt_estimate,
    fmt_p,
    fmt_percent,
)
from .methods import DEFINITIONS, PRIVACY, run_label, suppression_rule
from .suppression import TOTAL
from .takeaways import takeaways

if TYPE_CHECKING:
    from .content import Table
    from .report import CohortReport

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Cell:
    """One formatted table cell: its text and a CSS class (``num``, ``supp`` or ``txt``)."""

    text: str
    css: str = "txt"


def _triples(columns: list[str]) -> list[tuple[str, str, str]]:
    """(value, low, high) column triples shown as one "value (low-high)" column."""
    pairs = {
        "rate": ("ci_low", "ci_high"),
        "rate_level": ("level_ci_low", "level_ci_high"),
        "rate_reference": ("reference_ci_low", "reference_ci_high"),
        "median_days": ("median_ci_low", "median_ci_high"),
    }
    if "rate" not in columns:
        pairs["estimate"] = ("ci_low", "ci_high")
    pairs.update(
        {
            c: (f"{c}_ci_low", f"{c}_ci_high")
            for c in columns
            if c.startswith("p_response_") and not c.endswith(("_ci_low", "_ci_high"))
        }
    )
    return [
        (v, lo, hi)
        for v, (lo, hi) in pairs.items()
        if v in columns and lo in columns and hi in columns
    ]


_CATEGORY_COLUMNS = {
    "outcome",
    "unit",
    "timing",
    "channel",
    "letter_type",
    "strategy",
    "level",
    "reference",
    "outcome_label",
    "estimator",
}


def _kind(table: Table, column: str) -> str:
    base = column.replace("_ci_low", "").replace("_ci_high", "")
    if column in table.counts:
        return "count"
    if (
        column in table.percents
        or base in table.percents
        or column.startswith("rate")
        or (column in ("ci_low", "ci_high") and "rate" in table.frame.columns)
    ):
        return "percent"
    if column in ("p_value", "q_value"):
        return "p"
    return "estimate"


_FORMAT = {"count": fmt_count, "percent": fmt_percent, "estimate": fmt_estimate, "p": fmt_p}


def _format(value: object, kind: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | np.integer) and kind == "estimate":
        return fmt_count(value)
    return _FORMAT[kind](value)


def table_view(table: Table) -> dict:
    """Headers and rows of formatted cells for one table.

    Headers and categories are in words (:mod:`.labels`); an interval is shown with its
    value as "value (low–high)"; a hidden value reads "hidden"; a value that does not apply
    (a rate of nothing) reads "–".

    Returns
    -------
    dict
        ``headers``: list of str; ``rows``: list of lists of :class:`Cell`; ``total``: list
        of bool (row is the whole cohort).
    """
    frame = table.frame
    if "html_rows" in table.extra:
        frame = table.extra["html_rows"](frame)
    skip = {"suppressed", *table.extra.get("html_hide", ())}
    columns = [c for c in table.extra.get("html_columns", frame.columns) if c not in skip]
    triples = _triples(columns)
    merged = {lo for _, lo, _ in triples} | {hi for _, _, hi in triples}
    shown = [c for c in columns if c not in merged]
    heads = {v: f"{column_label(table.key, v)} (95% CI)" for v, _, _ in triples}
    hidden_rows = (
        frame["suppressed"].fillna("").ne("").to_numpy()
        if "suppressed" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in columns}
    trip = {t[0]: t for t in triples}
    rows = []
    for i, rec in enumerate(frame[columns].to_dict("records")):
        cells = []
        for c in shown:
            value = rec[c]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                cells.append(
                    Cell(HIDDEN, "supp") if hidden_rows[i] and numeric[c] else Cell("–", "num")
                )
                continue
            if isinstance(value, str):
                text = category_label(value) if c in _CATEGORY_COLUMNS else value
                cells.append(Cell(str(text), "txt"))
                continue
            kind = _kind(table, c)
            text = _format(value, kind)
            if c in trip and not pd.isna(rec[trip[c][1]]) and not pd.isna(rec[trip[c][2]]):
                lo, hi = (_format(rec[trip[c][1]], kind), _format(rec[trip[c][2]], kind))
                text += f" ({lo}–{hi})"
            cells.append(Cell(text, "num"))
        rows.append(cells)
    first = frame.iloc[:, 0].astype("string") if len(frame.columns) else pd.Series([])
    total = first.eq(TOTAL).fillna(False).tolist()
    split = any(total) and not all(total) and len(rows) > 8
    return {
        "headers": [heads.get(c, column_label(table.key, c)) for c in shown],
        "rows": rows,
        "total": total,
        "whole": [r for r, t in zip(rows, total, strict=True) if t or not split],
        "whole_total": [t and not all(total) for t in total if t or not split],
        "groups": [r for r, t in zip(rows, total, strict=True) if split and not t],
    }


def render(report: CohortReport, standalone: bool = True) -> str:
    """The report as HTML: a whole document, or a fragment for Jupyter (`standalone` False).

    Returns
    -------
    str
        Autoescaped HTML with inline styles and embedded figures; no external references.
    """
    figures = report.figures
    sections = [
        {
            "table": t,
            "view": table_view(t),
            "figures": [v for k, v in figures.items() if k == t.key or k.startswith(f"{t.key}_")],
        }
        for t in report.sections
    ]
    quality = [{"table": t, "view": table_view(t)} for t in report.quality]
    h = report.headline

    def pct(v: object) -> str:
        return HIDDEN if v is None else fmt_percent(v)

    def num(v: object) -> str:
        return HIDDEN if v is None else fmt_count(v)

    if h.get("median_suppressed"):
        median = HIDDEN
    elif h.get("median_days") is None:
        median = "not reached"
    else:
        median = f"{h['median_days']:.0f} days"
    dropped = sorted(
        {category_label(v) for t in report.sections for v in t.extra.get("dropped", ())}
    )
    template = _ENV.get_template("report.html.j2")
    return template.render(
        report=report,
        standalone=standalone,
        sections=sections,
        quality=quality,
        definitions=DEFINITIONS,
        rule=suppression_rule(report.min_cell),
        privacy=PRIVACY,
        as_of=report.as_of.date().isoformat(),
        h=h,
        run=run_label(report),
        pct=pct,
        num=num,
        hidden=HIDDEN,
        median=median,
        takeaways=takeaways(report),
        dropped=dropped,
    )


def render_bytes(report: CohortReport) -> bytes:
    """The standalone HTML document of `report`, UTF-8 encoded."""
    return render(report, standalone=True).encode("utf-8")
