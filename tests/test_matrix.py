"""Tests for the score matrix: built once per assessment, and the same numbers as before."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pytest

from mlops_scorecard.analysis import analyze
from mlops_scorecard.analysis.roles import matrix_roles, normalize_role, role_breakdown
from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, get_framework
from mlops_scorecard.matrix import UNANSWERED, ScoreMatrix, dimension_spans
from mlops_scorecard.planning import build_plan
from mlops_scorecard.privacy import for_viewers
from mlops_scorecard.reports import ReportFormat, render_report
from mlops_scorecard.scoring import score, score_matrix

WHEN = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return get_framework("mlops-scorecard")


@pytest.fixture(scope="module")
def answers(framework: Framework) -> AnswerSet:
    return example_answers(framework, respondents=12, question_set="full")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The answer sets' titles for each matrix built from answers (the real builder, counted)."""
    calls: list[str] = []
    original = ScoreMatrix.build.__func__  # type: ignore[attr-defined]

    def counted(cls: type[ScoreMatrix], framework: Framework, answers: AnswerSet) -> ScoreMatrix:
        calls.append(answers.title)
        built: ScoreMatrix = original(cls, framework, answers)
        return built

    monkeypatch.setattr(ScoreMatrix, "build", classmethod(counted))
    return calls


def test_analyze_builds_the_matrix_once(framework: Framework, answers: AnswerSet, builds: list[str]) -> None:
    a = analyze(framework, answers)
    assert len(builds) == 1
    assert a.roles.roles  # the scores by role came from the same matrix
    analyze(framework, answers, result=a.result)
    assert len(builds) == 1  # an already scored result brings its matrix along


def test_analyze_of_other_answers_than_the_result_builds_their_matrix(
    framework: Framework, answers: AnswerSet, builds: list[str]
) -> None:
    result = score(framework, answers)
    fewer = answers.model_copy(update={"respondents": answers.respondents[:5]})
    a = analyze(framework, fewer, result=result)
    assert len(builds) == 2
    assert a.uncertainty.respondents == 5


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_a_report_builds_the_matrix_once(
    framework: Framework, answers: AnswerSet, builds: list[str], fmt: ReportFormat
) -> None:
    body = render_report(framework, answers, fmt, generated_at=WHEN)
    assert body
    assert len(builds) == 1


def test_a_viewers_report_builds_the_matrix_once(
    framework: Framework, answers: AnswerSet, builds: list[str]
) -> None:
    render_report(framework, answers, "json", generated_at=WHEN, aggregate_only=True)
    assert len(builds) == 1


def test_a_viewers_report_has_the_viewers_analysis(framework: Framework, answers: AnswerSet) -> None:
    """The viewers' rows of the one matrix give what analysing the viewers' answers gives."""
    data = json.loads(render_report(framework, answers, "json", generated_at=WHEN, aggregate_only=True))
    seen = analyze(framework, for_viewers(answers))
    assert "other" in [r["role"] for r in data["roles"]["roles"]]  # small roles were merged
    assert data["roles"]["roles"] == seen.roles.to_dict()["roles"]
    assert data["roles"]["groups"] == seen.roles.to_dict()["groups"]
    assert data["intervals"] == seen.uncertainty.to_dict()
    assert data["agreement"]["overall"]["alpha"] == seen.agreement.overall.alpha
    assert [h["question"] for h in data["hotspots"]] == [h.question.id for h in seen.hotspots]


def test_a_report_with_history_builds_one_matrix_per_assessment(
    framework: Framework, answers: AnswerSet, builds: list[str]
) -> None:
    earlier = [
        example_answers(framework, respondents=4, question_set="full", seed=s).model_copy(
            update={"date": dt.date(2024, 1 + s, 1), "title": f"earlier {s}"}
        )
        for s in (1, 2)
    ]
    render_report(framework, answers, "json", generated_at=WHEN, history=earlier)
    assert sorted(builds) == sorted([answers.title, "earlier 1", "earlier 2"])


def test_scores_by_role_are_the_roles_own_scores(framework: Framework, answers: AnswerSet) -> None:
    """Row subsets of the one matrix give exactly what scoring each role's answers alone gives."""
    breakdown = role_breakdown(framework, answers)
    assert len(breakdown.roles) > 1
    for r in breakdown.roles:
        alone = answers.model_copy(
            update={"respondents": [p for p in answers.respondents if normalize_role(p.role) == r.role]}
        )
        assert r.result.to_dict() == score(framework, alone).to_dict()
    for g in breakdown.groups:
        members = [p for k in g.roles for p in answers.respondents if normalize_role(p.role) == k]
        alone = answers.model_copy(update={"respondents": members})
        assert g.result.to_dict() == score(framework, alone).to_dict()
    assert matrix_roles(ScoreMatrix.build(framework, answers)).to_dict() == breakdown.to_dict()


def test_matrix_arrays_and_spans(framework: Framework, answers: AnswerSet) -> None:
    m = ScoreMatrix.build(framework, answers)
    assert m.size == len(answers.respondents) == m.codes.shape[0]
    assert [q.id for q in m.questions] == [q.id for _, q in framework.iter_questions("full")]
    assert m.labels == [answers.respondent_label(i) for i in range(m.size)]
    assert m.roles == [r.role for r in answers.respondents]
    assert m.categories.tolist() == [0.0, 0.5, 1.0]
    spans = dimension_spans(framework, "core")
    assert [d.id for d, _ in spans] == [d.id for d in framework.dimensions]
    assert sum(s.stop - s.start for _, s in spans) == sum(1 for _ in framework.iter_questions("core"))
    assert np.array_equal(np.isnan(m.values), m.ordinal == -1)
    # a matrix from the same codes scores every respondent as the built one does
    again = ScoreMatrix.from_codes(framework, "full", m.codes.copy())
    assert again.people == ()
    assert again.size == m.size
    for x, y in zip(again.respondent_scores(), m.respondent_scores(), strict=True):
        assert np.array_equal(x, y, equal_nan=True)


def test_take_keeps_the_columns_and_picks_rows(framework: Framework, answers: AnswerSet) -> None:
    m = ScoreMatrix.build(framework, answers)
    part = m.take([3, 1])
    assert part.size == 2
    assert part.codes.tolist() == m.codes[[3, 1]].tolist()
    assert part.spans is m.spans
    assert part.weights is m.weights
    subset = answers.model_copy(update={"respondents": [answers.respondents[3], answers.respondents[1]]})
    assert part.labels == [subset.respondent_label(i) for i in range(2)]
    unnamed = answers.model_copy(
        update={"respondents": [r.model_copy(update={"name": ""}) for r in subset.respondents]}
    )
    relabelled = m.take([3, 1], answers=unnamed)
    assert relabelled.labels == ["respondent 1", "respondent 2"]
    assert relabelled.answers is unnamed
    with pytest.raises(ValueError, match="one respondent per row"):
        m.take([3], answers=unnamed)
    assert part.answers is None  # not the answer set: analyses of it build their own matrix
    empty = m.take([])
    assert empty.size == 0
    assert score_matrix(empty).overall is None
    assert (m.codes <= UNANSWERED).all()


def test_the_plan_uses_the_results_matrix(framework: Framework, answers: AnswerSet) -> None:
    result = score(framework, answers)
    plan = build_plan(result)
    assert plan.items
    dims, overall = result.matrix.scores(
        np.array([np.nan if q.value is None else q.value for d in result.dimensions for q in d.questions])
    )
    assert [d.score for d in result.dimensions] == pytest.approx(dims.tolist(), nan_ok=True)
    assert result.overall == pytest.approx(float(overall))


def test_analysis_does_not_import_charts() -> None:
    """Charts come after the analysis in the data flow: the analyses describe series
    (``mlops_scorecard.series``) and never load the module that draws them."""
    code = (
        "import sys, mlops_scorecard.analysis, mlops_scorecard.analysis.trends, mlops_scorecard.planning;"
        "print(sorted(m for m in sys.modules if m.startswith('mlops_scorecard.charts') or m == 'matplotlib'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from mlops_scorecard.charts import Series as ChartSeries
    from mlops_scorecard.series import Series

    assert ChartSeries is Series
