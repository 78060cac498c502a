"""The calibration meeting in the store, on the pages and in the API, on SQLite and
PostgreSQL: agreed answers recorded, changed and removed (revision and audit in the same
transaction), roles and CSRF, closed assessments, unknown questions, bad answers, and
no names on the presentation view."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import csrf_of

from mlops_scorecard.errors import ConflictError, NotFoundError, ScorecardError
from mlops_scorecard.store import answer_sets, answers, assessments, calibration, respondents, units
from mlops_scorecard.store.models import AgreedAnswer, AuditEvent
from mlops_scorecard.store.revisions import current_revision

#: Names that must never reach the shared screen.
PEOPLE = [
    ("Ana Zebrafish", "ml-engineer"),
    ("Bo Quokka", "ml-engineer"),
    ("Cy Axolotl", "data-scientist"),
    ("Di Pangolin", "manager"),
]
KEYS = ["yes", "no", "partly"]


def seed(app: FastAPI, *, status: str = "open") -> int:
    """An assessment whose four respondents split on many questions."""
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1 check", date=dt.date(2025, 3, 1), status="open"
        )
        fw = answer_sets.assessment_framework(a)
        qids = [q.id for _, q in fw.iter_questions("core")]
        for i, (name, role) in enumerate(PEOPLE):
            r, _ = respondents.create_invitation(s, assessment=a, name=name, role=role)
            for j, qid in enumerate(qids):
                answers.save_answer(
                    s,
                    respondent=r,
                    assessment=a,
                    question_id=qid,
                    answer=KEYS[(i * (j % 3) + j) % 3],
                    comment=f"we differ here ({i})" if j == 1 else "",
                )
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return a.id


def agenda(app: FastAPI, aid: int) -> list[str]:
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        return [h.question.id for h in calibration.load_meeting(s, assessment=a).agenda]


def post(c: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False, **kw)


def rows(app: FastAPI, aid: int) -> dict[str, AgreedAnswer]:
    with app.state.scorecard.read() as s:
        return {
            r.question_id: r for r in s.scalars(select(AgreedAnswer).where(AgreedAnswer.assessment_id == aid))
        }


def events(app: FastAPI, aid: int) -> list[AuditEvent]:
    with app.state.scorecard.read() as s:
        return list(
            s.scalars(
                select(AuditEvent)
                .where(AuditEvent.assessment_id == aid, AuditEvent.action == "calibration.agree")
                .order_by(AuditEvent.id)
            )
        )


def revision(app: FastAPI, aid: int) -> int:
    with app.state.scorecard.read() as s:
        return current_revision(s, assessment_id=aid)


# --- store ----------------------------------------------------------------------------------


def test_store_records_changes_and_removes(app: FastAPI, users: dict[str, str]) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    before = revision(app, aid)
    with app.state.scorecard.write() as s:
        agreed, created = calibration.record_agreed(
            s, assessment_id=aid, question_id=qid, answer="partly", note=" half the models ", user_id=None
        )
    assert created
    assert (agreed.answer, agreed.note) == ("partly", "half the models")
    first = revision(app, aid)
    # a bump moves the revision past every value it had (see store/revisions.py)
    assert first > before
    with app.state.scorecard.write() as s:
        _, created = calibration.record_agreed(
            s, assessment_id=aid, question_id=qid, answer="yes", user_id=None
        )
    assert not created
    assert rows(app, aid)[qid].answer == "yes"
    second = revision(app, aid)
    assert second > first
    # the respondents' own answers are untouched
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        given = answer_sets.answer_set(s, assessment=a)
        cal = calibration.assessment_calibration(s, assessment=a)
    assert {r.answers[qid].answer for r in given.respondents} != {"yes"}
    q = cal.question(qid)
    assert q is not None
    assert q.value == 1.0
    assert sum(q.distribution.values()) == len(PEOPLE)
    with app.state.scorecard.write() as s:
        calibration.remove_agreed(s, assessment_id=aid, question_id=qid, user_id=None)
    assert rows(app, aid) == {}
    assert revision(app, aid) > second
    assert [e.detail["answer"] if e.detail else None for e in events(app, aid)] == ["partly", "yes", None]


def test_store_refuses_closed_unknown_and_bad(app: FastAPI, users: dict[str, str]) -> None:
    aid = seed(app, status="closed")
    qid = agenda(app, aid)[0]
    with pytest.raises(ConflictError, match=r"closed.*reopen"), app.state.scorecard.write() as s:
        calibration.record_agreed(s, assessment_id=aid, question_id=qid, answer="yes", user_id=None)
    with app.state.scorecard.write() as s:
        assessments.set_status(s, assessment=assessments.get_assessment(s, assessment_id=aid), status="open")
    with pytest.raises(NotFoundError, match="no question 'nope'"), app.state.scorecard.write() as s:
        calibration.record_agreed(s, assessment_id=aid, question_id="nope", answer="yes", user_id=None)
    with pytest.raises(ScorecardError, match="unknown answer 'maybe'"), app.state.scorecard.write() as s:
        calibration.record_agreed(s, assessment_id=aid, question_id=qid, answer="maybe", user_id=None)
    with pytest.raises(ScorecardError, match="keep it to"), app.state.scorecard.write() as s:
        calibration.record_agreed(
            s, assessment_id=aid, question_id=qid, answer="yes", note="x" * 3000, user_id=None
        )
    with pytest.raises(NotFoundError, match="no agreed answer"), app.state.scorecard.write() as s:
        calibration.remove_agreed(s, assessment_id=aid, question_id=qid, user_id=None)
    assert rows(app, aid) == {}
    assert events(app, aid) == []


# --- pages ----------------------------------------------------------------------------------


def test_presentation_view_hides_names(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)
    ids = agenda(app, aid)
    assert len(ids) >= 2
    page = facilitator.get(f"/assessments/{aid}/calibration")
    assert page.status_code == 200
    html = page.text
    assert f'data-question="{ids[0]}"' in html
    assert "Question 1 of" in html
    assert f'rel="next" href="/assessments/{aid}/calibration?q={ids[1]}' in html
    for name, _ in PEOPLE:
        for part in name.split():
            assert part not in html
    # the comments of the question on screen are shown, with the answer, never who
    assert "gov-policies" in ids
    commented = facilitator.get(f"/assessments/{aid}/calibration", params={"q": "gov-policies"}).text
    assert "we differ here (0)" in commented
    assert "we differ here (3)" in commented
    # small roles (one data scientist, one manager) are merged: no count is one person's
    assert "data-scientist" not in html
    assert "manager" not in html
    second = facilitator.get(f"/assessments/{aid}/calibration", params={"q": ids[1]})
    assert f'data-question="{ids[1]}"' in second.text
    assert f'rel="prev" href="/assessments/{aid}/calibration?q={ids[0]}' in second.text
    assert facilitator.get(f"/assessments/{aid}/calibration", params={"q": "nope"}).status_code == 404


def test_viewer_gets_403(app: FastAPI, viewer: TestClient) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    assert viewer.get(f"/assessments/{aid}/calibration").status_code == 403
    assert post(viewer, f"/assessments/{aid}/calibration/{qid}", {"answer": "yes"}).status_code == 403
    assert rows(app, aid) == {}


def test_record_on_the_page(app: FastAPI, facilitator: TestClient, viewer: TestClient) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    before = revision(app, aid)
    # no CSRF token: refused
    bare = facilitator.post(
        f"/assessments/{aid}/calibration/{qid}", data={"answer": "yes"}, follow_redirects=False
    )
    assert bare.status_code == 403
    done = post(
        facilitator,
        f"/assessments/{aid}/calibration/{qid}",
        {"answer": "no", "note": "nobody alerts on drift"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/assessments/{aid}/calibration?q={qid}&saved=1#question"
    assert rows(app, aid)[qid].answer == "no"
    assert revision(app, aid) > before
    (event,) = events(app, aid)
    assert event.username == "facilitator"
    shown = facilitator.get(done.headers["location"]).text
    assert "Agreed answer recorded" in shown
    assert "nobody alerts on drift" in shown
    # the assessment page shows both scores and the note; the viewer sees it without who
    page = facilitator.get(f"/assessments/{aid}").text
    assert 'id="agreed"' in page
    assert "nobody alerts on drift" in page
    assert "recorded by facilitator" in page
    seen = viewer.get(f"/assessments/{aid}").text
    assert "nobody alerts on drift" in seen
    assert "recorded by" not in seen
    assert f"/assessments/{aid}/calibration" not in seen
    assert 'name="back" value="results"' in page
    assert 'name="back" value="results"' not in seen
    removed = post(facilitator, f"/assessments/{aid}/calibration/{qid}/remove", {"back": "results"})
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/assessments/{aid}#agreed"
    assert rows(app, aid) == {}
    assert len(events(app, aid)) == 2


def test_page_errors(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    assert post(facilitator, f"/assessments/{aid}/calibration/nope", {"answer": "yes"}).status_code == 404
    bad = post(facilitator, f"/assessments/{aid}/calibration/{qid}", {"answer": "maybe"})
    assert bad.status_code == 422
    assert "unknown answer" in bad.text
    assert post(facilitator, f"/assessments/{aid}/calibration/{qid}", {}).status_code == 422
    assert post(facilitator, f"/assessments/{aid}/calibration/{qid}/remove").status_code == 404
    assert post(facilitator, f"/assessments/{aid}/status", {"status": "closed"}).status_code == 303
    closed = post(facilitator, f"/assessments/{aid}/calibration/{qid}", {"answer": "yes"})
    assert closed.status_code == 409
    assert "reopen" in closed.text
    view = facilitator.get(f"/assessments/{aid}/calibration").text
    assert "reopen it to record" in view
    assert 'name="answer"' not in view
    assert rows(app, aid) == {}
    assert events(app, aid) == []


# --- API ------------------------------------------------------------------------------------


def test_api_round_trip(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    base = f"/api/v1/assessments/{aid}/agreed"
    empty = api.get(base).json()
    assert empty["questions"] == []
    assert empty["overall"]["moved"] == 0
    put = api.put(f"{base}/{qid}", json={"answer": "yes", "note": "agreed"})
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["question"], body["answer"], body["note"], body["agreed_by"]) == (
        qid,
        "yes",
        "agreed",
        "facilitator",
    )
    assert body["agreed_value"] == 1.0
    listed = api.get(base).json()
    assert [q["question"] for q in listed["questions"]] == [qid]
    dim = next(d for d in listed["dimensions"] if d["id"] == body["dimension"])
    assert dim["agreed_questions"] == 1
    assert dim["moved"] == pytest.approx(dim["agreed"] - dim["individual"])
    assert dim["moved"] > 0
    assert api.get(f"{base}/{qid}").json()["answer"] == "yes"
    viewer = TestClient(app, raise_server_exceptions=False)
    viewer.headers["Authorization"] = f"Bearer {users['viewer']}"
    assert viewer.get(f"{base}/{qid}").json()["agreed_by"] == ""
    assert viewer.put(f"{base}/{qid}", json={"answer": "no"}).status_code == 403
    assert viewer.delete(f"{base}/{qid}").status_code == 403
    assert api.delete(f"{base}/{qid}").status_code == 204
    assert api.get(f"{base}/{qid}").status_code == 404
    assert api.delete(f"{base}/{qid}").status_code == 404


def test_api_errors(app: FastAPI, api: TestClient) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    base = f"/api/v1/assessments/{aid}/agreed"
    assert api.put(f"{base}/nope", json={"answer": "yes"}).status_code == 404
    bad = api.put(f"{base}/{qid}", json={"answer": "maybe"})
    assert bad.status_code == 422
    assert "unknown answer 'maybe'" in json.dumps(bad.json())
    assert api.put(f"{base}/{qid}", json={}).status_code == 422
    assert api.put(f"{base}/{qid}", json={"answer": "yes", "extra": 1}).status_code == 422
    assert api.put("/api/v1/assessments/999999/agreed/x", json={"answer": "yes"}).status_code == 404
    with app.state.scorecard.write() as s:
        assessments.set_status(
            s, assessment=assessments.get_assessment(s, assessment_id=aid), status="closed"
        )
    closed = api.put(f"{base}/{qid}", json={"answer": "yes"})
    assert closed.status_code == 409
    assert "reopen" in closed.json()["detail"]
    assert rows(app, aid) == {}


def test_downloaded_report_lists_the_agreed_answers(
    app: FastAPI, facilitator: TestClient, viewer: TestClient
) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    plain = viewer.get(f"/assessments/{aid}/report.json").json()
    assert "calibration" not in plain
    post(facilitator, f"/assessments/{aid}/calibration/{qid}", {"answer": "yes", "note": "alerts everywhere"})
    for client in (facilitator, viewer):
        data = client.get(f"/assessments/{aid}/report.json").json()
        (agreed,) = data["calibration"]["questions"]
        assert (agreed["question"], agreed["answer"], agreed["note"]) == (qid, "yes", "alerts everywhere")
        assert "agreed_by" not in agreed
        md = client.get(f"/assessments/{aid}/report.md").text
        assert "## Calibration meeting" in md
        assert "alerts everywhere" in md
    # the viewer's report still names nobody
    text = viewer.get(f"/assessments/{aid}/report.md").text
    assert all(name not in text for name, _ in PEOPLE)


CHOICE_FRAMEWORK = """\
id: choosy
version: "1"
title: Choosy
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50}
dimensions:
  - id: ops
    title: Operations
    questions:
      - {id: s1, text: Releases are repeatable}
      - id: c1
        text: How do you deploy?
        choices:
          - {id: c1_pipe, label: Pipelines}
          - {id: c1_back, label: Rollbacks}
          - {id: c1_none, label: None of these, none: true}
        risk_rules:
          - {condition: "c1_pipe && c1_back", risk: none}
          - {condition: "c1_pipe || c1_back", risk: medium}
          - {condition: default, risk: high}
"""


def test_multiple_choice_agreement(app: FastAPI, api: TestClient, facilitator: TestClient) -> None:
    published = api.post(
        "/api/v1/frameworks", content=CHOICE_FRAMEWORK, headers={"Content-Type": "application/yaml"}
    )
    assert published.status_code == 201, published.text
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Search")
        a = assessments.create_assessment(
            s, unit_id=unit.id, title="Choices", status="open", framework="choosy@1"
        )
        for name, picked in (("Ana", ["c1_pipe", "c1_back"]), ("Bo", ["c1_none"]), ("Cy", ["c1_none"])):
            r, _ = respondents.create_invitation(s, assessment=a, name=name, role="ml-engineer")
            answers.save_answer(s, respondent=r, assessment=a, question_id="c1", choices=picked)
            answers.save_answer(s, respondent=r, assessment=a, question_id="s1", answer="yes")
        aid = a.id
    assert agenda(app, aid) == ["c1"]
    page = facilitator.get(f"/assessments/{aid}/calibration").text
    assert 'type="checkbox" name="choice" value="c1_pipe"' in page
    done = post(facilitator, f"/assessments/{aid}/calibration/c1", {"by_choices": "1", "choice": ["c1_pipe"]})
    assert done.status_code == 303
    row = rows(app, aid)["c1"]
    assert (row.answer, row.choices) == ("partly", ["c1_pipe"])
    bad = post(
        facilitator,
        f"/assessments/{aid}/calibration/c1",
        {"by_choices": "1", "choice": ["c1_none", "c1_pipe"]},
    )
    assert bad.status_code == 422
    assert "must be selected alone" in bad.text
    assert rows(app, aid)["c1"].choices == ["c1_pipe"]


def test_no_section_without_a_meeting(app: FastAPI, facilitator: TestClient) -> None:
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Quiet team")
        aid = assessments.create_assessment(s, unit_id=unit.id, title="Draft").id
    assert 'id="agreed"' not in facilitator.get(f"/assessments/{aid}").text
    empty = facilitator.get(f"/assessments/{aid}/calibration")
    assert empty.status_code == 200
    assert "There is nothing to calibrate" in empty.text
