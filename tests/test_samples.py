"""The seeded sample generator: determinism, calibration, planted effects, bundled files.

Reference statistics come from statsmodels (``StratifiedTable`` for Cochran-Mantel-Haenszel
estimates, ``Table2x2`` for pooled ones), computed here independently of the package's own
analytics.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2

from followup_analytics import FollowupWarning, JobSearchLog, load, vocab
from followup_analytics.samples import PLANTED_EFFECTS, simulate, simulate_log
from followup_analytics.samples.__main__ import main as samples_main
from followup_analytics.samples._messy import messy_problems
from followup_analytics.samples.files import _pick_seekers

AS_OF = pd.Timestamp("2026-10-30")
RESPONSES = list(vocab.RESPONSE_EVENTS)


@pytest.fixture(scope="module")
def default() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate()


@pytest.fixture(scope="module")
def large() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate(400, seed=11)


def _per_application(events: pd.DataFrame, apps: pd.DataFrame) -> pd.DataFrame:
    """One row per application with the flags the tests need (computed from the events)."""
    a = apps.set_index("application_id")
    ev = events.assign(
        t=(events["date"].to_numpy() - a["applied_on"].reindex(events["application_id"]).to_numpy())
        .astype("timedelta64[D]")
        .astype(np.int64)
    )

    def first_day(mask: pd.Series) -> pd.Series:
        return ev.loc[mask].groupby("application_id")["t"].min().reindex(a.index)

    out = pd.DataFrame(index=a.index)
    out["seeker"] = a["seeker"]
    out["old"] = a["applied_on"] < AS_OF - pd.Timedelta(days=150)
    out["first_response"] = first_day(ev["event"].isin(RESPONSES))
    out["responded"] = out["first_response"].notna()
    out["withdrawn_day"] = first_day(ev["event"].eq("withdrawn"))
    out["interviewed"] = first_day(ev["event"].eq("interview")).notna()
    out["offered"] = first_day(ev["event"].eq("offer")).notna()
    fu = ev["event"].eq("followup")
    out["thank_you"] = first_day(fu & ev["letter_type"].eq("thank_you")).notna()
    out["followup_by_7"] = first_day(fu & (ev["t"] <= 7)).notna()
    out["cadence"] = first_day(fu & (ev["t"] <= 1)).notna()
    out["referral"] = a["referral"].eq("Yes")
    return out


def _tables(frame: pd.DataFrame, exposure: str, outcome: str) -> np.ndarray:
    """2 x 2 x seekers tables: rows exposed/not, columns outcome yes/no."""
    cells = [(True, True), (True, False), (False, True), (False, False)]
    counts = (
        frame.groupby(["seeker", exposure, outcome])
        .size()
        .unstack([exposure, outcome], fill_value=0)
        .reindex(columns=pd.MultiIndex.from_tuples(cells), fill_value=0)
    )
    return counts.to_numpy().reshape(-1, 2, 2).transpose(1, 2, 0).astype(float)


# --------------------------------------------------------------------------- basics
def test_same_seed_gives_identical_frames() -> None:
    ev1, ap1 = simulate(6, (20, 30), seed=5)
    ev2, ap2 = simulate(6, (20, 30), seed=5)
    pd.testing.assert_frame_equal(ev1, ev2)
    pd.testing.assert_frame_equal(ap1, ap2)
    ev3, _ = simulate(6, (20, 30), seed=6)
    assert not ev1["date"].reset_index(drop=True).equals(ev3["date"].reset_index(drop=True))


def test_frames_are_canonical(default) -> None:
    events, apps = default
    log = JobSearchLog.from_frames(events, apps, as_of=AS_OF)
    assert len(log) == len(apps) and len(log.events) == len(events)
    assert list(events.columns) == [
        "application_id",
        "date",
        "event",
        "channel",
        "letter_type",
        "recipient",
        "note",
    ]
    assert list(apps.columns) == [
        "application_id",
        "seeker",
        "company",
        "role",
        "applied_on",
        "seeker_name",
        "email",
        "program",
        "cohort",
        "adviser",
        "job_source",
        "referral",
        "industry",
    ]
    assert apps["application_id"].is_unique
    assert events["date"].max() <= AS_OF
    applied = events.loc[events["event"].eq("applied")].set_index("application_id")["date"]
    assert applied.index.is_unique and len(applied) == len(apps)
    assert (
        applied.reindex(apps["application_id"]).to_numpy().tolist()
        == apps["applied_on"].to_numpy().tolist()
    )
    assert apps["email"].str.endswith(("@example.org", "@example.com")).all()
    assert isinstance(simulate_log(3, (5, 8)), JobSearchLog)


def test_no_event_before_its_application(default) -> None:
    events, apps = default
    applied = apps.set_index("application_id")["applied_on"]
    assert (events["date"].to_numpy() >= applied.reindex(events["application_id"]).to_numpy()).all()


def test_every_field_of_the_data_model_is_exercised(default) -> None:
    events, _ = default
    fu = events.loc[events["event"].eq("followup")]
    for name, values in (
        ("event", vocab.EVENTS),
        ("channel", vocab.CHANNELS[:7]),
        ("letter_type", vocab.LETTER_TYPES[:5]),
        ("recipient", vocab.RECIPIENTS[:4]),
    ):
        present = set((events if name == "event" else fu)[name].dropna().astype(str))
        assert set(values) <= present, (name, set(values) - present)
    rounds = events.loc[events["event"].eq("interview")].groupby("application_id").size()
    assert set(rounds.unique()) == {1, 2, 3}
    # thank-you notes after some rounds only, and both an email and a letter sometimes
    ty = fu.loc[fu["letter_type"].eq("thank_you")]
    per_app = ty.groupby(["application_id", "date"]).size()
    assert (
        ty.groupby("application_id").size() < rounds.reindex(ty["application_id"].unique())
    ).any()
    assert set(ty["channel"].astype(str)) == {"email", "letter"} and len(per_app) > 0


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 6),
    low=st.integers(1, 30),
    extra=st.integers(0, 30),
    seed=st.integers(0, 2**31),
    horizon=st.integers(30, 400),
    thank_you=st.floats(0.2, 5.0),
    rr=st.floats(1.0, 1.5),
)
def test_any_simulation_is_a_valid_censored_log(
    n, low, extra, seed, horizon, thank_you, rr
) -> None:
    as_of = pd.Timestamp("2026-01-05") + pd.Timedelta(days=horizon)
    events, apps = simulate(
        n,
        (low, low + extra),
        seed=seed,
        as_of=str(as_of.date()),
        effects={"thank_you_offer_odds_ratio": thank_you, "followup_response_risk_ratio": rr},
    )
    JobSearchLog.from_frames(events, apps, as_of=as_of)  # validates vocabularies and ids
    assert apps["seeker"].nunique() == n
    assert (apps["applied_on"] <= as_of).all() and (events["date"] <= as_of).all()
    applied = apps.set_index("application_id")["applied_on"]
    assert (events["date"].to_numpy() >= applied.reindex(events["application_id"]).to_numpy()).all()
    assert events.groupby("application_id").size().reindex(applied.index).notna().all()


def test_unknown_effect_and_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown key"):
        simulate(effects={"thank_you_or": 2})
    with pytest.raises(ValueError, match="applications_per_seeker"):
        simulate(3, (10, 5))


# --------------------------------------------------------------------------- calibration
def test_calibration_matches_published_ranges(default) -> None:
    events, apps = default
    f = _per_application(events, apps)
    assert 0.10 <= f["interviewed"].mean() <= 0.15  # CareerPlug 2025
    assert 0.20 <= f.loc[f["interviewed"], "offered"].mean() <= 0.30  # CareerPlug (27%)
    assert 0.40 <= 1 - f["responded"].mean() <= 0.75  # never hear back
    days = f["first_response"].dropna()
    assert 5 <= days.median() <= 9 and (days > 30).mean() > 0.02  # median ~7, tail
    assert 0.24 <= f.loc[f["interviewed"], "thank_you"].mean() <= 0.51  # Accountemps
    ref = f["referral"]
    assert 0.03 <= ref.mean() <= 0.08
    assert f.loc[ref, "offered"].mean() / f.loc[~ref, "offered"].mean() > 3  # ~5x the yield


def test_followup_channels_and_delays_match_the_survey(large) -> None:
    events, apps = large
    applied = apps.set_index("application_id")["applied_on"]
    fu = events.loc[
        events["event"].eq("followup") & events["letter_type"].isin(["status_check", "value_add"])
    ]
    t = fu["date"].to_numpy() - applied.reindex(fu["application_id"]).to_numpy()
    t = t.astype("timedelta64[D]").astype(np.int64)
    cadence = fu.loc[t <= 1, "application_id"].unique()  # tiered cadence: email at once
    keep = ~fu["application_id"].isin(cadence).to_numpy()
    share = fu.loc[keep, "channel"].astype(str).value_counts(normalize=True)
    # Accountemps 2017-09: email 64%, phone 21%, in person 14%, social media 1%
    assert share["email"] + share["text"] == pytest.approx(0.64, abs=0.03)
    assert share["phone"] + share["voicemail"] == pytest.approx(0.21, abs=0.03)
    assert share["in_person"] == pytest.approx(0.14, abs=0.03)
    assert share["linkedin"] == pytest.approx(0.01, abs=0.01)
    first = pd.Series(t[keep], index=fu.loc[keep, "application_id"]).groupby(level=0).min()
    bucket = pd.cut(first, [-1, 6, 13, 20, 10_000]).value_counts(normalize=True, sort=False)
    # <1 week 29%, 1-2 weeks 36%, 2-3 weeks 25%, 3+ weeks 10%
    np.testing.assert_allclose(bucket.to_numpy(), [0.29, 0.36, 0.25, 0.10], atol=0.04)


# --------------------------------------------------------------------------- planted effects
def test_thank_you_effect_is_confounded_and_recovered_within_seeker(large) -> None:
    f = _per_application(*large)
    sub = f.loc[f["interviewed"] & f["old"]]  # interview processes finished before as_of
    t = _tables(sub, "thank_you", "offered")
    naive = Table2x2(t.sum(axis=2)).oddsratio
    st = StratifiedTable(t)  # statsmodels Mantel-Haenszel, Robins-Breslow-Greenland SE
    planted = PLANTED_EFFECTS["thank_you_offer_odds_ratio"]
    assert naive > planted * 1.15
    # three standard errors: a correct generator fails this about 3 times in 1000 seeds
    assert abs(st.logodds_pooled - np.log(planted)) < 3 * st.logodds_pooled_se
    assert st.logodds_pooled_se < 0.2


def test_thank_you_null_is_recovered_when_the_effect_is_removed() -> None:
    f = _per_application(*simulate(400, seed=11, effects={"thank_you_offer_odds_ratio": 1.0}))
    st = StratifiedTable(_tables(f.loc[f["interviewed"] & f["old"]], "thank_you", "offered"))
    assert abs(st.logodds_pooled) < 3 * st.logodds_pooled_se
    assert st.oddsratio_pooled < 1.6 * np.exp(-st.logodds_pooled_se)


def test_landmark_followup_effect_is_confounded_and_recovered(large) -> None:
    f = _per_application(*large)
    day = PLANTED_EFFECTS["landmark_day"]
    waiting = f["old"] & ~(f["first_response"] <= day) & ~(f["withdrawn_day"] <= day)
    sub = f.loc[waiting].assign(later=lambda d: d["first_response"] > day)
    t = _tables(sub, "followup_by_7", "later")
    naive = Table2x2(t.sum(axis=2)).riskratio
    mh = StratifiedTable(t).riskratio_pooled  # Mantel-Haenszel risk ratio (statsmodels)
    planted = PLANTED_EFFECTS["followup_response_risk_ratio"]
    # Katz standard error of a log risk ratio from the pooled counts
    (a, b), (c, d) = t.sum(axis=2)
    se = np.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    assert abs(np.log(mh) - np.log(planted)) < 3 * se
    assert naive > mh * 1.08


def test_tiered_cadence_is_a_confounded_null(large) -> None:
    f = _per_application(*large)
    sub = f.loc[f["old"]]
    t = _tables(sub, "cadence", "offered")
    st = StratifiedTable(t)
    assert Table2x2(t.sum(axis=2)).oddsratio > 1.3  # its users are stronger seekers
    assert abs(st.logodds_pooled) < 3 * st.logodds_pooled_se


def test_post_rejection_notes_lead_to_later_applications(large) -> None:
    events, apps = large
    again = apps.loc[apps["job_source"].eq("Re-applied")]
    assert len(again) > 50
    ids = events.loc[events["event"].eq("interview"), "application_id"]
    settled = again["applied_on"] < AS_OF - pd.Timedelta(days=90)  # not censored by as_of
    assert again.loc[settled, "application_id"].isin(ids).all()  # each one is interviewed
    notes = events.loc[events["letter_type"].isin(["still_interested", "feedback_request"])]
    rejected = apps.loc[
        apps["application_id"].isin(events.loc[events["event"].eq("rejection"), "application_id"])
        & apps["job_source"].ne("Re-applied")
    ]
    noted = rejected["application_id"].isin(notes["application_id"])
    keys = again[["seeker", "company"]].drop_duplicates().assign(later=True)
    later = rejected.merge(keys, on=["seeker", "company"], how="left")["later"]
    later = later.fillna(False).astype(bool).to_numpy()
    # planted 0.10 vs 0.03 within a year; the window before as_of thins both alike
    assert later[noted.to_numpy()].mean() > 2 * later[~noted.to_numpy()].mean()


# --------------------------------------------------------------------------- bundled files
SAMPLES = Path(__file__).resolve().parents[1] / "data_samples"
NAMES = [
    "my_tracker.xlsx",
    "events.csv",
    "Job Applications.csv",
    "cohort_2026.xlsx",
    "messy_tracker.csv",
    "huntr_export.csv",
]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    assert samples_main(["--out", str(out), "--seed", "2026"]) == 0
    return out


def _content(path: Path) -> dict[str, pd.DataFrame]:
    """What a file holds, cell by cell as text, whatever library version wrote its bytes."""
    if path.suffix == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        sheets = {"": pd.DataFrame(list(csv.reader(io.StringIO(text, newline=""), dialect)))}
    return {k: v.astype("string") for k, v in sheets.items()}


def test_regenerated_files_hold_the_committed_content(written) -> None:
    assert sorted(p.name for p in written.iterdir()) == sorted(NAMES)  # no temp files left
    for name in NAMES:
        fresh, committed = _content(written / name), _content(SAMPLES / name)
        assert list(fresh) == list(committed), name
        for sheet in fresh:
            pd.testing.assert_frame_equal(
                fresh[sheet],
                committed[sheet],
                obj=f"{name} [{sheet}] (python -m followup_analytics.samples)",
            )
        assert (written / name).stat().st_size < 2 * 1024 * 1024


def test_cohort_workbook_meets_the_minimums(written) -> None:
    book = pd.read_excel(written / "cohort_2026.xlsx", sheet_name=None, engine="calamine")
    assert list(book) == ["Applications", "Read me"]
    cohort = book["Applications"]
    assert len(cohort) >= 4000 and cohort["Student ID"].nunique() >= 40
    assert cohort["Program"].nunique() >= 3
    assert cohort["Email"].str.endswith(("@example.org", "@example.com")).all()
    assert cohort["Student Name"].str.contains(" ").all()
    for col in ("Date Applied", "Follow-up 1 Date", "Interview 1 Date", "Outcome Date"):
        assert pd.api.types.is_datetime64_any_dtype(cohort[col]), col  # real date cells
    for k in range(1, 6):
        fu = cohort[f"Follow-up {k} Date"]
        assert (fu.isna() | (fu >= cohort["Date Applied"])).all()  # none before applying
    assert {"Job Source", "Referral", "Adviser", "Cohort", "Status", "Follow-up 5 To"} <= set(
        cohort.columns
    )


def test_personal_tracker_has_title_rows_two_sheets_and_a_summary(written) -> None:
    book = openpyxl.load_workbook(written / "my_tracker.xlsx", read_only=True)
    assert book.sheetnames == ["Spring 2026", "Summer 2026", "Summary"]
    heads = []
    for name in ("Spring 2026", "Summer 2026"):
        rows = list(book[name].iter_rows(min_row=1, max_row=5, values_only=True))
        assert rows[0][0].endswith("job search tracker") and rows[2][0] is None
        heads.append(rows[3])
        assert isinstance(rows[4][2], datetime)  # Date Applied is a real date cell
    assert heads[0] == heads[1] and heads[0][:4] == (
        "Company",
        "Position",
        "Date Applied",
        "Follow-up 1 Date",
    )
    assert "Interview 2 Date" in heads[0] and heads[0][-2:] == ("Status", "Notes")
    book.close()


def test_linkedin_and_event_log_files_look_like_the_real_thing(written) -> None:
    li = pd.read_csv(written / "Job Applications.csv")
    assert list(li.columns) == [
        "Application Date",
        "Contact Email",
        "Contact Phone Number",
        "Company Name",
        "Job Title",
        "Job Url",
        "Resume Name",
        "Question And Answers",
    ]
    assert (
        li["Application Date"].str.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2} (AM|PM)").all()
    )
    ev = pd.read_csv(written / "events.csv")
    assert list(ev.columns) == [
        "Application ID",
        "Company",
        "Role",
        "Date",
        "Event",
        "Channel",
        "Type",
        "Recipient",
        "Notes",
    ]
    assert set(ev["Event"]) >= {"Applied", "Follow-up", "Interview", "Rejected", "Offer"}


def test_messy_tracker_holds_every_planted_problem(written, default) -> None:
    raw = (written / "messy_tracker.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("cp1252").split("\n")
    assert lines[3].startswith("Company;Job;Applied;Followed up;How")
    for needle in (
        "rejected :(",
        "Denied",
        "Not selected",
        "Offer!",
        "Ghosted",
        "No response",
        "e-mail",
        "snail mail",
        "handwritten note",
        "TY note",
        ";-;",
        ";n/a;",
        ";TBD;",
        ";?;",
        "Café Lumière",
    ):
        assert needle in raw.decode("cp1252"), needle
    assert re.search(r";4\d{4};", raw.decode("cp1252"))  # an Excel serial date
    problems = messy_problems(*default, _pick_seekers(*default)[3], AS_OF)
    line = problems.dropna(subset=["line"]).set_index("problem")["line"]
    assert lines[line["blank row"] - 1].strip(";") == ""
    assert "20/04/2026;2 April 2026" in lines[line["follow-up dated before its application"] - 1]
    assert ";30/12/1899;" in lines[line["year 1899 (Excel's day zero)"] - 1]
    assert "sometime in May" in lines[line["unparseable date 'sometime in May'"] - 1]
    assert lines[line["totals row"] - 1].startswith("TOTAL;")
    assert lines[line["footnote"] - 1].startswith("* ")


# --------------------------------------------------------------------------- round trip
def test_load_reads_the_cohort_workbook_back(written, default) -> None:
    log = load(written / "cohort_2026.xlsx", as_of=AS_OF)
    _, apps = default
    assert len(log) == len(apps)
    assert len(log.seekers) == apps["seeker"].nunique()
    assert log.report.n_quarantined == 0


def test_load_quarantines_and_drops_the_messy_trackers_problems(written, default) -> None:
    with pytest.warns(FollowupWarning):
        log = load(written / "messy_tracker.csv", as_of=AS_OF)
    problems = messy_problems(*default, _pick_seekers(*default)[3], AS_OF)
    planned = problems.dropna(subset=["line"])
    quarantine = set(planned.loc[planned["expected"].eq("quarantine"), "line"].astype(int))
    dropped = set(
        planned.loc[planned["expected"].eq("drop") & planned["line"].gt(3), "line"].astype(int)
    )
    assert set(log.report.quarantine["row"].astype(int)) == quarantine
    assert set(log.report.dropped["row"].astype(int)) == dropped
    assert log.report.unknown_values.empty  # every messy label is in the vocabulary
    events = log.events
    assert {"rejection", "offer", "followup"} <= set(events["event"].astype(str))
    fu = events.loc[events["event"].eq("followup")]
    assert {"email", "letter"} <= set(fu["channel"].astype(str))
    assert "thank_you" in set(fu["letter_type"].astype(str))


def test_load_reads_every_other_sample_back(written, default) -> None:
    events, apps = default
    ranked = _pick_seekers(events, apps)
    mine = apps.loc[apps["seeker"].eq(ranked[0])]
    tracker = load(written / "my_tracker.xlsx", as_of=AS_OF)
    assert len(tracker) == len(mine)
    sources = tracker.report.sources.set_index("sheet")
    assert sources.loc["Summary", "status"] == "skipped"
    assert set(sources.loc[["Spring 2026", "Summer 2026"], "header_row"]) == {4}
    log = load(written / "events.csv", as_of=AS_OF)
    assert len(log) == int(apps["seeker"].eq(ranked[1]).sum())
    assert len(log.events) == int(events["application_id"].str.startswith(ranked[1]).sum())
    linkedin = load(written / "Job Applications.csv", as_of=AS_OF)
    assert len(linkedin) == int(mine["job_source"].eq("LinkedIn").sum())
    huntr = load(written / "huntr_export.csv", as_of=AS_OF)
    assert len(huntr) == int(apps["seeker"].eq(ranked[4]).sum())
