"""Assessments: a unit, a pinned framework version and question set, a status."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, selectinload

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet
from ..answers import Respondent as CoreRespondent
from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import ANSWER_KEYS, AnswerKey, Framework, QuestionSet, get_framework
from ..scoring import ScoreResult, score
from .models import Assessment, Respondent, utcnow
from .units import get_unit

__all__ = [
    "STATUSES",
    "answer_set",
    "answer_sets_for",
    "assessment_framework",
    "create_assessment",
    "get_assessment",
    "latest_results",
    "list_assessments",
    "lock_assessment",
    "result_for",
    "results_for",
    "set_status",
    "summary_results",
    "update_assessment",
]

STATUSES = ("draft", "open", "closed")


def _check_targets(framework: Framework, targets: dict[str, Any] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in (targets or {}).items():
        if framework.dimension(key) is None:
            raise ScorecardError(f"targets: unknown dimension {key!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ScorecardError(f"targets.{key}: must be a number from 0 to 100")
        out[key] = float(value)
    return out


def create_assessment(
    session: Session,
    *,
    unit_id: int,
    title: str,
    date: dt.date | None = None,
    framework: str = "mlops-scorecard",
    question_set: str = "core",
    targets: dict[str, Any] | None = None,
    status: str = "draft",
) -> Assessment:
    """Create an assessment pinned to a framework version (the newest when none is given)."""
    get_unit(session, unit_id=unit_id)
    fw = get_framework(framework, allow_files=False)
    title = title.strip()
    if not title or len(title) > 200:
        raise ScorecardError("title must be 1 to 200 characters")
    if question_set not in ("core", "full"):
        raise ScorecardError("question_set must be 'core' or 'full'")
    if status not in ("draft", "open"):
        raise ScorecardError("a new assessment is 'draft' or 'open'")
    a = Assessment(
        unit_id=unit_id,
        framework_id=fw.id,
        framework_version=fw.version,
        question_set=question_set,
        title=title,
        date=date or dt.date.today(),
        status=status,
        targets=_check_targets(fw, targets),
    )
    session.add(a)
    session.flush()
    return a


def get_assessment(session: Session, *, assessment_id: int) -> Assessment:
    """The assessment with this id, or :class:`NotFoundError`."""
    a = session.get(Assessment, assessment_id)
    if a is None:
        raise NotFoundError(f"no assessment {assessment_id}")
    return a


def list_assessments(session: Session, *, unit_ids: list[int] | None = None) -> list[Assessment]:
    """Assessments (of some units), oldest first by date."""
    query = select(Assessment).order_by(Assessment.date, Assessment.id)
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(unit_ids))
    return list(session.scalars(query))


def assessment_framework(assessment: Assessment) -> Framework:
    """The framework version the assessment is pinned to: a built-in one, loaded once per
    process; never a file, whatever files lie in the server's working folder."""
    return get_framework(f"{assessment.framework_id}@{assessment.framework_version}", allow_files=False)


def update_assessment(
    session: Session,
    *,
    assessment: Assessment,
    title: str | None = None,
    date: dt.date | None = None,
    targets: dict[str, Any] | None = None,
) -> Assessment:
    """Change title, date or targets; a closed assessment is frozen."""
    if assessment.status == "closed":
        raise ConflictError(f"assessment {assessment.id} is closed; reopen it to change it")
    if title is not None:
        if not title.strip() or len(title) > 200:
            raise ScorecardError("title must be 1 to 200 characters")
        assessment.title = title.strip()
    if date is not None:
        assessment.date = date
    if targets is not None:
        assessment.targets = _check_targets(assessment_framework(assessment), targets)
    return assessment


def set_status(session: Session, *, assessment: Assessment, status: str) -> Assessment:
    """Open, close or reopen. Closing freezes the answers and stores the result."""
    if status not in STATUSES:
        raise ScorecardError(f"unknown status {status!r} (use {', '.join(STATUSES)})")
    if status == assessment.status:
        return assessment
    if status == "draft" and assessment.status == "closed":
        raise ConflictError("a closed assessment can be reopened, not turned back into a draft")
    if status == "closed":
        assessment.frozen_result = score_assessment(session, assessment=assessment).to_dict()
        assessment.closed_at = utcnow()
    else:
        assessment.frozen_result = None
        assessment.closed_at = None
    assessment.status = status
    return assessment


def respondents_of(session: Session, *, assessment: Assessment) -> list[Respondent]:
    """The assessment's respondents with their answers, in the order they joined."""
    return list(
        session.scalars(
            select(Respondent)
            .where(Respondent.assessment_id == assessment.id, Respondent.revoked_at.is_(None))
            .options(selectinload(Respondent.answers))
            .order_by(Respondent.id)
        )
    )


def answer_set(session: Session, *, assessment: Assessment, only_with_answers: bool = True) -> AnswerSet:
    """The assessment as a core answer set (what scoring, reports and export use).

    Anonymous respondents get no name; reports call them "respondent N".
    """
    people = []
    for r in respondents_of(session, assessment=assessment):
        if only_with_answers and not r.answers:
            continue
        people.append(
            CoreRespondent.model_construct(
                name=r.name or "",
                role=r.role or "",
                answers={
                    a.question_id: CoreAnswer.model_construct(
                        answer=cast(AnswerKey, a.answer),
                        comment=a.comment or "",
                        evidence=list(a.evidence or []),
                    )
                    for a in r.answers
                },
            )
        )
    return AnswerSet.model_construct(
        framework=f"{assessment.framework_id}@{assessment.framework_version}",
        question_set=cast(QuestionSet, assessment.question_set),
        unit=assessment.unit.name,
        title=assessment.title,
        date=assessment.date,
        respondents=people,
    )


def score_assessment(session: Session, *, assessment: Assessment) -> ScoreResult:
    """Score the assessment's current answers."""
    return score(assessment_framework(assessment), answer_set(session, assessment=assessment))


def result_for(session: Session, *, assessment: Assessment) -> dict[str, Any]:
    """The result as plain data: frozen for a closed assessment, computed otherwise."""
    if assessment.status == "closed" and assessment.frozen_result is not None:
        return assessment.frozen_result
    return score_assessment(session, assessment=assessment).to_dict()


def answer_sets_for(
    session: Session, *, assessments: list[Assessment], details: bool = True
) -> dict[int, AnswerSet]:
    """:func:`answer_set` of many assessments in one query (plain rows, no ORM objects).

    Respondents without answers and revoked ones are left out, as in :func:`answer_set`.
    With ``details=False`` comments and evidence are not loaded and answers without them
    share objects: enough for scoring, and several times faster for thousands of answers.
    """
    from .models import Answer

    out: dict[int, AnswerSet] = {}
    if not assessments:
        return out
    people: dict[int, list[CoreRespondent]] = {a.id: [] for a in assessments}
    columns: list[Any] = [
        Respondent.assessment_id,
        Respondent.id,
        Respondent.name,
        Respondent.role,
        Answer.question_id,
    ]
    columns += [Answer.answer, Answer.comment, Answer.evidence] if details else [Answer.answer]
    query = (
        select(*columns)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(people)), Respondent.revoked_at.is_(None))
        .order_by(Respondent.assessment_id, Respondent.id, Answer.id)
    )
    # Core execution on the session's connection: ORM row processing would cost more
    # than the whole page may take.
    rows = session.connection().execute(query)
    shared = {
        k: CoreAnswer.model_construct(answer=cast(AnswerKey, k), comment="", evidence=[]) for k in ANSWER_KEYS
    }
    current_id: int | None = None
    current: dict[str, CoreAnswer] = {}
    for row in rows:
        aid, rid, name, role, qid, key = row[:6]
        if rid != current_id:
            current_id, current = rid, {}
            people[aid].append(
                CoreRespondent.model_construct(name=name or "", role=role or "", answers=current)
            )
        if details:
            current[qid] = CoreAnswer.model_construct(
                answer=cast(AnswerKey, key), comment=row[6] or "", evidence=list(row[7] or [])
            )
        else:
            current[qid] = shared.get(key) or CoreAnswer.model_construct(answer=key, comment="", evidence=[])
    for a in assessments:
        out[a.id] = AnswerSet.model_construct(
            framework=f"{a.framework_id}@{a.framework_version}",
            question_set=cast(QuestionSet, a.question_set),
            unit="",
            title=a.title,
            date=a.date,
            respondents=people[a.id],
        )
    return out


def results_for(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """:func:`result_for` of many assessments: frozen results as stored, the rest scored
    from answers loaded in one query."""
    out: dict[int, dict[str, Any]] = {}
    live = []
    for a in assessments:
        if a.status == "closed" and a.frozen_result is not None:
            out[a.id] = a.frozen_result
        else:
            live.append(a)
    sets = answer_sets_for(session, assessments=live, details=False)
    for a in live:
        out[a.id] = score(assessment_framework(a), sets[a.id]).to_dict()
    return out


def summary_results(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """The summary of :func:`result_for` for many assessments, for roll-ups and trends.

    Each value has the keys ``overall``, ``level``, ``level_name``, ``respondent_count``
    and ``dimensions`` (each with ``id``, ``title``, ``weight``, ``score``, ``level``),
    equal to those of :func:`result_for` (the tests compare them). Frozen results are
    returned whole; open assessments are scored together, vectorized over one query of
    their answers, so that a page of 200 units costs milliseconds, not a scoring each.
    """
    import numpy as np

    from .models import Answer

    out: dict[int, dict[str, Any]] = {}
    groups: dict[tuple[str, str, str], list[Assessment]] = {}
    for a in assessments:
        if a.status == "closed" and a.frozen_result is not None:
            out[a.id] = a.frozen_result
        else:
            groups.setdefault((a.framework_id, a.framework_version, a.question_set), []).append(a)
    if not groups:
        return out
    live = [a.id for group in groups.values() for a in group]
    rows = (
        session.connection()
        .execute(
            select(Respondent.assessment_id, Respondent.id, Answer.question_id, Answer.answer)
            .join(Answer, Answer.respondent_id == Respondent.id)
            .where(Respondent.assessment_id.in_(live), Respondent.revoked_at.is_(None))
        )
        .all()
    )
    by_assessment: dict[int, list[Any]] = {aid: [] for aid in live}
    for row in rows:
        by_assessment[row[0]].append(row)
    for group in groups.values():
        fw = assessment_framework(group[0])
        dims = [(d, d.questions_in(cast(QuestionSet, group[0].question_set))) for d in fw.dimensions]
        qindex = {q.id: i for i, q in enumerate(q for _, qs in dims for q in qs)}
        value = {k: fw.value_of(k) for k in fw.scale}
        sums = np.zeros((len(group), len(qindex)))
        counts = np.zeros((len(group), len(qindex)))
        people = []
        for i, a in enumerate(group):
            cells = [(qindex[q], value.get(k)) for _, _, q, k in by_assessment[a.id] if q in qindex]
            valued = [(j, v) for j, v in cells if v is not None]
            if valued:
                cols, vals = zip(*valued, strict=True)
                np.add.at(sums[i], list(cols), list(vals))
                np.add.at(counts[i], list(cols), 1.0)
            people.append(len({r for _, r, _, _ in by_assessment[a.id]}))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        start = 0
        dim_scores = np.full((len(group), len(dims)), np.nan)
        for j, (_, qs) in enumerate(dims):
            w = np.array([q.weight for q in qs], dtype=float)
            block = means[:, start : start + len(qs)]
            start += len(qs)
            has = ~np.isnan(block)
            den = (has * w).sum(axis=1)
            num = (np.where(has, block, 0.0) * w).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                dim_scores[:, j] = np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)), np.nan)
        has = ~np.isnan(dim_scores)
        if fw.overall == "minimum":
            overall = np.where(has.any(axis=1), np.where(has, dim_scores, np.inf).min(axis=1), np.nan)
        else:
            w = np.array([d.weight for d, _ in dims], dtype=float)
            den = (has * w).sum(axis=1)
            num = (np.where(has, dim_scores, 0.0) * w).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                overall = np.clip(
                    np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)) / 100.0, np.nan), 0, 100
                )
        for i, a in enumerate(group):
            total = None if np.isnan(overall[i]) else float(overall[i])
            level = fw.level_for(total)
            dimensions = []
            for j, (d, _) in enumerate(dims):
                sc = None if np.isnan(dim_scores[i, j]) else float(dim_scores[i, j])
                lv = fw.level_for(sc)
                dimensions.append(
                    {
                        "id": d.id,
                        "title": d.title,
                        "weight": d.weight,
                        "score": sc,
                        "level": None if lv is None else lv.id,
                    }
                )
            out[a.id] = {
                "overall": total,
                "level": None if level is None else level.id,
                "level_name": None if level is None else level.name,
                "respondent_count": people[i],
                "dimensions": dimensions,
            }
    return out


def latest_results(session: Session) -> dict[int, tuple[Assessment, dict[str, Any]]]:
    """Per unit id, its newest assessment (by date) that has answers, with its result.

    Drafts are skipped; an open assessment nobody has answered yet gives way to the one
    before it. A few queries whatever the number of units.
    """
    candidates: dict[int, list[int]] = {}
    for aid, unit_id in session.execute(
        select(Assessment.id, Assessment.unit_id)
        .where(Assessment.status != "draft")
        .order_by(Assessment.unit_id, Assessment.date.desc(), Assessment.id.desc())
    ):
        candidates.setdefault(unit_id, []).append(aid)
    found: dict[int, tuple[Assessment, dict[str, Any]]] = {}
    depth = 0
    while True:
        wanted = [ids[depth] for ids in candidates.values() if len(ids) > depth]
        if not wanted:
            return found
        batch = list(session.scalars(select(Assessment).where(Assessment.id.in_(wanted))))
        results = summary_results(session, assessments=batch)
        for a in batch:
            if results[a.id].get("respondent_count"):
                found[a.unit_id] = (a, results[a.id])
                del candidates[a.unit_id]
        depth += 1


def lock_assessment(session: Session, *, assessment_id: int) -> Assessment:
    """Lock an assessment for the rest of the transaction and load it fresh.

    A check followed by a write (no respondent of that name yet, then add them) must not
    interleave with the same in another transaction. A no-op ``UPDATE`` of the row takes
    PostgreSQL's row lock, and on SQLite the database's write lock (waiting up to the busy
    timeout), so a second transaction doing the same waits here and then sees the first's
    rows. Call it before the check. :class:`NotFoundError` for an unknown id.
    """
    result = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(status=Assessment.status)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount == 0:
        raise NotFoundError(f"no assessment {assessment_id}")
    a = session.get(Assessment, assessment_id, populate_existing=True)
    if a is None:  # pragma: no cover - deleted between the two statements is impossible under the lock
        raise NotFoundError(f"no assessment {assessment_id}")
    return a
