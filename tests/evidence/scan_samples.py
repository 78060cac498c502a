"""Scan results built by hand for the output tests: every status, a negative practice
found, evidence with and without lines, warnings, and file names a hostile repository
could hold (``|``, backticks, HTML, a Markdown link)."""

from __future__ import annotations

from mlops_scorecard.evidence.crosscheck import crosscheck
from mlops_scorecard.evidence.output import ScanReport
from mlops_scorecard.evidence.practices import PRACTICE_IDS, Catalogue, parse_catalogue
from mlops_scorecard.evidence.results import (
    Evidence,
    PracticeFinding,
    RepositoryScan,
    ScanResult,
    ScanWarning,
)
from mlops_scorecard.framework import Framework

HOSTILE = "data/<script>alert(1)</script>|`x`[a](javascript:alert(1)).pkl"


def title(pid: str) -> str:
    """A readable title for a practice id ("data-versioning" -> "Data versioning")."""
    return pid.replace("-", " ").capitalize()


def sample_catalogue() -> Catalogue:
    """A catalogue of the twenty practices, one signal each (the outputs read only the
    practices' texts), so these tests do not depend on the shipped catalogue's wording."""
    practices = [
        {
            "id": pid,
            "title": title(pid),
            "negative": pid == "large-artifacts-committed",
            "description": f"What counts as {pid}: its tools' configuration files.",
            "remediation": f"Adopt {pid} <now> | `soon`.",
            "caveat": "Presence is not enforcement." if pid == "ci" else "",
            "signals": [{"id": "some-file", "kind": "file", "title": "A file", "paths": [f"{pid}.yml"]}],
        }
        for pid in PRACTICE_IDS
    ]
    return parse_catalogue({"format": 1, "practices": practices})


def finding(
    framework: Framework, pid: str, status: str, evidence: list[Evidence] | None = None
) -> PracticeFinding:
    """A finding for practice ``pid`` with its title, questions and evidence."""
    items = evidence or []
    levels = [e.confidence for e in items]
    confidence = next((c for c in ("high", "medium", "low") if c in levels), None)
    return PracticeFinding.model_validate(
        {
            "id": pid,
            "title": title(pid),
            "negative": pid == "large-artifacts-committed",
            "status": status,
            "confidence": confidence if status != "not-found" else None,
            "evidence": items,
            "evidence_total": len(items),
            "questions": framework.evidence.get(pid, []),
            "note": "only mentioned in the README" if status == "inconclusive" else "",
        }
    )


def ev(
    path: str, signal: str, line: int | None = None, confidence: str = "high", detail: str = ""
) -> Evidence:
    """One evidence item."""
    return Evidence.model_validate(
        {"path": path, "line": line, "signal": signal, "confidence": confidence, "detail": detail}
    )


def sample_scan(framework: Framework) -> ScanResult:
    """Two repositories: ``models`` (CI, tests, committed binaries, a tracker only
    mentioned) and ``serving`` (a container, nothing else)."""
    found_in_models = {
        "ci": [ev(".github/workflows/ci.yml", "github-actions"), ev(".gitlab-ci.yml", "gitlab-ci")],
        "tests": [ev("tests/test_train.py", "test-files"), ev("tests/test_io.py", "test-files")],
        "pinned-dependencies": [ev("requirements.txt", "pinned-requirements", 3, "medium")],
        "large-artifacts-committed": [
            ev("models/model.pkl", "model-binary", detail="12 MB, not under LFS or DVC"),
            ev(HOSTILE, "model-binary", detail="3 MB <b>bold</b>"),
        ],
    }
    models = []
    for pid in PRACTICE_IDS:
        if pid in found_in_models:
            models.append(finding(framework, pid, "found", found_in_models[pid]))
        elif pid == "experiment-tracking":
            models.append(
                finding(framework, pid, "inconclusive", [ev("README.md", "mention", 12, "low", "mlflow")])
            )
        else:
            models.append(finding(framework, pid, "not-found"))
    serving = [
        finding(framework, pid, "found", [ev("Dockerfile", "dockerfile", 1)])
        if pid == "containerization"
        else finding(framework, pid, "not-found")
        for pid in PRACTICE_IDS
    ]
    return ScanResult(
        tool_version="0.1.0",
        generated_at="2026-12-01T10:00:00+00:00",
        framework=framework.ref,
        repositories=[
            RepositoryScan(
                path="/src/models",
                name="models",
                kind="git",
                commit="0123456789abcdef0123456789abcdef01234567",
                files_scanned=120,
                practices=models,
                warnings=[
                    ScanWarning(path="notebooks/broken.ipynb", message="not valid JSON (line 3)"),
                    ScanWarning(path="odd|name`.yaml", message="not valid YAML: <tab> at line 2"),
                ],
            ),
            RepositoryScan(path="serving", name="serving", files_scanned=8, practices=serving),
        ],
    )


def sample_report(framework: Framework) -> ScanReport:
    """:func:`sample_scan` cross-checked with answers: a "yes" to monitoring (nothing
    found), a "no" to the CI questions (CI found), a "yes" to data versioning (binaries
    committed)."""
    scan = sample_scan(framework)
    counts = {
        "mon-metrics": {"yes": 3},
        "deploy-repeatable": {"no": 2, "unknown": 1},
        "data-versioning": {"yes": 2, "no": 1},
    }
    return ScanReport.of(scan, crosscheck(scan, framework, counts, question_set="full"))
