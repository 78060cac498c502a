"""The improvement plan: hand-worked ranking cases, gains against rescoring, overrides
(manual order, statuses) and the Markdown, CSV and JSON exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.planning import RANKING_RULE, build_plan
from mlops_scorecard.planning.overrides import PlanOverride, apply_overrides
from mlops_scorecard.scoring import score

LEVELS = [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}]


def make_framework(dims: dict[str, list[tuple[str, float, str]]]) -> Framework:
    """``{dimension_id: [(question_id, weight, set), ...]}``."""
    return parse_framework(
        {
            "id": "inline",
            "version": "1",
            "title": "Inline",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": did,
                    "title": did.title(),
                    "questions": [
                        {
                            "id": q,
                            "text": f"Question {q}?",
                            "weight": w,
                            "set": s,
                            "recommendation": f"Do {q}.",
                        }
                        for q, w, s in qs
                    ],
                }
                for did, qs in dims.items()
            ],
        }
    )


def answers(people: list[dict[str, str]], *, question_set: str = "full") -> AnswerSet:
    return parse_answers(
        {
            "framework": "inline",
            "question_set": question_set,
            "respondents": [{"name": f"P{i}", "answers": a} for i, a in enumerate(people)],
        }
    )


# A: q1 core w1, q2 core w2, q3 extended w1; B: q4 core, q5 core, q6 core
FW = make_framework(
    {
        "a": [("q1", 1, "core"), ("q2", 2, "core"), ("q3", 1, "extended")],
        "b": [("q4", 1, "core"), ("q5", 1, "core"), ("q6", 1, "core")],
    }
)


def test_ranking_hand_worked() -> None:
    # values: q1 0.5, q2 0.5, q3 0, q4 0, q5 0.5, q6 1 (not a gap)
    # A = 100 (0.5 + 2 x 0.5 + 0) / 4 = 37.5 ; B = 100 (0 + 0.5 + 1) / 3 = 50
    # gains in A: q1 -> (1 + 1 + 0)/4 = 50: +12.5 ; q2 -> (0.5 + 2 + 0)/4 = 62.5: +25 ;
    #             q3 -> (0.5 + 1 + 1)/4 = 62.5: +25
    # gains in B: q4 -> (1 + 0.5 + 1)/3: +33.33 ; q5 -> (0 + 1 + 1)/3: +16.67
    a = answers(
        [
            {"q1": "yes", "q2": "partly", "q3": "no", "q4": "no", "q5": "partly", "q6": "yes"},
            {"q1": "no", "q2": "partly", "q3": "no", "q4": "no", "q5": "partly", "q6": "yes"},
        ]
    )
    plan = build_plan(score(FW, a))
    # weakest dimension (A, 37.5) first; in A the core q2 and q1 (larger gain first)
    # before the extended q3, although q3 gains as much as q2
    assert [it.key for it in plan.items] == ["q2", "q1", "q3", "q4", "q5"]
    assert [it.rank for it in plan.items] == [1, 2, 3, 4, 5]
    gains = {it.key: it.gain for it in plan.items}
    assert gains == {
        "q2": pytest.approx(25),
        "q1": pytest.approx(12.5),
        "q3": pytest.approx(25),
        "q4": pytest.approx(100 / 3),
        "q5": pytest.approx(50 / 3),
    }
    # overall is the mean of two equally weighted dimensions: half the dimension gain
    assert plan.item("q4").overall_gain == pytest.approx(50 / 3)
    q2 = plan.item("q2")
    assert q2.dimension_score == pytest.approx(37.5)
    assert q2.recommendation == "Do q2."
    assert q2.value == pytest.approx(0.5)
    assert q2.distribution["partly"] == 2
    assert plan.overall == pytest.approx((37.5 + 50) / 2)


def test_ties_keep_framework_order() -> None:
    # both dimensions at 0, every gain equal: plain framework order
    everyone_no = dict.fromkeys(("q1", "q2", "q3", "q4", "q5", "q6"), "no")
    fw = make_framework(
        {"a": [("q1", 1, "core"), ("q2", 1, "core")], "b": [("q4", 1, "core"), ("q5", 1, "core")]}
    )
    a = answers([{k: v for k, v in everyone_no.items() if k in ("q1", "q2", "q4", "q5")}])
    assert [it.key for it in build_plan(score(fw, a)).items] == ["q1", "q2", "q4", "q5"]


def test_questions_without_a_value_or_at_the_top_are_not_actions() -> None:
    a = answers([{"q1": "yes", "q2": "na", "q3": "unknown", "q4": "no"}])
    plan = build_plan(score(FW, a))
    assert [it.key for it in plan.items] == ["q4"]
    perfect = build_plan(score(FW, answers([{"q1": "yes", "q4": "yes"}])))
    assert perfect.items == []
    assert "Nothing to do" in perfect.to_markdown()
    nobody = build_plan(score(FW, answers([])))
    assert nobody.items == []
    assert "No plan yet" in nobody.to_markdown()


def test_core_set_plans_only_asked_questions() -> None:
    a = answers([{"q1": "no", "q2": "no", "q4": "no", "q5": "no", "q6": "no"}], question_set="core")
    assert "q3" not in [it.key for it in build_plan(score(FW, a)).items]


def test_gains_match_rescoring_with_everyone_answering_yes(framework: Framework, example: AnswerSet) -> None:
    result = score(framework, example)
    plan = build_plan(result)
    assert plan.items
    for it in plan.items[:8]:
        changed = example.model_copy(deep=True)
        for r in changed.respondents:
            a = r.answers.get(it.key)
            if a is not None and a.answer in ("yes", "partly", "no"):
                r.answers[it.key] = a.model_copy(update={"answer": "yes"})
        after = score(framework, changed)
        before_dim = result.dimension(it.dimension_id).score
        after_dim = after.dimension(it.dimension_id).score
        assert before_dim is not None
        assert after_dim is not None
        assert it.gain == pytest.approx(after_dim - before_dim)
        assert after.overall is not None
        assert result.overall is not None
        assert it.overall_gain == pytest.approx(after.overall - result.overall)


def test_minimum_overall_gains() -> None:
    fw = FW.model_copy(update={"overall": "minimum"})
    # A = 0, B = 100 * 1/3: only A's items raise the minimum
    a = answers([{"q1": "no", "q2": "no", "q4": "yes", "q5": "no", "q6": "no"}], question_set="core")
    plan = build_plan(score(fw, a))
    assert plan.item("q1").overall_gain == pytest.approx(100 / 3)
    assert plan.item("q5").overall_gain == pytest.approx(0)


# --- overrides -----------------------------------------------------------------------------


def test_apply_overrides_statuses_and_manual_order() -> None:
    a = answers([{"q1": "no", "q2": "no", "q3": "no", "q4": "partly", "q5": "partly", "q6": "no"}])
    plan = build_plan(score(FW, a))
    computed = [it.key for it in plan.items]
    assert computed == ["q2", "q1", "q3", "q6", "q4", "q5"]
    out = apply_overrides(
        plan,
        {
            "q6": {"position": 1, "status": "in progress", "owner": "Ana", "due": "2026-12-01"},
            "q1": PlanOverride(position=2, status="done"),
            "q3": {"status": "Accepted_Risk"},
            "gone": {"status": "done"},
        },
    )
    # positioned items first, the rest in computed order
    assert [it.key for it in out.items] == ["q6", "q1", "q2", "q3", "q4", "q5"]
    assert [it.rank for it in out.items] == [1, 2, 3, 4, 5, 6]
    assert out.item("q6").computed_rank == 4
    assert out.item("q6").status == "in-progress"
    assert out.item("q6").owner == "Ana"
    assert out.item("q6").due == dt.date(2026, 12, 1)
    assert out.item("q1").status == "done"
    assert out.item("q3").status == "accepted-risk"
    assert out.item("q2").status == "open"
    assert out.orphans == ["gone"]
    # the derived plan is untouched
    assert [it.key for it in plan.items] == computed
    assert all(it.status == "open" for it in plan.items)


def test_apply_overrides_position_ties_and_new_items() -> None:
    a = answers([{"q1": "no", "q2": "no", "q3": "no", "q4": "partly", "q5": "partly", "q6": "no"}])
    plan = build_plan(score(FW, a))
    out = apply_overrides(plan, {"q5": {"position": 10}, "q4": {"position": 10}, "q2": {"position": 20}})
    assert [it.key for it in out.items] == ["q4", "q5", "q2", "q1", "q3", "q6"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"status": "finished"}, "unknown status"),
        ({"due": "next week"}, "not YYYY-MM-DD"),
        ({"colour": "red"}, "unknown field"),
        ({"position": "first"}, "whole number"),
    ],
)
def test_apply_overrides_rejects_bad_data(override: dict[str, object], message: str) -> None:
    plan = build_plan(score(FW, answers([{"q1": "no"}])))
    with pytest.raises(ScorecardError, match=message):
        apply_overrides(plan, {"q1": override})


# --- exports -------------------------------------------------------------------------------


def test_exports() -> None:
    a = answers([{"q1": "no", "q2": "partly", "q4": "no"}, {"q1": "yes", "q2": "no", "q4": "unknown"}])
    plan = apply_overrides(build_plan(score(FW, a)), {"q4": {"status": "done", "owner": "Bo"}})
    md = plan.to_markdown(title="Search team")
    assert md.startswith("# Improvement plan: Search team\n")
    assert RANKING_RULE in md
    assert "- [x] **" in md  # q4 is done
    assert md.count("- [ ] **") == len(plan.items) - 1
    assert "To do: Do q2." in md
    assert "owner: Bo" in md

    rows = list(csv.DictReader(io.StringIO(plan.to_csv())))
    assert [r["key"] for r in rows] == [it.key for it in plan.items]
    first = rows[0]
    assert first["rank"] == "1"
    assert first["recommendation"].startswith("Do ")
    q4 = next(r for r in rows if r["key"] == "q4")
    assert (q4["status"], q4["owner"], q4["no"], q4["unknown"]) == ("done", "Bo", "1", "1")

    data = json.loads(plan.to_json())
    assert data == json.loads(json.dumps(plan.to_dict()))
    assert data["ranking"] == RANKING_RULE
    assert [i["key"] for i in data["items"]] == [it.key for it in plan.items]
    assert data["items"][0]["distribution"]["yes"] >= 0


def test_exports_neutralize_hostile_text() -> None:
    fw = parse_framework(
        {
            "id": "inline",
            "version": "1",
            "title": "<b>Lens</b>",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": "a",
                    "title": "# Injected",
                    "questions": [
                        {
                            "id": "q1",
                            "text": "=1+1 [click](javascript:alert(1))",
                            "recommendation": "<script>alert(1)</script>\n# heading",
                        },
                        {"id": "q2", "text": "@SUM(A1)", "recommendation": "-2+3"},
                    ],
                }
            ],
        }
    )
    a = parse_answers(
        {
            "framework": "inline",
            "question_set": "full",
            "respondents": [{"answers": {"q1": "no", "q2": "no"}}],
        }
    )
    plan = apply_overrides(
        build_plan(score(fw, a)),
        {"q1": {"owner": "+cmd|' /C calc'!A0"}, "q2": {"owner": "-2+3\r=cmd|' /C calc'!A0"}},
    )
    text = plan.to_csv()
    # a carriage return inside a cell is quoted, so it cannot start a row of its own
    assert "\r=cmd" not in text.replace("\"'-2+3\r=cmd", "")
    assert "\"'-2+3\r=cmd|' /C calc'!A0\"" in text
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert rows["q2"]["owner"] == "'-2+3\r=cmd|' /C calc'!A0"
    assert rows["q1"]["owner"] == "'+cmd|' /C calc'!A0"
    assert rows["q1"]["question"] == "'=1+1 [click](javascript:alert(1))"
    assert (rows["q2"]["question"], rows["q2"]["recommendation"]) == ("'@SUM(A1)", "'-2+3")
    assert rows["q1"]["dimension_score"] == "0.00"  # numbers stay numbers

    md = plan.to_markdown(title="<img src=x onerror=alert(1)>")
    assert md.startswith("# Improvement plan: \\<img src=x onerror=alert(1)\\>\n")
    assert "\\<b\\>Lens\\</b\\>" in md
    assert "\\[click\\](javascript:alert(1))" in md
    assert "To do: \\<script\\>alert(1)\\</script\\> \\# heading" in md
    assert "(\\# Injected, `q1`" in md
    assert "owner: \\+cmd\\|' /C calc'\\!A0" in md
    assert not re.search(r"(?<!\\)<(script|img)", md)
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    assert [line for line in md.splitlines() if line.startswith("#")] == [md.splitlines()[0]]
