"""The view layer and what it rests on: answer labels come from the framework's own scale
on every page, stored assessments never read a framework file, and the errors a user can
cause through the pages are ScorecardError kinds with a 4xx; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import csrf_of

from mlops_scorecard.errors import NotFoundError
from mlops_scorecard.format import NO_ANSWER, answer_choices, answer_label
from mlops_scorecard.framework import Framework, builtin_frameworks, get_framework, load_framework
from mlops_scorecard.framework import loading as framework_module
from mlops_scorecard.store import accounts, answer_sets, answers, assessments, respondents, units

FW = get_framework("mlops-scorecard")
LABELS = {
    "yes": "Done",
    "partly": "In progress",
    "no": "Not started",
    "na": "Does not apply",
    "unknown": "Cannot tell",
}
DEFAULT_LABELS = ["Yes", "Partly", "Not applicable", "Don't know", "Don&#39;t know"]


@pytest.fixture
def labelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Framework:
    """A framework file whose scale has labels of its own, made one of the built-in
    frameworks the server knows (the set ``get_framework`` and the store read)."""
    import yaml

    data = FW.model_dump(mode="json")
    data["id"] = "practice-tracker"
    data["title"] = "Practice tracker"
    for key, label in LABELS.items():
        data["scale"][key]["label"] = label
    path = tmp_path / "practice-tracker.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    fw = load_framework(path)
    builtin_frameworks()  # the package's own first
    monkeypatch.setitem(framework_module._BUILTIN_CACHE, fw.ref, fw)
    return fw


def seed(
    app: FastAPI, framework: str, *, unit_id: int | None = None, date: str = "2025-03-01"
) -> dict[str, int | str]:
    """An open assessment with two respondents: one answers every core question (yes,
    partly, no, na, unknown in turn, with a comment on the first), one is invited only."""
    with app.state.scorecard.write() as s:
        if unit_id is None:
            unit_id = units.create_unit(s, name="Team L", kind="team").id
        a = assessments.create_assessment(
            s,
            unit_id=unit_id,
            title="Labels",
            date=dt.date.fromisoformat(date),
            status="open",
            framework=framework,
        )
        fw = answer_sets.assessment_framework(a)
        r, _ = respondents.create_invitation(s, assessment=a, name="Ann", role="Leadership")
        keys = list(LABELS)
        for i, (_, q) in enumerate(fw.iter_questions("core")):
            answers.save_answer(
                s,
                respondent=r,
                assessment=a,
                question_id=q.id,
                answer=keys[i % len(keys)],
                comment="we track it in a sheet" if i == 0 else "",
            )
        _, token = respondents.create_invitation(s, assessment=a, name="Bo", role="ML engineer")
        return {"unit": unit_id, "assessment": a.id, "token": token}


def test_format_labels_come_from_the_scale(labelled: Framework) -> None:
    assert answer_label(labelled, "partly") == "In progress"
    assert answer_label(FW, "partly") == "Partly"
    assert answer_label(labelled, None) == answer_label(labelled, "unanswered") == NO_ANSWER
    assert answer_label(labelled, "maybe") == "maybe"  # not on the scale: shown as sent
    assert answer_choices(labelled) == [*LABELS.items(), ("unanswered", NO_ANSWER)]
    assert answer_choices(labelled, unanswered=False) == list(LABELS.items())


def _no_default_labels(html: str) -> None:
    for label in DEFAULT_LABELS:
        assert f">{label}<" not in html, label
        assert f'"{label}:' not in html, label  # a bar's title
        assert f"{label} " not in html, label


def test_survey_pages_show_the_frameworks_labels(
    app: FastAPI, client: TestClient, labelled: Framework
) -> None:
    ids = seed(app, labelled.ref)
    page = client.get(f"/r/{ids['token']}/d/1")
    assert page.status_code == 200
    for label in LABELS.values():
        assert label in page.text
    _no_default_labels(page.text)
    # an answer saved by the respondent reads with its label on the review page
    first = labelled.dimensions[0].questions[0].id
    r = client.post(
        f"/r/{ids['token']}/answers", json={"question_id": first, "answer": "partly", "revision": 0}
    )
    assert r.status_code == 200, r.text
    review = client.get(f"/r/{ids['token']}/review").text
    assert "In progress" in review
    _no_default_labels(review)


def test_results_plan_and_compare_show_the_frameworks_labels(
    app: FastAPI, viewer: TestClient, facilitator: TestClient, labelled: Framework
) -> None:
    ids = seed(app, labelled.ref)
    for client in (facilitator, viewer):
        page = client.get(f"/assessments/{ids['assessment']}")
        assert page.status_code == 200
        legend = page.text.split('class="legend"', 1)[1].split("</p>", 1)[0]
        assert re.findall(r"</span>([^<]+)</span>", legend) == [*LABELS.values(), NO_ANSWER]
        # the answer bars of the questions and of the plan items
        assert 'title="In progress: ' in page.text
        assert 'title="Not started: ' in page.text
        _no_default_labels(page.text)
    later = seed(app, labelled.ref, unit_id=int(ids["unit"]), date="2025-06-01")
    page = viewer.get(f"/compare?a={ids['assessment']}&b={later['assessment']}")
    assert page.status_code == 200
    _no_default_labels(page.text)
    unit = viewer.get(f"/units/{ids['unit']}")
    assert unit.status_code == 200
    _no_default_labels(unit.text)


def test_the_builtin_scale_reads_with_its_own_labels(app: FastAPI, viewer: TestClient) -> None:
    """The built-in framework's labels, as the survey shows them ("N/A" on the results page
    once was a label of its own)."""
    ids = seed(app, "mlops-scorecard")
    page = viewer.get(f"/assessments/{ids['assessment']}").text
    legend = page.split('class="legend"', 1)[1].split("</p>", 1)[0]
    assert re.findall(r"</span>([^<]+)</span>", legend) == [
        "Yes",
        "Partly",
        "No",
        "Not applicable",
        "Don&#39;t know",
        NO_ANSWER,
    ]


# --- frameworks: package data, never a file ------------------------------------------------


def test_a_file_named_like_a_framework_is_never_read(
    app: FastAPI, viewer: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored assessment names its framework as ``id@version``; resolving it once also
    tried a file of that name in the working folder, on every request."""
    ids = seed(app, "mlops-scorecard")
    import yaml

    planted = FW.model_dump(mode="json")
    planted["title"] = "Planted framework"
    monkeypatch.chdir(tmp_path)
    Path(FW.ref).write_text(yaml.safe_dump(planted), encoding="utf-8")
    page = viewer.get(f"/assessments/{ids['assessment']}")
    assert page.status_code == 200
    assert "Planted framework" not in page.text
    assert FW.title in page.text


def test_pages_read_no_framework_file_per_request(
    app: FastAPI, viewer: TestClient, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(app, "mlops-scorecard")
    paths = ["/", f"/units/{ids['unit']}", f"/assessments/{ids['assessment']}", "/assessments/new"]
    for path in paths:  # warm: the built-in frameworks are loaded once per process
        assert viewer.get(path).status_code in (200, 403), path
    assert client.get(f"/r/{ids['token']}/d/1").status_code == 200

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a framework file was read: {args}")

    monkeypatch.setattr(framework_module, "read_document", refuse)
    for path in paths:
        assert viewer.get(path).status_code in (200, 403), path
    assert client.get(f"/r/{ids['token']}/d/1").status_code == 200


# --- the store functions the routes use instead of SQL ----------------------------------------


def test_answered_count_and_get_user(app: FastAPI, client: TestClient) -> None:
    ids = seed(app, "mlops-scorecard")
    core = [q.id for _, q in FW.iter_questions("core")]
    for i, qid in enumerate(core[:3]):
        r = client.post(
            f"/r/{ids['token']}/answers", json={"question_id": qid, "answer": "yes", "revision": 0}
        )
        assert r.status_code == 200, r.text
        assert r.json()["answered"] == i + 1
        assert r.json()["total"] == len(core)
    with app.state.scorecard.read() as s:
        respondent, _ = respondents.respondent_for_token(s, token=str(ids["token"]))
        assert answers.answered_count(s, respondent=respondent) == 3
        user = accounts.create_user(s, username="someone", password="a long password", role="viewer")
        s.flush()
        assert accounts.get_user(s, user_id=user.id).username == "someone"
        with pytest.raises(NotFoundError, match="no user 999999"):
            accounts.get_user(s, user_id=999999)


# --- errors a user can cause: 4xx with the reason, never a 500 ---------------------------------


def test_unit_form_with_a_parent_that_is_gone(app: FastAPI, admin: TestClient) -> None:
    with app.state.scorecard.write() as s:
        parent = units.create_unit(s, name="Short-lived", kind="department").id
    with app.state.scorecard.write() as s:
        units.delete_unit(s, unit_id=parent)
    token = csrf_of(admin)
    r = admin.post(
        "/units", data={"csrf_token": token, "name": "New team", "kind": "team", "parent_id": str(parent)}
    )
    assert r.status_code == 422
    assert "the parent unit does not exist (any more); choose another" in r.text
    r = admin.post("/units", data={"csrf_token": token, "name": "New team", "kind": "team", "parent_id": "0"})
    assert r.status_code == 422
    assert "the parent unit must be chosen from the list" in r.text


def test_survey_form_without_a_revision(app: FastAPI, client: TestClient) -> None:
    """The no-JavaScript form always sends each answer's revision; one left out is a 422
    naming the field (never a save that overwrites whatever is stored)."""
    ids = seed(app, "mlops-scorecard")
    first = FW.dimensions[0].questions[0].id
    r = client.post(f"/r/{ids['token']}/d/1", data={f"answer-{first}": "yes"}, follow_redirects=False)
    assert r.status_code == 422
    assert f"field &#39;revision-{first}&#39; must be a whole number" in r.text


def test_user_that_does_not_exist(admin: TestClient) -> None:
    r = admin.post(
        "/admin/users/424242/active", data={"csrf_token": csrf_of(admin, "/admin/users"), "active": "no"}
    )
    assert r.status_code == 404
    assert "no user 424242" in r.text
