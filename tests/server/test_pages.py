"""Organization, unit and assessment pages: roles, CSRF, forms, freezing, charts, downloads,
uploads and speed; on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from support import csrf_of, page_queries

from mlops_scorecard.answers import parse_answers
from mlops_scorecard.errors import ConflictError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, results, units
from mlops_scorecard.store.models import Answer, Assessment, Respondent
from mlops_scorecard.store.tokens import hash_token

CORE = [q.id for _, q in get_framework("mlops-scorecard").iter_questions("core")]


def seed(
    app: FastAPI,
    *,
    people: list[tuple[str | None, str]] | None = None,
    answer: str = "yes",
    status: str = "open",
    targets: dict[str, float] | None = None,
    unit_id: int | None = None,
    date: str = "2025-03-01",
) -> dict[str, int]:
    """A unit (unless given) and an assessment whose respondents answered every core question."""
    with app.state.scorecard.write() as s:
        if unit_id is None:
            org = units.create_unit(s, name="Acme", kind="organization")
            unit_id = units.create_unit(s, name="Team A", kind="team", parent_id=org.id).id
        a = assessments.create_assessment(
            s,
            unit_id=unit_id,
            title="Q1 check",
            date=dt.date.fromisoformat(date),
            targets=targets,
            status="open",
        )
        for i, (name, role) in enumerate(people or []):
            r, _ = respondents.create_invitation(s, assessment=a, name=name or "", role=role)
            if name is None:
                r.source = "shared"
            for qid in CORE:
                comment = f"comment {i} on {qid}" if qid == CORE[0] else ""
                answers.save_answer(
                    s, respondent=r, assessment=a, question_id=qid, answer=answer, comment=comment
                )
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return {"unit": unit_id, "assessment": a.id}


def post(c: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False, **kw)


# --- roles and CSRF -----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(app: FastAPI, client: TestClient) -> None:
    ids = seed(app)
    for path in ["/", f"/units/{ids['unit']}", f"/assessments/{ids['assessment']}", "/assessments/new"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login")
    r = client.post("/units", data={"name": "x"}, follow_redirects=False)
    assert r.status_code == 303


def test_viewer_reads_but_cannot_change(app: FastAPI, viewer: TestClient) -> None:
    ids = seed(app, people=[("Ann", "ML engineer")])
    aid = ids["assessment"]
    for path in ["/", f"/units/{ids['unit']}", f"/assessments/{aid}", f"/assessments/{aid}/report.json"]:
        assert viewer.get(path).status_code == 200, path
    page = viewer.get(f"/assessments/{aid}").text
    assert "Create personal link" not in page
    assert "/answers.yaml" not in page
    assert viewer.get("/assessments/new").status_code == 403
    assert viewer.get(f"/assessments/{aid}/answers.yaml").status_code == 403
    changes: list[tuple[str, dict[str, Any]]] = [
        ("/units", {"name": "New", "kind": "team"}),
        ("/assessments", {"unit_id": ids["unit"], "title": "x"}),
        (f"/assessments/{aid}/status", {"status": "closed"}),
        (f"/assessments/{aid}/invitations", {"name": "Bob"}),
        (f"/assessments/{aid}/share-links", {}),
        (f"/assessments/{aid}/upload", {}),
    ]
    for path, data in changes:
        assert post(viewer, path, data).status_code == 403, path
    # a viewer's report carries no names
    report = viewer.get(f"/assessments/{aid}/report.json").json()
    assert "Ann" not in json.dumps(report)


def test_missing_csrf_is_403(app: FastAPI, facilitator: TestClient) -> None:
    ids = seed(app)
    aid = ids["assessment"]
    for path, data in [
        ("/units", {"name": "New"}),
        ("/assessments", {"unit_id": str(ids["unit"]), "title": "x"}),
        (f"/assessments/{aid}/status", {"status": "closed"}),
        (f"/assessments/{aid}/invitations", {"name": "Bob"}),
    ]:
        r = facilitator.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, path
        assert "expired" in r.text
    with app.state.scorecard.read() as s:
        assert s.get(Assessment, aid).status == "open"


# --- units and the organization page -----------------------------------------------------


def test_create_units_and_tree(facilitator: TestClient) -> None:
    r = post(facilitator, "/units", {"name": "Acme", "kind": "organization"})
    assert r.status_code == 303
    org = r.headers["location"].rsplit("/", 1)[1]
    r = post(facilitator, "/units", {"name": "Data", "kind": "department", "parent_id": org})
    dep = r.headers["location"].rsplit("/", 1)[1]
    r = post(facilitator, "/units", {"name": "Team <b>", "kind": "team", "parent_id": dep})
    assert r.status_code == 303
    page = facilitator.get(r.headers["location"]).text
    assert f'href="/units/{dep}">Data</a>' in page  # breadcrumb
    assert "Team &lt;b&gt;" in page  # escaped
    home = facilitator.get("/").text.split('id="tree-title"', 1)[1]
    assert home.index(">Acme</a>") < home.index(">Data</a>") < home.index(">Team &lt;b&gt;</a>")
    assert post(facilitator, "/units", {"name": "Data", "parent_id": org}).status_code == 409
    for bad in [{"name": ""}, {"name": "X", "kind": "galaxy"}, {"name": "X", "parent_id": "abc"}]:
        r = post(facilitator, "/units", bad)
        assert r.status_code == 422, bad
        assert 'class="error"' in r.text
    r = post(facilitator, "/units", {"name": "X", "parent_id": "999999"})
    assert r.status_code == 422
    assert "parent unit does not exist" in r.text


def test_heatmap_shows_latest_scores(app: FastAPI, viewer: TestClient) -> None:
    old = seed(app, people=[("Ann", "")], answer="no", status="closed", date="2025-01-01")
    seed(app, people=[("Ann", "")], answer="yes", status="closed", unit_id=old["unit"], date="2025-04-01")
    # a newer open assessment nobody answered does not hide the scores
    seed(app, unit_id=old["unit"], date="2025-07-01")
    with app.state.scorecard.write() as s:
        units.create_unit(s, name="Team B", kind="team")
    page = viewer.get("/").text
    row = page.split("Team A</a>", 1)[1].split("</tr>", 1)[0]
    assert row.count(">100<") == 7  # six dimensions and overall
    assert "2025-04-01" in row
    # a team without answers is listed as not assessed yet, not as a row of dashes
    waiting = page.split('class="unscored"', 1)[1].split("</p>", 1)[0]
    assert "Not assessed yet (1)" in waiting
    assert "Team B</a>" in waiting


def test_unit_page_lists_assessments_and_trend(app: FastAPI, viewer: TestClient) -> None:
    old = seed(app, people=[("Ann", "")], answer="no", status="closed", date="2025-01-01")
    seed(app, people=[("Ann", "")], answer="partly", unit_id=old["unit"], date="2025-04-01")
    page = viewer.get(f"/units/{old['unit']}").text
    assert "Q1 check" in page
    assert f'src="/units/{old["unit"]}/trend.svg"' in page
    assert "2025-01-01" in page
    assert "2025-04-01" in page
    assert "+50.0" in page  # change from 0 to 50
    r = viewer.get(f"/units/{old['unit']}/trend.svg")
    assert r.headers["content-type"] == "image/svg+xml"
    assert ET.fromstring(r.content).tag.endswith("svg")


# --- assessments ---------------------------------------------------------------------------


def test_create_assessment_with_targets(app: FastAPI, facilitator: TestClient) -> None:
    ids = seed(app)
    form = facilitator.get(f"/assessments/new?unit={ids['unit']}").text
    assert f'value="{ids["unit"]}" selected' in form
    data = {
        "unit_id": str(ids["unit"]),
        "title": "Q2 review",
        "date": "2025-06-30",
        "framework": "mlops-scorecard@1.0.0",
        "question_set": "full",
        "target_governance": "80",
        "target_deployment": "65.5",
    }
    r = post(facilitator, "/assessments", data)
    assert r.status_code == 303
    aid = int(r.headers["location"].rsplit("/", 1)[1])
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        assert (a.status, a.question_set, a.date) == ("draft", "full", dt.date(2025, 6, 30))
        assert a.targets == {"governance": 80.0, "deployment": 65.5}
    page = facilitator.get(f"/assessments/{aid}").text
    assert "Target" in page
    assert "Open for answers" in page
    for key, bad, message in [
        ("unit_id", "", "choose the unit"),
        ("unit_id", "999999", "unit does not exist"),
        ("title", "", "title"),
        ("date", "2025-13-01", "not a date"),
        ("framework", "nope@1", "listed frameworks"),
        ("question_set", "most", "question_set"),
        ("target_governance", "150", "0 to 100"),
        ("target_governance", "lots", "not a number"),
    ]:
        r = post(facilitator, "/assessments", {**data, key: bad})
        assert r.status_code == 422, (key, bad)
        assert message in r.text, (key, bad)
        assert 'value="Q2 review"' in r.text or key == "title"  # the form keeps what was typed


def test_closing_freezes_answers_and_results(app: FastAPI, facilitator: TestClient) -> None:
    ids = seed(app, people=[("Ann", "ML engineer"), (None, "")], answer="partly", targets={"governance": 90})
    aid = ids["assessment"]
    before = facilitator.get(f"/assessments/{aid}").text
    assert "Close" in before
    assert post(facilitator, f"/assessments/{aid}/status", {"status": "closed"}).status_code == 303
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        frozen = a.frozen_result
        assert a.status == "closed"
        assert frozen is not None
        r = s.scalars(select(Respondent).where(Respondent.assessment_id == aid)).first()
        assert r is not None
        with pytest.raises(ConflictError):
            answers.save_answer(s, respondent=r, assessment=a, question_id=CORE[0], answer="yes")
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        assert results.result_for(s, assessment=a) == frozen
    page = facilitator.get(f"/assessments/{aid}").text
    assert "frozen" in page
    assert "Reopen" in page
    assert "Create personal link" not in page
    assert post(facilitator, f"/assessments/{aid}/invitations", {"name": "Late"}).status_code == 409
    assert post(facilitator, f"/assessments/{aid}/status", {"status": "open"}).status_code == 303
    assert post(facilitator, f"/assessments/{aid}/status", {"status": "weird"}).status_code == 422


def test_page_shows_progress_scores_and_answers(app: FastAPI, facilitator: TestClient) -> None:
    ids = seed(
        app, people=[("Ann", "ML engineer"), (None, "Data scientist"), (None, "")], targets={"governance": 80}
    )
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=ids["assessment"])
        respondents.create_invitation(s, assessment=a, name="Zed", role="Product")  # invited, not started
    page = facilitator.get(f"/assessments/{ids['assessment']}").text
    assert "Ann" in page
    assert "anonymous #1" in page
    assert "anonymous #2" in page
    assert "4 respondents · 3 started · 0 submitted" in page
    assert f"{len(CORE)}/{len(CORE)}" in page
    assert f"0/{len(CORE)}" in page
    assert "Optimizing" in page  # level of 100
    assert ">met<" in page  # target 80 reached
    assert "comment 0 on" in page  # comments are shown ...
    assert not re.search(r"Ann[^<]*comment", page)  # ... without names
    assert "chart/radar.svg" in page
    assert "chart/stellar.svg" in page


def test_invitations_show_the_link_once(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)["assessment"]
    r = post(facilitator, f"/assessments/{aid}/invitations", {"name": "Bea", "role": "Compliance"})
    assert r.status_code == 201
    assert r.headers["cache-control"] == "no-store"
    token = re.search(r"/r/([A-Za-z0-9_-]{40,})", r.text)
    assert token is not None
    with app.state.scorecard.read() as s:
        row = s.scalars(select(Respondent).where(Respondent.name == "Bea")).one()
        assert row.token_hash == hash_token(token.group(1))
        assert row.role == "Compliance"
    page = facilitator.get(f"/assessments/{aid}").text
    assert "Bea" in page
    assert token.group(1) not in page
    r = post(facilitator, f"/assessments/{aid}/share-links")
    assert r.status_code == 201
    assert re.search(r"/join/[A-Za-z0-9_-]{40,}", r.text)
    assert post(facilitator, f"/assessments/{aid}/invitations", {"name": ""}).status_code == 422
    # revoke both
    page = facilitator.get(f"/assessments/{aid}").text
    link_id = re.search(r"/share-links/(\d+)/revoke", page)
    resp_id = re.search(r"/respondents/(\d+)/revoke", page)
    assert link_id is not None
    assert resp_id is not None
    assert post(facilitator, f"/assessments/{aid}/share-links/{link_id.group(1)}/revoke").status_code == 303
    assert post(facilitator, f"/assessments/{aid}/respondents/{resp_id.group(1)}/revoke").status_code == 303
    with app.state.scorecard.read() as s:
        assert s.get(Respondent, int(resp_id.group(1))).revoked_at is not None
    assert post(facilitator, f"/assessments/{aid}/respondents/999999/revoke").status_code == 404


# --- charts, downloads, upload -------------------------------------------------------------


def test_charts_and_downloads(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app, people=[("Ann", "ML engineer")], targets={"governance": 80})["assessment"]
    for kind in ("radar", "stellar"):
        r = facilitator.get(f"/assessments/{aid}/chart/{kind}.svg")
        assert r.status_code == 200
        assert r.headers["content-type"] == "image/svg+xml"
        root = ET.fromstring(r.content)
        assert "Target" in " ".join(root.itertext())
    types = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown", "json": "application/json"}
    for fmt, ctype in types.items():
        r = facilitator.get(f"/assessments/{aid}/report.{fmt}")
        assert r.status_code == 200, fmt
        assert r.headers["content-type"].startswith(ctype)
        assert re.match(
            r'attachment; filename="report-Team-A-Q1-check-2025-03-01\.' + fmt,
            r.headers["content-disposition"],
        )
    assert facilitator.get(f"/assessments/{aid}/report.pdf").content.startswith(b"%PDF")
    data = facilitator.get(f"/assessments/{aid}/report.json").json()
    assert data["result"]["respondent_count"] == 1
    assert "Ann" in json.dumps(data)  # facilitators see names
    r = facilitator.get(f"/assessments/{aid}/answers.yaml")
    assert r.headers["content-type"].startswith("application/yaml")
    exported = parse_answers(yaml.safe_load(r.text))
    assert exported.respondents[0].name == "Ann"
    assert len(exported.respondents[0].answers) == len(CORE)


def test_upload_answers_file(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)["assessment"]
    good = {
        "framework": "mlops-scorecard@1.0.0",
        "question_set": "core",
        "respondents": [{"name": "Cy", "role": "Data engineer", "answers": dict.fromkeys(CORE, "partly")}],
    }

    def upload(content: str | bytes, name: str = "answers.yaml") -> Any:
        files = {"file": (name, content, "application/yaml")}
        return facilitator.post(
            f"/assessments/{aid}/upload",
            data={"csrf_token": csrf_of(facilitator)},
            files=files,
            follow_redirects=False,
        )

    r = upload(yaml.safe_dump(good))
    assert r.status_code == 303
    assert "imported=1" in r.headers["location"]
    assert "Imported 1 respondent" in facilitator.get(r.headers["location"]).text
    cases: list[tuple[str | bytes, int, str]] = [
        (yaml.safe_dump(good), 409, "already has answers"),
        ("framework: [unclosed", 422, "invalid YAML"),
        ("{not json", 422, "invalid JSON"),
        (yaml.safe_dump({**good, "framework": "mlops-scorecard@0.9"}), 422, "version"),
        (
            # two copies, not one object twice (which PyYAML would write as an alias)
            yaml.safe_dump({**good, "respondents": [copy.deepcopy(good["respondents"][0]) for _ in "ab"]}),
            422,
            "duplicate name",
        ),
        (yaml.safe_dump({**good, "question_set": "full"}), 422, "question set"),
        ("", 422, "empty"),
        (b"\xff\xfe\x00", 422, "UTF-8"),
    ]
    for i, (content, status, message) in enumerate(cases):
        r = upload(content, "a.json" if i == 2 else "a.yaml")
        assert r.status_code == status, (i, r.text)
        assert message in r.text, (i, r.text)
        assert "Nothing was added" in r.text
    r = facilitator.post(
        f"/assessments/{aid}/upload",
        data={"csrf_token": csrf_of(facilitator)},
        files={"file": ("big.yaml", b"x" * (3 * 1024 * 1024))},
    )
    assert r.status_code == 413
    with app.state.scorecard.read() as s:
        names = list(s.scalars(select(Respondent.name).where(Respondent.assessment_id == aid)))
    assert names == ["Cy"]


def test_unknown_ids_are_404(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)["assessment"]
    for path in [
        "/units/999999",
        "/units/abc",
        "/units/99999999999999",
        "/units/999999/trend.svg",
        "/assessments/999999",
        "/assessments/99999999999999",
        "/assessments/-1",
        f"/assessments/{aid}/chart/pie.svg",
        "/assessments/999999/chart/radar.svg",
        f"/assessments/{aid}/report.docx",
        "/assessments/999999/report.pdf",
    ]:
        assert facilitator.get(path).status_code == 404, path
    assert post(facilitator, "/assessments/999999/status", {"status": "closed"}).status_code == 404
    assert post(facilitator, "/assessments/999999/invitations", {"name": "X"}).status_code == 404


def test_summary_results_equal_full_results(app: FastAPI) -> None:
    """The vectorized roll-up used by the organization and unit pages scores like the core."""
    rnd = random.Random(7)
    fw = get_framework("mlops-scorecard")
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="T", kind="team")
        made = []
        for i, qset in enumerate(["core", "full", "core", "core"]):
            a = assessments.create_assessment(
                s, unit_id=unit.id, title=f"A{i}", question_set=qset, status="open"
            )
            for _ in range(rnd.randint(0, 6)):
                r, _ = respondents.create_invitation(s, assessment=a, name="", role="")
                for _, q in fw.iter_questions(qset):  # type: ignore[arg-type]
                    if rnd.random() < 0.8:
                        key = rnd.choice(["yes", "partly", "no", "na", "unknown"])
                        answers.save_answer(s, respondent=r, assessment=a, question_id=q.id, answer=key)
                if rnd.random() < 0.2:
                    r.revoked_at = dt.datetime(2025, 1, 1)
            made.append(a)
        s.flush()
        summary = results.summary_results(s, assessments=made)
        for a in made:
            full = results.result_for(s, assessment=a)
            got = summary[a.id]
            for key in ("overall", "level", "level_name", "respondent_count"):
                assert got[key] == pytest.approx(full[key]), (a.title, key)
            for mine, theirs in zip(got["dimensions"], full["dimensions"], strict=True):
                for key in ("id", "title", "weight", "score", "level"):
                    assert mine[key] == pytest.approx(theirs[key]), (a.title, key)


# --- queries ------------------------------------------------------------------------------------


def bulk_answers(s: Any, assessment: Assessment, count: int, answer: str) -> None:
    rows = []
    for i in range(count):
        r = Respondent(assessment_id=assessment.id, name=f"P{i}" if i % 2 else None, role="ML engineer")
        s.add(r)
        s.flush()
        rows += [
            {"respondent_id": r.id, "question_id": q, "answer": answer, "comment": "", "evidence": []}
            for q in CORE
        ]
    s.execute(insert(Answer), rows)


def test_assessment_page_queries_do_not_grow_with_respondents(app: FastAPI, viewer: TestClient) -> None:
    # Speed is measured in benchmarks/ (web.py, web_unit.py); here, no query per respondent.
    aid = seed(app)["assessment"]
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        small = assessments.create_assessment(s, unit_id=a.unit_id, title="Small", status="open")
        bulk_answers(s, a, 50, "partly")
        bulk_answers(s, small, 5, "partly")
        small_id = small.id
    assert "50 respondents" in viewer.get(f"/assessments/{aid}").text
    assert page_queries(viewer, f"/assessments/{aid}") == page_queries(viewer, f"/assessments/{small_id}")


def organization(app: FastAPI, departments: int, name: str = "Acme") -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name=name, kind="organization")
        for d in range(departments):
            dep = units.create_unit(s, name=f"Dept {d}", kind="department", parent_id=org.id)
            for t in range(19):
                team = units.create_unit(s, name=f"Team {d}-{t}", kind="team", parent_id=dep.id)
                for q, status in enumerate(["closed", "open"]):
                    a = assessments.create_assessment(
                        s, unit_id=team.id, title=f"Q{q}", date=dt.date(2025, 1 + 3 * q, 1), status="open"
                    )
                    bulk_answers(s, a, 4, "yes" if q else "no")
                    if status == "closed":
                        assessments.set_status(s, assessment=a, status="closed")


def test_organization_page_queries_do_not_grow_with_units(app: FastAPI, viewer: TestClient) -> None:
    organization(app, 1)
    viewer.get("/")  # stores the summaries it computed: the next views are the steady state
    few = page_queries(viewer, "/")
    organization(app, 9, name="Globex")
    # 171 open assessments' summaries are refreshed 40 a view: the steady state is counted
    views = [viewer.get("/").text for _ in range(5)]
    assert "being refreshed" in views[0]
    page = views[-1]
    assert "being refreshed" not in page
    assert "Roll-up from 190 teams" in page
    assert "page 1 of 4" in page  # 50 teams a page
    assert page_queries(viewer, "/") == few
