"""API bodies of assessments: a new one, a change, a new status, and an assessment as
read."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from .common import AssessmentStatus, DbId, FrameworkRef, Profile, QuestionSet, StrictIn, Targets, Title

__all__ = ["ArchiveIn", "AssessmentIn", "AssessmentOut", "AssessmentPatch", "StatusIn"]


class AssessmentIn(StrictIn):
    """A new assessment of a unit, pinned to a framework version and a question set."""

    unit_id: DbId
    title: Title
    date: dt.date | None = Field(default=None, description="default: today")
    framework: FrameworkRef = "mlops-scorecard"
    question_set: QuestionSet = "core"
    targets: Targets | None = Field(
        default=None,
        description="target per dimension id, in the framework's unit: a 0-100 score,"
        " or points (0 to the framework's `points`) for a framework that counts points;"
        " left out (or null), the default targets of the nearest unit up the tree that has"
        " some (`PATCH /units/{id}` `default_targets`); `{}` for none",
    )
    status: Literal["draft", "open"] = "draft"
    profile: Profile = Field(
        default_factory=dict,
        description="context answers: the framework's context question id -> option id"
        " (its `profile:`, docs/framework-format.md); unknown ids are 422, naming the allowed ones",
        examples=[{"production": "none", "regulated": "yes"}],
    )


class AssessmentPatch(StrictIn):
    """Fields to change; a field left out (or null) keeps its value. ``targets`` replaces all
    targets, ``profile`` all context answers."""

    title: Title | None = None
    date: dt.date | None = None
    question_set: QuestionSet | None = Field(
        default=None, description="only while nobody has answered (409 once answers exist)"
    )
    targets: Targets | None = None
    profile: Profile | None = Field(
        default=None, description="replaces every context answer ({} clears them)"
    )


class ArchiveIn(StrictIn):
    """Archive (``true``: hidden from lists, trends and roll-ups) or restore (``false``)."""

    archived: bool = True


class StatusIn(StrictIn):
    """The new status: ``open`` takes answers, ``closed`` freezes answers and results."""

    status: AssessmentStatus


class AssessmentOut(BaseModel):
    """An assessment."""

    id: int
    unit_id: int
    unit_name: str
    title: str
    date: dt.date
    status: AssessmentStatus
    framework: str = Field(
        description="`id@version` of the pinned framework", examples=["mlops-scorecard@1.0.0"]
    )
    question_set: QuestionSet
    targets: dict[str, float] = Field(
        description="target per dimension id, in the framework's unit (points for a framework that counts them)"
    )
    profile: dict[str, str] = Field(
        default_factory=dict, description="context answers: context question id -> option id"
    )
    created_at: dt.datetime
    closed_at: dt.datetime | None
    archived_at: dt.datetime | None = Field(
        default=None, description="when it was archived (hidden from lists); null: not archived"
    )
