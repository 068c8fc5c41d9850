"""The deliberately messy tracker: the problems a real hand-kept sheet has, each documented.

cp1252, ``;``-delimited, title rows, day-first dates in one column, month names and Excel
serial numbers in another, missing markers, free-text statuses, channels and letter types,
a blank row, a totals row, a footnote, and rows the importer must quarantine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._wide import wide_table

COLUMNS = [
    "Company",
    "Job",
    "Applied",
    "Followed up",
    "How",
    "Note type",
    "Sent to",
    "Heard back",
    "Interview",
    "Status",
    "Notes",
]
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MISSING = ("-", "n/a", "TBD", "?", "")
_HOW = {
    "Email": ("e-mail", "Email", "emailed"),
    "Letter": ("snail mail", "handwritten note"),
    "Phone": ("phone", "called"),
    "Voicemail": ("left voicemail",),
    "In person": ("in person",),
    "LinkedIn": ("LinkedIn message",),
    "Text": ("texted",),
}
_TYPE = {
    "Thank you": ("TY note", "thank-you"),
    "Status check": ("checking in", "status?"),
    "Value add": ("portfolio",),
    "Still interested": ("still interested!",),
    "Feedback request": ("asked for feedback",),
}
_TO = {
    "HR": ("HR",),
    "Hiring manager": ("hiring mgr", "Hiring Manager"),
    "Recruiter": ("recruiter",),
    "Interviewer": ("interviewer",),
}
_STATUS = {
    "Rejected": ("rejected :(", "Denied", "Not selected"),
    "Offer": ("Offer!",),
    "Accepted": ("Offer!",),
    "Offer declined": ("Offer!",),
    "No response": ("Ghosted", "No response"),
    "Applied": ("applied",),
    "Heard back": ("heard back",),
    "Interviewing": ("interviewing",),
    "Ghosted": ("ghosted after interview",),
    "Withdrawn": ("withdrew",),
}


def _variants(values: pd.Series, table: dict[str, tuple[str, ...]]) -> pd.Series:
    """Map each label to one of its messy variants, cycling through them row by row."""
    pos = pd.Series(np.arange(len(values)), index=values.index)
    out = pd.Series("", index=values.index, dtype=object)
    for label, variants in table.items():  # loop over a handful of labels
        hit = values.eq(label).fillna(False).to_numpy()
        out[hit] = np.array(variants, dtype=object)[pos[hit].to_numpy() % len(variants)]
    return out


def _select(wide: pd.DataFrame) -> pd.DataFrame:
    """About 22 applications of one seeker, sure to include an offer and a thank-you."""
    offer = wide.loc[wide["status"].isin(["Offer", "Accepted", "Offer declined"])].head(2)
    thanks = wide.loc[wide["followup_1_type"].eq("Thank you").fillna(False)].head(1)
    rest = wide.drop(index=offer.index.union(thanks.index)).head(22 - len(offer) - len(thanks))
    return pd.concat([offer, thanks, rest]).sort_values("applied_on", kind="stable")


def messy_tracker(
    events: pd.DataFrame, apps: pd.DataFrame, seeker: str, as_of: pd.Timestamp
) -> bytes:
    """Return ``messy_tracker.csv`` (cp1252 bytes) for one seeker; see :func:`messy_problems`."""
    data, _ = _build(events, apps, seeker, as_of)
    return data


def messy_problems(
    events: pd.DataFrame, apps: pd.DataFrame, seeker: str, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The planted problems of the messy tracker and what the importer must do with each.

    Returns
    -------
    DataFrame
        ``line`` (1-based line of the csv, as a spreadsheet shows the row), ``column``
        (input header, or missing for whole-row problems), ``problem`` and ``expected``
        (``quarantine``, ``drop`` or ``normalise``).
    """
    return _build(events, apps, seeker, as_of)[1]


def _build(
    events: pd.DataFrame, apps: pd.DataFrame, seeker: str, as_of: pd.Timestamp
) -> tuple[bytes, pd.DataFrame]:
    wide = _select(wide_table(events, apps.loc[apps["seeker"].eq(seeker)], as_of))
    n = len(wide)
    i = pd.Series(np.arange(n), index=wide.index)
    fu = wide["followup_1_date"]
    serial = (fu - _EXCEL_EPOCH).dt.days.astype("Int64").astype("string")
    followed = pd.Series(
        np.select(
            [i % 3 == 0, i % 3 == 1],
            [fu.dt.strftime("%d %B %Y"), serial],
            fu.dt.strftime("%b %d, %Y"),
        ),
        index=wide.index,
    )
    marker = pd.Series(np.array(_MISSING, dtype=object)[i % len(_MISSING)], index=wide.index)
    resp = wide["response_date"]
    table = pd.DataFrame(
        {
            "Company": wide["company"].astype(object),
            "Job": wide["role"].astype(object),
            "Applied": wide["applied_on"].dt.strftime("%d/%m/%Y"),
            "Followed up": followed.where(fu.notna(), marker),
            "How": _variants(wide["followup_1_channel"], _HOW),
            "Note type": _variants(wide["followup_1_type"], _TYPE),
            "Sent to": _variants(wide["followup_1_to"], _TO),
            "Heard back": resp.dt.strftime("%Y-%m-%d").where(
                resp.notna(), marker.iloc[::-1].values
            ),
            "Interview": wide["interview_1_date"].dt.strftime("%d/%m/%Y").fillna(""),
            "Status": _variants(wide["status"], _STATUS),
            "Notes": wide["notes"].astype(object).fillna(""),
        }
    ).reset_index(drop=True)
    table.loc[1, "Company"] = "Café Lumière Ltd"
    table.loc[4, "Company"] = "Müller & Søn GmbH"
    table.loc[2, "Notes"] = "phone screen – went OK, salary €42k"
    has_fu = table.index[fu.notna().to_numpy()]
    if len(has_fu) >= 2:
        table.loc[has_fu[-1], "How"] = "snail mail"
        table.loc[has_fu[-2], "How"] = "handwritten note"

    blank = dict.fromkeys(COLUMNS, "")
    bad_order = {
        **blank,
        "Company": "Kestrel Freight",
        "Job": table.loc[0, "Job"],
        "Applied": "20/04/2026",
        "Followed up": "2 April 2026",
        "How": "e-mail",
        "Note type": "checking in",
        "Sent to": "HR",
        "Status": "No response",
    }
    year_1899 = {
        **blank,
        "Company": "Glacier Studio",
        "Job": table.loc[1, "Job"],
        "Applied": "30/12/1899",
        "Status": "applied",
        "Notes": "date got mangled when I copied it",
    }
    no_date = {
        **blank,
        "Company": "Heron Payments",
        "Job": table.loc[2, "Job"],
        "Applied": "sometime in May",
        "Followed up": "?",
        "Status": "Ghosted",
    }
    cut = min(6, n)
    rows = pd.concat(
        [
            table.iloc[:cut],
            pd.DataFrame([blank, bad_order]),
            table.iloc[cut : cut + 6],
            pd.DataFrame([year_1899, no_date]),
            table.iloc[cut + 6 :],
        ],
        ignore_index=True,
    )
    total = {**blank, "Company": "TOTAL", "Applied": str(n + 3)}  # a COUNTA under "Applied"
    rows = pd.concat([rows, pd.DataFrame([total])], ignore_index=True)

    title = ["My job hunt – 2026", "kept on my phone, exported to csv ;-)", ""]
    footnote = "* dates before March are from memory, € figures are gross"
    body = rows.to_csv(sep=";", index=False, lineterminator="\n")
    pad = ";" * (len(COLUMNS) - 1)
    text = "".join(f"{t.replace(';', ',')}{pad}\n" for t in title) + body + footnote + pad + "\n"
    data = text.encode("cp1252")

    first = len(title) + 2  # line of the first data row (title rows, then the header)
    line_of = {
        name: first + int(np.flatnonzero(rows["Company"].eq(name))[0])
        for name in ("Kestrel Freight", "Glacier Studio", "Heron Payments", "TOTAL")
    }
    blank_line = first + cut
    problems = pd.DataFrame(
        [
            (1, None, "title rows above the header (lines 1-3)", "drop"),
            (len(title) + 1, None, "header row below the title rows", "normalise"),
            (blank_line, None, "blank row", "drop"),
            (
                line_of["Kestrel Freight"],
                "Followed up",
                "follow-up dated before its application",
                "quarantine",
            ),
            (line_of["Glacier Studio"], "Applied", "year 1899 (Excel's day zero)", "quarantine"),
            (
                line_of["Heron Payments"],
                "Applied",
                "unparseable date 'sometime in May'",
                "quarantine",
            ),
            (line_of["TOTAL"], None, "totals row", "drop"),
            (line_of["TOTAL"] + 1, None, "footnote", "drop"),
            (None, "Applied", "day-first dates (dd/mm/yyyy)", "normalise"),
            (None, "Followed up", "month names and Excel serial numbers mixed", "normalise"),
            (None, "Followed up", "missing markers '-', 'n/a', 'TBD', '?'", "normalise"),
            (
                None,
                "Status",
                "free text: 'rejected :(', 'Denied', 'Not selected', 'Offer!', "
                "'Ghosted', 'No response'",
                "normalise",
            ),
            (None, "How", "'e-mail', 'snail mail', 'handwritten note'", "normalise"),
            (None, "Note type", "'TY note' (thank-you)", "normalise"),
            (None, None, "cp1252 encoding and ';' delimiter", "normalise"),
        ],
        columns=["line", "column", "problem", "expected"],
    ).astype({"line": "Int64"})
    return data, problems
