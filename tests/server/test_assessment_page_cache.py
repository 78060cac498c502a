"""The assessment page's warm view and revalidation (web/routes/assessments.py): what
derives from the revision is stored (a warm view loads and scores no answers), and the
page is tagged before rendering from everything it is rendered from, so a browser's
``If-None-Match`` is answered 304 without rendering, and only while nothing it shows has
changed. On SQLite and PostgreSQL; no timings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from scans import repo, scan
from starlette.requests import Request
from support import counting_queries, login_client

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import audit
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment, get_assessment, set_status
from mlops_scorecard.store.calibration import record_agreed
from mlops_scorecard.store.evidence import save_scan
from mlops_scorecard.store.models import Unit
from mlops_scorecard.store.plans import plan_for, update_item
from mlops_scorecard.store.respondents import create_invitation, mark_mailed, revoke_respondent
from mlops_scorecard.store.share_links import create_share_link
from mlops_scorecard.store.units import create_unit, move_unit
from mlops_scorecard.web.caching import inputs_etag
from mlops_scorecard.web.security import CurrentUser

FW = get_framework("mlops-scorecard")
#: A change's mark that the page differs afterwards, without one text to look for.
CHANGED = "\0changed"


@dataclass
class Team:
    unit: int
    other_department: int
    assessment: int
    token: str
    respondent: int

    @property
    def path(self) -> str:
        return f"/assessments/{self.assessment}"


@pytest.fixture
def team(app: FastAPI) -> Team:
    """A team in a department, its open assessment with four imported respondents and
    one invited (Ann, no answers yet); a second department to move the team to."""
    with app.state.scorecard.write() as s:
        dept = create_unit(s, name="Platform", kind="department")
        other = create_unit(s, name="Research Division", kind="department")
        unit = create_unit(s, name="Team", kind="team", parent_id=dept.id)
        a = create_assessment(s, unit_id=unit.id, title="Q3", date=dt.date(2026, 7, 1), status="open")
        import_answer_set(s, assessment=a, answers=example_answers(FW, respondents=4, seed=3), source="seed")
        r, token = create_invitation(s, assessment=a, name="Ann", role="ml-engineer")
        return Team(unit.id, other.id, a.id, token, r.id)


def _reads_answers(statements: list[str]) -> bool:
    """Whether any statement loads answers themselves (not only the revision's sum of
    their revision numbers)."""
    return any("answers.answer" in q or "answers.comment" in q for q in statements)


def test_a_warm_view_loads_and_scores_no_answers(app: FastAPI, facilitator: TestClient, team: Team) -> None:
    with counting_queries(app) as cold:
        first = facilitator.get(team.path)
    assert first.status_code == 200
    assert _reads_answers(cold)
    assert any("INSERT INTO derived_results" in q for q in cold)
    with counting_queries(app) as warm:
        again = facilitator.get(team.path)
    assert again.status_code == 200
    # nothing loaded to score, nothing computed to store, and the same page
    assert not _reads_answers(warm)
    assert not any("INSERT INTO derived_results" in q for q in warm)
    assert again.text == first.text
    assert len(warm) < len(cold)
    # as many as before answers were scored on every view, less the answers, the
    # comments, the agreed answers and "has answers" (the cached parts: one)
    assert len(warm) <= 15


def test_a_revalidation_is_answered_without_rendering(
    app: FastAPI, facilitator: TestClient, team: Team
) -> None:
    tag = facilitator.get(team.path).headers["etag"]
    with counting_queries(app) as seen:
        again = facilitator.get(team.path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    # the stored parts are not even read
    assert not any("derived_results" in q for q in seen)


def test_a_full_view_reads_nothing_after_the_tag_but_the_stored_parts(
    app: FastAPI, admin: TestClient, team: Team
) -> None:
    """Every statement of a warm view past those a revalidation runs reads the stored
    parts (which the revision in the tag fixes): a read added after the tag, and so
    missing from it, fails here."""
    tag = admin.get(team.path).headers["etag"]
    with counting_queries(app) as answered:
        assert admin.get(team.path, headers={"If-None-Match": tag}).status_code == 304
    with counting_queries(app) as full:
        assert admin.get(team.path).status_code == 200
    assert full[: len(answered)] == answered
    rest = full[len(answered) :]
    assert rest
    assert all("derived_results" in q for q in rest), rest


def _save(client: TestClient, team: Team) -> str:
    r = client.post(
        f"/r/{team.token}/answers",
        json={"question_id": FW.dimensions[0].questions[0].id, "answer": "no", "comment": "needs a runbook"},
    )
    assert r.status_code == 200, r.text
    return "needs a runbook"


def _plan_edit(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        a = get_assessment(s, assessment_id=team.assessment)
        key = plan_for(s, assessment=a).plan.items[0].key
        update_item(s, assessment=a, question_id=key, owner="Bea Owner")
    return "Bea Owner"


def _invite(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        create_invitation(
            s, assessment=get_assessment(s, assessment_id=team.assessment), name="Cleo Newcomer"
        )
    return "Cleo Newcomer"


def _revoke(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        revoke_respondent(
            s, assessment=get_assessment(s, assessment_id=team.assessment), respondent_id=team.respondent
        )
    return CHANGED


def _agree(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        record_agreed(
            s,
            assessment_id=team.assessment,
            question_id=FW.dimensions[1].questions[0].id,
            answer="yes",
            note="agreed in the room",
            user_id=None,
        )
    return "agreed in the room"


def _share(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        create_share_link(s, assessment=get_assessment(s, assessment_id=team.assessment), max_respondents=37)
    return CHANGED


def _scan(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        save_scan(
            s, assessment=get_assessment(s, assessment_id=team.assessment), result=scan(repo("feature-store"))
        )
    return "feature-store"


def _mailed(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        a = get_assessment(s, assessment_id=team.assessment)
        mark_mailed(s, assessment=a, sent=[(team.respondent, None)], kind="invited_at")
    return ""


def _move(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        unit = s.get(Unit, team.unit)
        assert unit is not None
        move_unit(s, unit=unit, parent_id=team.other_department)
    return "Research Division"


def _close(app: FastAPI, team: Team) -> str:
    with app.state.scorecard.write() as s:
        set_status(s, assessment=get_assessment(s, assessment_id=team.assessment), status="closed")
    return "Reopen"


#: Every kind of change the page shows, and a text it then shows (``CHANGED``: the page
#: differs; "": only the tag must, the change shows as nothing more than a date).
CHANGES: list[tuple[str, Callable[[FastAPI, Team], str]]] = [
    ("plan edit", _plan_edit),
    ("invitation", _invite),
    # before the revoke: a revoked respondent is not mailed
    ("invitation mailed", _mailed),
    ("revoke", _revoke),
    ("calibration answer", _agree),
    ("share link", _share),
    ("scan", _scan),
    ("unit moved", _move),
    ("closed", _close),
]


def _revalidated_after(client: TestClient, team: Team, change: Callable[[], str], what: str) -> None:
    """The page is 304 to its own tag, then 200 with the change after it, then 304 again."""
    before = client.get(team.path)
    tag = before.headers["etag"]
    assert client.get(team.path, headers={"If-None-Match": tag}).status_code == 304, what
    shown = change()
    after = client.get(team.path, headers={"If-None-Match": tag})
    assert after.status_code == 200, f"{what}: a stale 304"
    assert after.headers["etag"] != tag, what
    if shown == CHANGED:
        assert after.text != before.text, what
    elif shown:
        assert shown not in before.text, what
        assert shown in after.text, what
    assert client.get(team.path, headers={"If-None-Match": after.headers["etag"]}).status_code == 304, what


def test_an_autosave_changes_the_page_and_its_tag(
    client: TestClient, facilitator: TestClient, team: Team
) -> None:
    _revalidated_after(facilitator, team, lambda: _save(client, team), "autosave")


def test_every_other_change_the_page_shows_gives_a_full_page_not_a_304(
    app: FastAPI, facilitator: TestClient, team: Team
) -> None:
    for what, change in CHANGES:
        _revalidated_after(facilitator, team, lambda change=change: change(app, team), what)  # type: ignore[misc]


def test_an_audit_event_changes_an_admins_page(app: FastAPI, admin: TestClient, team: Team) -> None:
    def noted() -> str:
        with app.state.scorecard.write() as s:
            audit.record(
                s,
                user=None,
                action="assessment.update",
                summary="Renamed for the test",
                assessment_id=team.assessment,
            )
        return "Renamed for the test"

    _revalidated_after(admin, team, noted, "audit event")


def test_a_viewer_never_gets_a_facilitators_304(
    app: FastAPI, facilitator: TestClient, viewer: TestClient, team: Team
) -> None:
    fac = facilitator.get(team.path)
    seen = viewer.get(team.path, headers={"If-None-Match": fac.headers["etag"]})
    assert seen.status_code == 200
    assert seen.headers["etag"] != fac.headers["etag"]
    assert "Ann" not in seen.text  # viewers see how many answered, never who
    assert viewer.get(team.path, headers={"If-None-Match": seen.headers["etag"]}).status_code == 304


def test_another_session_or_query_is_not_the_same_page(
    app: FastAPI, facilitator: TestClient, team: Team
) -> None:
    tag = facilitator.get(team.path).headers["etag"]
    # the same user signed in again has another CSRF token in every form
    again = login_client(app, "facilitator")
    assert again.get(team.path, headers={"If-None-Match": tag}).status_code == 200
    # a query parameter shows a notice (or orders the plan)
    for query in ("?saved=1", "?plan_order=dimension", "?imported=3&source=survey"):
        shown = facilitator.get(team.path + query, headers={"If-None-Match": tag})
        assert shown.status_code == 200, query
        assert shown.headers["etag"] != tag, query


def test_a_page_input_that_cannot_be_written_down_gives_no_tag() -> None:
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/x",
            "query_string": b"",
            "headers": [],
            "scheme": "http",
            "server": ("testserver", 80),
        }
    )
    user = CurrentUser(1, "fac", "facilitator")
    assert inputs_etag(request, user, "csrf", [object()]) is None
    tag = inputs_etag(request, user, "csrf", [{"a": 1}])
    assert tag is not None
    assert tag.startswith('W/"')
    assert inputs_etag(request, user, "csrf", [{"a": 2}]) != tag
    assert inputs_etag(request, user, "other", [{"a": 1}]) != tag
