"""A realistic demo organization: departments, teams, quarterly assessments.

Each team starts from its own maturity profile and improves a little each quarter,
with some noise, so trends, heatmaps and the organization roll-up have something to
show. The newest assessment of each team is open, with invitation links; the older
ones are closed (frozen). Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..example import example_answers
from ..framework import get_framework
from .accounts import create_user
from .answers import import_answer_set
from .assessments import create_assessment, set_status
from .demo_evidence import demo_scan
from .evidence import save_scan
from .respondents import create_invitation
from .share_links import create_share_link
from .units import create_unit

__all__ = ["DEMO_PASSWORD", "DEMO_USER", "DemoSummary", "load_demo"]

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"

_ORG = {
    "Data Platform": ["Feature Store", "Data Ingestion", "ML Platform"],
    "Customer Products": ["Recommendations", "Search Ranking", "Pricing"],
    "Risk & Finance": ["Fraud Detection", "Credit Scoring"],
}
_FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Yusuf",
]
_LAST = ["Silva", "Kowalski", "Nguyen", "Okafor", "Schmidt", "Haddad", "Larsen", "Moreau", "Ito", "Petrov"]
_ROLES = ["ml-engineer", "data-scientist", "data-engineer", "platform", "product", "compliance", "leadership"]
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


def load_demo(
    session: Session, *, seed: int = 2026, quarters: int = 4, today: dt.date | None = None
) -> DemoSummary:
    """Fill an empty database with the demo organization and a ``demo`` admin account."""
    rng = random.Random(seed)
    fw = get_framework("mlops-scorecard")
    today = today or dt.date(2026, 10, 1)
    summary = DemoSummary()
    create_user(session, username=DEMO_USER, password=DEMO_PASSWORD, role="admin")
    org = create_unit(session, name="Acme Analytics", kind="organization")
    summary.units += 1
    for dept_name, teams in _ORG.items():
        dept = create_unit(session, name=dept_name, kind="department", parent_id=org.id)
        summary.units += 1
        for team_name in teams:
            team = create_unit(session, name=team_name, kind="team", parent_id=dept.id)
            summary.units += 1
            base = {d: rng.uniform(0.15, 0.6) for d in _DIMENSIONS}
            pace = rng.uniform(0.05, 0.11)  # per quarter: progress shows through the sampling noise
            size = rng.randint(3, 8)
            people = [(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", rng.choice(_ROLES)) for _ in range(size)]
            people = list(dict.fromkeys(people))  # names stay unique within a team
            for q in range(quarters):
                date = _quarter_start(today, quarters - 1 - q)
                profile = {
                    d: min(0.95, max(0.05, p + pace * q + rng.uniform(-0.05, 0.05))) for d, p in base.items()
                }
                assessment = create_assessment(
                    session,
                    unit_id=team.id,
                    title=f"{team_name} {date.year} Q{(date.month - 1) // 3 + 1}",
                    date=date,
                    framework=fw.ref,
                    question_set="core",
                    targets=dict.fromkeys(_DIMENSIONS, 70.0) if q == quarters - 1 else None,
                    status="open",
                )
                summary.assessments += 1
                latest = q == quarters - 1
                answering = people[: max(3, len(people) - 2)] if latest else people
                answers = example_answers(
                    fw,
                    respondents=len(answering),
                    seed=rng.randrange(1_000_000),
                    unit=team_name,
                    date=date,
                    profile=profile,
                    people=answering,
                    consensus=True,
                )
                import_answer_set(session, assessment=assessment, answers=answers, source=f"demo {team_name}")
                summary.respondents += len(answering)
                if latest:
                    for name, role in people[len(answering) :]:
                        _, token = create_invitation(session, assessment=assessment, name=name, role=role)
                        summary.links.append((f"{team_name}: {name}", f"/r/{token}"))
                    _, shared = create_share_link(session, assessment=assessment)
                    summary.links.append((f"{team_name}: shared anonymous link", f"/join/{shared}"))
                    when = f"{date.isoformat()}T09:00:00Z"
                    scan = demo_scan(
                        fw, team=team_name, profile=profile, rng=random.Random(seed + team.id), when=when
                    )
                    save_scan(session, assessment=assessment, result=scan, by=None)
                else:
                    session.flush()
                    set_status(session, assessment=assessment, status="closed")
    session.flush()
    return summary


def _quarter_start(today: dt.date, quarters_back: int) -> dt.date:
    month0 = (today.month - 1) // 3 * 3 + today.year * 12 - 3 * quarters_back
    return dt.date(month0 // 12, month0 % 12 + 1, 1)
