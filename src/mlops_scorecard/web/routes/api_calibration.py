"""API: the answers a calibration meeting agreed on, and the scores they give.

``/assessments/{id}/agreed`` lists them with the individual and the agreed scores per
dimension and overall; ``/agreed/{question_id}`` reads, records (PUT) or removes
(DELETE) one. Viewers read (without who recorded them), facilitators change. A closed
assessment's results are frozen, so changes answer 409 until it is reopened.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from ...errors import NotFoundError
from ...store.assessments import get_assessment
from ...store.calibration import assessment_calibration, record_agreed, remove_agreed
from ..api_models.calibration import AgreedIn, AgreedOut, CalibrationOut
from ..context import state
from ..security import CurrentUser
from .api_common import AssessmentId, Facilitator, Viewer, errors

router = APIRouter(tags=["calibration"])

QuestionId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="the question id",
        examples=["mon-drift"],
    ),
]


def _seen_by(data: dict[str, Any], user: CurrentUser) -> dict[str, Any]:
    # who recorded an agreed answer is for the people who run assessments
    return data if user.can("facilitator") else {**data, "agreed_by": ""}


@router.get(
    "/assessments/{assessment_id}/agreed",
    summary="Agreed answers and the agreed scores",
    response_model=CalibrationOut,
    responses=errors(404, 422),
)
def agreed_list(request: Request, assessment_id: AssessmentId, user: Viewer) -> CalibrationOut:
    """Every agreed answer (framework order) with the respondents' values beside it, and
    per dimension and overall the individual score, the agreed score and how far the
    meeting moved it (the rule is in docs/scoring.md, "Agreed answers")."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        data = assessment_calibration(session, assessment=a).to_dict()
    data["questions"] = [_seen_by(q, user) for q in data["questions"]]
    return CalibrationOut.model_validate(data)


def _one(request: Request, assessment_id: int, question_id: str, user: CurrentUser) -> AgreedOut:
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        found = assessment_calibration(session, assessment=a).question(question_id)
    if found is None:
        raise NotFoundError(f"assessment {assessment_id} has no agreed answer to {question_id!r}")
    return AgreedOut.model_validate(_seen_by(found.to_dict(), user))


@router.get(
    "/assessments/{assessment_id}/agreed/{question_id}",
    summary="One agreed answer",
    response_model=AgreedOut,
    responses=errors(404, 422),
)
def agreed_get(
    request: Request, assessment_id: AssessmentId, question_id: QuestionId, user: Viewer
) -> AgreedOut:
    """The agreed answer to one question; 404 when the meeting has not agreed on it."""
    return _one(request, assessment_id, question_id, user)


@router.put(
    "/assessments/{assessment_id}/agreed/{question_id}",
    summary="Record or change an agreed answer",
    response_model=AgreedOut,
    responses=errors(403, 404, 409, 422),
)
def agreed_put(
    request: Request, assessment_id: AssessmentId, question_id: QuestionId, body: AgreedIn, user: Facilitator
) -> AgreedOut:
    """Record the answer the group agreed on (``answer``: a scale key, or ``choices`` for
    a multiple-choice question) with a ``note``, replacing an earlier one. The
    respondents' answers are kept. 404 for a question outside the assessment's set, 422
    for an answer off the scale, 409 when the assessment is closed."""
    with state(request).write() as session:
        record_agreed(
            session,
            assessment_id=assessment_id,
            question_id=question_id,
            answer=body.answer or "",
            choices=body.choices,
            note=body.note,
            user_id=user.id,
        )
    return _one(request, assessment_id, question_id, user)


@router.delete(
    "/assessments/{assessment_id}/agreed/{question_id}",
    summary="Remove an agreed answer",
    status_code=204,
    response_class=Response,
    responses=errors(403, 404, 409, 422),
)
def agreed_delete(
    request: Request, assessment_id: AssessmentId, question_id: QuestionId, user: Facilitator
) -> Response:
    """Remove the agreed answer: the respondents' answers count again. 404 when there is
    none, 409 when the assessment is closed."""
    with state(request).write() as session:
        remove_agreed(session, assessment_id=assessment_id, question_id=question_id, user_id=user.id)
    return Response(status_code=204)
