"""offer_associations(): eligible sets, counts, and numbers equal to the reference libraries."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import build_log
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2

from followup_analytics import SmallSampleWarning, SparseStrataWarning
from followup_analytics.metrics import associations
from followup_analytics.metrics.associations import offer_associations
from followup_analytics.metrics.strategies import STRATEGIES

DAY0 = pd.Timestamp("2026-01-01")


def _app(app, *events):
    """Rows of one application: (day, event[, channel, letter_type]) after applying on DAY0."""
    rows = [(app, DAY0, "applied", None, None)]
    for day, event, *rest in events:
        channel, letter = (rest + [None, None])[:2]
        rows.append((app, DAY0 + pd.Timedelta(days=day), event, channel, letter))
    return rows


TY = (11, "followup", "email", "thank_you")


def _thank_you_log(cells, seekers=("s",), programs=("p",)):
    """Interviewed applications: ``cells[(seeker, thank_you, offer)] = count``."""
    rows, apps, i = [], [], 0
    for (seeker, ty, offer), count in cells.items():
        for j in range(count):
            ev = [(10, "interview")] + ([TY] if ty else [])
            ev.append((30, "offer") if offer else (30, "rejection"))
            rows += _app(f"a{i}", *ev)
            apps.append((f"a{i}", seeker, programs[j % len(programs)]))
            i += 1
    rows += _app("never_interviewed", (5, "followup", "email", "thank_you"))
    apps.append(("never_interviewed", seekers[0], programs[0]))
    return build_log(
        rows,
        pd.DataFrame(apps, columns=["application_id", "seeker", "program"]),
        as_of="2026-12-31",
    )


def _run(log, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return offer_associations(log, **kwargs)


def test_thank_you_counts_and_naive_numbers_equal_scipy():
    log = _thank_you_log(
        {("s", True, True): 8, ("s", True, False): 4, ("s", False, True): 3, ("s", False, False): 9}
    )
    r = _run(log, strategies=["thank_you_after_interview"])
    assert list(r.columns) == associations.ASSOCIATION_COLUMNS
    assert list(r["estimator"]) == [
        "pooled_risk_difference",
        "pooled_risk_ratio",
        "pooled_odds_ratio",
    ]  # 1 seeker
    row = r.iloc[0]
    assert (row["level"], row["reference"]) == ("thank_you", "no_thank_you")
    assert row["key"] == "thank_you_after_interview" and row["n_seekers"] == 1
    assert (
        r["note"] == "one seeker: pooled and within-seeker coincide; 11 of 24 "
        "applications had the outcome"
    ).all()
    d = r.attrs["definition"]
    assert (d.outcome, d.unit, d.as_of) == ("offer", "application", log.as_of)
    assert (row["n_level"], row["k_level"], row["n_reference"], row["k_reference"]) == (
        12,
        8,
        12,
        3,
    )
    est = r.set_index("estimator")["estimate"]
    assert est["pooled_risk_difference"] == pytest.approx(8 / 12 - 3 / 12)
    assert est["pooled_risk_ratio"] == pytest.approx((8 / 12) / (3 / 12))
    table = [[8, 4], [3, 9]]
    # reference: scipy.stats.fisher_exact([[8, 4], [3, 9]]).pvalue and the sample odds ratio
    # with Woolf's interval, statsmodels Table2x2([[8, 4], [3, 9]]).oddsratio_confint()
    ref = Table2x2(np.array(table))
    assert est["pooled_odds_ratio"] == pytest.approx(ref.oddsratio)
    assert r.set_index("estimator").loc["pooled_odds_ratio", "ci_low"] == pytest.approx(
        ref.oddsratio_confint()[0]
    )
    assert list(r["p_value"]) == pytest.approx([stats.fisher_exact(table).pvalue] * 3)


# at the day-14 landmark no application of this log is waiting without a follow-up, so the
# n_followups levels have no reference (NaN p, as the test expects) and no seeker strata
@pytest.mark.filterwarnings("ignore::followup_analytics.SparseStrataWarning")
def test_within_seeker_and_bh_q_match_statsmodels_and_scipy():
    cells = {
        ("s", True, True): 6,
        ("s", True, False): 2,
        ("s", False, True): 2,
        ("s", False, False): 4,
        ("t", True, True): 2,
        ("t", True, False): 5,
        ("t", False, True): 1,
        ("t", False, False): 8,
    }
    log = _thank_you_log(cells, seekers=("s", "t"))
    r = _run(log, strategies=["thank_you_after_interview", "n_followups"])
    ws = r[
        (r["key"] == "thank_you_after_interview") & (r["estimator"] == "within_seeker_odds_ratio")
    ].iloc[0]
    # reference: statsmodels StratifiedTable([[6, 2], [2, 4]], [[2, 5], [1, 8]]) (CMH test
    # with continuity correction, as R's mantelhaen.test)
    st = StratifiedTable(
        np.moveaxis(np.array([[[6, 2], [2, 4]], [[2, 5], [1, 8]]], dtype=float), 0, -1)
    )
    assert ws["estimate"] == pytest.approx(st.oddsratio_pooled)
    lo, hi = st.oddsratio_pooled_confint()
    assert (ws["ci_low"], ws["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))
    assert ws["p_value"] == pytest.approx(st.test_null_odds(correction=True).pvalue)
    naive = r[r["estimator"] == "pooled_odds_ratio"]
    # reference: scipy.stats.false_discovery_control over the naive Fisher p-values
    p = naive["p_value"].to_numpy()
    ok = ~np.isnan(p)
    np.testing.assert_allclose(
        naive["q_value"].to_numpy()[ok], stats.false_discovery_control(p[ok], method="bh")
    )
    rd = r[r["estimator"] == "pooled_risk_difference"]
    np.testing.assert_array_equal(rd["q_value"].to_numpy(), naive["q_value"].to_numpy())


@pytest.mark.parametrize("seeker_effects", [False, True])
def test_adjusted_odds_ratio_is_mantel_haenszel_over_the_covariate_strata(seeker_effects):
    cells = {
        ("s", True, True): 9,
        ("s", True, False): 5,
        ("s", False, True): 4,
        ("s", False, False): 10,
        ("t", True, True): 3,
        ("t", True, False): 6,
        ("t", False, True): 2,
        ("t", False, False): 9,
    }
    log = _thank_you_log(cells, seekers=("s", "t"), programs=("day", "evening", "weekend"))
    r = _run(
        log,
        strategies=["thank_you_after_interview"],
        adjust=["program"],
        seeker_effects=seeker_effects,
    )
    adj = r[r["estimator"] == "adjusted_odds_ratio"].iloc[0]
    # reference: statsmodels StratifiedTable over the program (x seeker) strata, built here
    # from one row per interviewed application: oddsratio_pooled, oddsratio_pooled_confint()
    # and test_null_odds(correction=True)
    f = associations.features(log)
    f = f[f["interviewed"]]
    keys = ["program", "seeker"] if seeker_effects else ["program"]
    tables = []
    for _, g in f.groupby(keys):
        t = (
            pd.crosstab(g["thank_you_after_interview"].astype(bool), g["offered"])
            .reindex(index=[True, False], columns=[True, False], fill_value=0)
            .to_numpy()
        )
        if (t.sum(1) > 0).all() and (t.sum(0) > 0).all():
            tables.append(t)
    st = StratifiedTable(np.stack(tables, axis=-1))
    assert adj["estimate"] == pytest.approx(st.oddsratio_pooled, rel=1e-10)
    assert (adj["ci_low"], adj["ci_high"]) == pytest.approx(
        st.oddsratio_pooled_confint(), rel=1e-10
    )
    assert adj["p_value"] == pytest.approx(st.test_null_odds(correction=True).pvalue)


def test_adjustment_within_seeker_refuses_a_covariate_constant_within_seekers():
    cells = {
        ("s", True, True): 3,
        ("s", False, False): 3,
        ("t", True, False): 3,
        ("t", False, True): 3,
    }
    log = _thank_you_log(cells, seekers=("s", "t"))  # one program per seeker
    with pytest.raises(ValueError, match="constant within every seeker"):
        offer_associations(log, adjust=["program"], seeker_effects=True)
    with pytest.raises(ValueError, match="seeker_effects=True needs adjust"):
        offer_associations(log, seeker_effects=True)


def test_strategy_eligibility_and_levels():
    rows = (
        _app(
            "cad",
            (1, "followup", "email"),
            (7, "followup", "letter"),
            (14, "followup", "phone"),
            (40, "interview"),
            (60, "offer"),
        )
        + _app(
            "late_reply", (1, "followup", "email"), (7, "followup", "letter"), (10, "reply")
        )  # answered before day 16: out
        + _app("quiet", (3, "followup", "email"), (20, "rejection"))
        + _app("silent")
        + _app("rej", (5, "rejection"), (6, "followup", "email", "feedback_request"))
        + _app(
            "two_rounds",
            (5, "interview"),
            (6, "followup", "email", "thank_you"),
            (9, "interview"),
            (12, "offer"),
        )
    )
    apps = pd.DataFrame(
        {
            "application_id": ["cad", "late_reply", "quiet", "silent", "rej", "two_rounds"],
            "company": ["A", "B", "C", "D", "E", "F"],
        }
    )
    log = build_log(rows, apps, as_of="2026-12-31")
    f = associations.features(log)
    cad = STRATEGIES["tiered_cadence"].assign(f, log)
    assert cad.astype(object).where(cad.notna(), None).tolist() == [
        "tiered_cadence",
        None,
        "other",
        "other",
        None,
        None,
    ]  # rej, two_rounds: answered
    # thank-you notes: one unit per application and round, at the landmark round + 2 days;
    # two_rounds thanked its first round (day 6 <= 5 + 2), not its second (day 9)
    first = STRATEGIES["thank_you_after_interview"].assign(f, log)
    assert first.notna().sum() == 2 and first.iloc[5] == "thank_you"
    rounds = STRATEGIES["thank_you_rounds"].assign(f, log)
    assert rounds.notna().sum() == 1 and rounds.iloc[5] == "no_thank_you"
    # timing: a landmark at day 14, like the cadence's at day 16 (late_reply answered on day
    # 10: out; quiet, rejected on day 20, was still waiting on day 14: in)
    timing = STRATEGIES["first_followup_timing"].assign(f, log)
    assert timing.astype(object).where(timing.notna(), None).tolist() == [
        "0–1",
        None,
        "2–3",
        None,
        None,
        None,
    ]
    note = STRATEGIES["post_rejection_note"].assign(f, log)
    assert note.astype(object).where(note.notna(), None).tolist() == [
        None,
        None,
        "no_note",
        None,
        "note",
        None,
    ]
    r = _run(log, strategies=["tiered_cadence"])
    row = r.iloc[0]
    assert (row["n_level"], row["k_level"], row["n_reference"], row["k_reference"]) == (1, 1, 2, 0)


def test_n_followups_counts_follow_ups_after_applying_by_the_day_14_landmark():
    # among applications still waiting on day 14 (the first follow-up's landmark), the
    # follow-ups made after applying on or before day 14; thank-you notes after an interview
    # and follow-ups after the landmark are not counted, whatever their number
    rows = (
        _app("none", (40, "offer"))  # 0
        + _app(
            "one", (3, "followup", "email"), (20, "followup", "letter"), (30, "rejection")
        )  # day 20: later
        + _app(
            "two",
            (2, "followup", "email"),
            (14, "followup", "phone"),  # day 14 counts
            (30, "offer"),
        )
        + _app(
            "cadence",
            (1, "followup", "email"),
            (7, "followup", "letter"),
            (14, "followup", "phone"),
        )  # 3+
        + _app(
            "four",
            (1, "followup", "email"),
            (4, "followup", "email"),
            (8, "followup", "letter"),
            (12, "followup", "phone"),
            (50, "offer"),
        )  # 3+
        + _app(
            "thanked_late",
            (20, "interview"),
            (21, "followup", "email", "thank_you"),
            (25, "followup", "email"),
            (40, "offer"),
        )  # 0 (was 2)
        + _app(
            "late_only",
            (20, "followup", "email"),
            (27, "followup", "phone"),
            (35, "followup", "letter"),
        )  # 0 (was 3+)
        + _app(
            "answered",
            (2, "followup", "email"),
            (9, "followup", "email"),
            (12, "reply"),
            (13, "followup", "email"),
        )  # answered: out
        + _app(
            "interviewed",
            (5, "interview"),
            (6, "followup", "email", "thank_you"),
            (7, "followup", "letter"),
            (30, "offer"),
        )  # out (was 2)
        + _app("gave_up", (4, "followup", "email"), (10, "withdrawn"))  # withdrawn: out
        + _app("rej_note", (5, "rejection"), (6, "followup", "email", "feedback_request"))
        + [
            ("recent", pd.Timestamp("2026-12-25"), "applied", None, None),  # seen 6 days
            ("recent", pd.Timestamp("2026-12-26"), "followup", "email", None),
        ]
    )
    ids = [
        "no_events",
        "none",
        "one",
        "two",
        "cadence",
        "four",
        "thanked_late",
        "late_only",
        "answered",
        "interviewed",
        "gave_up",
        "rej_note",
        "recent",
    ]
    apps = pd.DataFrame(
        {
            "application_id": ids,  # no_events: applied, nothing logged since
            "applied_on": [pd.Timestamp("2026-03-01")] + [pd.NaT] * 12,
        }
    )
    log = build_log(rows, apps, as_of="2026-12-31")
    f = associations.features(log)
    got = STRATEGIES["n_followups"].assign(f, log).set_axis(f["application_id"])
    got = got.astype(object).where(got.notna(), None).to_dict()
    assert got == {
        "no_events": "0",
        "none": "0",
        "one": "1",
        "two": "2",
        "cadence": "3+",
        "four": "3+",
        "thanked_late": "0",
        "late_only": "0",
        "answered": None,
        "interviewed": None,
        "gave_up": None,
        "rej_note": None,
        "recent": None,
    }
    # one or more: exactly the applications of the first follow-up's strategies
    timing = STRATEGIES["first_followup_timing"].assign(f, log).set_axis(f["application_id"])
    assert set(timing.dropna().index) == {k for k, v in got.items() if v not in (None, "0")}
    eligible = STRATEGIES["n_followups"].eligible
    assert "landmark at day 14: applications still waiting" in eligible
    assert "after applying" in eligible and "offers after day 14" in eligible
    r = _run(log, strategies=["n_followups"]).set_index(["level", "estimator"])
    counts = r.xs("pooled_odds_ratio", level="estimator")[
        ["n_level", "k_level", "n_reference", "k_reference"]
    ]
    assert counts.to_dict("index") == {
        "1": {"n_level": 1, "k_level": 0, "n_reference": 4, "k_reference": 2},
        "2": {"n_level": 1, "k_level": 1, "n_reference": 4, "k_reference": 2},
        "3+": {"n_level": 2, "k_level": 1, "n_reference": 4, "k_reference": 2},
    }
    # reference: scipy.stats.fisher_exact per level, scipy.stats.false_discovery_control
    p = [
        stats.fisher_exact([[0, 1], [2, 2]]).pvalue,
        stats.fisher_exact([[1, 0], [2, 2]]).pvalue,
        stats.fisher_exact([[1, 1], [2, 2]]).pvalue,
    ]
    naive = r.xs("pooled_odds_ratio", level="estimator")
    np.testing.assert_allclose(naive["p_value"], p)
    np.testing.assert_allclose(naive["q_value"], stats.false_discovery_control(p, method="bh"))


def test_timing_and_cadence_are_judged_at_their_landmarks():
    rows = (
        _app("day2", (2, "followup", "email"), (40, "offer"))  # 2–3, offer after 14
        + _app("day9", (9, "followup", "email"), (13, "interview"))  # answered by day 14
        + _app("day15", (15, "followup", "email"))  # first follow-up too late
        + _app("gave_up", (5, "followup", "email"), (12, "withdrawn"))  # withdrawn by day 14
        + _app("day14", (14, "followup", "email"), (16, "reply"))  # 8–14, waiting on 14
        + [
            ("recent", pd.Timestamp("2026-01-25"), "applied", None, None),  # seen 10 days
            ("recent", pd.Timestamp("2026-01-26"), "followup", "email", None),
        ]
    )
    log = build_log(rows, as_of="2026-02-04")
    f = associations.features(log)

    def levels(name):
        got = STRATEGIES[name].assign(f, log).set_axis(f["application_id"])
        return got.astype(object).where(got.notna(), None).to_dict()

    assert levels("first_followup_timing") == {
        "day2": "2–3",
        "day9": None,
        "day15": None,
        "gave_up": None,
        "day14": "8–14",
        "recent": None,
    }
    # the cadence's landmark is day 16: day14 answered on day 16 is out, day15 is "other"
    assert levels("tiered_cadence") == {
        "day2": "other",
        "day9": None,
        "day15": "other",
        "gave_up": None,
        "day14": None,
        "recent": None,
    }
    for name, day in (("first_followup_timing", 14), ("tiered_cadence", 16)):
        assert f"landmark at day {day}: applications still waiting" in STRATEGIES[name].eligible


def test_first_followup_channel_and_letter_type_share_the_timing_landmark():
    # the first follow-up made after applying, among applications still waiting on day 14
    # and followed up by then: the same applications for timing, channel and letter type
    rows = (
        _app("phone3", (3, "followup", "phone"), (40, "offer"))  # no type: unknown
        + _app("value9", (9, "followup", "email", "value_add"), (20, "interview"))
        + _app(
            "letter_then_ty",
            (3, "followup", "letter", "status_check"),
            (20, "interview"),
            (21, "followup", "letter", "thank_you"),
            (40, "offer"),
        )  # the first one counts
        + _app(
            "ty_late", (20, "interview"), (21, "followup", "letter", "thank_you"), (40, "offer")
        )  # waiting on day 14, but a thank-you only
        + _app(
            "ty_early", (5, "interview"), (6, "followup", "letter", "thank_you"), (30, "offer")
        )  # interviewed before day 14
        + _app("answered", (2, "followup", "email"), (10, "reply"))  # answered by day 14
        + _app("late", (20, "followup", "phone"))  # after day 14
        + _app("silent")  # never followed up
        + _app("gave_up", (4, "followup", "email"), (10, "withdrawn"))  # withdrawn by day 14
        + _app("rej_note", (5, "rejection"), (6, "followup", "email", "feedback_request"))
        + [
            ("recent", pd.Timestamp("2026-12-25"), "applied", None, None),  # seen 6 days
            ("recent", pd.Timestamp("2026-12-26"), "followup", "email", None),
        ]
    )
    log = build_log(rows, as_of="2026-12-31")
    f = associations.features(log)

    def levels(name):
        got = STRATEGIES[name].assign(f, log).set_axis(f["application_id"])
        return {
            k: v for k, v in got.astype(object).where(got.notna(), None).items() if v is not None
        }

    assert levels("first_followup_channel") == {
        "phone3": "phone",
        "value9": "email",
        "letter_then_ty": "letter",
    }
    assert levels("first_followup_letter_type") == {
        "phone3": "unknown",
        "value9": "value_add",
        "letter_then_ty": "status_check",
    }
    assert levels("first_followup_timing") == {
        "phone3": "2–3",
        "value9": "8–14",
        "letter_then_ty": "2–3",
    }
    for name in ("first_followup_channel", "first_followup_letter_type"):
        eligible = STRATEGIES[name].eligible
        assert "landmark at day 14: applications still waiting" in eligible
        assert "after applying" in eligible and "Thank-you notes after an interview" in eligible
    r = _run(log, strategies=["first_followup_channel"]).set_index(["level", "estimator"])
    row = r.loc[("letter", "pooled_odds_ratio")]
    assert (row["n_level"], row["k_level"], row["n_reference"], row["k_reference"]) == (1, 1, 1, 0)


def test_errors_warnings_and_wording():
    log = _thank_you_log({("s", True, True): 2, ("s", False, False): 2})
    with pytest.raises(ValueError, match="strategies: unknown strategy 'magic'; allowed"):
        offer_associations(log, strategies=["magic"])
    with pytest.raises(ValueError, match="adjust: 'height' is not a column"):
        offer_associations(log, adjust=["height"])
    with pytest.warns(SmallSampleWarning, match="small_n"):
        offer_associations(log, strategies=["thank_you_after_interview"])
    two = _thank_you_log(
        {("s", True, True): 2, ("s", False, False): 2, ("t", True, True): 1}, seekers=("s", "t")
    )
    with pytest.warns(SparseStrataWarning, match="thank_you_after_interview=thank_you"):
        r = _run(two, strategies=["thank_you_after_interview"])
    ws = r.set_index("estimator").loc["within_seeker_odds_ratio"]
    # n_seekers on the within-seeker row counts the informative seekers (here only s)
    assert np.isnan(ws["estimate"]) and ws["n_seekers"] == 1
    assert set(r.loc[r["estimator"] != "within_seeker_odds_ratio", "n_seekers"]) == {2}
    assert ws["note"] == "fewer than two seekers carry information"
    for text in (associations.__doc__, offer_associations.__doc__):
        assert "associated" in text and "causes" not in text


def test_input_not_mutated_and_empty_levels_stay():
    log = _thank_you_log({("s", True, True): 3, ("s", False, False): 3})
    ev, apps = log.events.copy(), log.applications.copy()
    r = _run(log, strategies=["first_followup_channel"])
    assert list(r["level"].unique()) == [
        "phone",
        "voicemail",
        "letter",
        "linkedin",
        "in_person",
        "text",
        "other",
        "unknown",
    ]
    assert (r["n_level"] == 0).all() and r["estimate"].isna().all()
    assert (r["note"] == "no applications at the level").all()
    pd.testing.assert_frame_equal(log.events, ev)
    pd.testing.assert_frame_equal(log.applications, apps)
