"""The scan as Markdown: a table per repository, the warnings, the cross-check, and
nothing from a scanned repository that a viewer would render as markup."""

from __future__ import annotations

import re

from mlops_scorecard.evidence.markdown import WARNINGS_SHOWN, scan_markdown
from mlops_scorecard.evidence.output import ScanReport
from mlops_scorecard.evidence.results import RepositoryScan, ScanResult, ScanWarning
from mlops_scorecard.framework import Framework

from .scan_samples import HOSTILE, ev, finding, sample_report, sample_scan

#: A cell separator: a pipe that no backslash escapes.
SEPARATOR = re.compile(r"(?<!\\)\|")


def table_rows(text: str, header: str) -> list[list[str]]:
    """The body rows of the table whose header row starts with ``header``, as cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in SEPARATOR.split(line)[1:-1]])
    return rows


def test_one_table_per_repository_with_status_confidence_and_places(framework: Framework) -> None:
    text = scan_markdown(sample_scan(framework))
    assert text.startswith("# Evidence from code\n")
    assert "## models" in text
    assert "## serving" in text
    rows = table_rows(text, "| Practice | Status |")
    assert len(rows) == 20
    assert all(len(r) == 4 for r in rows), rows
    by_title = {r[0]: r for r in rows}
    assert by_title["Ci"][1:] == ["found", "high", ".github/workflows/ci.yml, .gitlab-ci.yml"]
    assert by_title["Pinned dependencies"][1:] == ["found", "medium", "requirements.txt:3"]
    assert by_title["Experiment tracking"][1] == "inconclusive (only mentioned in the README)"
    assert by_title["Experiment tracking"][3] == "README.md:12"
    assert by_title["Large artifacts committed"][1] == "found (a problem)"
    assert by_title["Monitoring"][1:] == ["not found", "—", "—"]
    assert "git commit 0123456789ab" in text
    assert "a folder, not a git checkout" in text
    # 3 of 19 positives less 1 negative in models; merged over both, 4 less 1
    assert "evidence coverage 11%" in text
    assert "evidence coverage 16%" in text


def test_nothing_from_the_repository_becomes_markup(framework: Framework) -> None:
    text = scan_markdown(sample_report(framework))
    assert "<script>" not in text
    assert "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # a link needs an unescaped "]("
    assert not re.search(r"(?<!\\)`", text)  # no code span can open
    # the hostile name stays one cell, its pipe escaped
    row = next(r for r in table_rows(text, "| Practice | Status |") if r[0] == "Large artifacts committed")
    assert len(row) == 4
    assert "\\|" in row[3]
    assert "\\<script\\>" in row[3]
    assert "odd\\|name\\`.yaml: not valid YAML: \\<tab\\> at line 2" in text
    assert HOSTILE not in text


def test_warnings_are_listed_and_a_long_list_is_cut(framework: Framework) -> None:
    text = scan_markdown(sample_scan(framework))
    assert "Warnings (2):" in text
    assert "- notebooks/broken.ipynb: not valid JSON (line 3)" in text
    assert "No warnings: every file was read." in text  # the serving repository
    many = [ScanWarning(path=f"f{i}.json", message="not valid JSON") for i in range(WARNINGS_SHOWN + 7)]
    scan = ScanResult(repositories=[RepositoryScan(path="big", warnings=many)])
    text = scan_markdown(scan)
    assert f"Warnings ({WARNINGS_SHOWN + 7}):" in text
    assert text.count("- f") == WARNINGS_SHOWN
    assert "… 7 more (see the JSON output)" in text


def test_the_crosscheck_lists_disagreements_and_suggestions(framework: Framework) -> None:
    text = scan_markdown(sample_report(framework))
    section = text.split("## Beside the answers (mlops-scorecard@1.0.0)", 1)[1]
    talk = section.split("### Suggested answers", 1)[0]
    items = re.findall(r"^\d+\. (.*)$", talk, flags=re.MULTILINE)
    assert len(items) == 4
    assert "2 of 3 answered yes, but the code shows large artifacts committed" in items[0]
    assert "Answers: yes 2, no 1." in items[0]
    assert "answered no or don't know, but the code shows ci and containerization" in talk
    assert "Answers: no 2, don't know 1." in talk
    assert "Files: models:.github/workflows/ci.yml, models:.gitlab-ci.yml, serving:Dockerfile:1." in talk
    rows = table_rows(section, "| Question |")
    suggested = {r[0].rsplit("(", 1)[1].rstrip(")"): r for r in rows}
    assert suggested["dev-testing"][1] == "yes"
    assert suggested["dev-testing"][3] == "models:tests/test\\_train.py, models:tests/test\\_io.py"
    assert suggested["mon-metrics"][1:3] == ["no", "not found: monitoring"]
    assert "not proof that it is enforced" in section


def test_no_crosscheck_section_without_answers(framework: Framework) -> None:
    scan = sample_scan(framework)
    assert "Beside the answers" not in scan_markdown(scan)
    assert "Beside the answers" not in scan_markdown(ScanReport.of(scan))


def test_many_places_are_counted_not_listed(framework: Framework) -> None:
    items = [ev(f"tests/test_{i}.py", "test-files") for i in range(5)]
    f = finding(framework, "tests", "found", items).model_copy(update={"evidence_total": 30})
    text = scan_markdown(ScanResult(repositories=[RepositoryScan(path="r", practices=[f])]))
    row = table_rows(text, "| Practice | Status |")[0]
    assert row[3] == "tests/test\\_0.py, tests/test\\_1.py, tests/test\\_2.py (+27 more)"


def test_several_repositories_get_a_summary_first(framework: Framework) -> None:
    text = scan_markdown(sample_scan(framework))
    assert text.index("## Summary") < text.index("## models")
    rows = table_rows(text, "| Practice | models | serving | Found in |")
    by_title = {r[0]: r[1:] for r in rows}
    assert by_title["Ci"] == ["found", "—", "1 of 2"]
    assert by_title["Containerization"] == ["—", "found", "1 of 2"]
    assert by_title["Experiment tracking"] == ["inconclusive", "—", "0 of 2"]
    assert by_title["Large artifacts committed"] == ["found (a problem)", "—", "1 of 2"]
    assert by_title["Evidence coverage"] == ["11%", "5%", "16%"]
    one = ScanResult(repositories=sample_scan(framework).repositories[:1])
    assert "## Summary" not in scan_markdown(one)
