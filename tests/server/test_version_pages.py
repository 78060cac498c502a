"""Comparisons across framework versions on the web: the compare page and the API show
how the questions were matched (the mapping the later version declares) and what each
side left out; the unit page's trend note splits the change and names the left-out
questions. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlops_scorecard.answers import parse_answers
from mlops_scorecard.framework import Framework, builtin_frameworks, get_framework, parse_framework
from mlops_scorecard.framework import loading as framework_module
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.units import create_unit

V1 = get_framework("mlops-scorecard@1.0.0")


def register_v2(monkeypatch: pytest.MonkeyPatch) -> Framework:
    """1.5.0 of the built-in framework: gov-strategy renamed, gov-policies and gov-team
    merged, mon-audits split, and a question added; known by reference while the test runs."""
    builtin_frameworks()
    data: dict[str, Any] = V1.model_dump(mode="json", by_alias=True)
    data["profile"] = []  # the context questions name questions this version changes
    data["version"] = "1.5.0"
    data["previous"] = V1.ref
    gov, mon = data["dimensions"][0], data["dimensions"][4]
    gov["questions"] = [
        {"id": "gov-ml-strategy", "text": "Is there an ML strategy?"},
        {"id": "gov-policies-and-team", "text": "Are there ML policies and a team to apply them?"},
        *[q for q in gov["questions"] if q["set"] != "core"],
    ]
    mon["questions"] = [q for q in mon["questions"] if q["id"] != "mon-audits"] + [
        {"id": "mon-audits-internal", "text": "Internal audits?"},
        {"id": "mon-audits-external", "text": "External audits?"},
        {"id": "mon-cost", "text": "Are serving costs monitored?"},
    ]
    gone = {
        "gov-strategy": "gov-ml-strategy",
        "gov-policies": "gov-policies-and-team",
        "gov-team": "gov-policies-and-team",
        "mon-audits": "mon-audits-internal",
    }
    data["evidence"] = {
        k: list(dict.fromkeys(gone.get(q, q) for q in v)) for k, v in data["evidence"].items()
    }
    data["changes"] = [
        {"kind": "renamed", "from": "gov-strategy", "to": "gov-ml-strategy"},
        {"kind": "merged", "from": ["gov-policies", "gov-team"], "to": "gov-policies-and-team"},
        {"kind": "split", "from": "mon-audits", "to": ["mon-audits-internal", "mon-audits-external"]},
        {"kind": "added", "to": "mon-cost"},
    ]
    v2 = parse_framework(data)
    monkeypatch.setitem(framework_module._BUILTIN_CACHE, v2.ref, v2)
    return v2


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_compare_page_and_api_show_the_mapping_and_what_was_left_out(
    app: FastAPI, viewer: TestClient, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    v2 = register_v2(monkeypatch)
    ids = {}
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Versions team")
        unit_id = unit.id
        for key, fw, date in (("a", V1, dt.date(2026, 1, 1)), ("b", v2, dt.date(2026, 4, 1))):
            a = create_assessment(s, unit_id=unit.id, title=key, date=date, status="open", framework=fw.ref)
            qids = [q.id for _, q in fw.iter_questions("core")]
            people = [{q: ("yes", "partly", "no")[(i + n) % 3] for i, q in enumerate(qids)} for n in range(3)]
            answers = parse_answers(
                {
                    "framework": fw.ref,
                    "date": date.isoformat(),
                    "respondents": [{"name": f"P{n}", "answers": p} for n, p in enumerate(people)],
                }
            )
            import_answer_set(s, assessment=a, answers=answers)
            ids[key] = a.id
    got = api.get("/api/v1/compare", params={"a": ids["a"], "b": ids["b"]})
    assert got.status_code == 200, got.text
    c = got.json()
    assert c["mapping"]["source"] == "declared"
    assert c["mapping"]["summary"] == "44 same, 1 renamed, 1 split, 1 merged, 1 added"
    assert {ln["kind"] for ln in c["mapping"]["links"]} == {"renamed", "merged", "split", "added"}
    assert c["left_out"] == {"old": [], "new": [{"question": "mon-cost", "reason": "added"}]}
    merged = next(q for q in c["questions"] if q["question"] == "gov-policies-and-team")
    assert (merged["kind"], merged["from"]) == ("merged", ["gov-policies", "gov-team"])
    for d in [*c["dimensions"], c["overall"]]:
        if d["delta"] is not None:
            assert d["framework_effect"] + d["answer_effect"] == pytest.approx(d["delta"])
    page = viewer.get(f"/compare?a={ids['a']}&b={ids['b']}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Questions matched and left out" in text
    assert "mlops-scorecard@1.5.0 declares how its questions map to mlops-scorecard@1.0.0." in text
    assert "merged gov-policies, gov-team gov-policies-and-team the mean of A's values for the parts" in text
    assert "split mon-audits mon-audits-internal, mon-audits-external A's answer, for each part" in text
    assert "Only in B: mon-cost (added)." in text
    assert "Only in A:" not in text
    # the unit page's note on the version change names what was left out
    unit_page = text_of(viewer.get(f"/units/{unit_id}").text)
    assert "the framework changed (mlops-scorecard@1.0.0 to mlops-scorecard@1.5.0)" in unit_page
    assert (
        "Questions matched through the declared mapping (1 renamed, 1 split, 1 merged, 1 added)." in unit_page
    )
    assert "Left out: mlops-scorecard@1.5.0's mon-cost (added)." in unit_page
