"""The cohort report's tables, computed once from a privacy-reduced log.

Every table has the breakdown column first (named after ``by``, or ``group`` without a
breakdown) whose first rows are the whole cohort (:data:`~.suppression.TOTAL`), then one row
per group. Counts are suppressed here (see :mod:`.suppression`); the renderers only format.
"""

from __future__ import annotations

import warnings

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
from .suppression import TOTAL, Additive, suppress
from .table import ALL, GROUP, Table

RATE_DEPS = ("rate", "ci_low", "ci_high")
OUTCOME_LABELS = {**{o: OUTCOME_PHRASES[o] for o in ("response", "interview", "offer")},
                  "seeker_offer": "seekers with an offer"}
"""Readable names of the ``outcome`` values (figures and charts)."""
FOLLOWUP_BREAKDOWNS = {"timing": "Follow-up timing (days after the trigger)",
                       "channel": "Follow-up channel", "letter_type": "Letter type"}


def _labels(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("(missing)")


def _stack(log: JobSearchLog, compute, by_name: str, has_groups: bool) -> pd.DataFrame:
    """Run ``compute(column)`` for the whole cohort and per group; stack with the label."""
    parts = []
    for col in ([ALL, GROUP] if has_groups else [ALL]):
        part = compute(col).rename(columns={col: by_name})
        part[by_name] = _labels(part[by_name])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _across(by_name: str, *keys: str) -> Additive:
    return Additive(across=((tuple(keys), by_name),))


def _overview(log: JobSearchLog, feats: pd.DataFrame, by_name: str, has_groups: bool,
              min_cell: int) -> Table:
    ev = log.events
    fu = ev.loc[ev["event"].eq("followup").fillna(False).to_numpy(), "application_id"]
    n_fu = fu.value_counts()

    def compute(col: str) -> pd.DataFrame:
        f = feats.assign(_fu=feats["application_id"].map(n_fu).fillna(0).astype(int))
        g = f.groupby(col, observed=True, sort=True)
        return pd.DataFrame({"seekers": g["seeker"].nunique(), "applications": g.size(),
                             "followups": g["_fu"].sum()}).reset_index()

    frame = _stack(log, compute, by_name, has_groups)
    counts = ["seekers", "applications", "followups"]
    frame = suppress(frame, counts, min_cell=min_cell, additive=_across(by_name))
    return Table("overview", "Cohort at a glance",
                 "Seekers, applications and follow-ups logged, for the whole cohort and per "
                 "group.", frame, tuple(counts))


def _outcomes(log: JobSearchLog, feats: pd.DataFrame, by_name: str, has_groups: bool,
              min_cell: int) -> Table:
    parts = []
    for outcome in ("response", "interview", "offer"):
        part = _stack(log, lambda c, o=outcome: response_rates(log, by=c, outcome=o,
                                                                min_n=min_cell),
                      by_name, has_groups)
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
    frame = suppress(frame, ["n", "k"], min_cell=min_cell,
                     additive=_across(by_name, "outcome"),
                     hides={"n": RATE_DEPS, "k": RATE_DEPS})
    return Table("outcomes", "Responses, interviews and offers",
                 "Share of applications that got any response (reply, interview, rejection "
                 "or offer), an interview or an offer, and share of seekers with at least one "
                 "offer, with Wilson 95% intervals. n is the number of applications (seekers "
                 "for the last measure); k those with the outcome.", frame, ("n", "k"),
                 ("rate", "ci_low", "ci_high"))


def _funnel(log: JobSearchLog, by_name: str, has_groups: bool, min_cell: int) -> Table:
    frame = _stack(log, lambda c: funnel(log, by=c, min_n=min_cell), by_name, has_groups)
    frame["stage"] = frame["stage"].astype("string")
    deps = (*RATE_DEPS, "share_of_applied")
    frame = suppress(frame, ["n", "k"], min_cell=min_cell, additive=_across(by_name, "stage"),
                     hides={"n": deps, "k": deps})
    # n of a stage is k of the stage before: hide both wherever either is hidden
    prev_k = frame.groupby(by_name, sort=False)["k"].shift(1)
    prev_hidden = prev_k.isna() & frame["stage"].ne("applied")
    next_hidden = frame.groupby(by_name, sort=False)["n"].shift(-1).isna() & frame[
        "stage"].ne(frame["stage"].iloc[-1])
    frame.loc[prev_hidden & frame["n"].notna(), ["n", *deps]] = pd.NA
    frame.loc[next_hidden & frame["k"].notna(), ["k", *deps]] = pd.NA
    return Table("funnel", "Funnel",
                 "Applications reaching each stage (furthest stage from all events: applied "
                 "< responded < interviewed < offered < accepted). rate is the conversion "
                 "from the previous stage, share_of_applied the share of all applications.",
                 frame, ("n", "k"), ("rate", "ci_low", "ci_high", "share_of_applied"))


def _followup(log: JobSearchLog, what: str, by_name: str, has_groups: bool,
              min_cell: int) -> Table:
    frame = _stack(log, lambda c: response_rates(log, by=[c, what], outcome="response",
                                                 min_n=min_cell), by_name, has_groups)
    frame[what] = frame[what].astype("string")
    frame = frame.drop(columns="small_n")
    add = Additive(across=(((what,), by_name), ((by_name,), what)))
    frame = suppress(frame, ["n", "k"], min_cell=min_cell, additive=add,
                     hides={"n": RATE_DEPS, "k": RATE_DEPS})
    return Table(f"followup_{what}", f"Response after a follow-up, by {what.replace('_', ' ')}",
                 f"{FOLLOWUP_BREAKDOWNS[what]}: among follow-ups that could still change "
                 "something (eligible), the share followed by a response within 30 days. "
                 "The unit is the follow-up: an application followed up three times counts "
                 "three times.", frame, ("n", "k"), ("rate", "ci_low", "ci_high"),
                 {"category": what})


def _time(log: JobSearchLog, by_name: str, has_groups: bool, min_cell: int) -> Table:
    results = {}

    def compute(col: str) -> pd.DataFrame:
        results[col] = time_to_response(log, by=col)
        return results[col].summary

    # n (= n_responses + n_censored) is left out: a hidden part could be recovered from it
    frame = _stack(log, compute, by_name, has_groups).drop(columns=["n", "n_excluded"])
    stats = [c for c in frame.columns if c.startswith(("median", "p_response"))]
    counts = ["n_responses", "n_censored"]
    add = Additive(across=(((), by_name),), within_row=(tuple(counts),))
    frame = suppress(frame, counts, min_cell=min_cell, additive=add,
                     hides={c: stats for c in counts})
    curves = _stack(log, lambda c: results[c].curves, by_name, has_groups)
    # curves only for groups whose counts are all shown and not small
    big = frame[counts].fillna(0).ge(min_cell).all(axis=1)
    shown = frame.loc[big, by_name]
    curves = curves.loc[curves[by_name].isin(set(shown))].reset_index(drop=True)
    return Table("time_to_response", "Time to first response",
                 "Days from applying to the first response (Kaplan-Meier; applications "
                 "still waiting are censored at the as-of date or at withdrawal, never "
                 "averaged away). n_responses + n_censored are the applications analysed; "
                 "p_response_d is the probability of a response by day d.",
                 frame, tuple(counts),
                 tuple(c for c in stats if c.startswith("p_response")), {"curves": curves})


def _seekers(feats: pd.DataFrame, by_name: str, min_cell: int) -> Table:
    groups = [GROUP, "seeker"]
    g = feats.groupby(groups, observed=True, sort=True)
    frame = pd.DataFrame({"applications": g.size(), "responses": g["responded"].sum(),
                          "interviews": g["interviewed"].sum(),
                          "offers": g["offered"].sum()}).reset_index()
    fu = feats["n_followups"].groupby([feats[c] for c in groups], observed=True).sum()
    frame.insert(3, "followups", fu.to_numpy())
    frame = frame.rename(columns={GROUP: by_name})[["seeker", by_name, *frame.columns[2:]]]
    counts = ["applications", "followups", "responses", "interviews", "offers"]
    frame = suppress(frame, counts, min_cell=min_cell,
                     additive=Additive(across=(((by_name,), "seeker"),)))
    return Table("seekers", "Activity per seeker (pseudonymised)",
                 "One row per seeker (and group): applications, follow-ups, and applications "
                 "that got a response, an interview or an offer. Seekers appear as keyed "
                 "pseudonyms only; small counts are suppressed like everywhere else.",
                 frame, tuple(counts))


def _employers(feats: pd.DataFrame, min_cell: int, top: int = 15) -> Table:
    company = feats["company"].astype("string").str.strip()
    g = feats.assign(company=company).dropna(subset=["company"]).groupby("company")
    counts = pd.DataFrame({"n": g.size(), "k": g["responded"].sum()})
    counts = counts.loc[counts["n"] >= min_cell].sort_values(["n", "k"], ascending=False,
                                                              kind="stable").head(top)
    table = rate_table(counts["k"], counts["n"], min_n=min_cell).drop(columns="small_n")
    frame = table.rename_axis("company").reset_index()
    frame = suppress(frame, ["n", "k"], min_cell=min_cell, hides={"k": RATE_DEPS})
    return Table("employers", "Employers the cohort applied to most",
                 f"Companies with at least {min_cell} applications from the cohort (at most "
                 f"{top}), with the share of those applications that got any response.",
                 frame, ("n", "k"), ("rate", "ci_low", "ci_high"))


def build_tables(log: JobSearchLog, by_name: str, has_groups: bool,
                 min_cell: int) -> dict[str, Table]:
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
    dict of str to Table
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
        ``employers``: ``[company, n, k, rate, ci_low, ci_high, suppressed]``.
        ``seekers``: ``[seeker, <by>, applications, followups, responses, interviews,
        offers, suppressed]``, seekers as pseudonyms.
    """
    from .strategies import strategy_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FollowupWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        feats = features(log)
        tables = [_overview(log, feats, by_name, has_groups, min_cell),
                  _outcomes(log, feats, by_name, has_groups, min_cell),
                  _funnel(log, by_name, has_groups, min_cell),
                  *(_followup(log, w, by_name, has_groups, min_cell)
                    for w in FOLLOWUP_BREAKDOWNS),
                  _time(log, by_name, has_groups, min_cell),
                  strategy_table(log, min_cell, by_name, has_groups),
                  _employers(feats, min_cell),
                  _seekers(feats, by_name, min_cell)]
    return {t.key: t for t in tables if t is not None}


def headline(tables: dict[str, Table]) -> dict[str, object]:
    """Whole-cohort numbers for the report's first lines (suppressed values are None)."""
    def pick(key: str, **where: str) -> pd.Series:
        f = tables[key].frame
        mask = f.iloc[:, 0].eq(TOTAL)
        for col, val in where.items():
            mask &= f[col].eq(val)
        return f.loc[mask].iloc[0]

    def val(x: object) -> object:
        return None if pd.isna(x) else (float(x) if isinstance(x, float | np.floating)
                                        else int(x))

    ov = pick("overview")
    out = {"seekers": val(ov["seekers"]), "applications": val(ov["applications"]),
           "followups": val(ov["followups"])}
    for outcome in OUTCOME_LABELS:
        row = pick("outcomes", outcome=outcome)
        out[f"{outcome}_rate"] = val(row["rate"])
    ttr = pick("time_to_response")
    out["median_days"] = val(ttr["median_days"])
    out["median_suppressed"] = bool(ttr["suppressed"])
    return out
