"""API bodies of the frameworks, built-in and published (``routes/api_frameworks.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["DimensionOut", "FrameworkDetail", "FrameworkOut", "FrameworkProblems", "PublishOut"]


class DimensionOut(BaseModel):
    """A dimension of a framework (its id is the key of ``targets``)."""

    id: str
    title: str
    weight: float
    core_questions: int
    full_questions: int


class FrameworkOut(BaseModel):
    """A framework an assessment can be pinned to: built-in, or published to the service."""

    id: str
    version: str
    ref: str = Field(description="`id@version`, what an assessment pins")
    title: str
    dimensions: list[DimensionOut]
    builtin: bool = Field(True, description="shipped with the package (else published to this service)")
    extends: str = Field("", description="the `id@version` this framework was built on, if any")
    questions: int = Field(0, description="questions in the full set")
    core_questions: int = Field(0, description="questions in the core set")
    assessments: int = Field(0, description="assessments pinned to this version")
    in_use: bool = Field(
        False, description="an assessment or another published framework uses it: it can no longer change"
    )
    created_at: dt.datetime | None = Field(None, description="when it was published (none for built-ins)")
    created_by: str | None = Field(None, description="who published it")


class FrameworkDetail(FrameworkOut):
    """A framework with its whole content (``extends`` resolved)."""

    framework: dict[str, Any] = Field(
        description="the whole framework (docs/framework-format.md) with `extends` resolved, as a file that "
        "stands on its own (without `extends`, which a file reads as a patch of its base)"
    )


class PublishOut(BaseModel):
    """What publishing did: ``created``, ``replaced`` (an unused version's content changed)
    or ``unchanged`` (the same framework was already published)."""

    status: Literal["created", "replaced", "unchanged"]
    framework: FrameworkOut
    lens: bool = Field(
        False, description="The file was an AWS Well-Architected lens, converted into this framework"
    )
    warnings: list[str] = Field(
        default_factory=list, description="The lens conversion's warnings, each naming its place"
    )


class FrameworkProblems(BaseModel):
    """A framework file that was refused, with every problem (file, line, place)."""

    detail: str = Field(examples=["acme.yaml: line 4: title: String should have at least 1 character"])
    problems: list[str] = Field(description="one problem a line, as `frameworks validate` prints them")
