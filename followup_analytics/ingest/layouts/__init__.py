"""Layouts: how a table's rows describe applications and events, detected from its headers.

``detect_layout`` decides, with its evidence, between

- ``linkedin``: LinkedIn's ``Job Applications.csv`` (Application Date, Contact Email, Job
  Url, Resume Name, Question And Answers ...; applied events only);
- ``events``: one row per event (a date, an event/action column, application keys that
  repeat);
- ``stages``: one column per stage holding flags or dates;
- ``tracker``: an export whose stage sits in a ``List``/``Stage`` column (Huntr, Teal,
  Simplify), or a plain ``Status`` column with no follow-up or outcome-date columns;
- ``wide``: one row per application with follow-up/response/interview/outcome dates;
- ``days``: one column per day, company names in the cells;
- ``sankey``: a flow list (source, target, value) or SankeyMATIC text: counts, replayed
  into that many applications with undated events.

``interpret`` then turns the table into canonical events and applications.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ...errors import ArgumentError
from ...text import key
from ..columns import ColumnMap, match_columns
from ..profile import Profile, flag_events, header_event, profile_frame
from ..raw import RawTable
from ..values import flags, parse_dates
from ._common import (
    EVENT_FIELDS,
    Collector,
    Context,
    Interpreted,
    concat_events,
    events_frame,
    per_row,
)
from .days import day_columns, interpret_days
from .events import EVENT_LOG_FIELDS, interpret_events
from .sankey import flow_columns, interpret_sankey
from .stages import STAGE_FIELDS, interpret_stages, stage_columns
from .wide import LINKEDIN_FIELDS, WIDE_FIELDS, interpret_wide

LAYOUTS: tuple[str, ...] = (
    "auto",
    "wide",
    "events",
    "stages",
    "linkedin",
    "tracker",
    "sankey",
    "days",
)
_LINKEDIN_MARKS = frozenset(
    {
        "contact email",
        "contact phone number",
        "job url",
        "resume name",
        "question and answers",
        "company name",
        "job title",
    }
)
_OUTCOME_FIELDS = ("response_date", "interview_date", "rejection_date", "offer_date")

__all__ = ["EVENT_FIELDS", "LAYOUTS", "Context", "Interpreted", "detect_layout", "interpret"]


def check_layout(layout: str) -> None:
    """Raise ValueError naming the allowed layouts when `layout` is not one of them."""
    if layout not in LAYOUTS:
        raise ArgumentError(f"layout must be one of {list(LAYOUTS)}; got {layout!r}")


def _fields(layout: str) -> tuple[str, ...]:
    return {"events": EVENT_LOG_FIELDS, "stages": STAGE_FIELDS, "linkedin": LINKEDIN_FIELDS}.get(
        layout, WIDE_FIELDS
    )


def _stage_evidence(table: RawTable) -> tuple[list[str], list[str]]:
    """Stage columns whose non-empty cells are flags or dates, and those holding flags."""
    usable, flagged = [], []
    for header in stage_columns(table.frame.columns):
        values = table.frame[header]
        fl = flags(values).to_numpy(dtype=object)
        present = ~(fl == False)  # noqa: E712 - object array
        if not present.any():
            continue
        is_flag = fl == True  # noqa: E712
        dated = parse_dates(values[pd.isna(fl)]).dates.notna().sum()
        if (is_flag.sum() + dated) >= 0.8 * present.sum():
            usable.append(header)
            if is_flag.sum():
                flagged.append(header)
    return usable, flagged


def detect_layout(
    table: RawTable,
    mapping: Mapping[str, object] | None = None,
    profiles: Mapping[str, Profile] | None = None,
) -> tuple[str, str]:
    """Decide the layout of a table from its headers (and a glance at its values).

    `profiles` (header -> :class:`~followup_analytics.ingest.profile.Profile`) is computed
    when not given.

    Returns
    -------
    tuple of str
        The layout name and the evidence, in words, for the LoadReport.
    """
    headers = list(table.frame.columns)
    if profiles is None:
        profiles = profile_frame(table.frame)
    flows = flow_columns(headers)
    if flows is not None:
        return "sankey", (
            f"Sankey flow list: source {flows[0]!r}, target {flows[1]!r}, value {flows[2]!r}"
        )
    days = day_columns(table)
    if days:
        return "days", (
            f"{len(days)} date headers ({list(days)[0]} ... {list(days)[-1]}) "
            "holding names: one column per day"
        )
    keys = {key(h) for h in headers}
    not_apps = _not_applications(table, keys, profiles)
    if not_apps:
        return "none", not_apps
    marks = sorted(keys & _LINKEDIN_MARKS)
    if "application date" in keys and len(marks) >= 3:
        return "linkedin", f"LinkedIn export headers: application date, {', '.join(marks)}"
    ev = match_columns(headers, EVENT_LOG_FIELDS, mapping=mapping, profiles=profiles)
    wide = match_columns(headers, WIDE_FIELDS, mapping=mapping, profiles=profiles)
    date_col = ev.column("date")
    event_col = ev.column("event")
    if event_col is None and ev.column("status") and "applied_on" not in wide.fields:
        event_col = ev.column("status")
    if date_col is not None and event_col is not None:
        key_cols = [
            c for c in (ev.column("application_id"), ev.column("company"), ev.column("role")) if c
        ]
        repeats = _keys_repeat(table, key_cols)
        # one row per company with a plain "Date": a tracker dated by that column
        if repeats or ("applied_on" not in wide.fields and not key_cols):
            why = "application keys repeat" if repeats else "no application-date column"
            return "events", (
                f"a date column {date_col!r} and an event column {event_col!r}; {why}"
            )
    usable, flagged = _stage_evidence(table)
    wide_cols = set(wide.matches["input_column"])
    unknown_to_wide = [h for h in usable if h not in wide_cols]
    if len(usable) >= 2 and (flagged or unknown_to_wide):
        why = (
            f"flags in {flagged}"
            if flagged
            else f"stages {unknown_to_wide} that are not wide-layout columns"
        )
        return "stages", f"{len(usable)} stage columns {usable}; {why}"
    status = wide.column("status")
    outcome = [f for f in _OUTCOME_FIELDS if f in wide.fields]
    exported = key(status) in {"list", "stage", "pipeline stage", "column"} if status else False
    plain = (
        status is not None
        and key(status) in {"status", "application status"}
        and "followup_date" not in wide.fields
    )
    if status is not None and (exported or (plain and not outcome)):
        return "tracker", (
            f"the stage sits in the {status!r} column"
            + ("" if outcome else "; no outcome-date columns")
        )
    found = sorted(wide.fields & {"applied_on", "followup_date", "status", *_OUTCOME_FIELDS})
    return "wide", ("one row per application" + (f" with {', '.join(found)}" if found else ""))


def _keys_repeat(table: RawTable, key_cols: list[str]) -> bool:
    """Whether some application key (id, company, role) appears in two rows of one file."""
    if not key_cols:
        return False
    keys = table.frame[key_cols].dropna(how="all")
    if table.parts is not None:  # rows of several files: a key repeats within its own file
        keys = keys.assign(_file=table.parts.locate(keys.index.to_numpy())[0])
    return bool(keys.duplicated().any())


def interpret(
    table: RawTable, layout: str, ctx: Context, profiles: Mapping[str, Profile] | None = None
) -> tuple[Interpreted, ColumnMap]:
    """Turn a table into canonical events and applications under the given layout.

    Returns
    -------
    tuple
        The :class:`Interpreted` rows and the :class:`ColumnMap` used.
    """
    headers = list(table.frame.columns)
    if layout == "none":  # a contacts sheet or a dashboard: every row set aside
        col = Collector(table, ctx)
        col.drop_rows(
            np.ones(len(table.frame), dtype=bool),
            None,
            "not applications: " + detect_layout(table, ctx.mapping, profiles)[1],
        )
        empty = concat_events(
            [
                events_frame(
                    per_row(
                        table, pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]")
                    ),
                    pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]"),
                    "applied",
                    np.zeros(len(table.frame), dtype=bool),
                    None,
                )
            ]
        )
        apps = pd.DataFrame(
            {
                c: pd.Series([], dtype=object)
                for c in ("application_id", "seeker", "company", "role", "applied_on")
            }
        )
        return col.result(empty, apps), ColumnMap(
            pd.DataFrame(columns=["input_column", "field", "group", "score", "how", "runner_up"]),
            tuple(headers),
        )
    if layout == "days":
        if not day_columns(table):
            raise _missing(table, "days", "at least three date headers holding names")
        return interpret_days(table, ctx), ColumnMap(
            pd.DataFrame(columns=["input_column", "field", "group", "score", "how", "runner_up"]),
            tuple(headers),
        )
    if layout == "sankey":
        if flow_columns(headers) is None:
            raise _missing(table, "sankey", "source, target and value columns")
        return interpret_sankey(table, ctx), ColumnMap(
            pd.DataFrame(columns=["input_column", "field", "group", "score", "how", "runner_up"]),
            tuple(headers),
        )
    if layout == "stages":
        user = set(ctx.mapping or {})
        stages = stage_columns(headers)
        headers = [h for h in headers if h not in stages or h in user]
    if profiles is None:
        profiles = profile_frame(table.frame)
    cm = match_columns(headers, _fields(layout), mapping=ctx.mapping, profiles=profiles)
    if layout in ("wide", "tracker", "stages"):
        cm = _company_by_content(table, cm, profiles)
    if layout in ("wide", "tracker") and "applied_on" not in cm.fields:
        cm = _date_by_content(table, cm, profiles)
    if layout in ("wide", "tracker", "linkedin"):
        strong = ~cm.matches["how"].astype(str).str.startswith(("contains", "spelling"))
        taken = dict(
            zip(cm.matches["input_column"], cm.matches["score"].where(~strong, 1.0), strict=True)
        )
        user = set(ctx.mapping or {})
        marks = flag_events([h for h in headers if h not in user], profiles, taken)
        marks |= _status_by_content(table, cm, profiles, set(marks) | user)
        cm = cm.with_flags(marks)
    if layout == "events":
        if cm.column("date") is None or (cm.column("event") or cm.column("status")) is None:
            raise _missing(table, "events", "a date column and an event column")
        return interpret_events(table, cm, ctx), cm
    if layout == "stages":
        return interpret_stages(table, cm, ctx), cm
    return interpret_wide(table, cm, ctx, profiles), cm


def _missing(table: RawTable, layout: str, what: str) -> ValueError:
    from ...errors import SpreadsheetError

    where = table.file + (f" [{table.sheet}]" if table.sheet else "")
    return SpreadsheetError(
        f"{where}: layout={layout!r} needs {what}; headers are {list(table.frame.columns)[:20]}"
    )


_CONTACT_SHEETS = (
    "contact",
    "network",
    "outreach",
    "people",
    "recruiter",
    "kontakt",
    "contacto",
    "contato",
    "联系人",
    "人脉",
    "reseau",
)
_CONTACT_HEADERS = frozenset(
    {
        "contact",
        "contact name",
        "name",
        "email",
        "e mail",
        "phone",
        "phone number",
        "linkedin",
        "linkedin profile",
        "title",
        "relationship",
        "how we met",
        "met at",
        "mobile",
    }
)
_APPLICATION_FIELDS = frozenset(
    {
        "applied_on",
        "status",
        "role",
        "followup_date",
        "response_date",
        "interview_date",
        "offer_date",
        "rejection_date",
    }
)


def _not_applications(table: RawTable, keys: set[str], profiles: Mapping[str, Profile]) -> str:
    """Why a table holds no applications (a contacts sheet, a dashboard of counts), or ""."""
    wide = match_columns(list(table.frame.columns), WIDE_FIELDS, profiles=profiles)
    fields = wide.fields
    sheet = key(table.sheet or "")
    if any(w in sheet for w in _CONTACT_SHEETS) and not (fields & {"applied_on", "status"}):
        return f"contacts sheet {table.sheet!r} (people, not applications)"
    if len(keys & _CONTACT_HEADERS) >= 2 and not (fields & _APPLICATION_FIELDS):
        return (
            "contacts list: columns "
            + ", ".join(sorted(keys & _CONTACT_HEADERS))
            + " and no application column"
        )
    if fields <= {"status", "note", "outcome_date"} and "status" in fields:
        others = [h for h in table.frame.columns if h not in set(wide.matches["input_column"])]
        if others and all(profiles[h]["number"] >= 0.9 for h in others if profiles[h].filled):
            return "a dashboard: counts per status, not one row per application"
    return ""


def _status_by_content(
    table: RawTable, cm: ColumnMap, profiles: Mapping[str, Profile], skip: set[str]
) -> dict[str, str]:
    """Unlabelled (or unmatched, when the table has no status column) columns whose values
    are mostly status words ("7.17笔试", "Rejected"): read as further status columns."""
    taken = set(cm.matches["input_column"]) | skip
    has_status = "status" in cm.fields
    out = {}
    for header in table.frame.columns:
        p = profiles.get(header)
        if header in taken or p is None or not p.filled or p["status"] < 0.6:
            continue
        if header.startswith("Unnamed: ") or not has_status:
            out[header] = "status"
    return out


def _company_by_content(
    table: RawTable, cm: ColumnMap, profiles: Mapping[str, Profile]
) -> ColumnMap:
    """Without a company or role header, the leftmost unmatched column of distinct text
    (at least 80% text, 60% distinct) is the company; the evidence goes in the mapping."""
    if {"company", "role"} & cm.fields:
        return cm
    taken = set(cm.matches["input_column"]) | {h for h, _ in cm.flags}
    for header in table.frame.columns:
        p = profiles.get(header)
        if header in taken or p is None or p.filled < 3 or header_event(header):
            continue
        if p["text"] >= 0.8 and p.distinct >= 0.6:
            return cm.with_match(
                header,
                "company",
                p["text"],
                f"content: values {p.describe()}, {p.distinct:.0%} distinct; no company header",
            )
    return cm


def _date_by_content(table: RawTable, cm: ColumnMap, profiles: Mapping[str, Profile]) -> ColumnMap:
    """Without an application-date header, the leftmost unmatched column whose values are
    dates (at least 80% of its filled cells) becomes the application date; the evidence
    goes in the mapping."""
    taken = set(cm.matches["input_column"])
    beside = bool({"company", "role"} & cm.fields)  # dates beside a company or role
    for header in table.frame.columns:
        p = profiles.get(header)
        if header in taken or p is None or not p.filled or header_event(header):
            continue
        if not beside:
            break
        share = p["date"]
        if share >= 0.8:
            return cm.with_match(
                header,
                "applied_on",
                share,
                f"content: values {p.describe()}, no application-date header",
            )
    return cm
