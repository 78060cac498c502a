"""The calibration meeting's core: agreed answers checked, the agreed scores computed by
hand, how far the meeting moved each dimension, the agenda and the counts by role."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from mlops_scorecard.analysis.calibration import (
    Agreed,
    Calibration,
    agreed_key,
    calibrate,
    meeting_agenda,
    role_distribution,
)
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.errors import NotFoundError, ScorecardError
from mlops_scorecard.framework import Framework, get_framework, parse_framework
from mlops_scorecard.matrix import ScoreMatrix
from mlops_scorecard.scoring import score

LEVELS = [
    {"id": "initial", "name": "Initial", "min": 0},
    {"id": "defined", "name": "Defined", "min": 40},
    {"id": "managed", "name": "Managed", "min": 60},
]


def framework(dimension_score: str = "weighted-mean") -> Framework:
    """Two dimensions of weight 1: a (a1, a2; weight 1 each) and b (b1 weight 2, b2 weight 1)."""
    return parse_framework(
        {
            "id": "inline",
            "version": "1",
            "title": "Inline",
            "levels": LEVELS,
            "dimension_score": dimension_score,
            "dimensions": [
                {
                    "id": "a",
                    "title": "A",
                    "questions": [{"id": "a1", "text": "A one?"}, {"id": "a2", "text": "A two?"}],
                },
                {
                    "id": "b",
                    "title": "B",
                    "questions": [
                        {"id": "b1", "text": "B one?", "weight": 2},
                        {"id": "b2", "text": "B two?", "set": "extended"},
                    ],
                },
            ],
        }
    )


def answers(people: list[tuple[str, dict[str, str]]], question_set: str = "full") -> AnswerSet:
    """``[(role, {question: key})]``, named r1, r2, ..."""
    return parse_answers(
        {
            "framework": "inline",
            "question_set": question_set,
            "respondents": [
                {"name": f"r{i + 1}", "role": role, "answers": a} for i, (role, a) in enumerate(people)
            ],
        }
    )


TWO = [
    ("engineer", {"a1": "yes", "a2": "no", "b1": "yes", "b2": "partly"}),
    ("manager", {"a1": "no", "a2": "no", "b1": "no", "b2": "partly"}),
]


def approx(x: float | None) -> Any:
    return pytest.approx(x, abs=1e-9)


def moved(cal: Calibration) -> dict[str, float | None]:
    return {d.dimension.id: d.moved for d in cal.dimensions if d.dimension is not None}


def test_agreed_answer_replaces_the_respondents_answers() -> None:
    m = ScoreMatrix.build(framework(), answers(TWO))
    cal = calibrate(m, [Agreed("a1", "yes", note="we do"), Agreed("b1", "no")])
    # individual: a = 100 * (0.5 + 0) / 2 = 25; b = 100 * (2 * 0.5 + 0.5) / 3 = 50; overall 37.5
    a, b = cal.dimensions
    assert (a.individual, b.individual, cal.overall.individual) == (approx(25), approx(50), approx(37.5))
    # agreed: a1 = 1 -> a = 100 * (1 + 0) / 2 = 50; b1 = 0 -> b = 100 * (0 + 0.5) / 3 = 16.67
    assert a.agreed == approx(50)
    assert b.agreed == approx(100 * 0.5 / 3)
    assert cal.overall.agreed == approx((50 + 100 * 0.5 / 3) / 2)
    assert moved(cal) == {"a": approx(25), "b": approx(100 * 0.5 / 3 - 50)}
    assert cal.overall.moved == approx((50 + 100 * 0.5 / 3) / 2 - 37.5)
    assert (a.questions, b.questions, cal.overall.questions) == (1, 1, 2)
    # levels follow the scores: 25 initial -> 50 defined
    assert a.individual_level is not None
    assert a.individual_level.id == "initial"
    assert a.agreed_level is not None
    assert a.agreed_level.id == "defined"
    q = cal.question("a1")
    assert q is not None
    assert (q.individual, q.value, q.counted, q.agreed.note) == (approx(0.5), 1.0, True, "we do")
    assert q.distribution["yes"] == 1
    assert q.distribution["no"] == 1


def test_individual_scores_are_the_usual_result() -> None:
    fw = framework()
    given = answers(TWO)
    result = score(fw, given)
    cal = calibrate(ScoreMatrix.build(fw, given), [Agreed("a2", "yes")])
    assert cal.overall.individual == approx(result.overall)
    assert [d.individual for d in cal.dimensions] == [approx(d.score) for d in result.dimensions]


def test_no_agreed_answers_moves_nothing() -> None:
    cal = calibrate(ScoreMatrix.build(framework(), answers(TWO)), [])
    assert not cal
    assert moved(cal) == {"a": 0.0, "b": 0.0}
    assert cal.overall.moved == 0.0


def test_agreed_not_applicable_leaves_the_question_out() -> None:
    cal = calibrate(ScoreMatrix.build(framework(), answers(TWO)), [Agreed("a1", "yes"), Agreed("a2", "na")])
    # a2 left out: a = 100 * 1 / 1
    assert cal.dimensions[0].agreed == approx(100)


def test_agreed_dont_know_has_no_value() -> None:
    m = ScoreMatrix.build(framework(), answers(TWO))
    cal = calibrate(m, {"a1": Agreed("a1", "unknown")})
    # a1 has no value: a = a2 alone = 0
    assert cal.dimensions[0].agreed == approx(0)
    agreed = cal.question("a1")
    assert agreed is not None
    assert agreed.value is None
    # under "sum" a question without a value counts 0 (not left out): a = 100 * (0 + 0) / 2
    fw = framework("sum")
    people = [("engineer", {"a1": "yes", "a2": "yes"}), ("manager", {"a1": "yes", "a2": "yes"})]
    summed = calibrate(ScoreMatrix.build(fw, answers(people)), [Agreed("a1", "unknown")])
    assert summed.dimensions[0].individual == approx(100)
    assert summed.dimensions[0].agreed == approx(50)


def test_questions_outside_the_set_are_ignored() -> None:
    core = answers([(r, {k: v for k, v in a.items() if k != "b2"}) for r, a in TWO], question_set="core")
    cal = calibrate(ScoreMatrix.build(framework(), core), [Agreed("b2", "yes")])
    assert not cal
    assert moved(cal) == {"a": 0.0, "b": 0.0}


def test_agreed_key_checks_question_and_answer() -> None:
    fw = framework()
    assert agreed_key(fw, "full", "a1", "partly") == ("partly", None)
    with pytest.raises(NotFoundError, match="no question 'zz'"):
        agreed_key(fw, "full", "zz", "yes")
    with pytest.raises(NotFoundError, match="core set"):
        agreed_key(fw, "core", "b2", "yes")
    with pytest.raises(ScorecardError, match=r"unknown answer .maybe.*yes, partly, no"):
        agreed_key(fw, "full", "a1", "maybe")
    with pytest.raises(ScorecardError, match="has no choices"):
        agreed_key(fw, "full", "a1", "", ["x"])
    with pytest.raises(ScorecardError, match="not applicable in this assessment's context"):
        agreed_key(fw, "full", "a1", "yes", not_applicable={"a1": "no models yet"})


def test_agreed_key_of_choices_follows_the_risk_rules() -> None:
    fw = parse_framework(
        {
            "id": "lens",
            "version": "1",
            "title": "Lens",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": "d",
                    "title": "D",
                    "questions": [
                        {
                            "id": "q",
                            "text": "Which?",
                            "choices": [{"id": "c1", "label": "One"}, {"id": "c2", "label": "Two"}],
                            "risk_rules": [
                                {"condition": "c1 && c2", "risk": "none"},
                                {"condition": "c1", "risk": "medium"},
                                {"condition": "default", "risk": "high"},
                            ],
                        }
                    ],
                }
            ],
        }
    )
    assert agreed_key(fw, "full", "q", "", ["c1", "c2"]) == ("yes", ("c1", "c2"))
    assert agreed_key(fw, "full", "q", "", ["c1"]) == ("partly", ("c1",))
    with pytest.raises(ScorecardError, match="unknown choice 'c9'"):
        agreed_key(fw, "full", "q", "", ["c9"])


def test_agenda_puts_the_largest_disagreement_first() -> None:
    people = [
        ("engineer", {"a1": "yes", "a2": "yes", "b1": "yes", "b2": "yes"}),
        ("engineer", {"a1": "no", "a2": "partly", "b1": "yes", "b2": "yes"}),
        ("manager", {"a1": "yes", "a2": "partly", "b1": "yes", "b2": "yes"}),
        ("manager", {"a1": "no", "a2": "yes", "b1": "yes", "b2": "yes"}),
    ]
    m = ScoreMatrix.build(framework(), answers(people))
    agenda = meeting_agenda(m)
    # a1: yes/no split (spread 0.5) before a2: yes/partly (spread 0.25); b agreed, not on it
    assert [h.question.id for h in agenda] == ["a1", "a2"]
    assert agenda[0].spread > agenda[1].spread


def test_role_distribution_counts_per_role() -> None:
    people = [*TWO, ("engineer", {"a1": "yes"}), ("", {"a1": "partly"})]
    counts = role_distribution(ScoreMatrix.build(framework(), answers(people)), "a1")
    by_role = {c.role: c.counts for c in counts}
    assert list(by_role) == ["engineer", "manager", "no role given"]
    assert by_role["engineer"]["yes"] == 2
    assert by_role["engineer"]["no"] == 0
    assert by_role["manager"]["no"] == 1
    assert by_role["no role given"]["partly"] == 1
    assert [c.total for c in counts] == [2, 1, 1]
    with pytest.raises(NotFoundError):
        role_distribution(ScoreMatrix.build(framework(), answers(people)), "zz")


def test_builtin_framework_round_trip(example: AnswerSet) -> None:
    fw = get_framework("mlops-scorecard")
    m = ScoreMatrix.build(fw, example)
    first = meeting_agenda(m)[0]
    key = "yes" if first.mean < 0.5 else "no"
    cal = calibrate(m, [Agreed(first.question.id, key)])
    dim = next(d for d in cal.dimensions if d.dimension is not None and d.dimension.id == first.dimension.id)
    assert dim.moved is not None
    assert dim.moved != 0
    # the other dimensions did not move
    assert all(d.moved == 0 for d in cal.dimensions if d is not dim)
    data = cal.to_dict()
    assert data["questions"][0]["question"] == first.question.id
    assert data["dimensions"][0].keys() >= {"id", "individual", "agreed", "moved"}


# --- the report --------------------------------------------------------------------------


def test_report_says_which_answers_were_agreed(example: AnswerSet, tmp_path: Any) -> None:
    import datetime as dt
    import json

    import jsonschema

    from mlops_scorecard.reports import render_report, report_schema

    fw = get_framework("mlops-scorecard")
    first = meeting_agenda(ScoreMatrix.build(fw, example))[0]
    agreed = [Agreed(first.question.id, "partly", note="two of five models have drift alerts")]
    when = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    plain = json.loads(render_report(fw, example, "json", generated_at=when))
    assert "calibration" not in plain
    data = json.loads(render_report(fw, example, "json", generated_at=when, agreed=agreed))
    jsonschema.validate(data, report_schema())
    part = data["calibration"]
    assert [q["question"] for q in part["questions"]] == [first.question.id]
    assert part["questions"][0]["label"] == "Partly"
    assert "agreed_by" not in part["questions"][0]
    # the result stays the individual answers'
    assert data["result"] == plain["result"]
    assert part["overall"]["individual"] == pytest.approx(plain["result"]["overall"])
    md = render_report(fw, example, "md", generated_at=when, agreed=agreed).decode()
    assert "## Calibration meeting" in md
    assert "two of five models have drift alerts" in md
    assert f"`{first.question.id}`" in md
    html = render_report(fw, example, "html", generated_at=when, agreed=agreed).decode()
    assert '<section id="calibration">' in html
    assert "two of five models have drift alerts" in html
    assert "Calibration meeting" not in render_report(fw, example, "md", generated_at=when).decode()
    pdf = render_report(fw, example, "pdf", generated_at=when, agreed=agreed)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout
    assert "Calibration meeting" in text.decode()
    assert "two of five models" in text.decode()
