"""The scan document the CLI writes and the service accepts: the scan result, plus the
cross-check with the answers when there were answers; its JSON and its JSON schema.

``schemas/scan.schema.json`` is :func:`scan_schema` written out (a test keeps the two
equal); regenerate it with ``python -m mlops_scorecard.evidence.output``. The helpers
every output shares (status words, where the evidence is, the coverage that
``--fail-under`` reads) live here too, so the terminal, Markdown and SARIF say the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from .crosscheck import CrossCheck, merge_practices
from .results import CONFIDENCES, Evidence, PracticeFinding, ScanResult

__all__ = [
    "SCHEMA_ID",
    "ScanReport",
    "evidence_coverage",
    "place",
    "places",
    "report_coverage",
    "scan_json",
    "scan_schema",
    "scan_schema_json",
    "status_label",
]

SCHEMA_ID = "urn:mlops-scorecard:schema:scan:1"


class ScanReport(ScanResult):
    """A scan, and when answers were given (a file or an assessment on the service) the
    cross-check with them. A plain :class:`ScanResult` document is a valid report."""

    crosscheck: CrossCheck | None = Field(
        default=None, description="The scan set beside the answers; absent without answers."
    )

    @classmethod
    def of(cls, scan: ScanResult, crosscheck: CrossCheck | None = None) -> ScanReport:
        """The report of ``scan`` (a result, or a report whose cross-check is replaced)
        and ``crosscheck``."""
        fields = {k: v for k, v in dict(scan).items() if k != "crosscheck"}
        return cls(**fields, crosscheck=crosscheck)


def scan_json(report: ScanResult) -> str:
    """The JSON document of a scan (``crosscheck`` only when there is one), UTF-8 text
    ending in a newline."""
    data = report.model_dump(mode="json")
    if data.get("crosscheck", "absent") is None:
        del data["crosscheck"]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def scan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scan document, generated from the models."""
    generated = ScanReport.model_json_schema()
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mlops-scorecard scan",
        "description": (
            "What `mlops-scorecard scan` found in one or more repositories (schema_version 1): "
            "per repository, each practice's status, confidence and evidence (paths relative to "
            "the repository's root), the questions it bears on, and the warnings; with answers, "
            "the cross-check. Described in docs/evidence.md. Adding an optional field keeps "
            "schema_version; renaming, removing or changing the meaning of one bumps it."
        ),
    }
    schema.update({k: v for k, v in generated.items() if k not in ("title", "description")})
    # the models default them, but a document without them is no scan: a consumer
    # should be able to rely on the version and the list being there
    schema["required"] = ["schema_version", "repositories"]
    return schema


def scan_schema_json() -> str:
    """:func:`scan_schema` as the text of ``schemas/scan.schema.json``."""
    return json.dumps(scan_schema(), indent=2, ensure_ascii=False) + "\n"


def status_label(finding: PracticeFinding) -> str:
    """The status in words: ``found``, ``not found``, ``inconclusive``; a negative
    practice found is ``found (a problem)``."""
    if finding.status == "found" and finding.negative:
        return "found (a problem)"
    return finding.status.replace("-", " ")


def place(evidence: Evidence, *, repository: bool = False) -> str:
    """``path:line`` (or ``path``), prefixed with ``repository:`` when asked and known."""
    return evidence.where(repository=repository)


def places(finding: PracticeFinding, limit: int = 3, *, repository: bool = False) -> tuple[list[str], int]:
    """The first ``limit`` distinct places of a finding's evidence, strongest first, and
    how many more items of evidence there are (counting those not listed)."""
    ordered = sorted(finding.evidence, key=lambda e: CONFIDENCES.index(e.confidence))
    shown = list(dict.fromkeys(place(e, repository=repository) for e in ordered))[:limit]
    total = max(finding.evidence_total, len(finding.evidence))
    return shown, max(0, total - len(shown))


def evidence_coverage(practices: Sequence[PracticeFinding]) -> float | None:
    """Positive practices found, less negative practices found, over the positive
    practices, in percent and never below 0 (``None`` without positive practices)."""
    positive = [p for p in practices if not p.negative]
    if not positive:
        return None
    found = sum(p.status == "found" for p in positive)
    against = sum(p.status == "found" for p in practices if p.negative)
    return max(0.0, 100.0 * (found - against) / len(positive))


def report_coverage(report: ScanResult) -> float | None:
    """:func:`evidence_coverage` of a whole scan, each practice merged over its
    repositories (found where any repository shows it)."""
    return evidence_coverage(merge_practices(report))


if __name__ == "__main__":
    import sys

    sys.stdout.write(scan_schema_json())
