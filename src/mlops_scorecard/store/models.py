"""Database tables (SQLAlchemy 2 ORM). Migrations in ``store/migrations`` follow these."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "Base",
    "MetaSetting",
    "RateEvent",
    "Respondent",
    "ShareLink",
    "Unit",
    "User",
    "UserSession",
    "utcnow",
]


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC, without a time zone (portable across databases)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class MetaSetting(Base):
    __tablename__ = "meta_settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # admin | facilitator | viewer
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    user: Mapped[User] = relationship()


class UserSession(Base):
    """A signed-in browser session; the cookie holds the token, the database its hash.

    Deleting the row ends the session everywhere at once (logout, a new password,
    deactivation), which a signed cookie on its own cannot do.
    """

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RateEvent(Base):
    """One counted event (a failed login, a join through a shared link) under a throttle key."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="team")  # organization | department | team
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    #: Targets new assessments below this unit start from (dimension id -> score);
    #: the nearest unit up the tree that has them wins. ``None``: none set here.
    default_targets: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    framework_version: Mapped[str] = mapped_column(String(40))
    question_set: Mapped[str] = mapped_column(String(10), default="core")
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | open | closed
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Context answers (profile question id -> option id); ``None`` on older rows: none.
    profile: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    #: The score result frozen when the assessment closed (derived; answers stay the source).
    frozen_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    #: The stored part of the revision: moved on by ``store.revisions.bump_revision``
    #: for every change results derive from except answer saves.
    stored_revision: Mapped[int] = mapped_column("revision", Integer, default=0, server_default="0")
    if TYPE_CHECKING:
        #: Moves on with every change to the answers (and to anything else results are
        #: derived from), so derived results are cached under it (``derived_results``):
        #: read-only, the stored part plus the answers' own revisions while not closed
        #: (defined below ``Answer``; ``store/revisions.py`` says why).
        revision: Mapped[int]
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    unit: Mapped[Unit] = relationship()


class ShareLink(Base):
    """A shared, anonymous invitation: each visitor becomes a new nameless respondent."""

    __tablename__ = "share_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    #: The most respondents the link admits (``None``: no cap).
    max_respondents: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Respondents admitted so far (raised atomically against the cap).
    joined: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Respondent(Base):
    """A respondent; the hash of their personal link's token finds them."""

    __tablename__ = "respondents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))  # None for anonymous respondents
    role: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20), default="invitation")  # invitation | shared | upload
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    #: How many answers the respondent has stored, kept by the save path (no count(*)).
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The sum of the respondent's answers' own revisions, kept by triggers on
    #: ``answers`` (migration 0007), never written by the code: an open assessment's
    #: revision adds these up (``store/revisions.py``), a row per respondent, not per answer.
    answer_revisions: Mapped[int] = mapped_column(Integer, server_default="0")
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    #: When an invitation was last mailed, and a reminder (``None``: never).
    invited_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    answers: Mapped[list[Answer]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan", order_by="Answer.id"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("respondent_id", "question_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(String(80))
    #: The selected choice ids of a multiple-choice question (``answer`` is then the
    #: key its risk rules give); ``None`` for other questions.
    choices: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Incremented on every change; a save naming an older revision is refused (409),
    #: so two tabs cannot silently overwrite each other.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    respondent: Mapped[Respondent] = relationship(back_populates="answers")


# Saves never write the assessment's row (no lock every saver queues on): each moves one
# answer's own revision on, and the assessment's revision adds them up until it closes
# (the bump at close folds them into the stored part), through each respondent's sum.
Assessment.revision = column_property(
    case(
        (Assessment.status == "closed", Assessment.stored_revision),
        else_=Assessment.stored_revision
        + func.coalesce(
            select(func.sum(Respondent.answer_revisions))
            .where(Respondent.assessment_id == Assessment.id)
            .correlate_except(Respondent)
            .scalar_subquery(),
            0,
        ),
    )
)


class PlanItem(Base):
    """What a facilitator changed about one item of an assessment's improvement plan.

    The plan itself is derived from the answers (``planning.build_plan``); a row exists
    only for an item whose status, owner, due date, note or place in a manual order was
    set, and is laid over the derived plan with ``planning.overrides.apply_overrides``.
    """

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(
        String(20), default="open"
    )  # open | in-progress | done | accepted-risk
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    #: Place in a manual order (lower first); ``None``: the ranking rule's order.
    position: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    #: The facilitator's estimate: "" (not set) | S | M | L.
    effort: Mapped[str] = mapped_column(String(10), default="", server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


__all__ += ["PlanItem"]


class EvidenceScan(Base):
    """One repository's scan (``mlops-scorecard scan``) attached to an assessment.

    A repository has one row per assessment: a new upload under the same name replaces
    the old one, so the assessment's evidence is every repository's latest scan, merged
    per practice. ``scan`` is a whole ``ScanResult`` holding that one repository, as
    validated on upload; ``scan_bytes`` is its size, which the per-assessment cap adds up.
    """

    __tablename__ = "evidence_scans"
    __table_args__ = (UniqueConstraint("assessment_id", "repository"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    repository: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000), default="")
    commit: Mapped[str | None] = mapped_column(String(64), default=None)
    scan: Mapped[dict[str, Any]] = mapped_column(JSON)
    scan_bytes: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: Who uploaded it; kept (as ``None``) if that account is ever deleted.
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    uploader: Mapped[User | None] = relationship()


__all__ += ["EvidenceScan"]


class PublishedFramework(Base):
    """A framework uploaded to the service (``id@version``): ``source_text`` as
    uploaded (YAML or JSON), ``data`` the validated framework with ``extends`` resolved.
    Immutable once an assessment uses it."""

    __tablename__ = "published_frameworks"
    __table_args__ = (UniqueConstraint("framework_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    source_text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


__all__ += ["PublishedFramework"]


class DerivedResult(Base):
    """Something derived from an assessment's answers (a result, an analysis, a chart,
    a compact summary), cached under the assessment's ``revision``: stale as soon as
    the revision moves on. ``etag`` is what HTTP caching compares; ``body`` is text
    (JSON or SVG)."""

    __tablename__ = "derived_results"
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Who changed what: one row per change to an assessment, its plan, its
    invitations, or an account. ``username`` and ``summary`` are kept as text so the
    log still reads when the user or the assessment is gone."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    username: Mapped[str] = mapped_column(String(100))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), default=None, index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class AgreedAnswer(Base):
    """The answer a calibration meeting agreed on for one question, with its note; the
    respondents' own answers stay as they were."""

    __tablename__ = "agreed_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(String(80))
    choices: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    agreed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


__all__ += ["AgreedAnswer", "AuditEvent", "DerivedResult"]
