"""A respondent's autosave by their personal link: one round trip on PostgreSQL.

On SQLite an autosave is the transaction of :mod:`.saving` (the token lookup, then the
save statement) on a Core connection: the database is in the process, so statements
cost no round trip, and the ORM session's machinery would be most of the time.

On PostgreSQL every round trip waits for the server and for a core, and a save in a
transaction is four of them (BEGIN, the lookup, the save, COMMIT). Here it is one
statement run in autocommit mode, its own transaction:

- what the checks need of the link (the assessment, its status, framework, question
  set and context) is kept in this process as a *hint* per token hash, filled by one
  lookup the first time a worker sees the link;
- the answer is checked against the hint in Python (the framework is needed for that);
- the statement finds the link again, and inserts or updates the answer only if the
  respondent is not revoked and the assessment is still the hint's (open, same
  framework, question set and context), with the same revision check as
  :func:`.saving.store_answer`; it counts a first answer in ``respondents.answered``
  and returns what it found of the link and the assessment along with the saved row.

So a stale hint can never let a wrong save through: the statement checks it. When the
returned link differs from the hint, nothing was written; the hint is replaced with what
the database returned and the save is checked and tried again (a revoked link is a 404,
a closed assessment a 409, as in a transaction). Several workers each keep their own
hints; nothing else is kept between requests.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.orm import Session

from ..errors import NotFoundError, ScorecardError
from ..framework import Framework
from .db import write_connection
from .frameworks import resolve
from .models import utcnow
from .saving import (
    INVALID_LINK,
    AskedQuestions,
    CheckedAnswer,
    SavedAnswer,
    SaveTarget,
    StaleRevision,
    asked_questions,
    check_save,
    save_target_for_token,
    store_answer,
    target_of_row,
)
from .tokens import hash_token, plausible_token

__all__ = ["Autosaved", "autosave", "forget_hints", "hints_kept"]

#: How many links' hints a worker keeps (a few hundred bytes each); the oldest go first.
MAX_HINTS = 20_000
#: A save whose link keeps changing under it (closed and reopened, re-targeted) gives up
#: after this many tries with a 409 rather than loop.
MAX_TRIES = 3


@dataclass(frozen=True)
class Autosaved:
    """An autosaved answer and the questions its assessment asks (for the progress)."""

    saved: SavedAnswer
    asked: AskedQuestions


@dataclass(frozen=True)
class _Hint:
    target: SaveTarget
    revoked: bool
    profile_text: str | None
    framework: Framework


_HINTS: dict[str, _Hint] = {}
_HINTS_LOCK = threading.Lock()
_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def forget_hints() -> None:
    """Drop every hint this process keeps (tests; a hint is never needed for correctness)."""
    with _HINTS_LOCK:
        _HINTS.clear()


def hints_kept() -> int:
    """How many links' hints this process keeps (at most :data:`MAX_HINTS`)."""
    return len(_HINTS)


def autosave(
    engine: Engine,
    *,
    token: str,
    question_id: str,
    answer: str = "",
    choices: Sequence[str] | None = None,
    comment: str = "",
    expected_revision: int | None = None,
) -> Autosaved:
    """Save one answer by a personal link: a short transaction on SQLite, one statement
    on PostgreSQL.

    The checks and errors are :func:`.saving.store_answer`'s with ``check_applicable``:
    404 for an unknown or revoked link, 409 for an assessment not open or a stale
    revision (:class:`~.saving.StaleRevision`), 422 for an unknown question or an
    answer that does not fit.
    """
    if engine.dialect.name != "postgresql":
        return _in_transaction(
            engine,
            token=token,
            question_id=question_id,
            answer=answer,
            choices=choices,
            comment=comment,
            expected_revision=expected_revision,
        )
    if not plausible_token(token):
        raise NotFoundError("this link is not valid")
    token_hash = hash_token(token)
    mode = "blind" if expected_revision is None else "new" if expected_revision == 0 else "seen"
    with _autocommit(engine).connect() as conn:
        hint = _HINTS.get(token_hash)
        fresh = hint is None  # read from the database in this request
        if hint is None:
            hint = _look_up(conn, token_hash)
        for _ in range(MAX_TRIES):
            try:
                checked = _check(hint, question_id, answer, choices, comment)
            except ScorecardError:
                if fresh:
                    raise
                # a kept hint may be older than the change that allows this save (a
                # draft opened, a link restored): refuse only on what the database says
                hint, fresh = _look_up(conn, token_hash), True
                continue
            params = _params(token_hash, hint, checked, question_id, comment, expected_revision)
            params["outside"] = [q for q in checked.asked.outside if q != question_id]
            row = conn.execute(_save_statement(mode), params).first()
            if row is None:
                _forget(token_hash)
                raise NotFoundError(INVALID_LINK)
            if row[10] is not None:  # the answer was saved
                return Autosaved(saved=_saved(row, params, checked, question_id), asked=checked.asked)
            now_known = _remember(conn, token_hash, row, hint)
            if now_known is hint:  # the link is as the hint says: the revision moved on
                stored = conn.execute(
                    _STORED_REVISION, {"rid": hint.target.respondent_id, "qid": question_id}
                ).scalar()
                raise StaleRevision(
                    f"answer to {question_id!r} was changed elsewhere (revision {stored or 0}, "
                    f"you had {expected_revision}); reload to see it"
                )
            hint, fresh = now_known, True
        raise StaleRevision("this assessment changed while the answer was being saved; try again")


def _check(
    hint: _Hint, question_id: str, answer: str, choices: Sequence[str] | None, comment: str
) -> CheckedAnswer:
    if hint.revoked:
        raise NotFoundError(INVALID_LINK)
    _refuse_unknown(hint.framework, question_id)
    return check_save(
        hint.framework,
        hint.target,
        question_id=question_id,
        answer=answer,
        choices=choices,
        comment=comment,
        check_applicable=True,
    )


def _params(
    token_hash: str,
    hint: _Hint,
    checked: CheckedAnswer,
    question_id: str,
    comment: str,
    expected_revision: int | None,
) -> dict[str, Any]:
    framework_id, version = hint.target.framework_ref.rsplit("@", 1)
    return {
        "token_hash": token_hash,
        "aid": hint.target.assessment_id,
        "fid": framework_id,
        "fv": version,
        "qset": hint.target.question_set,
        "profile_text": hint.profile_text,
        "qid": question_id,
        "answer": checked.key,
        "choices": None if checked.choices is None else json.dumps(list(checked.choices)),
        "comment": comment.strip(),
        "evidence": "[]",  # an autosave carries no evidence links
        "updated_at": utcnow(),
        "seen": expected_revision or 0,
    }


def _saved(row: Any, params: dict[str, Any], checked: CheckedAnswer, question_id: str) -> SavedAnswer:
    answer_id, revision, counted, not_asked = row[10], row[11], row[12], row[13]
    answered = int(counted if counted is not None else row[2])
    # an answer to a question not asked counts in ``answered`` but not in the progress
    outside = int(not_asked or 0) + (question_id in checked.asked.outside)
    return SavedAnswer(
        id=answer_id,
        question_id=question_id,
        answer=checked.key,
        choices=None if checked.choices is None else list(checked.choices),
        comment=params["comment"],
        evidence=[],
        revision=revision,
        updated_at=params["updated_at"],
        answered=answered,
        asked_answered=answered - outside,
    )


def _look_up(conn: Any, token_hash: str) -> _Hint:
    return _remember(conn, token_hash, conn.execute(_LOOKUP, {"token_hash": token_hash}).first(), None)


def _in_transaction(engine: Engine, **save: Any) -> Autosaved:
    # a Core connection, not a session: no ORM object is needed, and the session's
    # machinery was most of a SQLite save's time
    with write_connection(engine) as conn:
        target = save_target_for_token(conn, token=save.pop("token"))
        fw = _framework(conn, target.framework_ref)
        _refuse_unknown(fw, save["question_id"])
        saved = store_answer(conn, target=target, framework=fw, check_applicable=True, **save)
        return Autosaved(saved=saved, asked=asked_questions(fw, target.question_set, target.profile))


def _framework(conn: Any, ref: str) -> Framework:
    with Session(bind=conn) as session:
        return resolve(session, ref)


def _refuse_unknown(fw: Framework, question_id: str) -> None:
    # the link was found: a question id the framework lacks is bad input (422), not a 404
    if fw.question(question_id) is None:
        raise ScorecardError(f"unknown question {question_id!r}")


def _autocommit(engine: Engine) -> Engine:
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        # shares the engine's pool: a connection goes back with its isolation level reset
        found = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return found


def _remember(conn: Any, token_hash: str, row: Any, previous: _Hint | None) -> _Hint:
    """A hint from a lookup row (or the statement's first ten columns), kept for later."""
    if row is None:
        _forget(token_hash)
        raise NotFoundError(INVALID_LINK)
    target = target_of_row(row)
    if previous is not None and previous.target.framework_ref == target.framework_ref:
        framework = previous.framework
    else:
        framework = _framework(conn, target.framework_ref)
    hint = _Hint(target=target, revoked=row[1] is not None, profile_text=row[9], framework=framework)
    if previous is not None and _same_link(previous, hint):
        return previous
    with _HINTS_LOCK:
        if len(_HINTS) >= MAX_HINTS:
            _HINTS.pop(next(iter(_HINTS)))
        _HINTS[token_hash] = hint
    return hint


def _same_link(a: _Hint, b: _Hint) -> bool:
    """Whether two hints allow the same saves (``answered`` may differ: it only counts)."""
    x, y = a.target, b.target
    return (a.revoked, a.profile_text, x.assessment_id, x.status, x.framework_ref, x.question_set) == (
        b.revoked,
        b.profile_text,
        y.assessment_id,
        y.status,
        y.framework_ref,
        y.question_set,
    )


def _forget(token_hash: str) -> None:
    with _HINTS_LOCK:
        _HINTS.pop(token_hash, None)


_TARGET = """
    SELECT r.id AS rid, r.revoked_at, r.answered, a.id AS aid, a.status, a.framework_id,
           a.framework_version, a.question_set, a.profile, CAST(a.profile AS TEXT) AS profile_text
    FROM respondents r JOIN assessments a ON a.id = r.assessment_id
    WHERE r.token_hash = :token_hash
"""
_LOOKUP = text(_TARGET)
_STORED_REVISION = text("SELECT revision FROM answers WHERE respondent_id = :rid AND question_id = :qid")

_VALUES = (
    ":answer, CAST(:choices AS JSON), :comment, CAST(:evidence AS JSON), "
    "CAST(:updated_at AS TIMESTAMP WITHOUT TIME ZONE)"
)
_SET_FROM_EXCLUDED = (
    "answer = excluded.answer, choices = excluded.choices, comment = excluded.comment, "
    "evidence = excluded.evidence, updated_at = excluded.updated_at, revision = answers.revision + 1"
)
_WRITES = {
    # insert, or update whatever is stored (a script's blind save)
    "blind": f"""
        INSERT INTO answers (respondent_id, question_id, answer, choices, comment, evidence, updated_at, revision)
        SELECT rid, :qid, {_VALUES}, 1 FROM allowed
        ON CONFLICT (respondent_id, question_id) DO UPDATE SET {_SET_FROM_EXCLUDED}
        RETURNING answers.id, answers.revision, answers.respondent_id""",
    # the client saw no answer: any stored one is a conflict
    "new": f"""
        INSERT INTO answers (respondent_id, question_id, answer, choices, comment, evidence, updated_at, revision)
        SELECT rid, :qid, {_VALUES}, 1 FROM allowed
        ON CONFLICT (respondent_id, question_id) DO NOTHING
        RETURNING answers.id, answers.revision, answers.respondent_id""",
    # update only the revision the client saw
    "seen": """
        UPDATE answers SET answer = :answer, choices = CAST(:choices AS JSON), comment = :comment,
            evidence = CAST(:evidence AS JSON), updated_at = CAST(:updated_at AS TIMESTAMP WITHOUT TIME ZONE),
            revision = answers.revision + 1
        FROM allowed
        WHERE answers.respondent_id = allowed.rid AND answers.question_id = :qid AND answers.revision = :seen
        RETURNING answers.id, answers.revision, answers.respondent_id""",
}
_STATEMENTS: dict[str, TextClause] = {}


def _save_statement(mode: str) -> TextClause:
    """The one statement of a save, per mode; the questions not asked are one array
    parameter, so each mode's statement is prepared once by the driver."""
    stmt = _STATEMENTS.get(mode)
    if stmt is not None:
        return stmt
    not_asked = (
        "(SELECT count(*) FROM answers o WHERE o.respondent_id = t.rid "
        "AND o.question_id = ANY(CAST(:outside AS VARCHAR[])))"
    )
    stmt = text(
        f"""
        WITH target AS ({_TARGET}),
        allowed AS (
            SELECT rid FROM target
            WHERE revoked_at IS NULL AND status = 'open' AND aid = :aid AND framework_id = :fid
              AND framework_version = :fv AND question_set = :qset
              AND profile_text IS NOT DISTINCT FROM CAST(:profile_text AS TEXT)
        ),
        saved AS ({_WRITES[mode]}),
        counted AS (
            UPDATE respondents SET answered = respondents.answered + 1
            FROM saved WHERE respondents.id = saved.respondent_id AND saved.revision = 1
            RETURNING respondents.answered
        )
        SELECT t.rid, t.revoked_at, t.answered, t.aid, t.status, t.framework_id, t.framework_version,
               t.question_set, t.profile, t.profile_text,
               s.id, s.revision, (SELECT answered FROM counted), {not_asked}
        FROM target t LEFT JOIN saved s ON true
        """
    )
    with _HINTS_LOCK:
        _STATEMENTS[mode] = stmt
    return stmt
