"""A multiple-choice question's long labels on a phone (390 px) and a desktop (1280 px):
each checkbox sits beside its label, which wraps next to it, not on a line below."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import LiveServer
from playwright.sync_api import Page

from mlops_scorecard.framework import builtin_frameworks, load_framework
from mlops_scorecard.framework import loading as framework_loading
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

LONG = "Every release goes through a pipeline that builds, tests and signs the model artefact, with approval"
FRAMEWORK = f"""\
id: wrapped
version: "1"
title: Wrapped
levels:
  - {{id: low, name: Low, min: 0}}
dimensions:
  - id: ops
    title: Operations
    questions:
      - id: c1
        text: How do you deploy?
        choices:
          - {{id: c1_pipe, label: "{LONG}", description: "Pipelines catch mistakes before users do."}}
          - {{id: c1_back, label: Rollbacks}}
          - {{id: c1_none, label: None of these, none: true}}
        risk_rules:
          - {{condition: "c1_pipe && c1_back", risk: none}}
          - {{condition: default, risk: high}}
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_a_checkbox_sits_beside_its_wrapped_label(
    page: Page, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    path = tmp_path / "wrapped.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    fw = load_framework(path)
    builtin_frameworks()
    monkeypatch.setitem(framework_loading._BUILTIN_CACHE, fw.ref, fw)
    with live_server.app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        a = create_assessment(s, unit_id=unit.id, title="Wrapped", status="open", framework=fw.ref)
        _, token = create_invitation(s, assessment=a, name="Ana")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/r/{token}/d/1")
    for label in page.locator(".multi-choice").all():
        box = label.locator("input").bounding_box()
        text = label.locator("span").first.bounding_box()
        assert box is not None
        assert text is not None
        assert text["x"] >= box["x"] + box["width"]  # to the right of the box
        assert text["y"] < box["y"] + box["height"]  # starting on the box's line
    long = page.locator(".multi-choice").first.locator("span").first.bounding_box()
    assert long is not None
    if width == 390:
        assert long["height"] > 30  # the long label does wrap on a phone, beside the box
    description = page.locator(".multi-choice .muted").first.bounding_box()
    assert description is not None
    assert description["x"] == pytest.approx(long["x"], abs=1)  # under the label, not the box
    live_server.shot(page, f"choice-layout-{width}")
