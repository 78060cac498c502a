"""Repository scans attached to an assessment: the evidence of ``mlops-scorecard scan``
set beside the answers.

One row per repository and assessment (``EvidenceScan``): an upload replaces the
repositories it names and leaves the others, so a team's repositories, each scanned in
its own CI job, add up to one scan merged per practice. Scans are part of the
assessment's record: a closed assessment takes no new scan and loses none (409), like
its answers. Only file paths, lines and tool names are stored, no personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, ScorecardError
from ..evidence.crosscheck import CrossCheck, crosscheck
from ..evidence.results import RepositoryScan, ScanResult, ScanWarning
from ..framework import QuestionSet
from .answer_sets import assessment_framework
from .assessments import lock_assessment
from .models import Answer, Assessment, EvidenceScan, Respondent, User, utcnow

__all__ = [
    "MAX_REPOSITORIES",
    "MAX_SCAN_BYTES",
    "MAX_TOTAL_BYTES",
    "StoredScan",
    "answer_counts_of",
    "delete_scan",
    "evidence_crosscheck",
    "read_scan",
    "repository_key",
    "save_scan",
    "scans_for",
    "stored_scans",
]

log = logging.getLogger(__name__)

#: The largest scan accepted in one upload (the JSON as sent).
MAX_SCAN_BYTES = 2 * 1024 * 1024
#: Repositories one assessment holds scans of.
MAX_REPOSITORIES = 100
#: All of one assessment's stored scans together: the page loads them all.
MAX_TOTAL_BYTES = 16 * 1024 * 1024
#: Keys of the scan report (``scan --format json``) that are not scan fields.
_REPORT_ONLY = ("crosscheck",)


def _place(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the whole scan)"


def read_scan(data: bytes | str, *, source: str = "upload") -> ScanResult:
    """A scan from its JSON (``scan --format json``), validated against the scan schema.

    A report's ``crosscheck`` is dropped: the service makes its own against the
    assessment's answers. Every problem names its place (``repositories[0].name``);
    raises :class:`ScorecardError` naming ``source``.
    """
    if len(data) > MAX_SCAN_BYTES:
        raise ScorecardError(f"the scan is larger than {MAX_SCAN_BYTES // (1024 * 1024)} MiB", source=source)
    try:
        # JSON is UTF-8 (RFC 8259); json.loads would guess UTF-16 and UTF-32 from bytes
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ScorecardError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source) from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScorecardError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=source
        ) from None
    except RecursionError:
        raise ScorecardError("not a scan: JSON nested too deeply", source=source) from None
    if not isinstance(parsed, dict):
        raise ScorecardError("a scan is a JSON object with schema_version and repositories", source=source)
    version = parsed.get("schema_version", 1)
    if type(version) is not int or version != 1:  # true and 1.0 are not the version 1
        raise ScorecardError(
            f"schema_version {version!r} is not one this server reads (1): "
            "upgrade the server, or scan with the version it runs",
            source=source,
        )
    fields = {k: v for k, v in parsed.items() if k not in _REPORT_ONLY}
    try:
        # a lone surrogate (from a \ud800 escape) is text no database stores
        json.dumps(fields, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ScorecardError("must be valid Unicode text (no lone surrogates)", source=source) from None
    try:
        result = ScanResult.model_validate(fields)
    except RecursionError:
        raise ScorecardError("not a scan: nested too deeply", source=source) from None
    except ValidationError as exc:
        problems = [f"{_place(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
        shown = problems[:20]
        if len(problems) > len(shown):
            shown.append(f"... and {len(problems) - len(shown)} more problems")
        raise ScorecardError(shown, source=source) from None
    for i, repo in enumerate(result.repositories):
        counts = Counter(p.id for p in repo.practices)
        twice = sorted(pid for pid, n in counts.items() if n > 1)
        if twice:  # merged per practice, a practice listed twice would count twice
            raise ScorecardError(
                f"repositories[{i}].practices: {', '.join(twice[:5])} listed more than once", source=source
            )
    return result


def repository_key(repo: RepositoryScan) -> str:
    """The name a repository's scan is stored and replaced under: its name, else the last
    part of its path (``/work/payments-model`` -> ``payments-model``)."""
    name = repo.name.strip()
    if not name:
        path = repo.path.replace("\\", "/").rstrip("/")
        name = PurePosixPath(path).name or path
    if not name or len(name) > 200:
        raise ScorecardError(f"repository {repo.path[:80]!r}: give it a name of 1 to 200 characters")
    return name


def _writable(assessment: Assessment) -> None:
    if assessment.status == "closed":
        raise ConflictError(
            f"assessment {assessment.id} is closed: its evidence is part of its record; reopen it to change it"
        )


def save_scan(
    session: Session, *, assessment: Assessment, result: ScanResult, by: int | None = None
) -> list[EvidenceScan]:
    """Store each repository of ``result`` for the assessment (user ``by`` uploading),
    replacing an earlier scan of the same repository name, all or nothing.

    The assessment is locked first, so two uploads for it queue rather than both
    counting the room left. :class:`ConflictError` for a closed assessment or one whose
    caps (:data:`MAX_REPOSITORIES`, :data:`MAX_TOTAL_BYTES`) the upload would pass.
    """
    a = lock_assessment(session, assessment_id=assessment.id)
    _writable(a)
    if not result.repositories:
        raise ScorecardError("the scan holds no repository")
    rows: dict[str, EvidenceScan] = {}
    for i, repo in enumerate(result.repositories):
        key = repository_key(repo)
        if key in rows:
            raise ScorecardError(
                f"repositories[{i}]: a second repository named {key!r} in one scan; give them different names"
            )
        one = result.model_copy(update={"repositories": [repo.model_copy(update={"name": key})]})
        data = one.model_dump(mode="json")
        rows[key] = EvidenceScan(
            assessment_id=a.id,
            repository=key,
            path=repo.path,
            commit=repo.commit,
            scan=data,
            scan_bytes=len(json.dumps(data, separators=(",", ":")).encode("utf-8")),
            uploaded_at=utcnow(),
            uploaded_by=by,
        )
    others = session.execute(
        select(func.count(), func.coalesce(func.sum(EvidenceScan.scan_bytes), 0)).where(
            EvidenceScan.assessment_id == a.id, EvidenceScan.repository.not_in(list(rows))
        )
    ).one()
    count, size = int(others[0]), int(others[1])
    if count + len(rows) > MAX_REPOSITORIES:
        raise ConflictError(
            f"assessment {a.id} would hold scans of {count + len(rows)} repositories; the most is "
            f"{MAX_REPOSITORIES}: delete some first"
        )
    added = sum(r.scan_bytes for r in rows.values())
    if size + added > MAX_TOTAL_BYTES:
        raise ConflictError(
            f"assessment {a.id} would hold {(size + added) / 2**20:.1f} MiB of scans; the most is "
            f"{MAX_TOTAL_BYTES // 2**20} MiB: delete some repositories' scans first"
        )
    session.execute(
        delete(EvidenceScan)
        .where(EvidenceScan.assessment_id == a.id, EvidenceScan.repository.in_(list(rows)))
        .execution_options(synchronize_session=False)
    )
    session.add_all(rows.values())
    session.flush()
    return list(rows.values())


@dataclass(frozen=True)
class StoredScan:
    """One repository's stored scan with who sent it and when."""

    repository: str
    path: str
    commit: str | None
    uploaded_at: dt.datetime
    uploaded_by: str | None
    tool_version: str
    generated_at: str
    scan: RepositoryScan


def _repository(name: str, data: Mapping[str, Any]) -> tuple[ScanResult | None, RepositoryScan]:
    try:
        result = ScanResult.model_validate(data)
        return result, result.repositories[0]
    except (ValidationError, IndexError) as exc:  # written by an older or newer server
        log.warning("evidence scan of %r cannot be read: %s", name, str(exc).splitlines()[0])
        warning = ScanWarning(message="the stored scan cannot be read by this version; upload it again")
        return None, RepositoryScan(path=name, name=name, warnings=[warning])


def stored_scans(session: Session, *, assessment: Assessment) -> list[StoredScan]:
    """The assessment's scans, one per repository, by repository name."""
    rows = session.execute(
        select(EvidenceScan, User.username)
        .outerjoin(User, User.id == EvidenceScan.uploaded_by)
        .where(EvidenceScan.assessment_id == assessment.id)
        .order_by(EvidenceScan.repository)
    ).all()
    out = []
    for row, username in rows:
        result, repo = _repository(row.repository, row.scan)
        out.append(
            StoredScan(
                repository=row.repository,
                path=row.path,
                commit=row.commit,
                uploaded_at=row.uploaded_at,
                uploaded_by=username,
                tool_version=result.tool_version if result else "",
                generated_at=result.generated_at if result else "",
                scan=repo,
            )
        )
    return out


def scans_for(
    session: Session, *, assessment: Assessment, stored: list[StoredScan] | None = None
) -> ScanResult:
    """All the assessment's repositories as one scan (none: no repositories); pass
    ``stored`` when already loaded."""
    scans = stored_scans(session, assessment=assessment) if stored is None else stored
    newest = max(scans, key=lambda s: s.uploaded_at, default=None)
    return ScanResult(
        tool_version=newest.tool_version if newest else "",
        generated_at=newest.generated_at if newest else "",
        framework=f"{assessment.framework_id}@{assessment.framework_version}",
        repositories=[s.scan for s in scans],
    )


def delete_scan(session: Session, *, assessment: Assessment, repository: str) -> None:
    """Forget one repository's scan; :class:`NotFoundError` when there is none."""
    a = lock_assessment(session, assessment_id=assessment.id)
    _writable(a)
    row = session.scalars(
        select(EvidenceScan).where(EvidenceScan.assessment_id == a.id, EvidenceScan.repository == repository)
    ).first()
    if row is None:
        raise NotFoundError(f"assessment {a.id} has no scan of a repository named {repository!r}")
    session.delete(row)
    session.flush()


def answer_counts_of(session: Session, *, assessment: Assessment) -> dict[str, dict[str, int]]:
    """Question id -> answer key -> respondents, counted in the database (revoked
    respondents left out, as in every result)."""
    rows = session.execute(
        select(Answer.question_id, Answer.answer, func.count())
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == assessment.id, Respondent.revoked_at.is_(None))
        .group_by(Answer.question_id, Answer.answer)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for qid, key, n in rows:
        out.setdefault(qid, {})[key] = int(n)
    return out


def evidence_crosscheck(
    session: Session,
    *,
    assessment: Assessment,
    scan: ScanResult | None = None,
    counts: Mapping[str, Mapping[str, int]] | None = None,
) -> CrossCheck | None:
    """The assessment's scans beside its answers (``None`` without scans); pass ``scan``
    (from :func:`scans_for`) and ``counts`` (question id -> answer key -> respondents, as
    :func:`answer_counts_of` gives them) when already at hand."""
    scan = scans_for(session, assessment=assessment) if scan is None else scan
    if not scan.repositories:
        return None
    return crosscheck(
        scan,
        assessment_framework(assessment),
        answer_counts_of(session, assessment=assessment) if counts is None else counts,
        question_set=cast(QuestionSet, assessment.question_set),
    )
