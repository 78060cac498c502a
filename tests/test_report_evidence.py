"""The report's Evidence section: a scan set beside the answers, in every format.

The scans are built by hand (the scanner is tested on its own): one repository with CI,
tests, a container and a committed model file, another with CI and experiment tracking,
and a file name written to break out of every format it is printed in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.cli import app
from mlops_scorecard.evidence.crosscheck import CrossCheck, answer_counts, crosscheck
from mlops_scorecard.evidence.practices import PRACTICE_IDS
from mlops_scorecard.evidence.results import Evidence, PracticeFinding, RepositoryScan, ScanResult, Status
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import ReportFormat, render_report, report_schema
from test_report_golden import check_golden, rendered

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
SCANNED = "2026-10-01T08:00:00+00:00"
#: A file name that is markup in HTML, a cell break and code in Markdown, and a
#: formula in a spreadsheet.
HOSTILE = "<script>alert(1)</script>|`rm -rf`|=cmd().yml"
NEGATIVE = "large-artifacts-committed"

runner = CliRunner()


def finding(
    pid: str, status: Status, *places: str, total: int | None = None, note: str = ""
) -> PracticeFinding:
    evidence = [Evidence(path=p, line=3, signal=f"{pid}-config", confidence="high") for p in places]
    return PracticeFinding(
        id=pid,
        title=pid.replace("-", " ").capitalize(),
        negative=pid == NEGATIVE,
        status=status,
        confidence="high" if places else None,
        evidence=evidence,
        evidence_total=len(evidence) if total is None else total,
        note=note,
    )


def repository(
    name: str, found: dict[str, list[str]], *, inconclusive: tuple[str, ...] = ()
) -> RepositoryScan:
    practices = []
    for pid in PRACTICE_IDS:
        if pid in found:
            practices.append(finding(pid, "found", *found[pid], total=max(len(found[pid]), 1) + 4))
        elif pid in inconclusive:
            practices.append(finding(pid, "inconclusive", note="the CI file could not be parsed"))
        else:
            practices.append(finding(pid, "not-found"))
    return RepositoryScan(path=f"../{name}", name=name, kind="git", files_scanned=40, practices=practices)


def team_scan(generated_at: str = SCANNED) -> ScanResult:
    return ScanResult(
        generated_at=generated_at,
        framework="mlops-scorecard@1.0.0",
        repositories=[
            repository(
                "serving",
                {
                    "ci": [f".github/workflows/{HOSTILE}"],
                    "tests": ["tests/test_api.py"],
                    "containerization": ["Dockerfile"],
                    NEGATIVE: ["models/model.pkl"],
                },
                inconclusive=("monitoring",),
            ),
            repository("training", {"ci": [".gitlab-ci.yml"], "experiment-tracking": ["train.py"]}),
        ],
    )


def check_of(framework: Framework, answers: AnswerSet, scan: ScanResult | None = None) -> CrossCheck:
    return crosscheck(
        scan or team_scan(), framework, answer_counts(answers), question_set=answers.question_set
    )


def report(
    framework: Framework, answers: AnswerSet, fmt: ReportFormat, check: CrossCheck | None = None, **kw: Any
) -> bytes:
    return render_report(
        framework,
        answers,
        fmt,
        generated_at=WHEN,
        evidence=check,
        evidence_scanned_at=[SCANNED] if check else (),
        **kw,
    )


def pdf_text(body: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def text_of(body: bytes, fmt: ReportFormat, tmp_path: Path) -> str:
    return pdf_text(body, tmp_path) if fmt == "pdf" else body.decode("utf-8")


@pytest.fixture
def check(framework: Framework, example: AnswerSet) -> CrossCheck:
    return check_of(framework, example)


# -- the section in each format ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_each_format_has_the_section_with_evidence_and_not_without(
    framework: Framework, example: AnswerSet, check: CrossCheck, fmt: ReportFormat, tmp_path: Path
) -> None:
    lead = "What the code shows, from 2 repositories scanned on 2026-10-01; the code never overrules the answers."
    with_ = " ".join(text_of(report(framework, example, fmt, check), fmt, tmp_path).split())
    without = text_of(report(framework, example, fmt), fmt, tmp_path)
    assert lead in with_
    assert "Disagreements to talk through" in with_
    assert "Answers the code suggests" in with_
    assert "Experiment tracking" in with_
    assert "What the code shows" not in without
    assert "Disagreements to talk through" not in without
    # the section comes after the roles and before the plan
    assert with_.index("Who answered") < with_.index(lead) < with_.index("Improvement plan")


def test_without_evidence_the_json_has_no_evidence_part(framework: Framework, example: AnswerSet) -> None:
    data = json.loads(report(framework, example, "json"))
    assert "evidence" not in data
    assert report(framework, example, "md") == render_report(framework, example, "md", generated_at=WHEN)


def test_html_nav_links_the_section_only_when_there_is_one(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    assert '<a href="#evidence">Evidence</a>' in report(framework, example, "html", check).decode()
    assert 'href="#evidence"' not in report(framework, example, "html").decode()
    # suggested answers are folded: the disagreements come first
    html = report(framework, example, "html", check).decode()
    assert re.search(
        r"<details class=\"suggested\">\s*<summary>Answers the code suggests \(\d+\)</summary>", html
    )


def test_disagreements_name_the_question_the_kind_and_the_files(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    md = report(framework, example, "md", check).decode()
    section = md.split("### Disagreements to talk through", 1)[1].split("### Answers the code suggests", 1)[0]
    # example answers: dev-process has "no" answers while both repositories run CI
    assert "(`dev-process`, Model Development), evidence not claimed:" in section
    assert "    - training:.gitlab-ci.yml:3" in section
    assert "claimed, no evidence" in section
    assert len(re.findall(r"^\d+\. \*\*", section, re.M)) == len(check.disagreements)


def test_a_negative_practice_found_is_marked_as_a_risk(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    md = report(framework, example, "md", check).decode()
    row = next(line for line in md.splitlines() if line.startswith("| Large artifacts committed"))
    assert "**found (a risk)**" in row
    assert "serving:models/model.pkl:3" in row
    assert "Also found, a risk: Large artifacts committed." in md
    html = report(framework, example, "html", check).decode()
    assert '<td class="nowrap ev-bad">found (a risk)</td>' in html


def test_places_are_capped_and_the_rest_counted(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    data = json.loads(report(framework, example, "json", check))
    tests = next(p for p in data["evidence"]["practices"] if p["id"] == "tests")
    assert tests["evidence_total"] == 5
    assert [pl["path"] for pl in tests["places"]] == ["tests/test_api.py"]
    md = report(framework, example, "md", check).decode()
    assert "serving:tests/test\\_api.py:3, and 4 more" in md


def test_scans_of_several_days_give_the_span(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    body = render_report(
        framework,
        example,
        "md",
        generated_at=WHEN,
        evidence=check,
        evidence_scanned_at=["2026-09-30T10:00:00+00:00", SCANNED, SCANNED],
    ).decode()
    assert "scanned between 2026-09-30 and 2026-10-01;" in body
    undated = render_report(framework, example, "md", generated_at=WHEN, evidence=check).decode()
    assert "from 2 repositories scanned; the code never overrules the answers." in undated


def test_the_viewers_report_keeps_the_evidence_and_names_nobody(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    data = json.loads(report(framework, example, "json", check, aggregate_only=True))
    assert data["evidence"]["repository_count"] == 2
    names = {r.name for r in example.respondents if r.name}
    text = json.dumps(data["evidence"])
    assert names
    assert not any(name in text for name in names)


# -- hostile file names --------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_a_hostile_file_name_is_escaped_in_html(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    html = report(framework, example, "html", check).decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|`rm -rf`|=cmd().yml" in html
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells, split at the pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", row.strip().strip("|"))


def test_a_hostile_file_name_is_escaped_in_markdown(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    md = report(framework, example, "md", check).decode()
    assert "<script>" not in md
    escaped = r"\<script\>alert(1)\</script\>\|\`rm -rf\`\|=cmd().yml"
    assert escaped in md
    ci = next(line for line in md.splitlines() if line.startswith("| Ci (ci)"))
    assert len(_cells(ci)) == 4  # the pipes in the name do not open new cells
    suggestion = next(line for line in md.splitlines() if line.startswith("| Are models deployed"))
    assert len(_cells(suggestion)) == 4
    # in the disagreements' file lists too
    assert f"    - serving:.github/workflows/{escaped}:3" in md


def test_a_newline_in_a_file_name_cannot_start_a_markdown_block(
    framework: Framework, example: AnswerSet
) -> None:
    scan = team_scan()
    repo = scan.repositories[1]
    practices = [
        finding("ci", "found", "ci.yml\n# Heading\n<img src=x onerror=alert(1)>") if p.id == "ci" else p
        for p in repo.practices
    ]
    scan = scan.model_copy(
        update={"repositories": [scan.repositories[0], repo.model_copy(update={"practices": practices})]}
    )
    md = report(framework, example, "md", check_of(framework, example, scan)).decode()
    assert not re.search(r"^# Heading", md, re.M)
    assert not re.search(r"(?<!\\)<img", md)
    html = report(framework, example, "html", check_of(framework, example, scan)).decode()
    assert "<img src=x" not in html


def test_a_hostile_file_name_is_plain_text_in_the_pdf(
    framework: Framework, example: AnswerSet, check: CrossCheck, tmp_path: Path
) -> None:
    text = pdf_text(report(framework, example, "pdf", check), tmp_path)
    # drawn as the characters it is (a long name wraps inside its cell, at the space)
    flat = "".join(text.split())
    assert "".join(f"serving:.github/workflows/{HOSTILE}:3".split()) in flat
    assert flat.count("<script>alert(1)</script>") >= 3  # practices, disagreements, suggestions


# -- the JSON part -------------------------------------------------------------------


def _strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden wherever it lists properties."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def test_the_json_validates_against_the_schema(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    data = json.loads(report(framework, example, "json", check))
    jsonschema.Draft202012Validator(_strict(report_schema())).validate(data)
    ev = data["evidence"]
    assert ev["repository_count"] == 2
    assert ev["scanned_at"] == [SCANNED]
    assert [p["id"] for p in ev["practices"]] == list(PRACTICE_IDS)
    assert len(ev["disagreements"]) == len(check.disagreements) > 0
    broken = json.loads(json.dumps(data))
    broken["evidence"]["practices"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(broken)


def test_evidence_matches_golden(framework: Framework, example: AnswerSet, check: CrossCheck) -> None:
    text = rendered(framework, example, "md", evidence=check, evidence_scanned_at=[SCANNED])
    section = "## Evidence" + text.split("## Evidence", 1)[1].split("## Improvement plan", 1)[0]
    check_golden("example-report-evidence.md", section)


# -- report --evidence ---------------------------------------------------------------


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    result = run("example", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def write_scan(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


def scan_json(scan: ScanResult | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((scan or team_scan()).model_dump_json())
    return data


def test_report_evidence_adds_the_section(answers_file: Path, tmp_path: Path) -> None:
    data = scan_json()
    data["crosscheck"] = {"whatever": "scan --answers wrote"}  # dropped, not an error
    path = write_scan(tmp_path, "scan.json", data)
    result = run("report", str(answers_file), "--evidence", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["evidence"]["repository_count"] == 2
    assert report["evidence"]["scanned_at"] == [SCANNED]
    assert report["evidence"]["disagreements"]


def test_repeated_evidence_takes_the_repositories_together(answers_file: Path, tmp_path: Path) -> None:
    scan = team_scan()
    first = scan.model_copy(update={"repositories": scan.repositories[:1]})
    second = scan.model_copy(
        update={"repositories": scan.repositories[1:], "generated_at": "2026-10-02T07:00:00Z"}
    )
    a = write_scan(tmp_path, "serving.json", scan_json(first))
    b = write_scan(tmp_path, "training.json", scan_json(second))
    result = run("report", str(answers_file), "--evidence", str(a), "--evidence", str(b), "--format", "md")
    assert result.exit_code == 0, result.output
    assert "from 2 repositories scanned between 2026-10-01 and 2026-10-02;" in result.output
    # experiment tracking is only in the second scan, containers only in the first
    row = next(line for line in result.output.splitlines() if line.startswith("| Experiment tracking"))
    assert "training:train.py:3" in row
    row = next(line for line in result.output.splitlines() if line.startswith("| Containerization"))
    assert "serving:Dockerfile:3" in row


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.output


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ('{"schema_version": 1,\n "repositories": [}', ["line 2: invalid JSON"]),
        ("[1, 2]", ["not a scan result: expected a JSON object"]),
        (
            '{"schema_version": 2, "repositories": []}',
            ["has schema_version 2", "reads scan results of schema_version 1"],
        ),
        ('{"repositories": []}', ["has no schema_version"]),
        (
            '{"schema_version": 1,\n "repositories": [\n  {"path": ".", "practices": [\n'
            '   {"id": "ci", "status": "maybe"}]}]}',
            ["line 4: repositories[0].practices[0] (ci).status:", "'found', 'not-found' or 'inconclusive'"],
        ),
        ('{"schema_version": 1, "repositories": [], "surprise": 1}', ["surprise: unknown field"]),
    ],
)
def test_report_evidence_errors_name_the_file_and_the_place(
    answers_file: Path, tmp_path: Path, content: str, fragments: list[str]
) -> None:
    path = write_scan(tmp_path, "scan.json", content)
    result = run("report", str(answers_file), "--evidence", str(path), "--format", "md")
    assert_error(result, f"{path}: ", *fragments)


def test_report_evidence_of_a_missing_file(answers_file: Path, tmp_path: Path) -> None:
    result = run("report", str(answers_file), "--evidence", str(tmp_path / "nope.json"), "--format", "md")
    assert_error(result, "nope.json: file not found")


def test_report_evidence_of_too_many_repositories(answers_file: Path, tmp_path: Path) -> None:
    paths = [
        write_scan(
            tmp_path,
            f"many{k}.json",
            scan_json(ScanResult(repositories=[RepositoryScan(path=f"r{k}-{i}") for i in range(600)])),
        )
        for k in (1, 2)
    ]
    result = run(
        "report",
        str(answers_file),
        "--evidence",
        str(paths[0]),
        "--evidence",
        str(paths[1]),
        "--format",
        "md",
    )
    assert_error(result, "1200 repositories in all: a report takes the scans of at most 1000")


def test_a_scan_given_twice_counts_once(answers_file: Path, tmp_path: Path) -> None:
    one = ScanResult(repositories=[RepositoryScan(path="/src/api", name="api")])
    path = write_scan(tmp_path, "one.json", scan_json(one))
    result = run(
        "report", str(answers_file), "--evidence", str(path), "--evidence", str(path), "--format", "md"
    )
    assert result.exit_code == 0, result.output
    assert "from 1 repository" in result.output


def test_the_subjectivity_limitation_says_what_the_code_shows(
    framework: Framework, example: AnswerSet, check: CrossCheck
) -> None:
    def subjectivity(data: dict[str, Any]) -> str:
        lim = next(lim for lim in data["trust"]["limitations"] if lim["id"] == "subjectivity")
        finding: str = lim["finding"]
        return finding

    n = len({d.question for d in check.disagreements})
    with_ = subjectivity(json.loads(report(framework, example, "json", check)))
    without = subjectivity(json.loads(report(framework, example, "json")))
    assert (
        with_
        == without
        + f" The code of 2 repositories and the answers disagree on {n} questions, listed under Evidence."
    )
    quiet = check.model_copy(update={"disagreements": []})
    assert subjectivity(json.loads(report(framework, example, "json", quiet))).endswith(
        "The code of 2 repositories agrees with the answers wherever it shows something (Evidence)."
    )
