"""The save path of one answer, in as few statements as the database allows.

An autosave is two statements, three when the question is answered for the first time:

1. :func:`save_target_for_token`: the respondent and their assessment in one SELECT of
   the few columns a save needs (no ORM objects built);
2. :func:`store_answer`: one ``INSERT ... ON CONFLICT (respondent_id, question_id) DO
   UPDATE ... WHERE answers.revision = :seen RETURNING ...`` (or, for a revision the
   client saw, one ``UPDATE ... WHERE revision = :seen RETURNING ...``). The revision
   check is in the statement, so two concurrent saves of one revision cannot both pass
   it; on PostgreSQL a concurrent first save of the same answer waits for the other's
   row and then updates it (or finds the revision moved on), never a unique-key error.
   What the statement returns also tells the progress: the answer's new revision (1:
   inserted), the respondent's answer count, and how many of their answers are to
   questions this assessment does not ask (scalar subqueries in ``RETURNING``);
3. on a first save only, ``UPDATE respondents SET answered = answered + 1 RETURNING``.

The assessment's row is not written: its revision is read from the answers
(:mod:`.revisions`), so saves into one assessment never queue on one row lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, String, bindparam, func, null, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import Framework, QuestionSet, answer_for_choices, choice_problems
from ..framework.profiles import profile_effect
from .frameworks import resolve
from .models import Answer, Assessment, Respondent, utcnow
from .tokens import hash_token, plausible_token

__all__ = [
    "INVALID_LINK",
    "MAX_COMMENT",
    "MAX_EVIDENCE",
    "AskedQuestions",
    "CheckedAnswer",
    "SaveTarget",
    "SavedAnswer",
    "StaleRevision",
    "answer_key_for",
    "asked_questions",
    "check_save",
    "evidence_links",
    "save_target_for_token",
    "store_answer",
    "target_of_row",
]

#: What an unknown or revoked personal link gets (404).
INVALID_LINK = "this link is not valid (it may have been revoked)"

#: The longest comment a saved answer keeps, and the most evidence links.
MAX_COMMENT = 5000
MAX_EVIDENCE = 50

_ANSWERS = cast(Any, Answer.__table__)
_RESPONDENTS = cast(Any, Respondent.__table__)
_ASSESSMENTS = cast(Any, Assessment.__table__)


@dataclass(frozen=True)
class SaveTarget:
    """Who saves into which assessment: what a save needs of both rows."""

    respondent_id: int
    answered: int
    assessment_id: int
    status: str
    framework_ref: str
    question_set: str
    profile: Mapping[str, str] | None


@dataclass(frozen=True)
class SavedAnswer:
    """One answer as stored by :func:`store_answer`.

    ``answered`` is the respondent's count of stored answers after the save, and
    ``asked_answered`` the part of them that the assessment asks (its question set,
    less the questions its context makes not applicable): the survey's progress."""

    id: int
    question_id: str
    answer: str
    choices: list[str] | None
    comment: str
    evidence: list[str]
    revision: int
    updated_at: dt.datetime
    answered: int
    asked_answered: int

    @property
    def first(self) -> bool:
        """Whether this save stored the answer for the first time."""
        return self.revision == 1


@dataclass(frozen=True)
class AskedQuestions:
    """The questions an assessment asks: its question set, less those its context makes
    not applicable (``not_applicable``: question id -> the reason)."""

    ids: frozenset[str]
    not_applicable: Mapping[str, str]
    #: The framework's questions not asked, for counting stored answers to them.
    outside: tuple[str, ...]

    @property
    def total(self) -> int:
        """How many questions are asked."""
        return len(self.ids)


_ASKED: dict[tuple[int, str, tuple[tuple[str, str], ...]], tuple[Framework, AskedQuestions]] = {}
_ASKED_LOCK = threading.Lock()


def asked_questions(
    framework: Framework, question_set: str, profile: Mapping[str, str] | None
) -> AskedQuestions:
    """The questions asked with this question set and context (kept per framework
    object, set and context in this process: every save needs them)."""
    key = (id(framework), question_set, tuple(sorted((profile or {}).items())))
    found = _ASKED.get(key)
    if found is not None and found[0] is framework:
        return found[1]
    qset = cast(QuestionSet, question_set)
    in_set = [q.id for _, q in framework.iter_questions(qset)]
    excluded = profile_effect(framework, profile or {}).not_applicable if framework.profile else {}
    na = {qid: reason for qid, reason in excluded.items() if qid in set(in_set)}
    ids = frozenset(qid for qid in in_set if qid not in na)
    outside = tuple(q.id for _, q in framework.iter_questions("full") if q.id not in ids)
    asked = AskedQuestions(ids=ids, not_applicable=na, outside=outside)
    with _ASKED_LOCK:
        if len(_ASKED) > 512:
            _ASKED.clear()
        _ASKED[key] = (framework, asked)
    return asked


def _lookup() -> Any:
    r, a = _RESPONDENTS.c, _ASSESSMENTS.c
    return (
        select(
            r.id,
            r.revoked_at,
            r.answered,
            a.id,
            a.status,
            a.framework_id,
            a.framework_version,
            a.question_set,
            a.profile,
        )
        .select_from(_RESPONDENTS.join(_ASSESSMENTS, a.id == r.assessment_id))
        .where(r.token_hash == bindparam("token_hash"))
    )


# Built once: building a statement costs more than SQLite takes to run it.
_LOOKUP = _lookup()
_COUNT_FIRST_SAVE = (
    update(_RESPONDENTS)
    .where(_RESPONDENTS.c.id == bindparam("rid"))
    .values(answered=_RESPONDENTS.c.answered + 1)
    .returning(_RESPONDENTS.c.answered)
)


def _connection(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def save_target_for_token(db: Session | Connection, *, token: str) -> SaveTarget:
    """The respondent behind a personal link and their assessment, in one SELECT of
    plain columns (in a session's transaction or on a connection). Refuses (404) an
    unknown or revoked link."""
    if not plausible_token(token):
        raise NotFoundError("this link is not valid")
    row = _connection(db).execute(_LOOKUP, {"token_hash": hash_token(token)}).first()
    if row is None or row[1] is not None:
        raise NotFoundError(INVALID_LINK)
    return target_of_row(row)


def target_of_row(row: Sequence[Any]) -> SaveTarget:
    """The :class:`SaveTarget` of a lookup row: respondent id, revoked at, answered,
    assessment id, status, framework id and version, question set, profile."""
    return SaveTarget(
        respondent_id=row[0],
        answered=row[2],
        assessment_id=row[3],
        status=row[4],
        framework_ref=f"{row[5]}@{row[6]}",
        question_set=row[7],
        profile=row[8],
    )


def answer_key_for(
    framework: Framework, question_id: str, answer: str, choices: Sequence[str] | None
) -> tuple[str, tuple[str, ...] | None]:
    """The key and choices to store for an answer to a question of ``framework``
    (which must exist): ``answer`` checked against the scale, or, when ``choices`` are
    given, checked against the question's choices and the key they give. Raises
    :class:`ScorecardError` (422) naming the allowed keys or choices."""
    found = framework.question(question_id)
    assert found is not None
    question = found[1]
    if choices is None:
        if answer not in framework.scale_keys:
            raise ScorecardError(
                f"unknown answer {answer!r} for {question_id!r} (use {', '.join(framework.scale_keys)})"
            )
        return answer, None
    selected = tuple(choices)
    problems = choice_problems(question, selected)
    if problems:
        raise ScorecardError(f"answer to {question_id!r}: " + "; ".join(problems))
    return answer_for_choices(framework, question, selected).key, selected


def _refuse_unless_open(status: str) -> None:
    if status == "closed":
        raise ConflictError("this assessment is closed; answers can no longer change")
    if status != "open":
        raise ConflictError(f"this assessment is {status} (not open yet); answers cannot be saved")


class StaleRevision(ConflictError):
    """The stored answer moved on (or was removed) since the revision the client saw."""


@dataclass(frozen=True)
class CheckedAnswer:
    """An answer ready to store: its scale key and, for a multiple-choice question, the
    selected choices; ``asked`` are the questions of the assessment it belongs to."""

    key: str
    choices: tuple[str, ...] | None
    asked: AskedQuestions


def check_save(
    fw: Framework,
    target: SaveTarget,
    *,
    question_id: str,
    answer: str,
    choices: Sequence[str] | None,
    comment: str,
    check_applicable: bool,
) -> CheckedAnswer:
    """Everything a save checks before it writes: the assessment is open (409), the
    question exists (404) and is in the set (422), with ``check_applicable`` not left
    out by the context (422), the answer or choices fit (422), the comment is not too
    long (422)."""
    _refuse_unless_open(target.status)
    found = fw.question(question_id)
    if found is None:
        raise NotFoundError(f"unknown question {question_id!r}")
    if target.question_set == "core" and found[1].set != "core":
        raise ScorecardError(f"question {question_id!r} is not in this assessment's question set")
    asked = asked_questions(fw, target.question_set, target.profile)
    reason = asked.not_applicable.get(question_id)
    if check_applicable and reason:
        raise ScorecardError(
            f"question {question_id!r} is not applicable in this assessment's context: {reason}"
        )
    key, picked = answer_key_for(fw, question_id, answer, choices)
    if len(comment) > MAX_COMMENT:
        raise ScorecardError(f"comment is longer than {MAX_COMMENT} characters")
    return CheckedAnswer(key=key, choices=picked, asked=asked)


def evidence_links(evidence: Sequence[str] | None) -> list[str]:
    """The evidence links a save keeps: stripped, blanks dropped, at most :data:`MAX_EVIDENCE`."""
    return [e.strip() for e in (evidence or []) if e.strip()][:MAX_EVIDENCE]


def store_answer(
    db: Session | Connection,
    *,
    target: SaveTarget,
    question_id: str,
    answer: str = "",
    choices: Sequence[str] | None = None,
    comment: str = "",
    evidence: Sequence[str] | None = None,
    expected_revision: int | None = None,
    framework: Framework | None = None,
    check_applicable: bool = False,
) -> SavedAnswer:
    """Save one answer (insert or update) in one statement, in a session's transaction
    or on a connection in one; see the module's notes.

    The question must be in the assessment's set (422) and the assessment open (409);
    with ``check_applicable``, a question its context makes not applicable is refused
    too (422). ``answer`` is a key of the scale, or ``choices`` the selected choice ids
    of a multiple-choice question (the key is the one they give). ``expected_revision``
    is the revision the client last saw (0: none yet); when the stored answer has moved
    on, or was removed, :class:`StaleRevision` (a :class:`ConflictError`) is raised and
    nothing changes. ``None`` saves whatever is stored (a script's blind save).
    """
    conn = _connection(db)
    if framework is None:
        with contextlib.nullcontext(db) if isinstance(db, Session) else Session(bind=conn) as session:
            framework = resolve(session, target.framework_ref)
    fw = framework
    checked = check_save(
        fw,
        target,
        question_id=question_id,
        answer=answer,
        choices=choices,
        comment=comment,
        check_applicable=check_applicable,
    )
    key, picked, asked = checked.key, checked.choices, checked.asked
    rid = target.respondent_id
    others = tuple(q for q in asked.outside if q != question_id)
    mode = "blind" if expected_revision is None else "new" if expected_revision == 0 else "seen"
    dialect = conn.dialect.name
    links = evidence_links(evidence)
    now = utcnow()
    params: dict[str, Any] = {
        "rid": rid,
        "qid": question_id,
        "answer": key,
        "choices": None if picked is None else list(picked),
        "comment": comment.strip(),
        "evidence": links,
        "updated_at": now,
        "seen": expected_revision or 0,
    }
    row = conn.execute(_save_statement(dialect, mode, others), params).first()
    if row is None:
        stored = conn.scalar(
            select(_ANSWERS.c.revision).where(
                _ANSWERS.c.respondent_id == rid, _ANSWERS.c.question_id == question_id
            )
        )
        raise StaleRevision(
            f"answer to {question_id!r} was changed elsewhere (revision {stored or 0}, you had "
            f"{expected_revision}); reload to see it"
        )
    answer_id, revision, answered, outside = row
    if revision == 1:
        answered = conn.execute(_COUNT_FIRST_SAVE, {"rid": rid}).scalar_one()
    # an answer to a question not asked counts in ``answered`` but not in the progress
    not_asked = int(outside or 0) + (question_id in asked.outside)
    return SavedAnswer(
        id=answer_id,
        question_id=question_id,
        answer=key,
        choices=params["choices"],
        comment=params["comment"],
        evidence=links,
        revision=revision,
        updated_at=now,
        answered=int(answered),
        asked_answered=int(answered) - not_asked,
    )


_STATEMENTS: dict[tuple[str, str, tuple[str, ...]], Any] = {}
_JSON_OR_NULL = JSON(none_as_null=True)


def _save_statement(dialect: str, mode: str, outside: tuple[str, ...]) -> Any:
    """The one statement of a save, built once per dialect, mode and set of questions
    not asked: ``blind`` (insert, or update whatever is stored), ``new`` (insert only:
    the client saw no answer), ``seen`` (update only the revision the client saw)."""
    key = (dialect, mode, outside)
    stmt = _STATEMENTS.get(key)
    if stmt is not None:
        return stmt
    c = _ANSWERS.c
    values: dict[str, Any] = {
        "answer": bindparam("answer"),
        "choices": bindparam("choices", type_=_JSON_OR_NULL),
        "comment": bindparam("comment"),
        "evidence": bindparam("evidence", type_=c.evidence.type),
        "updated_at": bindparam("updated_at", type_=c.updated_at.type),
    }
    mine = (c.respondent_id == bindparam("rid"), c.question_id == bindparam("qid"))
    if mode == "seen":
        stmt = (
            update(_ANSWERS)
            .where(*mine, c.revision == bindparam("seen"))
            .values(**values, revision=c.revision + 1)
        )
    else:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(_ANSWERS).values(
            respondent_id=bindparam("rid"), question_id=bindparam("qid"), revision=1, **values
        )
        if mode == "new":  # any stored answer is a conflict
            stmt = stmt.on_conflict_do_nothing(index_elements=["respondent_id", "question_id"])
        else:
            stmt = stmt.on_conflict_do_update(
                index_elements=["respondent_id", "question_id"],
                set_={**{k: stmt.excluded[k] for k in values}, "revision": c.revision + 1},
            )
    stmt = stmt.returning(*_returning(outside))
    with _ASKED_LOCK:
        if len(_STATEMENTS) > 512:
            _STATEMENTS.clear()
        _STATEMENTS[key] = stmt
    return stmt


def _returning(outside: Sequence[str]) -> list[ColumnElement[Any]]:
    """What the save statement returns: the row's id and revision, the respondent's
    answer count before this save's own increment, and their answers to the questions
    ``outside`` (not asked; none: no subquery). The question ids are bound one by one,
    not as an expanding list, so the statement compiles once."""
    counted = _ANSWERS.alias("counted")
    answered = select(_RESPONDENTS.c.answered).where(_RESPONDENTS.c.id == bindparam("rid")).scalar_subquery()
    if outside:
        ids = [bindparam(f"out_{i}", value=qid, type_=String()) for i, qid in enumerate(outside)]
        not_asked: ColumnElement[Any] = (
            select(func.count())
            .select_from(counted)
            .where(counted.c.respondent_id == bindparam("rid"), counted.c.question_id.in_(ids))
            .scalar_subquery()
        )
    else:
        not_asked = null()
    return [_ANSWERS.c.id, _ANSWERS.c.revision, answered, not_asked]
