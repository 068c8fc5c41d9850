"""The report's one-screen summary: what a reader should take away, in sentences.

Every number quoted comes from a published (suppressed) table, so the summary adds nothing
to what the disclosure audit has checked; a hidden number is never quoted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..schema import OUTCOME_PHRASES
from .labels import category_label, fmt_count, fmt_estimate, fmt_percent
from .suppression import TOTAL

if TYPE_CHECKING:
    from .report import CohortReport


#: A strategy's outcome (see ``metrics.strategies.STRATEGIES``) in words.
_OUTCOME = {"offered": OUTCOME_PHRASES["offer"], "comeback_at_company": OUTCOME_PHRASES["comeback"]}


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame.iloc[:, 0].eq(TOTAL).fillna(False).to_numpy()]


def _outcomes(t: dict[str, pd.DataFrame]) -> str | None:
    rows = _whole(t["outcomes"]).set_index("outcome")
    apps = _whole(t["overview"])["applications"].iloc[0]
    seekers = _whole(t["overview"])["seekers"].iloc[0]
    if pd.isna(apps) or pd.isna(seekers):
        return None
    known = rows["rate"].notna()
    parts = [
        f"{fmt_percent(rows.at[o, 'rate'])} {'got ' * (o == 'response')}{OUTCOME_PHRASES[o]}"
        for o in ("response", "interview", "offer")
        if o in rows.index and known.at[o]
    ]
    text = f"{fmt_count(seekers)} seekers sent {fmt_count(apps)} applications" + (
        f": {', '.join(parts)}." if parts else "."
    )
    if "seeker_offer" in rows.index and known.at["seeker_offer"]:
        text += (
            f" {fmt_percent(rows.at['seeker_offer', 'rate'])} of seekers have at least one offer."
        )
    return text


def _speed(t: dict[str, pd.DataFrame]) -> str | None:
    row = _whole(t["time_to_response"]).iloc[0]
    cols = [c for c in ("p_response_7", "p_response_14", "p_response_30") if c in row.index]
    shown = [(c.removeprefix("p_response_"), row[c]) for c in cols if pd.notna(row[c])]
    if not shown:
        return None
    said = " and ".join(f"{fmt_percent(p)} by day {d}" for d, p in shown[:2])
    return (
        f"Of all applications, {said} had a first response (Kaplan–Meier: applications "
        "still waiting count as waiting, not as answered)."
    )


def _extremes(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The rows with the lowest and the highest rate (None with fewer than two)."""
    rows = rows.dropna(subset=["rate"])
    if len(rows) < 2:
        return None
    rate = rows["rate"].astype(float).to_numpy()
    # positions of the first lowest and highest rate (the labels idxmin/idxmax would give)
    return rows.iloc[int(rate.argmin())], rows.iloc[int(rate.argmax())]


def _timing(t: dict[str, pd.DataFrame]) -> str | None:
    rows = _whole(t["followup_timing"])
    ends = _extremes(rows.loc[rows["n"].fillna(0).astype(float) >= 30])
    if ends is None:
        return None
    worst, best = ends
    return (
        f"Follow-ups sent {best['timing']} days after the trigger were followed by a "
        f"response most often ({fmt_percent(best['rate'])}), those sent {worst['timing']} "
        f"days after least often ({fmt_percent(worst['rate'])}); late follow-ups also "
        "come when fewer replies are still possible."
    )


def _strategy(t: dict[str, pd.DataFrame]) -> str:
    s = t.get("strategies")
    if s is None or not len(s):
        return "No follow-up strategy could be compared."
    sig = s.dropna(subset=["estimate", "q_value"])
    sig = sig.loc[sig["q_value"].astype(float) < 0.05]
    if not len(sig):
        return (
            "No follow-up strategy shows a clear within-seeker association with offers "
            "once the number of comparisons is accounted for."
        )
    row = sig.loc[(sig["estimate"].astype(float).apply(lambda x: abs(x - 1))).idxmax()]
    way = "more" if float(row["estimate"]) > 1 else "less"
    return (
        f"{category_label(row['strategy'])}: {category_label(row['level'])} went {way} "
        f"often with {_OUTCOME.get(row.get('outcome'), OUTCOME_PHRASES['offer'])} than "
        f"{category_label(row['reference'])}, for the same seeker (odds ratio "
        f"{fmt_estimate(row['estimate'])}, 95% CI {fmt_estimate(row['ci_low'])}–"
        f"{fmt_estimate(row['ci_high'])}). An association, not a cause."
    )


def _groups(t: dict[str, pd.DataFrame], by: str | None) -> str | None:
    if by is None:
        return None
    o = t["outcomes"]
    ends = _extremes(o.loc[o["outcome"].eq("response") & o[by].ne(TOTAL)])
    if ends is None:
        return None
    lo, hi = ends
    apart = float(hi["ci_low"]) > float(lo["ci_high"])
    return (
        f"By {by}: responses ranged from {fmt_percent(lo['rate'])} ({lo[by]}) to "
        f"{fmt_percent(hi['rate'])} ({hi[by]}); "
        + (
            "their 95% intervals do not overlap."
            if apart
            else "their 95% intervals overlap, so this is no clear difference."
        )
    )


def takeaways(report: CohortReport) -> list[str]:
    """Three to six sentences summarising the report, from its published tables only."""
    t = {s.key: s.frame for s in report.sections}
    out = [_outcomes(t), _speed(t), _timing(t), _groups(t, report.by), _strategy(t)]
    if report.audit is not None and report.audit.n_hidden:
        out.append(
            f"{report.audit.n_hidden} of {report.audit.n_published} published counts "
            f"are hidden to protect counts below {report.min_cell}; they read "
            "“hidden” everywhere."
        )
    return [s for s in out if s]
