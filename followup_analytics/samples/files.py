"""Write the bundled sample spreadsheets the way people really keep them.

Every file comes from one :func:`~followup_analytics.samples.simulate` run, so all of them
share the planted effects documented there and in ``data_samples/README.md``. The files are
synthetic and are not evidence about real job searches.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._io import csv_bytes, write_atomic, xlsx_bytes
from ._messy import messy_tracker
from ._wide import CHANNEL_LABELS, EVENT_LABELS, RECIPIENT_LABELS, TYPE_LABELS, wide_table
from .simulate import simulate

AS_OF = pd.Timestamp("2026-10-30")
_STAMP = "2026-10-30T18:00:00Z"
_SPLIT = pd.Timestamp("2026-06-01")  # "Spring 2026" before, "Summer 2026" from
_APP_HEADERS = {"company": "Company", "role": "Position", "applied_on": "Date Applied"}


def _wide_headers(frame: pd.DataFrame) -> dict[str, str]:
    names = dict(_APP_HEADERS)
    for col in frame.columns:  # loop over columns
        parts = col.split("_")
        if col.startswith("followup_") and len(parts) == 3:
            what = {"date": "Date", "channel": "Method", "type": "Type", "to": "To"}[parts[2]]
            names[col] = f"Follow-up {parts[1]} {what}"
        elif col.startswith("interview_"):
            names[col] = f"Interview {parts[1]} Date"
    names.update(
        {
            "response_date": "Response Date",
            "status": "Status",
            "offer_date": "Offer Date",
            "outcome_date": "Outcome Date",
            "notes": "Notes",
        }
    )
    return {c: names[c] for c in frame.columns if c in names}  # in the frame's order


def _pick_seekers(events: pd.DataFrame, apps: pd.DataFrame) -> list[str]:
    """Seekers ordered by how much their log shows (interviews, then applications)."""
    iv = events.loc[events["event"].eq("interview"), "application_id"]
    per = apps.assign(iv=apps["application_id"].isin(iv)).groupby("seeker")
    score = per["iv"].sum() * 1000 + per.size()
    return list(score.sort_values(ascending=False, kind="stable").index)


def _tracker(events: pd.DataFrame, apps: pd.DataFrame, seeker: str) -> bytes:
    mine = apps.loc[apps["seeker"].eq(seeker)]
    wide = wide_table(events, mine, AS_OF).drop(columns=["offer_date", "outcome_date"])
    headers = _wide_headers(wide)
    keep = [c for c in wide.columns if c in headers]
    table = wide[keep].rename(columns=headers)
    name = mine["seeker_name"].iloc[0]

    def build(writer: pd.ExcelWriter) -> None:
        spring = table["Date Applied"] < _SPLIT
        for sheet, part in (("Spring 2026", table[spring]), ("Summer 2026", table[~spring])):
            part.to_excel(writer, sheet_name=sheet, index=False, startrow=3)
            ws = writer.sheets[sheet]
            ws["A1"] = f"{name} - job search tracker"
            ws["A2"] = f"Applications, follow-ups and interviews ({sheet})"
            ws.freeze_panes = "A5"
            for letter in "ABC":
                ws.column_dimensions[letter].width = 26
        season = np.where(spring, "Spring 2026", "Summer 2026")
        pivot = pd.crosstab(table["Status"], season, margins=True, margins_name="Total")
        pivot.index.name = "Status"
        pivot.to_excel(writer, sheet_name="Summary", startrow=2)
        writer.sheets["Summary"]["A1"] = "Where my applications stand"

    return xlsx_bytes(build, _STAMP)


def _event_log(events: pd.DataFrame, apps: pd.DataFrame, seekers: list[str]) -> bytes:
    mine = apps.loc[apps["seeker"].isin(seekers)].set_index("application_id")
    ev = events.loc[events["application_id"].isin(mine.index)]
    ev = ev.sort_values(["date", "application_id"], kind="stable")
    table = pd.DataFrame(
        {
            "Application ID": ev["application_id"].to_numpy(),
            "Company": mine["company"].reindex(ev["application_id"]).to_numpy(),
            "Role": mine["role"].reindex(ev["application_id"]).to_numpy(),
            "Date": ev["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "Event": ev["event"].astype("string").map(EVENT_LABELS).to_numpy(),
            "Channel": ev["channel"].astype("string").map(CHANNEL_LABELS).to_numpy(),
            "Type": ev["letter_type"].astype("string").map(TYPE_LABELS).to_numpy(),
            "Recipient": ev["recipient"].astype("string").map(RECIPIENT_LABELS).to_numpy(),
            "Notes": ev["note"].to_numpy(),
        }
    )
    return csv_bytes(table, "events.csv")


def _linkedin(apps: pd.DataFrame, seeker: str, rng: np.random.Generator) -> bytes:
    mine = apps.loc[apps["seeker"].eq(seeker) & apps["job_source"].eq("LinkedIn")]
    n = len(mine)
    d = mine["applied_on"].dt
    minute = rng.integers(8 * 60, 23 * 60, n)
    hour = minute // 60
    stamp = (
        d.month.astype(str)
        + "/"
        + d.day.astype(str)
        + "/"
        + (d.year % 100).astype(str).str.zfill(2)
        + ", "
        + pd.Series((hour - 1) % 12 + 1, index=mine.index).astype(str)
        + ":"
        + pd.Series(minute % 60, index=mine.index).astype(str).str.zfill(2)
        + " "
        + pd.Series(np.where(hour < 12, "AM", "PM"), index=mine.index)
    )
    first = mine["seeker_name"].str.split(" ").str[0]
    last = mine["seeker_name"].str.split(" ").str[-1]
    questions = np.array(
        [
            "",
            "",
            "How many years of work experience do you have with SQL?: 2",
            "Will you now or in the future require sponsorship?: No",
            "Are you comfortable commuting to this job's location?: Yes | "
            "How many years of experience do you have with Python?: 1",
        ]
    )
    table = pd.DataFrame(
        {
            "Application Date": stamp.to_numpy(),
            "Contact Email": mine["email"].to_numpy(),
            "Contact Phone Number": f"(212) 555-01{rng.integers(10, 99)}",
            "Company Name": mine["company"].to_numpy(),
            "Job Title": mine["role"].to_numpy(),
            "Job Url": (
                "https://www.linkedin.com/jobs/view/"
                + pd.Series(rng.integers(3_800_000_000, 4_100_000_000, n)).astype(str)
            ).to_numpy(),
            "Resume Name": (
                first + "_" + last + np.where(rng.random(n) < 0.6, "_Resume.pdf", "_CV_2026.pdf")
            ).to_numpy(),
            "Question And Answers": questions[rng.integers(0, len(questions), n)],
        }
    ).iloc[::-1]  # LinkedIn lists the newest application first
    return csv_bytes(table, "Job Applications.csv")


def _cohort(events: pd.DataFrame, apps: pd.DataFrame) -> bytes:
    wide = wide_table(events, apps, AS_OF)
    headers = {
        "seeker": "Student ID",
        "seeker_name": "Student Name",
        "email": "Email",
        "program": "Program",
        "cohort": "Cohort",
        "adviser": "Adviser",
        "company": "Company",
        "role": "Job Title",
        "industry": "Industry",
        "job_source": "Job Source",
        "referral": "Referral",
    }
    wide_names = _wide_headers(wide)
    wide_names.pop("company"), wide_names.pop("role")
    headers.update(wide_names)
    table = wide[list(headers)].rename(columns=headers)

    def build(writer: pd.ExcelWriter) -> None:
        table.to_excel(writer, sheet_name="Applications", index=False)
        ws = writer.sheets["Applications"]
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = ws.dimensions
        notes = pd.DataFrame(
            {
                "Read me": [
                    "One row per application, entered by students at the weekly check-in.",
                    "Follow-up groups: date, method, type and who it was sent to.",
                    "Status is the latest known; Outcome Date is when it was decided.",
                    "Confidential: contains student names and emails.",
                ]
            }
        )
        notes.to_excel(writer, sheet_name="Read me", index=False)

    return xlsx_bytes(build, _STAMP)


def _huntr(events: pd.DataFrame, apps: pd.DataFrame, seeker: str) -> bytes:
    mine = apps.loc[apps["seeker"].eq(seeker)]
    wide = wide_table(events, mine, AS_OF)
    lists = wide["status"].map(
        {
            "Accepted": "Offer",
            "Offer declined": "Offer",
            "Offer": "Offer",
            "Rejected": "Rejected",
            "Withdrawn": "Rejected",
            "Interviewing": "Interviewing",
            "Ghosted": "Interviewing",
            "Heard back": "Applied",
            "Applied": "Applied",
            "No response": "Applied",
        }
    )
    table = pd.DataFrame(
        {
            "Company": wide["company"],
            "Title": wide["role"],
            "List": lists,
            "Date Applied": wide["applied_on"].dt.strftime("%m/%d/%Y"),
            "First Interview": wide["interview_1_date"].dt.strftime("%m/%d/%Y"),
            "Location": np.where(np.arange(len(wide)) % 3 == 0, "Remote", "New York, NY"),
            "Created": (wide["applied_on"] - pd.Timedelta(days=2)).dt.strftime("%m/%d/%Y"),
        }
    )
    return csv_bytes(table, "huntr_export.csv")


def write_samples(out_dir: str | Path = "data_samples", seed: int = 2026) -> list[Path]:
    """Simulate one cohort and write the bundled sample files, deterministically.

    Files (see ``data_samples/README.md`` for their columns and the planted effects):
    ``my_tracker.xlsx`` (one seeker, wide layout, title rows, two data sheets and a summary
    pivot), ``events.csv`` (one seeker's event log), ``Job Applications.csv`` (LinkedIn
    export), ``cohort_2026.xlsx`` (an adviser's cohort workbook, one row per application),
    ``messy_tracker.csv`` (cp1252, ``;``-delimited, with planted problems) and
    ``huntr_export.csv`` (a tracker export with a ``List`` column). Each file is written to a
    temporary file and renamed into place.

    Parameters
    ----------
    out_dir : str or Path, default "data_samples"
        Folder to write into (created if missing).
    seed : int, default 2026
        Seed of the simulation; the same seed writes byte-identical files.

    Returns
    -------
    list of Path
        The files written, in the order above.
    """
    out = Path(out_dir)
    events, apps = simulate(seed=seed, as_of=str(AS_OF.date()))
    rng = np.random.default_rng(seed + 1)
    ranked = _pick_seekers(events, apps)
    parts = [
        ("my_tracker.xlsx", _tracker(events, apps, ranked[0])),
        ("events.csv", _event_log(events, apps, ranked[1:2])),
        ("Job Applications.csv", _linkedin(apps, ranked[0], rng)),
        ("cohort_2026.xlsx", _cohort(events, apps)),
        ("messy_tracker.csv", messy_tracker(events, apps, ranked[3], AS_OF)),
        ("huntr_export.csv", _huntr(events, apps, ranked[4])),
    ]
    return [write_atomic(out / name, data) for name, data in parts]
