"""Per-application and per-follow-up features: the counting base of every analysis.

Two units of analysis exist, and every analysis says which one it uses:

* the **application** (:func:`features`, one row per application): response, interview and
  offer rates, the funnel, the landmark comparison, strategies vs offers, the summary;
* the **follow-up event** (:func:`followups`, one row per follow-up): response rates by the
  follow-up's timing, channel, letter type, recipient and stage. An application followed up
  three times contributes up to three rows, so these rates describe follow-ups, not seekers.

Definitions (docs/definitions.md):

* a *response* is a reply, interview, rejection or offer (an ``accepted``/``declined`` event
  implies an offer, hence a response); silence is not an event;
* the *furthest stage* is taken from all events (applied < responded < interviewed < offered
  < accepted), so a final rejection never erases an earlier interview;
* a follow-up's *stage* is ``after_rejection`` when a rejection is dated before it,
  else ``after_interview`` when an interview is, else ``after_application``; its *trigger*
  is that rejection, the latest such interview, or the application; *delay* is the number of
  days from the trigger to the follow-up, bucketed by ``buckets``. Same-day tie rule (never
  the order of the rows): a rejection (interview) dated the same day counts as before the
  follow-up only for a still-interested or feedback note (a thank-you note); any other
  follow-up that day came first;
* undated events (``date_known`` False) are never triggers, rounds or dates.

Everything is computed with numpy on the event order of the log (events are sorted by
application and date), never with a Python loop over rows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import vocab
from ..errors import ArgumentError
from ..log import JobSearchLog
from ..schema import Definition, attach
from . import thank_you as _ty
from ._events import _Index, _int_na, _nullable, _per_rank_any, _search, _take, _to_date

#: Upper edges (inclusive, in days) of the follow-up timing buckets: 0–1, 2–3, 4–7, 8–14,
#: 15–30 and 31+ days.
DEFAULT_BUCKETS: tuple[int, ...] = (1, 3, 7, 14, 30)
FOLLOWUP_STAGES: tuple[str, ...] = ("after_application", "after_interview", "after_rejection")
STAGE_DTYPE = pd.CategoricalDtype(list(vocab.STAGES), ordered=True)
FOLLOWUP_STAGE_DTYPE = pd.CategoricalDtype(list(FOLLOWUP_STAGES), ordered=True)
#: The tiered cadence: (channels, first day, last day) after applying, all before a response.
CADENCE: tuple[tuple[tuple[str, ...], int, int], ...] = (
    (("email",), 0, 3),
    (("letter",), 5, 9),
    (("phone", "voicemail"), 12, 16),
)
#: Days after a rejection within which a later interview or offer at the same company counts.
REAPPLY_DAYS = 365
#: Days after a rejection within which a still-interested or feedback note counts; the
#: comeback that follows is counted after this window, once it is observed.
NOTE_DAYS = 14
_POST_REJECTION_TYPES = ("still_interested", "feedback_request")
#: Per log (held weakly: a log's results go with it): its event index and, for the latest
#: :data:`_KEEP` (window, buckets) and frames asked for, the arrays and frames built.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEEP = 16


def timing_dtype(buckets: tuple[int, ...] = DEFAULT_BUCKETS) -> pd.CategoricalDtype:
    """Ordered categorical of the timing buckets, e.g. ``"0–1", "2–3", …, "31+"``."""
    edges = _check_buckets(buckets)
    lows = (0, *[e + 1 for e in edges])
    labels = [f"{lo}–{hi}" if lo != hi else f"{lo}" for lo, hi in zip(lows, edges, strict=False)]
    return pd.CategoricalDtype([*labels, f"{lows[-1]}+"], ordered=True)


def _check_buckets(buckets: tuple[int, ...]) -> tuple[int, ...]:
    edges = tuple(int(b) for b in buckets)
    if not edges or edges[0] < 0 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ArgumentError(
            "buckets must be increasing non-negative upper day edges, e.g. "
            f"{DEFAULT_BUCKETS}; got {buckets!r}"
        )
    return edges


def _bucket(delay: np.ndarray, buckets: tuple[int, ...]) -> pd.Categorical:
    dtype = timing_dtype(buckets)
    ok = np.isfinite(delay) & (delay >= 0)
    codes = np.where(ok, np.searchsorted(np.asarray(buckets), np.where(ok, delay, 0)), -1)
    return pd.Categorical.from_codes(codes, dtype=dtype)


# --------------------------------------------------------------------------- follow-ups
def _followup_arrays(
    ix: _Index,
    window: int,
    buckets: tuple[int, ...],
    first_response: np.ndarray,
    first_offer: np.ndarray,
) -> dict[str, Any]:
    """Per follow-up event: stage, trigger, delay, eligibility and outcomes (numpy)."""
    fu = ix.mask("followup") & ~ix.repeat_action  # one row per follow-up action
    rank, day, key = ix.rank[fu], ix.day[fu], ix.key[fu]
    base = rank * ix.big
    res: dict[str, Any] = {"index": np.flatnonzero(fu), "rank": rank, "day": day}
    iv = ix.mask("interview") & ix.known  # an undated event is never a trigger
    rej = ix.mask("rejection") & ix.known
    # ties: an interview (rejection) dated the same day as the follow-up comes first only
    # for the notes that answer it (a thank-you; a still-interested or feedback note);
    # any other follow-up that day is taken to come first (the order of rows never counts)
    letter = ix.codes["letter_type"][res["index"]]
    answers_iv = letter == vocab.LETTER_TYPES.index("thank_you")
    answers_rj = np.isin(letter, [vocab.LETTER_TYPES.index(t) for t in _POST_REJECTION_TYPES])
    i_iv = _search(ix.key[iv], key - ~answers_iv, base, ix.big, direction="on_or_before")
    i_rj = _search(ix.key[rej], key - ~answers_rj, base, ix.big, direction="on_or_before")
    stage = np.where(i_rj >= 0, 2, np.where(i_iv >= 0, 1, 0))
    trigger = np.select(
        [stage == 2, stage == 1],
        [_take(ix.day[rej], i_rj), _take(ix.day[iv], i_iv)],
        default=ix.applied[rank] if len(rank) else np.empty(0),
    )
    # an undated follow-up has no stage, trigger, delay or outcome; an application with an
    # undated response cannot tell whether it came before or after a follow-up
    dated = ix.known[fu]
    stage = np.where(dated, stage, -1)
    trigger = np.where(dated, trigger, np.nan)
    delay = day - trigger
    fr, fo = first_response[rank], first_offer[rank]
    eligible = np.select(
        [stage == 0, stage == 1], [~(fr < day), ~(fo < day)], default=True
    )  # NaN compares False
    resp = ix.mask(*vocab.RESPONSE_EVENTS, "accepted", "declined")
    undated_resp = (np.bincount(ix.rank[resp & ~ix.known], minlength=ix.n_rank) > 0)[rank]
    eligible &= dated & ~undated_resp
    resp = resp & ix.known
    offer = ix.mask("offer", "accepted", "declined") & ix.known
    # after an interview or a rejection the trigger may share the follow-up's date, so only
    # later outcomes count; after an application a same-day response counts (docs/definitions.md).
    from_key = key + (stage > 0)  # integer keys: "after d" is "on or after d + 1"
    i_rs = _search(ix.key[resp], from_key, base, ix.big, direction="on_or_after")
    i_ni = _search(ix.key[iv], key, base, ix.big, direction="after")
    i_of = _search(ix.key[offer], from_key, base, ix.big, direction="on_or_after")
    next_resp = _take(ix.day[resp], i_rs)
    res.update(
        dated=dated,
        stage=stage,
        trigger=trigger,
        delay=delay,
        timing=_bucket(delay, buckets),
        eligible=eligible,
        responded=(next_resp - day) <= window,  # NaN -> False
        interview_after=i_ni >= 0,
        offer_after=i_of >= 0,
        window_complete=dated & (day + window <= ix.as_of_day),
        iv_idx=i_iv,
    )
    return res


def _compute(log: JobSearchLog, window: int, buckets: tuple[int, ...]) -> tuple:
    if not isinstance(log, JobSearchLog):
        raise TypeError(f"log must be a JobSearchLog; got {type(log).__name__}")
    if not isinstance(window, int | np.integer) or window < 0:
        raise ArgumentError(f"window must be a non-negative whole number of days; got {window!r}")
    buckets = _check_buckets(buckets)
    cache = _CACHE.setdefault(log, {})
    if (window, buckets) in cache:
        return cache[(window, buckets)]
    _bound(cache)  # a few windows per log: alternating windows never recompute
    ix = _index(log, cache)
    resp = ix.mask(*vocab.RESPONSE_EVENTS, "accepted", "declined")
    first_resp = ix.first_day(resp)
    first_known = ix.first_day(resp & ix.known)
    first_offer = ix.first_day(ix.mask("offer", "accepted", "declined"))
    fa = _followup_arrays(ix, window, buckets, first_resp, first_offer)
    cache[(window, buckets)] = (ix, fa, first_resp, first_known, first_offer)
    return cache[(window, buckets)]


def _memo(
    log: JobSearchLog,
    window: int,
    buckets: tuple[int, ...],
    build: Callable[[JobSearchLog, int, tuple[int, ...]], pd.DataFrame],
) -> pd.DataFrame:
    """Build a frame once per (log, window, buckets); hand out shallow copies (copy-on-write
    keeps the cached frame unchanged whatever the caller does with its copy)."""
    _compute(log, window, buckets)  # validates the arguments
    cache = _CACHE[log]
    key = (build.__name__, window, _check_buckets(buckets))
    if key not in cache:
        _bound(cache)
        cache[key] = build(log, window, _check_buckets(buckets))
    return cache[key].copy(deep=False)


def _index(log: JobSearchLog, cache: dict) -> _Index:
    """The log's events as arrays, built once per log whatever the window."""
    if "index" not in cache:
        cache["index"] = _Index(log)
    return cache["index"]


def _bound(cache: dict) -> None:
    """Make room for one more result of a log: forget its oldest beyond :data:`_KEEP`."""
    results = [k for k in cache if k != "index"]
    for k in results[: max(0, len(results) - _KEEP + 1)]:
        del cache[k]


def followups(
    log: JobSearchLog, *, window: int = 30, buckets: tuple[int, ...] = DEFAULT_BUCKETS
) -> pd.DataFrame:
    """One row per follow-up event, with its stage, timing, eligibility and outcomes.

    This is the unit of :func:`~followup_analytics.response_rates` grouped by ``timing``,
    ``channel``, ``letter_type``, ``recipient`` or ``stage``.

    Parameters
    ----------
    log : JobSearchLog
    window : int, default 30
        Days after the follow-up (inclusive) within which a response counts.
    buckets : tuple of int, default DEFAULT_BUCKETS
        Inclusive upper day edges of the timing buckets.

    Returns
    -------
    DataFrame
        - ``application_id``, ``seeker``: the application the follow-up belongs to.
        - ``date``: the follow-up's date.
        - ``stage``: ``after_application`` / ``after_interview`` / ``after_rejection``
          (ordered categorical; see the module docstring).
        - ``trigger_date``: the application, latest interview or rejection it follows.
        - ``delay_days``: days from the trigger to the follow-up (Int64).
        - ``timing``: ``delay_days`` bucketed (ordered categorical, e.g. "0–1" … "31+").
        - ``channel``, ``letter_type``, ``recipient``: as logged.
        - ``eligible``: whether the follow-up can still change something. After an
          application: no response dated before it. After an interview: no offer (nor
          accepted/declined offer) dated before it. After a rejection: always.
        - ``window_complete``: ``date + window <= as_of`` (the whole window was observed).
        - ``responded_within_window``: a response dated on or after the follow-up and at most
          ``window`` days after it (NA when not eligible). After an interview or a rejection
          the trigger can share the follow-up's date, so there only responses dated after
          the follow-up count.
        - ``interview_after``: an interview dated after the follow-up, any time up to
          ``as_of`` (NA when not eligible).
        - ``offer_after``: an offer dated on or after the follow-up (after it, for
          follow-ups after an interview or rejection), any time up to ``as_of`` (NA when not
          eligible).
        - every carried application column (cohort, program …).

        ``attrs["definition"]``: outcome response within `window` days of the follow-up.

    Examples
    --------
    >>> import pandas as pd
    >>> import followup_analytics as fa
    >>> events = pd.DataFrame({
    ...     "application_id": ["a", "a", "a", "b"],
    ...     "date": ["2026-03-02", "2026-03-05", "2026-03-09", "2026-03-02"],
    ...     "event": ["applied", "followup", "reply", "applied"],
    ...     "channel": [None, "email", None, None],
    ... })
    >>> log = fa.JobSearchLog.from_frames(events, as_of="2026-06-30")
    >>> fa.followups(log)[["application_id", "delay_days", "timing", "channel", "eligible",
    ...                    "responded_within_window"]]
      application_id  delay_days timing channel  eligible  responded_within_window
    0              a           3    2–3   email      True                     True
    """
    return attach(
        _memo(log, window, buckets, _followups_frame),
        Definition("response", window=window, unit="follow-up", as_of=log.as_of, stage="follow-up"),
    )


def _followups_frame(log: JobSearchLog, window: int, buckets: tuple[int, ...]) -> pd.DataFrame:
    ix, fa, *_ = _compute(log, window, buckets)
    ev = ix.ev.iloc[fa["index"]]
    pos = ix.pos[fa["rank"]]
    apps = ix.apps
    el = fa["eligible"]
    out = pd.DataFrame(
        {
            "application_id": ev["application_id"].to_numpy(),
            "seeker": apps["seeker"].to_numpy()[pos],
            "date": ev["date"].to_numpy(),
            "stage": pd.Categorical.from_codes(fa["stage"], dtype=FOLLOWUP_STAGE_DTYPE),
            "trigger_date": _to_date(fa["trigger"]),
            "delay_days": _int_na(fa["delay"]),
            "timing": fa["timing"],
            "channel": ev["channel"].array,
            "letter_type": ev["letter_type"].array,
            "recipient": ev["recipient"].array,
            "eligible": el,
            "window_complete": fa["window_complete"],
            "responded_within_window": _nullable(fa["responded"], el),
            "interview_after": _nullable(fa["interview_after"], el),
            "offer_after": _nullable(fa["offer_after"], el),
        },
        copy=False,
    )  # fresh arrays (ev and pos are copies): no need to consolidate them
    for col in ("application_id", "seeker"):
        out[col] = out[col].astype("string")
    for col in log.carried_columns:
        out[col] = apps[col].iloc[pos].to_numpy()
        out[col] = out[col].astype(apps[col].dtype)
    return out


def _cadence(ix: _Index, fa: dict) -> np.ndarray:
    """Per rank: the tiered cadence (see ``CADENCE``) before any response."""
    channel = ix.codes["channel"][fa["index"]]
    pre = (fa["stage"] == 0) & fa["eligible"]
    since = fa["day"] - ix.applied[fa["rank"]] if len(fa["rank"]) else np.empty(0)
    steps = [
        _per_rank_any(
            ix,
            fa["rank"],
            pre
            & np.isin(channel, [vocab.CHANNELS.index(c) for c in ch])
            & (since >= lo)
            & (since <= hi),
        )
        for ch, lo, hi in CADENCE
    ]
    return np.logical_and.reduce(steps)


def _company_comeback(ix: _Index, last_rej: np.ndarray) -> np.ndarray:
    """Per rank: an interview or offer at the same seeker+company within REAPPLY_DAYS after
    the application's latest rejection (NaN when not rejected or company unknown)."""
    apps = ix.apps
    m = ix.mask("interview", "offer", "accepted", "declined") & ix.known
    need = np.isfinite(last_rej) | (np.bincount(ix.rank[m], minlength=ix.n_rank) > 0)
    rows = ix.pos[need]  # only these applications take part: factorize them alone
    seeker = pd.factorize(apps["seeker"].to_numpy(object)[rows])[0].astype(np.int64)
    company, uniques = pd.factorize(apps["company"].to_numpy(object)[rows])
    sc_rank = np.zeros(ix.n_rank, dtype=np.int64)
    sc_rank[need] = seeker * (len(uniques) + 1) + company.astype(np.int64)
    known = np.zeros(ix.n_rank, dtype=bool)
    known[need] = company >= 0
    tkey = np.sort(sc_rank[ix.rank[m]] * ix.big + (ix.day[m] - ix.dmin))
    ok = np.isfinite(last_rej) & known
    qbase = sc_rank * ix.big
    # only comebacks after the note window count (a later note cannot have caused an earlier
    # comeback), and only once that window is observed
    qkey = qbase + np.where(ok, last_rej + NOTE_DAYS - ix.dmin, 0).astype(np.int64)
    idx = _search(tkey, qkey, qbase, ix.big, direction="after")
    later = _take(tkey - (tkey // ix.big) * ix.big + ix.dmin, idx)
    ok &= last_rej + NOTE_DAYS <= ix.as_of_day
    out = np.where(ok, (later - last_rej) <= REAPPLY_DAYS, np.nan)
    return out


def _followups_after_applying(log: JobSearchLog, day: int) -> np.ndarray:
    """Per application (the rows of :func:`features`): follow-ups made after applying (stage
    ``after_application``) at most `day` days after applying. Private: the landmark count of
    :mod:`.strategies` (``n_followups``); not a column of :func:`features`."""
    ix, fa, *_ = _compute(log, 30, DEFAULT_BUCKETS)  # stage and delay ignore window, buckets
    by_day = (fa["stage"] == 0) & (fa["delay"] <= day)  # NaN delay compares False
    return ix.to_apps(np.bincount(fa["rank"][by_day], minlength=ix.n_rank), 0)


def _thank_you_landmark(log: JobSearchLog, round_no: int) -> dict[str, np.ndarray]:
    """Per application (the rows of :func:`features`): the landmark of interview round
    `round_no` (0 = first) for thank-you notes (:func:`.thank_you.landmark`). Private: the
    thank-you strategies of :mod:`.strategies`."""
    ix, fa, *_ = _compute(log, 30, DEFAULT_BUCKETS)  # notes and rounds ignore both
    cache = _CACHE[log]
    if "thank_you_rounds" not in cache:
        cache["thank_you_rounds"] = _ty.rounds(ix, fa)
    lm = _ty.landmark(ix, cache["thank_you_rounds"], round_no)
    return {k: ix.to_apps(v, False) for k, v in lm.items()}


def features(
    log: JobSearchLog, *, window: int = 30, buckets: tuple[int, ...] = DEFAULT_BUCKETS
) -> pd.DataFrame:
    """One row per application: outcomes, furthest stage, follow-ups and thank-you notes.

    Parameters
    ----------
    log : JobSearchLog
    window : int, default 30
        Days after the first follow-up within which a response counts for
        ``response_after_followup``.
    buckets : tuple of int, default DEFAULT_BUCKETS
        Inclusive upper day edges of the timing buckets (0–1, 2–3, 4–7, 8–14, 15–30, 31+).

    Returns
    -------
    DataFrame
        - ``application_id, seeker, company, role, applied_on``: from the application table.
        - ``responded``: any reply, interview, rejection or offer (or an accepted/declined
          offer), dated or not. ``first_response_on``: the earliest *dated* one (an undated
          event never acts as a date). ``days_to_response``: days from applying to the
          first response (Int64; NA when the first response's date is not known).
        - ``interviewed``, ``n_interviews`` (interview events), ``n_interview_rounds``
          (distinct dated interview days), ``first_interview_on``.
        - ``offered`` (offer, accepted or declined), ``first_offer_on``, ``accepted``,
          ``rejected``, ``withdrawn``, ``withdrawn_on`` (dates: dated events only).
        - ``undated_outcome``: a response, decision or withdrawal without a known date; such
          applications count for the stage and the outcome rates but are left out of
          every landmark comparison.
        - ``furthest_stage``: ordered categorical over applied < responded < interviewed <
          offered < accepted, from all events.
        - ``followed_up``, ``n_followups``, ``first_followup_on``; of the first follow-up:
          ``followup_delay_days`` (from its trigger), ``followup_stage``, ``channel``,
          ``letter_type``, ``recipient``, ``timing`` (bucket of the delay).
        - ``response_after_followup``: a response on or after the first follow-up and within
          ``window`` days of it; NA when not followed up or when a response came before it.
        - ``thank_you_after_interview``: a thank-you note that counts for some interview
          round: sent on the day of the round or within ``THANK_YOU_WINDOW`` (2) days after
          it, and before any decision (a note on the decision's day does not count; see
          :mod:`.thank_you`). ``thank_you_rounds``: rounds with such a note.
          ``thank_you_every_round``: every dated round thanked.
          ``thank_you_email_and_letter``: some round thanked both by email and by letter.
          All NA when never interviewed. These describe what was done; comparisons with
          offers are made at a landmark per round
          (:func:`~followup_analytics.offer_associations`).
        - ``tiered_cadence``: before any response, an email 0–3 days after applying, a letter
          5–9 days after and a phone call or voicemail 12–16 days after (``CADENCE``). Only
          applications that had not heard back by day 12 can complete it: compare it at a
          landmark (``offer_associations`` does, at day 16), never among all applications.
        - ``post_rejection_note``: a still_interested or feedback_request follow-up at most
          ``NOTE_DAYS`` (14) days after a rejection; ``comeback_at_company``: a dated
          interview or offer for the same seeker at the same company after those 14 days
          and within 365 days of the latest dated rejection (any application); NA when the
          14 days are not over by ``as_of``. Both NA when never rejected (the latter also
          when the company is unknown).
        - every carried application column (cohort, program …).

        ``attrs["definition"]``: unit application, `window`, ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> import followup_analytics as fa
    >>> events = pd.DataFrame({
    ...     "application_id": ["a", "a", "a", "b"],
    ...     "date": ["2026-03-02", "2026-03-05", "2026-03-09", "2026-03-02"],
    ...     "event": ["applied", "followup", "reply", "applied"],
    ...     "channel": [None, "email", None, None],
    ... })
    >>> log = fa.JobSearchLog.from_frames(events, as_of="2026-06-30")
    >>> fa.features(log)[["application_id", "responded", "days_to_response", "n_followups",
    ...                   "followup_delay_days"]]
      application_id  responded  days_to_response  n_followups  followup_delay_days
    0              a       True                 7            1                    3
    1              b      False              <NA>            0                 <NA>
    """
    return attach(
        _memo(log, window, buckets, _features_frame),
        Definition(
            None,
            window=window,
            unit="application",
            as_of=log.as_of,
            extra=f"response_after_followup: within {window} days of the first follow-up",
        ),
    )


def _features_frame(log: JobSearchLog, window: int, buckets: tuple[int, ...]) -> pd.DataFrame:
    """The frame of :func:`features`, built from the log's event arrays."""
    ix, fa, first_resp, first_known, _ = _compute(log, window, buckets)
    apps = ix.apps
    rnd = _ty.rounds(ix, fa)
    pr = _ty.per_rank(ix, rnd)
    outcomes = _outcome_columns(ix, first_resp, first_known, pr["n_rounds"], rnd.undated_outcome)
    out = pd.DataFrame(
        {
            **_application_columns(apps),
            **outcomes,
            **_first_followup_columns(ix, fa, first_resp, window, buckets, rnd.undated_outcome),
            **_thank_you_columns(ix, pr, outcomes["interviewed"]),
            "tiered_cadence": ix.to_apps(_cadence(ix, fa), False),
            **_after_rejection_columns(ix, fa, outcomes["rejected"]),
        },
        copy=False,
    )  # every array is fresh (copied above): skip consolidating ~40 columns
    out["application_id"] = out["application_id"].astype("string")
    for col in log.carried_columns:
        out[col] = apps[col]  # a lazy copy under copy-on-write; same RangeIndex
    return out


def _application_columns(apps: pd.DataFrame) -> dict[str, Any]:
    """Copies of the application table's id, seeker, company, role and applied_on."""
    return {
        "application_id": apps["application_id"].to_numpy(copy=True),
        "seeker": apps["seeker"].array.copy(),
        "company": apps["company"].array.copy(),
        "role": apps["role"].array.copy(),
        "applied_on": apps["applied_on"].to_numpy(copy=True),
    }


def _outcome_columns(
    ix: _Index,
    first_resp: np.ndarray,
    first_known: np.ndarray,
    n_rounds: np.ndarray,
    undated_outcome: np.ndarray,
) -> dict[str, Any]:
    """Per application: response, interviews, offer, decision, withdrawal, furthest stage."""
    n_int = ix.count(ix.mask("interview"))
    offered = ix.count(ix.mask("offer", "accepted", "declined")) > 0
    accepted = ix.count(ix.mask("accepted")) > 0
    responded = np.isfinite(first_resp)
    stage = np.select([accepted, offered, n_int > 0, responded], [4, 3, 2, 1], default=0)
    rejected = ix.count(ix.mask("rejection")) > 0

    def app(values: np.ndarray, fill: object = np.nan) -> np.ndarray:
        return ix.to_apps(values, fill)

    fr_app = app(first_resp)
    return {
        "responded": np.isfinite(fr_app),
        "first_response_on": _to_date(app(first_known)),
        "days_to_response": _int_na(
            np.where(app(first_known) == fr_app, fr_app, np.nan) - ix.applied_app
        ),
        "interviewed": app(n_int > 0, False),
        "n_interviews": app(n_int, 0),
        "n_interview_rounds": app(n_rounds, 0),
        "first_interview_on": _to_date(app(ix.first_day(ix.mask("interview") & ix.known))),
        "offered": app(offered, False),
        "first_offer_on": _to_date(
            app(ix.first_day(ix.mask("offer", "accepted", "declined") & ix.known))
        ),
        "accepted": app(accepted, False),
        "rejected": app(rejected, False),
        "withdrawn": app(ix.count(ix.mask("withdrawn")) > 0, False),
        "withdrawn_on": _to_date(app(ix.first_day(ix.mask("withdrawn") & ix.known))),
        "undated_outcome": app(undated_outcome, False),
        "furthest_stage": pd.Categorical.from_codes(app(stage, 0), dtype=STAGE_DTYPE),
    }


def _first_followup_columns(
    ix: _Index,
    fa: dict[str, Any],
    first_resp: np.ndarray,
    window: int,
    buckets: tuple[int, ...],
    undated_outcome: np.ndarray,
) -> dict[str, Any]:
    """Per application: its follow-ups, the first one's date, delay, stage, kind and reply."""
    n_fu = np.bincount(fa["rank"], minlength=ix.n_rank)
    first = np.r_[True, fa["rank"][1:] != fa["rank"][:-1]] if len(fa["rank"]) else np.empty(0, bool)
    r1 = fa["rank"][first]

    def at_first(values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        out = np.full(ix.n_rank, fill, dtype=float)
        out[r1] = values[first]
        return out

    def app(values: np.ndarray, fill: object = np.nan) -> np.ndarray:
        return ix.to_apps(values, fill)

    fu1_day = at_first(np.where(fa["dated"], fa["day"], np.nan))  # undated: no date
    fu1_ok = ~(first_resp < fu1_day) & np.isfinite(fu1_day)
    after_fu = (first_resp - fu1_day) <= window
    fu1_ok &= ~undated_outcome  # an undated response may have come before it
    rank_fu1 = np.full(ix.n_rank, -1)
    rank_fu1[r1] = np.arange(len(r1))
    pos_fu1 = app(rank_fu1, -1)
    fu_idx = fa["index"][first]
    return {
        "followed_up": app(n_fu > 0, False),
        "n_followups": app(n_fu, 0),
        "first_followup_on": _to_date(app(fu1_day)),
        "followup_delay_days": _int_na(app(at_first(fa["delay"]))),
        "followup_stage": pd.Categorical.from_codes(
            app(at_first(fa["stage"], -1), -1).astype(np.int64), dtype=FOLLOWUP_STAGE_DTYPE
        ),
        "channel": _first_category(ix, fu_idx, pos_fu1, "channel"),
        "letter_type": _first_category(ix, fu_idx, pos_fu1, "letter_type"),
        "recipient": _first_category(ix, fu_idx, pos_fu1, "recipient"),
        "timing": _bucket(app(at_first(fa["delay"])), buckets),
        "response_after_followup": _nullable(app(after_fu, False), app(fu1_ok, False)),
    }


def _first_category(
    ix: _Index, fu_idx: np.ndarray, pos_fu1: np.ndarray, col: str
) -> pd.Categorical:
    """Per application: event column `col` of its first follow-up (missing when none)."""
    codes = np.full(ix.n_apps, -1, dtype=np.int64)
    has = pos_fu1 >= 0
    codes[has] = ix.codes[col][fu_idx][pos_fu1[has]]
    return pd.Categorical.from_codes(codes, dtype=cast(pd.CategoricalDtype, ix.ev[col].dtype))


def _thank_you_columns(
    ix: _Index, pr: dict[str, np.ndarray], interviewed: np.ndarray
) -> dict[str, Any]:
    """Per application: thank-you notes after interviews (NA when never interviewed)."""
    n_rounds, thanked, ty_both = pr["n_rounds"], pr["n_thanked"], pr["both"]
    return {
        "thank_you_after_interview": _nullable(ix.to_apps(thanked > 0, False), interviewed),
        "thank_you_rounds": ix.to_apps(thanked, 0),
        "thank_you_every_round": _nullable(
            ix.to_apps((thanked == n_rounds) & (n_rounds > 0), False), interviewed
        ),
        "thank_you_email_and_letter": _nullable(ix.to_apps(ty_both, False), interviewed),
    }


def _after_rejection_columns(
    ix: _Index, fa: dict[str, Any], rejected: np.ndarray
) -> dict[str, Any]:
    """Per application: a note soon after a rejection, and a later comeback at the company."""
    last_rej = ix.last_day(ix.mask("rejection") & ix.known)
    post_note = _per_rank_any(
        ix,
        fa["rank"],
        (fa["stage"] == 2)
        & (fa["delay"] <= NOTE_DAYS)
        & np.isin(
            ix.codes["letter_type"][fa["index"]],
            [vocab.LETTER_TYPES.index(t) for t in _POST_REJECTION_TYPES],
        ),
    )
    comeback = ix.to_apps(_company_comeback(ix, last_rej), np.nan)
    return {
        "post_rejection_note": _nullable(ix.to_apps(post_note, False), rejected),
        "comeback_at_company": _nullable(comeback == 1, np.isfinite(comeback)),
    }
