"""A framework as a printable questionnaire, for interviews and workshops.

:func:`questionnaire_view` lays the framework out once: its title and source, the
answer scale, the context (profile) questions, then per dimension the numbered
questions with their guidance and a tick box for each answer (each scale choice, or
each choice of a multiple-choice question) and room for notes. The Markdown rendering
(:func:`render_questionnaire_markdown`, a Jinja template) and the PDF
(:mod:`.pdf.questionnaire`) draw that same view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..framework import Framework, QuestionSet
from .view import jinja_env

__all__ = [
    "Box",
    "QuestionnaireDimension",
    "QuestionnaireItem",
    "QuestionnaireView",
    "questionnaire_view",
    "render_questionnaire_markdown",
]


@dataclass(frozen=True)
class Box:
    """A tick box: its label and what it means."""

    label: str
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class QuestionnaireItem:
    """One question: its number (``2.3``), id, text, guidance and tick boxes."""

    number: str
    id: str
    text: str
    guidance: str
    #: ``scale``: tick one answer; ``choices``: tick every choice that applies.
    kind: str
    boxes: list[Box]
    #: For a multiple-choice question, the scale's answers that stand for no choice
    #: (not applicable, don't know).
    other_boxes: list[Box] = field(default_factory=list)
    extended: bool = False


@dataclass(frozen=True)
class QuestionnaireDimension:
    """A dimension's heading and its questions."""

    number: int
    id: str
    title: str
    description: str
    items: list[QuestionnaireItem]


@dataclass(frozen=True)
class QuestionnaireView:
    """Everything a questionnaire shows, in reading order."""

    title: str
    ref: str
    description: str
    source: list[str]
    question_set: str
    scale: list[Box]
    has_choice_questions: bool
    has_scale_questions: bool
    #: The labels of the answers that carry no value (not applicable, don't know).
    unscored: list[str]
    profile: list[QuestionnaireItem]
    dimensions: list[QuestionnaireDimension]
    count: int


def _source_lines(fw: Framework) -> list[str]:
    s = fw.source
    lines: list[str] = []
    cited = ", ".join(str(p) for p in (s.author, s.title, s.year) if p)
    if cited:
        lines.append(cited)
    if s.url:
        lines.append(s.url)
    # a BibTeX entry is for reference managers, not for a printed page
    if s.citation and not s.citation.lstrip().startswith("@") and s.citation != cited:
        lines.append(s.citation)
    return lines


def questionnaire_view(fw: Framework, question_set: QuestionSet = "full") -> QuestionnaireView:
    """The questionnaire of ``fw``'s ``question_set`` (``core`` or ``full``)."""
    scale = [Box(choice.label, choice.description) for choice in fw.scale.values()]
    unscored = [Box(c.label, c.description) for k, c in fw.scale.items() if c.value is None]
    profile = [
        QuestionnaireItem(
            number=f"C{i}",
            id=pq.id,
            text=pq.text,
            guidance="",
            kind="scale",
            boxes=[Box(o.label) for o in pq.options],
        )
        for i, pq in enumerate(fw.profile, start=1)
    ]
    dimensions: list[QuestionnaireDimension] = []
    count = 0
    for d_number, dim in enumerate((d for d in fw.dimensions if d.questions_in(question_set)), start=1):
        items: list[QuestionnaireItem] = []
        for q_number, q in enumerate(dim.questions_in(question_set), start=1):
            if q.is_choice():
                boxes = [
                    Box(c.label + (" (selected alone)" if c.none else ""), c.description, c.url)
                    for c in q.choices
                ]
                other = unscored
            else:
                boxes = [Box(choice.label) for choice in fw.scale.values()]
                other = []
            items.append(
                QuestionnaireItem(
                    number=f"{d_number}.{q_number}",
                    id=q.id,
                    text=q.text,
                    guidance=q.guidance,
                    kind="choices" if q.is_choice() else "scale",
                    boxes=boxes,
                    other_boxes=other,
                    extended=q.set == "extended",
                )
            )
        count += len(items)
        dimensions.append(QuestionnaireDimension(d_number, dim.id, dim.title, dim.description, items))
    kinds = {item.kind for dim in dimensions for item in dim.items}
    return QuestionnaireView(
        title=fw.title,
        ref=fw.ref,
        description=fw.description,
        source=_source_lines(fw),
        question_set=question_set,
        scale=scale,
        has_choice_questions="choices" in kinds,
        has_scale_questions="scale" in kinds,
        unscored=[box.label for box in unscored],
        profile=profile,
        dimensions=dimensions,
        count=count,
    )


def render_questionnaire_markdown(fw: Framework, question_set: QuestionSet = "full") -> str:
    """The questionnaire as GitHub-flavoured Markdown: task-list tick boxes, the
    framework's texts escaped (an imported framework's text is someone else's)."""
    view = questionnaire_view(fw, question_set)
    text = jinja_env(autoescape=False).get_template("questionnaire.md.j2").render(v=view)
    # templates leave blank runs around optional blocks; Markdown needs at most one
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
