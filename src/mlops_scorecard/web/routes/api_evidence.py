"""API: evidence from code. ``mlops-scorecard scan --upload`` sends a scan here; each
repository's latest scan is kept with the assessment and set beside its answers.

Facilitators (and admins) upload and delete, viewers read: scans hold file paths and
tool names, and the cross-check holds answer counts, aggregates only. A closed
assessment's evidence is part of its record: no upload, no delete (409).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from ...evidence.results import RepositoryScan
from ...store.assessments import get_assessment
from ...store.evidence import (
    MAX_SCAN_BYTES,
    StoredScan,
    delete_scan,
    evidence_crosscheck,
    read_scan,
    save_scan,
    scans_for,
    stored_scans,
)
from ..api_models.common import utc
from ..api_models.evidence import EvidenceOut, EvidenceStored, StoredRepositoryOut
from ..audit_trail import note
from ..context import state
from ..security import CurrentUser
from .api_common import AssessmentId, Facilitator, Viewer, errors

router = APIRouter(tags=["evidence"])

RepositoryName = Annotated[
    str, Path(min_length=1, max_length=200, description="the repository's name", examples=["payments-model"])
]


async def _scan_body(request: Request) -> bytes:
    """The request body, when it is JSON of at most :data:`MAX_SCAN_BYTES` (the app's own
    body limit may be higher, for answers files)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise HTTPException(415, "send the scan as application/json (mlops-scorecard scan --format json)")
    body = await request.body()
    if len(body) > MAX_SCAN_BYTES:
        raise HTTPException(413, f"the scan is larger than {MAX_SCAN_BYTES // 2**20} MiB")
    return body


def _found(repo: RepositoryScan) -> int:
    return sum(1 for p in repo.practices if p.status == "found")


def _repository_out(s: StoredScan, with_uploader: bool) -> StoredRepositoryOut:
    return StoredRepositoryOut(
        name=s.repository,
        path=s.path,
        kind=s.scan.kind,
        commit=s.commit,
        files_scanned=s.scan.files_scanned,
        practices_found=_found(s.scan),
        warnings=len(s.scan.warnings),
        tool_version=s.tool_version,
        generated_at=s.generated_at,
        uploaded_at=utc(s.uploaded_at),
        uploaded_by=s.uploaded_by if with_uploader else None,
    )


def _evidence(request: Request, assessment_id: int, user: CurrentUser) -> EvidenceOut:
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        stored = stored_scans(session, assessment=a)
        scan = scans_for(session, assessment=a, stored=stored)
        check = evidence_crosscheck(session, assessment=a, scan=scan)
    return EvidenceOut(
        assessment_id=assessment_id,
        # an account name is not the evidence: viewers get the scans without it
        repositories=[_repository_out(s, user.can("facilitator")) for s in stored],
        scan=scan,
        crosscheck=check,
    )


@router.post(
    "/assessments/{assessment_id}/evidence",
    summary="Upload a repository scan",
    status_code=201,
    response_model=EvidenceStored,
    responses=errors(403, 404, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A scan (`mlops-scorecard scan --format json`, docs/evidence.md); "
            "a report's `crosscheck` key is ignored.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScanResult"}}},
        }
    },
)
def evidence_upload(
    request: Request,
    assessment_id: AssessmentId,
    user: Facilitator,
    body: Annotated[bytes, Depends(_scan_body)],
) -> EvidenceStored:
    """Store each repository of the scan with the assessment, replacing an earlier scan
    of a repository of the same name, all or nothing; the other repositories' scans stay.
    A scan that does not fit the schema is 422 with the place of each problem; a closed
    assessment, or more than 100 repositories or 16 MiB of scans for one assessment, 409."""
    result = read_scan(body)  # validated before the transaction: the lock is held for the writes only
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        names = [row.repository for row in save_scan(session, assessment=a, result=result, by=user.id)]
        note(
            request,
            session,
            action="evidence.upload",
            summary=f"Uploaded the scan of {', '.join(names)}",
            assessment=a,
            detail={"repositories": names},
            user=user,
        )
    now = _evidence(request, assessment_id, user)
    return EvidenceStored(**dict(now), stored=names)


@router.get(
    "/assessments/{assessment_id}/evidence",
    summary="The evidence from code and its cross-check",
    response_model=EvidenceOut,
    responses=errors(404, 422),
)
def evidence_get(request: Request, assessment_id: AssessmentId, user: Viewer) -> EvidenceOut:
    """Each repository's latest scan, all of them as one scan, and the cross-check: per
    practice found or not over the repositories, the answers the code suggests, and the
    disagreements between the answers and the code (null without scans). Viewers get
    every repository's ``uploaded_by`` as null."""
    return _evidence(request, assessment_id, user)


@router.delete(
    "/assessments/{assessment_id}/evidence/{repository:path}",
    summary="Delete a repository's scan",
    response_model=EvidenceOut,
    responses=errors(403, 404, 409, 422),
)
def evidence_delete(
    request: Request, assessment_id: AssessmentId, repository: RepositoryName, user: Facilitator
) -> EvidenceOut:
    """Forget one repository's scan (by its name, which may hold '/'); the evidence as it
    then stands. A closed assessment keeps its evidence (409)."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        delete_scan(session, assessment=a, repository=repository)
        note(
            request,
            session,
            action="evidence.delete",
            summary=f"Deleted the scan of {repository}",
            assessment=a,
            detail={"repository": repository},
            user=user,
        )
    return _evidence(request, assessment_id, user)
