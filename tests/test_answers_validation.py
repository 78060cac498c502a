"""The one-pass validation of answers files: the same answer sets as the models, and the
same line-precise messages, for files of every size."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mlops_scorecard.answers import AnswerSet, dump_answers, load_answers, load_assessment, read_answers
from mlops_scorecard.answers.validation import fast_answer_set
from mlops_scorecard.datafiles import MAX_CONTAINERS
from mlops_scorecard.errors import AnswersError
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, get_framework

# values chosen to sit on both sides of every rule of the models
TEXTS = st.sampled_from(["", " ", "Ann", " Ann ", "x" * 201, " " * 300 + "y", "a\x00b", "\ud800", "Zoë"])
KEYS = st.sampled_from(["yes", "Yes ", " NO", "partly", "na", "unknown", "maybe", "", "1"])
ODD: st.SearchStrategy[Any] = st.sampled_from(
    [None, True, False, 0, 1, 1.0, [], {}, dt.date(2026, 1, 1), b"x"]
)
ANSWER_KEY = st.one_of(KEYS, ODD)
COMMENT = st.one_of(TEXTS, ODD, st.just("c" * 5001), st.just(" " * 10 + "c" * 5000))
EVIDENCE = st.one_of(
    TEXTS, ODD, st.lists(st.one_of(TEXTS, ODD), max_size=3), st.just(["e"] * 50), st.just(["e"] * 51)
)
LONG = st.dictionaries(
    st.sampled_from(["answer", "comment", "evidence", "note"]),
    st.one_of(ANSWER_KEY, COMMENT, EVIDENCE),
    max_size=4,
)
ANSWER = st.one_of(
    ANSWER_KEY, LONG, st.fixed_dictionaries({"answer": ANSWER_KEY}, optional={"comment": COMMENT})
)
QIDS = st.sampled_from(["q1", "q2", " q1", "q3 ", "gov-strategy"])
RESPONDENT = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(TEXTS, ODD),
            "role": st.one_of(TEXTS, ODD),
            "answers": st.one_of(st.dictionaries(st.one_of(QIDS, st.sampled_from([1, True])), ANSWER), ODD),
            "team": TEXTS,
        },
    ),
    ODD,
)
DOCUMENT = st.fixed_dictionaries(
    {"framework": st.one_of(st.sampled_from(["f", " f ", "", " "]), ODD)},
    optional={
        "question_set": st.sampled_from(["core", "full", " full", "all", None]),
        "unit": st.one_of(TEXTS, ODD, st.just([[["deep"]]])),
        "title": st.one_of(TEXTS, ODD),
        "date": st.one_of(st.sampled_from(["2026-10-01", "2026-13-01", "soon", 20261001]), ODD),
        "respondents": st.one_of(st.lists(RESPONDENT, max_size=4), ODD),
        "colour": TEXTS,
    },
)


def _models(data: dict[str, Any]) -> AnswerSet | None:
    try:
        return AnswerSet.model_validate(data)
    except ValidationError:
        return None


@settings(max_examples=400, deadline=None)
@given(DOCUMENT)
def test_the_one_pass_builds_what_the_models_build_or_leaves_it_to_them(data: dict[str, Any]) -> None:
    fast = fast_answer_set(data)
    if fast is not None:
        # whatever the pass accepts, the models accept, and build the same
        assert fast == _models(data)
        assert fast.to_data() == AnswerSet.model_validate(data).to_data()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(QIDS, st.one_of(KEYS, st.fixed_dictionaries({"answer": KEYS}))), max_size=5))
def test_valid_answers_take_the_one_pass(people: list[dict[str, Any]]) -> None:
    """Not every file falls back: the common shapes are the pass's own."""
    data = {"framework": "f", "respondents": [{"name": f"P{i}", "answers": a} for i, a in enumerate(people)]}
    models = _models(data)
    fast = fast_answer_set(data, texts=False)
    plain_ids = all(q == q.strip() for a in people for q in a)
    if models is not None and plain_ids:
        assert fast == models


def test_texts_no_database_can_store_are_left_to_the_tree_check() -> None:
    for bad in ("a\x00b", "\ud800"):
        for data in (
            {"framework": "f", "title": bad},
            {"framework": "f", "respondents": [{"name": bad}]},
            {"framework": "f", "respondents": [{"answers": {bad: "yes"}}]},
            {"framework": "f", "respondents": [{"answers": {"q": {"answer": "yes", "comment": bad}}}]},
            {"framework": "f", "respondents": [{"answers": {"q": {"answer": "yes", "evidence": [bad]}}}]},
        ):
            assert fast_answer_set(data, texts=True) is None
            if bad == "a\x00b":  # the models keep a NUL (the tree check refuses it)
                assert fast_answer_set(data, texts=False) is not None


def test_more_containers_than_allowed_are_left_to_the_tree_check() -> None:
    data = {"framework": "f", "respondents": [{"answers": {"q": {"answer": "yes", "evidence": ["x"]}}}] * 2}
    # root, respondents, and per respondent: itself, its answers, one long answer, its evidence
    assert fast_answer_set(data, max_containers=10) is not None
    assert fast_answer_set(data, max_containers=9) is None
    assert MAX_CONTAINERS == 1_000_000


def test_equal_answers_share_one_frozen_object(framework: Framework) -> None:
    answers = read_answers(
        json.dumps(example_answers(framework, respondents=200, question_set="full").to_data()),
        source="big.json",
        as_json=True,
    )
    cells = [a for r in answers.respondents for a in r.answers.values()]
    assert len(cells) == 200 * 48
    # five plain answers, plus one per distinct (answer, comment) in the sample's few remarks
    assert len({id(a) for a in cells}) < 40
    with pytest.raises(ValidationError, match="frozen"):
        cells[0].answer = "no"  # type: ignore[misc]
    # a respondent stays mutable: change an answer by putting a new one in its place
    first = answers.respondents[0]
    qid = next(iter(first.answers))
    first.answers[qid] = first.answers[qid].model_copy(update={"answer": "na"})
    assert answers.respondents[1].answers[qid] is not first.answers[qid]


# --- the error paths, in a large file: the message names the file, the line and the place ---


def _big(
    tmp_path: Path, framework: Framework, suffix: str = ".json", n: int = 300
) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / f"big{suffix}"
    answers = example_answers(framework, respondents=n, question_set="full")
    dump_answers(answers, path)
    return path, answers.to_data()


def _write(path: Path, data: dict[str, Any]) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _error(path: Path) -> str:
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    return str(info.value)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_an_unknown_answer_key_deep_in_a_large_file(
    tmp_path: Path, framework: Framework, suffix: str
) -> None:
    path, data = _big(tmp_path, framework, suffix)
    who = data["respondents"][250]
    who["answers"]["dep-ci-cd"] = "maybe-later"
    _write(path, data)
    line = _line_of(path, "maybe-later")
    assert _error(path) == (
        f"{path}: line {line}: respondents[250] ({who['name']}).answers.dep-ci-cd.answer:"
        " unknown answer key (use yes, partly, no, na, unknown)"
    )


def test_a_duplicate_respondent_in_a_large_file(tmp_path: Path, framework: Framework) -> None:
    path, data = _big(tmp_path, framework)
    data["respondents"][299]["name"] = data["respondents"][7]["name"]
    _write(path, data)
    assert _error(path) == f"{path}: respondents: duplicate name {data['respondents'][7]['name']!r}"


def test_bad_types_in_a_large_file(tmp_path: Path, framework: Framework) -> None:
    path, data = _big(tmp_path, framework)
    people = data["respondents"]
    people[150]["role"] = 42
    people[200]["answers"]["gov-strategy"] = {"answer": "yes", "evidence": [7]}
    people[250]["answers"]["gov-team"] = {"answer": "no", "colour": "red"}
    _write(path, data)
    text = path.read_text(encoding="utf-8").splitlines()
    role = next(i for i, s in enumerate(text, 1) if s.strip() == '"role": 42,')
    evidence = next(i for i, s in enumerate(text, 1) if s.strip() == "7")
    colour = _line_of(path, '"colour": "red"')
    assert _error(path).splitlines() == [
        f"{path}: line {role}: respondents[150] ({people[150]['name']}).role: Input should be a valid string",
        f"{path}: line {evidence}: respondents[200] ({people[200]['name']}).answers.gov-strategy.evidence[0]:"
        " Input should be a valid string",
        f"{path}: line {colour}: respondents[250] ({people[250]['name']}).answers.gov-team.colour: unknown field",
    ]


def test_oversize_values_in_a_large_file(tmp_path: Path, framework: Framework) -> None:
    path, data = _big(tmp_path, framework)
    people = data["respondents"]
    people[260]["answers"]["mon-metrics"] = {"answer": "partly", "comment": "c" * 5001}
    people[280]["answers"]["mon-metrics"] = {"answer": "partly", "evidence": ["e"] * 51}
    people[290]["name"] = "n" * 201
    _write(path, data)
    comment = _line_of(path, "c" * 5001)
    lines = path.read_text(encoding="utf-8").splitlines()
    evidence = next(i for i, s in enumerate(lines, 1) if s.strip() == '"evidence": [')
    name = _line_of(path, "n" * 201)
    assert _error(path).splitlines() == [
        f"{path}: line {comment}: respondents[260] ({people[260]['name']}).answers.mon-metrics.comment:"
        " String should have at most 5000 characters",
        f"{path}: line {evidence}: respondents[280] ({people[280]['name']}).answers.mon-metrics.evidence:"
        " List should have at most 50 items after validation, not 51",
        f"{path}: line {name}: respondents[290] ({'n' * 201}).name: String should have at most 200 characters",
    ]


@pytest.mark.parametrize(
    ("suffix", "value", "message"),
    [
        (".json", "a\x00b", "text contains a NUL (\\u0000) character: 'a\\x00b'"),
        (".yaml", "a\x00b", "text contains a NUL (\\u0000) character: 'a\\x00b'"),
        (".json", "\ud800", "text is not valid Unicode text (a lone surrogate): '\\ud800'"),
    ],
)
def test_text_no_database_can_store_in_a_large_file(
    tmp_path: Path, framework: Framework, suffix: str, value: str, message: str
) -> None:
    path, data = _big(tmp_path, framework, suffix, n=200)
    data["respondents"][150]["answers"]["gov-team"] = {"answer": "yes", "comment": value}
    # JSON writes these as \u escapes, YAML as a double-quoted escape
    text = json.dumps(data, indent=2) if suffix == ".json" else yaml.safe_dump(data, width=100)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        load_answers(path)
    assert str(info.value) == f"{path}: {message}"


def test_binary_values_and_deep_header_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match=r"^f\.yaml: binary values \(!!binary\) are not supported"):
        read_answers(
            "framework: f\nrespondents:\n- answers: {q: {answer: yes, comment: !!binary AA==}}\n",
            source="f.yaml",
        )
    deep: Any = "x"
    for _ in range(33):
        deep = [deep]
    with pytest.raises(AnswersError, match=r"^f\.json: the file is nested more than 32 levels deep$"):
        read_answers(json.dumps({"framework": "f", "unit": deep}), source="f.json", as_json=True)


def test_yaml_files_take_the_same_way(tmp_path: Path, framework: Framework) -> None:
    answers = example_answers(framework, respondents=300, question_set="full")
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"a{suffix}"
        dump_answers(answers, path)
        assert load_answers(path) == answers


def test_scoring_a_file_imports_neither_the_web_stack_nor_the_chart_libraries(tmp_path: Path) -> None:
    """Start-up is a good part of scoring a large file: `score` loads what it needs only."""
    path = tmp_path / "a.json"
    dump_answers(example_answers(get_framework("mlops-scorecard")), path)
    code = (
        "import sys\nfrom mlops_scorecard.cli import app\n"
        f"try:\n    app(['score', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = ('matplotlib', 'scipy', 'fastapi', 'starlette', 'sqlalchemy', 'uvicorn', 'jinja2', 'fpdf', 'httpx')\n"
        "print('SCORED' if 'numpy' in roots else 'NOT SCORED', 'HEAVY=' + ','.join(m for m in heavy if m in roots))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "SCORED HEAVY="


@pytest.mark.parametrize(
    "respondent",
    [
        {"name": "\x1cBob", "answers": {"gov-strategy": "yes"}},
        {"name": "Ann", "role": "\x1fpm\x1e", "answers": {"gov-strategy": "no"}},
        {"name": "Ann", "answers": {"gov-strategy": {"answer": "yes", "comment": "\x1f"}}},
        {"name": "Ann", "answers": {"gov-strategy": {"answer": "yes", "evidence": "\x1ex"}}},
        {"name": "Ann", "answers": {"gov-strategy": {"answer": "yes", "evidence": "\x1f"}}},
        {"name": "Ann", "answers": {"gov-strategy": {"answer": "yes", "evidence": [" \x1dy\u3000"]}}},
        {"name": "Ann", "answers": {"gov-strategy": {"answer": "yes", "comment": "a" * 5000 + "\x1e"}}},
    ],
)
def test_the_one_pass_strips_what_pydantic_strips(respondent: dict[str, Any]) -> None:
    # str.strip() also strips U+001C-U+001F, which pydantic's str_strip_whitespace keeps:
    # the one pass must keep them too, or build (or accept) what the models do not
    data = {"framework": "mlops-scorecard", "respondents": [respondent]}
    try:
        expected: AnswerSet | None = AnswerSet.model_validate(data)
    except ValidationError:
        expected = None
    fast = fast_answer_set(json.loads(json.dumps(data)))
    if fast is not None:
        assert expected is not None
        assert fast.model_dump() == expected.model_dump()
    text = json.dumps(data)
    if expected is None:
        with pytest.raises(AnswersError):
            read_answers(text, source="a.json", as_json=True)
    else:
        assert read_answers(text, source="a.json", as_json=True).model_dump() == expected.model_dump()


def test_names_that_differ_only_by_a_separator_are_two_respondents() -> None:
    text = "framework: mlops-scorecard\nrespondents:\n- name: \"Ann\\x1f\"\n  answers: {gov-strategy: 'yes'}\n- name: Ann\n  answers: {gov-strategy: 'no'}\n"
    answers = read_answers(text, source="min1.yaml")
    assert [r.name for r in answers.respondents] == ["Ann\x1f", "Ann"]
