"""The printable questionnaire: Markdown and PDF hold every question, its answers or
choices as tick boxes, the scale, the source and the context questions."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.cli import app
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.framework.lens import lens_to_framework
from mlops_scorecard.reports.pdf.questionnaire import render_questionnaire_pdf
from mlops_scorecard.reports.questionnaire import questionnaire_view, render_questionnaire_markdown

LENSES = Path(__file__).parent / "data" / "lenses"
runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "q.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    # lines wrap anywhere: compare with runs of white space made one space
    return " ".join(out.stdout.decode("utf-8").split())


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def lens_framework() -> Framework:
    return lens_to_framework((LENSES / "cognito-v1.0.json").read_bytes(), source="cognito.json").framework


@pytest.fixture(scope="module")
def with_profile(framework: Framework) -> Framework:
    data = framework.model_dump(mode="json", by_alias=True)
    data["profile"] = [
        {
            "id": "regulated",
            "text": "Does the organization work in a regulated industry?",
            "options": [
                {"id": "yes", "label": "Yes, regulated", "prioritise": ["gov-policies"]},
                {"id": "no", "label": "Not regulated"},
            ],
        }
    ]
    return parse_framework(data)


def test_markdown_holds_every_question_with_a_box_per_answer(framework: Framework) -> None:
    text = render_questionnaire_markdown(framework, "full")
    assert text.startswith("# MLOps Scorecard\n")
    assert "Questionnaire for `mlops-scorecard@1.0.0` (all questions, 48 in all)." in text
    assert "Krystian Safjan" in text
    for choice in framework.scale.values():
        assert f"| {choice.label} | {choice.description} |" in text
    for _, q in framework.iter_questions("full"):
        assert f"Question `{q.id}`" in text, q.id
        assert f". {q.text}\n" in text, q.id
    # five boxes a question, and a place for notes
    assert text.count("- [ ] Yes\n- [ ] Partly\n- [ ] No\n- [ ] Not applicable\n- [ ] Don't know\n") == 48
    assert text.count("\nNotes:\n") == 48
    assert "### 1.1. Does the organization have a clear ML strategy" in text
    assert "### 6.8. " in text


def test_the_core_set_leaves_the_extended_questions_out(framework: Framework) -> None:
    text = render_questionnaire_markdown(framework, "core")
    assert "(core questions, 18 in all)" in text
    ids = re.findall(r"Question `([^`]+)`", text)
    assert ids == [q.id for _, q in framework.iter_questions("core")]


def test_context_questions_come_first(with_profile: Framework) -> None:
    text = render_questionnaire_markdown(with_profile, "core")
    context = text.index("## Context")
    assert context < text.index("## 1. Governance")
    assert "**C1. Does the organization work in a regulated industry?** (`regulated`)" in text
    assert "- [ ] Yes, regulated\n- [ ] Not regulated\n" in text


def test_markdown_of_a_lens_has_a_box_per_choice(lens_framework: Framework) -> None:
    text = render_questionnaire_markdown(lens_framework, "full")
    assert "Tick every choice in place:" in text
    _, q = lens_framework.question("cgnsec1") or (None, None)
    assert q is not None
    for choice in q.choices:
        label = choice.label.replace("_", "\\_")
        suffix = " (selected alone)" if choice.none else ""
        assert f"- [ ] {label}{suffix}\n" in text, choice.id
    assert "- [ ] None of these (selected alone)\n" in text
    # scale questions' answers are not offered for choice questions; "not applicable" is
    assert "- [ ] Partly" not in text
    assert "- [ ] Not applicable\n" in text
    assert text.count("- [ ] ") == sum(len(q.choices) + 2 for _, q in lens_framework.iter_questions("full"))


def test_markdown_escapes_the_framework_text(framework: Framework) -> None:
    data = framework.model_dump(mode="json", by_alias=True)
    data["title"] = "Team <script>alert(1)</script>"
    data["dimensions"][0]["questions"][0]["text"] = "[click](javascript:alert(1)) # heading?"
    text = render_questionnaire_markdown(parse_framework(data), "core")
    assert "<script>" not in text
    assert "[click](javascript:" not in text
    assert "\\[click\\](javascript:alert(1)) \\# heading?" in text


def test_pdf_holds_every_question_id_and_text(framework: Framework, tmp_path: Path) -> None:
    data = render_questionnaire_pdf(framework, "full")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert "MLOps Scorecard" in text
    assert "Questionnaire for mlops-scorecard@1.0.0 (all questions, 48 in all)" in text
    for _, q in framework.iter_questions("full"):
        assert f"Question {q.id}" in text, q.id
        assert one_line(q.text) in text, q.id
    for choice in framework.scale.values():
        assert one_line(choice.description) in text
    assert text.count("Yes Partly No Not applicable Don't know") == 48
    # the same framework gives the same bytes
    assert render_questionnaire_pdf(framework, "full") == data


def test_pdf_of_a_lens_lists_each_choice(lens_framework: Framework, tmp_path: Path) -> None:
    text = pdf_text(render_questionnaire_pdf(lens_framework, "core"), tmp_path)
    for _, q in lens_framework.iter_questions("core"):
        assert f"Question {q.id}" in text
        for choice in q.choices:
            assert one_line(choice.label) in text, choice.id
    assert "None of these (selected alone)" in text


def test_pdf_context_questions(with_profile: Framework, tmp_path: Path) -> None:
    text = pdf_text(render_questionnaire_pdf(with_profile, "core"), tmp_path)
    assert text.index("Context") < text.index("1. Governance")
    assert "C1 Does the organization work in a regulated industry? Question regulated" in text
    assert "Yes, regulated Not regulated" in text


def test_the_view_numbers_questions_by_dimension(framework: Framework) -> None:
    view = questionnaire_view(framework, "core")
    assert [d.number for d in view.dimensions] == [1, 2, 3, 4, 5, 6]
    assert [i.number for i in view.dimensions[1].items] == ["2.1", "2.2", "2.3"]
    assert view.count == 18


def test_export_help_has_an_example() -> None:
    result = run("frameworks", "export", "--help")
    assert result.exit_code == 0
    assert "frameworks export mlops-scorecard --format pdf -o questionnaire.pdf" in one_line(result.output)


def test_export_command_writes_md_and_pdf(tmp_path: Path) -> None:
    md = tmp_path / "q.md"
    result = run(
        "frameworks", "export", "mlops-scorecard", "--format", "md", "-o", str(md), "--question-set", "core"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {md} (mlops-scorecard@1.0.0, 18 questions)\n"
    assert "(core questions, 18 in all)" in md.read_text()
    pdf = tmp_path / "q.pdf"
    result = run("frameworks", "export", "mlops-scorecard", "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    # Markdown to standard output; a PDF only to a file
    result = run("frameworks", "export", "mlops-scorecard", "--set", "core")
    assert result.exit_code == 0
    assert result.stdout.startswith("# MLOps Scorecard\n")
    result = run("frameworks", "export", "mlops-scorecard", "--format", "pdf")
    assert result.exit_code == 1
    assert result.stderr == "error: a PDF goes to a file: give -o FILE.pdf\n"
    again = run("frameworks", "export", "mlops-scorecard", "--format", "pdf", "-o", str(pdf))
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_export_of_an_imported_lens(tmp_path: Path) -> None:
    fw_file = tmp_path / "lens.yaml"
    result = run("frameworks", "import-lens", str(LENSES / "passport.json"), "-o", str(fw_file))
    assert result.exit_code == 0, result.output
    md = tmp_path / "q.md"
    result = run("frameworks", "export", str(fw_file), "-o", str(md))
    assert result.exit_code == 0, result.output
    text = md.read_text()
    assert "- [ ] Yes.\n" in text
    assert "- [ ] No.\n" in text
