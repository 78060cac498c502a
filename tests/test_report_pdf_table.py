"""The PDF report's tables: lines broken as fpdf2 broke them, headings on every page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf.util import Padding

from mlops_scorecard.reports.pdf.page import FONT, ReportPDF, wrap
from mlops_scorecard.reports.pdf.table import BOLD, Table


@pytest.fixture
def pdf() -> ReportPDF:
    doc = ReportPDF("Heading", "footer")
    doc.add_page()
    doc.set_font(FONT, "", 9)
    return doc


def test_wrap_breaks_before_the_word_that_overflows(pdf: ReportPDF) -> None:
    text = "one two three four five six seven eight nine ten"
    width = pdf.get_string_width("one two three") + 0.01
    lines = wrap(pdf, text, width)
    assert lines[0] == "one two three"
    assert " ".join(lines) == text
    assert all(pdf.get_string_width(line) <= width for line in lines)


def test_wrap_keeps_newlines_and_breaks_long_words(pdf: ReportPDF) -> None:
    assert wrap(pdf, "first\nsecond", 100) == ["first", "second"]
    assert wrap(pdf, "", 100) == []
    long = "x" * 80
    lines = wrap(pdf, long, 20)
    assert len(lines) > 1
    assert "".join(lines) == long
    assert all(pdf.get_string_width(line) <= 20 for line in lines)


def test_wrap_matches_fpdf2s_own_line_breaking(pdf: ReportPDF) -> None:
    text = (
        "Are there processes for continuous improvement and experimentation?"
        " (Continuous Improvement, +8.1 points); a-very-long-hyphenated-word-that-runs-on"
    )
    for width in (20.0, 35.5, 60.0, 141.6):
        ours = wrap(pdf, text, width)
        # a padding (however small) stops multi_cell keeping c_margin clear on each side
        theirs = pdf.multi_cell(
            width + 0.002, 4.6, text, dry_run=True, output="LINES", padding=Padding(0, 0.001, 0, 0.001)
        )
        assert isinstance(theirs, list)
        assert ours == [line.rstrip() for line in theirs], width


def test_a_long_table_repeats_its_heading_on_every_page(pdf: ReportPDF, tmp_path: Path) -> None:
    with Table(pdf, (1, 3), "RL", ["Rank", "Item"]) as table:
        for i in range(120):
            table.row([str(i), f"item {i}"], style=BOLD if i == 0 else None)
    assert pdf.page_no() >= 3
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "table.pdf"
    path.write_bytes(bytes(pdf.output()))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert len(re.findall(r"^Rank Item$", text, re.M)) == pdf.page_no()
    assert "item 119" in text
