"""A realistic demo organization: departments, teams, quarterly assessments.

Each team has its own maturity per dimension and improves a little each quarter; its
people mostly agree (:mod:`.demo_answers`), so the first result a newcomer sees can be
trusted, and split on a few questions, which the hotspots list. The newest assessment
of each team is open, with invitations still out, a plan in progress (statuses, owners,
due dates, efforts) and a repository scan; the older ones are closed (frozen). One team
has next quarter's assessment in draft, and the audit log tells how it all came about.
Deterministic for a given seed. ``teams`` scales the organization (200 teams for the
benchmarks): answers go in with bulk inserts, so that stays quick.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..answers import AnswerSet
from ..framework import Framework, get_framework
from ..scoring import ScoreResult, score
from .accounts import create_user
from .assessments import create_assessment
from .demo_answers import question_offsets, split_questions, team_answers
from .demo_evidence import demo_scan
from .demo_history import Trail, at, plan_in_progress
from .evidence import save_scan
from .models import Answer, Assessment, AuditEvent, Respondent, User
from .respondents import create_invitation
from .share_links import create_share_link
from .summary_refresh import refresh_summaries
from .units import create_unit

__all__ = ["DEMO_PASSWORD", "DEMO_USER", "DemoSummary", "demo_departments", "load_demo"]

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"
#: The other accounts of the demo (same password): who ran the assessments, who reads them.
DEMO_ACCOUNTS = (("sam", "facilitator"), ("lee", "viewer"))
__all__ += ["DEMO_ACCOUNTS"]

_ORG = {
    "Data Platform": ["Feature Store", "Data Ingestion", "ML Platform"],
    "Customer Products": ["Recommendations", "Search Ranking", "Pricing"],
    "Risk & Finance": ["Fraud Detection", "Credit Scoring"],
}
#: Departments and team names for an organization scaled past the eight named teams.
_MORE_DEPARTMENTS = [
    "Marketplace",
    "Operations",
    "Growth",
    "Trust & Safety",
    "Supply Chain",
    "Media",
    "Health",
]
_AREAS = [
    "Ads",
    "Churn",
    "Demand",
    "Routing",
    "Catalog",
    "Payments",
    "Support",
    "Vision",
    "Speech",
    "Quality",
]
_KINDS = ["Forecasting", "Ranking", "Models", "Insights", "Signals", "Platform", "Analytics", "Scoring"]
_FIRST = [
    "Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
    "Mateo", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Yusuf",
]  # fmt: skip
_LAST = ["Silva", "Kowalski", "Nguyen", "Okafor", "Schmidt", "Haddad", "Larsen", "Moreau", "Ito", "Petrov"]
#: Every team has practitioners and at least one of leadership or product, so the role
#: gap and the split questions have two sides.
_PRACTITIONERS = ["ml-engineer", "data-scientist", "data-engineer", "platform-engineer"]
_OTHERS = ["product", "leadership", "compliance"]
_DIMENSIONS = [
    "governance",
    "data-management",
    "model-development",
    "deployment",
    "monitoring",
    "continuous-improvement",
]


@dataclass
class DemoSummary:
    """What the demo created, and the links of the open assessments (shown once)."""

    units: int = 0
    assessments: int = 0
    respondents: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)


def demo_departments(teams: int) -> dict[str, list[str]]:
    """Department -> team names for an organization of ``teams`` teams: the eight named
    ones first, then made-up ones spread over further departments (about 25 each)."""
    if teams < 1:
        raise ValueError("the demo needs at least one team")
    named = [(dept, team) for dept, names in _ORG.items() for team in names]
    chosen = named[:teams]
    extra = teams - len(chosen)
    if extra > 0:
        departments = list(_ORG) + _MORE_DEPARTMENTS[: max(0, -(-extra // 25) - len(_ORG))]
        names = (f"{a} {k}" for k, a in itertools.product(_KINDS, _AREAS))
        for i in range(extra):
            try:
                name = next(names)
            except StopIteration:
                name = f"Team {len(named) + i + 1:04d}"
            chosen.append((departments[i % len(departments)], name))
    out: dict[str, list[str]] = {}
    for dept, team in chosen:
        out.setdefault(dept, []).append(team)
    return out


def load_demo(
    session: Session,
    *,
    seed: int = 2026,
    quarters: int = 4,
    today: dt.date | None = None,
    teams: int = 8,
) -> DemoSummary:
    """Fill an empty database with the demo organization, a ``demo`` admin account and
    the :data:`DEMO_ACCOUNTS`."""
    rng = random.Random(seed)
    fw = get_framework("mlops-scorecard")
    today = today or dt.date(2026, 10, 1)
    summary = DemoSummary()
    admin = create_user(session, username=DEMO_USER, password=DEMO_PASSWORD, role="admin")
    # one argon2 hash for the three (the same password): each costs a tenth of a second or more
    others = [User(username=u, password_hash=admin.password_hash, role=r) for u, r in DEMO_ACCOUNTS]
    session.add_all(others)
    session.flush()
    sam = others[0]
    trail = Trail(sam)
    org = create_unit(session, name="Acme Analytics", kind="organization")
    summary.units += 1
    first = True
    filled: list[tuple[Assessment, AnswerSet, dt.datetime]] = []
    for dept_name, team_names in demo_departments(teams).items():
        dept = create_unit(session, name=dept_name, kind="department", parent_id=org.id)
        summary.units += 1
        for team_name in team_names:
            team = create_unit(session, name=team_name, kind="team", parent_id=dept.id)
            summary.units += 1
            filled += _load_team(
                session, fw, rng, team.id, team_name, quarters, today, summary, trail, seed, first
            )
            if first:
                _draft(session, fw, team.id, team_name, today, summary, trail)
                first = False
    _insert_answers(session, filled)
    # stored now, in bulk: the organization page's first view then computes none
    refresh_summaries(session, assessment_ids=[a.id for a, _, _ in filled])
    if trail.rows:
        session.connection().execute(insert(AuditEvent), trail.rows)
    return summary


def _load_team(
    session: Session,
    fw: Framework,
    rng: random.Random,
    team_id: int,
    team_name: str,
    quarters: int,
    today: dt.date,
    summary: DemoSummary,
    trail: Trail,
    seed: int,
    highlighted: bool = False,
) -> list[tuple[Assessment, AnswerSet, dt.datetime]]:
    base = {d: rng.uniform(0.15, 0.5) for d in _DIMENSIONS}
    if highlighted:
        # the team the printed links and the draft are in is the one a new user looks at
        # first: mid-level in every dimension (no 0.0 that reads like a bug), drawn from
        # the same numbers so every other team stays as it was
        base = {d: 0.33 + 0.4 * (p - 0.15) for d, p in base.items()}
    pace = rng.uniform(0.03, 0.07)  # per quarter: progress shows through the noise
    offsets = question_offsets(fw, rng)
    if highlighted:
        # and no dimension whose every practice lags it: offsets centred per dimension
        offsets = _centred(fw, offsets)
    size = rng.randint(5, 8)
    # the second person leads: among those who answer every quarter, so the role gap shows
    roles = [rng.choice(_PRACTITIONERS), "leadership"]
    roles += [rng.choice(_PRACTITIONERS) for _ in range(size - 2 - size // 4)]
    roles += [rng.choice(_OTHERS) for _ in range(size // 4)]
    names = list(dict.fromkeys(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(size * 2)))[:size]
    people = list(zip(names, roles, strict=False))
    stays_split = split_questions(fw, rng, 1)  # talked about every quarter, until a meeting settles it
    filled: list[tuple[Assessment, AnswerSet, dt.datetime]] = []
    for q in range(quarters):
        date = _quarter_start(today, quarters - 1 - q)
        latest = q == quarters - 1
        levels = {d: min(0.95, max(0.05, p + pace * q + rng.gauss(0.0, 0.02))) for d, p in base.items()}
        a = create_assessment(
            session,
            unit_id=team_id,
            title=f"{team_name} {date.year} Q{(date.month - 1) // 3 + 1}",
            date=date,
            framework=fw.ref,
            question_set="core",
            targets=dict.fromkeys(_DIMENSIONS, 70.0) if latest else None,
            status="open",
        )
        session.flush()
        a.created_at = at(date - dt.timedelta(days=10))
        summary.assessments += 1
        trail.add(a.created_at, a, "assessment.create", f"Created the assessment {a.title!r}")
        trail.add(at(date - dt.timedelta(days=9)), a, "assessment.open", f"Opened the assessment {a.title!r}")
        answering = people[: len(people) - 1 - len(people) % 2] if latest else people  # some still to answer
        # the role split every quarter; one person's dissent as well before this one
        split = [*stays_split, *split_questions(fw, rng, 0 if latest else 1)]
        answers = team_answers(
            fw,
            rng=rng,
            levels=levels,
            offsets=offsets,
            people=answering,
            split=split,
            unit=team_name,
            date=date,
        )
        imported_at = at(date + dt.timedelta(days=3), 14) + dt.timedelta(minutes=rng.randrange(180))
        filled.append((a, answers, imported_at))
        trail.add(
            imported_at,
            a,
            "answers.upload",
            f"Imported {len(answering)} respondents from {_slug(team_name)}.yaml",
            respondents=len(answering),
        )
        summary.respondents += len(answering)
        if not latest:
            _close(a, score(fw, answers), at(date + dt.timedelta(days=21), 17))
            trail.add(
                at(date + dt.timedelta(days=21), 17),
                a,
                "assessment.close",
                f"Closed the assessment {a.title!r}",
            )
            continue
        for name, role in people[len(answering) :]:
            _, token = create_invitation(session, assessment=a, name=name, role=role)
            summary.links.append((f"{team_name}: {name}", f"/r/{token}"))
            trail.add(at(date - dt.timedelta(days=8)), a, "invitation.create", f"Invited {name} ({role})")
        _, shared = create_share_link(session, assessment=a)
        summary.links.append((f"{team_name}: shared anonymous link", f"/join/{shared}"))
        scan = demo_scan(
            fw, team=team_name, profile=levels, rng=random.Random(seed + team_id), when=f"{date}T09:00:00Z"
        )
        save_scan(session, assessment=a, result=scan, by=None)
        plan_in_progress(session, fw, a, answers, [n for n, _ in people], today, trail)
    return filled


def _centred(fw: Framework, offsets: dict[str, float]) -> dict[str, float]:
    """``offsets`` less their dimension's mean, and narrower: the practices of each
    dimension spread around its level instead of all lagging (or leading) it."""
    by_dim: dict[str, list[str]] = {}
    for dim, q in fw.iter_questions("core"):
        by_dim.setdefault(dim.id, []).append(q.id)
    out = dict(offsets)
    for ids in by_dim.values():
        mean = sum(offsets[i] for i in ids) / len(ids)
        out.update({i: 0.6 * (offsets[i] - mean) for i in ids})
    return out


def _close(a: Assessment, result: ScoreResult, when: dt.datetime) -> None:
    """Close ``a`` as :func:`~.assessments.set_status` would, with the result of the
    answers just generated (scoring them again from the database would double the
    demo's time at 200 teams; a test checks the two agree)."""
    a.frozen_result = result.to_dict()
    a.closed_at = when
    a.status = "closed"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("&", "and")


def _insert_answers(session: Session, filled: list[tuple[Assessment, AnswerSet, dt.datetime]]) -> None:
    """The respondents of each assessment's answers, and their answers, as an uploaded
    file's would be stored, in two bulk inserts of the database's own (the ORM's unit of
    work would take most of the demo's time at 200 teams)."""
    session.flush()
    conn = session.connection()
    people = [(a, p, when) for a, answers, when in filled for p in answers.respondents]
    ids = (
        conn.execute(
            insert(Respondent).returning(Respondent.id, sort_by_parameter_order=True),
            [
                {
                    "assessment_id": a.id,
                    "token_hash": None,
                    "name": p.name or None,
                    "role": p.role,
                    "source": "upload",
                    "created_at": when,
                    "submitted_at": when,
                    "answered": len(p.answers),
                }
                for a, p, when in people
            ],
        )
        .scalars()
        .all()
    )
    conn.execute(
        insert(Answer),
        [
            {
                "respondent_id": rid,
                "question_id": qid,
                "answer": ans.answer,
                "choices": None,
                "comment": ans.comment,
                "evidence": [],
                "revision": 1,
                "updated_at": when,
            }
            for rid, (_, p, when) in zip(ids, people, strict=True)
            for qid, ans in p.answers.items()
        ],
    )


def _draft(
    session: Session,
    fw: Framework,
    team_id: int,
    team_name: str,
    today: dt.date,
    summary: DemoSummary,
    trail: Trail,
) -> None:
    """Next quarter's assessment of the first team, still in draft: set up, nobody invited yet."""
    date = _quarter_start(today, -1)
    a = create_assessment(
        session,
        unit_id=team_id,
        title=f"{team_name} {date.year} Q{(date.month - 1) // 3 + 1}",
        date=date,
        framework=fw.ref,
        question_set="core",
        targets=dict.fromkeys(_DIMENSIONS, 75.0),
    )
    session.flush()
    a.created_at = at(today - dt.timedelta(days=2), 15)
    trail.add(a.created_at, a, "assessment.create", f"Created the assessment {a.title!r}")
    summary.assessments += 1


def _quarter_start(today: dt.date, quarters_back: int) -> dt.date:
    month0 = (today.month - 1) // 3 * 3 + today.year * 12 - 3 * quarters_back
    return dt.date(month0 // 12, month0 % 12 + 1, 1)
