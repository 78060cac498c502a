"""The framework fields for multiple-choice questions, must-haves, profiles, version
changes and open bands: what each accepts, and the message (with its place) for what not."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.framework import get_framework, parse_framework


def base() -> dict[str, Any]:
    return copy.deepcopy(get_framework("mlops-scorecard@1.0.0").model_dump(mode="json", by_alias=True))


def problems(data: dict[str, Any]) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(data)
    return str(caught.value)


def choice_question(**extra: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": "ml-choice",
        "text": "Which of these do you do?",
        "choices": [
            {"id": "tests", "label": "Tests"},
            {"id": "review", "label": "Review"},
            {"id": "ml_choice_no", "label": "None of these", "none": True},
        ],
        "risk_rules": [
            {"condition": "tests && review", "risk": "none"},
            {"condition": "tests || review", "risk": "medium"},
            {"condition": "default", "risk": "high"},
        ],
    }
    q.update(extra)
    return q


def test_the_builtin_framework_has_none_of_the_new_fields_set() -> None:
    fw = get_framework("mlops-scorecard@1.0.0")
    assert fw.changes == []
    assert fw.previous == ""
    assert fw.extends == ""
    assert all(not q.choices and q.must_have is None for _, q in fw.iter_questions())


def test_a_choice_question_validates() -> None:
    data = base()
    data["dimensions"][0]["questions"].append(choice_question())
    fw = parse_framework(data)
    found = fw.question("ml-choice")
    assert found is not None
    assert found[1].is_choice()
    assert [r.risk for r in found[1].risk_rules] == ["none", "medium", "high"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"risk_rules": []}, "a question with choices needs at least one risk rule"),
        ({"risk_rules": [{"condition": "tests && nope", "risk": "none"}]}, "unknown choice id 'nope'"),
        ({"risk_rules": [{"condition": "tests &&", "risk": "none"}]}, "risk_rules[0].condition"),
        ({"risk_rules": [{"condition": "tests", "risk": "low"}]}, "risk"),
        (
            {"choices": [{"id": "a", "label": "A"}, {"id": "a", "label": "A again"}]},
            "duplicate choice id 'a'",
        ),
    ],
)
def test_choice_question_problems_name_the_field(change: dict[str, Any], message: str) -> None:
    data = base()
    data["dimensions"][0]["questions"].append(choice_question(**change))
    assert message in problems(data)


def test_risk_rules_without_choices_are_refused() -> None:
    data = base()
    data["dimensions"][0]["questions"][0]["risk_rules"] = [{"condition": "default", "risk": "high"}]
    assert "only a question with choices has risk rules" in problems(data)


def test_must_have_names_a_level() -> None:
    data = base()
    data["dimensions"][0]["questions"][0]["must_have"] = "managed"
    parse_framework(data)
    data["dimensions"][0]["questions"][0]["must_have"] = "heroic"
    assert (
        "dimensions[0] (governance).questions[0] (gov-strategy).must_have: unknown level id 'heroic'"
        in problems(data)
    )


def test_profile_questions_name_known_questions_and_options() -> None:
    data = base()
    data["profile"] = [
        {
            "id": "production",
            "text": "Models in production?",
            "options": [
                {"id": "none", "label": "None yet", "not_applicable": {"gov-team": "no team yet"}},
                {"id": "many", "label": "Many", "prioritise": ["gov-policies"]},
            ],
        }
    ]
    assert parse_framework(data).profile[0].options[0].not_applicable == {"gov-team": "no team yet"}
    data["profile"][0]["options"][1]["prioritise"] = ["gov-nope"]
    data["profile"][0]["default"] = "some"
    text = problems(data)
    assert "profile[0] (production).options[1] (many): unknown question id 'gov-nope'" in text
    assert "profile[0] (production).default: unknown option 'some'" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "split", "from": "gov-team", "to": ["gov-strategy"]}, "two or more 'to'"),
        ({"kind": "merged", "from": ["a"], "to": "gov-team"}, "two or more 'from'"),
        (
            {"kind": "renamed", "from": "old", "to": "gov-nope"},
            "changes[0].to: unknown question id 'gov-nope'",
        ),
        ({"kind": "moved", "from": "a", "to": "b"}, "kind"),
    ],
)
def test_version_changes_are_checked(change: dict[str, Any], message: str) -> None:
    data = base()
    data["previous"] = "mlops-scorecard@0.9.0"
    data["changes"] = [change]
    assert message in problems(data)


def test_changes_need_the_previous_version() -> None:
    data = base()
    data["changes"] = [{"kind": "renamed", "from": "old-team", "to": "gov-team"}]
    assert "name the version they map from" in problems(data)


def test_open_bands_and_points_decide_the_level() -> None:
    data = base()
    data["points"] = 7
    data["levels"] = [
        {"id": "research", "name": "Research", "min": 0},
        {"id": "untested", "name": "Not totally untested", "min": 0, "above": True},
        {"id": "first-pass", "name": "First pass", "min": 1, "above": True},
    ]
    fw = parse_framework(data)
    # 0 points; 1 point (100/7 %) is still in (0, 1]; 1.5 points is in (1, 2]
    assert [fw.level_for(s).id for s in (0.0, 100 / 7, 1.5 * 100 / 7)] == [  # type: ignore[union-attr]
        "research",
        "untested",
        "first-pass",
    ]
