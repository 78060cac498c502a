"""API bodies of invitations in bulk, mailed invitations, reminders, re-issued links.

Responses carry a link's one-time ``token`` only where the link was just made.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from .common import Name, RoleText, StrictIn, check_text

__all__ = [
    "AudienceText",
    "BulkInvitationsIn",
    "BulkInvitationsOut",
    "MadeLink",
    "ReissueIn",
    "RemindersIn",
    "RemindersOut",
]

EmailText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320),
    AfterValidator(check_text),
    Field(description="an email address, or empty (the link is then only returned)"),
]
AudienceText = Literal["uninvited", "not_started", "in_progress", "not_submitted"]


class PersonIn(StrictIn):
    """One person to invite."""

    name: Name
    email: EmailText = ""
    role: RoleText = ""


class BulkInvitationsIn(StrictIn):
    """People to invite at once (all or none), and whether to mail them their links."""

    people: list[PersonIn] = Field(min_length=1, max_length=1000)
    send: bool = Field(
        default=False, description="mail each person with an address their link (SMTP settings)"
    )


class MadeLink(BaseModel):
    """A personal link just made (its token is returned this once) and what became of its mail."""

    id: int = Field(description="the respondent's id")
    name: str
    email: str | None
    role: str
    link: str | None = Field(
        description="null when a reminder's new link could not be mailed (the old one works)"
    )
    token: str | None
    mail: Literal["sent", "failed", "not_mailed"]
    mail_error: str | None = None


class BulkInvitationsOut(BaseModel):
    """The invitations made, in the order given."""

    invitations: list[MadeLink]
    mailed: int
    failed: int


class ReissueIn(StrictIn):
    """Options of a re-issued link."""

    send: bool = Field(default=False, description="mail the new link when the respondent has an address")


class RemindersIn(StrictIn):
    """Who to mail: ``uninvited`` (never mailed), ``not_started``, ``in_progress``
    (started, not submitted) or ``not_submitted`` (both)."""

    audience: AudienceText


class RemindersOut(BaseModel):
    """What a reminder did: each person mailed (with their new link when it was sent)."""

    audience: AudienceText
    mailed: int
    failed: int
    without_email: int = Field(description="people of the audience without an address, not mailed")
    deliveries: list[MadeLink]
