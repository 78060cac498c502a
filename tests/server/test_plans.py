"""The improvement plan in the store and on the pages: derived ranking, stored changes,
reordering, roles, CSRF, exports, the unit page's "done since the last assessment", and
the migration that adds ``plan_items``; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, inspect, select, text
from support import csrf_of

from mlops_scorecard.errors import NotFoundError, ScorecardError
from mlops_scorecard.planning import build_plan
from mlops_scorecard.scoring import score
from mlops_scorecard.store import (
    answer_sets,
    answers,
    assessments,
    plans,
    respondents,
    results,
    units,
    work_done,
)
from mlops_scorecard.store.db import _alembic_config, current_revision, session_factory, transaction
from mlops_scorecard.store.models import Assessment, Base, PlanItem, Respondent

KEYS = ["yes", "partly", "no", "yes", "no", "partly", "yes"]


def seed_plan(
    app: FastAPI,
    *,
    unit_id: int | None = None,
    title: str = "Q1 check",
    date: str = "2025-03-01",
    people: int = 3,
    shift: int = 0,
    question_set: str = "core",
    status: str = "open",
) -> dict[str, int]:
    """A unit (unless given) and an assessment whose respondents answered every question
    with a mix of yes, partly and no (``shift`` moves the mix toward yes)."""
    with app.state.scorecard.write() as s:
        if unit_id is None:
            org = units.create_unit(s, name="Acme", kind="organization")
            unit_id = units.create_unit(s, name="Team A", kind="team", parent_id=org.id).id
        a = assessments.create_assessment(
            s,
            unit_id=unit_id,
            title=title,
            date=dt.date.fromisoformat(date),
            question_set=question_set,
            status="open",
        )
        fw = answer_sets.assessment_framework(a)
        qids = [q.id for _, q in fw.iter_questions(question_set)]  # type: ignore[arg-type]
        for i in range(people):
            r, _ = respondents.create_invitation(s, assessment=a, name=f"Person {i}", role="ml-engineer")
            for j, qid in enumerate(qids):
                k = (i + 3 * j + j // 3) % len(KEYS)
                answer = "yes" if j % 7 < shift else KEYS[k]
                answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer=answer)
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return {"unit": unit_id, "assessment": a.id}


def derived_keys(app: FastAPI, aid: int) -> list[str]:
    """The plan order by the ranking rule, straight from the core."""
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        result = score(answer_sets.assessment_framework(a), answer_sets.answer_set(s, assessment=a))
    return [it.key for it in build_plan(result).items]


def near_keys(app: FastAPI, aid: int) -> set[str]:
    """The items near "yes", which the page folds away below the others."""
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        result = score(answer_sets.assessment_framework(a), answer_sets.answer_set(s, assessment=a))
    return {it.key for it in build_plan(result).items if it.near_yes}


def shown(keys: list[str], near: set[str]) -> list[str]:
    """The page's order of a plan order: the items not near "yes", then the folded ones."""
    return [k for k in keys if k not in near] + [k for k in keys if k in near]


def page_keys(html: str) -> list[str]:
    return re.findall(r'<li class="plan-item[^"]*" id="plan-item-([^"]+)"', html)


def post(c: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False, **kw)


def stored(app: FastAPI, aid: int) -> dict[str, PlanItem]:
    with app.state.scorecard.read() as s:
        rows = s.scalars(select(PlanItem).where(PlanItem.assessment_id == aid))
        return {r.question_id: r for r in rows}


# --- the store ---------------------------------------------------------------------------------


def test_plan_for_is_build_plan_of_the_current_answers(app: FastAPI) -> None:
    aid = seed_plan(app, question_set="full")["assessment"]
    keys = derived_keys(app, aid)
    assert len(keys) > 10
    with app.state.scorecard.read() as s:
        tracked = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=aid))
    assert [it.key for it in tracked.items] == keys
    assert [it.rank for it in tracked.items] == list(range(1, len(keys) + 1))
    assert all(it.status == "open" and it.owner == "" and it.due is None for it in tracked.items)
    assert not tracked.manual_order
    assert stored(app, aid) == {}


def test_update_item_stores_only_changes_and_applies_them(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    first, second = derived_keys(app, aid)[:2]
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        plans.update_item(s, assessment=a, question_id=first, status="In progress", owner=" Ada ")
        plans.update_item(s, assessment=a, question_id=second, due_date="2026-01-31", note="after the audit")
    rows = stored(app, aid)
    assert set(rows) == {first, second}
    assert (rows[first].status, rows[first].owner, rows[first].due_date) == ("in-progress", "Ada", None)
    assert (rows[second].status, rows[second].due_date, rows[second].note) == (
        "open",
        dt.date(2026, 1, 31),
        "after the audit",
    )
    with app.state.scorecard.read() as s:
        tracked = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=aid))
    assert tracked.item(first).status == "in-progress"
    assert tracked.item(first).owner == "Ada"
    assert tracked.item(second).due == dt.date(2026, 1, 31)
    assert tracked.notes == {second: "after the audit"}
    # Clearing everything again removes the row: only changed items are stored.
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        plans.update_item(s, assessment=a, question_id=first, status="open", owner="")
        plans.update_item(s, assessment=a, question_id=second, due_date="", note="")
    assert stored(app, aid) == {}


def test_update_item_refuses_bad_input(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    bad: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"question_id": "no-such-question"}, NotFoundError, "not in the plan"),
        ({"question_id": key, "status": "finished"}, ScorecardError, "unknown status"),
        ({"question_id": key, "due_date": "31.01.2026"}, ScorecardError, "YYYY-MM-DD"),
        ({"question_id": key, "due_date": "2026-02-30"}, ScorecardError, "YYYY-MM-DD"),
        ({"question_id": key, "owner": "x" * 201}, ScorecardError, "longer than 200"),
        ({"question_id": key, "note": "a\x00b"}, ScorecardError, "NUL"),
    ]
    for kwargs, kind, message in bad:
        with pytest.raises(kind, match=message), app.state.scorecard.write() as s:
            plans.update_item(s, assessment=assessments.get_assessment(s, assessment_id=aid), **kwargs)
    assert stored(app, aid) == {}


def test_a_question_that_is_no_gap_is_not_an_item(app: FastAPI) -> None:
    aid = seed_plan(app, shift=7)["assessment"]  # every question answered yes
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        tracked = plans.plan_for(s, assessment=a)
        assert tracked.items == []
        assert "Nothing to do" in tracked.plan.empty_message()
        with pytest.raises(NotFoundError):
            plans.update_item(s, assessment=a, question_id="gov-strategy", status="done")


def test_reorder_and_reset(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    new = [keys[2], keys[0], *keys[3:], keys[1]]
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        plans.update_item(s, assessment=a, question_id=keys[1], owner="Bo")
        tracked = plans.reorder(s, assessment=a, question_ids=new)
    assert [it.key for it in tracked.items] == new
    assert tracked.manual_order
    assert tracked.item(keys[2]).computed_rank == 3
    assert tracked.item(keys[2]).rank == 1
    with app.state.scorecard.read() as s:
        again = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=aid))
    assert [it.key for it in again.items] == new
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        reset = plans.reset_order(s, assessment=a)
    assert [it.key for it in reset.items] == keys
    assert not reset.manual_order
    assert set(stored(app, aid)) == {keys[1]}  # the owner stays; the positions went
    assert reset.item(keys[1]).owner == "Bo"


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        (lambda k: [*k, "no-such-question"], NotFoundError, "not in the plan"),
        (lambda k: [*k, k[0]], ScorecardError, "more than once"),
        (lambda k: k[1:], ScorecardError, "missing"),
    ],
)
def test_reorder_refuses_an_order_that_is_not_the_plan(
    app: FastAPI, change: Any, kind: type[Exception], message: str
) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    with pytest.raises(kind, match=message), app.state.scorecard.write() as s:
        plans.reorder(
            s, assessment=assessments.get_assessment(s, assessment_id=aid), question_ids=change(keys)
        )
    assert stored(app, aid) == {}


def test_a_new_gap_lands_after_the_ordered_items_and_a_closed_gap_becomes_an_orphan(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        plans.reorder(s, assessment=a, question_ids=list(reversed(keys)))
        plans.update_item(s, assessment=a, question_id=keys[0], status="done")
        # everyone now answers keys[0] yes: no longer a gap
        for r in s.scalars(select(Respondent).where(Respondent.assessment_id == aid)):
            answers.save_answer(s, respondent=r, assessment=a, question_id=keys[0], answer="yes")
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        tracked = plans.plan_for(s, assessment=a)
        done = work_done.done_items(s, assessment=a)
    assert keys[0] not in [it.key for it in tracked.items]
    assert tracked.plan.orphans == [keys[0]]
    assert [(d.question_id, d.gain) for d in done] == [(keys[0], None)]


def test_closed_assessments_keep_being_tracked(app: FastAPI) -> None:
    aid = seed_plan(app, status="closed")["assessment"]
    keys = derived_keys(app, aid)
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        assert a.status == "closed"
        plans.update_item(s, assessment=a, question_id=keys[0], status="done", owner="Ada")
        tracked = plans.reorder(s, assessment=a, question_ids=[*keys[1:], keys[0]])
    assert [it.key for it in tracked.items] == [*keys[1:], keys[0]]
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        assert a.status == "closed"
        assert a.frozen_result is not None
        assert plans.plan_for(s, assessment=a).plan.overall == pytest.approx(
            a.frozen_result["overall"], abs=0.01
        )


def test_plan_items_go_with_their_assessment(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    with app.state.scorecard.write() as s:
        plans.update_item(
            s, assessment=assessments.get_assessment(s, assessment_id=aid), question_id=key, owner="X"
        )
    with app.state.scorecard.write() as s:
        s.execute(delete(Assessment).where(Assessment.id == aid))
    assert stored(app, aid) == {}


def test_done_since_takes_the_plan_of_the_assessment_before(app: FastAPI) -> None:
    first = seed_plan(app, title="Q1", date="2025-03-01")
    unit_id, q1 = first["unit"], first["assessment"]
    q2 = seed_plan(app, unit_id=unit_id, title="Q3", date="2025-09-01", shift=3)["assessment"]
    keys, keys2 = derived_keys(app, q1), derived_keys(app, q2)
    with app.state.scorecard.write() as s:
        a1 = assessments.get_assessment(s, assessment_id=q1)
        plans.update_item(s, assessment=a1, question_id=keys[1], status="done", owner="Ada")
        plans.update_item(s, assessment=a1, question_id=keys[0], status="accepted-risk")
        plans.update_item(s, assessment=a1, question_id=keys[4], status="done")
        # not since the last assessment: done in the newest assessment's own plan
        a2 = assessments.get_assessment(s, assessment_id=q2)
        plans.update_item(s, assessment=a2, question_id=keys2[0], status="done")
        # an unanswered assessment between the two is not "the last assessment"
        assessments.create_assessment(
            s, unit_id=unit_id, title="Empty", date=dt.date(2025, 6, 1), status="open"
        )
    with app.state.scorecard.read() as s:
        since = work_done.done_since(s, unit_id=unit_id, before_date=dt.date(2025, 9, 1))
        assert since.previous is not None
        assert since.previous.id == q1
        tracked = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=q1))
        assert [d.question_id for d in since.items] == [keys[1], keys[4]]
        item = since.items[0]
        assert (item.owner, item.assessment_title) == ("Ada", "Q1")
        assert item.gain == pytest.approx(tracked.item(keys[1]).gain)
        assert item.dimension_id == tracked.item(keys[1]).dimension_id
        by_dim = since.by_dimension()
        assert sum(len(v) for v in by_dim.values()) == 2
        # nothing before the first assessment; the same date only with a smaller id
        assert work_done.done_since(s, unit_id=unit_id, before_date=dt.date(2025, 3, 1)).previous is None
        same = work_done.done_since(s, unit_id=unit_id, before_date=dt.date(2025, 3, 1), before_id=q1 + 1000)
        assert same.previous is not None
        assert same.previous.id == q1


def test_exports_parse(app: FastAPI) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        plans.update_item(s, assessment=a, question_id=keys[0], status="done", note='needs "quotes",\ncommas')
        tracked = plans.plan_for(s, assessment=a)
    rows = list(csv.DictReader(io.StringIO(tracked.to_csv())))
    assert [r["key"] for r in rows] == keys
    assert rows[0]["status"] == "done"
    assert rows[0]["note"] == 'needs "quotes",\ncommas'
    data = json.loads(tracked.to_json())
    assert data["assessment_id"] == aid
    assert [i["key"] for i in data["items"]] == keys
    assert data["items"][0]["note"] == 'needs "quotes",\ncommas'
    assert data["items"][0]["updated_at"].endswith("Z")
    md = tracked.to_markdown(title="T")
    assert md.count("- [x] ") == 1
    assert md.count("- [ ] ") == len(keys) - 1
    assert '  - Note: needs "quotes", commas' in md


# --- the assessment page --------------------------------------------------------------------------


def test_page_ranking_matches_build_plan(app: FastAPI, viewer: TestClient) -> None:
    aid = seed_plan(app, question_set="full")["assessment"]
    html = viewer.get(f"/assessments/{aid}").text
    keys = derived_keys(app, aid)
    near = near_keys(app, aid)
    assert near
    assert len(near) < len(keys)
    assert page_keys(html) == shown(keys, near)
    assert html.count('class="plan-folded"') == 1
    assert 'id="plan-title"' in html
    # viewers read, without forms
    assert f'action="/assessments/{aid}/plan/' not in html
    assert "Owner: —" in html


def test_page_shows_the_item_details(app: FastAPI, viewer: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    with app.state.scorecard.read() as s:
        item = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=aid)).items[0]
    html = viewer.get(f"/assessments/{aid}").text
    block = html.split(f'id="plan-item-{item.key}"', 1)[1].split("</li>", 1)[0]
    assert item.question_text in block
    assert item.dimension_title in block
    assert f"+{item.gain:.1f} points in {item.dimension_title}" in block
    assert item.overall_gain is not None
    assert f"+{item.overall_gain:.1f} overall" in block
    assert item.recommendation.split(",")[0] in block
    assert "Answers now:" in block
    assert ">Open</span>" in block


def test_facilitator_changes_an_item_through_the_form(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[2]
    html = facilitator.get(f"/assessments/{aid}").text
    assert f'action="/assessments/{aid}/plan/{key}"' in html
    r = post(
        facilitator,
        f"/assessments/{aid}/plan/{key}",
        {"status": "done", "owner": "Ada <script>", "due_date": "2026-03-31", "note": "shipped"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/assessments/{aid}#plan-item-{key}"
    row = stored(app, aid)[key]
    assert (row.status, row.owner, row.due_date, row.note) == (
        "done",
        "Ada <script>",
        dt.date(2026, 3, 31),
        "shipped",
    )
    html = facilitator.get(f"/assessments/{aid}").text
    block = html.split(f'id="plan-item-{key}"', 1)[1].split("</li>", 1)[0]
    assert '<option value="done" selected>' in block
    assert 'value="Ada &lt;script&gt;"' in block
    assert 'value="2026-03-31"' in block
    assert "Ada <script>" not in html
    assert "plan-item s-done" in html


def test_bad_form_input_is_a_clear_4xx(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    r = post(facilitator, f"/assessments/{aid}/plan/{key}", {"status": "finished"})
    assert r.status_code == 422
    assert "unknown status" in r.text
    r = post(facilitator, f"/assessments/{aid}/plan/{key}", {"due_date": "tomorrow"})
    assert r.status_code == 422
    assert "YYYY-MM-DD" in r.text
    assert post(facilitator, f"/assessments/{aid}/plan/gov-nothing", {"status": "done"}).status_code == 404
    assert post(facilitator, f"/assessments/999999/plan/{key}", {"status": "done"}).status_code == 404
    assert (
        post(facilitator, f"/assessments/{aid}/plan/{key}/move", {"direction": "sideways"}).status_code == 422
    )
    assert (
        post(facilitator, f"/assessments/{aid}/plan/gov-nothing/move", {"direction": "up"}).status_code == 404
    )
    assert stored(app, aid) == {}


def test_up_and_down_buttons_reorder_without_javascript(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    near = near_keys(app, aid)
    everything = derived_keys(app, aid)
    # the arrows move an item among the items of its own fold: here, the unfolded ones
    keys = [k for k in everything if k not in near]
    folded = [k for k in everything if k in near]
    r = post(facilitator, f"/assessments/{aid}/plan/{keys[0]}/move", {"direction": "down"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/assessments/{aid}#plan-item-{keys[0]}"
    expected = [keys[1], keys[0], *keys[2:]]
    html = facilitator.get(f"/assessments/{aid}").text
    assert page_keys(html) == expected + folded
    assert "reordered by hand" in html
    post(facilitator, f"/assessments/{aid}/plan/{keys[-1]}/move", {"direction": "up"})
    expected = [*expected[:-2], keys[-1], keys[-2]]
    assert page_keys(facilitator.get(f"/assessments/{aid}").text) == expected + folded
    post(facilitator, f"/assessments/{aid}/plan/{keys[3]}/move", {"direction": "top"})
    expected = [keys[3], *[k for k in expected if k != keys[3]]]
    assert page_keys(facilitator.get(f"/assessments/{aid}").text) == expected + folded
    # moving the first item up changes nothing
    post(facilitator, f"/assessments/{aid}/plan/{keys[3]}/move", {"direction": "up"})
    assert page_keys(facilitator.get(f"/assessments/{aid}").text) == expected + folded
    # a folded item moves among the folded ones
    post(facilitator, f"/assessments/{aid}/plan/{folded[-1]}/move", {"direction": "top"})
    folded = [folded[-1], *folded[:-1]]
    assert page_keys(facilitator.get(f"/assessments/{aid}").text) == expected + folded
    # the whole order at once
    r = facilitator.post(
        f"/assessments/{aid}/plan/order",
        data={"csrf_token": csrf_of(facilitator), "question_id": list(reversed(everything))},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert page_keys(facilitator.get(f"/assessments/{aid}").text) == shown(list(reversed(everything)), near)
    r = post(facilitator, f"/assessments/{aid}/plan/order/reset")
    assert r.status_code == 303
    html = facilitator.get(f"/assessments/{aid}").text
    assert page_keys(html) == shown(everything, near)
    assert "reordered by hand" not in html


def test_roles_and_csrf(
    app: FastAPI, client: TestClient, viewer: TestClient, facilitator: TestClient
) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    paths = [
        (f"/assessments/{aid}/plan/{key}", {"status": "done"}),
        (f"/assessments/{aid}/plan/{key}/move", {"direction": "down"}),
        (f"/assessments/{aid}/plan/order/reset", {}),
        (f"/assessments/{aid}/plan/order", {"question_id": key}),
    ]
    for path, data in paths:
        r = client.post(path, data={"csrf_token": "x", **data}, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login")
        assert post(viewer, path, data).status_code == 403, path
        r = facilitator.post(path, data={"csrf_token": "forged", **data}, follow_redirects=False)
        assert r.status_code == 403, path
        r = facilitator.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, path
    assert stored(app, aid) == {}
    for fmt in ("md", "csv", "json"):
        assert client.get(f"/assessments/{aid}/plan.{fmt}", follow_redirects=False).status_code in (303, 401)
        assert viewer.get(f"/assessments/{aid}/plan.{fmt}").status_code == 200


def test_page_exports_parse(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    post(facilitator, f"/assessments/{aid}/plan/{keys[0]}", {"status": "done", "owner": "Ada"})
    post(facilitator, f"/assessments/{aid}/plan/{keys[0]}/move", {"direction": "bottom"})
    # to the bottom of the items not near "yes": after the last of them, before folded ones after it
    near = near_keys(app, aid)
    assert keys[0] not in near
    last_peer = max(i for i, k in enumerate(keys) if k not in near)
    order = [*keys[1 : last_peer + 1], keys[0], *keys[last_peer + 1 :]]
    r = facilitator.get(f"/assessments/{aid}/plan.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.headers["content-disposition"].endswith('-2025-03-01.csv"')
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["key"] for row in rows] == order
    assert [int(row["rank"]) for row in rows] == list(range(1, len(order) + 1))
    moved_row = rows[order.index(keys[0])]
    assert (moved_row["status"], moved_row["owner"]) == ("done", "Ada")
    r = facilitator.get(f"/assessments/{aid}/plan.json")
    assert r.headers["content-type"] == "application/json"
    data = r.json()
    assert [i["key"] for i in data["items"]] == order
    assert data["manual_order"] is True
    assert data["ranking"].startswith("weakest dimension first")
    r = facilitator.get(f"/assessments/{aid}/plan.md")
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# Improvement plan: Team A, Q1 check (2025-03-01)")
    ticks = re.findall(r"^- \[([ x])\] \*\*(\d+)\. ", r.text, flags=re.M)
    assert [int(n) for _, n in ticks] == list(range(1, len(order) + 1))
    assert ticks[order.index(keys[0])][0] == "x"
    assert facilitator.get(f"/assessments/{aid}/plan.docx").status_code == 404
    assert facilitator.get("/assessments/999999/plan.json").status_code == 404


def test_empty_plan_says_why(app: FastAPI, viewer: TestClient) -> None:
    aid = seed_plan(app, people=0)["assessment"]
    html = viewer.get(f"/assessments/{aid}").text
    assert "No plan yet: nobody has answered" in html
    assert page_keys(html) == []


def test_closed_assessment_page_still_takes_tracking(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app, status="closed")["assessment"]
    key = derived_keys(app, aid)[0]
    html = facilitator.get(f"/assessments/{aid}").text
    assert "on a closed assessment too" in html
    assert post(facilitator, f"/assessments/{aid}/plan/{key}", {"status": "in-progress"}).status_code == 303
    assert stored(app, aid)[key].status == "in-progress"


# --- the unit page ----------------------------------------------------------------------------------


def test_unit_page_shows_open_items_and_done_items_beside_the_change(
    app: FastAPI, facilitator: TestClient
) -> None:
    first = seed_plan(app, title="Q1 check", date="2025-03-01")
    unit_id, q1 = first["unit"], first["assessment"]
    q2 = seed_plan(app, unit_id=unit_id, title="Q3 check", date="2025-09-01", shift=3)["assessment"]
    k1, k2 = derived_keys(app, q1), derived_keys(app, q2)
    post(facilitator, f"/assessments/{q1}/plan/{k1[0]}", {"status": "done", "owner": "Ada"})
    post(facilitator, f"/assessments/{q2}/plan/{k2[0]}", {"status": "accepted-risk"})
    post(facilitator, f"/assessments/{q2}/plan/{k2[2]}", {"owner": "Bo", "due_date": "2026-01-15"})
    with app.state.scorecard.read() as s:
        done = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=q1)).item(k1[0])
        latest = plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=q2))
        before = results.result_for(s, assessment=assessments.get_assessment(s, assessment_id=q1))
        after = results.result_for(s, assessment=assessments.get_assessment(s, assessment_id=q2))
    html = facilitator.get(f"/units/{unit_id}").text

    plan_part = html.split('id="unit-plan-title"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<tr id="unit-plan-([^"]+)"', plan_part)
    assert shown == [it.key for it in latest.items if it.status in ("open", "in-progress")]
    assert k2[0] not in shown
    row = plan_part.split(f'id="unit-plan-{k2[2]}"', 1)[1].split("</tr>", 1)[0]
    assert "Bo" in row
    assert "2026-01-15" in row

    done_part = html.split('id="plan-progress-title"', 1)[1].split("</section>", 1)[0]
    assert "1 item done" in done_part
    dim_row = done_part.split(f'<th scope="row">{done.dimension_title}</th>', 1)[1].split("</tr>", 1)[0]
    old = next(d["score"] for d in before["dimensions"] if d["id"] == done.dimension_id)
    new = next(d["score"] for d in after["dimensions"] if d["id"] == done.dimension_id)
    assert f"{old:.1f}" in dim_row
    assert f"{new:.1f}" in dim_row
    assert f"{new - old:+.1f}" in dim_row
    assert done.question_text in dim_row
    assert f"+{done.gain:.1f} expected" in dim_row
    assert "Ada" in dim_row
    assert done_part.count("<li>") == 1


def test_unit_page_with_one_assessment_or_none(app: FastAPI, viewer: TestClient) -> None:
    with app.state.scorecard.write() as s:
        empty_unit = units.create_unit(s, name="Empty", kind="team").id
    assert "Improvement plan" not in viewer.get(f"/units/{empty_unit}").text
    ids = seed_plan(app)
    html = viewer.get(f"/units/{ids['unit']}").text
    assert "Improvement plan" in html
    assert "Only one assessment has answers" in html


# --- the migration ------------------------------------------------------------------------------------


def test_migration_0002_adds_plan_items_and_keeps_data(engine: Engine) -> None:
    # rows are written and read with SQL: the ORM models describe the head schema, which
    # has columns revision 0001 does not
    cfg = _alembic_config(engine)
    command.downgrade(cfg, "0001")
    assert current_revision(engine) == "0001"
    assert "plan_items" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO units (name, kind, created_at) VALUES ('Old team', 'team', '2024-05-01')")
        )
        unit_id = conn.execute(text("SELECT id FROM units")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO assessments (unit_id, framework_id, framework_version, question_set, title, date,"
                " status, targets, created_at) VALUES (:u, 'mlops-scorecard', '1.0.0', 'core', 'Before plans',"
                " '2024-05-01', 'open', '{}', '2024-05-01')"
            ),
            {"u": unit_id},
        )
        aid = conn.execute(text("SELECT id FROM assessments")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO respondents (assessment_id, name, role, source, created_at)"
                " VALUES (:a, 'Old', '', 'upload', '2024-05-01')"
            ),
            {"a": aid},
        )
        rid = conn.execute(text("SELECT id FROM respondents")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO answers (respondent_id, question_id, answer, comment, evidence, revision, updated_at)"
                " VALUES (:r, 'gov-strategy', 'no', 'kept', '[]', 1, '2024-05-01')"
            ),
            {"r": rid},
        )
    command.upgrade(cfg, "0002")
    assert current_revision(engine) == "0002"
    assert "plan_items" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM assessments")).scalar_one() == "Before plans"
        rows = conn.execute(text("SELECT question_id, answer, comment FROM answers")).all()
        assert [tuple(r) for r in rows] == [("gov-strategy", "no", "kept")]
    # and back down: the table goes, the rest stays
    command.downgrade(cfg, "0001")
    assert "plan_items" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM assessments")).scalar_one() == "Before plans"
    command.upgrade(cfg, "head")
    factory = session_factory(engine)
    with transaction(factory) as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        tracked = plans.update_item(s, assessment=a, question_id="gov-strategy", status="done")
        assert tracked.item("gov-strategy").status == "done"
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "plan_items" in repr(d)] == []
