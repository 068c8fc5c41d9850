"""Header matching: synonyms, repeated groups, fuzzy matching, conflicts, user mapping."""

import pytest

from followup_analytics.ingest.columns import check_mapping, match_columns, strip_ordinal


def _fields(cm):
    return dict(zip(cm.matches["input_column"], cm.matches["field"], strict=True))


def test_exact_matches_ignore_case_space_and_punctuation():
    cm = match_columns(["  COMPANY ", "Job-Title", "date applied", "Status:"])
    assert cm.column("company") == "  COMPANY "
    assert cm.column("role") == "Job-Title"
    assert cm.column("applied_on") == "date applied"
    assert cm.column("status") == "Status:"
    assert set(cm.matches["how"]) == {"exact"}


@pytest.mark.parametrize(
    "header, expected",
    [
        ("follow up 2 date", ("follow up date", 2)),
        ("2nd interview", ("interview", 2)),
        ("interview 3", ("interview", 3)),
        ("follow up no 4 channel", ("follow up channel", 4)),
        ("second interview date", ("interview date", 2)),
        ("company", ("company", None)),
    ],
)
def test_strip_ordinal(header, expected):
    assert strip_ordinal(header) == expected


def test_repeated_groups_pair_up_by_number():
    cm = match_columns(
        [
            "Follow-up 1 Date",
            "Follow-up 1 Method",
            "Follow-up #2 Date",
            "Follow up 2 channel",
            "Follow-up 2 To",
            "Interview 1 Date",
            "2nd Interview",
        ]
    )
    assert cm.groups("followup_date") == {1: "Follow-up 1 Date", 2: "Follow-up #2 Date"}
    assert cm.groups("followup_channel") == {1: "Follow-up 1 Method", 2: "Follow up 2 channel"}
    assert cm.groups("followup_recipient") == {2: "Follow-up 2 To"}
    assert cm.groups("interview_date") == {1: "Interview 1 Date", 2: "2nd Interview"}
    labels = dict(zip(cm.labels()["input_column"], cm.labels()["field"], strict=True))
    assert labels["Follow-up #2 Date"] == "followup_date[2]"


def test_fuzzy_matching_is_conservative():
    cm = match_columns(
        ["Student Email Address", "Compnay", "Contact Phone Number", "Job Url", "Resume Name"]
    )
    got = _fields(cm)
    assert got["Student Email Address"] == "seeker"
    assert got["Compnay"] == "company"
    assert set(cm.unmapped) == {"Contact Phone Number", "Job Url", "Resume Name"}
    how = dict(zip(cm.matches["input_column"], cm.matches["how"], strict=True))
    assert how == {"Student Email Address": "contains", "Compnay": "spelling"}


def test_one_column_per_field_best_score_wins_and_losers_are_carried():
    cm = match_columns(["Company Name (parent)", "Company", "Employer"])
    assert cm.column("company") == "Company"
    assert "Employer" in cm.unmapped and "Company Name (parent)" in cm.unmapped
    assert cm.matches["input_column"].is_unique


def test_field_priority_decides_between_equal_synonyms():
    assert (
        match_columns(["Channel"], ["followup_channel", "channel"]).column("followup_channel")
        == "Channel"
    )
    assert (
        match_columns(["Channel"], ["channel", "followup_channel"]).column("channel") == "Channel"
    )


def test_user_mapping_wins_and_reports_missing_headers():
    cm = match_columns(
        ["When I sent it", "Company", "Date Applied"],
        mapping={"when i sent it": "applied_on", "Nope": "company", "Date Applied": None},
    )
    assert cm.column("applied_on") == "When I sent it"
    assert cm.matches.set_index("input_column").loc["When I sent it", "how"] == "user"
    assert cm.missing == ("Nope",)
    assert "Date Applied" in cm.unmapped


def test_user_mapping_targets_are_validated():
    with pytest.raises(
        ValueError,
        match=r"'banana' is not a canonical field; allowed: .*"
        r"applied_on",
    ):
        check_mapping({"X": "banana"})
    with pytest.raises(ValueError, match="not a canonical field"):
        check_mapping({"X": "company:2"})  # only repeated fields take a group
    assert check_mapping({"X": "followup_date:3"}) == {"X": ("followup_date", 3)}
