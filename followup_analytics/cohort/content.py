"""The cohort report's tables, computed once from a privacy-reduced log.

Every table has the breakdown column first (named after ``by``, or ``group`` without a
breakdown) whose first rows are the whole cohort (:data:`~.suppression.TOTAL`), then one row
per group. Counts are suppressed here (see :mod:`.suppression`); the renderers only format.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FollowupWarning
from ..log import JobSearchLog
from ..metrics.features import features
from ..metrics.funnel import funnel
from ..metrics.inference import rate_table
from ..metrics.rates import response_rates
from ..metrics.survival import time_to_response
from ..schema import OUTCOME_PHRASES
from .audit import QUANTITY, Audit, Spec
from .suppression import TOTAL, Additive
from .table import ALL, GROUP, Table

RATE_DEPS = ("rate", "ci_low", "ci_high")
OUTCOME_LABELS = {
    **{o: OUTCOME_PHRASES[o] for o in ("response", "interview", "offer")},
    "seeker_offer": "seekers with an offer",
}
"""Readable names of the ``outcome`` values (figures and charts)."""
STAGES = ("applied", "responded", "interviewed", "offered", "accepted")
REACH = {"response": "responded", "interview": "interviewed", "offer": "offered"}
FOLLOWUP_BREAKDOWNS = {
    "timing": "Follow-up timing (days after the trigger)",
    "channel": "Follow-up channel",
    "letter_type": "Letter type",
}


#: Why the timing shares are not a comparison of timings (shown under the timing table).
_TIMING_CAVEAT = (
    " These shares describe, they do not compare timings: an application followed up late "
    "had already waited longer without an answer, so later follow-ups meet fewer responses "
    'whatever their effect (response_rates(log, by="timing") sets each one beside '
    "applications not yet followed up on the same day)."
)


def _q(frame: pd.DataFrame, by_name: str, *parts: object) -> pd.Series:
    """Quantity keys ``part|...|<group>`` (see :mod:`.audit`): equal keys are one number."""
    out = pd.Series("|".join(str(p) for p in parts), index=frame.index, dtype="string")
    return out + "|" + frame[by_name].astype("string")


def _labels(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("(missing)")


def _stack(
    log: JobSearchLog, compute: Callable[[str], pd.DataFrame], by_name: str, has_groups: bool
) -> pd.DataFrame:
    """Run ``compute(column)`` for the whole cohort and per group; stack with the label."""
    parts = []
    for col in [ALL, GROUP] if has_groups else [ALL]:
        part = compute(col).rename(columns={col: by_name})
        part[by_name] = _labels(part[by_name])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _across(by_name: str, *keys: str) -> Additive:
    return Additive(across=((tuple(keys), by_name),))


def _overview(
    log: JobSearchLog, feats: pd.DataFrame, by_name: str, has_groups: bool, min_cell: int
) -> tuple[Table, Spec]:
    ev = log.events
    fu = ev.loc[ev["event"].eq("followup").fillna(False).to_numpy(), "application_id"]
    n_fu = fu.value_counts()

    def compute(col: str) -> pd.DataFrame:
        f = feats.assign(_fu=feats["application_id"].map(n_fu).fillna(0).astype(int))
        g = f.groupby(col, observed=True, sort=True)
        return pd.DataFrame(
            {
                "seekers": g["seeker"].nunique(),
                "applications": g.size(),
                "followups": g["_fu"].sum(),
            }
        ).reset_index()

    frame = _stack(log, compute, by_name, has_groups)
    counts = ("seekers", "applications", "followups")
    for c, q in zip(counts, ("seekers", "apps", "followups"), strict=True):
        frame[QUANTITY + c] = _q(frame, by_name, q)
    return Table(
        "overview",
        "Cohort at a glance",
        "Seekers, applications and follow-ups logged, for the whole cohort and per group.",
        frame,
        counts,
    ), Spec(counts, _across(by_name))


def _outcomes(
    log: JobSearchLog, feats: pd.DataFrame, by_name: str, has_groups: bool, min_cell: int
) -> tuple[Table, Spec]:
    parts = []
    for outcome in ("response", "interview", "offer"):
        part = _stack(
            log,
            functools.partial(response_rates, log, outcome=outcome, min_n=min_cell),
            by_name,
            has_groups,
        )
        part.insert(1, "outcome", outcome)
        part.insert(2, "unit", "application")
        parts.append(part)

    def seekers(col: str) -> pd.DataFrame:
        per = feats.groupby([col, "seeker"], observed=True, sort=True)["offered"].any()
        g = per.groupby(level=0, sort=True)
        table = rate_table(g.sum(), g.size(), min_n=min_cell)
        return table.rename_axis(col).reset_index()

    part = _stack(log, seekers, by_name, has_groups)
    part.insert(1, "outcome", "seeker_offer")
    part.insert(2, "unit", "seeker")
    parts.append(part)
    frame = pd.concat(parts, ignore_index=True).drop(columns="small_n")
    seeker = frame["outcome"].eq("seeker_offer")
    frame[QUANTITY + "n"] = _q(frame, by_name, "apps").where(~seeker, _q(frame, by_name, "seekers"))
    frame[QUANTITY + "k"] = (
        "reach|"
        + frame["outcome"].map(REACH).fillna("seeker_offer")
        + "|"
        + frame[by_name].astype("string")
    )
    spec = Spec(
        ("n", "k"), _across(by_name, "outcome"), {"n": RATE_DEPS, "k": RATE_DEPS}, (("n", "k"),)
    )
    return Table(
        "outcomes",
        "Responses, interviews and offers",
        "Share of applications that got any response (reply, interview, rejection "
        "or offer), an interview or an offer, and share of seekers with at least one "
        "offer, with Wilson 95% intervals. “Out of” counts applications (seekers for "
        "the last measure); “With the outcome” those with it.",
        frame,
        ("n", "k"),
        ("rate", "ci_low", "ci_high"),
    ), spec


def _funnel(log: JobSearchLog, by_name: str, has_groups: bool, min_cell: int) -> tuple[Table, Spec]:
    frame = _stack(log, lambda c: funnel(log, by=c, min_n=min_cell), by_name, has_groups)
    frame["stage"] = frame["stage"].astype("string")
    deps = (*RATE_DEPS, "share_of_applied")
    # n of a stage is k of the stage before (one quantity); "applied" reaches every
    # application
    prev = frame["stage"].map(dict(zip(STAGES[1:], STAGES[:-1], strict=True)))
    frame[QUANTITY + "k"] = (
        "reach|" + frame["stage"].astype("string") + "|" + frame[by_name].astype("string")
    )
    frame[QUANTITY + "n"] = (
        "reach|" + prev.fillna("applied").astype("string") + "|" + frame[by_name].astype("string")
    )
    for col in ("k", "n"):
        frame[QUANTITY + col] = frame[QUANTITY + col].str.replace(
            "reach|applied|", "apps|", regex=False
        )
    spec = Spec(("n", "k"), _across(by_name, "stage"), {"n": deps, "k": deps}, (("n", "k"),))
    return Table(
        "funnel",
        "Funnel",
        "Applications reaching each stage (furthest stage from all events: applied "
        "< responded < interviewed < offered < accepted), with the share of the stage "
        "before that reached each stage and the share of all applications.",
        frame,
        ("n", "k"),
        ("rate", "ci_low", "ci_high", "share_of_applied"),
    ), spec


def _followup(
    log: JobSearchLog, what: str, by_name: str, has_groups: bool, min_cell: int
) -> tuple[Table, Spec]:
    # all stages in each of the three tables, so that they share one eligible total
    frame = _stack(
        log,
        lambda c: response_rates(
            log, by=[c, what], outcome="response", min_n=min_cell, stage="all"
        ),
        by_name,
        has_groups,
    )
    frame[what] = frame[what].astype("string")
    frame = frame.drop(columns="small_n")
    # categories without a single follow-up in the cohort are dropped (noted once)
    whole = frame[by_name].eq(TOTAL)
    empty = set(frame.loc[whole & frame["n"].eq(0), what])
    frame = frame.loc[~frame[what].isin(empty).to_numpy()].reset_index(drop=True)
    add = Additive(across=(((what,), by_name), ((by_name,), what)))
    # every eligible follow-up falls in one category of each breakdown: the three tables
    # add up to the same unpublished totals per group
    spec = Spec(
        ("n", "k"), add, {"n": RATE_DEPS, "k": RATE_DEPS}, (("n", "k"),), {1: "eligible_followups"}
    )
    return Table(
        f"followup_{what}",
        f"Response after a follow-up, by {what.replace('_', ' ')}",
        f"{FOLLOWUP_BREAKDOWNS[what]}: among follow-ups that could still change "
        "something (eligible), the share followed by a response within 30 days. "
        "The unit is the follow-up: an application followed up three times counts "
        "three times." + (_TIMING_CAVEAT if what == "timing" else ""),
        frame,
        ("n", "k"),
        ("rate", "ci_low", "ci_high"),
        {"category": what, "dropped": sorted(empty)},
    ), spec


#: Days at which the time-to-response figure prints the applications still waiting.
AT_RISK_DAYS = (0, 7, 14, 30, 60, 90)


def _time(
    log: JobSearchLog, by_name: str, has_groups: bool, min_cell: int
) -> list[tuple[Table, Spec]]:
    results = {}

    def compute(col: str) -> pd.DataFrame:
        results[col] = time_to_response(log, by=col)
        return results[col].summary

    # n (= n_responses + n_censored) is left out: it is the total of the row
    frame = _stack(log, compute, by_name, has_groups).drop(columns=["n", "n_excluded"])
    stats = [c for c in frame.columns if c.startswith(("median", "p_response"))]
    counts = ("n_responses", "n_censored")
    add = Additive(across=(((), by_name),), within_row=(counts,))
    # responses + still waiting are the applications analysed: all of them unless some
    # were left out (undated), and the responses those with a response; where the data
    # agree, they are one quantity with the other tables' (an attacker would guess so)
    frame[QUANTITY + "n_responses"] = _q(frame, by_name, "reach", "responded")
    spec = Spec(counts, add, {c: stats for c in counts}, latent={1: "=apps"})
    curves = _stack(log, lambda c: results[c].curves, by_name, has_groups)
    from ..plots.survival import at_risk_at

    last = curves["day"].max() if len(curves) else None  # no curve: no dated response
    days = [d for d in AT_RISK_DAYS if d <= (7.0 if pd.isna(last) else max(float(last), 7.0))]
    risk = pd.DataFrame({by_name: frame[by_name]})
    for d in days:
        risk[f"day_{d}"] = [
            int(at_risk_at(curves.loc[curves[by_name].eq(g)], [d])[0]) for g in frame[by_name]
        ]
    cols = tuple(f"day_{d}" for d in days)
    # on day 0 every application analysed is waiting: the row total of the main table
    risk[QUANTITY + cols[0]] = "apps|" + risk[by_name].astype("string")
    risk_spec = Spec(cols, Additive(across=(((), by_name),)))
    return [
        (
            Table(
                "time_to_response",
                "Time to first response",
                "Days from applying to the first response (Kaplan-Meier; applications "
                "still waiting are censored at the as-of date or at withdrawal, never "
                "averaged away). “Got a response” and “Still waiting” add up to the "
                "applications analysed; “Response by day d” is the estimated share with a "
                "response by that day.",
                frame,
                counts,
                tuple(c for c in stats if c.startswith("p_response")),
                {"curves": curves},
            ),
            spec,
        ),
        (
            Table(
                "at_risk",
                "Applications still waiting",
                "Applications analysed that had no response yet, at each day after "
                "applying (the numbers under the time-to-response figure).",
                risk,
                cols,
            ),
            risk_spec,
        ),
    ]


def _shown_curves(
    curves: pd.DataFrame, time: pd.DataFrame, risk: pd.DataFrame, by_name: str, min_cell: int
) -> pd.DataFrame:
    """Curves of the groups whose counts are shown, cut where fewer than `min_cell`
    applications are still waiting (a step there would reveal a small count) and, with
    their bands, before the first day whose number still waiting is hidden (a step or a
    band's width there would tell it)."""
    shown = time.loc[
        time[["n_responses", "n_censored"]].notna().all(axis=1)
        & risk.iloc[:, 1].notna().to_numpy(),
        by_name,
    ]
    day_cols = [c for c in risk.columns if str(c).startswith("day_")]
    first_hidden = {
        row[by_name]: min(
            (float(c.removeprefix("day_")) for c in day_cols if pd.isna(row[c])),
            default=np.inf,
        )
        for _, row in risk.iterrows()
    }
    before = curves["day"].lt(curves[by_name].map(first_hidden).astype(float).fillna(np.inf))
    keep = curves[by_name].isin(set(shown)) & curves["at_risk"].ge(min_cell) & before
    curves = curves.loc[keep].reset_index(drop=True)
    steps = curves.groupby(by_name, sort=False)["events"].transform(
        lambda e: pd.Series(_coarse(e.to_numpy(), min_cell), index=e.index)
    )
    # a step per day would show how many responded that day: the curve is drawn only at
    # days where at least min_cell responses have come since the last drawn step (the
    # value there is the exact Kaplan-Meier estimate); censoring marks are left out
    out = curves.loc[steps.to_numpy(dtype=bool) | curves["day"].eq(0).to_numpy()]
    return out.assign(censored=0).reset_index(drop=True)


def _coarse(events: np.ndarray, min_cell: int) -> np.ndarray:
    """True at the rows where the events since the last True row reach `min_cell`."""
    since = itertools.accumulate(events, lambda acc, e: e if acc >= min_cell else acc + e)
    return np.fromiter(since, dtype=float, count=len(events)) >= min_cell


def private_seekers(feats: pd.DataFrame, by_name: str) -> Table:
    """Activity per seeker: for the adviser's private appendix, never the cohort report
    (one row per seeker gives back the seekers per group, and small counts per person)."""
    groups = [GROUP, "seeker"]
    g = feats.groupby(groups, observed=True, sort=True)
    frame = pd.DataFrame(
        {
            "applications": g.size(),
            "responses": g["responded"].sum(),
            "interviews": g["interviewed"].sum(),
            "offers": g["offered"].sum(),
        }
    ).reset_index()
    fu = feats["n_followups"].groupby([feats[c] for c in groups], observed=True).sum()
    frame.insert(3, "followups", fu.to_numpy())
    frame = frame.rename(columns={GROUP: by_name})[["seeker", by_name, *frame.columns[2:]]]
    counts = ("applications", "followups", "responses", "interviews", "offers")
    frame["suppressed"] = pd.array([""] * len(frame), dtype="string")
    return Table(
        "seekers",
        "Activity per seeker (pseudonymised; private appendix)",
        "One row per seeker (and group): applications, follow-ups, and applications "
        "that got a response, an interview or an offer. For the adviser only: it is "
        "not suppressed, so it must not be shared.",
        frame,
        counts,
    )


def _employers(feats: pd.DataFrame, min_cell: int, top: int = 15) -> tuple[Table, Spec]:
    company = feats["company"].astype("string").str.strip()
    g = feats.assign(company=company).dropna(subset=["company"]).groupby("company")
    counts = pd.DataFrame({"n": g.size(), "k": g["responded"].sum()})
    # twice the threshold: with fewer, k or n - k is small in most rows
    counts = (
        counts.loc[counts["n"] >= 2 * min_cell]
        .sort_values(["n", "k"], ascending=False, kind="stable")
        .head(top)
    )
    table = rate_table(counts["k"], counts["n"], min_n=min_cell).drop(columns="small_n")
    frame = table.rename_axis("company").reset_index()
    spec = Spec(("n", "k"), hides={"n": RATE_DEPS, "k": RATE_DEPS}, pairs=(("n", "k"),))
    return Table(
        "employers",
        "Employers the cohort applied to most",
        f"Companies with at least {2 * min_cell} applications from the cohort (at "
        f"most {top}), with the share of those applications that got any response.",
        frame,
        ("n", "k"),
        ("rate", "ci_low", "ci_high"),
    ), spec


def build_tables(
    log: JobSearchLog, by_name: str, has_groups: bool, min_cell: int
) -> tuple[dict[str, Table], Audit, Table]:
    """Compute every table of the report from a reduced log (see :mod:`.report`).

    Parameters
    ----------
    log : JobSearchLog
        The privacy-reduced log: pseudonymised ``seeker``, a string column ``group`` (the
        breakdown) and a constant column ``all``.
    by_name : str
        Name given to the breakdown column in the tables.
    has_groups : bool
        Whether to add per-group rows after the whole-cohort rows.
    min_cell : int
        Counts below this are suppressed.

    Returns
    -------
    tables : dict of str to Table
        ``overview``: ``[<by>, seekers, applications, followups, suppressed]``.
        ``outcomes``: ``[<by>, outcome, unit, n, k, rate, ci_low, ci_high, suppressed]``,
        outcome in response, interview, offer (unit application) and seeker_offer (unit
        seeker).
        ``funnel``: ``[<by>, stage, n, k, rate, ci_low, ci_high, share_of_applied,
        suppressed]``.
        ``followup_timing``, ``followup_channel``, ``followup_letter_type``: ``[<by>,
        <category>, n, k, rate, ci_low, ci_high, suppressed]`` (unit: eligible follow-up).
        ``time_to_response``: ``[<by>, n_responses, n_censored, median_days,
        median_ci_low, median_ci_high, p_response_<d>, p_response_<d>_ci_low,
        p_response_<d>_ci_high …, suppressed]``.
        ``strategies``: ``[<by>, strategy, level, reference, n_level, k_level, …]``, see
        :func:`.strategies.strategy_table`.
        ``at_risk``: ``[<by>, day_0, day_7 …, suppressed]`` (applications still waiting).
        ``employers``: ``[company, n, k, rate, ci_low, ci_high, suppressed]``.
        Every count is protected by one audit over all tables (:func:`.audit.protect`).
    audit : Audit
    private : Table
        ``seekers``: ``[seeker, <by>, applications, followups, responses, interviews,
        offers, suppressed]``, seekers as pseudonyms, unsuppressed (private appendix).
    """
    from .audit import protect
    from .strategies import apply_strategy_protection, strategy_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        feats = features(log)
        built = [
            _overview(log, feats, by_name, has_groups, min_cell),
            _outcomes(log, feats, by_name, has_groups, min_cell),
            _funnel(log, by_name, has_groups, min_cell),
            *(_followup(log, w, by_name, has_groups, min_cell) for w in FOLLOWUP_BREAKDOWNS),
            *_time(log, by_name, has_groups, min_cell),
            strategy_table(log, min_cell, by_name, has_groups),
            _employers(feats, min_cell),
        ]
    protected, audit = protect({t.key: (t.frame, spec) for t, spec in built}, min_cell)
    tables = {}
    for t, _ in built:
        frame = protected[t.key]
        extra = t.extra
        if t.key == "strategies":
            frame = apply_strategy_protection(extra["wide"], frame, by_name)
            extra = {k: v for k, v in extra.items() if k != "wide"}
        tables[t.key] = Table(t.key, t.title, t.description, frame, t.counts, t.percents, extra)
    time = tables["time_to_response"]
    curves = _shown_curves(
        time.extra["curves"], time.frame, tables["at_risk"].frame, by_name, min_cell
    )
    tables["time_to_response"] = Table(
        time.key,
        time.title,
        time.description,
        time.frame,
        time.counts,
        time.percents,
        {"curves": curves},
    )
    return tables, audit, private_seekers(feats, by_name)


def headline(tables: dict[str, Table]) -> dict[str, object]:
    """Whole-cohort numbers for the report's first lines (suppressed values are None)."""

    def pick(key: str, **where: str) -> pd.Series:
        f = tables[key].frame
        mask = f.iloc[:, 0].eq(TOTAL)
        for col, val in where.items():
            mask &= f[col].eq(val)
        return f.loc[mask].iloc[0]

    def val(x: Any) -> float | int | None:
        return None if pd.isna(x) else (float(x) if isinstance(x, float | np.floating) else int(x))

    ov = pick("overview")
    out: dict[str, object] = {
        "seekers": val(ov["seekers"]),
        "applications": val(ov["applications"]),
        "followups": val(ov["followups"]),
    }
    for outcome in OUTCOME_LABELS:
        row = pick("outcomes", outcome=outcome)
        out[f"{outcome}_rate"] = val(row["rate"])
    ttr = pick("time_to_response")
    out["median_days"] = val(ttr["median_days"])
    out["median_suppressed"] = bool(ttr["suppressed"])
    return out
