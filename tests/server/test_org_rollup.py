"""Departments and the organization from their teams' compact summaries: the roll-up rows,
the weakest questions, the rolled-up trend, places, search and pagination, privacy, and
the summary cache by revision; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from custom_frameworks import ACME
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answer_sets, answers, assessments, respondents, units
from mlops_scorecard.store.frameworks import publish
from mlops_scorecard.store.models import DerivedResult
from mlops_scorecard.store.revisions import bump_revision
from mlops_scorecard.store.rolled import places, rolled_trend, weakest_questions
from mlops_scorecard.store.rollup import rollup_over, subtree_map, summary_teams
from mlops_scorecard.store.scopes import scope_summaries
from mlops_scorecard.store.summaries import KIND, latest_summaries, store_summaries
from mlops_scorecard.web.views.department_rows import short_labels
from mlops_scorecard.web.views.departments import PAGE_SIZE

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
MONITORING = next(q for d, q in FW.iter_questions("core") if d.id == "monitoring")


def answer(
    app: FastAPI, unit_id: int, people: list[dict[str, str]], *, date: str, default: str, status: str = "open"
) -> int:
    """An assessment of ``unit_id`` answered by one respondent per entry of ``people``
    (question id -> answer; every other core question ``default``)."""
    with app.state.scorecard.write() as s:
        a = assessments.create_assessment(
            s, unit_id=unit_id, title=f"Check {date}", date=dt.date.fromisoformat(date), status="open"
        )
        for i, special in enumerate(people):
            r, _ = respondents.create_invitation(
                s, assessment=a, name=f"Secret Person {unit_id}-{i}", role="ML engineer"
            )
            for qid in CORE:
                answers.save_answer(
                    s, respondent=r, assessment=a, question_id=qid, answer=special.get(qid, default)
                )
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return a.id


def tree(app: FastAPI) -> dict[str, int]:
    """Org > Dept > [T1, T2, Sub > T3], Org > Dept2 > T4; T5 has no answers."""
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Org", kind="organization")
        dept = units.create_unit(s, name="Dept", kind="department", parent_id=org.id)
        sub = units.create_unit(s, name="Sub", kind="department", parent_id=dept.id)
        dept2 = units.create_unit(s, name="Dept2", kind="department", parent_id=org.id)
        ids = {"org": org.id, "dept": dept.id, "sub": sub.id, "dept2": dept2.id}
        for name, parent in [("T1", dept), ("T2", dept), ("T3", sub), ("T4", dept2), ("T5", dept2)]:
            ids[name] = units.create_unit(s, name=name, kind="team", parent_id=parent.id).id
    no = {MONITORING.id: "no"}
    # T1: all yes (100) in Q1, then 3 people, two say no to monitoring (Q2, closed first)
    answer(app, ids["T1"], [{}], date="2025-02-01", default="yes", status="closed")
    answer(app, ids["T1"], [no, no, {}], date="2025-05-01", default="yes")
    # T2: partly (50) in Q2, one of two says no to monitoring
    answer(app, ids["T2"], [no, {}], date="2025-05-02", default="partly")
    # T3: no everywhere (0) in Q2
    answer(app, ids["T3"], [{}], date="2025-05-03", default="no")
    # T4: yes, one respondent saying no to monitoring
    answer(app, ids["T4"], [no], date="2025-05-04", default="yes")
    return ids


def test_roll_up_rows_weakest_questions_and_trend_in_the_store(app: FastAPI) -> None:
    ids = tree(app)
    with app.state.scorecard.read() as s:
        scope = scope_summaries(s, unit_id=ids["dept"])
    assert sorted(scope.latest) == sorted([ids["T1"], ids["T2"], ids["T3"]])
    assert scope.pending  # computed now, for the caller to store
    t1 = scope.latest[ids["T1"]]
    assert t1.respondents == 3
    assert t1.weak[MONITORING.id] == (2, 3)
    assert len(scope.history[ids["T1"]]) == 2  # both quarters, oldest first
    assert scope.history[ids["T1"]][0].overall == 100.0
    # the roll-up of Dept over T1, T2 and Sub > T3: unweighted mean of the teams' scores
    subtrees = subtree_map(scope.units)
    assert sorted(subtrees[ids["dept"]]) == sorted([ids["T1"], ids["T2"], ids["T3"]])
    teams = summary_teams(scope.units, scope.latest)
    dept = next(u for u in scope.units if u.id == ids["dept"])
    r = rollup_over(dept, subtrees[ids["dept"]], teams, [d.id for d in FW.dimensions])
    overalls = [teams[ids[t]].overall for t in ("T1", "T2", "T3")]
    assert r.overall.mean == sum(v for v in overalls if v is not None) / 3
    assert r.dimensions["governance"].mean == (100.0 + 50.0 + 0.0) / 3
    assert (r.team_count, len(r.teams)) == (3, 3)
    # weakest: T1 (2 of 3 say no) and T3 (all no) answer monitoring mostly "no"; T2 (1 of 2) does not
    weak = weakest_questions(scope.latest.values(), lambda _: set(CORE), limit=50)
    monitoring = next(w for w in weak if w.question_id == MONITORING.id)
    assert (monitoring.teams_low, monitoring.teams_asked) == (2, 3)
    assert (monitoring.answers_low, monitoring.answers_valued) == (2 + 1 + 1, 3 + 2 + 1)
    # the trend: 2025 Q1 has T1 alone (no interval), Q2 all three with an interval
    trend = rolled_trend(scope.history, ["governance"])
    assert [(p.label, p.teams) for p in trend] == [("2025 Q1", 1), ("2025 Q2", 3)]
    assert trend[0].overall.low is None
    q2 = trend[1].dimensions["governance"]
    assert q2.mean == 50.0
    assert q2.low is not None
    assert q2.high is not None
    assert q2.low < 50.0 < q2.high
    # places by overall score: T1 first, T3 last
    assert {k: (p.rank, p.of) for k, p in places({1: 90.0, 2: 50.0, 3: 50.0, 4: None}).items()} == {
        1: (1, 3),
        2: (2, 3),
        3: (2, 3),
    }


def test_summary_is_stored_and_recomputed_when_the_revision_moves_on(app: FastAPI) -> None:
    ids = tree(app)
    with app.state.scorecard.read() as s:
        scope = scope_summaries(s, unit_id=ids["dept2"])
    with app.state.scorecard.write() as s:
        store_summaries(s, scope.pending)
    with app.state.scorecard.read() as s:
        again = scope_summaries(s, unit_id=ids["dept2"])
        stored = s.scalars(select(DerivedResult).where(DerivedResult.kind == KIND)).all()
    assert again.pending == {}  # read back, not computed
    t4 = again.latest[ids["T4"]]
    assert (
        json.loads(next(r.body for r in stored if r.assessment_id == t4.assessment_id).split("\n")[0])["n"]
        == 1
    )
    # a second respondent answers everything "no"; the save path moves the revision on
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=t4.assessment_id)
        r, _ = respondents.create_invitation(s, assessment=a, name="Later", role="ML engineer")
        for qid in CORE:
            answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer="no")
        bump_revision(s, assessment_id=a.id)
    with app.state.scorecard.write() as s:
        fresh = latest_summaries(s, unit_ids=[ids["T4"]])[ids["T4"]]
    assert fresh.revision > t4.revision
    assert fresh.respondents == 2
    assert fresh.overall is not None
    assert t4.overall is not None
    assert fresh.overall < t4.overall
    with app.state.scorecard.read() as s:
        row = s.get(DerivedResult, (t4.assessment_id, KIND))
        assert row is not None
        assert row.revision == fresh.revision


def test_department_page_shows_the_roll_up(app: FastAPI, viewer: TestClient) -> None:
    ids = tree(app)
    page = viewer.get(f"/units/{ids['dept']}").text
    assert "No assessments yet" not in page
    assert "Dept has no assessments of its own" in page
    rollup = page[page.index('id="rollup"') :]
    rollup = rollup[: rollup.index("</section>")]
    own = rollup.split(f'data-unit="{ids["dept"]}"', 1)[1].split("</tr>", 1)[0]
    assert ">3 of 3<" in own
    assert own.count(">50<") >= 1  # governance: (100 + 50 + 0) / 3
    assert "—" not in own  # the department's row is filled in
    sub = rollup.split(f'data-unit="{ids["sub"]}"', 1)[1].split("</tr>", 1)[0]
    assert sub.count(">0<") == 7  # T3 alone: six dimensions and overall
    teams = page[page.index('id="teams"') :]
    assert "1st of 3" in teams
    assert "3rd of 3" in teams
    assert f'href="/units/{ids["T4"]}"' not in teams  # another department's team
    weak = page[page.index('id="weakest"') :]
    assert f"2 of 3 teams answer mostly “No” to: {MONITORING.text}" in weak
    trend = page[page.index('id="rolled-trend"') :]
    assert "2025 Q1" in trend
    assert "2025 Q2" in trend
    assert "90% interval" in trend
    # short column labels, full names in the header's tooltip
    assert '<abbr title="Monitoring and Evaluation"><span class="lbl">Monitoring</span>' in page
    # nobody's name is on a roll-up page, not even for a facilitator's eyes
    assert "Secret Person" not in page
    assert "Secret Person" not in viewer.get("/").text


def test_organization_page_rolls_up_and_lists_teams_not_assessed(app: FastAPI, viewer: TestClient) -> None:
    ids = tree(app)
    page = viewer.get("/").text
    rollup = page[page.index('id="rollup"') :]
    rollup = rollup[: rollup.index("</section>")]
    assert ">4 of 5<" in rollup.split(f'data-unit="{ids["org"]}"', 1)[1].split("</tr>", 1)[0]
    for key in ("dept", "dept2"):
        assert f'data-unit="{ids[key]}"' in rollup
    # Sub is below Dept: collapsed under it
    details = rollup.split('<details class="sub-departments"', 1)[1]
    assert f'data-unit="{ids["sub"]}"' in details
    assert "Not assessed yet (1)" in page
    assert ">T5</a>" in page
    assert "Roll-up from 4 teams" in page


def test_search_and_pagination_of_teams(app: FastAPI, viewer: TestClient) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Big", kind="organization")
        many = units.create_unit(s, name="Many", kind="department", parent_id=org.id)
        dept = many.id
        team_ids = [
            units.create_unit(s, name=f"Squad {i:02d}", kind="team", parent_id=many.id).id
            for i in range(PAGE_SIZE + 5)
        ]
    for i, tid in enumerate(team_ids):
        with app.state.scorecard.write() as s:
            a = assessments.create_assessment(
                s, unit_id=tid, title="Q", date=dt.date(2025, 3, 1), status="open"
            )
            r, _ = respondents.create_invitation(s, assessment=a, name="", role="")
            answers.save_answer(
                s, respondent=r, assessment=a, question_id=CORE[0], answer="yes" if i % 2 else "no"
            )
    # 55 open assessments saved one answer at a time: their summaries are computed by the
    # page views, at most summaries_per_view (40) a view, so the first says it is refreshing
    warming = viewer.get(f"/units/{dept}").text
    assert "15 teams' figures are being refreshed" in warming
    first = viewer.get(f"/units/{dept}").text
    assert "being refreshed" not in first
    teams = first[first.index('id="teams"') :]
    assert teams.count('<tr data-unit="') == PAGE_SIZE
    assert "page 1 of 2" in teams
    assert 'rel="next"' in teams
    second = viewer.get(f"/units/{dept}?page=2").text
    teams = second[second.index('id="teams"') :].split("</section>", 1)[0]
    assert teams.count('<tr data-unit="') == 5
    assert 'rel="prev"' in teams
    found = viewer.get(f"/units/{dept}?q=squad+07").text
    teams = found[found.index('id="teams"') :].split("</section>", 1)[0]
    assert teams.count('<tr data-unit="') == 1
    assert ">Squad 07</a>" in teams
    assert "1 team matches “squad 07”" in teams
    none = viewer.get(f"/units/{dept}?q=nothing-like-it").text
    assert "No team matches “nothing-like-it”" in none
    # nonsense page numbers are the first or last page, never an error
    for bad in ["0", "-1", "abc", "99"]:
        r = viewer.get(f"/units/{dept}?page={bad}")
        assert r.status_code == 200
        assert r.text.count('<tr data-unit="') > 0
    # the same search on the organization page
    org_page = viewer.get("/?q=squad+1").text
    assert org_page[org_page.index('id="teams"') :].split("</section>", 1)[0].count('<tr data-unit="') == 10


def test_short_labels_stay_distinct() -> None:
    cols = short_labels(
        [("a", "Model Development"), ("b", "Model Serving"), ("c", "Monitoring and Evaluation")]
    )
    assert [c.short for c in cols] == ["MD", "MS", "Monitoring"]
    assert cols[0].title == "Model Development"


def test_teams_on_a_published_framework_roll_up_on_its_dimensions(app: FastAPI, viewer: TestClient) -> None:
    ids = tree(app)
    with app.state.scorecard.write() as s:
        publish(s, text=ACME, filename="acme.yaml")
        team = units.create_unit(s, name="Acme team", kind="team", parent_id=ids["dept"]).id
        a = assessments.create_assessment(
            s, unit_id=team, title="Acme", date=dt.date(2025, 6, 1), status="open", framework="acme-mlops@1.0"
        )
        fw = answer_sets.assessment_framework(a)
        r, _ = respondents.create_invitation(s, assessment=a, name="", role="")
        for _, q in fw.iter_questions("core"):
            answers.save_answer(s, respondent=r, assessment=a, question_id=q.id, answer="yes")
    page = viewer.get(f"/units/{ids['dept']}").text
    # two roll-ups: the built-in framework's three teams, and the published one's team,
    # whose own dimension (Security) is a column there
    assert "Roll-up from 3 teams: " in page
    assert "Roll-up from 1 team: ACME MLOps scorecard" in page
    acme = page[page.index("Roll-up from 1 team: ACME") :]
    assert '<abbr title="Security"><span class="lbl">Security</span>' in acme.split("</section>", 1)[0]
    first = page[page.index('id="rollup"') :].split("</section>", 1)[0]
    assert 'title="Security"' not in first
