"""Small csv files with one header line are read as one table, and nothing else changes.

Each case loads a folder twice: as it is (files with the same header stacked) and with
stacking switched off (every file read alone, the reference), and compares the log and the
report. The cases are the ways stacking could differ from reading alone: per-file day/month
order, totals rows and footnotes at the end of one file, ragged lines, quotes, blank and
repeated header rows, company names repeating across files, two seekers applying to the same role.
"""

from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest

from followup_analytics import AmbiguousDateWarning, load
from followup_analytics.ingest import stacking
from followup_analytics.ingest.sources import expand_sources

HEADER = "Company,Role,Date Applied,Follow-up Date,Status"


def _write(folder, files: dict[str, list[str]], header: str = HEADER):
    folder.mkdir(exist_ok=True)
    for name, lines in files.items():
        (folder / name).write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return folder


def _both(folder, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = load(folder, as_of="2026-12-31", **kw)
        old = stacking.MIN_FILES
        stacking.MIN_FILES = 10**9
        try:
            alone = load(folder, as_of="2026-12-31", **kw)
        finally:
            stacking.MIN_FILES = old
    return together, alone


def _stacked(log) -> int:
    return sum("read as one table" in n for n in log.report.notes)


def _same(a, b) -> None:
    ev_keys = ["source_file", "source_row", "event", "date", "channel"]
    for x, y, keys in (
        (a.events.drop(columns="action_id"), b.events.drop(columns="action_id"), ev_keys),
        (a.applications, b.applications, ["application_id"]),
    ):
        x = x.astype({c: object for c in x.columns if isinstance(x[c].dtype, pd.CategoricalDtype)})
        y = y.astype({c: object for c in y.columns if isinstance(y[c].dtype, pd.CategoricalDtype)})
        pd.testing.assert_frame_equal(
            x.sort_values(keys, ignore_index=True), y.sort_values(keys, ignore_index=True)
        )
    for name in ("sources", "quarantine", "dropped", "unmapped", "merges"):
        x, y = getattr(a.report, name), getattr(b.report, name)
        keys = [c for c in ("file", "row", "column", "reason") if c in x.columns]
        pd.testing.assert_frame_equal(
            x.sort_values(keys, ignore_index=True) if keys else x,
            y.sort_values(keys, ignore_index=True) if keys else y,
            check_dtype=False,
            obj=name,
        )


def test_each_file_keeps_its_own_day_month_order(tmp_path):
    folder = _write(
        tmp_path / "f",
        {
            "ana.csv": ["Acme,Analyst,13/04/2026,20/04/2026,Rejected", "Beta,PM,02/05/2026,,"],
            "ben.csv": ["Core,Analyst,04/13/2026,04/20/2026,Offer", "Dyn,PM,05/02/2026,,"],
            "cai.csv": ["Eon,Analyst,03/04/2026,,Applied", "Fox,PM,2026-05-06,,"],
        },
    )
    together, alone = _both(folder)
    assert _stacked(together) == 1
    _same(together, alone)
    applied = together.applications.set_index("company")["applied_on"].dt.strftime("%Y-%m-%d")
    assert applied["Acme"] == "2026-04-13" and applied["Beta"] == "2026-05-02"  # day-first
    assert applied["Core"] == "2026-04-13" and applied["Dyn"] == "2026-05-02"  # month-first
    assert applied["Eon"] == "2026-03-04"  # undecided: month-first assumed, said for cai.csv
    with pytest.warns(AmbiguousDateWarning, match=r"cai\.csv: column 'Date Applied'"):
        load(folder, as_of="2026-12-31")


def test_dayfirst_argument_applies_to_each_undecided_file(tmp_path):
    folder = _write(
        tmp_path / "f",
        {"a.csv": ["Acme,Analyst,03/04/2026,,"], "b.csv": ["Beta,PM,13/04/2026,,"]},
    )
    together, alone = _both(folder, dayfirst=True)
    _same(together, alone)
    assert together.applications["applied_on"].dt.month.tolist() == [4, 4]


@pytest.mark.parametrize(
    "odd",
    [
        ["Total,,,,"],  # a totals row ends the file
        ["Total applications,3,,,"],
        ["* dates are approximate"],  # a footnote
        ["Zed,PM,2026-05-01,,Applied,extra cell"],  # a ragged line
        ['"Zed, Inc",PM,2026-05-01,,Applied'],  # quotes
    ],
    ids=["total", "long-total", "footnote", "ragged", "quotes"],
)
def test_a_file_that_may_read_differently_is_read_alone(tmp_path, odd):
    rows = ["Acme,Analyst,2026-04-01,2026-04-08,Rejected", "Beta,PM,2026-04-02,,Applied"]
    folder = _write(
        tmp_path / "f",
        {"a.csv": rows, "b.csv": [r.replace("Acme", "Core") for r in rows], "c.csv": rows + odd},
    )
    together, alone = _both(folder)
    assert _stacked(together) == 1  # a.csv and b.csv
    assert "c.csv" not in next(n for n in together.report.notes if "read as one table" in n)
    _same(together, alone)


def test_blank_repeated_and_bad_rows_are_reported_per_file(tmp_path):
    folder = _write(
        tmp_path / "f",
        {
            "a.csv": ["Acme,Analyst,2026-04-01,,Rejected", ",,,,", "Beta,PM,2026-04-02,,"],
            "b.csv": ["Core,Analyst,2026-04-03,,Offer", "Core,Analyst,2026-04-03,,Offer"],
            "c.csv": ["Fox,PM,2026-04-05,,", HEADER, "Gem,PM,2026-04-06,,", ",,,,"],
            "d.csv": ["Eon,PM,someday,,Applied"],
        },
    )
    together, alone = _both(folder)
    assert _stacked(together) == 1
    _same(together, alone)
    src = together.report.sources.set_index("file")
    assert src.loc[str(folder / "c.csv"), ["n_rows", "n_loaded", "n_dropped"]].tolist() == [3, 2, 1]
    assert src.loc[str(folder / "a.csv"), "n_rows"] == 2
    q = together.report.quarantine
    assert q["file"].tolist() == [str(folder / "d.csv")] and q["row"].tolist() == [2]


def test_companies_repeating_across_files_do_not_make_an_event_log(tmp_path):
    header = "Date,Company,Status"
    folder = _write(
        tmp_path / "f",
        {f"s{i}.csv": ["2026-04-01,Acme,Applied", "2026-04-03,Beta,Rejected"] for i in range(3)},
        header=header,
    )
    together, alone = _both(folder)
    assert _stacked(together) == 1
    assert set(together.report.sources["layout"]) == set(alone.report.sources["layout"])
    _same(together, alone)
    assert together.applications["seeker"].tolist() == ["s0", "s0", "s1", "s1", "s2", "s2"]


def test_two_seekers_applying_to_one_role_stay_two_applications(tmp_path):
    rows = ["Acme,Analyst,2026-04-01,2026-04-08,Rejected"]
    folder = _write(tmp_path / "f", {"ana.csv": rows, "ben.csv": rows})
    log, alone = _both(folder)
    _same(log, alone)
    assert len(log.applications) == 2 and log.report.merges.empty
    # one seeker's two files recording one application are still merged
    one = load(folder / "ana.csv", folder / "ben.csv", as_of="2026-12-31")
    assert len(one.applications) == 1 and len(one.report.merges) == 1


def test_application_ids_and_rows_are_each_files_own(tmp_path):
    folder = _write(
        tmp_path / "f",
        {
            "a.csv": ["Acme,Analyst,2026-04-01,,", "Beta,PM,2026-04-02,,"],
            "b.csv": ["Core,Analyst,2026-04-03,,"],
        },
    )
    log, _ = _both(folder)
    assert log.applications["application_id"].tolist() == ["a.csv:2", "a.csv:3", "b.csv:2"]
    assert log.events["source_row"].tolist() == [2, 3, 2]
    assert log.events["source_file"].tolist() == [
        str(folder / n) for n in ("a.csv",) * 2 + ("b.csv",)
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_among_the_files_is_never_waited_on(tmp_path):
    folder = _write(tmp_path / "f", {"a.csv": ["Acme,Analyst,2026-04-01,,"]})
    os.mkfifo(folder / "b.csv")
    sources = expand_sources([str(folder / "a.csv"), str(folder / "b.csv")])
    assert stacking.plan_stacks(sources) == []  # returns at once: the pipe is not opened to wait


def test_order_by_group_is_the_order_each_group_decides_alone():
    import numpy as np

    from followup_analytics.ingest.values import orders_by_group, parse_dates

    rng = np.random.default_rng(5)
    for _ in range(60):
        n_groups = int(rng.integers(1, 6))
        values, groups = [], []
        for g in range(n_groups):
            for _ in range(int(rng.integers(0, 6))):
                a, b = int(rng.integers(1, 29)), int(rng.integers(1, 13))
                sep = ["/", ".", "-"][int(rng.integers(0, 3))]
                values.append(
                    [
                        f"{a:02d}{sep}{b:02d}{sep}2026",
                        f"{b}{sep}{a}{sep}26",
                        f"{b:02d}/{b:02d}/2026",
                        "2026-04-05",
                        "soon",
                        None,
                    ][int(rng.integers(0, 6))]
                )
                groups.append(g)
        series = pd.Series(values, dtype=object)
        orders, ambiguous = orders_by_group(series, np.array(groups, dtype=np.int64), n_groups)
        for g in range(n_groups):
            alone = parse_dates(series[np.array(groups) == g].reset_index(drop=True))
            assert (orders[g], bool(ambiguous[g])) == (alone.order, alone.ambiguous), values


def test_the_date_warning_names_five_columns_and_counts_the_rest(tmp_path):
    folder = _write(tmp_path / "f", {f"s{i}.csv": ["Acme,Analyst,03/04/2026,,"] for i in range(8)})
    with pytest.warns(AmbiguousDateWarning) as caught:
        log = load(folder, as_of="2026-12-31")
    message = str(caught[0].message)
    assert message.count("column 'Date Applied'") == 5 and "and 3 more columns" in message
    assert sum("read month-first, assumed" in n for n in log.report.notes) == 8


def test_groups_are_read_in_chunks_and_held_bytes_are_bounded(tmp_path, monkeypatch):
    rows = ["Acme,Analyst,2026-04-01,,Rejected", "Beta,PM,2026-04-02,,Applied"]
    folder = _write(tmp_path / "f", {f"s{i}.csv": rows for i in range(10)})
    sources = expand_sources([str(folder)])
    size = len("\n".join(rows)) + 1
    monkeypatch.setattr(stacking, "STACK_BYTES", 4 * size)  # at most 4 files per table
    assert [len(s.members) for s in stacking.plan_stacks(sources)] == [4, 4, 2]
    per_file = (folder / "s0.csv").stat().st_size
    monkeypatch.setattr(stacking, "STACK_TOTAL_BYTES", 3 * per_file)  # the rest read alone
    assert [len(s.members) for s in stacking.plan_stacks(sources)] == [3]
    together, alone = _both(folder)
    _same(together, alone)


def test_the_printed_report_of_a_large_folder_stays_short(tmp_path):
    folder = _write(
        tmp_path / "f", {f"s{i:02d}.csv": ["Acme,Analyst,03/04/2026,,"] for i in range(40)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = load(folder, as_of="2026-12-31")
    text = str(log.report)
    assert "... 10 more (see report.sources)" in text and "more (see report.notes)" in text
    assert len(text.splitlines()) < 80 and len(log.report.sources) == 40
