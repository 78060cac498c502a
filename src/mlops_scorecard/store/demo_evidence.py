"""Repository scans for the demo organization: what a team's code might show at its
level of maturity, so that the demo's assessment pages have evidence to set beside the
answers. Made up, like the rest of the demo; real scans come from ``mlops-scorecard scan``."""

from __future__ import annotations

import random
from collections.abc import Mapping

from ..evidence.practices import default_catalogue
from ..evidence.results import Evidence, PracticeFinding, RepositoryScan, ScanResult
from ..framework import Framework

__all__ = ["demo_scan"]

#: Practice -> (the dimension whose maturity makes it likely, a place that would show it).
_SHOWN_BY: dict[str, tuple[str, str, int | None]] = {
    "ci": ("deployment", ".github/workflows/ci.yml", 1),
    "tests": ("model-development", "tests/test_features.py", None),
    "data-versioning": ("data-management", "dvc.yaml", 1),
    "experiment-tracking": ("model-development", "src/train.py", 12),
    "model-registry": ("deployment", "src/register.py", 21),
    "pipeline-orchestration": ("data-management", "pipelines/training_dag.py", 8),
    "containerization": ("deployment", "Dockerfile", 1),
    "infrastructure-as-code": ("deployment", "infra/main.tf", 1),
    "monitoring": ("monitoring", "src/monitoring/drift.py", 5),
    "data-validation": ("data-management", "src/validate.py", 9),
    "feature-store": ("data-management", "feature_repo/feature_store.yaml", 1),
    "pinned-dependencies": ("model-development", "poetry.lock", None),
    "random-seeds": ("model-development", "src/train.py", 30),
    "code-quality": ("model-development", ".pre-commit-config.yaml", 1),
    "documentation": ("governance", "docs/index.md", None),
    "model-documentation": ("governance", "MODEL_CARD.md", None),
    "dependency-updates": ("continuous-improvement", ".github/dependabot.yml", 1),
    "security-scanning": ("governance", ".github/workflows/codeql.yml", 14),
    "code-ownership": ("governance", ".github/CODEOWNERS", 1),
    "large-artifacts-committed": ("data-management", "models/model-v3.pkl", None),
}


def demo_scan(
    framework: Framework, *, team: str, profile: Mapping[str, float], rng: random.Random, when: str
) -> ScanResult:
    """A made-up scan of ``team``'s one repository: each practice found with the chance
    the team's ``profile`` (dimension -> 0-1) gives its dimension (the negative one with
    the opposite chance)."""
    slug = team.lower().replace(" ", "-")
    findings = []
    for practice in default_catalogue().practices:
        dimension, path, line = _SHOWN_BY[practice.id]
        chance = profile.get(dimension, 0.5)
        found = rng.random() < (1 - chance if practice.negative else chance)
        signal = practice.signals[0]
        evidence = (
            [Evidence(path=path, line=line, signal=signal.id, confidence=signal.level)] if found else []
        )
        findings.append(
            PracticeFinding(
                id=practice.id,
                title=practice.title,
                negative=practice.negative,
                status="found" if found else "not-found",
                confidence=signal.level if found else None,
                evidence=evidence,
                evidence_total=len(evidence),
                questions=list(framework.evidence.get(practice.id, [])),
            )
        )
    repo = RepositoryScan(
        path=f"git@example.com:acme/{slug}.git",
        name=slug,
        kind="git",
        commit=f"{rng.getrandbits(160):040x}",
        files_scanned=rng.randint(120, 900),
        practices=findings,
    )
    return ScanResult(generated_at=when, framework=framework.ref, repositories=[repo])
