"""Turn canonical events into the wide, human-labelled tables people keep in spreadsheets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ArgumentError

#: Human labels written in the sample spreadsheets (all recognised by ``vocab.py``).
CHANNEL_LABELS = {
    "email": "Email",
    "phone": "Phone",
    "voicemail": "Voicemail",
    "letter": "Letter",
    "linkedin": "LinkedIn",
    "in_person": "In person",
    "text": "Text",
    "other": "Other",
    "unknown": "",
}
TYPE_LABELS = {
    "thank_you": "Thank you",
    "status_check": "Status check",
    "still_interested": "Still interested",
    "feedback_request": "Feedback request",
    "value_add": "Value add",
    "other": "Other",
    "unknown": "",
}
RECIPIENT_LABELS = {
    "hr": "HR",
    "hiring_manager": "Hiring manager",
    "recruiter": "Recruiter",
    "interviewer": "Interviewer",
    "other": "Other",
    "unknown": "",
}
EVENT_LABELS = {
    "applied": "Applied",
    "followup": "Follow-up",
    "interview": "Interview",
    "reply": "Heard back",
    "rejection": "Rejected",
    "offer": "Offer",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrew",
}
_RESPONSES = ("reply", "interview", "rejection", "offer")
# final status by priority: the first event kind present wins
_STATUS_ORDER = (
    ("accepted", "Accepted"),
    ("declined", "Offer declined"),
    ("offer", "Offer"),
    ("withdrawn", "Withdrawn"),
    ("rejection", "Rejected"),
)


def _labels(values: pd.Series, table: dict[str, str]) -> pd.Series:
    return values.astype("string").map(table).astype("string")


def wide_table(
    events: pd.DataFrame,
    applications: pd.DataFrame,
    as_of: pd.Timestamp,
    n_followups: int | None = None,
    n_interviews: int = 3,
) -> pd.DataFrame:
    """One row per application with repeated follow-up and interview columns.

    Parameters
    ----------
    events, applications : DataFrame
        Canonical frames (see :func:`followup_analytics.samples.simulate`).
    as_of : Timestamp
        Date the tracker was last updated (decides "Interviewing" vs "Ghosted").
    n_followups : int, optional
        Number of follow-up groups (default: the largest number any application has).
    n_interviews : int, default 3
        Number of interview-date columns.

    Returns
    -------
    DataFrame
        ``application_id``, the application columns, ``followup_{k}_date``,
        ``followup_{k}_channel``, ``followup_{k}_type``, ``followup_{k}_to`` for k = 1..K
        (human labels), ``response_date``, ``interview_{k}_date``, ``status`` (human text),
        ``offer_date``, ``outcome_date`` and ``notes``; dates as datetime64, blanks missing.
    """
    ids = pd.Index(applications["application_id"])
    ev = events.loc[events["application_id"].isin(ids)]
    out = applications.reset_index(drop=True).copy()

    fu = ev.loc[ev["event"].eq("followup")].sort_values(["application_id", "date"], kind="stable")
    k = fu.groupby("application_id", observed=True).cumcount() + 1
    n_fu = int(k.max()) if len(k) else 0
    n_fu = n_fu if n_followups is None else n_followups
    if len(fu) and int(k.max()) > n_fu:
        raise ArgumentError(f"an application has {int(k.max())} follow-ups; n_followups={n_fu}")
    fu = fu.assign(
        k=k.to_numpy(),
        channel=_labels(fu["channel"], CHANNEL_LABELS),
        letter_type=_labels(fu["letter_type"], TYPE_LABELS),
        recipient=_labels(fu["recipient"], RECIPIENT_LABELS),
    )
    wide = fu.pivot(
        index="application_id", columns="k", values=["date", "channel", "letter_type", "recipient"]
    )
    for i in range(1, n_fu + 1):  # loop over follow-up groups
        for src, name in (
            ("date", "date"),
            ("channel", "channel"),
            ("letter_type", "type"),
            ("recipient", "to"),
        ):
            col = wide[(src, i)] if (src, i) in wide.columns else pd.Series(dtype=object)
            out[f"followup_{i}_{name}"] = col.reindex(ids).to_numpy()
        out[f"followup_{i}_date"] = pd.to_datetime(out[f"followup_{i}_date"])

    def first(kind: tuple[str, ...]) -> pd.Series:
        hit = ev.loc[ev["event"].isin(kind)]
        return hit.groupby("application_id", observed=True)["date"].min().reindex(ids)

    iv = ev.loc[ev["event"].eq("interview")].sort_values(["application_id", "date"])
    ik = iv.groupby("application_id", observed=True).cumcount() + 1
    iw = iv.assign(k=ik.to_numpy()).pivot(index="application_id", columns="k", values="date")
    out["response_date"] = first(_RESPONSES).to_numpy()
    for i in range(1, n_interviews + 1):
        col = iw[i] if i in iw.columns else pd.Series(dtype="datetime64[s]")
        out[f"interview_{i}_date"] = pd.to_datetime(col.reindex(ids).to_numpy())

    status = pd.Series(pd.NA, index=ids, dtype="string")
    outcome = pd.Series(pd.NaT, index=ids, dtype="datetime64[s]")
    for kind, label in _STATUS_ORDER:  # loop over five outcome kinds
        day = first((kind,))
        take = status.isna() & day.notna()
        status = status.mask(take, label)
        outcome = outcome.mask(take, day)
    last_interview = iv.groupby("application_id", observed=True)["date"].max().reindex(ids)
    recent = (as_of - last_interview).dt.days <= 30
    applied = applications.set_index("application_id")["applied_on"].reindex(ids)
    fresh = (as_of - applied).dt.days <= 30
    replied = first(("reply",)).notna()
    status = status.fillna(
        pd.Series(
            np.select(
                [last_interview.notna() & recent, last_interview.notna(), replied, fresh],
                ["Interviewing", "Ghosted", "Heard back", "Applied"],
                "No response",
            ),
            index=ids,
        )
    )
    out["status"] = status.to_numpy()
    out["offer_date"] = first(("offer",)).to_numpy()
    out["outcome_date"] = outcome.to_numpy()
    notes = ev.dropna(subset=["note"]).groupby("application_id", observed=True)["note"].first()
    out["notes"] = notes.reindex(ids).to_numpy()
    return out
