"""What the respondent's survey pages show, and the checks on what respondents send.

Respondents have no account, no session and no cookie: the long random token in the
link is their only credential (it is stored hashed and can be revoked). That is why
respondent routes take no CSRF token: a forged cross-site request would have to know
the token already, and with it the attacker could simply open the link. The pages
are sent with ``Cache-Control: no-store`` (no stale answers on reload or back) and
``Referrer-Policy: no-referrer`` (the token never leaks to another site).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, cast

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError
from starlette.responses import HTMLResponse

from ..answers import Respondent as CoreRespondent
from ..answers import check_answers, read_answers
from ..datafiles import validation_problems
from ..errors import AnswersError, NotFoundError, ScorecardError
from ..framework import ANSWER_KEYS, Framework, QuestionSet
from ..store.assessments import assessment_framework
from ..store.models import Assessment, Respondent
from ..store.responses import respondent_answers
from .context import templates
from .params import MAX_ID, whole_number

__all__ = [
    "PRIVATE_HEADERS",
    "ROLES",
    "AnswerIn",
    "Choice",
    "DimensionView",
    "QuestionView",
    "Survey",
    "build_survey",
    "check_answer",
    "form_int",
    "form_str",
    "page",
    "parse_answer_json",
    "read_upload",
]

#: Roles a respondent may give (shared links ask for one; it is never required).
ROLES: dict[str, str] = {
    "ml-engineer": "ML engineer",
    "data-scientist": "Data scientist",
    "data-engineer": "Data engineer",
    "platform": "Platform / infrastructure",
    "product": "Product",
    "compliance": "Compliance / risk",
    "leadership": "Leadership",
    "other": "Other",
}
SECONDS_PER_QUESTION = 30
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


@dataclass(frozen=True)
class Choice:
    """One of the framework's answer choices."""

    key: str
    label: str
    description: str


@dataclass(frozen=True)
class QuestionView:
    """A question with this respondent's saved answer (if any)."""

    id: str
    text: str
    guidance: str
    answer: str | None
    answer_label: str
    comment: str
    revision: int


@dataclass(frozen=True)
class DimensionView:
    """One page of the survey (1-based ``number``)."""

    number: int
    id: str
    title: str
    description: str
    questions: list[QuestionView]

    @property
    def answered(self) -> int:
        """How many of this dimension's questions have an answer."""
        return sum(1 for q in self.questions if q.answer)


@dataclass(frozen=True)
class Survey:
    """Everything a respondent page shows; only this respondent's own answers."""

    token: str
    title: str
    unit: str
    date: dt.date
    status: str
    framework_title: str
    framework_version: str
    question_set: str
    anonymous: bool
    name: str
    role: str
    submitted_at: dt.datetime | None
    choices: list[Choice]
    dimensions: list[DimensionView]

    @property
    def writable(self) -> bool:
        """Answers can be saved only while the assessment is open."""
        return self.status == "open"

    @property
    def total(self) -> int:
        """Questions in the assessment's question set."""
        return sum(len(d.questions) for d in self.dimensions)

    @property
    def answered(self) -> int:
        """Questions this respondent has answered."""
        return sum(d.answered for d in self.dimensions)

    @property
    def percent(self) -> int:
        """Share answered, in whole percent."""
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def minutes(self) -> int:
        """A fair estimate of the time the survey takes."""
        return max(1, math.ceil(self.total * SECONDS_PER_QUESTION / 60))

    @property
    def role_label(self) -> str:
        """The role as people read it."""
        return ROLES.get(self.role, self.role)

    @property
    def closed_message(self) -> str:
        """Why answers cannot be saved (empty while open)."""
        if self.status == "closed":
            return "this assessment is closed; answers can no longer change"
        if self.status == "draft":
            return "this assessment is not open yet; answers cannot be saved"
        return ""

    @property
    def first_open_dimension(self) -> int:
        """The first page with an unanswered question (1 when all are answered)."""
        return next((d.number for d in self.dimensions if d.answered < len(d.questions)), 1)

    def dimension(self, number: int) -> DimensionView:
        """The dimension on page ``number``, or :class:`NotFoundError`."""
        if not 1 <= number <= len(self.dimensions):
            raise NotFoundError(f"this survey has pages 1 to {len(self.dimensions)}")
        return self.dimensions[number - 1]


def build_survey(respondent: Respondent, assessment: Assessment, *, token: str) -> Survey:
    """The survey as this respondent sees it (call inside the database session)."""
    fw = assessment_framework(assessment)
    saved = respondent_answers(respondent)
    choices = [
        Choice(key, fw.scale[key].label, fw.scale[key].description) for key in ANSWER_KEYS if key in fw.scale
    ]
    labels = {c.key: c.label for c in choices}
    qset = cast(QuestionSet, assessment.question_set)
    dimensions: list[DimensionView] = []
    for dim in fw.dimensions:
        asked = dim.questions_in(qset)
        if not asked:
            continue
        questions = []
        for q in asked:
            a = saved.get(q.id) or {}
            key: str | None = a.get("answer")
            questions.append(
                QuestionView(
                    id=q.id,
                    text=q.text,
                    guidance=q.guidance,
                    answer=key,
                    answer_label=labels.get(key, key) if key else "",
                    comment=a.get("comment") or "",
                    revision=int(a.get("revision") or 0),
                )
            )
        dimensions.append(DimensionView(len(dimensions) + 1, dim.id, dim.title, dim.description, questions))
    return Survey(
        token=token,
        title=assessment.title,
        unit=assessment.unit.name,
        date=assessment.date,
        status=assessment.status,
        framework_title=fw.title,
        framework_version=fw.version,
        question_set=assessment.question_set,
        anonymous=respondent.name is None,
        name=respondent.name or "",
        role=respondent.role or "",
        submitted_at=respondent.submitted_at,
        choices=choices,
        dimensions=dimensions,
    )


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a respondent page.

    Unlike :func:`..context.render`, this sets no session cookie (render creates a CSRF
    token in the session) and shows no account menu: respondent pages are stateless.
    """
    context.update(user=None, csrf_token="", roles=ROLES)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(PRIVATE_HEADERS)
    return response


class AnswerIn(BaseModel):
    """The JSON body of an autosave: ``{question_id, answer, comment, revision}``."""

    model_config = ConfigDict(extra="forbid")

    question_id: StrictStr = Field(min_length=1, max_length=80)
    answer: StrictStr = Field(min_length=1, max_length=20)
    comment: StrictStr = Field(default="", max_length=5000)
    #: The revision the page last saw for this answer (0 when it had none). Left out,
    #: the save overwrites whatever is stored (scripts); the survey page always sends it.
    # bounded: a revision past what an integer column holds would be a database error
    revision: StrictInt | None = Field(default=None, ge=0, le=MAX_ID)


def parse_answer_json(body: bytes) -> AnswerIn:
    """Validate an autosave body; every problem is a :class:`ScorecardError` (422)."""
    usage = 'send JSON like {"question_id": "gov-strategy", "answer": "yes", "comment": "", "revision": 0}'
    if not body.strip():
        raise ScorecardError(f"the request has no body; {usage}")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, too deep
        raise ScorecardError(f"the body is not valid JSON ({exc}); {usage}") from None
    if not isinstance(data, dict):
        raise ScorecardError(f"the body must be a JSON object; {usage}")
    try:
        return AnswerIn.model_validate(data)
    except ValidationError as exc:
        raise ScorecardError("; ".join(validation_problems(exc, data))) from None


def check_answer(framework: Framework, question_set: str, question_id: str, answer: str) -> None:
    """Refuse a question outside the assessment's set or an answer off the scale (422)."""
    found = framework.question(question_id)
    if found is None:
        raise ScorecardError(f"unknown question {question_id!r}")
    if question_set == "core" and found[1].set != "core":
        raise ScorecardError(f"question {question_id!r} is not part of this assessment's question set")
    keys = [k for k in ANSWER_KEYS if k in framework.scale]
    if answer not in keys:
        raise ScorecardError(f"unknown answer {answer!r} for {question_id!r} (use {', '.join(keys)})")


def form_str(form: Any, name: str, max_length: int = 5000) -> str:
    """A text field of a submitted form (missing is empty), stripped."""
    value = form.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScorecardError(f"field {name!r} must be text")
    if len(value) > max_length:
        raise ScorecardError(f"field {name!r} is longer than {max_length} characters")
    return value.strip()


def form_int(form: Any, name: str) -> int:
    """A whole number of a submitted form."""
    number = whole_number(form_str(form, name, max_length=12))
    if number is None:
        raise ScorecardError(f"field {name!r} must be a whole number")
    return number


def _file_name(filename: str | None) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return name[:100] or "uploaded file"


def read_upload(
    filename: str | None, data: bytes, framework: Framework, question_set: str, *, max_respondents: int
) -> CoreRespondent:
    """The one respondent of an uploaded answers file, checked against the assessment.

    Raises :class:`AnswersError` (422) naming the file and the problem. Touches no
    database: the caller reads the file before it opens a write transaction.
    """
    source = _file_name(filename)
    answers = read_answers(
        data, source=source, as_json=source.lower().endswith(".json"), max_respondents=max_respondents
    )
    if len(answers.respondents) != 1:
        raise AnswersError(
            f"the file holds {len(answers.respondents)} respondents; upload a file with exactly one "
            "(your own answers, as written by `mlops-scorecard assess`)",
            source=source,
        )
    check_answers(answers, framework, source=source)
    if answers.question_set != question_set:
        raise AnswersError(
            f"the file uses the {answers.question_set!r} question set, but this assessment uses "
            f"{question_set!r} (answer with `mlops-scorecard assess FILE --set {question_set}`)",
            source=source,
        )
    return answers.respondents[0]
