"""Editing, archiving and deleting assessments; moving, archiving and deleting units;
default targets inherited down the tree: the store, the pages and the API, each change
with its revision and its audit event; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import csrf_of

from mlops_scorecard.errors import ConflictError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, units
from mlops_scorecard.store.models import Assessment, AuditEvent, Respondent
from mlops_scorecard.store.revisions import current_revision

CORE = [q.id for _, q in get_framework("mlops-scorecard").iter_questions("core")]


def tree(s: Session) -> dict[str, int]:
    """Acme > Platform > Team A, and Team B at the top of Platform's sibling Research."""
    org = units.create_unit(s, name="Acme", kind="organization")
    dept = units.create_unit(s, name="Platform", kind="department", parent_id=org.id)
    team = units.create_unit(s, name="Team A", parent_id=dept.id)
    other = units.create_unit(s, name="Research", kind="department", parent_id=org.id)
    return {"org": org.id, "dept": dept.id, "team": team.id, "other": other.id}


def answered(s: Session, unit_id: int, *, title: str = "Q1") -> Assessment:
    """An open assessment with one respondent who answered two questions."""
    a = assessments.create_assessment(s, unit_id=unit_id, title=title, status="open")
    r, _ = respondents.create_invitation(s, assessment=a, name="Ana", role="ml-engineer")
    for qid in CORE[:2]:
        answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer="yes")
    return a


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False)


#: The audit actions these routes record (other routes, creation for one, record their own).
MINE = (
    "assessment.update",
    "assessment.archive",
    "assessment.restore",
    "assessment.delete",
    "unit.move",
    "unit.targets",
    "unit.archive",
    "unit.restore",
    "unit.delete",
)


def events(app: FastAPI) -> list[tuple[str, str]]:
    """The audit events of :data:`MINE`, oldest first: (action, username)."""
    with app.state.scorecard.read() as s:
        found = s.scalars(select(AuditEvent).where(AuditEvent.action.in_(MINE)).order_by(AuditEvent.id))
        return [(e.action, e.username) for e in found]


# --- the store ---------------------------------------------------------------------------


def test_edit_moves_the_revision_only_for_what_results_derive_from(session: Session) -> None:
    ids = tree(session)
    a = assessments.create_assessment(session, unit_id=ids["team"], title="Q1")
    start = current_revision(session, assessment_id=a.id)
    assert assessments.update_assessment(session, assessment=a, title="Q1 renamed") == ["title"]
    assert current_revision(session, assessment_id=a.id) == start
    changed = assessments.update_assessment(
        session, assessment=a, question_set="full", targets={"governance": 70}, date=dt.date(2025, 1, 2)
    )
    assert changed == ["date", "targets", "question_set"]
    assert current_revision(session, assessment_id=a.id) == start + 1
    assert (a.question_set, a.targets, a.date) == ("full", {"governance": 70.0}, dt.date(2025, 1, 2))


def test_question_set_is_locked_once_anyone_answered(session: Session) -> None:
    ids = tree(session)
    a = answered(session, ids["team"])
    assert assessments.has_answers(session, assessment_id=a.id)
    with pytest.raises(ConflictError, match="question set can change only while nobody has answered"):
        assessments.update_assessment(session, assessment=a, question_set="full")
    assert a.question_set == "core"
    # the same set again is no change, so it is allowed
    assert assessments.update_assessment(session, assessment=a, question_set="core", title="Q1b") == ["title"]


def test_archive_hides_from_lists_and_restores(session: Session) -> None:
    ids = tree(session)
    a = answered(session, ids["team"])
    b = assessments.create_assessment(session, unit_id=ids["team"], title="Q2")
    assert assessments.archive_assessment(session, assessment=a)
    assert not assessments.archive_assessment(session, assessment=a)  # already archived
    assert [x.id for x in assessments.list_assessments(session, unit_ids=[ids["team"]])] == [b.id]
    assert [x.id for x in assessments.list_assessments(session, unit_ids=[ids["team"]], archived=True)] == [
        a.id
    ]
    assert assessments.archive_assessment(session, assessment=a, archived=False)
    assert len(assessments.list_assessments(session, unit_ids=[ids["team"]])) == 2


def test_delete_takes_respondents_and_answers_with_it(session: Session) -> None:
    ids = tree(session)
    a = answered(session, ids["team"])
    aid = a.id
    assessments.delete_assessment(session, assessment=a)
    session.expire_all()
    assert session.get(Assessment, aid) is None
    assert session.scalars(select(Respondent).where(Respondent.assessment_id == aid)).all() == []


def test_move_refuses_cycles_and_name_clashes(session: Session) -> None:
    ids = tree(session)
    dept = units.get_unit(session, unit_id=ids["dept"])
    with pytest.raises(ConflictError, match="under itself"):
        units.move_unit(session, unit=dept, parent_id=dept.id)
    with pytest.raises(ConflictError, match="its own sub-unit 'Team A'"):
        units.move_unit(session, unit=dept, parent_id=ids["team"])
    assert dept.parent_id == ids["org"]
    team = units.get_unit(session, unit_id=ids["team"])
    units.move_unit(session, unit=team, parent_id=ids["other"])
    assert team.parent_id == ids["other"]
    units.create_unit(session, name="Team A", parent_id=ids["dept"])
    with pytest.raises(ConflictError, match="already exists there"):
        units.move_unit(session, unit=team, parent_id=ids["dept"])


def test_archive_and_delete_only_empty_units(session: Session) -> None:
    ids = tree(session)
    dept = units.get_unit(session, unit_id=ids["dept"])
    with pytest.raises(ConflictError, match="has sub-unit 'Team A'"):
        units.archive_unit(session, unit=dept)
    team = units.get_unit(session, unit_id=ids["team"])
    a = answered(session, team.id)
    with pytest.raises(ConflictError, match="has assessment 'Q1'"):
        units.archive_unit(session, unit=team)
    assessments.archive_assessment(session, assessment=a)
    units.archive_unit(session, unit=team)
    assert team.id not in [u.id for u in units.list_units(session)]
    assert [u.id for u in units.list_units(session, archived=True)] == [team.id]
    # an archived unit still holds an assessment: it cannot be deleted
    with pytest.raises(ConflictError, match="has assessments"):
        units.delete_unit(session, unit_id=team.id)
    units.archive_unit(session, unit=dept)
    with pytest.raises(ConflictError, match="under an archived unit"):
        units.archive_unit(session, unit=team, archived=False)
    with pytest.raises(ConflictError, match="archived"):
        assessments.create_assessment(session, unit_id=team.id, title="Q2")


def test_default_targets_come_from_the_nearest_unit_up_the_tree(session: Session) -> None:
    ids = tree(session)
    org = units.get_unit(session, unit_id=ids["org"])
    units.set_default_targets(session, unit=org, targets={"governance": 60, "deployment": 70, "nope": 10})
    a = assessments.create_assessment(session, unit_id=ids["team"], title="Q1")
    # only the framework's dimensions are taken
    assert a.targets == {"governance": 60.0, "deployment": 70.0}
    dept = units.get_unit(session, unit_id=ids["dept"])
    units.set_default_targets(session, unit=dept, targets={"monitoring": 80})
    b = assessments.create_assessment(session, unit_id=ids["team"], title="Q2")
    assert b.targets == {"monitoring": 80.0}
    assert units.default_targets_for(session, unit_id=ids["other"]) == (
        {"governance": 60.0, "deployment": 70.0, "nope": 10.0},
        org,
    )
    explicit = assessments.create_assessment(session, unit_id=ids["team"], title="Q3", targets={})
    assert explicit.targets == {}
    with pytest.raises(Exception, match="not between 0 and 100"):
        units.set_default_targets(session, unit=dept, targets={"monitoring": 120})


# --- the pages -------------------------------------------------------------------------


def test_edit_page_saves_and_refuses_a_locked_question_set(app: FastAPI, facilitator: TestClient) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
        a = answered(s, ids["team"])
        aid = a.id
        before = current_revision(s, assessment_id=aid)
    page = facilitator.get(f"/assessments/{aid}/edit")
    assert page.status_code == 200
    assert 'name="question_set" disabled' in page.text
    r = post(
        facilitator,
        f"/assessments/{aid}/edit",
        {"title": "Q1 final", "date": "2025-02-03", "question_set": "core", "target_governance": "75"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/assessments/{aid}?saved=1"
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        assert (a.title, a.targets) == ("Q1 final", {"governance": 75.0})
        assert current_revision(s, assessment_id=aid) > before
    assert events(app)[-1] == ("assessment.update", "facilitator")
    r = post(
        facilitator,
        f"/assessments/{aid}/edit",
        {"title": "Q1 final", "date": "2025-02-03", "question_set": "full"},
    )
    assert r.status_code == 409
    assert "the question set can change only while nobody has answered" in r.text
    r = post(facilitator, f"/assessments/{aid}/edit", {"title": "Q1", "date": "soon", "question_set": "core"})
    assert r.status_code == 422
    assert "is not a date" in r.text
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        assert a.title == "Q1 final"


def test_delete_needs_the_title_typed(app: FastAPI, facilitator: TestClient, viewer: TestClient) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
        aid = answered(s, ids["team"]).id
    page = facilitator.get(f"/assessments/{aid}/delete")
    assert page.status_code == 200
    assert "every respondent's answers" in page.text
    assert post(viewer, f"/assessments/{aid}/delete", {"confirm": "Q1"}).status_code == 403
    r = post(facilitator, f"/assessments/{aid}/delete", {"confirm": "q1"})
    assert r.status_code == 422
    assert "title exactly to delete it" in r.text
    assert facilitator.get(f"/assessments/{aid}").status_code == 200
    r = post(facilitator, f"/assessments/{aid}/delete", {"confirm": "Q1"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/units/{ids['team']}?deleted=1"
    assert facilitator.get(f"/assessments/{aid}").status_code == 404
    assert events(app)[-1] == ("assessment.delete", "facilitator")


def test_archive_from_the_page_hides_it_from_the_unit(app: FastAPI, facilitator: TestClient) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
        aid = answered(s, ids["team"], title="Quarter one").id
    assert "Quarter one" in facilitator.get(f"/units/{ids['team']}").text
    assert post(facilitator, f"/assessments/{aid}/archive", {"archived": "1"}).status_code == 303
    assert "Quarter one" not in facilitator.get(f"/units/{ids['team']}").text
    page = facilitator.get(f"/assessments/{aid}")
    assert "Archived on" in page.text
    settings = facilitator.get(f"/units/{ids['team']}/settings")
    assert "Archived assessments" in settings.text
    assert "Quarter one" in settings.text
    assert post(facilitator, f"/assessments/{aid}/archive", {"archived": "0"}).status_code == 303
    assert "Quarter one" in facilitator.get(f"/units/{ids['team']}").text
    assert [e for e, _ in events(app)][-2:] == ["assessment.archive", "assessment.restore"]


def test_unit_settings_move_targets_archive_delete(app: FastAPI, facilitator: TestClient) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
    r = post(facilitator, f"/units/{ids['dept']}/move", {"parent_id": str(ids["team"])})
    assert r.status_code == 409
    assert "the tree would loop" in r.text
    r = post(facilitator, f"/units/{ids['team']}/move", {"parent_id": str(ids["other"])})
    assert r.status_code == 303
    r = post(
        facilitator, f"/units/{ids['org']}/targets", {"target_governance": "65", "target_monitoring": ""}
    )
    assert r.status_code == 303
    settings = facilitator.get(f"/units/{ids['team']}/settings")
    assert 'placeholder="65"' in settings.text
    assert "Acme" in settings.text
    r = post(facilitator, f"/units/{ids['org']}/targets", {"target_governance": "165"})
    assert r.status_code == 422
    assert "not between 0 and 100" in r.text
    # the new-assessment form shows the defaults; blank targets take them
    assert 'placeholder="65"' in facilitator.get(f"/assessments/new?unit={ids['team']}").text
    r = post(
        facilitator,
        "/assessments",
        {
            "unit_id": str(ids["team"]),
            "title": "Q1",
            "framework": "mlops-scorecard@1.0.0",
            "question_set": "core",
        },
    )
    assert r.status_code == 303, r.text
    with app.state.scorecard.read() as s:
        a = s.scalars(select(Assessment)).one()
        assert a.targets == {"governance": 65.0}
    r = post(facilitator, f"/units/{ids['dept']}/delete", {"confirm": "yes"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/units/{ids['org']}"
    assert post(facilitator, f"/units/{ids['team']}/delete", {"confirm": "yes"}).status_code == 409
    assert post(facilitator, f"/units/{ids['other']}/archive", {"archived": "1"}).status_code == 409
    assert [e for e, _ in events(app)] == ["unit.move", "unit.targets", "unit.delete"]


# --- the API -----------------------------------------------------------------------------


def test_api_edit_archive_delete_and_move(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
        aid = answered(s, ids["team"]).id
        draft = assessments.create_assessment(s, unit_id=ids["team"], title="Draft").id
    r = api.patch(f"/api/v1/assessments/{aid}", json={"question_set": "full"})
    assert r.status_code == 409
    assert "nobody has answered" in r.json()["detail"]
    r = api.patch(
        f"/api/v1/assessments/{draft}", json={"question_set": "full", "targets": {"governance": 50}}
    )
    assert r.status_code == 200
    assert r.json()["question_set"] == "full"
    r = api.post(f"/api/v1/assessments/{aid}/archive", json={"archived": True})
    assert r.status_code == 200
    assert r.json()["archived_at"] is not None
    listed = api.get("/api/v1/assessments", params={"unit_id": ids["team"]}).json()
    assert [x["id"] for x in listed] == [draft]
    listed = api.get("/api/v1/assessments", params={"unit_id": ids["team"], "archived": True}).json()
    assert [x["id"] for x in listed] == [aid]
    assert api.delete(f"/api/v1/assessments/{draft}").status_code == 204
    assert api.get(f"/api/v1/assessments/{draft}").status_code == 404
    r = api.patch(f"/api/v1/units/{ids['dept']}", json={"parent_id": ids["team"]})
    assert r.status_code == 409
    r = api.patch(
        f"/api/v1/units/{ids['team']}", json={"parent_id": None, "default_targets": {"governance": 55}}
    )
    assert r.status_code == 200
    assert (r.json()["parent_id"], r.json()["default_targets"]) == (None, {"governance": 55.0})
    created = api.post("/api/v1/assessments", json={"unit_id": ids["team"], "title": "Q2"})
    assert created.status_code == 201
    assert created.json()["targets"] == {"governance": 55.0}
    r = api.patch(f"/api/v1/units/{ids['team']}", json={"default_targets": {"governance": 101}})
    assert r.status_code == 422
    viewer = TestClient(app, raise_server_exceptions=False)
    viewer.headers["Authorization"] = f"Bearer {users['viewer']}"
    assert viewer.delete(f"/api/v1/assessments/{aid}").status_code == 403
    assert viewer.patch(f"/api/v1/units/{ids['team']}", json={"archived": True}).status_code == 403
    actions = [e for e, _ in events(app)]
    assert actions == [
        "assessment.update",
        "assessment.archive",
        "assessment.delete",
        "unit.move",
        "unit.targets",
    ]


def test_viewers_see_no_settings_and_cannot_reach_them(
    app: FastAPI, viewer: TestClient, facilitator: TestClient
) -> None:
    with app.state.scorecard.write() as s:
        ids = tree(s)
        aid = answered(s, ids["team"]).id
    page = viewer.get(f"/assessments/{aid}")
    assert page.status_code == 200
    assert 'href="#setup"' not in page.text
    assert f"/assessments/{aid}/edit" not in page.text
    assert "Confidence: low." in page.text  # one respondent: the sentence says so to everyone
    for path in (f"/assessments/{aid}/edit", f"/assessments/{aid}/delete", f"/units/{ids['team']}/settings"):
        assert viewer.get(path).status_code == 403, path
    assert post(viewer, f"/assessments/{aid}/archive", {"archived": "1"}).status_code == 403
    assert post(viewer, f"/units/{ids['team']}/move", {"parent_id": ""}).status_code == 403
    mine = facilitator.get(f"/assessments/{aid}")
    assert 'href="#setup"' in mine.text
    # the breadcrumb trail runs from the organization through the unit's path
    assert '<a href="/units/{}">Platform</a>'.format(ids["dept"]) in mine.text
    assert (
        facilitator.get("/favicon.ico", follow_redirects=False).headers["location"] == "/static/favicon.svg"
    )


def test_closing_and_reopening_move_the_revision(session: Session) -> None:
    ids = tree(session)
    a = answered(session, ids["team"])
    before = current_revision(session, assessment_id=a.id)
    assessments.set_status(session, assessment=a, status="closed")
    closed = current_revision(session, assessment_id=a.id)
    assert closed > before
    assessments.set_status(session, assessment=a, status="closed")  # no change
    assert current_revision(session, assessment_id=a.id) == closed
    assessments.set_status(session, assessment=a, status="open")
    assert current_revision(session, assessment_id=a.id) > closed


def test_an_archived_assessment_leaves_the_heatmap(session: Session) -> None:
    from mlops_scorecard.store.results import latest_results

    ids = tree(session)
    first = answered(session, ids["team"], title="Q1")
    first.date = dt.date(2025, 1, 1)
    second = answered(session, ids["team"], title="Q2")
    second.date = dt.date(2025, 4, 1)
    session.flush()
    assert latest_results(session)[ids["team"]][0].id == second.id
    assessments.archive_assessment(session, assessment=second)
    session.flush()
    assert latest_results(session)[ids["team"]][0].id == first.id
