"""What the responses and invitations section shows beside the progress table: each
respondent's address and mail stamps, and how many people each reminder would reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...store.respondents import AUDIENCES, Audience, Contact, mail_audiences

__all__ = ["AUDIENCE_LABELS", "AudienceCount", "InvitationPanel", "LinkRow", "invitation_panel"]

#: How the reminder form names each audience.
AUDIENCE_LABELS: dict[Audience, str] = {
    "uninvited": "Not sent an invitation yet",
    "not_started": "Not started",
    "in_progress": "Started, not submitted",
    "not_submitted": "Everyone who has not submitted",
}


@dataclass(frozen=True)
class AudienceCount:
    """One choice of the reminder form: who, how many, how many of them have no address."""

    key: Audience
    label: str
    total: int
    with_email: int

    @property
    def without_email(self) -> int:
        """People of the audience no mail can reach (their link must be copied)."""
        return self.total - self.with_email


@dataclass(frozen=True)
class InvitationPanel:
    """The section's mail part: contacts by respondent id and the reminder audiences."""

    mail: bool
    contacts: dict[int, Contact] = field(default_factory=dict)
    audiences: list[AudienceCount] = field(default_factory=list)

    def mailed(self, respondent_id: int) -> str:
        """When the respondent was last mailed, for the table ("" when never)."""
        c = self.contacts.get(respondent_id)
        if c is None:
            return ""
        stamps = [(c.invited_at, "invited"), (c.reminded_at, "reminded")]
        shown = [f"{what} {when:%Y-%m-%d}" for when, what in stamps if when is not None]
        return ", ".join(shown)


def _day(value: dt.datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


def invitation_panel(
    progress: Iterable[dict[str, Any]], contacts: dict[int, Contact], *, mail: bool
) -> InvitationPanel:
    """The panel from :func:`~mlops_scorecard.store.respondents.progress_of` rows and
    :func:`~mlops_scorecard.store.respondents.contacts_of`; ``mail`` says whether an
    SMTP server is configured."""
    groups = mail_audiences(list(progress), contacts)
    counts = [
        AudienceCount(key, AUDIENCE_LABELS[key], len(groups[key]), sum(1 for c in groups[key] if c.email))
        for key in AUDIENCES
    ]
    return InvitationPanel(mail=mail, contacts=contacts, audiences=counts)


@dataclass(frozen=True)
class LinkRow:
    """One personal link on the page that shows new links: who, the link (empty when it
    does not work), and what became of its mail (``sent``, ``failed``, ``copy``)."""

    name: str
    role: str
    email: str
    link: str
    status: str
    note: str = ""


def count_status(rows: Sequence[LinkRow], status: str) -> int:
    """How many rows have ``status``."""
    return sum(1 for r in rows if r.status == status)
