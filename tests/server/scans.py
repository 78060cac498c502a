"""Scans built by hand for the service's evidence tests (no scanner needed), and an
assessment with answers to set them beside."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlops_scorecard.answers import Answer, AnswerSet, Respondent
from mlops_scorecard.evidence.results import Evidence, PracticeFinding, RepositoryScan, ScanResult, Status
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.models import Assessment, Unit
from mlops_scorecard.store.units import create_unit

FW = get_framework("mlops-scorecard")


def finding(pid: str, status: Status = "found", *places: tuple[str, int | None]) -> PracticeFinding:
    """A finding of practice ``pid`` with evidence at ``places`` (path, line)."""
    evidence = [Evidence(path=p, line=n, signal=f"{pid}-signal", confidence="high") for p, n in places]
    return PracticeFinding(
        id=pid,
        title=pid.replace("-", " ").capitalize(),
        status=status,
        confidence="high" if evidence else None,
        evidence=evidence,
        evidence_total=len(evidence),
        questions=list(FW.evidence.get(pid, [])),
    )


def repo(
    name: str, *findings: PracticeFinding, path: str | None = None, commit: str = "abc123"
) -> RepositoryScan:
    """A git repository scanned, with these findings."""
    return RepositoryScan(
        path=path or f"/src/{name}",
        name=name,
        kind="git",
        commit=commit,
        files_scanned=12,
        practices=list(findings),
    )


def scan(*repos: RepositoryScan) -> ScanResult:
    """A scan of these repositories."""
    return ScanResult(
        tool_version="0.9.0",
        generated_at="2026-12-01T12:00:00Z",
        framework=FW.ref,
        repositories=list(repos),
    )


def tracking_scan() -> ScanResult:
    """Experiment tracking found in ``api`` (train.py:3), data validation found nowhere."""
    return scan(
        repo(
            "api",
            finding("experiment-tracking", "found", ("train.py", 3), ("notebooks/explore.ipynb", None)),
            finding("data-validation", "not-found"),
        ),
        repo("models", finding("experiment-tracking", "not-found"), finding("data-validation", "not-found")),
    )


def scan_json(result: ScanResult, **extra: Any) -> dict[str, Any]:
    """The scan as the CLI sends it (plus report-only keys such as ``crosscheck``)."""
    return {**result.model_dump(mode="json"), **extra}


def assessment_with_answers(session: Session, *, status: str = "open") -> Assessment:
    """An assessment (of the one unit the tests share) in which three people answered
    "no", "no" and "don't know" to tracking performance and "yes" to data quality control."""
    unit = session.scalar(select(Unit).where(Unit.name == "Payments ML team")) or create_unit(
        session, name="Payments ML team"
    )
    a = create_assessment(session, unit_id=unit.id, title="Q4 review", status="open")
    people = [
        Respondent(
            name=f"person {i}",
            answers={
                "dev-performance-tracking": Answer(answer="no" if i < 2 else "unknown"),
                "data-quality-control": Answer(answer="yes"),
            },
        )
        for i in range(3)
    ]
    import_answer_set(session, assessment=a, answers=AnswerSet(framework=FW.ref, respondents=people))
    if status != "open":
        from mlops_scorecard.store.assessments import set_status

        set_status(session, assessment=a, status=status)
    session.flush()
    return a
