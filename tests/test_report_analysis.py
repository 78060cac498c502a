"""The report's analysis sections: agreement, hotspots, intervals, roles, the plan, the
trend, and "How far to trust this result" made concrete; numbers checked against the
library functions, in every format, and through ``report --previous``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.analysis.agreement import agreement
from mlops_scorecard.analysis.hotspots import hotspots
from mlops_scorecard.analysis.roles import role_breakdown
from mlops_scorecard.analysis.uncertainty import METHOD, intervals
from mlops_scorecard.answers import Answer, AnswerSet, Respondent, dump_answers
from mlops_scorecard.cli import app
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, builtin_frameworks, parse_framework
from mlops_scorecard.framework import loading as framework_module
from mlops_scorecard.planning import build_plan
from mlops_scorecard.reports import ReportFormat, render_report, report_schema, write_report
from mlops_scorecard.reports.data import ReportData, report_data
from mlops_scorecard.scoring import score

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
OVERRIDES: dict[str, Any] = {
    "mon-user-feedback": {"status": "done", "owner": "Ana", "due": "2026-12-01"},
    "deploy-updates": {"status": "in progress", "owner": "Jonas", "position": 1},
}


def plain(value: Any) -> Any:
    """``value`` as a JSON consumer sees it."""
    return json.loads(json.dumps(value))


def data_of(framework: Framework, answers: AnswerSet, **kwargs: Any) -> ReportData:
    report: ReportData = json.loads(render_report(framework, answers, "json", generated_at=WHEN, **kwargs))
    return report


def strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden wherever it lists properties."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def validate(report: ReportData) -> None:
    jsonschema.Draft202012Validator(
        strict(report_schema()), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(report)


def quarter(framework: Framework, month: int, seed: int, respondents: int = 4) -> AnswerSet:
    return example_answers(framework, seed=seed, respondents=respondents, date=dt.date(2026, month, 1))


@pytest.fixture
def history(framework: Framework) -> list[AnswerSet]:
    return [quarter(framework, 4, 3), quarter(framework, 7, 5, respondents=5)]


@pytest.fixture
def v2_framework(framework: Framework) -> Iterator[Framework]:
    """``mlops-scorecard@2.0.0`` (one core question replaced), known by reference."""
    builtin_frameworks()
    data: dict[str, Any] = framework.model_dump(mode="json")
    data["version"] = "2.0.0"
    gov = data["dimensions"][0]
    gov["questions"] = [q for q in gov["questions"] if q["id"] != "gov-team"]
    data["profile"] = []  # the built-in context questions name gov-team
    gov["questions"].append({"id": "gov-risk-register", "text": "Is there an ML risk register?"})
    v2 = parse_framework(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(framework_module._BUILTIN_CACHE, v2.ref, v2)
        yield v2


@pytest.fixture
def other_framework() -> Iterator[Framework]:
    """A framework with another id, ``other@1``, known by reference."""
    builtin_frameworks()
    other = parse_framework(
        {
            "id": "other",
            "version": "1",
            "title": "Other",
            "levels": [{"id": "l", "name": "L", "min": 0}],
            "dimensions": [{"id": "governance", "title": "G", "questions": [{"id": "g1", "text": "G1?"}]}],
        }
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(framework_module._BUILTIN_CACHE, other.ref, other)
        yield other


# --- each section holds the library's numbers ----------------------------------------


def test_sections_hold_the_library_numbers(framework: Framework, example: AnswerSet) -> None:
    report = data_of(framework, example)
    result = score(framework, example)
    assert report["intervals"] == plain(intervals(framework, example).to_dict())
    assert report["intervals"]["confidence"] == 0.9
    assert report["intervals"]["method"] == METHOD
    ag = agreement(framework, example)
    assert report["agreement"]["overall"]["alpha"] == pytest.approx(ag.overall.alpha, abs=1e-4)
    assert report["agreement"]["overall"]["band"] == "low"
    for did, entry in ag.dimensions.items():
        assert report["agreement"]["dimensions"][did]["alpha"] == pytest.approx(entry.alpha, abs=1e-4)
    # a tiny negative alpha is written as 0.0, never as -0.0
    assert "-0.0," not in render_report(framework, example, "json", generated_at=WHEN).decode()
    assert report["hotspots"] == plain([h.to_dict() for h in hotspots(framework, example)])
    assert [h["question"] for h in report["hotspots"][:3]] == ["gov-team", "data-repository", "mon-audits"]
    assert report["hotspots"][0]["comments"] == [
        {"respondent": "Grace Liu", "role": "product", "answer": "no", "comment": "Nobody owns this today."}
    ]
    assert report["roles"] == plain(role_breakdown(framework, example).to_dict())
    assert report["roles"]["missing"] == ["compliance", "leadership"]
    plan = build_plan(result).to_dict()
    assert report["plan"]["items"] == plain(plan["items"])
    assert report["plan"]["ranking"] == plan["ranking"]
    assert report["plan"]["message"] is None
    assert report["trend"]["points"] == []
    assert "No earlier assessments" in report["trend"]["reason"]
    validate(report)


def test_trust_states_what_this_assessment_shows(framework: Framework, example: AnswerSet) -> None:
    trust = data_of(framework, example)["trust"]
    finding = {lim["id"]: lim["finding"] for lim in trust["limitations"]}
    assert finding["subjectivity"] == (
        "Agreement between the 4 respondents: alpha 0.04 (low) overall, lowest on Monitoring and"
        " Evaluation (-0.17, none). 14 hotspots where the answers split, the calibration agenda below."
        " 4 roles answered; 2 roles missing: compliance, leadership."
    )
    assert finding["lack-of-context"] == (
        "1 answer 'not applicable' (on 1 question), 1 'don't know' (1%) and 0 left unanswered, of 72 answers."
    )
    assert finding["limited-scope"].startswith(
        "18 of the 48 questions (the 'core' set) of MLOps Scorecard 1.0.0"
    )
    assert "One point in time" in finding["limited-flexibility"]
    top3 = [it.question_text for it in build_plan(score(framework, example)).items[:3]]
    assert finding["limited-actionability"].startswith("17 actions in the plan. First: 1. " + top3[0])
    assert all(text in finding["limited-actionability"] for text in top3)
    wide = next(w for w in trust["warnings"] if w["code"] == "wide-interval")
    assert "6 dimension scores" in wide["message"]
    dm = intervals(framework, example).dimensions["data-management"]
    assert dm is not None
    assert f"Data Management {dm.low:.0f}-{dm.high:.0f}" in wide["message"]


def test_actionability_names_open_items_only(framework: Framework, example: AnswerSet) -> None:
    report = data_of(framework, example, plan_overrides=OVERRIDES)
    items = report["plan"]["items"]
    assert [it["key"] for it in items[:2]] == ["deploy-updates", "mon-user-feedback"]  # position 1 first
    assert items[0]["status"] == "in-progress"
    assert items[0]["rank"] == 1
    assert items[0]["computed_rank"] == 14
    assert items[1]["status"] == "done"
    assert items[1]["owner"] == "Ana"
    assert items[1]["due"] == "2026-12-01"
    finding = report["trust"]["limitations"][-1]["finding"]
    assert finding.startswith(
        "17 actions in the plan, 1 done or accepted as a risk. First: 1. Are there processes"
    )
    assert "capturing and analyzing feedback" not in finding  # done
    validate(report)


def test_one_respondent_has_no_agreement_and_says_why(framework: Framework) -> None:
    qids = [q.id for _, q in framework.iter_questions("core")]
    solo = AnswerSet(
        framework=framework.ref,
        respondents=[Respondent(name="Solo", role="cto", answers={q: Answer(answer="partly") for q in qids})],
    )
    report = data_of(framework, solo)
    assert report["agreement"]["overall"]["alpha"] is None
    assert "two or more respondents" in report["agreement"]["overall"]["reason"]
    assert report["hotspots"] == []
    assert report["roles"]["present"] == ["leadership"]  # "cto" normalized
    # one respondent's 50 leaves the team's score wide open, around 50
    solo_iv = report["intervals"]["overall"]
    assert solo_iv["low"] < 50 < solo_iv["high"]
    assert solo_iv["high"] - solo_iv["low"] > 30
    subjectivity = report["trust"]["limitations"][0]["finding"]
    assert subjectivity.startswith("Agreement cannot be measured: needs answers from two or more respondents")
    text = render_report(framework, solo, "md", generated_at=WHEN).decode()
    assert (
        "No hotspots: no question where the answers split (agreement needs two or more respondents)." in text
    )
    validate(report)


def test_everything_answered_yes_has_an_empty_plan(framework: Framework) -> None:
    qids = [q.id for _, q in framework.iter_questions("core")]
    people = [
        Respondent(name=f"P{i}", role=role, answers={q: Answer(answer="yes") for q in qids})
        for i, role in enumerate(("ml-engineer", "leadership", "compliance"))
    ]
    report = data_of(framework, AnswerSet(framework=framework.ref, respondents=people))
    assert report["plan"]["items"] == []
    assert report["plan"]["message"].startswith("Nothing to do")
    assert report["trust"]["limitations"][-1]["finding"] == report["plan"]["message"]
    assert report["agreement"]["overall"]["reason"].startswith("everyone gave the same answer")
    assert report["roles"]["gaps"][-1] == {
        "dimension": "overall",
        "first": 100.0,
        "second": 100.0,
        "gap": 0.0,
    }
    assert (
        "Largest gap between leadership and practitioners: +0.0 points"
        in (report["trust"]["limitations"][0]["finding"])
    )
    validate(report)


# --- the trend ------------------------------------------------------------------------


def test_trend_only_with_history(framework: Framework, example: AnswerSet, history: list[AnswerSet]) -> None:
    without = data_of(framework, example)
    with_history = data_of(framework, example, history=history, plan_overrides=OVERRIDES)
    trend = with_history["trend"]
    assert trend["reason"] is None
    assert [p["date"] for p in trend["points"]] == ["2026-04-01", "2026-07-01", "2026-10-01"]
    assert [p["current"] for p in trend["points"]] == [False, False, True]
    assert [p["respondent_count"] for p in trend["points"]] == [4, 5, 4]
    for point, answers in zip(trend["points"][:2], history, strict=True):
        result, spans = score(framework, answers), intervals(framework, answers)
        assert point["overall"]["score"] == result.overall
        assert spans.overall is not None
        assert point["overall"]["low"] == spans.overall.low
        for d in result.dimensions:
            iv = spans.dimensions[d.id]
            assert point["dimensions"][d.id] == {
                "score": d.score,
                "low": None if iv is None else iv.low,
                "high": None if iv is None else iv.high,
            }
    assert trend["points"][2]["overall"] == pytest.approx(
        {
            "score": 48.61,
            "low": with_history["intervals"]["overall"]["low"],
            "high": with_history["intervals"]["overall"]["high"],
        },
        abs=0.005,
    )
    changes = {c["dimension"]: c for c in trend["changes"]}
    before = trend["points"][1]
    assert changes["overall"]["change"] == pytest.approx(48.61 - before["overall"]["score"], abs=0.011)
    assert changes["governance"]["previous"] == before["dimensions"]["governance"]["score"]
    # two named changes: since the assessment before this one, and since the first
    first = trend["points"][0]
    assert changes["overall"]["first"] == first["overall"]["score"]
    assert changes["overall"]["since_first"] == pytest.approx(48.61 - first["overall"]["score"], abs=0.011)
    assert changes["overall"]["since_first"] != pytest.approx(changes["overall"]["change"])
    assert changes["monitoring"]["done_items"] == ["mon-user-feedback"]
    assert changes["governance"]["done_items"] == []
    assert trend["notes"] == []
    assert (
        "compared with 2 earlier assessments (2026-04-01, 2026-07-01)"
        in (with_history["trust"]["limitations"][3]["finding"])
    )
    # the rest of the report does not depend on the history
    for key in ("result", "intervals", "agreement", "hotspots", "roles", "answers"):
        assert with_history[key] == without[key], key
    validate(with_history)

    html = render_report(framework, example, "html", generated_at=WHEN, history=history).decode()
    assert 'id="chart-trend"' in html
    assert "2026-07-01" in html
    assert 'id="chart-trend"' not in render_report(framework, example, "html", generated_at=WHEN).decode()
    md = render_report(framework, example, "md", generated_at=WHEN, history=history).decode()
    head = "| Dimension | 2026-04-01 | 2026-07-01 | 2026-10-01 (this one) | Since previous | Since first |"
    assert head in md
    assert "| **Overall** |" in md.split("## Progress over time", 1)[1]


def test_history_in_every_shape(framework: Framework, example: AnswerSet, history: list[AnswerSet]) -> None:
    first, second = history
    r1, r2 = score(framework, first), score(framework, second)
    u2 = intervals(framework, second)
    shapes: list[Any] = [
        [first, second],
        [(framework, first), (dt.date(2026, 7, 1), second)],
        [(dt.date(2026, 4, 1), r1), (dt.date(2026, 7, 1), r2, u2)],
    ]
    trends = [data_of(framework, example, history=h)["trend"] for h in shapes]
    scores = [[p["overall"]["score"] for p in t["points"]] for t in trends]
    assert scores[0] == scores[1] == scores[2]
    assert trends[0]["points"] == trends[1]["points"]
    # a result without intervals is a point without a band
    assert trends[2]["points"][0]["overall"]["low"] is None
    assert trends[2]["points"][1] == trends[0]["points"][1]


def test_history_of_another_version_is_noted(
    framework: Framework, v2_framework: Framework, example: AnswerSet
) -> None:
    older = example_answers(v2_framework, seed=3, date=dt.date(2026, 4, 1))
    trend = data_of(framework, example, history=[older])["trend"]
    assert [p["framework"] for p in trend["points"]] == ["mlops-scorecard@2.0.0", "mlops-scorecard@1.0.0"]
    assert "different framework versions" in trend["notes"][0]


def test_assessment_without_a_date_goes_at_the_report_date(
    framework: Framework, example: AnswerSet, history: list[AnswerSet]
) -> None:
    undated = example.model_copy(update={"date": None})
    trend = data_of(framework, undated, history=history)["trend"]
    assert trend["points"][-1]["date"] == "2026-10-02"
    assert trend["points"][-1]["current"]
    assert trend["notes"] == ["This assessment has no date; it is placed at the report's date (2026-10-02)."]


def test_bad_history_is_a_scorecard_error(
    framework: Framework, other_framework: Framework, example: AnswerSet
) -> None:
    other = example_answers(other_framework, date=dt.date(2026, 1, 1))
    with pytest.raises(ScorecardError, match=r"is of other@1, this one of mlops-scorecard@1\.0\.0"):
        render_report(framework, example, "json", history=[other])
    undated = example.model_copy(update={"date": None})
    with pytest.raises(ScorecardError, match=r"earlier assessment 1 \(Payments ML team.*\) has no date"):
        render_report(framework, example, "md", history=[undated])
    with pytest.raises(ScorecardError, match="history entry 1: expected"):
        render_report(framework, example, "md", history=["q1.yaml"])  # type: ignore[list-item]
    with pytest.raises(ScorecardError, match="unknown status"):
        render_report(framework, example, "md", plan_overrides={"mon-metrics": {"status": "maybe"}})


# --- determinism, all formats ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "md", "html", "pdf"])
def test_reports_repeat_byte_for_byte(
    framework: Framework, example: AnswerSet, history: list[AnswerSet], fmt: ReportFormat
) -> None:
    def once() -> bytes:
        return render_report(
            framework, example, fmt, generated_at=WHEN, history=history, plan_overrides=OVERRIDES
        )

    assert once() == once()


def test_respondent_order_does_not_change_the_intervals(framework: Framework, example: AnswerSet) -> None:
    shuffled = example.model_copy(update={"respondents": example.respondents[::-1]})
    assert data_of(framework, shuffled)["intervals"] == data_of(framework, example)["intervals"]


def test_report_data_takes_a_precomputed_analysis(framework: Framework, example: AnswerSet) -> None:
    from mlops_scorecard.analysis import analyze

    result = score(framework, example)
    given = analyze(framework, example, confidence=0.95, result=result)
    data = report_data(framework, example, result, generated_at=WHEN, analysis=given)
    assert data["intervals"]["confidence"] == 0.95
    other = report_data(framework, example, result, generated_at=WHEN, confidence=0.8)
    assert other["intervals"]["confidence"] == 0.8


# --- rendering --------------------------------------------------------------------------


def test_html_shows_every_new_section(
    framework: Framework, example: AnswerSet, history: list[AnswerSet]
) -> None:
    html = render_report(
        framework, example, "html", generated_at=WHEN, history=history, plan_overrides=OVERRIDES
    ).decode()
    for anchor in ("agreement", "roles", "plan", "trend"):
        assert f'<section id="{anchor}">' in html
        assert f'href="#{anchor}"' in html
    overall = intervals(framework, example).overall
    assert overall is not None
    assert f"90% interval {overall.low:.1f}\N{EN DASH}{overall.high:.1f}" in html
    assert 'id="hotspot-gov-team"' in html
    assert "Nobody owns this today." in html
    assert "Roles missing:</strong> compliance, leadership" in html
    assert 'id="plan-mon-user-feedback"' in html
    assert '<span class="done">Are there mechanisms for capturing' in html
    assert "in progress" in html
    assert "Jonas" in html
    assert "mon-user-feedback</td>" in html  # done beside the change of its dimension
    assert "What this assessment shows" in html


def test_markdown_shows_every_new_section(framework: Framework, example: AnswerSet) -> None:
    md = render_report(framework, example, "md", generated_at=WHEN, plan_overrides=OVERRIDES).decode()
    for heading in (
        "## Agreement and the calibration agenda",
        "### Hotspots: questions to discuss together",
        "## Who answered: scores by role",
        "## Improvement plan",
        "## Progress over time",
    ):
        assert f"\n{heading}\n\n" in md, heading
    assert "| Governance | -0.16 | none | 3 | 11 |" in md
    assert "| ml-engineer | 1 | 75.0 | 100.0 | 33.3 | 83.3 | 33.3 | 33.3 | 59.7 |" in md
    assert "- [x] **2. Are there mechanisms for capturing and analyzing feedback from users?**" in md
    assert "  - Status: in progress · owner: Jonas · due: —" in md
    assert "No earlier assessments were given" in md
    assert "\n\n\n" not in md


def test_markdown_links_the_section_charts(framework: Framework, example: AnswerSet) -> None:
    from mlops_scorecard.reports.markdown import render_markdown

    text = render_markdown(data_of(framework, example), chart_paths={"roles": "roles.svg", "trend": "t.svg"})
    roles = text.split("## Who answered", 1)[1].split("\n## ", 1)[0]
    assert "![Radar chart of the scores by role](roles.svg)" in roles
    assert "t.svg" not in text  # no trend without history


def test_roles_chart_needs_two_roles(framework: Framework) -> None:
    from mlops_scorecard.reports.figures import report_charts

    one_role = example_answers(framework, people=[("A", "ml-engineer")], respondents=3)
    charts = report_charts(data_of(framework, one_role), "svg")
    assert sorted(charts) == ["radar", "stellar"]


def test_pdf_shows_every_new_section(
    framework: Framework, example: AnswerSet, history: list[AnswerSet], tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "report.pdf"
    write_report(path, framework, example, generated_at=WHEN, history=history, plan_overrides=OVERRIDES)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    text = " ".join(out.stdout.decode("utf-8").split())
    overall = intervals(framework, example).overall
    assert overall is not None
    for expected in (
        f"Overall score (0-100) Defined 90% interval {overall.low:.1f}\N{EN DASH}{overall.high:.1f}",
        "Agreement and the calibration agenda",
        "Krippendorff's alpha (ordinal) overall: 0.04 (low)",
        "Hotspots: questions to discuss together",
        "Who answered: scores by role",
        "Roles missing: compliance, leadership.",
        "Improvement plan",
        "Status: in progress · owner: Jonas",
        "Progress over time",
        "2026-10-01 (this one)",
        "mon-user-feedback",
        "What this assessment shows",
    ):
        assert expected in text, expected


# --- the CLI ------------------------------------------------------------------------------

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.output


def test_cli_report_previous(framework: Framework, history: list[AnswerSet], tmp_path: Path) -> None:
    current = tmp_path / "q3.yaml"
    dump_answers(example_answers(framework), current)
    earlier = []
    for i, answers in enumerate(history):
        earlier += ["--previous", str(tmp_path / f"q{i}.yaml")]
        dump_answers(answers, tmp_path / f"q{i}.yaml")
    result = run("report", str(current), *earlier, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["date"] for p in data["trend"]["points"]] == ["2026-04-01", "2026-07-01", "2026-10-01"]
    assert data["intervals"]["method"] == METHOD
    alone = json.loads(run("report", str(current), "--format", "json").output)
    assert alone["trend"]["points"] == []
    out = tmp_path / "report.html"
    result = run("report", str(current), *earlier, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert 'id="chart-trend"' in out.read_text(encoding="utf-8")


def test_cli_report_previous_bad_input(
    framework: Framework, other_framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    current = tmp_path / "q3.yaml"
    dump_answers(example, current)
    assert_error(
        run("report", str(current), "--previous", str(tmp_path / "nope.yaml"), "--format", "md"),
        "nope.yaml",
        "file not found",
    )
    other = tmp_path / "other.yaml"
    dump_answers(example_answers(other_framework, date=dt.date(2026, 1, 1)), other)
    assert_error(
        run("report", str(current), "--previous", str(other), "--format", "md"),
        "other.yaml: is an assessment of other@1",
        "one framework",
    )
    undated = tmp_path / "undated.yaml"
    dump_answers(example.model_copy(update={"date": None}), undated)
    assert_error(run("report", str(current), "--previous", str(undated), "--format", "md"), "has no date")
