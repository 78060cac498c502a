"""The respondent's side: shared links, survey pages, autosave, review, submit, upload.

Runs on SQLite and PostgreSQL (``db_url`` is parametrized in conftest).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlops_scorecard.store.assessments import create_assessment, set_status
from mlops_scorecard.store.models import Answer, Assessment, Respondent
from mlops_scorecard.store.respondents import create_invitation, revoke_respondent
from mlops_scorecard.store.share_links import create_share_link, revoke_share_link
from mlops_scorecard.store.units import create_unit

CORE_FIRST_PAGE = ["gov-strategy", "gov-policies", "gov-team"]


@dataclass
class Setup:
    assessment_id: int
    token: str
    respondent_id: int
    share_token: str
    share_link_id: int


def make_survey(
    app: FastAPI, *, status: str = "open", question_set: str = "core", name: str = "Ana"
) -> Setup:
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        a = create_assessment(s, unit_id=unit.id, title="Q1 review", question_set=question_set, status="open")
        r, token = create_invitation(s, assessment=a, name=name, role="ml-engineer")
        link, share = create_share_link(s, assessment=a)
        if status != "open":
            set_status(s, assessment=a, status=status)
        return Setup(a.id, token, r.id, share, link.id)


def set_assessment_status(app: FastAPI, setup: Setup, status: str) -> None:
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, setup.assessment_id)
        assert a is not None
        set_status(s, assessment=a, status=status)


def stored(app: FastAPI, respondent_id: int) -> dict[str, Answer]:
    with app.state.scorecard.read() as s:
        rows = s.scalars(select(Answer).where(Answer.respondent_id == respondent_id))
        return {a.question_id: a for a in rows}


def save(client: TestClient, token: str, **body: Any) -> Any:
    return client.post(f"/r/{token}/answers", json=body)


@pytest.fixture
def setup(app: FastAPI) -> Setup:
    return make_survey(app)


# --- pages ----------------------------------------------------------------------------


def test_start_page_shows_the_survey(client: TestClient, setup: Setup) -> None:
    r = client.get(f"/r/{setup.token}")
    assert r.status_code == 200
    text = r.text
    assert "Q1 review" in text
    assert "Search" in text
    assert "MLOps Scorecard 1.0.0" in text
    assert "about 9 minutes" in text
    assert "Other respondents never see your answers" in text
    assert f'action="/r/{setup.token}/upload"' in text
    # stateless: no session cookie, no caching, no referrer
    assert "set-cookie" not in r.headers
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_dimension_page_has_questions_choices_guidance(client: TestClient, setup: Setup) -> None:
    r = client.get(f"/r/{setup.token}/d/1")
    assert r.status_code == 200
    text = r.text
    assert "Governance" in text
    for qid in CORE_FIRST_PAGE:
        assert f'name="answer-{qid}"' in text
        assert f'<textarea id="comment-{qid}"' in text
        assert f'<label class="comment-label" for="comment-{qid}">' in text
    assert text.count('type="radio"') == 15
    for label in ("Yes", "Partly", "No", "Not applicable", "Don&#39;t know"):
        assert f"<span>{label}</span>" in text
    assert "What a full yes looks like" in text
    assert "<legend>" in text
    assert 'role="progressbar"' in text
    assert "0 of 18 questions answered" in text or ">0</span> of 18 questions answered" in text
    assert "/static/survey.js" in text
    assert client.get(f"/r/{setup.token}/d/6").status_code == 200
    assert client.get(f"/r/{setup.token}/d/7").status_code == 404
    assert client.get(f"/r/{setup.token}/d/0").status_code == 404
    assert client.get(f"/r/{setup.token}/d/x").status_code == 404


def test_unknown_and_revoked_tokens_are_404(app: FastAPI, client: TestClient, setup: Setup) -> None:
    for path in ("/r/not-a-token", "/r/not-a-token/d/1", "/r/not-a-token/review", "/join/not-a-token"):
        r = client.get(path)
        assert r.status_code == 404
        assert "this link is not valid" in r.text
        assert "Traceback" not in r.text
    assert save(client, "nope", question_id="gov-strategy", answer="yes", revision=0).status_code == 404
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, setup.assessment_id)
        assert a is not None
        revoke_respondent(s, assessment=a, respondent_id=setup.respondent_id)
        revoke_share_link(s, assessment=a, link_id=setup.share_link_id)
    assert client.get(f"/r/{setup.token}").status_code == 404
    r = save(client, setup.token, question_id="gov-strategy", answer="yes", revision=0)
    assert r.status_code == 404
    assert "revoked" in r.json()["detail"]
    assert client.get(f"/join/{setup.share_token}").status_code == 404
    assert client.post(f"/join/{setup.share_token}", data={}).status_code == 404


# --- autosave --------------------------------------------------------------------------


def test_autosave_and_revision_conflict_keeps_the_first_answer(
    app: FastAPI, client: TestClient, setup: Setup
) -> None:
    r = save(client, setup.token, question_id="gov-strategy", answer="yes", comment=" first ", revision=0)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "question_id": "gov-strategy",
        "answer": "yes",
        "comment": "first",
        "revision": 1,
        "answered": 1,
        "total": 18,
    }
    # a second tab, rendered before the first save, still holds revision 0
    r = save(client, setup.token, question_id="gov-strategy", answer="no", comment="second", revision=0)
    assert r.status_code == 409
    assert "another tab" in r.json()["detail"]
    rows = stored(app, setup.respondent_id)
    assert (rows["gov-strategy"].answer, rows["gov-strategy"].comment) == ("yes", "first")
    assert rows["gov-strategy"].revision == 1
    # the first tab goes on with the revision it got back
    r = save(client, setup.token, question_id="gov-strategy", answer="partly", revision=1)
    assert r.status_code == 200
    assert r.json()["revision"] == 2
    assert stored(app, setup.respondent_id)["gov-strategy"].answer == "partly"


def test_two_tabs_saving_the_same_answer(app: FastAPI, client: TestClient, setup: Setup) -> None:
    assert save(client, setup.token, question_id="gov-team", answer="no", revision=0).status_code == 200
    r = save(client, setup.token, question_id="gov-team", answer="no", revision=0)
    assert r.status_code == 409
    assert "reload" in r.json()["detail"]
    assert stored(app, setup.respondent_id)["gov-team"].revision == 1


def test_reload_shows_saved_answers(client: TestClient, setup: Setup) -> None:
    save(
        client,
        setup.token,
        question_id="gov-policies",
        answer="partly",
        comment="only <b>some</b>",
        revision=0,
    )
    text = client.get(f"/r/{setup.token}/d/1").text
    assert 'name="answer-gov-policies" value="partly" checked' in text
    assert 'name="answer-gov-strategy" value="yes" checked' not in text
    assert "only &lt;b&gt;some&lt;/b&gt;</textarea>" in text
    assert 'name="revision-gov-policies" value="1"' in text
    assert ">1</span> of 18 questions answered" in text


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"", 422, "no body"),
        (b"not json", 422, "not valid JSON"),
        (b"\xff\xfe", 422, "not valid JSON"),
        (b"[1, 2]", 422, "JSON object"),
        (b'{"answer": "yes", "revision": 0}', 422, "question_id"),
        (b'{"question_id": "gov-strategy", "revision": 0}', 422, "answer"),
        (b'{"question_id": "gov-strategy", "answer": "yes", "revision": "1"}', 422, "revision"),
        (b'{"question_id": "gov-strategy", "answer": "yes", "revision": -1}', 422, "revision"),
        (b'{"question_id": 5, "answer": "yes", "revision": 0}', 422, "question_id"),
        (b'{"question_id": "gov-strategy", "answer": "yes", "revision": 0, "x": 1}', 422, "unknown field"),
        (b'{"question_id": "no-such-question", "answer": "yes", "revision": 0}', 422, "unknown question"),
        (b'{"question_id": "gov-strategy", "answer": "maybe", "revision": 0}', 422, "unknown answer"),
        # an extended question in a core assessment
        (b'{"question_id": "gov-structure", "answer": "yes", "revision": 0}', 422, "question set"),
        (b"[" * 100000 + b"]" * 100000, 422, "JSON"),
    ],
)
def test_bad_autosave_bodies_are_4xx_json(
    app: FastAPI, client: TestClient, setup: Setup, body: bytes, status: int, needle: str
) -> None:
    r = client.post(f"/r/{setup.token}/answers", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str)
    assert needle in detail
    assert stored(app, setup.respondent_id) == {}


def test_extended_question_id_is_real(setup: Setup) -> None:
    # guards the "question set" case above: gov-structure must exist outside the core set
    from mlops_scorecard.framework import get_framework

    found = get_framework("mlops-scorecard").question("gov-structure")
    assert found is not None
    assert found[1].set == "extended"


def test_comment_over_5000_characters_is_refused(app: FastAPI, client: TestClient, setup: Setup) -> None:
    r = save(client, setup.token, question_id="gov-strategy", answer="yes", comment="x" * 5001, revision=0)
    assert r.status_code == 422
    assert "5000" in r.json()["detail"]
    r = save(client, setup.token, question_id="gov-strategy", answer="yes", comment="x" * 5000, revision=0)
    assert r.status_code == 200


def test_full_question_set_accepts_extended_questions(app: FastAPI, client: TestClient) -> None:
    setup = make_survey(app, question_set="full")
    r = save(client, setup.token, question_id="gov-structure", answer="yes", revision=0)
    assert r.status_code == 200
    assert r.json()["total"] == 48


# --- closed and draft ------------------------------------------------------------------


def test_closed_assessment_is_read_only(app: FastAPI, client: TestClient, setup: Setup) -> None:
    save(client, setup.token, question_id="gov-strategy", answer="yes", comment="kept", revision=0)
    set_assessment_status(app, setup, "closed")
    r = save(client, setup.token, question_id="gov-strategy", answer="no", revision=1)
    assert r.status_code == 409
    assert "closed" in r.json()["detail"]
    page = client.get(f"/r/{setup.token}/d/1")
    assert page.status_code == 200
    assert "This assessment is closed" in page.text
    assert 'value="yes" checked disabled' in page.text
    assert "data-autosave" not in page.text
    assert "survey.js" not in page.text
    r = client.post(f"/r/{setup.token}/d/1", data={"answer-gov-strategy": "no", "revision-gov-strategy": "1"})
    assert r.status_code == 409
    assert client.post(f"/r/{setup.token}/submit").status_code == 409
    assert "This assessment is closed" in client.get(f"/r/{setup.token}/review").text
    assert stored(app, setup.respondent_id)["gov-strategy"].answer == "yes"


def test_draft_assessment_is_not_open_yet(app: FastAPI, client: TestClient) -> None:
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Ranking")
        a = create_assessment(s, unit_id=unit.id, title="Draft one")
        _, token = create_invitation(s, assessment=a, name="Bo")
        _, share = create_share_link(s, assessment=a)
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert "not open yet" in page.text
    assert f"/r/{token}/d/1" not in page.text
    r = save(client, token, question_id="gov-strategy", answer="yes", revision=0)
    assert r.status_code == 409
    assert "not open yet" in r.json()["detail"]
    assert client.post(f"/r/{token}/d/1", data={"answer-gov-strategy": "yes"}).status_code == 409
    assert "not open yet" in client.get(f"/join/{share}").text
    assert client.post(f"/join/{share}", data={}).status_code == 409


# --- without JavaScript ----------------------------------------------------------------


def test_form_post_saves_the_page_and_goes_on(app: FastAPI, client: TestClient, setup: Setup) -> None:
    form = {
        "answer-gov-strategy": "yes",
        "comment-gov-strategy": "board approved",
        "revision-gov-strategy": "0",
        "answer-gov-policies": "no",
        "revision-gov-policies": "0",
        "comment-gov-team": "",
        "revision-gov-team": "0",
        "go": "next",
    }
    r = client.post(f"/r/{setup.token}/d/1", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/r/{setup.token}/d/2"
    rows = stored(app, setup.respondent_id)
    assert {q: a.answer for q, a in rows.items()} == {"gov-strategy": "yes", "gov-policies": "no"}
    assert rows["gov-strategy"].comment == "board approved"
    # posting the same page again (e.g. after autosave) changes nothing and does not conflict
    r = client.post(f"/r/{setup.token}/d/1", data={**form, "go": "prev"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/r/{setup.token}"
    assert stored(app, setup.respondent_id)["gov-strategy"].revision == 1
    r = client.post(f"/r/{setup.token}/d/6", data={"go": "next"}, follow_redirects=False)
    assert r.headers["location"] == f"/r/{setup.token}/review"


def test_form_post_with_stale_revision_keeps_the_other_tab(
    app: FastAPI, client: TestClient, setup: Setup
) -> None:
    save(client, setup.token, question_id="gov-strategy", answer="yes", comment="from tab 1", revision=0)
    form = {
        "answer-gov-strategy": "no",
        "revision-gov-strategy": "0",
        "answer-gov-team": "partly",
        "revision-gov-team": "0",
    }
    r = client.post(f"/r/{setup.token}/d/1", data=form, follow_redirects=False)
    assert r.status_code == 409
    assert "changed in another tab" in r.text
    assert 'name="answer-gov-strategy" value="yes" checked' in r.text
    rows = stored(app, setup.respondent_id)
    assert (rows["gov-strategy"].answer, rows["gov-strategy"].comment) == ("yes", "from tab 1")
    assert rows["gov-team"].answer == "partly"


def test_form_post_comment_without_answer_is_kept_on_the_page(client: TestClient, setup: Setup) -> None:
    r = client.post(f"/r/{setup.token}/d/1", data={"comment-gov-team": "we are unsure", "go": "next"})
    assert r.status_code == 422
    assert "choose an answer to save this comment" in r.text
    assert "we are unsure</textarea>" in r.text


def test_form_post_bad_values_are_422(client: TestClient, setup: Setup) -> None:
    r = client.post(f"/r/{setup.token}/d/1", data={"answer-gov-team": "maybe", "revision-gov-team": "0"})
    assert r.status_code == 422
    assert "unknown answer" in r.text
    r = client.post(f"/r/{setup.token}/d/1", data={"answer-gov-team": "yes", "revision-gov-team": "x"})
    assert r.status_code == 422
    assert "whole number" in r.text
    r = client.post(f"/r/{setup.token}/d/1", data={"answer-gov-team": "yes", "comment-gov-team": "x" * 5001})
    assert r.status_code == 422


# --- shared links ----------------------------------------------------------------------


def test_shared_link_creates_distinct_anonymous_respondents(
    app: FastAPI, client: TestClient, setup: Setup
) -> None:
    landing = client.get(f"/join/{setup.share_token}")
    assert landing.status_code == 200
    assert "anonymous" in landing.text
    assert 'value="data-scientist"' in landing.text
    first = client.post(f"/join/{setup.share_token}", data={"role": "data-scientist"}, follow_redirects=False)
    second = client.post(f"/join/{setup.share_token}", data={}, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    one, two = first.headers["location"], second.headers["location"]
    assert one.startswith("/r/")
    assert two.startswith("/r/")
    assert one != two
    assert setup.share_token not in one
    with app.state.scorecard.read() as s:
        shared = list(
            s.scalars(select(Respondent).where(Respondent.source == "shared").order_by(Respondent.id))
        )
    assert len(shared) == 2
    assert [r.name for r in shared] == [None, None]
    assert [r.role for r in shared] == ["data-scientist", ""]
    page = client.get(one)
    assert page.status_code == 200
    assert "Your answers are anonymous" in page.text
    assert "Data scientist" in page.text
    # the two respondents answer independently
    t1, t2 = one.removeprefix("/r/"), two.removeprefix("/r/")
    assert save(client, t1, question_id="gov-team", answer="yes", revision=0).status_code == 200
    assert save(client, t2, question_id="gov-team", answer="no", revision=0).status_code == 200
    assert client.post(f"/join/{setup.share_token}", data={"role": "wizard"}).status_code == 422


# --- privacy ---------------------------------------------------------------------------


def test_respondent_never_sees_another_respondents_answers(
    app: FastAPI, client: TestClient, setup: Setup
) -> None:
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, setup.assessment_id)
        assert a is not None
        _, other = create_invitation(s, assessment=a, name="Bea")
    secret = "SECRET-COMMENT-OF-BEA"
    assert (
        save(client, other, question_id="gov-strategy", answer="no", comment=secret, revision=0).status_code
        == 200
    )
    save(client, setup.token, question_id="gov-strategy", answer="yes", comment="mine", revision=0)
    for path in ("", "/d/1", "/review", "/thanks"):
        text = client.get(f"/r/{setup.token}{path}").text
        assert secret not in text
        assert "Bea" not in text
    review = client.get(f"/r/{setup.token}/review").text
    assert "mine" in review


# --- review and submit -----------------------------------------------------------------


def test_review_highlights_unanswered_then_submit(app: FastAPI, client: TestClient, setup: Setup) -> None:
    save(client, setup.token, question_id="gov-strategy", answer="yes", comment="note", revision=0)
    review = client.get(f"/r/{setup.token}/review")
    assert review.status_code == 200
    assert "17 of 18 questions are not answered yet" in review.text
    assert review.text.count('class="unanswered"') == 17
    assert f'href="/r/{setup.token}/d/1#q-gov-team"' in review.text
    assert "note" in review.text
    r = client.post(f"/r/{setup.token}/submit", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/r/{setup.token}/thanks"
    thanks = client.get(r.headers["location"])
    assert "Thank you" in thanks.text
    assert "1 of 18" in thanks.text
    with app.state.scorecard.read() as s:
        resp = s.get(Respondent, setup.respondent_id)
        assert resp is not None
        assert resp.submitted_at is not None
    # still open: answers can change after submitting
    assert save(client, setup.token, question_id="gov-strategy", answer="no", revision=1).status_code == 200
    assert "Submit again" in client.get(f"/r/{setup.token}/review").text


# --- upload ----------------------------------------------------------------------------


def answers_file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "framework": "mlops-scorecard@1.0.0",
        "question_set": "core",
        "respondents": [
            {
                "name": "Ana",
                "role": "ml-engineer",
                "answers": {
                    "gov-strategy": "yes",
                    "gov-policies": {"answer": "partly", "comment": "from the terminal"},
                    "mon-metrics": "no",
                },
            }
        ],
    }
    data.update(changes)
    return data


def upload(client: TestClient, token: str, name: str, content: bytes | str, **kw: Any) -> Any:
    raw = content.encode() if isinstance(content, str) else content
    return client.post(f"/r/{token}/upload", files={"file": (name, raw, "application/octet-stream")}, **kw)


def test_upload_replaces_this_respondents_answers(app: FastAPI, client: TestClient, setup: Setup) -> None:
    save(client, setup.token, question_id="gov-team", answer="yes", revision=0)  # not in the file: removed
    save(client, setup.token, question_id="gov-strategy", answer="no", revision=0)
    r = upload(client, setup.token, "ana.yaml", yaml.safe_dump(answers_file()), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/r/{setup.token}/review?uploaded=3&replaced=2"
    rows = stored(app, setup.respondent_id)
    assert {q: a.answer for q, a in rows.items()} == {
        "gov-strategy": "yes",
        "gov-policies": "partly",
        "mon-metrics": "no",
    }
    assert rows["gov-policies"].comment == "from the terminal"
    assert rows["gov-strategy"].revision == 2  # a tab still holding revision 1 gets a conflict
    assert "3 answers saved" in client.get(r.headers["location"]).text
    # JSON works too
    data = answers_file()
    data["respondents"][0]["answers"] = {"gov-team": "na"}
    r = upload(client, setup.token, "ana.json", json.dumps(data), headers={"accept": "application/json"})
    assert r.status_code == 200
    done = r.json()
    # whose answers it replaced and whether they still need submitting
    assert {k: done[k] for k in ("answers", "replaced", "submitted_at")} == {
        "answers": 1,
        "replaced": 3,
        "submitted_at": None,
    }
    assert done["name"] == "Ana"
    assert done["answered"] == 1
    assert {q: a.answer for q, a in stored(app, setup.respondent_id).items()} == {"gov-team": "na"}


def test_upload_does_not_store_a_name_for_an_anonymous_respondent(
    app: FastAPI, client: TestClient, setup: Setup
) -> None:
    joined = client.post(f"/join/{setup.share_token}", data={}, follow_redirects=False).headers["location"]
    token = joined.removeprefix("/r/")
    r = upload(client, token, "me.yaml", yaml.safe_dump(answers_file()), follow_redirects=False)
    assert r.status_code == 303
    with app.state.scorecard.read() as s:
        shared = s.scalars(select(Respondent).where(Respondent.source == "shared")).one()
    assert shared.name is None
    assert shared.role == "ml-engineer"


def two_respondents() -> dict[str, Any]:
    data = answers_file()
    data["respondents"].append({"name": "Bea", "answers": {"gov-strategy": "no"}})
    return data


@pytest.mark.parametrize(
    ("name", "content", "status", "needle"),
    [
        ("a.yaml", "framework: [unclosed\n", 422, "invalid YAML"),
        ("a.json", '{"framework": ', 422, "invalid JSON"),
        ("a.yaml", b"\xff\xfe\x00bad", 422, "not UTF-8"),
        ("a.yaml", "", 422, "empty"),
        ("a.yaml", "- just\n- a list\n", 422, "must be a mapping"),
        ("a.yaml", yaml.safe_dump(answers_file(framework="mlops-scorecard@9.9")), 422, "version '9.9'"),
        ("a.yaml", yaml.safe_dump(answers_file(framework="other-framework")), 422, "'other-framework'"),
        ("a.yaml", yaml.safe_dump(answers_file(question_set="full")), 422, "question set"),
        ("a.yaml", yaml.safe_dump(two_respondents()), 422, "2 respondents"),
        ("a.yaml", yaml.safe_dump(answers_file(respondents=[])), 422, "0 respondents"),
        (
            "a.yaml",
            yaml.safe_dump(answers_file(respondents=[{"answers": {"no-such-q": "yes"}}])),
            422,
            "unknown question id",
        ),
        (
            "a.yaml",
            yaml.safe_dump(answers_file(respondents=[{"answers": {"gov-structure": "yes"}}])),
            422,
            "not in the 'core' set",
        ),
        (
            "a.yaml",
            yaml.safe_dump(answers_file(respondents=[{"answers": {"gov-team": "maybe"}}])),
            422,
            "unknown answer key",
        ),
    ],
)
def test_bad_uploads_are_clear_4xx(
    app: FastAPI, client: TestClient, setup: Setup, name: str, content: str | bytes, status: int, needle: str
) -> None:
    save(client, setup.token, question_id="gov-team", answer="yes", comment="kept", revision=0)
    r = upload(client, setup.token, name, content)
    assert r.status_code == status, r.text
    assert needle in html.unescape(r.text)
    assert "Traceback" not in r.text
    assert 'id="upload-error"' in r.text
    # nothing changed
    rows = stored(app, setup.respondent_id)
    assert {q: (a.answer, a.comment, a.revision) for q, a in rows.items()} == {"gov-team": ("yes", "kept", 1)}
    # the API-style caller gets JSON
    r = upload(client, setup.token, name, content, headers={"accept": "application/json"})
    assert r.status_code == status
    assert needle in r.json()["detail"]


def test_upload_without_a_file_and_oversized(app: FastAPI, client: TestClient, setup: Setup) -> None:
    r = client.post(f"/r/{setup.token}/upload", data={"file": "just text"})
    assert r.status_code == 422
    assert "choose an answers file" in r.text
    r = client.post(f"/r/{setup.token}/upload", files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422
    limit = app.state.scorecard.settings.max_upload_bytes
    r = upload(client, setup.token, "big.yaml", b"#" * (limit + 10))
    assert r.status_code == 413


def test_upload_to_closed_assessment_is_409(app: FastAPI, client: TestClient, setup: Setup) -> None:
    set_assessment_status(app, setup, "closed")
    r = upload(client, setup.token, "a.yaml", yaml.safe_dump(answers_file()))
    assert r.status_code == 409
    assert 'id="upload-error"' in r.text
    assert "closed; answers can no longer change" in r.text
    assert stored(app, setup.respondent_id) == {}


def test_autosave_without_revision_overwrites(client: TestClient, setup: Setup) -> None:
    url = f"/r/{setup.token}/answers"
    first = client.post(url, json={"question_id": "gov-strategy", "answer": "no"})
    assert first.status_code == 200, first.text
    second = client.post(url, json={"question_id": "gov-strategy", "answer": "yes"})
    assert second.status_code == 200
    assert second.json()["revision"] == 2
