"""What a scan found: the versioned result every output (terminal, JSON, Markdown,
SARIF), the service and the report read.

The models are the JSON schema (``schemas/scan.schema.json`` is generated from them and
checked by a test), so the service validates an uploaded scan with the same classes the
scanner writes it with. Paths are relative to each repository's root, with ``/``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CONFIDENCES",
    "SCHEMA_VERSION",
    "Confidence",
    "Evidence",
    "PracticeFinding",
    "RepositoryScan",
    "ScanResult",
    "ScanWarning",
    "Status",
    "place_text",
    "strongest",
]

SCHEMA_VERSION: Literal[1] = 1
Confidence = Literal["high", "medium", "low"]
#: Strongest first.
CONFIDENCES: tuple[Confidence, ...] = ("high", "medium", "low")
Status = Literal["found", "not-found", "inconclusive"]
#: Evidence items kept per practice and repository; ``evidence_total`` counts them all.
MAX_EVIDENCE = 25


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def place_text(path: str, line: int | None, repository: str = "") -> str:
    """``repository:path:line`` (parts left out when not known): how every output
    names a place."""
    where = f"{path}:{line}" if line else path
    return f"{repository}:{where}" if repository else where


class Evidence(_Model):
    """One signal seen in one place: a file (and line, when the signal has one)."""

    path: str = Field(max_length=1000, description="Relative to the repository's root, '/'-separated.")
    line: int | None = Field(default=None, ge=1, description="1-based; null for a whole file or folder.")
    signal: str = Field(max_length=120, description="The signal's id in the practices catalogue.")
    confidence: Confidence
    detail: str = Field(
        default="", max_length=300, description="What was seen, e.g. 'calls mlflow.log_metric'."
    )
    repository: str = Field(
        default="", max_length=200, description="Set in findings merged over repositories."
    )

    def where(self, *, repository: bool = True) -> str:
        """The place as text (:func:`place_text`), with the repository unless asked not to."""
        return place_text(self.path, self.line, self.repository if repository else "")


class PracticeFinding(_Model):
    """One practice in one repository (or merged over several)."""

    id: str = Field(max_length=80)
    title: str = Field(default="", max_length=200)
    negative: bool = Field(default=False, description="Found is bad news (large-artifacts-committed).")
    status: Status
    confidence: Confidence | None = Field(default=None, description="The strongest evidence's confidence.")
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_EVIDENCE * 50)
    evidence_total: int = Field(default=0, ge=0, description="All evidence seen, including items not listed.")
    questions: list[str] = Field(default_factory=list, description="Framework question ids it bears on.")
    note: str = Field(default="", max_length=500, description="Why it is inconclusive, or a caveat.")


class ScanWarning(_Model):
    """Something the scanner could not read or chose to skip, and why."""

    path: str = Field(default="", max_length=1000)
    message: str = Field(max_length=500)


class RepositoryScan(_Model):
    """One repository or folder scanned."""

    path: str = Field(max_length=1000, description="The path as given on the command line.")
    name: str = Field(default="", max_length=200)
    kind: Literal["git", "folder"] = "folder"
    commit: str | None = Field(default=None, max_length=64)
    files_scanned: int = Field(default=0, ge=0)
    practices: list[PracticeFinding] = Field(default_factory=list)
    warnings: list[ScanWarning] = Field(default_factory=list, max_length=10_000)


class ScanResult(_Model):
    """A whole scan: one or more repositories, version ``schema_version``."""

    schema_version: Literal[1] = SCHEMA_VERSION
    tool: str = Field(default="mlops-scorecard", max_length=80)
    tool_version: str = Field(default="", max_length=40)
    generated_at: str = Field(default="", max_length=40, description="ISO 8601, UTC.")
    framework: str | None = Field(
        default=None, max_length=200, description="id@version the questions refer to."
    )
    repositories: list[RepositoryScan] = Field(default_factory=list, max_length=1000)


def strongest(levels: list[Confidence]) -> Confidence | None:
    """The strongest of some confidences (``None`` for none)."""
    for level in CONFIDENCES:
        if level in levels:
            return level
    return None
