"""What viewers see: names gone, small roles merged into "other", scores unchanged."""

from __future__ import annotations

import pytest

from mlops_scorecard.analysis.roles import role_breakdown
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.framework import Framework
from mlops_scorecard.privacy import OTHER_ROLE, aggregate_report, for_viewers, missing_roles
from mlops_scorecard.reports.data import report_data
from mlops_scorecard.scoring import score


def answers_with(roles: list[str]) -> AnswerSet:
    keys = ["yes", "partly", "no"]
    return parse_answers(
        {
            "framework": "mlops-scorecard",
            "respondents": [
                {
                    "name": f"Person {i}",
                    "role": role,
                    "answers": {"gov-strategy": keys[i % 3], "gov-team": "yes"},
                }
                for i, role in enumerate(roles)
            ],
        }
    )


@pytest.mark.parametrize(
    ("roles", "seen"),
    [
        # small roles merged; "other" of three is enough
        (["mle"] * 3 + ["leadership", "product", "compliance"], {"ml-engineer": 3, OTHER_ROLE: 3}),
        # "other" of two would single them out: the smallest role joins it
        (["mle"] * 4 + ["ds"] * 3 + ["leadership", "product"], {"ml-engineer": 4, OTHER_ROLE: 5}),
        # no role at all is a role of its own, merged the same way
        (["mle"] * 3 + ["", "leadership", ""], {"ml-engineer": 3, OTHER_ROLE: 3}),
        # fewer than three people in all: one group, which is the overall
        (["leadership", "mle"], {OTHER_ROLE: 2}),
        (["mle"] * 3, {"ml-engineer": 3}),
    ],
)
def test_small_roles_are_merged(framework: Framework, roles: list[str], seen: dict[str, int]) -> None:
    answers = answers_with(roles)
    viewed = for_viewers(answers)
    assert all(r.name == "" for r in viewed.respondents)
    breakdown = role_breakdown(framework, viewed)
    assert {r.role: r.respondents for r in breakdown.roles} == seen
    assert all(g.respondents >= 3 or g.respondents == len(roles) for g in breakdown.groups)
    before, after = score(framework, answers), score(framework, viewed)
    assert (after.overall, [d.score for d in after.dimensions]) == (
        before.overall,
        [d.score for d in before.dimensions],
    )


def test_missing_roles_count_merged_roles_as_present() -> None:
    answers = answers_with(["mle"] * 3 + ["leadership"])
    assert "leadership" not in missing_roles(answers)
    assert "compliance" in missing_roles(answers)


def test_aggregate_report_has_no_respondent(framework: Framework, example: AnswerSet) -> None:
    viewed = for_viewers(example)
    data = aggregate_report(report_data(framework, viewed, score(framework, viewed)))
    assert data["result"]["respondents"] == []
    assert data["trust"]["respondents"] == []
    assert data["trust"]["respondent_count"] == len(example.respondents)
    responses = [r for block in data["answers"] for q in block["questions"] for r in q["responses"]]
    assert {r["respondent"] for r in responses} == {"anonymous"}
    text = repr(data)
    for person in example.respondents:
        assert person.name not in text


def test_viewers_see_normalized_roles_and_true_warnings(framework: Framework) -> None:
    answers = answers_with(["ML engineer", "mle", "machine learning engineer", "Leadership", "ds", "cto"])
    assert {r.role for r in for_viewers(answers).respondents} == {"ml-engineer", OTHER_ROLE}
    # several roles answered: merging them must not make the report say there was one
    everyone_other = answers_with(["leadership", "mle", "ds"])
    viewed = for_viewers(everyone_other)
    data = report_data(framework, viewed, score(framework, viewed))
    assert "single-role" in [w["code"] for w in data["trust"]["warnings"]]
    fixed = aggregate_report(data, original=everyone_other)
    assert "single-role" not in [w["code"] for w in fixed["trust"]["warnings"]]
    assert not {"leadership", "ml-engineer", "data-scientist"} & set(fixed["roles"]["missing"])
    # the trust finding names the same missing roles as the roles section
    [finding] = [lim["finding"] for lim in fixed["trust"]["limitations"] if lim["id"] == "subjectivity"]
    assert f"roles missing: {', '.join(fixed['roles']['missing'])}." in finding
    assert "ml-engineer" not in finding.split("missing:", 1)[1]
    one_role = answers_with(["mle", "mle", "mle"])
    viewed = for_viewers(one_role)
    data = aggregate_report(report_data(framework, viewed, score(framework, viewed)), original=one_role)
    assert "single-role" in [w["code"] for w in data["trust"]["warnings"]]
