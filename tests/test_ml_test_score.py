"""The built-in ML Test Score (Breck et al. 2017): its shape, and scores computed by hand
against the paper's rule (sum per section, minimum of the sections) and band table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlops_scorecard.analysis.uncertainty import matrix_intervals
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.cli import app
from mlops_scorecard.framework import Framework, builtin_frameworks, get_framework, newest_builtin
from mlops_scorecard.planning import build_plan
from mlops_scorecard.scoring import score

SECTIONS = {"data": "data", "model": "model", "infrastructure": "infra", "monitoring": "monitor"}
runner = CliRunner()


@pytest.fixture(scope="module")
def mts() -> Framework:
    return get_framework("ml-test-score")


def ids_of(section: str) -> list[str]:
    return [f"{SECTIONS[section]}-{n}" for n in range(1, 8)]


def answers_for(points: dict[str, float], **extra: str) -> dict[str, str]:
    """One respondent's answers giving each section ``points`` (whole tests automated,
    a half point as one manual test, the rest not done), then ``extra`` on top."""
    out: dict[str, str] = {}
    for section, p in points.items():
        whole, half = int(p), (p - int(p)) == 0.5
        for i, qid in enumerate(ids_of(section)):
            out[qid] = "yes" if i < whole else ("partly" if i == whole and half else "no")
    return {**out, **extra}


def answer_set(*people: dict[str, str]) -> AnswerSet:
    return parse_answers(
        {
            "framework": "ml-test-score@1.0.0",
            "question_set": "core",
            "respondents": [{"name": f"r{i}", "answers": a} for i, a in enumerate(people)],
        }
    )


def points_of(result_score: float | None) -> float:
    assert result_score is not None
    return result_score * 7 / 100


def test_shape_ids_and_rule(mts: Framework) -> None:
    assert mts.ref == "ml-test-score@1.0.0"
    assert [d.id for d in mts.dimensions] == ["data", "model", "infrastructure", "monitoring"]
    for d in mts.dimensions:
        assert [q.id for q in d.questions] == ids_of(d.id)
        assert all(q.set == "core" for q in d.questions)
        assert all(q.guidance and q.recommendation for q in d.questions)
    assert len(list(mts.iter_questions("core"))) == 28
    assert (mts.dimension_score, mts.overall, mts.points) == ("sum", "minimum", 7)
    assert {k: c.value for k, c in mts.scale.items()} == {
        "yes": 1.0,
        "partly": 0.5,
        "no": 0.0,
        "na": None,
        "unknown": None,
    }
    assert mts.scale["partly"].label == "Done manually, results documented and shared"
    assert mts.scale["yes"].label == "Automated, runs repeatedly"
    assert mts.scale["no"].label == "Not done"
    assert [(lv.min, lv.above) for lv in mts.levels] == [
        (0, False),
        (0, True),
        (1, True),
        (2, True),
        (3, True),
        (5, True),
    ]
    assert mts.source.year == 2017
    assert "10.1109/BigData.2017.8258038" in mts.source.citation
    # titles carry the paper's numbering: "Infra 4: ..."
    assert mts.question("infra-4") is not None
    assert mts.question("infra-4")[1].text.startswith("Infra 4: ")  # type: ignore[index]


def test_a_second_builtin_keeps_mlops_scorecard_the_default() -> None:
    refs = [fw.ref for fw in builtin_frameworks()]
    assert refs == sorted(refs)
    assert "ml-test-score@1.0.0" in refs
    newest = newest_builtin()
    assert newest is not None
    assert newest.id == "mlops-scorecard"


def test_one_respondent_mixed_manual_and_automated(mts: Framework) -> None:
    # data: 3 automated + 2 manual + 2 not done = 4; model: all 7 manual = 3.5;
    # infrastructure: all automated = 7; monitoring: 1 automated + 1 manual = 1.5
    answers = {
        **dict.fromkeys(ids_of("model"), "partly"),
        **dict.fromkeys(ids_of("infrastructure"), "yes"),
        **dict(zip(ids_of("data"), ["yes", "yes", "yes", "partly", "partly", "no", "no"], strict=True)),
        "monitor-1": "yes",
        "monitor-2": "partly",
        **dict.fromkeys(ids_of("monitoring")[2:], "no"),
    }
    result = score(mts, answer_set(answers))
    got = {d.id: d.points for d in result.dimensions}
    assert got == pytest.approx({"data": 4, "model": 3.5, "infrastructure": 7, "monitoring": 1.5})
    assert result.dimension("data").score == pytest.approx(400 / 7)
    # the final score is the weakest section's: monitoring's 1.5 points, band (1, 2]
    assert result.points == pytest.approx(1.5)
    assert result.overall == result.dimension("monitoring").score
    assert result.level is not None
    assert result.level.id == "basic"
    levels = {d.id: d.level.id for d in result.dimensions if d.level}
    assert levels == {
        "data": "strong",
        "model": "strong",
        "infrastructure": "exceptional",
        "monitoring": "basic",
    }


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (0, "research"),
        (0.5, "untested"),
        (1, "untested"),  # (0, 1]: 1 is in, 1.5 is the next band
        (1.5, "basic"),
        (2, "basic"),
        (2.5, "tested"),
        (3, "tested"),
        (3.5, "strong"),
        (5, "strong"),
        (5.5, "exceptional"),
        (7, "exceptional"),
    ],
)
def test_band_edges(mts: Framework, points: float, level: str) -> None:
    others = dict.fromkeys(("data", "model", "infrastructure"), 7.0)
    result = score(mts, answer_set(answers_for({**others, "monitoring": points})))
    assert points_of(result.overall) == pytest.approx(points)
    assert result.level is not None
    assert result.level.id == level


def test_the_minimum_picks_the_weakest_section(mts: Framework) -> None:
    result = score(
        mts, answer_set(answers_for({"data": 6, "model": 2.5, "infrastructure": 5, "monitoring": 4}))
    )
    assert result.points == pytest.approx(2.5)
    assert result.level is not None
    assert result.level.id == "tested"
    assert [d.level.id for d in result.dimensions if d.level] == ["exceptional", "tested", "strong", "strong"]


def test_several_respondents_average_each_test(mts: Framework) -> None:
    # data-1: automated and manual -> 0.75; data-2: manual and not done -> 0.25;
    # data-3: automated and "don't know" -> 1 (the mean of the values given);
    # the rest not done: data = 0.75 + 0.25 + 1 = 2 points
    a = answers_for(dict.fromkeys(SECTIONS, 7.0), **{"data-1": "yes", "data-2": "partly", "data-3": "yes"})
    b = answers_for(dict.fromkeys(SECTIONS, 7.0), **{"data-1": "partly", "data-2": "no", "data-3": "unknown"})
    for qid in ids_of("data")[3:]:
        a[qid] = b[qid] = "no"
    result = score(mts, answer_set(a, b))
    values = {q.question.id: q.value for q in result.dimension("data").questions}
    assert values["data-1"] == 0.75
    assert values["data-2"] == 0.25
    assert values["data-3"] == 1.0
    assert result.dimension("data").points == pytest.approx(2.0)
    assert result.points == pytest.approx(2.0)
    assert result.level is not None
    assert result.level.id == "basic"
    # each respondent's own: a has 1 + 0.5 + 1 = 2.5 in data, b 0.5 (unknown counts 0)
    own = [points_of(r.dimensions["data"]) for r in result.respondents]
    assert own == pytest.approx([2.5, 0.5])


def test_dont_know_counts_as_not_done_and_not_applicable_rescales(mts: Framework) -> None:
    full = dict.fromkeys(("model", "infrastructure", "monitoring"), 7.0)
    # data: 5 automated, one "don't know" (0), one left out (0): 5 points
    answers = answers_for({**full, "data": 5}, **{"data-6": "unknown"})
    del answers["data-7"]
    assert score(mts, answer_set(answers)).dimension("data").points == pytest.approx(5)
    # data: 6 automated and one not applicable: 6 of 6 tests, read as 7 of 7 points
    answers = answers_for({**full, "data": 6}, **{"data-7": "na"})
    data = score(mts, answer_set(answers)).dimension("data")
    assert data.points == pytest.approx(7)
    assert data.questions[6].counted is None


def test_intervals_and_plan_follow_the_rule(mts: Framework) -> None:
    a = answers_for(
        {"data": 4, "model": 3.5, "infrastructure": 7, "monitoring": 1.5}, **{"monitor-3": "unknown"}
    )
    b = answers_for({"data": 3, "model": 5, "infrastructure": 6, "monitoring": 2.5})
    result = score(mts, answer_set(a, b))
    u = matrix_intervals(result.matrix)
    for d in result.dimensions:
        iv = u.dimensions[d.id]
        assert iv is not None
        assert d.score is not None
        assert iv.low - 1e-9 <= d.score <= iv.high + 1e-9
    assert u.overall is not None
    assert result.overall is not None
    assert u.overall.low <= result.overall <= u.overall.high
    # a test nobody has done (no value) is in the plan under the sum rule
    lone = answers_for(dict.fromkeys(SECTIONS, 7.0), **{"monitor-7": "unknown"})
    plan = build_plan(score(mts, answer_set(lone)))
    assert [it.key for it in plan.items] == ["monitor-7"]


def test_cli_score_and_report_show_points(tmp_path: Path) -> None:
    path = tmp_path / "mts.yaml"
    answers = answers_for({"data": 4, "model": 3.5, "infrastructure": 7, "monitoring": 1.5})
    path.write_text(
        yaml.safe_dump(
            {
                "framework": "ml-test-score@1.0.0",
                "question_set": "core",
                "respondents": [{"name": "Team", "answers": answers}],
            }
        ),
        encoding="utf-8",
    )
    table = runner.invoke(app, ["score", str(path)], env={"COLUMNS": "120"})
    assert table.exit_code == 0, table.output
    assert "Points" in table.output
    assert "1.5 / 7" in table.output
    assert "3.5 / 7" in table.output
    assert "First pass" in table.output
    assert "overall the lowest dimension" in table.output
    data = json.loads(runner.invoke(app, ["score", str(path), "--format", "json"]).output)
    assert data["rule"] == {"dimension": "sum", "overall": "minimum", "points": 7.0, "must_have_met": 0.75}
    assert data["points"] == pytest.approx(1.5)
    assert data["level"] == "basic"
    monitoring = data["dimensions"][3]
    assert monitoring["values"] == {
        "monitor-1": 1.0,
        "monitor-2": 0.5,
        **dict.fromkeys([f"monitor-{n}" for n in range(3, 8)], 0.0),
    }
    md = runner.invoke(app, ["report", str(path), "--format", "md"])
    assert md.exit_code == 0, md.output
    # the headline in the framework's unit only, as in HTML and on the pages
    assert "**Overall score: 1.5 / 7 points (First pass)**" in md.output
    assert "First pass over 1 to 2 points" in md.output
    out = tmp_path / "r.html"
    html = runner.invoke(app, ["report", str(path), "-o", str(out)])
    assert html.exit_code == 0, html.output
    assert "1.5 / 7 points" in out.read_text(encoding="utf-8")
