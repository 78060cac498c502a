"""Validation problems as readable lines: the place, named by ids, and its line."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from mlops_scorecard.problems import format_location, validation_problems


def test_format_location_names_ids_and_names() -> None:
    data = {"dimensions": [{"id": "gov", "questions": [{"id": "q1"}, {"text": "no id"}]}]}
    loc: list[int | str] = ["dimensions", 0, "questions", 1, "weight"]
    assert format_location(loc, data) == "dimensions[0] (gov).questions[1].weight"
    loc = ["dimensions", 0, "questions", 0, "text"]
    assert format_location(loc, data) == "dimensions[0] (gov).questions[0] (q1).text"
    people = {"respondents": [{"name": "Ann"}]}
    assert format_location(["respondents", 0, "role"], people) == "respondents[0] (Ann).role"
    assert format_location(["x", 5], None) == "x[5]"
    assert format_location([]) == ""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    weight: float


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[_Item]


def _problems(text: str, data: Any, limit: int = 20) -> list[str]:
    with pytest.raises(ValidationError) as info:
        _Doc.model_validate(data)
    return validation_problems(info.value, data, text, limit=limit)


def test_validation_problems_give_line_place_and_readable_message() -> None:
    text = "items:\n  - id: a\n    weight: 1\n  - id: b\n    weight: heavy\n    colour: red\n"
    data = {"items": [{"id": "a", "weight": 1}, {"id": "b", "weight": "heavy", "colour": "red"}]}
    problems = _problems(text, data)
    assert "line 5: items[1] (b).weight: Input should be a valid number" in problems[0]
    assert problems[1] == "line 6: items[1] (b).colour: unknown field"


def test_validation_problems_missing_field_and_limit() -> None:
    data = {"items": [{"weight": 1}, {"weight": 2}, {"weight": 3}]}
    problems = _problems("", data, limit=2)
    assert problems == [
        "items[0].id: required field is missing",
        "items[1].id: required field is missing",
        "... and 1 more problems",
    ]
