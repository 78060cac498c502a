"""A comparison across framework versions, computed by hand: version 2.0.0 of the
built-in framework renames, splits, merges, removes, adds and reweights questions;
the earlier answers are carried onto it through the mapping, and every change splits
into the part due to the framework and the part due to the answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from mlops_scorecard.analysis.comparison import compare
from mlops_scorecard.analysis.mapped import mapped_matrix
from mlops_scorecard.analysis.trends import score_trend
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.framework import Framework, get_framework, parse_framework, version_mapping
from mlops_scorecard.matrix import UNANSWERED, ScoreMatrix
from mlops_scorecard.scoring import score

V1 = get_framework("mlops-scorecard@1.0.0")


def make_v2() -> Framework:
    """2.0.0: gov-strategy renamed, gov-policies split in two, gov-team removed,
    data-repository and data-feature-automation merged, data-quality-control weighs 3,
    dev-model-cards added (core)."""
    data: dict[str, Any] = V1.model_dump(mode="json", by_alias=True)
    data["profile"] = []  # the context questions name questions this version changes
    data["version"] = "2.0.0"
    data["previous"] = V1.ref
    gov, dm, dev = data["dimensions"][:3]

    def q(dim: dict[str, Any], qid: str) -> dict[str, Any]:
        return next(x for x in dim["questions"] if x["id"] == qid)

    strategy, policies = q(gov, "gov-strategy"), q(gov, "gov-policies")
    rest = [x for x in gov["questions"] if x["id"] not in ("gov-strategy", "gov-policies", "gov-team")]
    gov["questions"] = [
        {**strategy, "id": "gov-ml-strategy"},
        {**policies, "id": "gov-policies-written", "text": "Are ML policies written down?"},
        {**policies, "id": "gov-policies-enforced", "text": "Are ML policies enforced?"},
        *rest,
    ]
    repo = q(dm, "data-repository")
    dm["questions"] = [
        {**repo, "id": "data-platform", "text": "Is there one data platform with automated features?"},
        *[x for x in dm["questions"] if x["id"] not in ("data-repository", "data-feature-automation")],
    ]
    q(dm, "data-quality-control")["weight"] = 3
    dev["questions"].insert(3, {"id": "dev-model-cards", "text": "Does every model have a model card?"})
    data["changes"] = [
        {"kind": "renamed", "from": "gov-strategy", "to": "gov-ml-strategy"},
        {"kind": "split", "from": "gov-policies", "to": ["gov-policies-written", "gov-policies-enforced"]},
        {"kind": "removed", "from": "gov-team"},
        {"kind": "merged", "from": ["data-repository", "data-feature-automation"], "to": "data-platform"},
        {"kind": "added", "to": "dev-model-cards"},
    ]
    # the evidence mapping names questions too: follow the changes
    onto = {
        "gov-strategy": ["gov-ml-strategy"],
        "gov-policies": ["gov-policies-written", "gov-policies-enforced"],
        "gov-team": [],
        "data-repository": ["data-platform"],
        "data-feature-automation": ["data-platform"],
    }
    data["evidence"] = {
        practice: list(dict.fromkeys(n for qid in qids for n in onto.get(qid, [qid])))
        for practice, qids in data["evidence"].items()
    }
    return parse_framework(data)


V2 = make_v2()

REST_OF_P1 = {
    "dev-process": "yes",
    "dev-collaboration": "no",
    "dev-performance-tracking": "partly",
    "deploy-repeatable": "yes",
    "deploy-maintenance": "yes",
    "deploy-updates": "yes",
    "mon-metrics": "no",
    "mon-user-feedback": "no",
    "mon-audits": "no",
    "ci-process-reviews": "partly",
    "ci-experimentation": "partly",
    "ci-learning-culture": "partly",
}
REST_OF_P2 = {
    "dev-process": "yes",
    "dev-collaboration": "yes",
    "dev-performance-tracking": "no",
    "deploy-repeatable": "yes",
    "deploy-maintenance": "no",
    "deploy-updates": "unknown",
    "mon-metrics": "no",
    "mon-user-feedback": "partly",
    "mon-audits": "no",
    "ci-process-reviews": "yes",
    "ci-experimentation": "na",
    "ci-learning-culture": "partly",
}


def answer_set(fw: Framework, people: list[dict[str, str]], date: str) -> AnswerSet:
    return parse_answers(
        {
            "framework": fw.ref,
            "question_set": "core",
            "date": date,
            "respondents": [{"name": f"P{i + 1}", "answers": a} for i, a in enumerate(people)],
        }
    )


OLD = answer_set(
    V1,
    [
        {
            "gov-strategy": "yes",
            "gov-policies": "partly",
            "gov-team": "yes",
            "data-repository": "yes",
            "data-feature-automation": "no",
            "data-quality-control": "partly",
            **REST_OF_P1,
        },
        {
            "gov-strategy": "partly",
            "gov-policies": "no",
            "gov-team": "yes",
            "data-repository": "partly",
            "data-feature-automation": "partly",
            "data-quality-control": "no",
            **REST_OF_P2,
        },
    ],
    "2026-01-01",
)
NEW = answer_set(
    V2,
    [
        {
            "gov-ml-strategy": "yes",
            "gov-policies-written": "yes",
            "gov-policies-enforced": "partly",
            "data-platform": "partly",
            "data-quality-control": "yes",
            "dev-model-cards": "no",
            **REST_OF_P1,
            "dev-collaboration": "yes",
            "dev-performance-tracking": "yes",
        },
        {
            "gov-ml-strategy": "yes",
            "gov-policies-written": "partly",
            "gov-policies-enforced": "no",
            "data-platform": "yes",
            "data-quality-control": "partly",
            "dev-model-cards": "no",
            **REST_OF_P2,
            "dev-collaboration": "no",
            "dev-performance-tracking": "no",
        },
    ],
    "2026-04-01",
)

# By hand (question means, weights 1 unless said):
# governance  old, without gov-team (removed): (0.75 + 0.25) / 2 = 50
#             old carried onto 2.0.0: gov-ml-strategy 0.75, each half of the split 0.25:
#             (0.75 + 0.25 + 0.25) / 3 = 41.667
#             new: (1 + 0.75 + 0.25) / 3 = 66.667
# data        old: (0.75 + 0.25 + 0.25) / 3 = 41.667
#             carried: data-platform = per respondent the mean of the merged parts,
#             P1 (1 + 0) / 2, P2 (0.5 + 0.5) / 2, so 0.5; quality weighs 3:
#             (0.5 + 3 * 0.25) / 4 = 31.25
#             new: (0.75 + 3 * 0.75) / 4 = 75
# dev         old 58.333 (1, 0.5, 0.25); carried the same; new, without
#             dev-model-cards (added): (1 + 0.5 + 0.5) / 3 = 66.667
# deployment 83.333, monitoring 8.333, improvement 58.333 on every side
HAND: dict[str, tuple[float, float, float]] = {
    "governance": (50.0, 125 / 3, 200 / 3),
    "data-management": (125 / 3, 31.25, 75.0),
    "model-development": (175 / 3, 175 / 3, 200 / 3),
    "deployment": (250 / 3, 250 / 3, 250 / 3),
    "monitoring": (25 / 3, 25 / 3, 25 / 3),
    "continuous-improvement": (175 / 3, 175 / 3, 175 / 3),
}


def test_the_decomposition_matches_the_hand_computed_numbers() -> None:
    c = compare(V1, OLD, V2, NEW)
    assert not c.same_version
    assert c.mapping is not None
    assert c.mapping.source == "declared"
    by_id = {d.dimension_id: d for d in c.dimensions}
    assert list(by_id) == list(HAND)
    for did, (old, carried, new) in HAND.items():
        d = by_id[did]
        assert [d.old, d.rescored, d.new] == pytest.approx([old, carried, new]), did
        assert d.delta is not None
        assert d.framework_effect is not None
        assert d.answer_effect is not None
        # total = framework effect + answers effect, per dimension
        assert d.framework_effect + d.answer_effect == pytest.approx(d.delta)
        assert d.framework_effect == pytest.approx(carried - old)
        assert d.answer_effect == pytest.approx(new - carried)
    gov = by_id["governance"]
    assert [gov.delta, gov.framework_effect, gov.answer_effect] == pytest.approx([50 / 3, -25 / 3, 25.0])
    data = by_id["data-management"]
    assert [data.framework_effect, data.answer_effect] == pytest.approx([31.25 - 125 / 3, 43.75])
    o = c.overall
    assert o.old == pytest.approx(sum(v[0] for v in HAND.values()) / 6)  # 50
    assert o.rescored == pytest.approx(sum(v[1] for v in HAND.values()) / 6)  # 46.875
    assert o.new == pytest.approx(sum(v[2] for v in HAND.values()) / 6)  # 59.722
    assert [o.old, o.rescored] == pytest.approx([50.0, 46.875])
    assert o.framework_effect == pytest.approx(-3.125)
    assert o.framework_effect + o.answer_effect == pytest.approx(o.delta)  # type: ignore[operator]


def test_what_is_left_out_is_listed_per_side() -> None:
    c = compare(V1, OLD, V2, NEW)
    assert [(x.question_id, x.reason) for x in c.left_out_old] == [("gov-team", "removed")]
    assert [(x.question_id, x.reason) for x in c.left_out_new] == [("dev-model-cards", "added")]
    assert (c.dropped, c.added) == (["gov-team"], ["dev-model-cards"])
    assert not c.same_questions
    assert c.note is not None
    assert "not asked in the new one: gov-team" in c.note
    assert "new: dev-model-cards" in c.note
    assert (
        "questions are matched through the mapping mlops-scorecard@2.0.0 declares"
        " (1 renamed, 1 split, 1 merged, 1 removed, 1 added)" in c.note
    )
    assert "gov-policies split into gov-policies-written, gov-policies-enforced" in c.note
    assert "data-repository, data-feature-automation merged into data-platform" in c.note
    assert "data-quality-control weighs 3 (was 1)" in c.note
    data = c.to_dict()
    assert data["left_out"] == {
        "old": [{"question": "gov-team", "reason": "removed"}],
        "new": [{"question": "dev-model-cards", "reason": "added"}],
    }
    assert data["mapping"]["source"] == "declared"
    assert {ln["kind"] for ln in data["mapping"]["links"]} == {
        "renamed",
        "split",
        "merged",
        "removed",
        "added",
    }
    # the full scores stay: dev-model-cards' "no" counts in the new assessment's own score
    assert c.new_result.dimension("model-development").score == pytest.approx(50.0)


def test_questions_are_compared_through_the_mapping() -> None:
    c = compare(V1, OLD, V2, NEW)
    q = {x.question_id: x for x in c.questions}
    assert "gov-team" not in q
    assert "dev-model-cards" not in q
    assert (q["gov-ml-strategy"].kind, q["gov-ml-strategy"].old_ids) == ("renamed", ("gov-strategy",))
    assert q["gov-ml-strategy"].old_distribution["yes"] == 1
    assert q["gov-ml-strategy"].old_distribution["partly"] == 1
    enforced = q["gov-policies-enforced"]
    assert (enforced.kind, enforced.old_value, enforced.new_value) == ("split", 0.25, 0.25)
    platform = q["data-platform"]
    assert platform.kind == "merged"
    assert platform.old_ids == ("data-repository", "data-feature-automation")
    assert platform.old_value == pytest.approx(0.5)
    assert platform.old_distribution["partly"] == 2  # each respondent's mean 0.5 is "partly"
    assert platform.new_value == pytest.approx(0.75)


def test_a_merged_question_takes_the_mean_of_its_parts() -> None:
    m = version_mapping(V1, V2)
    people = [
        {"data-repository": "yes", "data-feature-automation": "partly"},  # 0.75: between, lower shown
        {"data-repository": "yes", "data-feature-automation": "unknown"},  # only the valued part: 1
        {"data-repository": "na", "data-feature-automation": "unknown"},  # no value: first of na, unknown
        {},  # nothing answered
    ]
    old = ScoreMatrix.build(V1, answer_set(V1, people, "2026-01-01"))
    carried = mapped_matrix(m, old, V2, "core")
    col = [q.id for q in carried.questions].index("data-platform")
    values = carried.values[:, col]
    assert values[:2].tolist() == [0.75, 1.0]
    assert np.isnan(values[2:]).all()
    keys = {**dict(enumerate(carried.keys)), UNANSWERED: "unanswered"}
    assert [keys[c] for c in carried.codes[:, col]] == ["partly", "yes", "na", "unanswered"]
    split = [q.id for q in carried.questions].index("gov-policies-written")
    assert (
        carried.codes[:, split].tolist()
        == old.codes[:, [q.id for q in old.questions].index("gov-policies")].tolist()
    )


def test_the_same_answers_under_the_new_version_change_by_the_framework_alone() -> None:
    # OLD's answers given again under 2.0.0, as the mapping carries them (the merged
    # parts' mean is 0.5, "partly", for both respondents)
    same_again = []
    for r in OLD.respondents:
        a = {k: str(v.answer) for k, v in r.answers.items()}
        same_again.append(
            {
                **{k: v for k, v in a.items() if k.split("-")[0] not in ("gov", "data")},
                "gov-ml-strategy": a["gov-strategy"],
                "gov-policies-written": a["gov-policies"],
                "gov-policies-enforced": a["gov-policies"],
                "data-platform": "partly",
                "data-quality-control": a["data-quality-control"],
                "dev-model-cards": "yes",  # added: left out of the comparison
            }
        )
    c = compare(V1, OLD, V2, answer_set(V2, same_again, "2026-04-01"))
    for d in [*c.dimensions, c.overall]:
        assert d.answer_effect == pytest.approx(0.0, abs=1e-9), d.dimension_id
        assert d.framework_effect == pytest.approx(d.delta), d.dimension_id
    assert c.overall.delta == pytest.approx(-3.125)
    assert [q.question_id for q in c.changes] == []  # no answer changed


def test_comparing_backwards_reads_the_mapping_backwards() -> None:
    c = compare(V2, NEW, V1, OLD)
    assert c.mapping is not None
    assert c.mapping.source == "reversed"
    assert [(x.question_id, x.reason) for x in c.left_out_old] == [("dev-model-cards", "removed")]
    assert [(x.question_id, x.reason) for x in c.left_out_new] == [("gov-team", "added")]
    for d in [*c.dimensions, c.overall]:
        if d.delta is not None:
            assert d.framework_effect + d.answer_effect == pytest.approx(d.delta)  # type: ignore[operator]


def test_a_trend_across_the_versions_notes_the_split_and_what_it_left_out() -> None:
    t = score_trend(
        [(dt.date(2026, 4, 1), score(V2, NEW), None), (dt.date(2026, 1, 1), score(V1, OLD), None)]
    )
    assert len(t.steps) == 1
    step = t.steps[0]
    assert step.comparison is not None
    assert step.comparison.overall.framework_effect == pytest.approx(-3.125)
    note = t.notes[-1]
    assert note.startswith(
        "From 2026-01-01 to 2026-04-01 the framework changed (mlops-scorecard@1.0.0 to mlops-scorecard@2.0.0):"
        " of the overall change of +9.7 on the shared questions, -3.1 is due to the framework and +12.8"
        " to the answers"
    )
    assert (
        "Questions matched through the declared mapping (1 renamed, 1 split, 1 merged, 1 removed, 1 added)."
        in note
    )
    assert (
        "Left out: mlops-scorecard@1.0.0's gov-team (removed), mlops-scorecard@2.0.0's dev-model-cards (added)."
        in note
    )
    data = t.to_dict()["version_changes"][0]
    assert data["overall"]["framework_effect"] == pytest.approx(-3.125)
    assert data["left_out"]["old"] == [{"question": "gov-team", "reason": "removed"}]


def test_questions_of_another_question_set_are_left_out_as_not_asked() -> None:
    full = NEW.model_copy(update={"question_set": "full"})
    c = compare(V1, OLD, V2, full)
    reasons = {x.question_id: x.reason for x in c.left_out_new}
    assert reasons["dev-model-cards"] == "added"
    assert reasons["gov-structure"] == "not asked"  # extended: the core assessment did not ask it
    assert set(reasons.values()) == {"added", "not asked"}
    assert len(reasons) == 1 + 30  # the added question and the 30 extended ones
    # the other way round: the earlier full assessment's extended questions
    back = compare(V1, OLD.model_copy(update={"question_set": "full"}), V2, NEW)
    assert {x.reason for x in back.left_out_old} == {"removed", "not asked"}
    assert next(x for x in back.left_out_old if x.question_id == "gov-team").reason == "removed"
