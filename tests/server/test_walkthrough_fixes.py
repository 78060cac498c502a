"""What a new user's walkthrough of the web app found: the new-assessment form is
framework first, a lens uploaded as "a framework" is imported as a lens (web and API),
a lens's warnings are grouped, the framework page shows the scale, rule, bands, must-have
and context questions and the choices, a lens question's guidance reads well, and the
Answered column and banner after a survey import are right; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from support import csrf_of

from mlops_scorecard.framework import get_framework
from mlops_scorecard.framework.lens import is_lens, lens_to_framework
from mlops_scorecard.store import answers, assessments, respondents, units
from mlops_scorecard.store.models import Assessment
from mlops_scorecard.web.views.frameworks import warning_groups

LENSES = Path(__file__).resolve().parent.parent / "data" / "lenses"
FW = get_framework("mlops-scorecard")
MLTS = get_framework("ml-test-score")
CORE = [q.id for _, q in FW.iter_questions("core")]
V1 = "/api/v1"


def post(c: TestClient, path: str, data: dict[str, Any], csrf_page: str = "/") -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c, csrf_page), **data}, follow_redirects=False)


def upload(c: TestClient, data: bytes, name: str, kind: str = "yaml") -> Any:
    return c.post(
        "/frameworks",
        data={"csrf_token": csrf_of(c, "/frameworks"), "kind": kind},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def new_unit(app: FastAPI, name: str = "Team W") -> int:
    with app.state.scorecard.write() as s:
        return units.create_unit(s, name=name, kind="team").id


def tiny_lens(**question: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": "PERF1",
        "title": "Do you load-test the service?",
        "description": "Do you load-test the service?",  # the title again, as some lenses do
        "choices": [
            {"id": "PERF1_a", "title": "Before each release"},
            {"id": "PERF1_no", "title": "None of these"},
        ],
        "riskRules": [
            {"condition": "PERF1_a", "risk": "NO_RISK"},
            {"condition": "default", "risk": "HIGH_RISK"},
        ],
    }
    q.update(question)
    return {
        "schemaVersion": "2021-11-01",
        "name": "Walk lens",
        "description": "A lens for the walkthrough.",
        "pillars": [{"id": "performance", "name": "Performance", "questions": [q]}],
    }


# --- 1. the new-assessment form is framework first ---------------------------------------------


def target_fields(page: str) -> list[str]:
    return re.findall(r'name="target_([^"]+)"', page)


def test_the_form_shows_the_targets_and_context_of_the_chosen_framework(
    app: FastAPI, facilitator: TestClient
) -> None:
    unit = new_unit(app)
    page = facilitator.get(f"/assessments/new?unit={unit}").text
    assert target_fields(page) == [d.id for d in FW.dimensions]
    assert '<select name="profile_production">' in page
    assert f'name="shown" value="{FW.ref}"' in page
    assert 'src="/static/new_assessment.js"' in page
    assert 'value="use-framework"' in page  # without JavaScript
    other = facilitator.get(f"/assessments/new?unit={unit}&framework={MLTS.ref}&title=Kept").text
    assert target_fields(other) == [d.id for d in MLTS.dimensions]
    assert "profile_production" not in other  # ML Test Score has no context questions
    assert 'value="Kept"' in other
    assert f'<option value="{MLTS.ref}" selected>' in other

    # the button without JavaScript: the form again for the framework selected, values kept
    r = post(
        facilitator,
        "/assessments",
        {
            "action": "use-framework",
            "unit_id": str(unit),
            "title": "Q3",
            "framework": MLTS.ref,
            "shown": FW.ref,
        },
    )
    assert r.status_code == 303
    again = facilitator.get(r.headers["location"]).text
    assert target_fields(again) == [d.id for d in MLTS.dimensions]
    assert 'value="Q3"' in again
    with app.state.scorecard.read() as s:
        assert s.query(Assessment).count() == 0  # nothing created


def test_fields_of_the_framework_shown_before_are_ignored_blank_and_refused_filled(
    app: FastAPI, facilitator: TestClient
) -> None:
    unit = new_unit(app)
    base = {
        "unit_id": str(unit),
        "title": "Switched",
        "framework": MLTS.ref,  # the select changed, the form still shows FW's fields
        "shown": FW.ref,
        "question_set": "core",
        **{f"target_{d.id}": "" for d in FW.dimensions},
        "profile_production": "",
    }
    filled_profile = post(facilitator, "/assessments", {**base, "profile_production": "none"})
    assert filled_profile.status_code == 422
    assert "is for MLOps Scorecard" in filled_profile.text
    assert "not The ML Test Score" in filled_profile.text
    assert "Use this framework" in filled_profile.text
    assert "unknown context question" not in filled_profile.text
    dim = FW.dimensions[0]
    filled_target = post(facilitator, "/assessments", {**base, f"target_{dim.id}": "60"})
    assert filled_target.status_code == 422
    assert f"the target for {dim.title} is for" in filled_target.text
    # the form comes back for the framework submitted
    assert target_fields(filled_target.text) == [d.id for d in MLTS.dimensions]
    blank = post(facilitator, "/assessments", base)
    assert blank.status_code == 303, blank.text
    with app.state.scorecard.read() as s:
        a = s.query(Assessment).one()
        assert (a.framework_id, a.targets or {}, a.profile) == (MLTS.id, {}, None)


# --- 2. and 3. a lens uploaded as a framework; its warnings grouped ---------------------------


def test_a_lens_uploaded_as_a_framework_is_imported_as_a_lens_with_grouped_warnings(
    facilitator: TestClient,
) -> None:
    lens = (LENSES / "orr-v1.3.6-PUBLISHED.json").read_bytes()
    expected = lens_to_framework(lens, source="orr.json")
    assert len(expected.warnings) > 50
    r = upload(facilitator, lens, "orr.json", kind="yaml")  # the form's default kind
    assert r.status_code == 200, r.text
    assert f"Published {expected.framework.ref}." in r.text
    assert "it was imported as a lens" in r.text
    assert "unknown field" not in r.text
    # one line for the 50-odd "None of these" warnings, the rest folded away
    assert r.text.count("taken as the &#39;None of these&#39; choice") == 1
    assert f"imported with {len(expected.warnings)} warnings of" in r.text
    assert "<details><summary>The other" in r.text
    first_place = expected.warnings[0].split(": ", 1)[0]
    assert f"<code>{escape(first_place)}</code>" in r.text


def test_warning_groups_count_each_kind() -> None:
    warnings = [
        "p[0].c[3] (none1): taken as the 'None of these' choice from its id or title 'None of these.'",
        "p[0].c[4] (none2): taken as the 'None of these' choice from its id or title 'None of above'",
        "p[1].riskRules: no 'default' rule",
        *[f"p[2].q[{i}]: taken as the 'None of these' choice from its id or title 'x'" for i in range(4)],
    ]
    groups = warning_groups(warnings)
    assert [(g.message.split(" ")[0], g.count) for g in groups] == [("taken", 6), ("no", 1)]
    g = groups[0]
    assert g.first == ["p[0].c[3] (none1)", "p[0].c[4] (none2)", "p[2].q[0]"]
    assert len(g.rest) == 3


def test_the_api_imports_a_lens_and_returns_its_warnings(api: TestClient) -> None:
    lens = (LENSES / "elasticache-v2.0.json").read_bytes()
    assert is_lens(lens.decode("utf-8"))
    expected = lens_to_framework(lens, source="framework.json")
    r = api.post(f"{V1}/frameworks", content=lens, headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["lens"], body["framework"]["ref"]) == (
        "created",
        True,
        expected.framework.ref,
    )
    assert body["warnings"] == expected.warnings
    framework = api.post(
        f"{V1}/frameworks",
        content=json.dumps({"id": "x", "dimensions": [], "pillars": []}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert framework.status_code == 422  # a framework with dimensions is read as a framework
    assert "lens" not in framework.json()["detail"]


# --- 4. the framework page --------------------------------------------------------------------


MUST = b"""\
id: tiny-must
version: "1.0"
title: Tiny must-have
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50, description: Most of it.}
dimensions:
  - id: core
    title: Core
    questions:
      - {id: q1, text: Is every model tested before release?, must_have: high}
      - {id: q2, text: Is it deployed by a pipeline?}
"""


def test_the_framework_page_shows_scale_rule_bands_context_and_choices(facilitator: TestClient) -> None:
    mlts = facilitator.get(f"/frameworks/{MLTS.ref}").text
    assert "Serious gaps &gt; 0 points" in mlts
    assert "First pass &gt; 1 points" in mlts
    assert "Serious gaps ≥ 0" not in mlts
    assert str(escape(MLTS.scale["yes"].label)) in mlts
    assert str(escape(MLTS.scale["yes"].description)) in mlts
    assert "The overall score is the lowest dimension&#39;s score." in mlts
    assert "sum of its questions&#39; values" in mlts
    assert "points out of 7 per dimension" in mlts

    fw = facilitator.get(f"/frameworks/{FW.ref}").text
    assert "Initial ≥ 0" in fw
    assert "points" not in fw.split("Scale and scoring", 1)[1].split("</section>", 1)[0]
    assert "Context questions" in fw
    pq = FW.profile[0]
    assert str(escape(pq.text)) in fw
    effect = next(o for q in FW.profile for o in q.options if o.not_applicable)
    qid, reason = next(iter(effect.not_applicable.items()))
    assert f">{qid}</code>" in fw
    assert str(escape(reason)) in fw

    assert upload(facilitator, MUST, "must.yaml").status_code == 303
    must = facilitator.get("/frameworks/tiny-must@1.0").text
    assert "Must-have questions" in must
    assert (
        'Is every model tested before release? <code>q1</code> <span class="muted">— needed for High</span>'
        in must
    )

    lens = json.dumps(tiny_lens()).encode()
    assert upload(facilitator, lens, "walk.json", kind="lens").status_code == 303
    page = facilitator.get("/frameworks/walk-lens@1.0").text
    details = page.split('<details class="choices-detail">', 1)[1].split("</details>", 1)[0]
    assert "2 choices, 2 risk rules" in details
    assert 'None of these <code>PERF1_no</code> <span class="kind">None of these</span>' in details
    assert "<li><code>PERF1_a</code> → no risk</li>" in details
    assert "<li><code>default</code> → high risk</li>" in details


# --- 5. a lens question's guidance ------------------------------------------------------------


def test_a_lens_question_does_not_repeat_its_title_and_shows_its_id_apart(
    app: FastAPI, facilitator: TestClient
) -> None:
    result = lens_to_framework(json.dumps(tiny_lens()), source="walk.json")
    q = result.framework.dimensions[0].questions[0]
    assert q.guidance == "Lens question id: PERF1."
    other = lens_to_framework(json.dumps(tiny_lens(description="Load tests find limits.")), source="w.json")
    assert (
        other.framework.dimensions[0].questions[0].guidance
        == "Load tests find limits.\n\nLens question id: PERF1."
    )

    lens = json.dumps(tiny_lens(description="Load tests find limits.")).encode()
    assert upload(facilitator, lens, "walk.json", kind="lens").status_code == 303
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Team L", kind="team")
        a = assessments.create_assessment(
            s,
            unit_id=unit.id,
            title="Lens",
            date=dt.date(2026, 3, 1),
            framework="walk-lens@1.0",
            status="open",
        )
        _, token = respondents.create_invitation(s, assessment=a, name="Ann", role="SRE")
    page = facilitator.get(f"/r/{token}/d/1").text
    guide = page.split('id="guide-perf1"', 1)[1].split("</div>", 1)[0]
    assert "What a full yes looks like" not in guide  # the choices are the answer
    assert "<p>Load tests find limits.</p>" in guide
    assert "<p>Lens question id: PERF1.</p>" in guide


# --- 6. after a survey import ---------------------------------------------------------------------


def test_answered_leaves_out_not_applicable_questions_and_the_banner_names_the_survey(
    app: FastAPI, facilitator: TestClient
) -> None:
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Team S", kind="team")
        a = assessments.create_assessment(
            s,
            unit_id=unit.id,
            title="Small",
            date=dt.date(2026, 3, 1),
            status="open",
            profile={"team-size": "small"},
        )
        r, _ = respondents.create_invitation(s, assessment=a, name="Ann", role="ML engineer")
        # an import keeps an answer to gov-team, which the context makes not applicable;
        # Ann leaves one applicable question unanswered
        for qid in CORE:
            if qid != "gov-strategy":
                answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer="yes")
        aid = a.id
    total = len(CORE) - 1  # gov-team is not applicable
    page = facilitator.get(f"/assessments/{aid}?imported=1&source=survey").text
    assert f"{total - 1}/{total}</div>" in page
    assert "Imported 1 respondent from the survey export." in page
    upload_banner = facilitator.get(f"/assessments/{aid}?imported=2").text
    assert "Imported 2 respondents from the answers file." in upload_banner


def test_the_api_counts_answered_without_not_applicable_questions(app: FastAPI, api: TestClient) -> None:
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Team A", kind="team")
        a = assessments.create_assessment(
            s,
            unit_id=unit.id,
            title="Small",
            date=dt.date(2026, 3, 1),
            status="open",
            profile={"team-size": "small"},
        )
        r, _ = respondents.create_invitation(s, assessment=a, name="Ann", role="ML engineer")
        for qid in CORE:
            answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer="yes")
        aid = a.id
    rows = api.get(f"{V1}/assessments/{aid}/respondents").json()
    assert [row["answered"] for row in rows] == [len(CORE) - 1]  # not gov-team
