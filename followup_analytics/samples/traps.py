"""A null simulator with every trap: job searches in which following up changes nothing.

:func:`simulate_traps` generates canonical ``(events, applications)`` frames whose planted
effects are all **null** (unless asked otherwise), yet which contain every way a naive
analysis of follow-ups can find an effect that is not there:

* **Strong seekers follow up more** (and thank more, and write more notes after a
  rejection) and also hear back, get interviews and get offers more often: pooled
  comparisons are confounded by the seeker.
* **Responses fade with time** (days to the first response are log-normal, median 7): an
  application still waiting on day 20 is less likely to hear back at all, so "the later the
  follow-up, the lower the response" appears with no effect of the follow-up.
* **A quick reply prevents a follow-up**: follow-ups after applying are only sent while the
  application is still waiting.
* **Interview rounds are earned by doing well**: applications heading for an offer have
  more rounds, hence more chances to send a thank-you note.
* **Quick rejections block thank-you notes**: a quarter of the first rounds end with a
  rejection on the same or the next day, before most notes would be written.
* **Thank-you notes after offers**: some seekers thank for the offer itself.
* **Undated final statuses**: a share of the final decisions (offer, rejection) has no
  date (``date_known`` False); the 0.1 importer dated them at the application's latest
  known date.
* **Post-rejection notes**: stronger seekers write more of them and come back to the same
  company more often; the note itself changes nothing.

One effect can be planted on purpose: ``thank_you_odds_ratio`` multiplies, within a seeker,
the odds of an offer when a thank-you note is sent within 24 hours of the **first**
interview round (day 0 or 1) and before any decision. The odds ratio holds exactly among the
applications without a decision two days after that round (the landmark of
``thank_you_after_interview``). Notes sent later (3 to 6 days after a round), after later
rounds or after an offer have no effect whatever ``thank_you_odds_ratio`` is.

The data are synthetic and are not evidence about real job searches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from ..errors import ArgumentError
from ..log import CATEGORIES, DATE_DTYPE, JobSearchLog
from ._people import PROGRAMS

#: The traps' strengths (log-odds per unit of the seeker's latent strength z ~ N(0, 1)) and
#: shares. Every effect of a follow-up, a thank-you note or a post-rejection note is null.
TRAPS: dict[str, float] = {
    "strength_on_followup": 1.0,
    "strength_on_thank_you": 1.0,
    "strength_on_note": 1.0,
    "strength_on_response": 0.5,
    "strength_on_interview": 0.5,
    "strength_on_offer": 0.6,
    "strength_on_comeback": 1.0,
    "quick_rejection_share": 0.25,
    "thanks_for_offer_share": 0.5,
    "undated_decision_share": 0.2,
}
_EVENT = {e: i for i, e in enumerate(CATEGORIES["event"].categories)}
_CHANNEL = {e: i for i, e in enumerate(CATEGORIES["channel"].categories)}
_TYPE = {e: i for i, e in enumerate(CATEGORIES["letter_type"].categories)}
_RECIPIENT = {e: i for i, e in enumerate(CATEGORIES["recipient"].categories)}


class _Events:
    """Events as integer arrays (application, day, event, channel, type, known)."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        app: np.ndarray,
        day: np.ndarray,
        event: str,
        channel: str | None = None,
        letter_type: str | None = None,
        known: np.ndarray | bool = True,
    ) -> None:
        n = len(app)
        self.parts.append(
            (
                np.asarray(app, np.int64),
                np.asarray(day, np.int64),
                np.full(n, _EVENT[event], np.int8),
                np.full(n, -1 if channel is None else _CHANNEL[channel], np.int8),
                np.full(n, -1 if letter_type is None else _TYPE[letter_type], np.int8),
                np.broadcast_to(np.asarray(known, bool), (n,)).copy(),
            )
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate([p[i] for p in self.parts]) for i in range(6))


def _lognormal_days(
    rng: np.random.Generator, n: int, median: float, sigma: float, minimum: int = 1
) -> np.ndarray:
    days = np.rint(median * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)
    return np.maximum(days, minimum)


def _interviews(
    rng: np.random.Generator,
    app: np.ndarray,
    r1: np.ndarray,
    z: np.ndarray,
    habit: np.ndarray,
    t: dict[str, float],
    log_or: float,
    ev: _Events,
) -> tuple[np.ndarray, np.ndarray]:
    """Rounds, thank-you notes and decisions of interviewed applications.

    Returns the rejected applications and their rejection days (dated in the log or not).
    """
    m = len(app)
    quick = rng.random(m) < t["quick_rejection_share"]
    q_lag = rng.integers(0, 2, m)  # rejection on day 0 or 1 of round 1
    # the thank-you note after round 1: within 24 h (day 0 or 1) or late (day 3-6)
    intends = rng.random(m) < habit
    lag = np.where(rng.random(m) < 0.8, rng.integers(0, 2, m), rng.integers(3, 7, m))
    # same day: the decision comes first (a note written after it is not "before")
    sent1 = intends & (~quick | (lag < q_lag))
    within_24h = sent1 & (lag <= 1) & ~quick
    offer = ~quick & (
        rng.random(m) < expit(-0.8 + t["strength_on_offer"] * z + log_or * within_24h)
    )
    # rounds are earned by doing well: applications heading for an offer have more of them
    p_rounds = np.where(offer[:, None], [0.2, 0.4, 0.4], [0.5, 0.35, 0.15])
    rounds = np.where(quick, 1, 1 + (rng.random(m)[:, None] > np.cumsum(p_rounds, 1)[:, :2]).sum(1))
    gaps = rng.integers(5, 13, (2, m))
    day = np.stack([r1, r1 + gaps[0], r1 + gaps[0] + gaps[1]])
    for r in range(3):
        held = r < rounds
        ev.add(app[held], day[r, held], "interview")
        if r == 0:
            send, d = sent1, r1 + lag
        else:  # later rounds: an independent note with the seeker's habit
            send = held & (rng.random(m) < habit)
            d = day[r] + np.where(rng.random(m) < 0.8, rng.integers(0, 2, m), rng.integers(3, 7, m))
        how = rng.choice(3, size=m, p=(0.75, 0.1, 0.15))  # email, letter, both
        for channel, pick in (("email", send & (how != 1)), ("letter", send & (how != 0))):
            ev.add(app[pick], d[pick], "followup", channel, "thank_you")
    last = day[rounds - 1, np.arange(m)]
    decided = np.where(quick, r1 + q_lag, last + rng.integers(4, 21, m))
    undated = rng.random(m) < t["undated_decision_share"]
    ev.add(app[offer], decided[offer], "offer", known=~undated[offer])
    thanks = offer & (rng.random(m) < t["thanks_for_offer_share"] * habit)
    ev.add(
        app[thanks],
        decided[thanks] + rng.integers(0, 4, m)[thanks],
        "followup",
        "email",
        "thank_you",
    )
    rejected = ~offer & (quick | (rng.random(m) < 0.7))  # the others are ghosted
    ev.add(app[rejected], decided[rejected], "rejection", known=~undated[rejected])
    return app[rejected], decided[rejected]


def simulate_traps(
    n_seekers: int = 150,
    applications_per_seeker: tuple[int, int] = (40, 120),
    *,
    seed: int = 0,
    start: str = "2026-01-05",
    as_of: str = "2026-10-30",
    thank_you_odds_ratio: float = 1.0,
    traps: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate job searches with every trap and no effect of following up (see the module).

    Parameters
    ----------
    n_seekers : int, default 150
    applications_per_seeker : (int, int), default (40, 120)
        Inclusive range of applications per seeker (uniform). The defaults give about 12,000
        applications and 2,500 interviewed ones.
    seed : int, default 0
    start, as_of : date-like
        First application date and the censoring date (events after it are dropped).
    thank_you_odds_ratio : float, default 1.0
        Within-seeker odds ratio of an offer for a thank-you note within 24 hours of the
        first round, before any decision (1.0: the null). 1.6 plants the effect the tests
        recover.
    traps : dict, optional
        Overrides for :data:`TRAPS`.

    Returns
    -------
    events : DataFrame
        Canonical events (``application_id, date, event, channel, letter_type, recipient,
        note, date_known``). An undated decision keeps ``date_known`` False and is dated,
        as the 0.1 importer did, at its application's latest known date.
    applications : DataFrame
        ``application_id, seeker, company, role, applied_on, program, job_source``
        (``program`` is constant within a seeker).
    """
    unknown = sorted(set(traps or {}) - set(TRAPS))
    if unknown:
        raise ArgumentError(f"traps has unknown key(s) {unknown}; allowed: {sorted(TRAPS)}")
    if thank_you_odds_ratio <= 0:
        raise ArgumentError(f"thank_you_odds_ratio must be positive; got {thank_you_odds_ratio}")
    t = {**TRAPS, **(traps or {})}
    rng = np.random.default_rng(seed)
    t0, t_end = pd.Timestamp(start).normalize(), pd.Timestamp(as_of).normalize()
    horizon = int((t_end - t0).days)
    lo, hi = applications_per_seeker
    zs = rng.standard_normal(n_seekers)
    s = np.repeat(np.arange(n_seekers), rng.integers(lo, hi + 1, n_seekers))
    n = len(s)
    z = zs[s]
    day0 = rng.integers(0, horizon, n)
    ev = _Events()
    idx = np.arange(n)
    ev.add(idx, day0, "applied")

    # responses fade with time: log-normal days, median 7; follow-ups change nothing
    resp = rng.random(n) < expit(-0.2 + t["strength_on_response"] * z)
    t_resp = _lognormal_days(rng, n, 7.0, 0.9)
    wait = np.where(resp, t_resp, np.iinfo(np.int64).max)
    wants = rng.random(n) < expit(-0.3 + t["strength_on_followup"] * z)
    d1 = rng.integers(1, 31, n)
    d2 = d1 + rng.integers(7, 15, n)
    second = rng.random(n) < 0.35
    for d, who in ((d1, wants), (d2, wants & second)):
        ok = who & (d <= wait)  # while still waiting (a same-day reply may come after it)
        phone = rng.random(n) < 0.25
        for channel, pick in (("email", ok & ~phone), ("phone", ok & phone)):
            ev.add(idx[pick], day0[pick] + d[pick], "followup", channel, "status_check")
    interviewed = resp & (rng.random(n) < expit(-0.2 + t["strength_on_interview"] * z))
    other = resp & ~interviewed
    reply = other & (rng.random(n) < 0.3)
    ev.add(idx[reply], day0[reply] + t_resp[reply], "reply")
    rej_now = other & ~reply
    ev.add(idx[rej_now], day0[rej_now] + t_resp[rej_now], "rejection")
    via_reply = interviewed & (rng.random(n) < 0.5)
    ev.add(idx[via_reply], day0[via_reply] + t_resp[via_reply], "reply")
    r1 = day0 + t_resp + np.where(via_reply, rng.integers(2, 10, n), 0)
    habit = expit(-0.3 + t["strength_on_thank_you"] * z)
    iv = idx[interviewed]
    rej_app, rej_day = _interviews(
        rng, iv, r1[iv], z[iv], habit[iv], t, float(np.log(thank_you_odds_ratio)), ev
    )
    quiet = ~resp & (rng.random(n) < 0.04)
    ev.add(idx[quiet], day0[quiet] + rng.integers(20, 61, n)[quiet], "withdrawn")

    # post-rejection notes: written more by strong seekers, who also come back more; the
    # note itself changes nothing
    rej_app = np.concatenate([idx[rej_now], rej_app])
    rej_day = np.concatenate([(day0 + t_resp)[rej_now], rej_day])
    k = len(rej_app)
    back = rng.random(k) < 0.06 * np.exp(t["strength_on_comeback"] * z[rej_app])
    back_day = rej_day + rng.integers(30, 200, k)
    src = rej_app[back]
    new = n + np.arange(len(src))
    ev.add(new, back_day[back], "applied")
    # the comeback is followed up like any application while waiting, and its interview
    # goes through the same rounds, notes and decisions
    m = len(src)
    wait2 = rng.integers(3, 15, m)
    d2 = rng.integers(1, 31, m)
    sent = (rng.random(m) < expit(-0.3 + t["strength_on_followup"] * z[src])) & (d2 <= wait2)
    ev.add(new[sent], back_day[back][sent] + d2[sent], "followup", "email", "status_check")
    rej2_app, rej2_day = _interviews(
        rng,
        new,
        back_day[back] + wait2,
        z[src],
        habit[src],
        t,
        float(np.log(thank_you_odds_ratio)),
        ev,
    )
    all_app = np.concatenate([rej_app, rej2_app])
    all_day = np.concatenate([rej_day, rej2_day])
    z_all = np.concatenate([z, z[src]])
    note = rng.random(len(all_app)) < expit(-2.0 + t["strength_on_note"] * z_all[all_app])
    ev.add(
        all_app[note],
        all_day[note] + rng.integers(0, 8, len(all_app))[note],
        "followup",
        "email",
        "still_interested",
    )

    company = np.concatenate([rng.integers(0, 9000, n), np.zeros(len(src), np.int64)])
    company[n:] = company[src]
    seeker = np.concatenate([s, s[src]])
    applied = np.concatenate([day0, back_day[back]])
    return _frames(ev, seeker, company, applied, rng, t0, horizon)


def _frames(
    ev: _Events,
    seeker: np.ndarray,
    company: np.ndarray,
    applied: np.ndarray,
    rng: np.random.Generator,
    t0: pd.Timestamp,
    horizon: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    app, day, event, channel, letter_type, known = ev.arrays()
    keep = (day <= horizon) & (applied[app] <= horizon)
    app, day, event, channel, letter_type, known = (
        a[keep] for a in (app, day, event, channel, letter_type, known)
    )
    order = np.lexsort((event, day, app))
    app, day, event, channel, letter_type, known = (
        a[order] for a in (app, day, event, channel, letter_type, known)
    )
    # the 0.1 importer dated an undated status at the application's latest known date
    latest = np.full(len(seeker), -1, np.int64)
    np.maximum.at(latest, app[known], day[known])
    day = np.where(known, day, latest[app])
    n_apps = len(seeker)
    ids = pd.Series(np.char.add("T", np.char.zfill(np.arange(n_apps).astype(str), 6)))
    t0_day = np.datetime64(t0.date(), "D")
    events = pd.DataFrame(
        {
            "application_id": pd.Series(ids.to_numpy()[app], dtype="string"),
            "date": (t0_day + day).astype(DATE_DTYPE),
            "event": pd.Categorical.from_codes(event, dtype=CATEGORIES["event"]),
            "channel": pd.Categorical.from_codes(channel, dtype=CATEGORIES["channel"]),
            "letter_type": pd.Categorical.from_codes(letter_type, dtype=CATEGORIES["letter_type"]),
            "recipient": pd.Categorical.from_codes(
                np.where(event == _EVENT["followup"], _RECIPIENT["unknown"], -1),
                dtype=CATEGORIES["recipient"],
            ),
            "note": pd.Series(pd.NA, index=range(len(app)), dtype="string"),
            "date_known": known,
        }
    )
    present = np.flatnonzero(applied <= horizon)
    n_seekers = int(seeker.max()) + 1 if len(seeker) else 0
    program = rng.integers(0, len(PROGRAMS), n_seekers)
    applications = pd.DataFrame(
        {
            "application_id": pd.Series(ids.to_numpy()[present], dtype="string"),
            "seeker": pd.Series(
                np.char.add("S", np.char.zfill(seeker[present].astype(str), 3)), dtype="string"
            ),
            "company": pd.Series(
                np.char.add("Firm ", np.char.zfill(company[present].astype(str), 3)), dtype="string"
            ),
            "role": pd.Series("Analyst", index=range(len(present)), dtype="string"),
            "applied_on": (t0_day + applied[present]).astype(DATE_DTYPE),
            "program": pd.Series(np.asarray(PROGRAMS)[program[seeker[present]]], dtype="string"),
            "job_source": pd.Series(
                np.where(rng.random(len(present)) < 0.5, "Job board", "Company website"),
                dtype="string",
            ),
        }
    )
    return events, applications


def simulate_traps_log(
    n_seekers: int = 150,
    applications_per_seeker: tuple[int, int] = (40, 120),
    *,
    seed: int = 0,
    start: str = "2026-01-05",
    as_of: str = "2026-10-30",
    thank_you_odds_ratio: float = 1.0,
    traps: dict[str, float] | None = None,
) -> JobSearchLog:
    """:func:`simulate_traps` as a :class:`~followup_analytics.JobSearchLog` (same arguments)."""
    events, applications = simulate_traps(
        n_seekers,
        applications_per_seeker,
        seed=seed,
        start=start,
        as_of=as_of,
        thank_you_odds_ratio=thank_you_odds_ratio,
        traps=traps,
    )
    return JobSearchLog.from_frames(events, applications, as_of=as_of)
