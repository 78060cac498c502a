"""API bodies of the calibration meeting: an agreed answer sent, an agreed answer with
the respondents' values beside it, and the individual and agreed scores
(``Calibration.to_dict()``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ...analysis.calibration import MAX_NOTE
from .common import check_text

__all__ = ["AgreedIn", "AgreedOut", "CalibrationOut", "MovementOut"]

NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE), AfterValidator(check_text)
]
ChoiceId = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(check_text)]


class AgreedIn(BaseModel):
    """The answer a meeting agreed on: a key of the framework's scale, or for a
    multiple-choice question the choices selected (the key follows from its risk rules)."""

    model_config = ConfigDict(extra="forbid")

    answer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = Field(
        default=None, description="a key of the framework's scale", examples=["partly"]
    )
    choices: list[ChoiceId] | None = Field(
        default=None, max_length=50, description="choice ids, for a multiple-choice question"
    )
    note: NoteText = Field(
        default="",
        description="why the group settled on it",
        examples=["monitoring covers two of five models"],
    )

    @model_validator(mode="after")
    def _answer_or_choices(self) -> AgreedIn:
        if not self.answer and self.choices is None:
            raise ValueError("give 'answer' (a scale key) or 'choices' (choice ids)")
        return self


class AgreedOut(BaseModel):
    """An agreed answer, with the respondents' own answers to the question beside it."""

    question: str = Field(description="the question id", examples=["mon-drift"])
    text: str
    dimension: str = Field(description="dimension id")
    answer: str = Field(description="the agreed answer's key")
    choices: list[str] | None = None
    note: str
    agreed_at: str | None = Field(description="when it was recorded (UTC, ISO 8601)")
    agreed_by: str = Field(description="who recorded it (empty for viewers)")
    individual_value: float | None = Field(
        description="the respondents' mean value (0-1); null: none gave one"
    )
    agreed_value: float | None = Field(description="the agreed answer's value (0-1); null: it has none")
    counted: bool = Field(description="false when the context makes the question not applicable")
    distribution: dict[str, int] = Field(description="the respondents' answers: key -> count")


class MovementOut(BaseModel):
    """A dimension's (or, without ``id``, the overall) individual and agreed scores."""

    id: str | None = None
    title: str | None = None
    individual: float | None = Field(description="score from the individual answers (0-100)")
    agreed: float | None = Field(description="score with the agreed answers in place (0-100)")
    moved: float | None = Field(description="agreed minus individual")
    individual_level: str | None
    agreed_level: str | None
    agreed_questions: int


class CalibrationOut(BaseModel):
    """The assessment's agreed answers and what they do to its scores."""

    rule: str
    overall: MovementOut
    dimensions: list[MovementOut]
    questions: list[AgreedOut]
