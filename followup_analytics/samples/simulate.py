"""Seeded simulation of job searches with small, documented, confounded planted effects."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import norm

from ..errors import ArgumentError
from ..log import CATEGORIES, DATE_DTYPE, JobSearchLog
from . import _people
from ._pipeline import Events, interview_stage, pick, post_rejection

#: Planted effects and the confounding structure of :func:`simulate` (all overridable
#: through its ``effects=`` argument). Keys:
#:
#: ``thank_you_offer_odds_ratio``
#:     Within a seeker, among interviewed applications, sending at least one thank-you note
#:     after an interview multiplies the odds of an offer by this factor (1.6).
#: ``followup_response_risk_ratio`` and ``landmark_day``
#:     Among applications still waiting (no response, not withdrawn) at day 7 after applying,
#:     a follow-up sent by day 7 multiplies the chance of a later response by 1.25 (exact
#:     per application, so also within seeker). The extra responses are replies and
#:     rejections: a nudge gets an answer, not a job, so follow-ups after applying have no
#:     planted effect on interviews or offers.
#: ``tiered_cadence_odds_ratio``
#:     The tiered cadence (email at once, letter after about a week, phone call after about
#:     ten business days) has no effect of its own (1.0, a planted null) on interviews or
#:     offers; on responses it acts only through its day-0/1 email (the effect above).
#: ``strength_sd``
#:     Standard deviation of the seeker-level latent strength z (the confounder).
#: ``strength_on_*``
#:     Log-odds per unit of z: stronger seekers follow up more (``followup``), write more
#:     thank-you notes (``thank_you``), use the tiered cadence more (``cadence``), send more
#:     post-rejection notes (``note``), and hear back (``response``), get interviews
#:     (``interview``) and offers (``offer``) more often. Naive pooled comparisons therefore
#:     overstate every strategy effect; comparisons within seeker recover the planted ones.
#: ``referral_share`` and ``referral_interview_odds_ratio``, ``referral_offer_odds_ratio``
#:     Referred applications are rare and yield about 5x the offers.
#: ``reapply_after_note`` and ``reapply_without_note``
#:     After a rejection, the probability of a new application at the same company that is
#:     invited to interview within a year, with and without a still-interested or
#:     feedback-request note (0.10 vs 0.03: risk ratio about 3.3, also confounded by z).
PLANTED_EFFECTS: dict[str, float] = {
    "thank_you_offer_odds_ratio": 1.6,
    "followup_response_risk_ratio": 1.25,
    "landmark_day": 7,
    "tiered_cadence_odds_ratio": 1.0,
    "strength_sd": 1.0,
    "strength_on_followup": 0.9,
    "strength_on_thank_you": 1.2,
    "strength_on_cadence": 1.0,
    "strength_on_note": 0.8,
    "strength_on_response": 0.35,
    "strength_on_interview": 0.45,
    "strength_on_offer": 0.9,
    "referral_share": 0.05,
    "referral_interview_odds_ratio": 5.0,
    "referral_offer_odds_ratio": 2.0,
    "reapply_after_note": 0.10,
    "reapply_without_note": 0.03,
}

_RESP_MEDIAN, _RESP_SIGMA = 7.0, 0.9  # days to first response (lognormal)
_FU_CHANNELS = ("email", "phone", "voicemail", "in_person", "linkedin", "text")
_FU_CHANNEL_P = (0.63, 0.15, 0.06, 0.14, 0.01, 0.01)
_FU_DELAY_EDGES = ((2, 6), (7, 13), (14, 20), (21, 35))  # <1 w, 1-2 w, 2-3 w, 3+ w
_FU_DELAY_TARGET = (0.29, 0.36, 0.25, 0.10)


def _delay_weights(p_resp: float) -> np.ndarray:
    """Planned follow-up delay shares that leave the *observed* shares at the target.

    A follow-up is only sent while the application is still waiting, so late follow-ups
    are thinned by early responses; planned shares are inflated by 1 / P(still waiting).
    """
    mid = np.array([(lo + hi) / 2 for lo, hi in _FU_DELAY_EDGES])
    waiting = 1 - p_resp * norm.cdf(np.log(mid / _RESP_MEDIAN) / _RESP_SIGMA)
    w = np.array(_FU_DELAY_TARGET) / waiting
    return w / w.sum()


def _draw_delay(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    bucket = rng.choice(len(weights), size=n, p=weights)
    lo = np.array([e[0] for e in _FU_DELAY_EDGES])[bucket]
    hi = np.array([e[1] for e in _FU_DELAY_EDGES])[bucket]
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _lognormal_days(
    rng: np.random.Generator, n: int, median: float, sigma: float, minimum: int = 1
) -> np.ndarray:
    days = np.rint(median * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)
    return np.maximum(days, minimum)


def _applications(
    rng: np.random.Generator,
    seekers: pd.DataFrame,
    per_seeker: tuple[int, int],
    horizon: int,
    start: pd.Timestamp,
    eff: Mapping[str, float],
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Applications as integer codes, and the labels the codes index."""
    lo, hi = per_seeker
    counts = rng.integers(lo, hi + 1, len(seekers))
    s = np.repeat(np.arange(len(seekers)), counts)
    n = len(s)
    begin = rng.integers(0, 45, len(seekers))[s]
    end = (horizon - rng.integers(0, 12, len(seekers)))[s]
    day = begin + np.floor(rng.random(n) * (end - begin + 1)).astype(np.int64)
    weekday = (start.weekday() + day) % 7
    shift = (weekday >= 5) & (rng.random(n) < 0.85)
    day = np.minimum(day + np.where(shift, 7 - weekday, 0), horizon)
    pool = _people.companies(rng, 1200)
    company = rng.integers(0, len(pool), n)
    referral = rng.random(n) < eff["referral_share"]
    source = rng.choice(len(_people.JOB_SOURCES), size=n, p=_people.JOB_SOURCE_WEIGHTS)
    program = pd.Index(_people.PROGRAMS).get_indexer(pd.Index(seekers["program"]))
    industry = pd.Index(_people.INDUSTRIES).get_indexer(pd.Index(pool["industry"]))
    apps = pd.DataFrame(
        {
            "s": s,
            "day": day,
            "company": company,
            "role": _people.roles(rng, program[s]),
            "industry": industry[company],
            "job_source": np.where(referral, _people.SOURCE_LABELS.index("Referral"), source),
            "referral": referral,
        }
    )
    labels = {
        "company": pool["company"].to_numpy(),
        "role": np.array(_people.ROLE_LABELS),
        "industry": np.array(_people.INDUSTRIES),
        "job_source": np.array(_people.SOURCE_LABELS),
    }
    return apps, labels


def simulate(
    n_seekers: int = 48,
    applications_per_seeker: tuple[int, int] = (60, 140),
    *,
    seed: int = 2026,
    start: str = "2026-01-05",
    as_of: str = "2026-10-30",
    effects: Mapping[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a cohort's job searches as canonical ``(events, applications)`` frames.

    The data are synthetic and are not evidence about real job searches: they follow the
    published ranges listed in ``data_samples/README.md`` (interview rate about 10-15%,
    offers after about 20-30% of interviews, 40-75% never hear back, first response after a
    median of about 7 days with a tail past 30, interview processes of about 23 days with
    1-3 rounds, thank-you notes after about a third of interviews, follow-up channels email
    64% / phone 21% / in person 14% / LinkedIn 1%, follow-up delays <1 w 29% / 1-2 w 36% /
    2-3 w 25% / 3+ w 10%) and plant small, confounded effects:

    * **Confounder.** Each seeker has a latent strength z ~ N(0, ``strength_sd``). Stronger
      seekers follow up more, send more thank-you and post-rejection notes, use the tiered
      cadence more, and also hear back, get interviews and get offers more often. Naive
      pooled comparisons therefore overstate every effect below.
    * **Thank-you notes.** Within a seeker, a thank-you note after an interview multiplies
      the odds of an offer by ``thank_you_offer_odds_ratio`` (1.6). The pooled odds ratio is
      visibly larger; Cochran-Mantel-Haenszel stratified by seeker recovers 1.6.
    * **Early follow-up.** Among applications still waiting at day ``landmark_day`` (7), a
      follow-up sent by then multiplies the chance of a later response by
      ``followup_response_risk_ratio`` (1.25). The extra responses are replies or
      rejections, so follow-ups after applying do not change interviews or offers.
    * **Tiered cadence (planted null).** Email at once, a letter after about a week, a
      phone call after about ten business days (each step only while still waiting), used on
      a random half of the applications of cadence-using seekers: no effect of its own on
      interviews or offers (odds ratio 1.0 within seeker), although its users are stronger
      seekers. Judge it by intention (an email on day 0-1) or at a landmark on day 16 (the
      end of the cadence); requiring the completed sequence selects applications that had
      not heard back by day 12 and biases the comparison downwards.
    * **Post-rejection notes.** A still-interested or feedback-request note after a
      rejection leads to a new application at the same company, invited to interview within
      a year, with probability ``reapply_after_note`` (0.10) vs ``reapply_without_note``
      (0.03) without one.
    * **Referrals** are about 5% of applications and yield about 5x the offers.

    See :data:`PLANTED_EFFECTS` for every parameter. Events after ``as_of`` are dropped
    (right-censoring), so late applications are still waiting.

    Parameters
    ----------
    n_seekers : int, default 48
        Number of seekers.
    applications_per_seeker : (int, int), default (60, 140)
        Inclusive range of the number of applications per seeker (uniform).
    seed : int, default 2026
        Seed of the numpy generator; the same seed gives identical frames.
    start, as_of : date-like
        First possible application date and the censoring date.
    effects : mapping, optional
        Overrides for :data:`PLANTED_EFFECTS` (e.g. ``{"thank_you_offer_odds_ratio": 1.0}``).

    Returns
    -------
    events : DataFrame
        One row per event: ``application_id`` (str), ``date`` (datetime64[s]), ``event``,
        ``channel``, ``letter_type``, ``recipient`` (ordered categoricals of
        :mod:`followup_analytics.vocab`; channel/type/recipient are set for follow-ups and
        missing otherwise), ``note`` (str or missing). Sorted by application and date.
    applications : DataFrame
        One row per application: ``application_id``, ``seeker`` (``S001`` ...), ``company``,
        ``role``, ``applied_on`` (datetime64[s]), and the carried columns ``seeker_name``,
        ``email``, ``program``, ``cohort``, ``adviser``, ``job_source``, ``referral``
        ("Yes"/"No") and ``industry``.

    Raises
    ------
    ArgumentError
        When an argument is out of range or ``effects`` has an unknown key.

    Examples
    --------
    >>> from followup_analytics.samples import simulate
    >>> events, applications = simulate(n_seekers=3, seed=7)
    >>> events.columns[:3].tolist()
    ['application_id', 'date', 'event']
    >>> applications["seeker"].nunique()
    3
    """
    unknown = sorted(set(effects or {}) - set(PLANTED_EFFECTS))
    if unknown:
        raise ArgumentError(
            f"effects has unknown key(s) {unknown}; allowed: {sorted(PLANTED_EFFECTS)}"
        )
    lo, hi = applications_per_seeker
    if n_seekers < 1 or lo < 1 or hi < lo:
        raise ArgumentError(
            "n_seekers must be >= 1 and applications_per_seeker a (low, high) "
            f"range with 1 <= low <= high; got {n_seekers}, "
            f"{applications_per_seeker}"
        )
    eff = {**PLANTED_EFFECTS, **(effects or {})}
    t0, t_end = pd.Timestamp(start).normalize(), pd.Timestamp(as_of).normalize()
    horizon = int((t_end - t0).days)
    if horizon < 30:
        raise ArgumentError(f"as_of ({as_of}) must be at least 30 days after start ({start})")
    rng = np.random.default_rng(seed)

    seekers = _people.people(rng, n_seekers)
    z_seeker = eff["strength_sd"] * rng.standard_normal(n_seekers)
    cadence_user = rng.random(n_seekers) < expit(-1.2 + eff["strength_on_cadence"] * z_seeker)
    apps, labels = _applications(rng, seekers, (lo, hi), horizon - 1, t0, eff)
    ev = Events(rng)
    _after_applying(rng, apps, z_seeker, cadence_user, eff, ev)
    reapps = post_rejection(rng, apps, z_seeker, eff, ev, horizon)
    events, applications = _assemble(
        ev, pd.concat([apps, reapps], ignore_index=True), labels, seekers, t0, horizon
    )
    return events, applications


def _after_applying(
    rng: np.random.Generator,
    apps: pd.DataFrame,
    z_seeker: np.ndarray,
    cadence_user: np.ndarray,
    eff: Mapping[str, float],
    ev: Events,
) -> None:
    """Responses, follow-ups after applying, the landmark effect and the interview stage."""
    n = len(apps)
    idx = np.arange(n)
    day = apps["day"].to_numpy()
    z = z_seeker[apps["s"].to_numpy()]
    ref = apps["referral"].to_numpy()
    ev.add(idx, day, "applied")

    # latent first response (before any follow-up effect)
    p_resp = np.minimum(expit(-0.45 + eff["strength_on_response"] * z + 0.8 * ref), 0.8)
    resp = rng.random(n) < p_resp
    d = _lognormal_days(rng, n, _RESP_MEDIAN, _RESP_SIGMA)
    p_int = expit(
        -1.15
        + eff["strength_on_interview"] * z
        + np.log(eff["referral_interview_odds_ratio"]) * ref
    )
    interview = resp & (rng.random(n) < p_int)

    # follow-ups after applying: the tiered cadence or the usual 1-2 follow-ups
    cadence = cadence_user[apps["s"].to_numpy()] & (rng.random(n) < 0.5)
    wants = ~cadence & (rng.random(n) < expit(-0.5 + eff["strength_on_followup"] * z))
    t1 = _draw_delay(rng, n, _delay_weights(float(p_resp.mean())))
    t2 = t1 + rng.integers(7, 15, n)
    second = wants & (rng.random(n) < 0.35)
    c_days = np.stack([rng.integers(0, 2, n), rng.integers(6, 9, n), rng.integers(13, 16, n)])

    # landmark effect: a follow-up by day L while still waiting raises a later response
    L = int(eff["landmark_day"])
    waiting_at_l = ~(resp & (d <= L))
    early = np.where(cadence, c_days[0], np.where(wants, t1, L + 1))
    fu_by_l = waiting_at_l & (early <= L) & (cadence | wants)
    p_late = p_resp * (1 - norm.cdf(np.log((L + 0.5) / _RESP_MEDIAN) / _RESP_SIGMA))
    q = p_late / (1 - p_resp + p_late)  # P(response after L | waiting at L)
    rr = eff["followup_response_risk_ratio"]
    convert = fu_by_l & ~resp & (rng.random(n) < np.clip((rr - 1) * q / (1 - q), 0, 1))
    d = np.where(convert, np.maximum(L, early) + _lognormal_days(rng, n, 6.0, 0.7), d)
    resp = resp | convert

    first_resp = np.where(resp, d, np.iinfo(np.int64).max)
    chan = pick(rng, "channel", _FU_CHANNELS, _FU_CHANNEL_P, (2, n))
    ftype = pick(rng, "letter_type", ("status_check", "value_add"), (0.88, 0.12), (2, n))
    recip = pick(rng, "recipient", ("hr", "recruiter", "hiring_manager"), (0.4, 0.3, 0.3), (3, n))
    for k, (t, mask) in enumerate(((t1, wants), (t2, second))):
        ok = mask & (t < first_resp)
        ev.add(idx[ok], day[ok] + t[ok], "followup", chan[k, ok], ftype[k, ok], recip[k, ok])
    for k, channel in enumerate(("email", "letter", "phone")):
        ok = cadence & (c_days[k] < first_resp)
        ev.add(idx[ok], day[ok] + c_days[k, ok], "followup", channel, ftype[0, ok], recip[k, ok])

    # what the first response was
    no_int = resp & ~interview
    reply_only = no_int & ((rng.random(n) < 0.25) | (convert & (rng.random(n) < 0.4)))
    reject_now = no_int & ~reply_only
    ev.add(idx[reject_now], day[reject_now] + d[reject_now], "rejection")
    ev.add(idx[reply_only], day[reply_only] + d[reply_only], "reply")
    later = reply_only & (rng.random(n) < 0.5)
    ev.add(idx[later], day[later] + d[later] + rng.integers(5, 26, n)[later], "rejection")

    via_reply = interview & (rng.random(n) < 0.5)
    ev.add(idx[via_reply], day[via_reply] + d[via_reply], "reply")
    first_interview = d + np.where(via_reply, rng.integers(2, 10, n), 0)
    interview_stage(
        rng,
        idx[interview],
        day[interview] + first_interview[interview],
        z[interview],
        ref[interview],
        eff,
        ev,
    )

    # some applications that never heard back are withdrawn
    quiet = ~resp & (rng.random(n) < 0.04)
    last_fu = np.where(second, t2, np.where(wants, t1, np.where(cadence, c_days[2], 0)))
    w_day = np.maximum(last_fu + 2, rng.integers(10, 61, n))
    ev.add(idx[quiet], day[quiet] + w_day[quiet], "withdrawn")


def _strings(values: np.ndarray, index: np.ndarray) -> pd.Series:
    """``values[index]`` as a pandas string column, converting each distinct value once."""
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    return pd.Series(pd.Categorical.from_codes(inverse[index], categories=pd.Index(uniq))).astype(
        "string"
    )


def _assemble(
    ev: Events,
    apps: pd.DataFrame,
    labels: dict[str, np.ndarray],
    seekers: pd.DataFrame,
    t0: pd.Timestamp,
    horizon: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order applications, give them ids, censor at ``as_of`` and build the frames."""
    order = np.lexsort((np.arange(len(apps)), apps["day"].to_numpy(), apps["s"].to_numpy()))
    apps = apps.iloc[order].reset_index(drop=True)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    s = apps["s"].to_numpy()
    counter = np.arange(len(apps)) - np.searchsorted(s, s)  # position within the seeker
    width = max(3, len(str(int(counter.max()) + 1)))
    numbers = pd.Series(np.arange(1, counter.max() + 2)).astype(str).str.zfill(width)
    ids = _strings(seekers["seeker"].to_numpy(), s) + "-" + _strings(numbers.to_numpy(), counter)

    def per_seeker(col: str) -> pd.Series:
        return _strings(seekers[col].to_numpy(), s)

    def per_app(col: str) -> pd.Series:
        return _strings(labels[col], apps[col].to_numpy())

    applications = pd.DataFrame(
        {
            "application_id": ids,
            "seeker": per_seeker("seeker"),
            "company": per_app("company"),
            "role": per_app("role"),
            "applied_on": (t0 + pd.to_timedelta(apps["day"], unit="D")).astype(DATE_DTYPE),
            "seeker_name": per_seeker("seeker_name"),
            "email": per_seeker("email"),
            "program": per_seeker("program"),
            "cohort": per_seeker("cohort"),
            "adviser": per_seeker("adviser"),
            "job_source": per_app("job_source"),
            "referral": _strings(np.array(["No", "Yes"]), apps["referral"].to_numpy().astype(int)),
            "industry": per_app("industry"),
        }
    )
    raw = ev.frame()
    raw = raw.loc[raw["day"].to_numpy() <= horizon]
    pos = rank[raw["app"].to_numpy()]
    sort = np.lexsort((np.arange(len(raw)), raw["day"].to_numpy(), pos))
    pos, raw = pos[sort], raw.iloc[sort]

    def vocab_col(name: str) -> pd.Categorical:
        return pd.Categorical.from_codes(raw[name].to_numpy(), dtype=CATEGORIES[name])

    events = pd.DataFrame(
        {
            "application_id": pd.Series(ids.to_numpy()[pos], dtype="string"),
            "date": (t0 + pd.to_timedelta(raw["day"].to_numpy(), unit="D")).astype(DATE_DTYPE),
            "event": vocab_col("event"),
            "channel": vocab_col("channel"),
            "letter_type": vocab_col("letter_type"),
            "recipient": vocab_col("recipient"),
            "note": pd.Series(raw["note"].to_numpy(), dtype="string"),
        }
    )
    return events, applications


def simulate_log(
    n_seekers: int = 48,
    applications_per_seeker: tuple[int, int] = (60, 140),
    *,
    seed: int = 2026,
    start: str = "2026-01-05",
    as_of: str = "2026-10-30",
    effects: Mapping[str, float] | None = None,
) -> JobSearchLog:
    """Simulate job searches (see :func:`simulate`) and return them as a :class:`JobSearchLog`.

    Parameters are those of :func:`simulate`; ``as_of`` becomes the log's censoring date.

    Returns
    -------
    JobSearchLog
        Events and applications as documented in :func:`simulate`.

    Examples
    --------
    >>> import followup_analytics as fa
    >>> log = fa.simulate_log(n_seekers=3, seed=7)
    >>> len(log.seekers), log.as_of.date().isoformat()
    (3, '2026-10-30')
    """
    events, applications = simulate(
        n_seekers, applications_per_seeker, seed=seed, start=start, as_of=as_of, effects=effects
    )
    return JobSearchLog.from_frames(events, applications, as_of=as_of)
