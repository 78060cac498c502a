"""A custom scale and a multiple-choice question answered in a real browser: autosave of
a scale key and of checkboxes, "None of these" clearing the others, and the reverse."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import LiveServer
from playwright.sync_api import Page, expect
from sqlalchemy import select

from mlops_scorecard.framework import builtin_frameworks, load_framework
from mlops_scorecard.framework import loading as framework_loading
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.models import Answer
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

FRAMEWORK = """\
id: shaped
version: "1"
title: Shaped
scale:
  initial: {label: Initial, value: 0}
  defined: {label: Defined, value: 0.5}
  managed: {label: Managed, value: 0.75}
  optimizing: {label: Optimizing, value: 1}
  na: {label: Not applicable}
levels:
  - {id: low, name: Low, min: 0}
dimensions:
  - id: ops
    title: Operations
    questions:
      - {id: s1, text: Releases are repeatable}
      - id: c1
        text: How do you deploy?
        choices:
          - {id: c1_pipe, label: Pipelines}
          - {id: c1_back, label: Rollbacks}
          - {id: c1_none, label: None of these, none: true}
        risk_rules:
          - {condition: "c1_pipe && c1_back", risk: none}
          - {condition: "c1_pipe || c1_back", risk: medium}
          - {condition: default, risk: high}
"""


def _stored(server: LiveServer, respondent_id: int) -> dict[str, tuple[str, list[str] | None]]:
    with server.app.state.scorecard.read() as s:
        rows = s.scalars(select(Answer).where(Answer.respondent_id == respondent_id))
        return {a.question_id: (a.answer, a.choices) for a in rows}


def test_checkboxes_and_a_custom_scale_autosave(
    page: Page, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shaped.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    fw = load_framework(path)
    builtin_frameworks()
    monkeypatch.setitem(framework_loading._BUILTIN_CACHE, fw.ref, fw)
    with live_server.app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        a = create_assessment(s, unit_id=unit.id, title="Shaped review", status="open", framework=fw.ref)
        r, token = create_invitation(s, assessment=a, name="Ana", role="ml-engineer")
        rid = r.id

    page.goto(f"{live_server.url}/r/{token}/d/1")
    s1, c1 = page.locator("#q-s1"), page.locator("#q-c1")
    s1.get_by_label("Managed", exact=True).check()
    expect(s1.locator("[data-status]")).to_have_text("Saved")
    c1.get_by_label("Pipelines", exact=True).check()
    expect(c1.locator("[data-status]")).to_have_text("Saved")
    assert _stored(live_server, rid) == {"s1": ("managed", None), "c1": ("defined", ["c1_pipe"])}

    c1.get_by_label("Rollbacks", exact=True).check()
    expect(c1.locator("[data-status]")).to_have_text("Saved")
    assert _stored(live_server, rid)["c1"] == ("optimizing", ["c1_pipe", "c1_back"])

    # "None of these" clears the others, and another choice clears it
    c1.get_by_label("None of these", exact=True).check()
    expect(c1.get_by_label("Pipelines", exact=True)).not_to_be_checked()
    expect(c1.get_by_label("Rollbacks", exact=True)).not_to_be_checked()
    expect(c1.locator("[data-status]")).to_have_text("Saved")
    assert _stored(live_server, rid)["c1"] == ("initial", ["c1_none"])
    c1.get_by_label("Rollbacks", exact=True).check()
    expect(c1.get_by_label("None of these", exact=True)).not_to_be_checked()
    expect(c1.locator("[data-status]")).to_have_text("Saved")
    assert _stored(live_server, rid)["c1"] == ("defined", ["c1_back"])

    # a no-value key clears the boxes
    c1.get_by_label("Not applicable", exact=True).check()
    expect(c1.get_by_label("Rollbacks", exact=True)).not_to_be_checked()
    expect(c1.locator("[data-status]")).to_have_text("Saved")
    assert _stored(live_server, rid)["c1"] == ("na", None)

    # after a reload the page shows what was saved, and nothing is saved twice
    page.reload()
    expect(page.locator("#q-c1").get_by_label("Not applicable", exact=True)).to_be_checked()
    expect(page.locator("#q-s1").get_by_label("Managed", exact=True)).to_be_checked()
