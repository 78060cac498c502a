"""What the respondent's survey pages show.

Respondents have no account, no session and no cookie: the long random token in the
link is their only credential (it is stored hashed and can be revoked). That is why
respondent routes take no CSRF token: a forged cross-site request would have to know
the token already, and with it the attacker could simply open the link. The pages
are sent with ``Cache-Control: no-store`` (no stale answers on reload or back) and
``Referrer-Policy: no-referrer`` (the token never leaks to another site).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

from fastapi import Request
from starlette.responses import HTMLResponse

from ...errors import NotFoundError
from ...format import answer_choices, answer_label
from ...framework import NO_VALUE_KEYS, Framework, QuestionSet
from ...framework.profiles import profile_effect
from ...store.models import Assessment, Respondent
from ..templating import templates

__all__ = [
    "PRIVATE_HEADERS",
    "ROLES",
    "Choice",
    "DimensionView",
    "PostedAnswer",
    "QuestionChoice",
    "Survey",
    "SurveyQuestion",
    "build_survey",
    "page",
    "with_posted",
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
class QuestionChoice:
    """One choice of a multiple-choice question, and whether the respondent selected it."""

    id: str
    label: str
    description: str
    none: bool
    selected: bool


@dataclass(frozen=True)
class SurveyQuestion:
    """A question with this respondent's saved answer (if any). A multiple-choice
    question has ``options`` (checkboxes) and takes only the scale's no-value keys
    (not applicable, don't know) as plain answers."""

    id: str
    text: str
    guidance: str
    answer: str | None
    answer_label: str
    comment: str
    revision: int
    options: tuple[QuestionChoice, ...] = ()
    #: The saved selection (``None``: answered by a key, or not answered).
    selected: tuple[str, ...] | None = None
    #: Why the assessment's context makes the question not applicable (empty: it
    #: applies). Such a question is shown with the reason and not asked.
    not_applicable: str = ""

    @property
    def selected_labels(self) -> str:
        """The selected choices' labels, for the review page."""
        return "; ".join(c.label for c in self.options if c.selected)


@dataclass(frozen=True)
class DimensionView:
    """One page of the survey (1-based ``number``)."""

    number: int
    id: str
    title: str
    description: str
    questions: list[SurveyQuestion]

    @property
    def asked(self) -> list[SurveyQuestion]:
        """The questions asked: all but those the context makes not applicable."""
        return [q for q in self.questions if not q.not_applicable]

    @property
    def answered(self) -> int:
        """How many of this dimension's asked questions have an answer."""
        return sum(1 for q in self.asked if q.answer)


@dataclass(frozen=True)
class PostedAnswer:
    """What a page's form posted for one question (a refused page is shown with it)."""

    answer: str
    choices: tuple[str, ...] | None
    comment: str


def with_posted(dim: DimensionView, posted: Mapping[str, PostedAnswer]) -> DimensionView:
    """``dim`` showing the posted answers in place of the saved ones: a page refused
    for one answer comes back with every answer, choice and comment as it was sent."""
    questions = []
    for q in dim.questions:
        p = posted.get(q.id)
        if p is None:
            questions.append(q)
            continue
        picked = set(p.choices or ())
        options = tuple(replace(o, selected=o.id in picked) for o in q.options)
        questions.append(
            replace(q, answer=p.answer or None, selected=p.choices, comment=p.comment, options=options)
        )
    return replace(dim, questions=questions)


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
    def no_value_choices(self) -> list[Choice]:
        """The scale's choices without a value (not applicable, don't know): the plain
        answers a multiple-choice question also takes."""
        return [c for c in self.choices if c.key in NO_VALUE_KEYS]

    @property
    def writable(self) -> bool:
        """Answers can be saved only while the assessment is open."""
        return self.status == "open"

    @property
    def total(self) -> int:
        """Questions asked: those of the assessment's question set that apply."""
        return sum(len(d.asked) for d in self.dimensions)

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
        return next((d.number for d in self.dimensions if d.answered < len(d.asked)), 1)

    def dimension(self, number: int) -> DimensionView:
        """The dimension on page ``number``, or :class:`NotFoundError`."""
        if not 1 <= number <= len(self.dimensions):
            raise NotFoundError(f"this survey has pages 1 to {len(self.dimensions)}")
        return self.dimensions[number - 1]


def build_survey(
    respondent: Respondent,
    assessment: Assessment,
    *,
    framework: Framework,
    saved: Mapping[str, Mapping[str, Any]],
    token: str,
) -> Survey:
    """The survey as this respondent sees it: ``framework`` is the assessment's, ``saved``
    the respondent's answers by question id
    (:func:`~mlops_scorecard.store.answers.respondent_answers`)."""
    fw = framework
    choices = [
        Choice(key, label, fw.scale[key].description) for key, label in answer_choices(fw, unanswered=False)
    ]
    qset = cast(QuestionSet, assessment.question_set)
    # not asked rather than asked and overridden: an answer that cannot count would
    # waste the respondent's time and suggest that it does
    excluded = profile_effect(fw, assessment.profile or {}).not_applicable if fw.profile else {}
    dimensions: list[DimensionView] = []
    for dim in fw.dimensions:
        asked = dim.questions_in(qset)
        if not asked:
            continue
        questions = []
        for q in asked:
            a = saved.get(q.id) or {}
            key: str | None = a.get("answer")
            picked = a.get("choices")
            selected = None if picked is None else tuple(picked)
            options = tuple(
                QuestionChoice(c.id, c.label, c.description, c.none, c.id in (selected or ()))
                for c in q.choices
            )
            questions.append(
                SurveyQuestion(
                    id=q.id,
                    text=q.text,
                    guidance=q.guidance,
                    answer=key,
                    answer_label=answer_label(fw, key) if key else "",
                    comment=a.get("comment") or "",
                    revision=int(a.get("revision") or 0),
                    options=options,
                    selected=selected,
                    not_applicable=excluded.get(q.id, ""),
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

    Unlike :func:`mlops_scorecard.web.templating.render`, this sets no session cookie (render creates a CSRF
    token in the session) and shows no account menu: respondent pages are stateless.
    """
    context.update(user=None, csrf_token="", roles=ROLES)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(PRIVATE_HEADERS)
    return response
