"""Framework files: the built-in framework, loading, validation messages, lookup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.framework import (
    DEFAULT_SCALE,
    Framework,
    builtin_frameworks,
    get_framework,
    load_framework,
    parse_framework,
)

Write = Callable[[str, str], Path]

# A small valid framework; the broken cases below change one line of it.
BASE = """\
id: tiny
version: "1"
title: Tiny
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50}
dimensions:
  - id: governance
    title: Governance
    questions:
      - {id: g1, text: First}
      - {id: g2, text: Second}
  - id: deployment
    title: Deployment
    questions:
      - {id: d1, text: Third}
"""


def _broken(write: Write, old: str, new: str) -> tuple[Path, str]:
    """Write BASE with ``old`` replaced by ``new``; return the path and the error message."""
    assert old in BASE
    path = write("broken.yaml", BASE.replace(old, new))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return path, str(info.value)


def test_base_is_valid(write: Write) -> None:
    fw = load_framework(write("tiny.yaml", BASE))
    assert fw.ref == "tiny@1"
    assert fw.scale == DEFAULT_SCALE
    assert fw.overall == "weighted-mean"
    assert [q.id for _, q in fw.iter_questions()] == ["g1", "g2", "d1"]
    assert fw.dimensions[0].questions[0].weight == 1.0
    assert fw.dimensions[0].questions[0].set == "core"


# --- the broken files the issue names -------------------------------------------------


def test_bad_yaml(write: Write) -> None:
    path, message = _broken(write, "title: Tiny", "title: [Tiny")
    assert message.startswith(f"{path}: line ")
    assert "invalid YAML" in message


def test_duplicate_question_id(write: Write) -> None:
    path, message = _broken(write, "{id: d1, text: Third}", "{id: g1, text: Third}")
    assert message == (
        f"{path}: line 16: dimensions[1] (deployment).questions[0]: duplicate question id 'g1'"
        " (first used at dimensions[0] (governance).questions[0])"
    )


def test_duplicate_dimension_id(write: Write) -> None:
    path, message = _broken(write, "id: deployment", "id: governance")
    assert f"{path}: line 13: dimensions[1]: duplicate dimension id 'governance'" in message


def test_duplicate_level_id(write: Write) -> None:
    path, message = _broken(write, "{id: high,", "{id: low,")
    assert f"{path}: line 6: levels[1]: duplicate level id 'low'" in message


def test_a_scale_key_is_a_slug(write: Write) -> None:
    # any slug is a key (custom scales, tests/test_custom_scales.py); "Maybe" is none (keys are lower case)
    scale = 'scale:\n  "yes": {label: Y, value: 1}\n  "no": {label: N, value: 0}\n'
    scale += "  Maybe: {label: M, value: 0.3}\nlevels:"
    path, message = _broken(write, "levels:", scale)
    assert f"{path}: line 7: scale.Maybe: a scale key is a lower-case slug" in message


def test_negative_weight(write: Write) -> None:
    path, message = _broken(write, "{id: g2, text: Second}", "{id: g2, text: Second, weight: -1}")
    assert message == (
        f"{path}: line 12: dimensions[0] (governance).questions[1] (g2).weight:"
        " Input should be greater than 0"
    )


def test_zero_weight(write: Write) -> None:
    path, message = _broken(write, "    title: Deployment\n", "    title: Deployment\n    weight: 0\n")
    assert f"{path}: line 15: dimensions[1] (deployment).weight: Input should be greater than 0" in (message)


def test_empty_dimension(write: Write) -> None:
    path, message = _broken(write, "    questions:\n      - {id: d1, text: Third}\n", "    questions: []\n")
    assert f"{path}: line 15: dimensions[1] (deployment).questions: List should have at least 1" in (message)


def test_dimension_without_questions_field(write: Write) -> None:
    path, message = _broken(write, "    questions:\n      - {id: d1, text: Third}\n", "")
    assert f"{path}: line 13: dimensions[1] (deployment).questions: required field is missing" in (message)


def test_unknown_field(write: Write) -> None:
    path, message = _broken(write, "{id: g2, text: Second}", "{id: g2, text: Second, colour: red}")
    assert message == f"{path}: line 12: dimensions[0] (governance).questions[1] (g2).colour: unknown field"


def test_unknown_top_level_field(write: Write) -> None:
    path, message = _broken(write, "title: Tiny", "title: Tiny\nauthor: me")
    assert message == f"{path}: line 4: author: unknown field"


# --- more validation rules ---------------------------------------------------------------


def test_levels_not_ascending(write: Write) -> None:
    path, message = _broken(
        write, "  - {id: high, name: High, min: 50}", "  - {id: high, name: High, min: 0}"
    )
    assert f"{path}: line 6: levels[1] (high): min must be above the previous level's" in message


def test_first_level_not_zero(write: Write) -> None:
    path, message = _broken(write, "{id: low, name: Low, min: 0}", "{id: low, name: Low, min: 10}")
    assert f"{path}: line 5: levels[0]: the first level must start at min 0" in message


def test_dimension_without_core_question(write: Write) -> None:
    path, message = _broken(write, "{id: d1, text: Third}", "{id: d1, text: Third, set: extended}")
    assert f"{path}: line 13: dimensions[1] (deployment): has no core question" in message


def test_bad_question_set_and_id(write: Write) -> None:
    _, message = _broken(write, "{id: d1, text: Third}", "{id: D 1, text: Third, set: bonus}")
    assert "dimensions[1] (deployment).questions[0] (D 1).id: String should match pattern" in message
    assert "dimensions[1] (deployment).questions[0] (D 1).set: Input should be 'core' or 'extended'" in (
        message
    )


def test_scale_rules(write: Write) -> None:
    scale = 'scale:\n  partly: {label: P}\n  "no": {label: N, value: 0}\n  na: {label: NA, value: 0}\nlevels:'
    path, message = _broken(write, "levels:", scale)
    lines = message.splitlines()
    assert f"{path}: line 5: scale: the key 'yes' is required" in lines
    assert f"{path}: line 5: scale.partly: needs a value between 0 and 1" in lines
    assert f"{path}: line 7: scale.na: carries no value; remove 'value'" in lines


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"yes": 0.2, "no": 1.0},
            "line 5: scale.yes.value: 0.2 must be above the value of 'no' (1): yes is the best answer",
        ),
        (
            {"yes": 0.5, "no": 0.5},
            "line 5: scale.yes.value: 0.5 must be above the value of 'no' (0.5): yes is the best answer",
        ),
        (
            {"yes": 1.0, "partly": 0.0, "no": 0.0},
            "line 6: scale.partly.value: 0 must be between the values of 'no' (0) and 'yes' (1)",
        ),
        (
            {"yes": 0.8, "partly": 0.9, "no": 0.1},
            "line 6: scale.partly.value: 0.9 must be between the values of 'no' (0.1) and 'yes' (0.8)",
        ),
    ],
)
def test_scale_must_rise_from_no_to_yes(write: Write, values: dict[str, float], expected: str) -> None:
    # a reversed scale would make the plan call the worst answer "done"
    scale = "scale:\n" + "".join(f'  "{k}": {{label: L{k}, value: {v}}}\n' for k, v in values.items())
    path, message = _broken(write, "levels:", scale + "levels:")
    assert f"{path}: {expected}" in message.splitlines()


def test_scale_in_order_is_accepted(write: Write) -> None:
    scale = 'scale:\n  "yes": {label: Y, value: 0.9}\n  partly: {label: P, value: 0.4}\n  "no": {label: N, value: 0.1}\n'
    fw = load_framework(write("ok.yaml", BASE.replace("levels:", scale + "levels:")))
    assert fw.value_of("partly") == 0.4


def test_scale_short_form_takes_the_value_and_the_default_label(write: Write) -> None:
    ok = load_framework(
        write("short.yaml", BASE.replace("levels:", "scale: {yes: 0.9, partly: 0.5, no: 0.1}\nlevels:"))
    )
    assert ok.value_of("yes") == 0.9
    assert ok.scale["partly"].label == "Partly"
    # a reversed short scale gets the same clear message as the long form
    _, message = _broken(write, "levels:", "scale: {yes: 0.2, no: 1.0}\nlevels:")
    assert "scale.yes.value: 0.2 must be above the value of 'no' (1): yes is the best answer" in message
    assert "ScaleChoice" not in message


def test_scale_value_out_of_range(write: Write) -> None:
    scale = 'scale:\n  "yes": {label: Y, value: 2}\n  "no": {label: N, value: 0}\nlevels:'
    path, message = _broken(write, "levels:", scale)
    assert f"{path}: line 5: scale.yes.value: Input should be less than or equal to 1" in message


def test_unquoted_yes_no_scale_keys(write: Write) -> None:
    text = BASE.replace("levels:", "scale:\n  yes: {label: Y, value: 1}\n  no: {label: N, value: 0}\nlevels:")
    fw = load_framework(write("t.yaml", text))
    assert set(fw.scale) == {"yes", "no"}
    assert fw.value_of("yes") == 1.0
    assert fw.value_of("partly") is None


def test_every_problem_on_its_own_line(write: Write) -> None:
    text = BASE.replace("{id: d1, text: Third}", "{id: g1, text: Third, weight: -2}").replace(
        "min: 0}", "min: 5}"
    )
    path = write("many.yaml", text)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    # field errors come first; cross-field checks run only once the fields are valid
    assert info.value.problems == [
        "line 16: dimensions[1] (deployment).questions[0] (g1).weight: Input should be greater than 0"
    ]
    text = BASE.replace("{id: d1, text: Third}", "{id: g1, text: Third}").replace("min: 0}", "min: 5}")
    with pytest.raises(FrameworkError) as info:
        load_framework(write("many.yaml", text))
    assert len(info.value.problems) == 2
    assert all(line.startswith(f"{path}: ") for line in str(info.value).splitlines())


def test_version_given_as_yaml_float(write: Write) -> None:
    fw = load_framework(write("t.yaml", BASE.replace('version: "1"', "version: 2.0")))
    assert fw.version == "2.0"
    assert fw.ref == "tiny@2.0"
    fw = load_framework(write("t.yaml", BASE.replace('version: "1"', "version: 3")))
    assert fw.version == "3"


def test_other_format_rejected(write: Write) -> None:
    path, message = _broken(write, "id: tiny\n", "format: 2\nid: tiny\n")
    assert f"{path}: line 1: format: Input should be 1" in message


def test_not_a_mapping(write: Write) -> None:
    path = write("list.yaml", "- a\n- b\n")
    with pytest.raises(FrameworkError, match=r"list\.yaml: a framework must be a mapping"):
        load_framework(path)


def test_json_framework_file(write: Write) -> None:
    data = yaml.safe_load(BASE)
    path = write("tiny.json", json.dumps(data, indent=2))
    assert load_framework(path) == parse_framework(data)
    data["dimensions"][0]["questions"][1]["weight"] = -1
    path = write("bad.json", json.dumps(data, indent=2))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert "dimensions[0] (governance).questions[1] (g2).weight" in str(info.value)
    assert str(info.value).startswith(f"{path}: line ")


def test_parse_framework_default_source() -> None:
    with pytest.raises(FrameworkError, match=r"^<framework>: .*required field is missing"):
        parse_framework({"id": "x"})


def test_docs_minimal_example_is_valid(doc_blocks: Callable[[str, str], list[str]]) -> None:
    blocks = doc_blocks("framework-format.md", "yaml")
    assert blocks, "docs/framework-format.md should hold a YAML example"
    fw = parse_framework(yaml.safe_load(blocks[0]))
    assert fw.id == "demo"


# --- the built-in framework --------------------------------------------------------------

DIMENSION_IDS = [
    "governance",
    "data-management",
    "model-development",
    "deployment",
    "monitoring",
    "continuous-improvement",
]


def test_builtin_framework_shape(framework: Framework) -> None:
    assert framework.id == "mlops-scorecard"
    assert [d.id for d in framework.dimensions] == DIMENSION_IDS
    assert len(list(framework.iter_questions("full"))) == 48
    assert len(list(framework.iter_questions("core"))) == 18
    for dim in framework.dimensions:
        assert len(dim.questions_in("core")) == 3
        assert len(dim.questions) == 8
    ids = [q.id for _, q in framework.iter_questions()]
    assert len(set(ids)) == 48


def test_builtin_questions_have_guidance_and_recommendation(framework: Framework) -> None:
    for _, q in framework.iter_questions():
        assert q.text.endswith("?"), q.id
        assert len(q.guidance) > 40, q.id
        assert len(q.recommendation) > 40, q.id


def test_builtin_scale_and_levels(framework: Framework) -> None:
    assert {k: c.value for k, c in framework.scale.items()} == {
        "yes": 1.0,
        "partly": 0.5,
        "no": 0.0,
        "na": None,
        "unknown": None,
    }
    assert [(lv.id, lv.min) for lv in framework.levels] == [
        ("initial", 0),
        ("repeatable", 20),
        ("defined", 40),
        ("managed", 60),
        ("optimizing", 80),
    ]
    assert framework.source.author == "Krystian Safjan"


def test_builtin_frameworks_listed() -> None:
    refs = [fw.ref for fw in builtin_frameworks()]
    assert "mlops-scorecard@1.0.0" in refs
    assert builtin_frameworks()[0] is builtin_frameworks()[0]  # cached


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "initial"),
        (19.99, "initial"),
        (20, "repeatable"),
        (39.999, "repeatable"),
        (40, "defined"),
        (59.99999999999999, "managed"),  # a float-rounded 60 (5 respondents' means)
        (60, "managed"),
        (79.99, "managed"),
        (80, "optimizing"),
        (100, "optimizing"),
    ],
)
def test_level_for_band_edges(framework: Framework, score: float, level: str) -> None:
    found = framework.level_for(score)
    assert found is not None
    assert found.id == level


def test_level_for_no_score(framework: Framework) -> None:
    assert framework.level_for(None) is None


def test_lookup_helpers(framework: Framework) -> None:
    found = framework.question("mon-metrics")
    assert found is not None
    dim, q = found
    assert (dim.id, q.set) == ("monitoring", "core")
    assert framework.question("nope") is None
    deployment = framework.dimension("deployment")
    assert deployment is not None
    assert deployment.title == "Deployment"
    assert framework.dimension("nope") is None
    assert framework.value_of("partly") == 0.5
    assert framework.value_of("na") is None


# --- get_framework -----------------------------------------------------------------------


def test_get_framework_by_id_and_version(framework: Framework) -> None:
    assert get_framework("mlops-scorecard") is framework
    assert get_framework("mlops-scorecard@1.0.0") is framework


def test_get_framework_unknown_id() -> None:
    with pytest.raises(FrameworkError) as info:
        get_framework("no-such-framework")
    assert str(info.value) == (
        "unknown framework 'no-such-framework' (built-in: ml-test-score, mlops-scorecard; or give a file path)"
    )


def test_get_framework_unknown_version() -> None:
    with pytest.raises(FrameworkError) as info:
        get_framework("mlops-scorecard@9.9")
    assert str(info.value) == ("framework 'mlops-scorecard' has no version '9.9' (available: 1.0.0)")


def test_get_framework_by_path(write: Write) -> None:
    path = write("custom.yaml", BASE)
    assert get_framework(str(path)).id == "tiny"
    with pytest.raises(FrameworkError, match="file not found"):
        get_framework(str(path.with_name("missing.yaml")))


def test_framework_is_immutable(framework: Framework) -> None:
    with pytest.raises(ValueError, match="frozen"):
        framework.title = "x"  # type: ignore[misc]


def test_parse_framework_from_dict() -> None:
    data: dict[str, Any] = yaml.safe_load(BASE)
    data["overall"] = "minimum"
    data["dimensions"][1]["weight"] = 2.5
    fw = parse_framework(data)
    assert fw.overall == "minimum"
    assert fw.dimensions[1].weight == 2.5
