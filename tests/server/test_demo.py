"""The demo organization shows the product at its best: answers people agree on, with a
few split questions, departments with roll-ups, a plan in progress, a draft, an audit
log; and it scales to many teams. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from mlops_scorecard.analysis import analyze
from mlops_scorecard.answers import check_answers
from mlops_scorecard.cli import app
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.answer_sets import answer_set, assessment_framework
from mlops_scorecard.store.audit import AuditFilter, query_log
from mlops_scorecard.store.db import make_engine, session_factory, transaction
from mlops_scorecard.store.demo import DEMO_ACCOUNTS, demo_departments, load_demo
from mlops_scorecard.store.demo_answers import question_offsets, split_questions, team_answers
from mlops_scorecard.store.models import Assessment, AuditEvent, PlanItem, Respondent, Unit, User
from mlops_scorecard.store.results import score_assessment

FW = get_framework("mlops-scorecard")


def test_the_demo_agrees_and_has_hotspots(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        load_demo(s)
    with sessions() as s:
        open_ones = s.scalars(select(Assessment).where(Assessment.status == "open")).all()
        assert len(open_ones) == 8
        alphas, hotspots = [], []
        for a in open_ones:
            found = analyze(assessment_framework(a), answer_set(s, assessment=a))
            assert found.agreement.overall.alpha is not None
            alphas.append(found.agreement.overall.alpha)
            hotspots.append(len(found.hotspots))
        # what a newcomer sees first is to be trusted, with a few questions to talk through
        assert statistics.median(alphas) >= 0.75, alphas
        assert min(alphas) >= 0.55, alphas
        assert sum(1 <= h <= 4 for h in hotspots) >= 6, hotspots
        # a closed quarter's frozen result is what scoring its stored answers gives
        closed = s.scalars(select(Assessment).where(Assessment.status == "closed")).first()
        assert closed is not None
        assert closed.frozen_result == score_assessment(s, assessment=closed).to_dict()
        assert closed.closed_at is not None
        assert closed.closed_at.date() > closed.date


def test_the_demo_has_a_plan_in_progress_a_draft_and_a_history(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        summary = load_demo(s)
    with sessions() as s:
        kinds = dict(s.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
        assert kinds == {"organization": 1, "department": 3, "team": 8}
        (draft,) = s.scalars(select(Assessment).where(Assessment.status == "draft")).all()
        assert draft.date > dt.date(2026, 10, 1)
        assert draft.targets
        items = s.scalars(select(PlanItem)).all()
        assert {i.status for i in items} == {"open", "in-progress", "done"}
        assert all(i.owner and i.due_date and i.effort in ("S", "M", "L") for i in items)
        open_ids = set(s.scalars(select(Assessment.id).where(Assessment.status == "open")))
        assert {i.assessment_id for i in items} == open_ids
        users = dict(s.execute(select(User.username, User.role)).all())
        assert users == {"demo": "admin", **dict(DEMO_ACCOUNTS)}
        log = query_log(s, where=AuditFilter(assessment_id=draft.id - 1))
        assert log.total >= 4
        actions = {e.event.action for e in query_log(s, per_page=200).entries}
        assert {
            "assessment.create",
            "assessment.open",
            "answers.upload",
            "plan.item",
            "invitation.create",
        } <= actions
        closes = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "assessment.close")
        )
        assert closes == 24
        # the stored answer counts are the save path's
        r = s.scalars(select(Respondent).where(Respondent.source == "upload")).first()
        assert r is not None
        assert r.answered == len(r.answers) == 18
    assert summary.links


def test_the_demo_scales(sessions: sessionmaker[Session]) -> None:
    org = demo_departments(200)
    assert sum(len(t) for t in org.values()) == 200
    assert len(org) == 8
    assert max(len(t) for t in org.values()) <= 30
    names = [t for teams in org.values() for t in teams]
    assert len(set(names)) == 200
    assert sum(len(t) for t in demo_departments(3).values()) == 3
    with transaction(sessions) as s:
        summary = load_demo(s, teams=20, quarters=2)
    assert summary.assessments == 20 * 2 + 1
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "team")) == 20
        assert s.scalar(select(func.count()).select_from(Assessment).where(Assessment.status == "open")) == 20


def test_team_answers_are_valid_and_follow_the_levels() -> None:
    rng = random.Random(3)
    people = [("A", "ml-engineer"), ("B", "leadership"), ("C", "data-scientist"), ("D", "data-engineer")]
    high = dict.fromkeys((d.id for d in FW.dimensions), 0.85)
    low = dict.fromkeys((d.id for d in FW.dimensions), 0.2)
    offsets = question_offsets(FW, rng)
    split = split_questions(FW, rng, 2)
    made = {
        name: team_answers(
            FW,
            rng=rng,
            levels=levels,
            offsets=offsets,
            people=people,
            split=split,
            unit="T",
            date=dt.date(2026, 1, 1),
        )
        for name, levels in (("high", high), ("low", low))
    }
    for answers in made.values():
        check_answers(answers, FW)
    high_score = analyze(FW, made["high"]).result.overall
    low_score = analyze(FW, made["low"]).result.overall
    assert high_score is not None
    assert low_score is not None
    assert high_score > low_score + 20
    # the first split question divides leadership from the practitioners
    first = [made["low"].respondents[i].answers[split[0]].answer for i in range(4)]
    assert first[1] in ("yes", "unknown", "na")
    assert {first[0], first[2], first[3]} - {"unknown", "na"} <= {"no"}


def test_demo_command_takes_teams(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    r = CliRunner().invoke(app, ["demo", "--database-url", url, "--teams", "3"])
    assert r.exit_code == 0, r.output
    assert "13 assessments" in r.output  # 3 teams x 4 quarters, and a draft
    assert "sam" in r.output
    bad = CliRunner().invoke(app, ["demo", "--database-url", url, "--teams", "0", "--reset"])
    assert bad.exit_code != 0
    assert "--teams" in bad.output
    engine = make_engine(url)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "team")) == 3
    engine.dispose()
