"""Answers files: reading (YAML and JSON), validation against a framework, writing."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mlops_scorecard.answers import (
    MAX_RESPONDENTS_PER_FILE,
    Answer,
    AnswerSet,
    Respondent,
    check_answers,
    dump_answers,
    duplicates,
    load_answers,
    load_assessment,
    parse_answers,
    read_answers,
)
from mlops_scorecard.errors import AnswersError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.scoring import score

Write = Callable[[str, str], Path]

GOOD = """\
framework: mlops-scorecard
question_set: core
unit: Payments ML team
title: Q3 review
date: 2026-10-01
respondents:
  - name: Ann
    role: ml-engineer
    answers:
      gov-strategy: yes
      gov-policies: no
      gov-team: {answer: partly, comment: "Only for two models.", evidence: "https://wiki/x"}
      mon-metrics: na
      mon-audits: unknown
  - name: Bob
    role: data-scientist
    answers:
      gov-strategy: {answer: yes}
      gov-policies: partly
"""


def _fails(write: Write, text: str, name: str = "answers.yaml") -> tuple[Path, str]:
    """Write ``text``, load it with its framework, return the path and the error message."""
    path = write(name, text)
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    return path, str(info.value)


def test_load_good_file(write: Write, framework: Framework) -> None:
    fw, answers = load_assessment(write("a.yaml", GOOD))
    assert fw is framework
    assert answers.unit == "Payments ML team"
    assert answers.title == "Q3 review"
    assert answers.date == dt.date(2026, 10, 1)
    assert answers.question_set == "core"
    ann, bob = answers.respondents
    assert (ann.name, ann.role, bob.role) == ("Ann", "ml-engineer", "data-scientist")
    # unquoted yes/no in YAML are booleans; they must come back as answer keys
    assert ann.answers["gov-strategy"] == Answer(answer="yes")
    assert ann.answers["gov-policies"] == Answer(answer="no")
    assert ann.answers["gov-team"] == Answer(
        answer="partly", comment="Only for two models.", evidence=["https://wiki/x"]
    )
    assert ann.answers["mon-metrics"].answer == "na"
    assert ann.answers["mon-audits"].answer == "unknown"
    assert bob.answers["gov-strategy"] == Answer(answer="yes")


def test_yes_no_forms_and_case(write: Write) -> None:
    text = """\
framework: mlops-scorecard
respondents:
  - answers:
      gov-strategy: {answer: no}
      gov-policies: "YES"
      gov-team: " Partly "
      data-repository: "no"
      data-quality-control: true
"""
    _, answers = load_assessment(write("a.yaml", text))
    got = {q: a.answer for q, a in answers.respondents[0].answers.items()}
    assert got == {
        "gov-strategy": "no",
        "gov-policies": "yes",
        "gov-team": "partly",
        "data-repository": "no",
        "data-quality-control": "yes",
    }


def test_defaults_and_nulls() -> None:
    answers = parse_answers(
        {"framework": "mlops-scorecard", "respondents": [{"name": None, "answers": None}]}
    )
    assert answers.question_set == "core"
    assert (answers.unit, answers.title, answers.date) == ("", "", None)
    assert answers.respondents == [Respondent()]
    assert answers.respondent_label(0) == "respondent 1"
    long = parse_answers(
        {
            "framework": "x",
            "respondents": [{"answers": {"q": {"answer": "no", "comment": None, "evidence": None}}}],
        }
    )
    assert long.respondents[0].answers["q"] == Answer(answer="no")


def test_json_answers_file(write: Write) -> None:
    data = yaml.safe_load(GOOD)
    data["date"] = "2026-10-01"
    path = write("a.json", json.dumps(data, indent=2))
    _, from_json = load_assessment(path)
    _, from_yaml = load_assessment(write("a.yaml", GOOD))
    assert from_json == from_yaml


def test_bad_json_names_the_line(write: Write) -> None:
    path, message = _fails(write, '{\n  "framework": "mlops-scorecard",\n  "respondents": [,]\n}\n', "a.json")
    assert message.startswith(f"{path}: line 3: invalid JSON: ")


def test_bad_yaml_names_the_line(write: Write) -> None:
    path, message = _fails(write, GOOD.replace("role: ml-engineer", "role: [ml-engineer"))
    assert message.startswith(f"{path}: line ")
    assert "invalid YAML" in message


def test_unknown_question_id_names_respondent_and_question(write: Write) -> None:
    path, message = _fails(write, GOOD.replace("gov-policies: partly", "gov-nonsense: partly"))
    assert message == f"{path}: respondents[1] (Bob): answer to 'gov-nonsense': unknown question id"


def test_unknown_answer_key_names_respondent_and_question(write: Write) -> None:
    path, message = _fails(write, GOOD.replace("gov-policies: partly", "gov-policies: maybe"))
    assert message == (
        f"{path}: line 19: respondents[1] (Bob).answers.gov-policies.answer:"
        " unknown answer key (use yes, partly, no, na, unknown)"
    )
    path, message = _fails(write, GOOD.replace("{answer: partly,", "{answer: sort-of,"))
    assert "respondents[0] (Ann).answers.gov-team.answer: unknown answer key" in message


def test_empty_answer_is_an_error(write: Write) -> None:
    _, message = _fails(write, GOOD.replace("gov-policies: partly", "gov-policies:"))
    assert "respondents[1] (Bob).answers.gov-policies.answer: unknown answer key" in message


def test_question_outside_the_set(write: Write) -> None:
    # gov-ethics is an extended question; the file asks the core set
    path, message = _fails(write, GOOD.replace("gov-policies: partly", "gov-ethics: partly"))
    assert message == (
        f"{path}: respondents[1] (Bob): answer to 'gov-ethics': question is not in the 'core' set"
        " (use question_set: full)"
    )
    text = GOOD.replace("gov-policies: partly", "gov-ethics: partly")
    _, answers = load_assessment(write("full.yaml", text.replace("question_set: core", "question_set: full")))
    assert answers.respondents[1].answers["gov-ethics"].answer == "partly"


def test_anonymous_respondent_is_named_by_position(write: Write) -> None:
    text = GOOD.replace("  - name: Bob\n", "  -\n").replace("gov-policies: partly", "gov-x: partly")
    _, message = _fails(write, text)
    assert "respondents[1] (respondent 2): answer to 'gov-x': unknown question id" in message


def test_every_bad_answer_is_listed(write: Write) -> None:
    text = GOOD.replace("gov-policies: partly", "gov-x: partly").replace("mon-metrics: na", "mon-y: na")
    path = write("a.yaml", text)
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    assert info.value.problems == [
        "respondents[0] (Ann): answer to 'mon-y': unknown question id",
        "respondents[1] (Bob): answer to 'gov-x': unknown question id",
    ]


def test_unanswered_question_is_not_an_error(write: Write, framework: Framework) -> None:
    _, answers = load_assessment(write("a.yaml", GOOD))
    result = score(framework, answers)
    # 2 respondents x 18 core questions = 36 cells; Ann gave 5 answers, Bob 2
    assert result.counts.total == 36
    assert result.counts.unanswered == 36 - 7
    assert result.dimension("deployment").score is None


def test_wrong_framework_version(write: Write, framework: Framework) -> None:
    text = GOOD.replace("framework: mlops-scorecard", "framework: mlops-scorecard@9.9")
    path, message = _fails(write, text)
    assert message == (
        f"{path}: framework: framework 'mlops-scorecard' has no version '9.9' (available: 1.0.0)"
    )
    # with the framework given, the mismatch is reported by check_answers
    with pytest.raises(AnswersError) as info:
        load_assessment(path, framework)
    assert str(info.value) == (
        f"{path}: framework: the file is for version '9.9', but mlops-scorecard is '1.0.0'"
    )


def test_pinned_version_matches(write: Write, framework: Framework) -> None:
    text = GOOD.replace("framework: mlops-scorecard", "framework: mlops-scorecard@1.0.0")
    fw, _ = load_assessment(write("a.yaml", text))
    assert fw is framework


def test_unknown_framework(write: Write, framework: Framework) -> None:
    text = GOOD.replace("framework: mlops-scorecard", "framework: other")
    path, message = _fails(write, text)
    assert message.startswith(f"{path}: framework: unknown framework 'other'")
    with pytest.raises(AnswersError, match="the file is for 'other', not 'mlops-scorecard'"):
        load_assessment(path, framework)


def test_answer_not_on_a_custom_scale() -> None:
    fw = parse_framework(
        {
            "id": "yn",
            "version": "1",
            "title": "Yes/no only",
            "scale": {"yes": {"label": "Y", "value": 1}, "no": {"label": "N", "value": 0}},
            "levels": [{"id": "x", "name": "X", "min": 0}],
            "dimensions": [{"id": "d", "title": "D", "questions": [{"id": "q", "text": "Q"}]}],
        }
    )
    answers = parse_answers({"framework": "yn", "respondents": [{"answers": {"q": "partly"}}]})
    with pytest.raises(AnswersError) as info:
        check_answers(answers, fw, source="f.yaml")
    assert str(info.value) == (
        "f.yaml: respondents[0] (respondent 1): answer to 'q': 'partly' is not on this framework's scale"
    )


def test_duplicate_respondent_names(write: Write) -> None:
    path, message = _fails(write, GOOD.replace("name: Bob", "name: Ann"))
    assert message == f"{path}: respondents: duplicate name 'Ann'"


def test_structure_errors(write: Write) -> None:
    path, message = _fails(write, GOOD.replace("role: ml-engineer", "role: ml-engineer\n    team: x"))
    assert message == f"{path}: line 9: respondents[0] (Ann).team: unknown field"
    _, message = _fails(write, GOOD.replace("question_set: core", "question_set: all"))
    assert "line 2: question_set: Input should be 'core' or 'full'" in message
    # YAML itself turns an unquoted date into a date and fails on a month 13
    path, message = _fails(write, GOOD.replace("date: 2026-10-01", "date: 2026-13-01"))
    assert message == f"{path}: invalid YAML value: month must be in 1..12"
    _, message = _fails(write, GOOD.replace("date: 2026-10-01", 'date: "2026-13-01"'))
    assert "line 5: date: Input should be a valid date" in message
    _, message = _fails(write, GOOD.replace("framework: mlops-scorecard\n", ""))
    assert "framework: required field is missing" in message
    path, message = _fails(write, "- just\n- a list\n")
    assert message == (
        f"{path}: an answers file must be a mapping with framework, question_set and respondents"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match="file not found"):
        load_answers(tmp_path / "none.yaml")


def test_no_respondents(write: Write) -> None:
    _, answers = load_assessment(write("a.yaml", "framework: mlops-scorecard\n"))
    assert answers.respondents == []


# --- writing ----------------------------------------------------------------------------


def _rich_answers() -> AnswerSet:
    return AnswerSet(
        framework="mlops-scorecard@1.0.0",
        question_set="full",
        unit="Équipe données",
        title="First look",
        date=dt.date(2026, 1, 31),
        respondents=[
            Respondent(
                name="Zoë",
                role="leadership",
                answers={
                    "gov-strategy": Answer(answer="yes"),
                    "gov-ethics": Answer(answer="no", comment="Planned: 2027"),
                    "gov-team": Answer(answer="partly", evidence=["https://a", "https://b"]),
                },
            ),
            Respondent(answers={"gov-strategy": Answer(answer="na")}),
            Respondent(name="no", role="", answers={}),
        ],
    )


@pytest.mark.parametrize("name", ["out.yaml", "out.json", "OUT.JSON"])
def test_dump_round_trip(tmp_path: Path, name: str) -> None:
    original = _rich_answers()
    path = tmp_path / name
    dump_answers(original, path)
    assert load_answers(path) == original


@pytest.mark.parametrize("name", ["ex.yaml", "ex.json"])
def test_dump_round_trip_example(tmp_path: Path, name: str, example: AnswerSet, framework: Framework) -> None:
    path = tmp_path / name
    dump_answers(example, path)
    fw, loaded = load_assessment(path)
    assert loaded == example
    assert fw is framework


def test_dump_formats(tmp_path: Path) -> None:
    dump_answers(_rich_answers(), tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["date"] == "2026-01-31"
    first = data["respondents"][0]
    assert first["answers"]["gov-strategy"] == "yes"  # short form when nothing else is set
    assert first["answers"]["gov-ethics"] == {"answer": "no", "comment": "Planned: 2027"}
    assert data["respondents"][1] == {"answers": {"gov-strategy": "na"}}
    dump_answers(_rich_answers(), tmp_path / "a.yaml")
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert "Équipe données" in text  # unicode kept readable
    assert "gov-strategy: 'yes'" in text  # quoted, so YAML readers see text


def test_dump_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "answers.yaml"
    dump_answers(_rich_answers(), path)
    dump_answers(_rich_answers(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="no space left"):
        dump_answers(AnswerSet(framework="other"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_docs_examples_load_and_agree(
    doc_blocks: Callable[[str, str], list[str]], write: Write, framework: Framework
) -> None:
    yaml_blocks = doc_blocks("answers-format.md", "yaml")
    json_blocks = doc_blocks("answers-format.md", "json")
    assert yaml_blocks
    assert json_blocks
    _, from_yaml = load_assessment(write("doc.yaml", yaml_blocks[0]), framework)
    _, from_json = load_assessment(write("doc.json", json_blocks[0]), framework)
    assert from_yaml == from_json
    assert len(from_yaml.respondents) >= 2


# --- the one reader: limits shared by uploads, the API and the CLI -----------------------------


BOMB = "framework: mlops-scorecard\nrespondents:\n- &p {answers: {gov-strategy: yes}}\n" + "- *p\n" * 1000


class _CountingName:
    """A name that counts how often it is compared (hashing and equality)."""

    comparisons = 0

    def __init__(self, text: str) -> None:
        self.text = text

    def __hash__(self) -> int:
        _CountingName.comparisons += 1
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        _CountingName.comparisons += 1
        return isinstance(other, _CountingName) and other.text == self.text


def test_the_duplicate_name_check_is_linear() -> None:
    n = 5000
    names = [_CountingName(f"person {i}") for i in range(n)] + [_CountingName("person 7")]
    _CountingName.comparisons = 0
    found = duplicates(names)  # type: ignore[arg-type]
    assert [name.text for name in found] == ["person 7"]  # type: ignore[attr-defined]
    # a pairwise check makes n*n/2 comparisons (12.5 million here); a counter about 2 per name
    assert _CountingName.comparisons <= 3 * (n + 1)


def test_duplicate_names_are_reported_once_each() -> None:
    data = {"framework": "mlops-scorecard", "respondents": [{"name": n} for n in "ABABC"]}
    with pytest.raises(AnswersError, match=r"duplicate name 'A', 'B'$"):
        parse_answers(data)


def test_files_read_from_disk_may_hold_more_respondents_than_uploads(tmp_path: Path) -> None:
    people = [
        {"name": f"P{i}", "answers": {"gov-strategy": "yes"}} for i in range(MAX_RESPONDENTS_PER_FILE + 1)
    ]
    text = json.dumps({"framework": "mlops-scorecard", "respondents": people})
    with pytest.raises(AnswersError, match="the limit is 5,000 per file"):
        read_answers(text, source="upload.json", as_json=True)
    path = tmp_path / "survey.json"
    path.write_text(text, encoding="utf-8")
    assert len(load_answers(path).respondents) == MAX_RESPONDENTS_PER_FILE + 1


def test_read_answers_caps_respondents_before_validating_them() -> None:
    assert MAX_RESPONDENTS_PER_FILE == 5000
    # the respondents are not even valid: the count is checked first
    text = json.dumps({"framework": "mlops-scorecard", "respondents": [{"colour": i} for i in range(4)]})
    with pytest.raises(AnswersError, match=r"holds 4 respondents; the limit is 3 per file"):
        read_answers(text, source="up.json", as_json=True, max_respondents=3)
    with pytest.raises(AnswersError, match="unknown field"):
        read_answers(text, source="up.json", as_json=True, max_respondents=4)


def test_read_answers_decodes_and_refuses_empty_and_non_utf8() -> None:
    assert (
        read_answers(b"\xef\xbb\xbfframework: mlops-scorecard\n", source="f").framework == "mlops-scorecard"
    )
    with pytest.raises(AnswersError, match="empty"):
        read_answers(b"  \n", source="f")
    with pytest.raises(AnswersError, match="not UTF-8"):
        read_answers(b"\xff\xfe", source="f")


def test_answers_files_are_read_through_the_same_limits(write: Write) -> None:
    bomb = write("bomb.yaml", BOMB)
    with pytest.raises(AnswersError, match="aliases"):
        load_answers(bomb)


def test_local_files_have_their_own_size_limit(
    tmp_path: Path, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file read from disk may hold up to 200,000 respondents: the byte limit of other
    # data files (64 MiB, here lowered) does not apply to it, its own does
    from mlops_scorecard import answers as answers_module
    from mlops_scorecard import datafiles
    from mlops_scorecard.datafiles import read_document
    from mlops_scorecard.example import example_answers

    path = tmp_path / "answers.json"
    dump_answers(example_answers(framework), path)
    monkeypatch.setattr(datafiles, "MAX_FILE_BYTES", 100)
    with pytest.raises(AnswersError, match="larger than"):
        read_document(path, error=AnswersError)
    assert len(load_answers(path).respondents) == 4
    monkeypatch.setattr(answers_module, "MAX_LOCAL_FILE_BYTES", 100)
    with pytest.raises(AnswersError, match=r"answers\.json: file is larger than"):
        load_answers(path)


def test_the_container_limit_is_the_callers() -> None:
    text = json.dumps(
        {
            "framework": "mlops-scorecard",
            "respondents": [{"name": f"r{i}", "answers": {"q": {"answer": "yes"}}} for i in range(5)],
        }
    )
    assert len(read_answers(text, source="a.json", as_json=True).respondents) == 5
    with pytest.raises(AnswersError, match=r"a\.json: the file holds more than 10 mappings and lists"):
        read_answers(text, source="a.json", as_json=True, max_containers=10)
