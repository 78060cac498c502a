"""The store's vectorized roll-up scores a framework with its own rules (the ML Test
Score: sum per section, minimum overall) exactly as the core does."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, results, units


def test_summary_results_follow_the_frameworks_rule(session: Session) -> None:
    rnd = random.Random(11)
    fw = get_framework("ml-test-score")
    unit = units.create_unit(session, name="T", kind="team")
    made = []
    for i in range(4):
        a = assessments.create_assessment(
            session, unit_id=unit.id, title=f"A{i}", framework="ml-test-score", status="open"
        )
        # 0 to 4 respondents; "don't know" and left-out tests count 0, n/a drops out
        for _ in range(rnd.randint(0, 4)):
            r, _ = respondents.create_invitation(session, assessment=a, name="", role="")
            for _, q in fw.iter_questions("core"):
                if rnd.random() < 0.7:
                    key = rnd.choice(["yes", "partly", "no", "na", "unknown"])
                    answers.save_answer(session, respondent=r, assessment=a, question_id=q.id, answer=key)
        made.append(a)
    session.flush()
    summary = results.summary_results(session, assessments=made)
    scored = 0
    for a in made:
        full = results.result_for(session, assessment=a)
        got = summary[a.id]
        for key in ("overall", "level", "respondent_count"):
            assert got[key] == pytest.approx(full[key]), (a.title, key)
        for mine, theirs in zip(got["dimensions"], full["dimensions"], strict=True):
            assert mine["score"] == pytest.approx(theirs["score"]), (a.title, mine["id"])
            assert mine["level"] == theirs["level"]
        scored += full["overall"] is not None
    assert scored >= 2  # the seed gives answered assessments, so the comparison means something
