"""Hostile input against what issues 11 and 12 added, on SQLite and PostgreSQL.

A sweep found no 500, no wrong status and no half-written data on these surfaces; the
tests keep it so: every new form POST refuses the anonymous, viewers, admin-only routes
refuse facilitators, and all refuse a missing CSRF token; the autosave refuses forged,
negative, huge and wrongly typed revisions with a 4xx and keeps the saved answer.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from support import csrf_of

from mlops_scorecard.errors import ConflictError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit, get_unit, move_unit, subtree_ids
from mlops_scorecard.web import create_app


def _seed(app: FastAPI) -> dict[str, Any]:
    with app.state.scorecard.write() as s:
        org = create_unit(s, name="Acme", kind="organization")
        dep = create_unit(s, name="Platform", kind="department", parent_id=org.id)
        team = create_unit(s, name="Team A", parent_id=dep.id)
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open")
        r, token = create_invitation(s, assessment=a, name="Grace", role="product")
        return {"aid": a.id, "tid": team.id, "did": dep.id, "rid": r.id, "token": token}


def _posts(ids: dict[str, Any], qid: str) -> list[str]:
    aid, tid, did, rid = ids["aid"], ids["tid"], ids["did"], ids["rid"]
    return [
        f"/assessments/{aid}/invitations",
        f"/assessments/{aid}/invitations/list",
        f"/assessments/{aid}/reminders",
        f"/assessments/{aid}/edit",
        f"/assessments/{aid}/archive",
        f"/assessments/{aid}/delete",
        f"/units/{tid}/move",
        f"/units/{did}/targets",
        f"/units/{tid}/archive",
        f"/units/{tid}/delete",
        f"/assessments/{aid}/plan/order",
        f"/assessments/{aid}/plan/order/reset",
        f"/assessments/{aid}/plan/{qid}/move",
        f"/assessments/{aid}/plan/{qid}",
        f"/assessments/{aid}/plan/github",
        f"/assessments/{aid}/calibration/{qid}",
        f"/assessments/{aid}/calibration/{qid}/remove",
        f"/assessments/{aid}/respondents/{rid}/reissue",
        f"/assessments/{aid}/respondents/{rid}/revoke",
        f"/assessments/{aid}/respondents/{rid}/restore",
    ]


ADMIN_POSTS = ["/admin/users", "/admin/users/1/active", "/admin/users/1/role", "/admin/users/1/password"]
QID = get_framework("mlops-scorecard").dimensions[0].questions[0].id


def test_every_new_form_post_checks_the_login_the_role_and_the_csrf_token(
    app: FastAPI, client: TestClient, viewer: TestClient, facilitator: TestClient, admin: TestClient
) -> None:
    ids = _seed(app)
    form = {"name": "x", "note": '=HYPERLINK("http://evil")', "role": "admin"}
    viewer_token = csrf_of(viewer, f"/assessments/{ids['aid']}")
    facilitator_token = csrf_of(facilitator, f"/assessments/{ids['aid']}")
    wrong = []
    for path in [*_posts(ids, QID), *ADMIN_POSTS]:
        anonymous = client.post(path, data=form, follow_redirects=False)
        if anonymous.status_code not in (303, 401) or (
            anonymous.status_code == 303 and "/login" not in anonymous.headers["location"]
        ):
            wrong.append(("anonymous", path, anonymous.status_code))
        seen = viewer.post(path, data={**form, "csrf_token": viewer_token}, follow_redirects=False)
        if seen.status_code != 403:
            wrong.append(("viewer", path, seen.status_code))
        forged = admin.post(path, data=form, follow_redirects=False)
        if forged.status_code != 403:
            wrong.append(("no CSRF token", path, forged.status_code))
    for path in ADMIN_POSTS:
        seen = facilitator.post(path, data={**form, "csrf_token": facilitator_token}, follow_redirects=False)
        if seen.status_code != 403:
            wrong.append(("facilitator", path, seen.status_code))
    assert wrong == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"answer": "no", "revision": 5}, 409),  # a revision from the future
        ({"answer": "no", "revision": 0}, 409),  # the page's revision before the first save
        ({"answer": "no", "revision": -1}, 422),
        ({"answer": "no", "revision": 2**63}, 422),
        ({"answer": "no", "revision": "1"}, 422),
        ({"answer": "no", "revision": 1.0}, 422),
        ({"answer": "no", "revision": True}, 422),
        ({"answer": ["no"], "revision": 1}, 422),
        ({"choices": ["a"], "revision": 1}, 422),
        ({"answer": "no", "comment": "\x00", "revision": 1}, 422),
    ],
)
def test_a_forged_or_mistyped_autosave_is_a_4xx_and_keeps_the_saved_answer(
    app: FastAPI, client: TestClient, body: dict[str, Any], status: int
) -> None:
    ids = _seed(app)
    path = f"/r/{ids['token']}/answers"
    first = client.post(path, json={"question_id": QID, "answer": "yes", "revision": 0})
    assert first.status_code == 200
    assert first.json()["revision"] == 1
    r = client.post(path, json={"question_id": QID, **body})
    assert r.status_code == status, r.text
    assert "detail" in r.json()
    again = client.post(path, json={"question_id": QID, "answer": "yes", "revision": 1})
    assert again.status_code == 200, "the answer saved first is still the one at revision 1"
    assert again.json()["revision"] == 2


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_target_that_is_no_finite_number_is_named_so(app: FastAPI, api: TestClient, number: str) -> None:
    # Python's JSON reader takes NaN and Infinity: they were refused as "less than or
    # equal to 100" (or "greater than or equal to 0"), which sends the user looking elsewhere
    ids = _seed(app)
    dim = get_framework("mlops-scorecard").dimensions[0].id
    for path, field in (
        (f"/api/v1/assessments/{ids['aid']}", "targets"),
        (f"/api/v1/units/{ids['tid']}", "default_targets"),
    ):
        r = api.patch(
            path,
            content=f'{{"{field}": {{"{dim}": {number}}}}}',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["msg"] == "Input should be a finite number"
        assert r.json()["detail"][0]["loc"] == ["body", field, dim]
    assert api.get(f"/api/v1/assessments/{ids['aid']}").json()["targets"] == {}


def test_two_moves_at_once_cannot_make_the_tree_loop(postgresql_url: str) -> None:
    # On PostgreSQL two facilitators moving A under B and B under A at once both passed
    # the loop check (neither saw the other's move), and the tree looped: every walk of
    # it (subtree_ids, a unit's path) then ran forever. SQLite runs writes one at a time.
    app = create_app(Settings(database_url=postgresql_url, secret_key="k" * 20))
    state = app.state.scorecard
    with state.write() as s:
        org = create_unit(s, name="Acme", kind="organization")
        a_id = create_unit(s, name="A", parent_id=org.id).id
        b_id = create_unit(s, name="B", parent_id=org.id).id
    outcome: dict[str, str] = {}
    done = threading.Event()

    def second() -> None:
        try:
            with state.write() as s:
                move_unit(s, unit=get_unit(s, unit_id=b_id), parent_id=a_id)
            outcome["second"] = "moved"
        except ConflictError as exc:
            outcome["second"] = str(exc)
        finally:
            done.set()

    with state.write() as s:
        move_unit(s, unit=get_unit(s, unit_id=a_id), parent_id=b_id)
        s.flush()
        thread = threading.Thread(target=second)
        thread.start()
        # the first move stays uncommitted until the second has either finished or
        # is waiting for a lock (then it must see the first move once it goes on)
        with state.engine.connect() as watch:
            waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            while not done.is_set() and not watch.execute(waiting).scalar():
                done.wait(0.01)
    thread.join()
    assert "the tree would loop" in outcome["second"]
    with state.read() as s:
        assert sorted(subtree_ids(s, unit_id=org.id)) == sorted([org.id, a_id, b_id])
        assert get_unit(s, unit_id=b_id).parent_id == org.id
    state.engine.dispose()


def test_a_viewer_sees_no_respondent_on_any_new_page_or_api_read(
    app: FastAPI, viewer: TestClient, facilitator: TestClient, users: dict[str, str]
) -> None:
    with app.state.scorecard.write() as s:
        org = create_unit(s, name="Acme", kind="organization")
        team = create_unit(s, name="Team A", parent_id=org.id)
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open")
        r, token = create_invitation(
            s, assessment=a, name="Zebulon Quux", role="product", email="zq@example.org"
        )
        aid, rid, tid, oid = a.id, r.id, team.id, org.id
    questions = [q.id for d in get_framework("mlops-scorecard").dimensions for q in d.questions][:8]
    saved = [viewer.post(f"/r/{token}/answers", json={"question_id": q, "answer": "yes"}) for q in questions]
    assert any(r.status_code == 200 for r in saved)  # some are outside the core set
    t = csrf_of(facilitator, f"/assessments/{aid}")
    agreed = facilitator.post(
        f"/assessments/{aid}/calibration/{QID}",
        data={"csrf_token": t, "answer": "no"},
        follow_redirects=False,
    )
    assert agreed.status_code == 303
    secrets = ("Zebulon", "zq@example.org", token)
    ids = {"assessment_id": aid, "respondent_id": rid, "unit_id": tid, "question_id": QID}
    reader = TestClient(app, raise_server_exceptions=False)
    reader.headers["Authorization"] = f"Bearer {users['viewer']}"
    shown = []
    for path, operations in app.openapi()["paths"].items():
        if "get" in operations:
            url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
            body = reader.get(url)
            shown += [(url, body.status_code) for secret in secrets if secret in body.text]
    pages = [
        "/",
        f"/units/{oid}",
        f"/units/{tid}",
        f"/assessments/{aid}",
        f"/assessments/{aid}/plan.csv",
        f"/assessments/{aid}/plan.md",
    ]
    for url in pages:
        page = viewer.get(url)
        assert page.status_code == 200, url
        shown += [(url, page.status_code) for secret in secrets if secret in page.text]
    assert shown == []
    assert "Zebulon" in facilitator.get(f"/assessments/{aid}").text  # what the sweep looks for is there
