"""A custom-scale assessment and a multiple-choice one, answered through the survey form
(without JavaScript), the autosave JSON and the API import; bad keys and choices are
refused with the allowed values, and nothing is saved. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlops_scorecard.framework import Framework, builtin_frameworks, load_framework
from mlops_scorecard.framework import loading as framework_loading
from mlops_scorecard.store.answer_sets import answer_set
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.models import Answer, Assessment
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

V1 = "/api/v1"
YAML = {"Content-Type": "application/yaml"}

FRAMEWORK = """\
id: shaped
version: "1"
title: Shaped
scale:
  initial: {label: Initial, value: 0, description: Ad hoc work.}
  defined: {label: Defined, value: 0.5, description: Written down and agreed.}
  managed: {label: Managed, value: 0.75, description: Measured.}
  optimizing: {label: Optimizing, value: 1, description: Improved from the measures.}
  na: {label: Not applicable}
  unknown: {label: Don't know}
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
          - {id: c1_pipe, label: Pipelines, description: Every release goes through CI.}
          - {id: c1_back, label: Rollbacks, description: A rollback is one command.}
          - {id: c1_none, label: None of these, none: true}
        risk_rules:
          - {condition: "c1_pipe && c1_back", risk: none}
          - {condition: "c1_pipe || c1_back", risk: medium}
          - {condition: default, risk: high}
"""


@pytest.fixture
def shaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Framework:
    """The framework above, made one of the built-in frameworks the server knows."""
    path = tmp_path / "shaped.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    fw = load_framework(path)
    builtin_frameworks()  # the package's own first
    monkeypatch.setitem(framework_loading._BUILTIN_CACHE, fw.ref, fw)
    return fw


def _survey(app: FastAPI) -> tuple[int, int, str]:
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        a = create_assessment(s, unit_id=unit.id, title="Shaped review", status="open", framework="shaped@1")
        r, token = create_invitation(s, assessment=a, name="Ana", role="ml-engineer")
        return a.id, r.id, token


def _stored(app: FastAPI, respondent_id: int) -> dict[str, tuple[str, list[str] | None, int]]:
    with app.state.scorecard.read() as s:
        rows = s.scalars(select(Answer).where(Answer.respondent_id == respondent_id))
        return {a.question_id: (a.answer, a.choices, a.revision) for a in rows}


def test_the_page_shows_the_scale_and_the_choices(
    app: FastAPI, client: TestClient, shaped: Framework
) -> None:
    _, _, token = _survey(app)
    page = client.get(f"/r/{token}/d/1")
    assert page.status_code == 200
    text = page.text
    for key in ("initial", "defined", "managed", "optimizing", "na", "unknown"):
        assert f'name="answer-s1" value="{key}"' in text
    assert "<dt>Managed</dt><dd>Measured.</dd>" in text  # each key's descriptor
    for cid in ("c1_pipe", "c1_back", "c1_none"):
        assert f'type="checkbox" name="choice-c1" value="{cid}"' in text
    assert 'value="c1_none" data-none' in text
    assert "Every release goes through CI." in text
    # a choice question takes choices, or one of the keys without a value
    assert 'name="answer-c1" value="na"' in text
    assert 'name="answer-c1" value="managed"' not in text


def test_the_form_saves_keys_and_choices(app: FastAPI, client: TestClient, shaped: Framework) -> None:
    aid, rid, token = _survey(app)
    form = {"answer-s1": "managed", "revision-s1": "0", "choice-c1": ["c1_pipe"], "revision-c1": "0"}
    r = client.post(f"/r/{token}/d/1", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _stored(app, rid) == {"s1": ("managed", None, 1), "c1": ("defined", ["c1_pipe"], 1)}
    review = client.get(f"/r/{token}/review").text
    assert "Managed" in review
    assert "(selected: Pipelines)" in review
    # the page shows the saved selection checked
    assert 'value="c1_pipe" checked' in client.get(f"/r/{token}/d/1").text
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        got = answer_set(s, assessment=a).respondents[0].answers
    assert (got["c1"].answer, got["c1"].choices) == ("defined", ("c1_pipe",))


@pytest.mark.parametrize(
    ("form", "needle"),
    [
        (
            {"answer-s1": "yes"},
            "unknown answer 'yes' for 's1' (use initial, defined, managed, optimizing, na, unknown)",
        ),
        ({"choice-c1": ["c1_pipe", "c1_none"]}, "'c1_none' (None of these) must be selected alone"),
        ({"choice-c1": ["c1_fly"]}, "unknown choice 'c1_fly' (choices of 'c1': c1_pipe, c1_back, c1_none)"),
    ],
)
def test_the_form_refuses_bad_answers_and_saves_nothing(
    app: FastAPI, client: TestClient, shaped: Framework, form: dict[str, Any], needle: str
) -> None:
    _, rid, token = _survey(app)
    data = {"answer-s1": "defined", "revision-s1": "0", "revision-c1": "0", **form}
    r = client.post(f"/r/{token}/d/1", data=data, follow_redirects=False)
    assert r.status_code == 422
    assert needle in r.text.replace("&#39;", "'")
    assert _stored(app, rid) == {}


def test_autosave_takes_keys_and_choices(app: FastAPI, client: TestClient, shaped: Framework) -> None:
    _, rid, token = _survey(app)
    r = client.post(f"/r/{token}/answers", json={"question_id": "s1", "answer": "Optimizing", "revision": 0})
    # keys in the JSON body are exact: the page sends them as the scale has them
    assert r.status_code == 422
    r = client.post(f"/r/{token}/answers", json={"question_id": "s1", "answer": "optimizing", "revision": 0})
    assert r.status_code == 200, r.text
    body = client.post(
        f"/r/{token}/answers", json={"question_id": "c1", "choices": ["c1_back", "c1_pipe"], "revision": 0}
    ).json()
    assert (body["answer"], body["choices"], body["revision"]) == ("optimizing", ["c1_back", "c1_pipe"], 1)
    assert _stored(app, rid) == {
        "s1": ("optimizing", None, 1),
        "c1": ("optimizing", ["c1_back", "c1_pipe"], 1),
    }


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"question_id": "s1", "answer": "yes"}, "(use initial, defined, managed, optimizing, na, unknown)"),
        ({"question_id": "c1", "choices": ["c1_x"]}, "(choices of 'c1': c1_pipe, c1_back, c1_none)"),
        ({"question_id": "s1", "choices": ["c1_pipe"]}, "question 's1' has no choices"),
        ({"question_id": "c1"}, "give 'answer' (a scale key) or 'choices' (choice ids)"),
    ],
)
def test_autosave_refuses_bad_answers(
    app: FastAPI, client: TestClient, shaped: Framework, body: dict[str, Any], needle: str
) -> None:
    _, rid, token = _survey(app)
    r = client.post(f"/r/{token}/answers", json={**body, "revision": 0})
    assert r.status_code == 422
    assert needle in r.json()["detail"]
    assert _stored(app, rid) == {}


def _new_assessment(api: TestClient) -> int:
    unit = api.post(f"{V1}/units", json={"name": "Payments"}).json()
    r = api.post(
        f"{V1}/assessments",
        json={"unit_id": unit["id"], "title": "Shaped", "date": "2026-11-01", "framework": "shaped@1"},
    )
    assert r.status_code == 201, r.text
    aid: int = r.json()["id"]
    return aid


ANSWERS: dict[str, Any] = {
    "framework": "shaped@1",
    "respondents": [
        {
            "name": "Ann",
            "answers": {"s1": "MANAGED", "c1": {"choices": ["c1_pipe", "c1_back"], "comment": "both"}},
        },
        {"name": "Bob", "answers": {"s1": "initial", "c1": {"choices": ["c1_none"]}}},
    ],
}


def test_the_api_imports_and_exports_keys_and_choices(api: TestClient, shaped: Framework) -> None:
    aid = _new_assessment(api)
    r = api.post(
        f"{V1}/assessments/{aid}/answers",
        content=json.dumps(ANSWERS),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    exported = api.get(f"{V1}/assessments/{aid}/answers").json()
    ann, bob = exported["respondents"]
    assert ann["answers"] == {
        "s1": "managed",
        "c1": {"answer": "optimizing", "choices": ["c1_pipe", "c1_back"], "comment": "both"},
    }
    assert bob["answers"]["c1"] == {"answer": "initial", "choices": ["c1_none"]}
    results = api.get(f"{V1}/assessments/{aid}/results").json()
    # s1: mean(0.75, 0) = 0.375; c1: mean(1, 0) = 0.5 -> 43.75
    assert results["dimensions"][0]["score"] == pytest.approx(43.75)
    report = api.get(f"{V1}/assessments/{aid}/report", params={"format": "json"}).json()
    c1 = report["answers"][0]["questions"][1]
    assert list(c1["distribution"]) == [*shaped.answer_keys, "unanswered"]
    assert c1["responses"][0]["choices"] == [
        {"id": "c1_pipe", "label": "Pipelines"},
        {"id": "c1_back", "label": "Rollbacks"},
    ]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"s1": "yes"}, "unknown answer key (use initial, defined, managed, optimizing, na, unknown)"),
        ({"c1": {"choices": ["c1_none", "c1_pipe"]}}, "'c1_none' (None of these) must be selected alone"),
        ({"c1": {"choices": ["zzz"]}}, "unknown choice 'zzz' (choices of 'c1': c1_pipe, c1_back, c1_none)"),
    ],
)
def test_the_api_refuses_bad_keys_and_choices(
    api: TestClient, shaped: Framework, change: dict[str, Any], needle: str
) -> None:
    aid = _new_assessment(api)
    data = json.loads(json.dumps(ANSWERS))
    data["respondents"][1]["answers"].update(change)
    r = api.post(f"{V1}/assessments/{aid}/answers", content=yaml.safe_dump(data), headers=YAML)
    assert r.status_code == 422
    assert needle in r.text
    assert api.get(f"{V1}/assessments/{aid}/answers").json()["respondents"] == []


def test_the_results_page_colours_the_scale(
    app: FastAPI, client: TestClient, facilitator: TestClient, shaped: Framework
) -> None:
    aid, _, token = _survey(app)
    form = {
        "answer-s1": "managed",
        "revision-s1": "0",
        "choice-c1": ["c1_pipe", "c1_back"],
        "revision-c1": "0",
    }
    assert client.post(f"/r/{token}/d/1", data=form, follow_redirects=False).status_code == 303
    page = facilitator.get(f"/assessments/{aid}")
    assert page.status_code == 200, page.text
    # each custom key coloured by its value, between style.css's no, partly and yes
    assert ".d-initial { background: #c62828; }" in page.text
    assert ".d-optimizing { background: #2e7d32; }" in page.text
    assert ".d-managed { background: #" in page.text
    assert 'class="d-managed"' in page.text


def test_none_of_these_with_another_choice_comes_back_on_the_page(
    app: FastAPI, client: TestClient, shaped: Framework
) -> None:
    """Without JavaScript nothing unticks the other boxes: the page comes back with the
    message under the question and every posted answer and comment kept."""
    _, rid, token = _survey(app)
    form = {
        "answer-s1": "managed",
        "revision-s1": "0",
        "comment-s1": "measured weekly",
        "choice-c1": ["c1_pipe", "c1_none"],
        "comment-c1": "a note",
        "revision-c1": "0",
        "go": "next",
    }
    r = client.post(f"/r/{token}/d/1", data=form, follow_redirects=False)
    assert r.status_code == 422
    text = r.text.replace("&#39;", "'")
    assert "Cannot do that" not in text
    assert '<form method="post" action="/r/' in text  # the survey page itself
    assert "One answer needs a change" in text
    at = text.index('id="q-c1"')
    question = text[at : text.index("</fieldset>", at)]
    assert "Not saved: 'c1_none' (None of these) must be selected alone" in question
    assert 'value="c1_pipe" checked' in question
    assert 'value="c1_none" data-none checked' in question
    assert 'value="c1_back" checked' not in question
    assert ">a note</textarea>" in question
    assert 'name="answer-s1" value="managed" checked' in text
    assert ">measured weekly</textarea>" in text
    assert _stored(app, rid) == {}  # all of the page or nothing
    # fixed, the page saves and goes on
    form["choice-c1"] = ["c1_pipe"]
    r = client.post(f"/r/{token}/d/1", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _stored(app, rid) == {"s1": ("managed", None, 1), "c1": ("defined", ["c1_pipe"], 1)}


def test_the_results_page_counts_each_selected_choice(
    app: FastAPI, client: TestClient, facilitator: TestClient, shaped: Framework
) -> None:
    aid, _, token = _survey(app)
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        _, token2 = create_invitation(s, assessment=a, name="Bo", role="ml-engineer")
    for t, picked in ((token, ["c1_pipe", "c1_back"]), (token2, ["c1_pipe"])):
        form = {"choice-c1": picked, "revision-c1": "0"}
        assert client.post(f"/r/{t}/d/1", data=form, follow_redirects=False).status_code == 303
    page = facilitator.get(f"/assessments/{aid}")
    assert page.status_code == 200, page.text
    at = page.text.index('<ul class="selections">')
    selections = page.text[at : page.text.index("</ul>", at)]
    assert '<span class="sel-count">2</span> Pipelines' in selections
    assert '<span class="sel-count">1</span> Rollbacks' in selections
    assert '<span class="sel-count">0</span> None of these' in selections
    assert "Selected by the 2 respondents who chose from the list" in page.text
    assert "Ana" not in selections  # counts, never names
