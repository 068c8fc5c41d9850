"""Vectorised stages of the simulation: event accumulation, interviews, post-rejection notes.

Every function works on whole arrays of applications at once; the only Python loops run over
a handful of interview rounds or event kinds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import expit

from .. import vocab
from . import _people

_NOTES: dict[str, tuple[float, tuple[str, ...]]] = {
    "applied": (
        0.12,
        (
            "Tailored CV and cover letter",
            "Found via alumni network",
            "Easy Apply",
            "Posting says no calls",
            "Applied through careers page",
        ),
    ),
    "followup": (
        0.15,
        (
            "Asked about the timeline",
            "Shared portfolio link",
            "Mentioned the hiring manager's talk",
            "Left message with reception",
            "Short and polite",
        ),
    ),
    "interview": (
        0.3,
        (
            "Phone screen",
            "Technical round",
            "Panel interview",
            "Final round with the director",
            "Take-home review",
        ),
    ),
    "reply": (
        0.25,
        (
            "Recruiter asked for availability",
            "Asked for salary expectations",
            "Auto-acknowledgement plus a person",
        ),
    ),
    "rejection": (
        0.3,
        (
            "Generic rejection email",
            "Position filled internally",
            "Went with a more senior candidate",
        ),
    ),
    "offer": (0.5, ("Verbal offer first", "Offer letter received")),
    "accepted": (0.5, ("Start date agreed",)),
    "declined": (0.5, ("Took another offer", "Salary too low")),
    "withdrawn": (0.5, ("Accepted another role", "Role changed to on-site only")),
}


_VOCABS: dict[str, tuple[str, ...]] = {
    "event": vocab.EVENTS,
    "channel": vocab.CHANNELS,
    "letter_type": vocab.LETTER_TYPES,
    "recipient": vocab.RECIPIENTS,
}


def code(field: str, label: str | None) -> int:
    """Position of ``label`` in the vocabulary of ``field`` (-1 for missing)."""
    return -1 if label is None else _VOCABS[field].index(label)


def pick(
    rng: np.random.Generator,
    field: str,
    labels: tuple[str, ...],
    p: tuple[float, ...],
    size: int | tuple[int, int],
) -> np.ndarray:
    """Draw vocabulary codes of ``field`` among ``labels`` with probabilities ``p``."""
    codes = np.array([code(field, lab) for lab in labels], dtype=np.int8)
    return codes[rng.choice(len(labels), size=size, p=p)]


class Events:
    """Accumulates simulated events as integer arrays; :meth:`frame` stacks them once.

    Vocabulary columns are held as codes into :mod:`followup_analytics.vocab`; ``add``
    takes a label (the same for every event) or an array of codes made by :func:`pick`.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._parts: list[dict[str, np.ndarray]] = []

    def add(
        self,
        app: np.ndarray,
        day: np.ndarray,
        event: str,
        channel: str | np.ndarray | None = None,
        letter_type: str | np.ndarray | None = None,
        recipient: str | np.ndarray | None = None,
    ) -> None:
        """Add events of one kind for the applications ``app`` on absolute days ``day``."""
        n = len(app)
        part = {"app": np.asarray(app, dtype=np.int64), "day": np.asarray(day, dtype=np.int64)}
        for field, v in (
            ("event", event),
            ("channel", channel),
            ("letter_type", letter_type),
            ("recipient", recipient),
        ):
            part[field] = (
                v.astype(np.int8)
                if isinstance(v, np.ndarray)
                else np.full(n, code(field, v), dtype=np.int8)
            )
        self._parts.append(part)

    def rejections(self) -> tuple[np.ndarray, np.ndarray]:
        """Applications and days of the rejections added so far."""
        rej = code("event", "rejection")
        parts = [p for p in self._parts if len(p["event"]) and p["event"][0] == rej]
        if not parts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return (
            np.concatenate([p["app"] for p in parts]),
            np.concatenate([p["day"] for p in parts]),
        )

    def frame(self) -> pd.DataFrame:
        """All events: ``app, day`` and the codes ``event, channel, letter_type, recipient``,
        plus ``note`` as a categorical of canned texts."""
        cols = ("app", "day", "event", "channel", "letter_type", "recipient")
        out = pd.DataFrame({c: np.concatenate([p[c] for p in self._parts]) for c in cols})
        texts = [t for _, ts in _NOTES.values() for t in ts]
        note = np.full(len(out), -1, dtype=np.int16)
        event = out["event"].to_numpy()
        offset = 0
        for kind, (share, ts) in _NOTES.items():  # loop over event kinds
            hit = (event == code("event", kind)) & (self._rng.random(len(out)) < share)
            note[hit] = offset + self._rng.integers(0, len(ts), int(hit.sum()))
            offset += len(ts)
        out["note"] = pd.Categorical.from_codes(note, categories=pd.Index(texts))
        return out


def interview_stage(
    rng: np.random.Generator,
    app: np.ndarray,
    first_day: np.ndarray,
    z: np.ndarray,
    ref: np.ndarray,
    eff: Mapping[str, float],
    ev: Events,
) -> None:
    """Interview rounds, thank-you notes and the outcome of interviewed applications.

    1-3 rounds a week or so apart; a thank-you habit per application (more likely for
    strong seekers) sends a note after some rounds (at least one); the offer depends on
    strength, referral and -- the planted effect -- on whether any thank-you was sent.
    """
    m = len(app)
    rounds = rng.choice(np.array([1, 2, 3]), size=m, p=(0.35, 0.40, 0.25))
    gaps = rng.integers(5, 13, (2, m))
    r_day = np.stack([first_day, first_day + gaps[0], first_day + gaps[0] + gaps[1]])
    writes = rng.random(m) < expit(-1.0 + eff["strength_on_thank_you"] * z)
    sent = rng.random((3, m)) < 0.65
    forced = np.floor(rng.random(m) * rounds).astype(np.int64)
    sent[forced, np.arange(m)] = True
    sent &= (np.arange(3)[:, None] < rounds[None, :]) & writes[None, :]
    how = rng.choice(3, size=(3, m), p=(0.78, 0.10, 0.12))  # email, letter, both
    lag = rng.choice(np.array([0, 1, 2]), size=(3, m), p=(0.5, 0.35, 0.15))
    post_lag = rng.integers(1, 4, (3, m))
    to = pick(
        rng, "recipient", ("interviewer", "hiring_manager", "recruiter"), (0.7, 0.2, 0.1), (3, m)
    )
    for r in range(3):  # loop over interview rounds
        held = r < rounds
        ev.add(app[held], r_day[r, held], "interview")
        mail = sent[r] & (how[r] != 1)
        ev.add(
            app[mail], r_day[r, mail] + lag[r, mail], "followup", "email", "thank_you", to[r, mail]
        )
        post = sent[r] & (how[r] != 0)
        ev.add(
            app[post],
            r_day[r, post] + post_lag[r, post],
            "followup",
            "letter",
            "thank_you",
            to[r, post],
        )

    last = r_day[rounds - 1, np.arange(m)]
    logit = (
        -1.75
        + eff["strength_on_offer"] * z
        + np.log(eff["thank_you_offer_odds_ratio"]) * writes
        + np.log(eff["referral_offer_odds_ratio"]) * ref
    )
    offer = rng.random(m) < expit(logit)
    outcome_day = last + np.maximum(4, np.rint(10 * np.exp(0.5 * rng.standard_normal(m))))
    outcome_day = outcome_day.astype(np.int64)
    ev.add(app[offer], outcome_day[offer], "offer")
    answer = rng.choice(3, size=m, p=(0.45, 0.40, 0.15))  # accepted, declined, none
    answer_day = outcome_day + rng.integers(2, 9, m)
    for k, kind in enumerate(("accepted", "declined")):
        ok = offer & (answer == k)
        ev.add(app[ok], answer_day[ok], kind)
    other = rng.choice(3, size=m, p=(0.72, 0.10, 0.18))  # rejection, withdrawn, ghosted
    for k, kind in enumerate(("rejection", "withdrawn")):
        ok = ~offer & (other == k)
        ev.add(app[ok], outcome_day[ok], kind)


def post_rejection(
    rng: np.random.Generator,
    apps: pd.DataFrame,
    z_seeker: np.ndarray,
    eff: Mapping[str, float],
    ev: Events,
    horizon: int,
) -> pd.DataFrame:
    """Still-interested / feedback-request notes after rejections, and the re-applications.

    Returns
    -------
    DataFrame
        The new applications (same columns as ``apps``): a later application at the same
        company, each invited to interview (they then go through :func:`interview_stage`).
    """
    rej_app, rej_day = ev.rejections()
    k = len(rej_app)
    s = apps["s"].to_numpy()[rej_app]
    z = z_seeker[s]
    note = rng.random(k) < expit(-2.3 + eff["strength_on_note"] * z)
    kind = pick(rng, "letter_type", ("still_interested", "feedback_request"), (0.55, 0.45), k)
    chan = pick(rng, "channel", ("email", "linkedin", "letter"), (0.85, 0.10, 0.05), k)
    to = pick(rng, "recipient", ("recruiter", "hiring_manager", "hr"), (0.45, 0.35, 0.20), k)
    n_day = rej_day + rng.integers(0, 8, k)
    ev.add(rej_app[note], n_day[note], "followup", chan[note], kind[note], to[note])

    p = np.where(note, eff["reapply_after_note"], eff["reapply_without_note"])
    re_day = rej_day + rng.integers(30, 301, k)
    again = (rng.random(k) < p) & (re_day <= horizon - 1)
    src = rej_app[again]
    new = (
        apps.iloc[src]
        .reset_index(drop=True)
        .assign(
            day=re_day[again], job_source=_people.SOURCE_LABELS.index("Re-applied"), referral=False
        )
    )
    m = len(new)
    new_idx = len(apps) + np.arange(m)
    ev.add(new_idx, new["day"].to_numpy(), "applied")
    contact = new["day"].to_numpy() + np.maximum(
        1, np.rint(7 * np.exp(0.6 * rng.standard_normal(m)))
    ).astype(np.int64)
    via_reply = rng.random(m) < 0.5
    ev.add(new_idx[via_reply], contact[via_reply], "reply")
    first = contact + np.where(via_reply, rng.integers(2, 10, m), 0)
    interview_stage(rng, new_idx, first, z[again], np.zeros(m, dtype=bool), eff, ev)
    return new
