"""Hostile input to the service parts of issue 10, on SQLite and PostgreSQL: framework
uploads (bombs, huge, non-UTF-8, built-in ids, odd versions, extends gone wrong, two
publishers at once, delete while an assessment is created), survey imports (forged or
replayed confirmations, roles, CSRF) and multiple-choice autosaves. Every one is a 4xx
that says what is wrong, never a 500, and nothing half-written stays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn
from custom_frameworks import ACME
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from support import csrf_of, free_port
from test_custom_scale_survey import _stored as shaped_stored
from test_custom_scale_survey import _survey as shaped_survey
from test_custom_scale_survey import shaped
from test_survey_import_web import GOOD, hidden, new_assessment, post_file, saved

from mlops_scorecard.errors import ConflictError, ScorecardError
from mlops_scorecard.framework import Framework
from mlops_scorecard.store import assessments, frameworks, units
from mlops_scorecard.store.models import Assessment, PublishedFramework
from mlops_scorecard.web.survey_imports import pack

V1 = "/api/v1"
__all__ = ["shaped"]  # a fixture, imported to be used here
YAML = {"Content-Type": "application/yaml"}


def publish(api: TestClient, text: str) -> Any:
    return api.post(
        f"{V1}/frameworks", content=text.encode() if isinstance(text, str) else text, headers=YAML
    )


def published_count(app: FastAPI) -> int:
    with app.state.scorecard.read() as s:
        return int(s.scalar(select(func.count()).select_from(PublishedFramework)) or 0)


# --- framework uploads --------------------------------------------------------------------

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BOMB, "alias"),
        ("id: x\nversion: '1'\ntitle: " + "[" * 3000 + "]" * 3000 + "\n", "nest"),
        (ACME.replace("acme-mlops", "mlops-scorecard"), "built-in framework's id"),
        (ACME.replace('version: "1.0"', 'version: "1/../2"'), "version"),
        (ACME.replace('version: "1.0"', 'version: ".."'), "version"),
        (ACME.replace('version: "1.0"', 'version: "1%2F0"'), "version"),
        (ACME.replace("extends: mlops-scorecard@1.0.0", "extends: nowhere@1"), "nowhere"),
        (
            ACME
            + "profile:\n  - id: p\n    text: P?\n    options:\n      - {id: a, label: A, prioritise: [nope]}\n      - {id: b, label: B}\n",
            "nope",
        ),
    ],
    ids=[
        "billion-laughs",
        "deep-nesting",
        "builtin-id",
        "slash",
        "dotdot",
        "percent-2f",
        "extends-missing",
        "profile-unknown-id",
    ],
)
def test_framework_uploads_refused_api_and_page(
    app: FastAPI, api: TestClient, facilitator: TestClient, body: str, message: str
) -> None:
    r = publish(api, body)
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"]
    page = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator)},
        files={"file": ("f.yaml", body.encode(), "application/yaml")},
        follow_redirects=False,
    )
    assert page.status_code == 422, page.text
    assert published_count(app) == 0


def test_non_utf8_and_oversized_uploads(app: FastAPI, api: TestClient, facilitator: TestClient) -> None:
    latin = ACME.replace("ACME MLOps", "ACME MLÖps").encode("latin-1")
    r = publish(api, latin)  # type: ignore[arg-type]
    assert r.status_code == 422, r.text
    assert "UTF-8" in r.json()["detail"]
    page = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator)},
        files={"file": ("f.yaml", latin, "application/yaml")},
    )
    assert page.status_code == 422
    assert "not UTF-8 text" in page.text
    huge = ACME + "# " + "x" * (3 * 1024 * 1024) + "\n"
    assert publish(api, huge).status_code == 413
    assert published_count(app) == 0


def test_a_json_body_with_nan(app: FastAPI, api: TestClient) -> None:
    body = '{"extends": "mlops-scorecard@1.0.0", "id": "j", "version": "1", "title": "J", "dimensions": [{"id": "governance", "weight": NaN}]}'
    r = api.post(f"{V1}/frameworks", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert published_count(app) == 0


def test_a_ten_thousand_question_framework(app: FastAPI, api: TestClient, facilitator: TestClient) -> None:
    questions = "".join(f"      - {{id: q{i}, text: Question {i}?}}\n" for i in range(10_000))
    body = f"extends: mlops-scorecard@1.0.0\nid: big\nversion: '1'\ntitle: Big\ndimensions:\n  - id: huge\n    title: Huge\n    questions:\n{questions}"
    r = publish(api, body)
    assert r.status_code == 201, r.text
    assert r.json()["framework"]["questions"] == 48 + 10_000
    page = facilitator.get("/frameworks/big@1")
    assert page.status_code == 200
    assert "q9999" in page.text


def test_extends_cycle_cannot_be_made(app: FastAPI, api: TestClient) -> None:
    a = ACME.replace("acme-mlops", "cyc-a")
    assert publish(api, a).status_code == 201
    b = "extends: cyc-a@1.0\nid: cyc-b\nversion: '1.0'\ntitle: B\n"
    r = publish(api, b)
    assert r.status_code == 201, r.text
    # A again, now extending B (by id@version or by its bare id): refused, naming the cycle
    for ref in ("cyc-b@1.0", "cyc-b"):
        again = publish(api, a.replace("extends: mlops-scorecard@1.0.0", f"extends: {ref}"))
        assert again.status_code == 422, again.text
        assert "extends: a cycle: cyc-a@1.0 -> cyc-b@1.0 -> cyc-a@1.0" in again.json()["detail"]
    assert publish(api, a).json()["status"] == "unchanged"


# --- two at once -----------------------------------------------------------------------------


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_publishing_one_version_from_many_threads(app: FastAPI, users: dict[str, str], server: str) -> None:
    n = 6
    barrier = threading.Barrier(n)

    def one(i: int) -> int:
        with httpx.Client(base_url=server, timeout=60) as c:
            c.headers["Authorization"] = f"Bearer {users['facilitator']}"
            barrier.wait(timeout=30)
            text = ACME if i % 2 == 0 else ACME.replace("signed by the board", "signed by the CEO")
            r = c.post(f"{V1}/frameworks", content=text, headers=YAML)
            return r.status_code

    with ThreadPoolExecutor(n) as pool:
        codes = list(pool.map(one, range(n)))
    assert 500 not in codes, codes
    assert set(codes) <= {200, 201, 409}, codes
    assert 201 in codes
    assert published_count(app) == 1


def test_delete_while_assessments_are_created(app: FastAPI, users: dict[str, str], server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as c:
        c.headers["Authorization"] = f"Bearer {users['facilitator']}"
        assert c.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 201
        unit = c.post(f"{V1}/units", json={"name": "Race"}).json()["id"]
    barrier = threading.Barrier(2)

    def create() -> int:
        with httpx.Client(base_url=server, timeout=60) as c:
            c.headers["Authorization"] = f"Bearer {users['facilitator']}"
            barrier.wait(timeout=30)
            body = {"unit_id": unit, "title": "On ACME", "framework": "acme-mlops@1.0"}
            return c.post(f"{V1}/assessments", json=body).status_code

    def delete() -> int:
        with httpx.Client(base_url=server, timeout=60) as c:
            c.headers["Authorization"] = f"Bearer {users['facilitator']}"
            barrier.wait(timeout=30)
            return c.delete(f"{V1}/frameworks/acme-mlops@1.0").status_code

    with ThreadPoolExecutor(2) as pool:
        made, gone = pool.submit(create), pool.submit(delete)
        codes = (made.result(), gone.result())
    assert codes in {(201, 409), (422, 204), (404, 204)}, codes
    with app.state.scorecard.read() as s:
        pinned = s.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.framework_id == "acme-mlops")
        )
    assert (published_count(app), pinned) == ((1, 1) if codes[0] == 201 else (0, 0))


# --- survey imports --------------------------------------------------------------------------


def test_confirm_with_a_forged_payload_is_checked_again(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    forged = pack(b"Name,Colour\nMallory,=cmd|' /C calc'!A0\n")
    r = facilitator.post(
        f"/assessments/{aid}/import",
        data={
            "csrf_token": csrf_of(facilitator),
            "action": "import",
            "payload": forged,
            "filename": "../../x.csv",
        },
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "matches no question" in r.text
    assert saved(app, aid) == (0, 0)


def test_a_preview_confirmed_in_another_assessment_is_checked_there(
    app: FastAPI, facilitator: TestClient
) -> None:
    first = new_assessment(app)
    with app.state.scorecard.write() as s:
        team = units.create_unit(s, name="Other team", kind="team")
        a = assessments.create_assessment(s, unit_id=team.id, title="Closed", status="open")
        assessments.set_status(s, assessment=a, status="closed")
        other = a.id
    page = post_file(facilitator, first, GOOD)
    confirm = {
        "csrf_token": csrf_of(facilitator),
        "action": "import",
        "payload": hidden(page.text, "payload"),
    }
    r = facilitator.post(f"/assessments/{other}/import", data=confirm, follow_redirects=False)
    assert r.status_code == 409  # closed: the other assessment's own rules apply
    assert saved(app, other) == (0, 0)


def test_confirm_twice_imports_once(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    page = post_file(facilitator, aid, GOOD)
    confirm = {
        "csrf_token": csrf_of(facilitator),
        "action": "import",
        "payload": hidden(page.text, "payload"),
    }
    first = facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False)
    assert first.status_code == 303
    second = facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False)
    assert second.status_code == 409
    assert saved(app, aid)[0] == 2


def test_imports_need_a_facilitator_and_csrf(
    app: FastAPI, client: TestClient, viewer: TestClient, facilitator: TestClient, users: dict[str, str]
) -> None:
    aid = new_assessment(app)
    data = {"action": "import", "payload": pack(GOOD)}
    anon = client.post(f"/assessments/{aid}/import", data=data, follow_redirects=False)
    assert anon.status_code in (303, 401, 403)
    looked = viewer.post(
        f"/assessments/{aid}/import", data={**data, "csrf_token": csrf_of(viewer)}, follow_redirects=False
    )
    assert looked.status_code == 403
    no_csrf = facilitator.post(f"/assessments/{aid}/import", data=data, follow_redirects=False)
    assert no_csrf.status_code == 403
    v = TestClient(app, raise_server_exceptions=False)
    v.headers["Authorization"] = f"Bearer {users['viewer']}"
    r = v.post(f"{V1}/assessments/{aid}/imports", files={"file": ("s.csv", GOOD, "text/csv")})
    assert r.status_code == 403
    assert saved(app, aid) == (0, 0)


def test_api_import_of_hostile_csvs(app: FastAPI, api: TestClient) -> None:
    aid = new_assessment(app)
    for data, name in [
        (b'Name,x\n"Ana,Yes\n', "s.csv"),
        (",".join(f"c{i}" for i in range(1001)).encode() + b"\n", "s.csv"),
        (b"Name,x\nAna,Yes\n", "s.xlsx"),
    ]:
        r = api.post(f"{V1}/assessments/{aid}/imports", files={"file": (name, data, "text/csv")})
        assert r.status_code == 422, (name, r.text)
        assert "s." in r.json()["detail"]
    assert saved(app, aid) == (0, 0)


def test_a_delete_waiting_on_an_assessment_being_created_sees_it(app: FastAPI, api: TestClient) -> None:
    """The same race, made to happen: the delete starts while the creation's transaction
    is open, and must find the new assessment once it commits (it used to check first,
    then delete the framework from under the assessment on PostgreSQL)."""
    assert publish(api, ACME).status_code == 201
    st = app.state.scorecard
    outcome: list[BaseException | None] = []

    def delete() -> None:
        try:
            with st.write() as s:
                frameworks.delete_published(s, ref="acme-mlops@1.0")
            outcome.append(None)
        except ScorecardError as exc:
            outcome.append(exc)

    with st.write() as s:
        team = units.create_unit(s, name="Race team", kind="team")
        assessments.create_assessment(s, unit_id=team.id, title="Pinned", framework="acme-mlops@1.0")
        s.flush()
        deleter = threading.Thread(target=delete)
        deleter.start()
        if st.engine.dialect.name == "postgresql":
            with st.sessions() as watch:  # until the delete waits on the creation's row lock
                deadline = time.monotonic() + 30
                while not watch.scalar(text("select count(*) from pg_locks where not granted")):
                    assert time.monotonic() < deadline, "the delete never waited"
                    time.sleep(0.01)
                    watch.rollback()
    deleter.join(timeout=60)
    assert len(outcome) == 1
    assert isinstance(outcome[0], ConflictError), outcome
    assert "cannot be deleted" in str(outcome[0])
    assert published_count(app) == 1


# --- multiple-choice answers -------------------------------------------------------------------

MANY = [f"c1_{i}" for i in range(10_000)]


@pytest.mark.parametrize(
    ("choices", "needle"),
    [
        (["c1_pipe", "c1_pipe"], "selected twice"),
        (MANY, "50"),
        ([1, None], "string"),
        ({"c1_pipe": True}, "list"),
        ("c1_pipe", "list"),
        (["c1_pipe", "c1_none"], "must be selected alone"),
    ],
    ids=["duplicate", "ten-thousand", "non-strings", "mapping", "bare-string", "none-with-others"],
)
def test_autosave_refuses_hostile_choices(
    app: FastAPI, client: TestClient, shaped: Framework, choices: Any, needle: str
) -> None:
    _, rid, token = shaped_survey(app)
    r = client.post(f"/r/{token}/answers", json={"question_id": "c1", "choices": choices, "revision": 0})
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]
    assert shaped_stored(app, rid) == {}


@pytest.mark.parametrize(
    ("choices", "needle"),
    [
        (["c1_pipe", "c1_pipe"], "selected twice"),
        (MANY, "50"),
        ([1, None], "string"),
    ],
    ids=["duplicate", "ten-thousand", "non-strings"],
)
def test_the_form_and_the_answers_file_refuse_hostile_choices(
    app: FastAPI, client: TestClient, api: TestClient, shaped: Framework, choices: list[Any], needle: str
) -> None:
    _, rid, token = shaped_survey(app)
    if all(isinstance(c, str) for c in choices):
        form = {"answer-s1": "defined", "revision-s1": "0", "revision-c1": "0", "choice-c1": choices}
        r = client.post(f"/r/{token}/d/1", data=form, follow_redirects=False)
        if len(choices) > 1000:  # the form parser's own bound on fields
            assert r.status_code == 400
            assert "Too many fields" in r.text
        else:
            assert r.status_code == 422, r.text[:500]
        assert shaped_stored(app, rid) == {}
    unit = api.post(f"{V1}/units", json={"name": "Hostile"}).json()["id"]
    aid = api.post(f"{V1}/assessments", json={"unit_id": unit, "title": "H", "framework": "shaped@1"}).json()[
        "id"
    ]
    data = {
        "framework": "shaped@1",
        "respondents": [{"name": "Eve", "answers": {"c1": {"choices": choices}}}],
    }
    r = api.post(f"{V1}/assessments/{aid}/answers", json=data)
    assert r.status_code == 422, r.text
    assert needle in r.text
    assert api.get(f"{V1}/assessments/{aid}/answers").json()["respondents"] == []


def test_two_tabs_autosaving_one_choice_question(app: FastAPI, shaped: Framework, server: str) -> None:
    _, rid, token = shaped_survey(app)
    tabs = 6
    barrier = threading.Barrier(tabs)

    def tab(i: int) -> int:
        with httpx.Client(base_url=server, timeout=60) as c:
            barrier.wait(timeout=30)
            choices = ["c1_pipe"] if i % 2 else ["c1_back", "c1_pipe"]
            body = {"question_id": "c1", "choices": choices, "revision": 0}
            return c.post(f"/r/{token}/answers", json=body).status_code

    with ThreadPoolExecutor(tabs) as pool:
        codes = sorted(pool.map(tab, range(tabs)))
    assert codes == [200] + [409] * (tabs - 1), codes
    answer, choices, revision = shaped_stored(app, rid)["c1"]
    assert revision == 1
    assert (answer, choices) in [("defined", ["c1_pipe"]), ("optimizing", ["c1_back", "c1_pipe"])]


# --- profiles ------------------------------------------------------------------------------------


def test_profile_changes_refused(
    app: FastAPI, facilitator: TestClient, viewer: TestClient, api: TestClient
) -> None:
    aid = new_assessment(app)
    form = {"csrf_token": csrf_of(facilitator), "profile_production": "lots"}
    r = facilitator.post(f"/assessments/{aid}/profile", data=form, follow_redirects=False)
    assert r.status_code == 422, r.text[:300]
    assert "unknown option" in r.text
    r = facilitator.post(
        f"/assessments/{aid}/profile",
        data={"csrf_token": csrf_of(facilitator), "profile_stage": "pilot"},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "unknown context question" in r.text
    assert (
        facilitator.post(
            f"/assessments/{aid}/profile", data={"profile_production": "many"}, follow_redirects=False
        ).status_code
        == 403
    )
    assert (
        viewer.post(
            f"/assessments/{aid}/profile",
            data={"csrf_token": csrf_of(viewer), "profile_production": "many"},
            follow_redirects=False,
        ).status_code
        == 403
    )
    with app.state.scorecard.write() as s:
        assessments.set_status(
            s, assessment=assessments.get_assessment(s, assessment_id=aid), status="closed"
        )
    closed = facilitator.post(
        f"/assessments/{aid}/profile",
        data={"csrf_token": csrf_of(facilitator), "profile_production": "many"},
        follow_redirects=False,
    )
    assert closed.status_code == 409, closed.text[:300]
    r = api.patch(f"{V1}/assessments/{aid}", json={"profile": {"production": "many"}})
    assert r.status_code == 409, r.text
    with app.state.scorecard.read() as s:
        assert s.get(Assessment, aid).profile is None


def test_an_answers_file_with_an_unknown_profile(app: FastAPI, api: TestClient) -> None:
    aid = new_assessment(app)
    for profile, needle in [
        ({"stage": "pilot"}, "profile.stage: unknown context question"),
        ({"production": "lots"}, "unknown option 'lots'"),
        ({"production": 3}, "profile.production: Input should be a valid string"),
    ]:
        data = {
            "framework": "mlops-scorecard@1.0.0",
            "profile": profile,
            "respondents": [{"name": "Eve", "answers": {"gov-strategy": "yes"}}],
        }
        r = api.post(f"{V1}/assessments/{aid}/answers", json=data)
        assert r.status_code == 422, r.text
        assert needle in r.json()["detail"]
    assert saved(app, aid) == (0, 0)


def test_previous_and_changes_are_checked_when_published(app: FastAPI, api: TestClient) -> None:
    assert publish(api, ACME).status_code == 201
    v2 = ACME.replace('version: "1.0"', 'version: "2.0"')
    for tail, needle in [
        ("previous: acme-mlops@9\n", "previous: framework 'acme-mlops' has no published version '9'"),
        ("previous: nowhere@1\n", "previous: unknown framework 'nowhere@1'"),
        (
            "previous: acme-mlops@1.0\nchanges:\n  - {kind: renamed, from: [nope], to: [gov-strategy]}\n",
            "changes[0] (renamed).from: acme-mlops@1.0 has no question 'nope'",
        ),
    ]:
        r = publish(api, v2 + tail)
        assert r.status_code == 422, r.text
        assert needle in r.json()["detail"]
        assert r.json()["detail"].startswith("framework.yaml: ")
    assert published_count(app) == 1
    ok = publish(api, v2 + "previous: acme-mlops@1.0\n")
    assert ok.status_code == 201, ok.text


def test_a_lens_upload_with_bare_constants_where_lists_go(app: FastAPI, facilitator: TestClient) -> None:
    lens = '{"schemaVersion": "2021-11-01", "name": NaN, "description": Infinity, "pillars": NaN}'
    r = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator), "kind": "lens", "text": lens},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "pillars" in r.text
    r = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator), "kind": "lens"},
        files={"file": ("l.json", b"\xff\xfe{}", "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "not UTF-8 text" in r.text
    assert published_count(app) == 0
