"""Planted personal data never reaches a cohort report, in any spelling.

Names (accented, reordered, de-accented, first names and surnames alone), obfuscated email
addresses, student ids, names inside notes, quarantine reasons, values outside the
vocabularies, file and sheet names, and a breakdown column holding names.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from followup_analytics import JobSearchLog, LoadReport, cohort_report

NAMES = [
    "Zoë Ångström-Øberg",
    "José María Núñez",
    "Siobhán Ní Bhriain",
    "Björn Þórsson",
    "Marguerite Delacroix-Beaulieu",
    "Oluwaseun Adebayo-Cole",
    "Radomir Wiśniewski",
    "Thandiwe Mbeki-Ndlovu",
    "Anaïs Lefèvre",
    "Kazimierz Żółkiewski",
    "Ingrid Bergqvist",
    "Tariq Al-Hashimi",
    "Perpetua Okonkwo",
    "Ezekiel Fairbrother",
    "Ludovica Castellani",
    "Ruairí Ó Súilleabháin",
    "Henrike Blumenthal",
    "Matías Echeverría",
    "Ottoline Wrexham",
    "Sunniva Haugland",
    "Caoimhe Breathnach",
    "Leopold Szymański",
    "Florentyna Kowalczyk",
    "Bartholomew Quist",
]
IDS = [f"STU-2026-{917 + 37 * i:05d}" for i in range(len(NAMES))]
OBFUSCATED = [f"{n.split()[0].lower()}(at)example.org" for n in NAMES[:6]]
FILE = "/data/advisers/Li.csv"
SHEET = "Omar Farouk"
NOTE_NAMES = ["Gwendolyn Farquharson", "Omar Farouk"]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _variants(name: str) -> set[str]:
    """Spellings an attacker would search for: as is, reordered, without accents, and each
    part alone (parts of 4+ letters; shorter ones match ordinary words)."""
    parts = name.replace("-", " ").split()
    out = {name, " ".join(reversed(name.split())), f"{name.split()[-1]}, {name.split()[0]}"}
    out |= {p for p in parts if len(p) >= 4}
    return out | {_plain(v) for v in out}


def _log(rng: np.random.Generator) -> JobSearchLog:
    per = 20
    sid = np.repeat(np.arange(len(NAMES)), per)
    n = len(sid)
    ids = np.char.add("P", np.arange(n).astype(str))
    applied = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    notes = np.array(
        [
            f"talked to {NOTE_NAMES[0]} about {IDS[3]}",
            f"mail {OBFUSCATED[1]} or {_plain(NAMES[2])}",
            f"{NAMES[4].split()[-1]} {NAMES[4].split()[0]} said wait",
        ]
    )
    companies = rng.choice(["Acme", "Globex", "Initech", "Umbrella"], n).astype(object)
    # a referral noted in the company cell, by many seekers: big enough for the employers
    # table, and reordered and de-accented
    companies[::6] = f"{_plain(NAMES[1].split()[-1])}, {_plain(NAMES[1].split()[0])} (referral)"
    apps = pd.DataFrame(
        {
            "application_id": ids,
            "seeker": np.array(NAMES)[sid],
            "company": companies,
            "role": "Analyst",
            "applied_on": applied,
            "Student Name": np.array(NAMES)[sid],
            "Student ID": np.array(IDS)[sid],
            "Mentor": np.where(sid % 2 == 0, NOTE_NAMES[0], NOTE_NAMES[1]),
            "Cohort": np.where(sid < 12, "Spring", "Autumn"),
            "Comment": notes[sid % 3],
        }
    )
    fu = rng.random(n) < 0.6
    resp = rng.random(n) < 0.5
    kind = rng.choice(["reply", "rejection", "interview"], n, p=[0.3, 0.5, 0.2])
    events = pd.concat(
        [
            pd.DataFrame({"application_id": ids, "date": applied, "event": "applied"}),
            pd.DataFrame(
                {
                    "application_id": ids[fu],
                    "event": "followup",
                    "date": applied[fu] + pd.to_timedelta(rng.integers(1, 20, fu.sum()), unit="D"),
                    "channel": rng.choice(["email", "phone"], fu.sum()),
                    "note": notes[rng.integers(0, 3, fu.sum())],
                }
            ),
            pd.DataFrame(
                {
                    "application_id": ids[resp],
                    "event": kind[resp],
                    "date": applied[resp]
                    + pd.to_timedelta(rng.integers(1, 40, resp.sum()), unit="D"),
                }
            ),
        ],
        ignore_index=True,
    )
    report = LoadReport(
        sources=pd.DataFrame(
            {
                "file": [FILE],
                "sheet": [SHEET],
                "status": ["loaded"],
                "layout": ["wide"],
                "header_row": [1],
                "n_rows": [n + 2],
                "n_loaded": [n],
                "n_quarantined": [2],
                "n_dropped": [0],
                "reason": [f"columns of {NAMES[0]}"],
            }
        ),
        quarantine=pd.DataFrame(
            {
                "file": [FILE, FILE],
                "sheet": [SHEET, SHEET],
                "row": [7, 9],
                "column": ["Date applied", "Status"],
                "reason": [
                    "cannot read 'after talking to Omar Farouk' as a date",
                    f"status {IDS[5]} for {_plain(NAMES[9])} not understood",
                ],
            }
        ),
        unknown_values=pd.DataFrame(
            {
                "field": ["channel", "recipient"],
                "value": [f"called {NAMES[6].split()[0]}", OBFUSCATED[2]],
                "count": [3, 1],
            }
        ),
        notes=(f"{FILE}: header in row 1", f"value {OBFUSCATED[0]} looked like a date"),
    )
    return JobSearchLog.from_frames(events, apps, as_of="2026-05-01", report=report)


@pytest.fixture(scope="module")
def log() -> JobSearchLog:
    return _log(np.random.default_rng(7))


def _outputs(report, out: Path) -> dict[str, str]:
    html = report.to_html(out / "r.html").read_text(encoding="utf-8")
    # figures are SVG: search their text, not their base64
    html = re.sub(
        r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)",
        lambda m: base64.b64decode(m.group(1)).decode("utf-8"),
        html,
    )
    wb = openpyxl.load_workbook(report.to_excel(out / "r.xlsx"))
    cells = "\n".join(
        [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        + wb.sheetnames
    )
    tables = "\n".join(f.to_csv() for f in report.tables.values())
    return {
        "html": html,
        "xlsx": cells,
        "tables": tables,
        "repr": repr(report) + "\n".join(report.notes),
    }


@pytest.mark.parametrize("by", [None, "Cohort", "Mentor"])
def test_no_planted_value_in_any_output(log: JobSearchLog, by: str | None, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = cohort_report(log, by=by, min_cell=10, salt="planted")
    texts = _outputs(report, tmp_path)
    planted = set(IDS) | set(OBFUSCATED) | {"Li.csv", FILE, "advisers"}
    for name in [*NAMES, *NOTE_NAMES]:
        planted |= _variants(name)
    for where, text in texts.items():
        for value in planted:
            pattern = r"(?<!\w)" + re.escape(value) + r"(?!\w)"
            assert not re.search(pattern, text, re.IGNORECASE), (value, where)
    if by == "Mentor":
        labels = set(report.tables["overview"]["Mentor"]) - {"All"}
        assert labels and all(re.fullmatch(r"G-[0-9a-f]{8}", x) for x in labels)


def test_breakdown_by_a_column_of_names_is_refused(log: JobSearchLog) -> None:
    with pytest.raises(ValueError, match="would identify people"):
        cohort_report(log, by="Student Name", min_cell=10, salt="planted")
    with pytest.raises(ValueError, match="would identify people"):
        cohort_report(log, by="Student ID", min_cell=10, salt="planted")


def test_small_groups_are_merged_not_labelled(log: JobSearchLog) -> None:
    apps = log.applications.copy()
    # one cohort of 3 seekers: its label would point at them
    apps.loc[apps["seeker"].isin(NAMES[:3]), "Cohort"] = "Summer"
    small = JobSearchLog.from_frames(log.events, apps, as_of=log.as_of, report=log.report)
    report = cohort_report(small, by="Cohort", min_cell=10, salt="planted")
    labels = report.tables["overview"]["Cohort"].tolist()
    assert "Summer" not in labels and "other groups" in labels
    seekers = report.tables["overview"].set_index("Cohort")["seekers"]
    assert int(seekers["other groups"]) >= 10 and report.merged_groups >= 1
