"""The PDF report: a valid, multi-page, reproducible A4 document that prints any name."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mlops_scorecard.answers import Answer, AnswerSet, Respondent
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.reports import render_report

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
A4 = re.compile(rb"/MediaBox\s*\[\s*0\.?0*\s+0\.?0*\s+595\.2\d*\s+841\.8\d*\s*\]")


def pdf(framework: Framework, answers: AnswerSet, when: dt.datetime = WHEN) -> bytes:
    return render_report(framework, answers, "pdf", generated_at=when)


def pages(body: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", body))


def pdf_text(body: bytes, tmp_path: Path) -> str:
    """The PDF's text through poppler's pdftotext (.ci/run installs poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def example_pdf(framework: Framework) -> bytes:
    from mlops_scorecard.example import example_answers

    return pdf(framework, example_answers(framework))


def test_pdf_is_a_complete_multi_page_a4_document(example_pdf: bytes) -> None:
    assert example_pdf.startswith(b"%PDF-1.")
    assert example_pdf.rstrip().endswith(b"%%EOF")
    assert pages(example_pdf) > 1
    assert A4.search(example_pdf)
    assert b"/CreationDate (D:20261002093000Z" in example_pdf
    assert b"/FontFile2" in example_pdf  # DejaVu embedded, not a Latin-1 core font
    # the two charts (and the roles chart) are vector drawings now, not images:
    # test_pdf_charts_are_vector_with_their_labels_as_text checks they are there
    assert not re.findall(rb"/Subtype\s*/Image", example_pdf)


def test_pdf_is_reproducible(framework: Framework, example: AnswerSet, example_pdf: bytes) -> None:
    assert pdf(framework, example) == example_pdf
    later = pdf(framework, example, WHEN + dt.timedelta(days=1))
    assert later != example_pdf
    assert b"/CreationDate (D:20261003093000Z" in later


def test_pdf_has_every_section(example_pdf: bytes, tmp_path: Path) -> None:
    text = " ".join(pdf_text(example_pdf, tmp_path).split())
    for expected in (
        "Payments ML team: MLOps assessment",
        "Scores",
        "Governance 48.6 24.9\N{EN DASH}72.3 Defined 92%",
        "Radar chart of the dimension scores; the band is the",
        "Stellar chart of the dimension scores",
        "How far to trust this result",
        "Coverage: 97% of 72 answers carry a score",
        "Limited actionability",
        "Answers per question",
        "Exists on paper; not enforced.",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_pdf_prints_unicode_names_and_comments(
    framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    qid = framework.dimensions[0].questions[0].id
    example.respondents.append(
        Respondent(
            name="Zoë Ångström", role="données", answers={qid: Answer(answer="yes", comment="Zoë — 数据 ✓")}
        )
    )
    body = pdf(framework, example)
    assert body.startswith(b"%PDF")
    assert pages(body) > 1
    text = pdf_text(body, tmp_path)
    assert "Zoë Ångström" in text
    assert "Zoë —" in text  # DejaVu has no CJK glyphs: 数据 prints as blanks, not an error


def test_pdf_for_one_respondent_with_no_answers(framework: Framework, tmp_path: Path) -> None:
    answers = AnswerSet(framework=framework.ref, respondents=[Respondent(name="Silent Sam")])
    body = pdf(framework, answers)
    text = " ".join(pdf_text(body, tmp_path).split())
    assert "Only one person answered." in text
    assert "Silent Sam gave no answers" in text
    assert "No answers." in text


def test_pdf_charts_are_vector_with_their_labels_as_text(
    framework: Framework, example_pdf: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(example_pdf)
    first = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    lines = [" ".join(line.split()) for line in first.splitlines()]
    # each one-line dimension title: once in the scores table, once in each of the two charts
    for title in ("Governance", "Data Management", "Deployment"):
        assert lines.count(title) == 3, (title, lines.count(title))
    # wrapped titles keep their words, on lines of their own
    assert lines.count("Evaluation") == 2
    for ring in ("20", "40", "60", "80", "100"):
        assert lines.count(ring) == 2, ring
    # the fills are translucent, as in the SVG: the one series' fill and its band
    assert {b"/ca 0.25", b"/ca 0.15"} <= set(re.findall(rb"/ca [0-9.]+", example_pdf))
    assert not re.findall(rb"/Subtype\s*/Image", example_pdf)


def test_pdf_chart_labels_with_markup_print_as_written(
    framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    data = framework.model_dump(mode="json")
    data["dimensions"][0]["title"] = "<b>Gov</b> & Co"
    fw = parse_framework(data)
    text = pdf_text(render_report(fw, example, "pdf", generated_at=WHEN), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert lines.count("<b>Gov</b> & Co") >= 3  # table, radar, stellar
