"""A framework read in points (the ML Test Score: 7 per section) reads in points
everywhere a person enters or reads a figure: targets entered, checked, compared and
shown in points; the reports' headline, tables, intervals and gains in points; the
scale's own labels instead of "yes" and "no"; the CLI's bands with "> " for open ones."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlops_scorecard.analysis.targets import check_targets, target_gaps, targets_in_unit
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.cli import app
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.format import TO, fmt_amount_in, fmt_counts, framework_answer_ends
from mlops_scorecard.framework import Framework, get_framework
from mlops_scorecard.reports import render_report
from mlops_scorecard.scoring import from_points, score, to_points

runner = CliRunner()
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SECTIONS = {"data": "data", "model": "model", "infrastructure": "infra", "monitoring": "monitor"}


@pytest.fixture(scope="module")
def mts() -> Framework:
    return get_framework("ml-test-score")


def answers_for(points: dict[str, float]) -> dict[str, str]:
    """One respondent's answers giving each section ``points`` (whole tests automated,
    a half point as one manual test, the rest not done)."""
    out: dict[str, str] = {}
    for section, p in points.items():
        whole, half = int(p), (p - int(p)) == 0.5
        for i in range(7):
            qid = f"{SECTIONS[section]}-{i + 1}"
            out[qid] = "yes" if i < whole else ("partly" if i == whole and half else "no")
    return out


# Monitoring: A 1.5, B 2.5 points, so 2 / 7 for the assessment (the overall, the minimum)
A = answers_for({"data": 4, "model": 3.5, "infrastructure": 7, "monitoring": 1.5})
B = answers_for({"data": 3, "model": 5, "infrastructure": 6, "monitoring": 2.5})


def mts_answers(*people: dict[str, str]) -> AnswerSet:
    return parse_answers(
        {
            "framework": "ml-test-score@1.0.0",
            "question_set": "core",
            "respondents": [{"name": f"r{i}", "answers": a} for i, a in enumerate(people)],
        }
    )


@pytest.fixture
def mts_file(tmp_path: Path) -> Path:
    path = tmp_path / "mts.yaml"
    data = {
        "framework": "ml-test-score@1.0.0",
        "question_set": "core",
        "respondents": [{"name": "A", "answers": A}, {"name": "B", "answers": B}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_points_and_0_100_convert_both_ways(mts: Framework) -> None:
    assert from_points(mts, 3) == pytest.approx(300 / 7)
    assert to_points(mts, from_points(mts, 3)) == pytest.approx(3)
    assert from_points(get_framework("mlops-scorecard"), 70) == 70


def test_targets_are_entered_in_points_and_checked_against_points(mts: Framework) -> None:
    stored = check_targets(mts, {"monitoring": 3, "overall": 2}, overall=True)
    assert stored == {"monitoring": pytest.approx(300 / 7), "overall": pytest.approx(200 / 7)}
    assert targets_in_unit(mts, stored) == {"monitoring": pytest.approx(3), "overall": pytest.approx(2)}
    with pytest.raises(ScorecardError, match=r"targets.monitoring: 8 is not a target from 0 to 7 points"):
        check_targets(mts, {"monitoring": 8})
    # 50 is a fine 0-100 target but not a number of points out of 7
    with pytest.raises(ScorecardError, match="from 0 to 7 points"):
        check_targets(mts, {"data": 50})
    # overall only where allowed (the CLI's --target; the store keeps dimensions)
    with pytest.raises(ScorecardError, match="unknown dimension 'overall'"):
        check_targets(mts, {"overall": 2})
    plain = get_framework("mlops-scorecard")
    assert check_targets(plain, {"governance": 70}) == {"governance": 70.0}
    with pytest.raises(ScorecardError, match="from 0 to 100"):
        check_targets(plain, {"governance": 130})


def test_a_target_in_points_is_compared_in_points(mts: Framework) -> None:
    # Monitoring is at 2 points (28.6 of 100): a target of 3 points is not met; it was
    # "met" when the 3 was compared with 28.6 on 0-100
    result = score(mts, mts_answers(A, B))
    (gap,) = target_gaps(result, check_targets(mts, {"monitoring": 3}))
    assert not gap.met
    assert gap.gap is not None
    assert to_points(mts, gap.gap) == pytest.approx(1)


def test_amounts_in_points() -> None:
    assert fmt_amount_in(100 / 7, 7, sign=True, unit=True) == "+1 point"
    assert fmt_amount_in(50 / 7, 7, sign=True, unit=True) == "+0.5 points"
    assert fmt_amount_in(14.2857, None, sign=True) == "+14.3"
    assert fmt_amount_in(300 / 7, 7) == "3"


def test_the_scales_own_labels_name_the_answers(mts: Framework) -> None:
    assert framework_answer_ends(mts) == ('"Automated, runs repeatedly"', '"Not done"')
    assert framework_answer_ends(get_framework("mlops-scorecard")) == ("yes", "no")
    labels = {k: c.label for k, c in mts.scale.items()}
    assert (
        fmt_counts({"yes": 1, "partly": 0, "no": 2}, labels=labels)
        == "Automated, runs repeatedly 1; Not done 2"
    )


def test_cli_report_targets_in_points(mts_file: Path) -> None:
    md = runner.invoke(app, ["report", str(mts_file), "--format", "md", "--target", "monitoring=3"])
    assert md.exit_code == 0, md.output
    # Monitoring at 2 / 7, target 3, gap 1 point: not "met"
    assert f"| Monitoring | 2 / 7 | 0.78{TO}3.22 | First pass | 3 | 1 | 100% |" in md.output
    data = json.loads(
        runner.invoke(app, ["report", str(mts_file), "--format", "json", "--target", "monitoring=3"]).output
    )
    (target,) = data["targets"]
    assert target["target"] == pytest.approx(300 / 7)  # the JSON stays on 0-100, beside the scores
    assert target["met"] is False
    bad = runner.invoke(app, ["report", str(mts_file), "--format", "md", "--target", "monitoring=8"])
    assert bad.exit_code == 1
    assert "--target monitoring: 8 is not a target from 0 to 7 points" in bad.output


def test_every_report_format_reads_in_points(mts: Framework, tmp_path: Path) -> None:
    answers = mts_answers(A, B)
    md = render_report(mts, answers, "md", generated_at=WHEN).decode()
    assert f"**Overall score: 2 / 7 points (First pass)**, 90% interval 0.78{TO}3.22" in md
    assert "28.6" not in md.split("## Scores")[0]  # no 0-100 figure in the headline
    assert "| Dimension | Points | 90% interval |" in md
    assert f"| **Overall** | **2 / 7** | **0.78{TO}3.22** |" in md
    assert "Scores are points out of 7 per dimension" in md
    # a plan item's gain: one test from not done to automated is one point of seven
    assert "(`monitor-4`, Monitoring 2 / 7): +1 point, +1 overall; answers now: Not done 2" in md
    assert "+14.3" not in md
    # the per-question table and the hotspots speak the scale's words
    assert (
        "| Question | Automated, runs repeatedly | Done manually, results documented and shared | Not done |"
        in md
    )
    assert "| Yes | Partly | No |" not in md
    assert 'split ("Automated, runs repeatedly" and "Not done")' in md
    assert "split (yes and no)" not in md
    html = render_report(mts, answers, "html", generated_at=WHEN).decode()
    assert '<div class="big">2 / 7 points</div>' in html
    assert "Overall score in points (28.6 of 100)" in html
    assert "+1 point" in html
    # the charts keep their 0-100 axes and say what they are
    assert "axes in % of the maximum: 7 points = 100" in html
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_report(mts, answers, "pdf", generated_at=WHEN))
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Overall score in points (28.6 of 100)" in text
    # the level column is wide enough for the longest level names, uncut
    assert "Strongly automated" in text
    assert "Strongly a…" not in text
    assert f"0.78{TO}3.22" in text


def test_a_default_framework_report_keeps_its_0_100_words() -> None:
    fw = get_framework("mlops-scorecard")
    ids = [q.id for _, q in fw.iter_questions("core")]
    answers = parse_answers(
        {
            "framework": fw.ref,
            "question_set": "core",
            "respondents": [
                {"name": "a", "answers": dict.fromkeys(ids, "yes")},
                {"name": "b", "answers": {ids[0]: "no", **dict.fromkeys(ids[1:], "partly")}},
            ],
        }
    )
    md = render_report(fw, answers, "md", generated_at=WHEN).decode()
    assert "| Question | Yes | Partly | No | N/A | Don't know | No answer | Score |" in md
    assert "Scores run from 0 to 100" in md
    assert "split (yes and no)" in md
    assert "said yes." in md


def test_frameworks_show_prints_open_bands_the_rule_and_the_unit() -> None:
    out = runner.invoke(app, ["frameworks", "show", "ml-test-score"])
    assert out.exit_code == 0, out.output
    assert "Scoring: dimension: sum, overall: minimum; points, out of 7 per dimension" in out.output
    assert (
        "Levels (points): Research project >= 0, Serious gaps > 0, First pass > 1, Fairly well tested > 2,"
        " Strongly automated > 3, Exceptional > 5"
    ) in out.output
    plain = runner.invoke(app, ["frameworks", "show", "mlops-scorecard"])
    assert "Scoring: dimension: weighted-mean, overall: weighted-mean; scores 0-100" in plain.output
    assert "Levels: Initial >= 0" in plain.output


def test_score_says_a_not_applicable_test_is_left_out_and_plan_gains_are_points(tmp_path: Path) -> None:
    # 2 automated and 1 not applicable in Monitoring: 2 of 6 applicable, 2 x 7 / 6 = 2.33 / 7
    answers = answers_for({"data": 7, "model": 7, "infrastructure": 7, "monitoring": 2})
    answers["monitor-3"] = "na"
    path = tmp_path / "na.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "framework": "ml-test-score@1.0.0",
                "question_set": "core",
                "respondents": [{"name": "A", "answers": answers}],
            }
        ),
        encoding="utf-8",
    )
    out = runner.invoke(app, ["score", str(path)], env={"COLUMNS": "160"})
    assert out.exit_code == 0, out.output
    assert "2.33 / 7" in out.output
    assert (
        "Monitoring: 6 of 7 questions applicable (the rest are left out, its points scaled to 7)."
        in out.output
    )
    plan = runner.invoke(app, ["plan", str(path)], env={"COLUMNS": "200"})
    assert plan.exit_code == 0, plan.output
    # one test of six applicable from not done to automated: 7 / 6 = 1.17 points
    assert "+1.17" in plan.output
    assert "+16.7" not in plan.output
    assert 'everyone answered "Automated, runs repeatedly"' in plan.output
