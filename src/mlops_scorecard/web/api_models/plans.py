"""API bodies of the improvement plan: an item's change, a new order, and the plan as
tracked (``TrackedPlan.to_dict()``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ...store.plans import MAX_NOTE, MAX_OWNER
from .common import check_text
from .results import FrameworkRefOut

__all__ = [
    "GitHubIssueOut",
    "GitHubPushIn",
    "GitHubPushOut",
    "PlanEffort",
    "PlanItemOut",
    "PlanItemPatch",
    "PlanOrderIn",
    "PlanOut",
    "PlanStatus",
]

PlanStatus = Literal["open", "in-progress", "done", "accepted-risk"]
PlanEffort = Literal["", "S", "M", "L"]
ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=80), AfterValidator(check_text)]
OwnerText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_OWNER), AfterValidator(check_text)
]
NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE), AfterValidator(check_text)
]


class PlanItemPatch(BaseModel):
    """What to change about an item; a field left out keeps its value. ``owner`` or
    ``note`` ``""`` and ``due`` ``null`` clear them."""

    model_config = ConfigDict(extra="forbid")

    status: PlanStatus | None = None
    owner: OwnerText | None = Field(default=None, description='who does it (free text); "" clears it')
    due: dt.date | None = Field(default=None, description="YYYY-MM-DD; null clears the due date")
    note: NoteText | None = Field(default=None, description='free text; "" clears it')
    effort: PlanEffort | None = Field(default=None, description='S, M or L; "" clears it')


class PlanOrderIn(BaseModel):
    """The new order: every item's question id once, first to last."""

    model_config = ConfigDict(extra="forbid")

    question_ids: list[ItemKey] = Field(max_length=1000, examples=[["gov-policies", "gov-strategy"]])


class PlanItemOut(BaseModel):
    """One action of the plan: its question, what to do, the answers now, what doing it is
    worth, and how the work on it stands."""

    rank: int = Field(description="position in the plan (after any manual order)")
    computed_rank: int = Field(description="position by the ranking rule")
    key: str = Field(description="the question id", examples=["gov-policies"])
    question: str
    set: str = Field(description="core or extended")
    weight: float
    dimension: str = Field(description="dimension id")
    dimension_title: str
    dimension_score: float
    recommendation: str
    value: float = Field(description="mean value of the answers now (0-1)")
    distribution: dict[str, int] = Field(description="answers now: yes, partly, no, na, unknown, unanswered")
    gain: float = Field(description="points the dimension score gains if everyone answered yes")
    overall_gain: float | None = Field(description="points the overall score gains (null without one)")
    status: PlanStatus
    owner: str
    due: dt.date | None
    effort: PlanEffort = Field(description='the estimate: S, M, L or "" (not set)')
    near_yes: bool = Field(description='answers at least 80% of the way to "yes": little gain left')
    note: str
    updated_at: dt.datetime | None = Field(description="when the item was last changed (null: never)")


class PlanOut(BaseModel):
    """An assessment's improvement plan."""

    assessment_id: int
    framework: FrameworkRefOut
    question_set: str
    overall: float | None
    ranking: str = Field(description="the ranking rule")
    manual_order: bool = Field(description="true when a facilitator reordered the plan")
    focus: list[str] = Field(
        description="question ids of the focus list: the 3-5 active items that raise the overall score most"
    )
    items: list[PlanItemOut]
    orphans: list[str] = Field(description="stored items whose question is no longer a gap")


class GitHubPushIn(BaseModel):
    """Where to create the plan's issues, and the token to do it with (used for this
    call only, never stored)."""

    model_config = ConfigDict(extra="forbid")

    repo: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)] = Field(
        examples=["acme/ml-platform"], description="OWNER/NAME"
    )
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="a GitHub token that may write the repository's issues"
    )


class GitHubIssueOut(BaseModel):
    """An issue GitHub created."""

    number: int
    url: str
    title: str


class GitHubPushOut(BaseModel):
    """The issues created, one per active item of the plan."""

    repo: str
    created: list[GitHubIssueOut]
