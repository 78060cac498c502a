"""The reports API: formats, writing files by suffix, errors, and lazy imports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import (
    REPORT_FORMATS,
    ReportFormat,
    format_for_path,
    render_report,
    write_report,
)
from mlops_scorecard.scoring import score

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
MAGIC = {"html": b"<!DOCTYPE html>", "md": b"# ", "json": b"{", "pdf": b"%PDF-"}


def test_formats() -> None:
    assert REPORT_FORMATS == ("html", "md", "json", "pdf")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("r.html", "html"),
        ("r.HTM", "html"),
        ("r.md", "md"),
        ("r.markdown", "md"),
        ("r.json", "json"),
        ("out/r.pdf", "pdf"),
    ],
)
def test_write_report_picks_the_format_from_the_suffix(
    framework: Framework, example: AnswerSet, tmp_path: Path, name: str, fmt: ReportFormat
) -> None:
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    assert write_report(path, framework, example, generated_at=WHEN) == fmt
    body = path.read_bytes()
    assert body.startswith(MAGIC[fmt])
    if fmt != "pdf":  # the PDF's reproducibility is tested in test_report_pdf.py
        assert body == render_report(framework, example, fmt, generated_at=WHEN)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("name", ["report.txt", "report", "report.html.bak", "report.docx"])
def test_write_report_refuses_an_unknown_suffix(
    framework: Framework, example: AnswerSet, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with pytest.raises(ScorecardError, match="cannot tell the report format") as info:
        write_report(path, framework, example)
    assert name in str(info.value)
    assert ".pdf" in str(info.value)
    assert not path.exists()


def test_explicit_format_wins_over_the_suffix(
    framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    path = tmp_path / "report.txt"
    assert write_report(path, framework, example, "md", generated_at=WHEN) == "md"
    assert path.read_text(encoding="utf-8").startswith("# Payments ML team")


def test_unknown_format_is_a_scorecard_error(
    framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    with pytest.raises(ScorecardError, match="unknown report format 'docx'"):
        render_report(framework, example, "docx")  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="unknown report format"):
        write_report(tmp_path / "r.md", framework, example, "xml")  # type: ignore[arg-type]
    assert format_for_path("A.PDF") == "pdf"


def test_write_report_into_a_missing_folder_is_a_scorecard_error(
    framework: Framework, example: AnswerSet, tmp_path: Path
) -> None:
    with pytest.raises(ScorecardError, match="cannot write report"):
        write_report(tmp_path / "nope" / "r.json", framework, example)


def test_writing_keeps_the_old_file_when_rendering_fails(
    framework: Framework, example: AnswerSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.md"
    path.write_text("old report", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("mlops_scorecard.reports.markdown.render_markdown", broken)
    with pytest.raises(RuntimeError):
        write_report(path, framework, example)
    assert path.read_text(encoding="utf-8") == "old report"


def test_a_given_result_is_used(framework: Framework, example: AnswerSet) -> None:
    result = score(framework, example)
    data = json.loads(render_report(framework, example, "json", result=result, generated_at=WHEN))
    assert data["result"]["overall"] == result.overall
    other = score(framework, AnswerSet(framework=framework.ref))
    data = json.loads(render_report(framework, example, "json", result=other, generated_at=WHEN))
    assert data["result"]["overall"] is None  # the caller's result, not a fresh score


def test_importing_reports_loads_no_renderer_dependency() -> None:
    code = (
        "import sys, mlops_scorecard.reports as r; "
        "heavy = sorted(m for m in ('matplotlib', 'jinja2', 'fpdf', 'numpy') if m in sys.modules); "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_every_format_renders_an_assessment_nobody_answered(framework: Framework, fmt: ReportFormat) -> None:
    body = render_report(framework, AnswerSet(framework=framework.ref), fmt, generated_at=WHEN)
    assert body.startswith(MAGIC[fmt])
    if fmt != "pdf":
        text = body.decode("utf-8")
        assert "Nobody has answered yet" in text
        assert "48.6" not in text
