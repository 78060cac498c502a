"""Survey imports into an assessment, shared by the page and the API: the preview of a
file against the assessment's framework and question set, and the import of all its
respondents in one transaction (the answers-file upload's store path,
:func:`~mlops_scorecard.store.answers.import_answer_set`).

Between the preview page and its confirmation the file travels in the form itself,
compressed (a survey CSV shrinks about tenfold), so the server keeps no state between
the two requests: the confirmation reads and checks the file again from the start.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from fastapi import Request

from ..answers.survey_import import ImportPreview, preview_survey
from ..answers.survey_layouts import MAX_SURVEY_BYTES
from ..answers.survey_mapping import read_mapping
from ..errors import AnswersError, ScorecardError
from ..framework import QuestionSet
from ..store.answer_sets import assessment_framework
from ..store.answers import import_answer_set
from ..store.assessments import get_assessment, lock_assessment
from ..store.summary_refresh import refresh_summaries
from .audit_trail import note
from .context import state
from .security import CurrentUser

__all__ = ["import_preview", "pack", "survey_preview", "unpack"]


def pack(data: bytes) -> str:
    """``data`` for a hidden form field: deflated, then base64."""
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def unpack(text: str, *, what: str) -> bytes:
    """The bytes :func:`pack` gave, inflated to at most the survey size limit."""
    try:
        packed = base64.b64decode(text.encode("ascii"), validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, MAX_SURVEY_BYTES + 1)
    except (binascii.Error, zlib.error, UnicodeEncodeError, ValueError):
        raise ScorecardError(f"the {what} sent with the form is damaged; upload the file again") from None
    if len(data) > MAX_SURVEY_BYTES or inflater.unconsumed_tail:
        raise ScorecardError(f"the {what} sent with the form is too large; upload the file again")
    return data


def survey_preview(
    request: Request,
    assessment_id: int,
    data: bytes,
    *,
    filename: str,
    mapping: bytes | None = None,
    ignore_unmatched: bool = False,
) -> ImportPreview:
    """How the file reads against the assessment's framework and question set."""
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=assessment_id)
        fw = assessment_framework(a)
        question_set: QuestionSet = "full" if a.question_set == "full" else "core"
    plan = read_mapping(mapping, source="mapping") if mapping else None
    return preview_survey(
        data,
        source=filename,
        framework=fw,
        question_set=question_set,
        mapping=plan,
        ignore_unmatched=ignore_unmatched,
    )


def import_preview(
    request: Request, assessment_id: int, preview: ImportPreview, user: CurrentUser | None = None
) -> list[int]:
    """Add every respondent of an importable preview, all or nothing; their ids (``user``:
    the API token's, for the audit log; the browser session's otherwise)."""
    if not preview.ok or preview.answers is None:
        raise AnswersError(preview.problems, source=preview.source)
    settings = state(request).settings
    count = len(preview.answers.respondents)
    if count > settings.max_respondents_per_file:
        raise AnswersError(
            f"the file holds {count:,} respondents; the limit is {settings.max_respondents_per_file:,} per file",
            source=preview.source,
        )
    with state(request).write() as s:
        # locked first, so that two imports of the same names cannot both pass the check
        a = lock_assessment(s, assessment_id=assessment_id)
        added = import_answer_set(
            s,
            assessment=a,
            answers=preview.answers,
            source=preview.source,
            max_respondents=settings.max_respondents_per_assessment,
        )
        refresh_summaries(s, assessment_ids=[a.id])  # once per import, not per answer
        note(
            request,
            s,
            action="answers.import-survey",
            summary=f"Imported {len(added)} respondents from the survey export {preview.source}",
            assessment=a,
            detail={"file": preview.source, "respondents": len(added)},
            user=user,
        )
        return [r.id for r in added]
