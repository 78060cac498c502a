"""The store's vectorized roll-up scores a framework with its own rules (the ML Test
Score: sum per section, minimum overall) exactly as the core does."""

from __future__ import annotations

import random

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, results, units


def test_summary_results_follow_the_frameworks_rule(session: Session) -> None:
    rnd = random.Random(11)
    fw = get_framework("ml-test-score")
    unit = units.create_unit(session, name="T", kind="team")
    made = []
    for i in range(4):
        a = assessments.create_assessment(
            session, unit_id=unit.id, title=f"A{i}", framework="ml-test-score", status="open"
        )
        # 0 to 4 respondents; "don't know" and left-out tests count 0, n/a drops out
        for _ in range(rnd.randint(0, 4)):
            r, _ = respondents.create_invitation(session, assessment=a, name="", role="")
            for _, q in fw.iter_questions("core"):
                if rnd.random() < 0.7:
                    key = rnd.choice(["yes", "partly", "no", "na", "unknown"])
                    answers.save_answer(session, respondent=r, assessment=a, question_id=q.id, answer=key)
        made.append(a)
    session.flush()
    summary = results.summary_results(session, assessments=made)
    scored = 0
    for a in made:
        full = results.result_for(session, assessment=a)
        got = summary[a.id]
        for key in ("overall", "level", "respondent_count"):
            assert got[key] == pytest.approx(full[key]), (a.title, key)
        for mine, theirs in zip(got["dimensions"], full["dimensions"], strict=True):
            assert mine["score"] == pytest.approx(theirs["score"]), (a.title, mine["id"])
            assert mine["level"] == theirs["level"]
        scored += full["overall"] is not None
    assert scored >= 2  # the seed gives answered assessments, so the comparison means something


def test_an_ml_test_score_assessment_on_the_web(
    app: FastAPI, facilitator: TestClient, api: TestClient
) -> None:
    fw = get_framework("ml-test-score")
    # 4 points in data, 3.5 in model, 7 in infrastructure, 1.5 in monitoring: 1.5 overall
    keys = {
        "data": ["yes", "yes", "yes", "partly", "partly", "no", "no"],
        "model": ["partly"] * 7,
        "infrastructure": ["yes"] * 7,
        "monitoring": ["yes", "partly", "no", "no", "no", "no", "no"],
    }
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Search", kind="team")
        a = assessments.create_assessment(
            s, unit_id=unit.id, title="MTS", framework="ml-test-score", status="open"
        )
        r, _ = respondents.create_invitation(s, assessment=a, name="Team", role="")
        for d in fw.dimensions:
            for q, key in zip(d.questions, keys[d.id], strict=True):
                answers.save_answer(s, respondent=r, assessment=a, question_id=q.id, answer=key)
        aid = a.id
    page = facilitator.get(f"/assessments/{aid}")
    assert page.status_code == 200
    assert "1.5 / 7 points" in page.text
    assert "3.5 / 7 points" in page.text
    assert "First pass" in page.text
    for path in (
        f"/assessments/{aid}/report.md",
        f"/assessments/{aid}/report.html",
        f"/assessments/{aid}/plan.md",
    ):
        got = facilitator.get(path)
        assert got.status_code == 200, path
    assert "1.5 / 7 points" in facilitator.get(f"/assessments/{aid}/report.md").text
    assert facilitator.get(f"/assessments/{aid}/report.pdf").content.startswith(b"%PDF")
    got = api.get(f"/api/v1/assessments/{aid}/results")
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["rule"] == {"dimension": "sum", "overall": "minimum", "points": 7.0, "must_have_met": 0.75}
    assert body["points"] == pytest.approx(1.5)
    assert body["dimensions"][3]["values"]["monitor-2"] == 0.5


def test_the_scores_table_says_which_must_have_caps_a_level() -> None:
    from mlops_scorecard.answers import parse_answers
    from mlops_scorecard.framework import parse_framework
    from mlops_scorecard.scoring import score
    from mlops_scorecard.web.views.assessment import score_rows

    fw = parse_framework(
        {
            "id": "m",
            "version": "1",
            "title": "M",
            "levels": [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}],
            "dimensions": [
                {
                    "id": "d",
                    "title": "D",
                    "questions": [
                        {"id": "q1", "text": "q1", "must_have": "high"},
                        {"id": "q2", "text": "q2"},
                    ],
                }
            ],
        }
    )
    people = parse_answers({"framework": "m@1", "respondents": [{"answers": {"q1": "partly", "q2": "yes"}}]})
    rows, overall = score_rows(fw, score(fw, people).to_dict(), {})
    assert (rows[0].score, rows[0].level) == ("75.0", "Low")
    assert rows[0].cap == "capped below High: must-have q1 not met"
    assert overall.cap == rows[0].cap
    # a result frozen before caps existed has none
    assert (
        score_rows(fw, {"dimensions": [{"id": "d", "title": "D", "score": 75, "level": "low"}]}, {})[0][0].cap
        == ""
    )
