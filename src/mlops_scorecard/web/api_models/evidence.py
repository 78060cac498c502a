"""API bodies of an assessment's evidence: the repositories' stored scans, all of them
as one scan, and the cross-check against the answers (``store/evidence.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from ...evidence.crosscheck import CrossCheck
from ...evidence.results import ScanResult

__all__ = ["EvidenceOut", "EvidenceStored", "StoredRepositoryOut"]


class StoredRepositoryOut(BaseModel):
    """One repository's scan as stored: what was scanned, and who sent it when."""

    name: str = Field(description="the name scans of this repository are replaced under")
    path: str = Field(description="the path the scan was run on")
    kind: Literal["git", "folder"]
    commit: str | None
    files_scanned: int
    practices_found: int = Field(description="practices found (the negative one included)")
    warnings: int = Field(description="files the scanner could not read or skipped")
    tool_version: str
    generated_at: str = Field(description="when the scan ran (ISO 8601, UTC), as the scanner wrote it")
    uploaded_at: dt.datetime
    uploaded_by: str | None = Field(
        description="the username of the token that uploaded it (null for viewers, or a deleted account)"
    )


class EvidenceOut(BaseModel):
    """An assessment's evidence: each repository's latest scan, all of them as one scan,
    and the cross-check against the answers (null without scans)."""

    assessment_id: int
    repositories: list[StoredRepositoryOut]
    scan: ScanResult = Field(description="every repository's latest scan (docs/evidence.md)")
    crosscheck: CrossCheck | None = Field(
        description="practices merged over the repositories, suggested answers and disagreements"
    )


class EvidenceStored(EvidenceOut):
    """After an upload: the evidence as it now stands, and the repositories just stored."""

    stored: list[str] = Field(description="names of the repositories this upload stored or replaced")
