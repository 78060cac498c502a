"""The frameworks pages, on SQLite and PostgreSQL: list and view, upload (file or pasted,
problems with their lines), permissions, CSRF, and the new-assessment form's choice."""

from __future__ import annotations

import html
import json
from pathlib import Path

import httpx
import yaml
from custom_frameworks import ACME, ACME_BROKEN, ACME_CHANGED
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from support import csrf_of

from mlops_scorecard.framework.lens import lens_to_framework
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.units import create_unit


def _upload(c: TestClient, text: str, name: str = "acme.yaml") -> httpx.Response:
    token = csrf_of(c, "/frameworks")
    r: httpx.Response = c.post(
        "/frameworks",
        data={"csrf_token": token},
        files={"file": (name, text.encode(), "application/yaml")},
        follow_redirects=False,
    )
    return r


def test_upload_then_list_view_and_download(facilitator: TestClient) -> None:
    r = _upload(facilitator, ACME)
    assert r.status_code == 303
    assert r.headers["location"] == "/frameworks?published=acme-mlops%401.0&outcome=created"
    page = facilitator.get("/frameworks?published=acme-mlops@1.0&outcome=created")
    assert "Published acme-mlops@1.0." in page.text
    assert "ACME MLOps scorecard" in page.text
    assert "extends mlops-scorecard@1.0.0" in page.text
    assert "48 (18)" in page.text  # questions (core)
    assert "built in" in page.text
    assert "published by facilitator" in page.text
    view = facilitator.get("/frameworks/acme-mlops@1.0")
    assert view.status_code == 200
    assert "Does ACME have a written ML strategy signed by the board?" in view.text
    assert "gov-team" not in view.text
    assert "Security" in view.text
    assert "Delete this unused version" in view.text
    file = facilitator.get("/frameworks/acme-mlops@1.0/file")
    assert file.text == ACME
    assert 'filename="acme-mlops-1.0.yaml"' in file.headers["content-disposition"]
    whole = yaml.safe_load(facilitator.get("/frameworks/acme-mlops%401.0/file?resolved=1").text)
    assert "extends" not in whole
    assert len(whole["dimensions"]) == 7
    again = _upload(facilitator, ACME)
    assert again.headers["location"].endswith("outcome=unchanged")
    pasted = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator, "/frameworks"), "text": ACME_CHANGED, "kind": "yaml"},
        follow_redirects=False,
    )
    assert pasted.headers["location"].endswith("outcome=replaced")


def test_problems_with_their_lines(facilitator: TestClient) -> None:
    r = _upload(facilitator, ACME_BROKEN.replace("gov-nothing", "gov-team"), name="broken.yaml")
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "The framework was not published" in text
    assert "broken.yaml: line 4: title: String should have at least 1 character" in text
    assert "broken.yaml: line 8: dimensions[0] (governance).questions[0] (gov-strategy).weight: " in text
    pasted = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator, "/frameworks"), "text": ACME_BROKEN},
    )
    assert pasted.status_code == 422
    text = html.unescape(pasted.text)
    assert "pasted.yaml: line 10: drop.questions[0]: unknown question id 'gov-nothing' in the base" in text
    assert "gov-nothing]</textarea>" in text  # the pasted text comes back to be fixed
    empty = facilitator.post("/frameworks", data={"csrf_token": csrf_of(facilitator, "/frameworks")})
    assert empty.status_code == 422
    assert "choose a framework file, or paste its text" in empty.text
    binary = _upload(facilitator, "", name="x.yaml")
    assert binary.status_code == 422
    assert "ACME" not in facilitator.get("/frameworks").text


def test_in_use_is_refused_with_the_reason(app: FastAPI, facilitator: TestClient) -> None:
    assert _upload(facilitator, ACME).status_code == 303
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        create_assessment(s, unit_id=unit.id, title="Q1", framework="acme-mlops@1.0")
    r = _upload(facilitator, ACME_CHANGED)
    assert r.status_code == 409
    assert "acme-mlops@1.0 is in use (1 assessment uses it)" in html.unescape(r.text)
    view = facilitator.get("/frameworks/acme-mlops@1.0")
    assert "in use: it can no longer change" in view.text
    assert "Delete this unused version" not in view.text
    token = csrf_of(facilitator, "/frameworks")
    refused = facilitator.post("/frameworks/acme-mlops@1.0/delete", data={"csrf_token": token})
    assert refused.status_code == 409


def test_delete_unused(facilitator: TestClient) -> None:
    _upload(facilitator, ACME)
    token = csrf_of(facilitator, "/frameworks")
    r = facilitator.post(
        "/frameworks/acme-mlops@1.0/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert facilitator.get("/frameworks/acme-mlops@1.0").status_code == 404
    builtin = facilitator.post("/frameworks/mlops-scorecard@1.0.0/delete", data={"csrf_token": token})
    assert builtin.status_code == 409


def test_viewer_lists_and_views_but_cannot_upload(viewer: TestClient, facilitator: TestClient) -> None:
    _upload(facilitator, ACME)
    page = viewer.get("/frameworks")
    assert page.status_code == 200
    assert "ACME MLOps scorecard" in page.text
    assert "Publish a framework" not in page.text
    assert viewer.get("/frameworks/acme-mlops@1.0").status_code == 200
    assert "Delete this unused version" not in viewer.get("/frameworks/acme-mlops@1.0").text
    token = csrf_of(viewer, "/frameworks")
    r = viewer.post("/frameworks", data={"csrf_token": token}, files={"file": ("a.yaml", b"x", "text/yaml")})
    assert r.status_code == 403
    assert viewer.post("/frameworks/acme-mlops@1.0/delete", data={"csrf_token": token}).status_code == 403


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    r = client.get("/frameworks", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


def test_csrf_is_checked(facilitator: TestClient) -> None:
    r = facilitator.post("/frameworks", files={"file": ("acme.yaml", ACME.encode(), "text/yaml")})
    assert r.status_code == 403
    assert "ACME" not in facilitator.get("/frameworks").text
    _upload(facilitator, ACME)
    assert facilitator.post("/frameworks/acme-mlops@1.0/delete", data={}).status_code == 403
    assert facilitator.get("/frameworks/acme-mlops@1.0").status_code == 200


def test_unknown_framework_is_404(viewer: TestClient) -> None:
    assert viewer.get("/frameworks/nothing@1").status_code == 404
    assert viewer.get("/frameworks/nothing@1/file").status_code == 404
    assert viewer.get("/frameworks/" + "x" * 300).status_code == 404


def test_new_assessment_offers_published_frameworks(app: FastAPI, facilitator: TestClient) -> None:
    _upload(facilitator, ACME)
    with app.state.scorecard.write() as s:
        unit_id = create_unit(s, name="Search").id
    form = facilitator.get("/assessments/new")
    assert '<option value="acme-mlops@1.0">ACME MLOps scorecard (acme-mlops@1.0)</option>' in form.text
    assert '<option value="mlops-scorecard@1.0.0" selected>' in form.text  # the default stays built in
    chosen = facilitator.get("/assessments/new?framework=acme-mlops@1.0")
    assert '<option value="acme-mlops@1.0" selected>' in chosen.text
    r = facilitator.post(
        "/assessments",
        data={
            "csrf_token": csrf_of(facilitator, "/assessments/new"),
            "unit_id": str(unit_id),
            "title": "Q1 on ACME",
            "framework": "acme-mlops@1.0",
            "question_set": "core",
            "target_acme-security": "60",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = facilitator.get(r.headers["location"])
    assert "ACME MLOps scorecard" in page.text
    listed = facilitator.get("/frameworks").text
    assert "(extended)" not in listed
    view = facilitator.get("/frameworks/acme-mlops@1.0")
    assert "in use: it can no longer change" in view.text


LENSES = Path(__file__).resolve().parents[1] / "data" / "lenses"


def test_a_lens_uploads_as_a_framework_with_its_warnings(facilitator: TestClient) -> None:
    # ElastiCache v2.0 has questions without a `default` rule: imported with warnings
    lens = (LENSES / "elasticache-v2.0.json").read_bytes()
    expected = lens_to_framework(lens, source="elasticache-v2.0.json")
    assert expected.warnings
    r = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator, "/frameworks"), "kind": "lens"},
        files={"file": ("elasticache-v2.0.json", lens, "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 200
    assert f"Published {expected.framework.ref}." in r.text
    assert f"imported with {len(expected.warnings)} warning" in r.text
    # grouped by kind: the first warning's message, then its place
    place, message = expected.warnings[0].split(": ", 1)
    assert str(escape(message)) in r.text
    assert f"<code>{escape(place)}</code>" in r.text
    view = facilitator.get(f"/frameworks/{expected.framework.ref}")
    assert view.status_code == 200
    first = next(q for _, q in expected.framework.iter_questions())
    assert str(escape(first.text)) in view.text
    published = yaml.safe_load(facilitator.get(f"/frameworks/{expected.framework.ref}/file").text)
    assert published["id"] == expected.framework.id


def test_a_broken_lens_names_the_place_and_publishes_nothing(facilitator: TestClient) -> None:
    lens = json.loads((LENSES / "personalize-v1.0.json").read_text("utf-8"))
    lens["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "a && (b"
    r = facilitator.post(
        "/frameworks",
        data={"csrf_token": csrf_of(facilitator, "/frameworks"), "kind": "lens"},
        files={"file": ("personalize.json", json.dumps(lens).encode(), "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "never closed" in r.text
    pillar = lens["pillars"][0]
    assert pillar["id"] in r.text or pillar["name"] in r.text
    assert "Personalize" not in facilitator.get("/frameworks").text.split("Publish a framework")[0]
