"""The JSON report: its data, the trust section, and the published schema and docs."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlops_scorecard import __version__
from mlops_scorecard.answers import Answer, AnswerSet, Respondent
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import render_report, report_schema
from mlops_scorecard.reports.data import ReportData, report_data
from mlops_scorecard.scoring import score

DOC = Path(__file__).resolve().parent.parent / "docs" / "report-format.md"
WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)


def data_of(framework: Framework, answers: AnswerSet) -> ReportData:
    """The report data, through the JSON text as a consumer sees it."""
    report: ReportData = json.loads(render_report(framework, answers, "json", generated_at=WHEN))
    return report


def validate(report: ReportData, schema: dict[str, Any] | None = None) -> None:
    validator = jsonschema.Draft202012Validator(
        schema or report_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(report)


def strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden wherever it lists properties."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def field_paths(schema: dict[str, Any], node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of every field the schema names (``result.dimensions[].score``).

    Shared objects (``$defs`` such as counts) are not entered: the docs describe them once.
    """
    if node.get("type") == "array" and "items" in node:
        yield from field_paths(schema, node["items"], prefix + "[]")
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path
        yield from field_paths(schema, sub, path)


def one_person(framework: Framework, answer: str = "yes") -> AnswerSet:
    qids = [q.id for _, q in framework.iter_questions("core")]
    answers = {qid: Answer(answer=answer) for qid in qids}
    return AnswerSet(
        framework=framework.ref, respondents=[Respondent(name="Solo", role="ml-engineer", answers=answers)]
    )


def codes(report: ReportData) -> list[str]:
    return [w["code"] for w in report["trust"]["warnings"]]


# -- layout and schema -------------------------------------------------------------


def test_example_report_layout(framework: Framework, example: AnswerSet) -> None:
    report = data_of(framework, example)
    assert report["schema_version"] == 2
    assert report["generated_at"] == "2026-10-02T09:30:00+00:00"
    assert report["tool"] == {"name": "mlops-scorecard", "version": __version__}
    assert report["assessment"]["framework"]["id"] == "mlops-scorecard"
    assert report["assessment"]["framework"]["source"]["author"] == "Krystian Safjan"
    assert report["assessment"]["date"] == "2026-10-01"
    assert report["result"] == json.loads(json.dumps(score(framework, example).to_dict()))
    assert [lv["id"] for lv in report["levels"]] == [lv.id for lv in framework.levels]
    assert report["levels"][-1]["max"] == 100
    assert [b["dimension"] for b in report["answers"]] == [d.id for d in framework.dimensions]


def test_answers_agree_with_the_scores(framework: Framework, example: AnswerSet) -> None:
    report = data_of(framework, example)
    scored = {q["id"]: q for d in report["result"]["dimensions"] for q in d["questions"]}
    listed = [q for block in report["answers"] for q in block["questions"]]
    assert [q["id"] for q in listed] == list(scored)
    for q in listed:
        assert q["distribution"] == scored[q["id"]]["distribution"]
        given = sum(v for k, v in q["distribution"].items() if k != "unanswered")
        assert len(q["responses"]) == given
    first = listed[0]["responses"][0]
    assert set(first) == {"respondent", "role", "answer", "comment", "evidence"}
    comments = [r["comment"] for q in listed for r in q["responses"] if r["comment"]]
    assert "Exists on paper; not enforced." in comments


def test_example_report_validates_against_the_schema(framework: Framework, example: AnswerSet) -> None:
    validate(data_of(framework, example))


def test_schema_names_every_field_the_report_writes(framework: Framework, example: AnswerSet) -> None:
    # the published schema lets unknown fields through (additive changes); the strict
    # copy catches a field added to the report but not to the schema and docs
    example.respondents.append(Respondent(name="Nobody", role="", answers={}))
    validate(data_of(framework, example), strict(report_schema()))


def test_schema_rejects_a_broken_report(framework: Framework, example: AnswerSet) -> None:
    report = data_of(framework, example)
    broken = copy.deepcopy(report)
    broken["result"]["overall"] = 120
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    broken = copy.deepcopy(report)
    del broken["trust"]["coverage"]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_docs_describe_every_field() -> None:
    doc = DOC.read_text(encoding="utf-8")
    schema = report_schema()
    missing = [p for p in field_paths(schema, schema) if f"`{p}`" not in doc]
    for definition in schema["$defs"].values():
        if "properties" in definition:
            heading = f"### {definition['title']}"
            assert heading in doc
            section = doc.split(heading, 1)[1].split("\n#", 1)[0]
            missing += [
                f"{definition['title']}: {p}" for p in definition["properties"] if f"`{p}`" not in section
            ]
    assert not missing, f"docs/report-format.md does not describe: {missing}"
    assert "schema_version" in doc
    assert "bump" in doc


def test_default_time_is_now_in_utc(framework: Framework, example: AnswerSet) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = report_data(framework, example, score(framework, example))
    stamp = dt.datetime.fromisoformat(report["generated_at"])
    assert stamp.utcoffset() == dt.timedelta(0)
    assert before <= stamp <= dt.datetime.now(dt.UTC)
    naive = report_data(framework, example, score(framework, example), generated_at=WHEN.replace(tzinfo=None))
    assert naive["generated_at"] == "2026-10-02T09:30:00+00:00"


# -- how far to trust this result ---------------------------------------------------


def test_example_warnings_and_five_limitations(framework: Framework, example: AnswerSet) -> None:
    trust = data_of(framework, example)["trust"]
    # four people in four roles with good coverage: only the analysis finds something
    assert codes({"trust": trust}) == ["low-agreement", "wide-interval"]
    assert [w["dimension"] for w in trust["warnings"]] == [None, None]
    assert trust["respondent_count"] == 4
    assert trust["coverage"] == pytest.approx(70 / 72, abs=1e-4)
    assert trust["unknown_count"] == 1
    assert trust["na_count"] == 1
    assert trust["unknown_share"] == pytest.approx(1 / 72, abs=1e-4)
    assert [lim["id"] for lim in trust["limitations"]] == [
        "subjectivity",
        "lack-of-context",
        "limited-scope",
        "limited-flexibility",
        "limited-actionability",
    ]
    assert "4 respondents in 4 roles" in trust["limitations"][0]["response"]
    assert all(lim["response"].endswith(".") for lim in trust["limitations"])
    assert all(lim["finding"].endswith(".") for lim in trust["limitations"])


def test_one_respondent_is_warned_about(framework: Framework) -> None:
    report = data_of(framework, one_person(framework))
    # one warning for one person, not one more per dimension for its wide intervals
    assert codes(report) == ["few-respondents", "single-role"]
    message = report["trust"]["warnings"][0]["message"]
    assert "Only one person answered" in message
    assert "diverse group of assessors" in report["trust"]["warnings"][1]["message"]
    validate(report)


def test_all_unknown_dimension_has_no_score_and_a_warning(framework: Framework, example: AnswerSet) -> None:
    governance = {q.id for q in framework.dimensions[0].questions}
    for r in example.respondents:
        for qid in governance & set(r.answers):
            r.answers[qid] = Answer(answer="unknown", comment="No idea")
    report = data_of(framework, example)
    trust = report["trust"]
    assert trust["dimensions_without_score"] == [{"id": "governance", "title": "Governance"}]
    assert report["result"]["dimensions"][0]["score"] is None
    assert "dimension-without-score" in codes(report)
    assert "many-unknown" in codes(report)  # 13 of 72 answers
    assert "low-coverage" not in codes(report)  # 58 of 72 is 81%
    assert any("Governance has no score" in w["message"] for w in trust["warnings"])
    validate(report)


def test_low_coverage_and_no_roles(framework: Framework) -> None:
    answers = one_person(framework, "na")
    answers.respondents[0].role = ""
    answers.respondents.extend(
        Respondent(name=f"P{i}", answers=dict(answers.respondents[0].answers)) for i in range(3)
    )
    report = data_of(framework, answers)
    assert report["trust"]["coverage"] == 0
    assert codes(report)[:2] == ["no-roles", "low-coverage"]
    assert report["result"]["overall"] is None
    validate(report)


def test_respondent_without_answers(framework: Framework, example: AnswerSet) -> None:
    example.respondents.append(Respondent(name="Silent Sam", role="leadership"))
    report = data_of(framework, example)
    trust = report["trust"]
    assert trust["respondent_count"] == 5
    sam = trust["respondents"][-1]
    assert sam == {
        "name": "Silent Sam",
        "role": "leadership",
        "answered": 0,
        "na": 0,
        "unknown": 0,
        "unanswered": 18,
    }
    assert trust["unanswered_count"] == 18
    # 70 of 90 cells: the silent respondent also pulls coverage below 80%
    assert codes(report)[:2] == ["low-coverage", "respondent-without-answers"]
    assert set(codes(report)[2:]) <= {"low-agreement", "wide-interval"}
    assert "Silent Sam gave no answers" in trust["warnings"][1]["message"]
    responders = {r["respondent"] for b in report["answers"] for q in b["questions"] for r in q["responses"]}
    assert "Silent Sam" not in responders
    assert report["answers"][0]["questions"][0]["distribution"]["unanswered"] == 1
    validate(report)


def test_nobody_answered(framework: Framework) -> None:
    report = data_of(framework, AnswerSet(framework=framework.ref))
    assert report["trust"]["respondent_count"] == 0
    assert report["trust"]["coverage"] is None
    assert codes(report) == ["few-respondents"] + ["dimension-without-score"] * 6
    validate(report)
