"""Analysis on the pages: agreement, intervals, hotspots, roles, the trend with intervals,
the comparison of two assessments, department roll-ups, team distributions and the
heatmap's uncertainty marking; roles, errors and speed; on SQLite and PostgreSQL.

Numbers on the pages are checked against the library run on
``store.answer_sets.answer_set(...)``."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import insert
from support import page_queries

from mlops_scorecard.analysis import analyze
from mlops_scorecard.analysis.comparison import compare
from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.framework import Framework, builtin_frameworks, get_framework
from mlops_scorecard.framework import loading as framework_module
from mlops_scorecard.store import answer_sets, answers, assessments, respondents, results, units
from mlops_scorecard.store.models import Answer, Assessment, Respondent
from mlops_scorecard.web.views.org import HATCH

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
FULL = [q.id for _, q in FW.iter_questions("full")]
KEYS = ["yes", "partly", "no", "unknown"]

#: (name, role, answer pattern): the answer to question i is KEYS[(i * step + shift) % 4]
PEOPLE: list[tuple[str | None, str, int, int]] = [
    ("Ann Lead", "Leadership", 0, 0),
    ("Bo Engineer", "ML engineer", 1, 1),
    (None, "Data scientist", 2, 1),
    ("Cy Product", "product manager", 3, 2),
]


def answers_of(step: int, shift: int, questions: list[str]) -> dict[str, str]:
    return {q: KEYS[(i * step + shift) % 4] if (i + shift) % 5 else "yes" for i, q in enumerate(questions)}


def seed(
    app: FastAPI,
    *,
    people: list[tuple[str | None, str, int, int]] | None = None,
    unit_id: int | None = None,
    date: str = "2025-03-01",
    targets: dict[str, float] | None = None,
    status: str = "open",
    question_set: str = "core",
    framework: str = "mlops-scorecard",
    title: str = "Q1 check",
) -> dict[str, int]:
    """A unit (unless given) and an assessment answered by ``people`` (with comments)."""
    with app.state.scorecard.write() as s:
        if unit_id is None:
            org = units.create_unit(s, name="Acme", kind="organization")
            unit_id = units.create_unit(s, name="Team A", kind="team", parent_id=org.id).id
        a = assessments.create_assessment(
            s,
            unit_id=unit_id,
            title=title,
            date=dt.date.fromisoformat(date),
            targets=targets,
            status="open",
            question_set=question_set,
            framework=framework,
        )
        fw = answer_sets.assessment_framework(a)
        questions = [q.id for _, q in fw.iter_questions(question_set)]  # type: ignore[arg-type]
        for name, role, step, shift in PEOPLE if people is None else people:
            r, _ = respondents.create_invitation(s, assessment=a, name=name or "", role=role)
            for i, (qid, key) in enumerate(answers_of(step, shift, questions).items()):
                comment = f"note {step}-{i} from {role}" if i % 4 == 1 else ""
                answers.save_answer(
                    s, respondent=r, assessment=a, question_id=qid, answer=key, comment=comment
                )
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return {"unit": unit_id, "assessment": a.id}


def library_analysis(app: FastAPI, assessment_id: int) -> Any:
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=assessment_id)
        return analyze(answer_sets.assessment_framework(a), answer_sets.answer_set(s, assessment=a))


def section(page: str, element_id: str) -> str:
    """The HTML of the <section> with this id."""
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def svg_text(r: Any) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(r.content)
    assert root.tag.endswith("svg")
    return " ".join(root.itertext())


# --- the assessment page --------------------------------------------------------------------


def test_assessment_page_shows_the_analysis(app: FastAPI, facilitator: TestClient) -> None:
    ids = seed(app, targets={"governance": 80})
    an = library_analysis(app, ids["assessment"])
    page = facilitator.get(f"/assessments/{ids['assessment']}").text
    trust = section(page, "trust")
    # agreement: overall alpha with its reading
    alpha = an.agreement.overall.alpha
    assert alpha is not None
    assert f'<strong class="alpha">{alpha:.2f}</strong>' in trust
    assert str(escape(an.agreement.overall.reading)) in trust
    # intervals and alpha per dimension and overall
    for d in an.result.dimensions:
        iv = an.uncertainty.dimensions[d.id]
        row = trust.split(f'data-dimension="{d.id}"', 1)[1].split("</tr>", 1)[0]
        assert f"{d.score:.1f}" in row
        assert f"{iv.low:.1f}\u2013{iv.high:.1f}" in row
        dim_alpha = an.agreement.dimensions[d.id].alpha
        assert (f"{dim_alpha:.2f}" if dim_alpha is not None else "—") in row
    ov = an.uncertainty.overall
    overall_row = trust.split('data-dimension="overall"', 1)[1].split("</tr>", 1)[0]
    assert f"{ov.low:.1f}\u2013{ov.high:.1f}" in overall_row
    assert "90% interval" in trust
    # plain warnings
    for c in an.caveats:
        assert str(escape(c.message)) in trust
    assert f'src="/assessments/{ids["assessment"]}/analysis/radar.svg"' in trust
    # calibration agenda: hotspots in the library's order, comments beside them, no names
    agenda = section(page, "calibration")
    assert an.hotspots
    positions = [agenda.index(str(escape(h.question.text))) for h in an.hotspots[:12]]
    assert positions == sorted(positions)
    first = an.hotspots[0]
    assert f"by up to <strong>{first.swing:.1f}</strong> points" in agenda
    commented = [h for h in an.hotspots[:12] if h.comments]
    assert commented
    for c in commented[0].comments:
        assert str(escape(c.comment)) in agenda
    for name in ("Ann Lead", "Bo Engineer", "Cy Product"):
        assert name not in agenda
    # roles: per role and group, the gap, the missing roles
    roles = section(page, "roles")
    for r in an.roles.roles:
        assert f"{r.role}</th>" in roles
    for g in an.roles.gaps:
        if g.gap is not None:
            assert f"{g.gap:+.1f}" in roles
    assert "leadership \u2212 practitioners" in roles
    assert "Missing roles:</strong> data-engineer, compliance." in roles
    assert f"/assessments/{ids['assessment']}/analysis/roles.svg?by=group" in roles


def test_agreement_needs_two_respondents(app: FastAPI, viewer: TestClient) -> None:
    one = seed(app, people=PEOPLE[:1])
    page = viewer.get(f"/assessments/{one['assessment']}").text
    assert "Needs 2+ respondents." in section(page, "trust")
    assert "Hotspots need answers from two or more respondents." in section(page, "calibration")
    assert "few respondents" in page.lower() or "Only 1 respondent" in page
    empty = seed(app, people=[], unit_id=one["unit"])
    page = viewer.get(f"/assessments/{empty['assessment']}").text
    assert "Needs 2+ respondents." in page
    assert "Nobody has answered yet" in section(page, "roles")
    # the charts still draw
    svg_text(viewer.get(f"/assessments/{empty['assessment']}/analysis/radar.svg"))
    svg_text(viewer.get(f"/assessments/{empty['assessment']}/analysis/roles.svg"))


def test_analysis_charts_are_svg(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app, targets={"governance": 80, "deployment": 60})["assessment"]
    text = svg_text(facilitator.get(f"/assessments/{aid}/analysis/radar.svg"))
    assert "90% interval band" in text
    assert "Target" in text
    text = svg_text(facilitator.get(f"/assessments/{aid}/analysis/roles.svg"))
    assert "leadership (n=1)" in text
    assert "practitioners (n=2)" in text
    assert "everyone (n=4)" in text
    text = svg_text(facilitator.get(f"/assessments/{aid}/analysis/roles.svg?by=role"))
    assert "product (n=1)" in text
    assert facilitator.get(f"/assessments/{aid}/analysis/roles.svg?by=team").status_code == 422


# --- the unit page and the comparison -------------------------------------------------------------


def test_unit_page_trend_with_intervals_targets_and_compare_link(app: FastAPI, viewer: TestClient) -> None:
    first = seed(app, date="2025-01-01", status="closed")
    second = seed(app, unit_id=first["unit"], date="2025-04-01", people=PEOPLE[1:], status="closed")
    third = seed(
        app,
        unit_id=first["unit"],
        date="2025-07-01",
        people=PEOPLE[:3],
        targets={"governance": 90, "deployment": 5},
    )
    seed(app, unit_id=first["unit"], date="2025-10-01", people=[])  # nobody answered: left out
    page = viewer.get(f"/units/{first['unit']}").text
    trend = section(page, "uncertainty-trend")
    with app.state.scorecard.read() as s:
        for ids in (first, second, third):
            a = assessments.get_assessment(s, assessment_id=ids["assessment"])
            u = intervals(FW, answer_sets.answer_set(s, assessment=a))
            result = results.result_for(s, assessment=a)
            row = trend.split(f'href="/assessments/{a.id}"', 1)[1].split("</tr>", 1)[0]
            for d in result["dimensions"]:
                iv = u.dimensions[d["id"]]
                assert iv is not None
                assert f"{d['score']:.1f}<br>" in row
                assert f"{iv.low:.1f}\u2013{iv.high:.1f}" in row
            assert u.overall is not None
            assert f"{u.overall.low:.1f}\u2013{u.overall.high:.1f}" in row
        latest = results.result_for(
            s, assessment=assessments.get_assessment(s, assessment_id=third["assessment"])
        )
    assert trend.count('href="/assessments/') == 3
    # gap to target of the latest
    scores = {d["id"]: d["score"] for d in latest["dimensions"]}
    gaps = trend.split('class="target-gaps"', 1)[1]
    assert f'<td class="num gap">{90 - scores["governance"]:.1f}</td>' in gaps
    assert '<td class="num ok">met</td>' in gaps  # deployment target 5
    # compare the latest with the previous
    assert f'href="/compare?a={second["assessment"]}&amp;b={third["assessment"]}"' in trend
    text = svg_text(viewer.get(f"/units/{first['unit']}/analysis/trend.svg"))
    assert "Governance" in text
    assert "Overall" in text
    assert f'href="/?team={first["unit"]}#distribution"' in trend


def test_compare_page_same_version(app: FastAPI, viewer: TestClient) -> None:
    old = seed(app, date="2025-01-01")
    new = seed(app, unit_id=old["unit"], date="2025-04-01", people=PEOPLE[1:])
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=old["assessment"])
        b = assessments.get_assessment(s, assessment_id=new["assessment"])
        expected = compare(
            FW, answer_sets.answer_set(s, assessment=a), FW, answer_sets.answer_set(s, assessment=b)
        )
    r = viewer.get(f"/compare?a={old['assessment']}&b={new['assessment']}")
    assert r.status_code == 200
    page = r.text
    assert "compare-note" not in page
    for d in [*expected.dimensions, expected.overall]:
        row = page.split(f'<th scope="row">{d.title}</th>', 1)[1].split("</tr>", 1)[0]
        assert f"{d.old:.1f}" in row
        assert f"{d.new:.1f}" in row
        assert f"{d.delta:+.1f}" in row
    changed = expected.changes
    assert changed
    assert f"{len(changed)} of {len(expected.questions)} shared questions changed" in page
    positions = [page.index(str(escape(q.text))) for q in changed]
    assert positions == sorted(positions)
    # the same assessment twice: nothing changed
    same = viewer.get(f"/compare?a={old['assessment']}&b={old['assessment']}").text
    assert "No answer changed" in same


def test_compare_core_with_full_shows_the_note(app: FastAPI, viewer: TestClient) -> None:
    old = seed(app, date="2025-01-01")
    new = seed(app, unit_id=old["unit"], date="2025-04-01", question_set="full")
    page = viewer.get(f"/compare?a={old['assessment']}&b={new['assessment']}").text
    assert "compare-note" in page
    assert f"Compared on the {len(CORE)} questions both assessments asked" in page
    assert "Only in B:" in page


def other_version(monkeypatch: pytest.MonkeyPatch) -> Framework:
    """Register a second built-in version of the framework (1.1.0): one core question
    dropped, one added. Built-in frameworks come from package files; the test adds one to
    the loaded set, which is what ``get_framework`` and the store read."""
    builtin_frameworks()  # load the package's frameworks first
    data = FW.model_dump()
    data["version"] = "1.1.0"
    dim = data["dimensions"][0]
    dim["questions"] = [q for q in dim["questions"] if q["id"] != CORE[0]] + [
        {"id": "gov-new-question", "text": "Is there a new question?", "set": "core"}
    ]
    fw2 = Framework.model_validate(data)
    monkeypatch.setitem(framework_module._BUILTIN_CACHE, fw2.ref, fw2)
    return fw2


def test_compare_across_framework_versions(
    app: FastAPI, viewer: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fw2 = other_version(monkeypatch)
    old = seed(app, date="2025-01-01", framework="mlops-scorecard@1.0.0")
    new = seed(app, unit_id=old["unit"], date="2025-04-01", framework=fw2.ref)
    page = viewer.get(f"/compare?a={old['assessment']}&b={new['assessment']}").text
    note = page.split('class="note compare-note"', 1)[1].split("</p>", 1)[0]
    assert f"Compared on the {len(CORE) - 1} questions both assessments asked" in note
    assert "(mlops-scorecard@1.0.0 and mlops-scorecard@1.1.0)" in note
    assert f"not asked in the new one: {CORE[0]}" in note
    assert "new: gov-new-question" in note
    assert "Only in A:" in page


def test_compare_errors(app: FastAPI, viewer: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    aid = seed(app)["assessment"]
    assert viewer.get(f"/compare?a={aid}&b=999999").status_code == 404
    assert viewer.get(f"/compare?a=999999&b={aid}").status_code == 404
    for query in ["", f"?a={aid}", f"?a={aid}&b=x", f"?a=0&b={aid}", f"?a={aid}&b=99999999999"]:
        r = viewer.get(f"/compare{query}")
        assert r.status_code == 422, query
        assert "<html" in r.text  # a page for browsers, not JSON
    # another framework altogether cannot be compared
    builtin_frameworks()
    data = FW.model_dump()
    data["id"] = "other-framework"
    other = Framework.model_validate(data)
    monkeypatch.setitem(framework_module._BUILTIN_CACHE, other.ref, other)
    bid = seed(app, framework=other.ref, unit_id=_unit_of(app, aid))["assessment"]
    r = viewer.get(f"/compare?a={aid}&b={bid}")
    assert r.status_code == 422
    assert "different frameworks" in r.text


def _unit_of(app: FastAPI, assessment_id: int) -> int:
    with app.state.scorecard.read() as s:
        return assessments.get_assessment(s, assessment_id=assessment_id).unit_id


# --- the organization page ---------------------------------------------------------------------------


def org_fixture(app: FastAPI) -> dict[str, int]:
    """Org > Dept > [T1 (1 respondent, all yes), Sub > T3 (2, all partly)], Dept2 > T2 (3, all no)."""
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Org", kind="organization")
        dept = units.create_unit(s, name="Dept", kind="department", parent_id=org.id)
        sub = units.create_unit(s, name="Sub", kind="department", parent_id=dept.id)
        dept2 = units.create_unit(s, name="Dept2", kind="department", parent_id=org.id)
        t1 = units.create_unit(s, name="T1", kind="team", parent_id=dept.id)
        t3 = units.create_unit(s, name="T3", kind="team", parent_id=sub.id)
        t2 = units.create_unit(s, name="T2", kind="team", parent_id=dept2.id)
        ids = {
            "org": org.id,
            "dept": dept.id,
            "sub": sub.id,
            "dept2": dept2.id,
            "t1": t1.id,
            "t2": t2.id,
            "t3": t3.id,
        }
    for team, key, count, status in [
        ("t1", "yes", 1, "closed"),
        ("t2", "no", 3, "open"),
        ("t3", "partly", 2, "open"),
    ]:
        with app.state.scorecard.write() as s:
            a = assessments.create_assessment(
                s, unit_id=ids[team], title="Latest", date=dt.date(2025, 5, 1), status="open"
            )
            for i in range(count):
                r, _ = respondents.create_invitation(s, assessment=a, name=f"P{i}", role="ML engineer")
                for qid in CORE:
                    answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer=key)
            if status == "closed":
                assessments.set_status(s, assessment=a, status="closed")
    return ids


def test_department_rollup_by_hand(app: FastAPI, viewer: TestClient) -> None:
    ids = org_fixture(app)
    page = viewer.get("/").text
    rollup = section(page, "rollup")

    def row(unit_id: int) -> str:
        return rollup.split(f'data-unit="{unit_id}"', 1)[1].split("</tr>", 1)[0]

    # Dept: T1 (100) and T3 (50) -> 75 (weighted by respondents it would be (100 + 2*50) / 3 = 66.7)
    dept = row(ids["dept"])
    assert dept.count(">75<") == 7  # six dimensions and overall
    assert ">2 of 2<" in dept
    # Sub: T3 alone; Dept2: T2 alone
    assert row(ids["sub"]).count(">50<") == 7
    assert row(ids["dept2"]).count(">0<") == 7
    # Org: (100 + 0 + 50) / 3 = 50
    assert row(ids["org"]).count(">50<") == 7
    assert ">3 of 3<" in row(ids["org"])
    assert "unweighted mean" in rollup
    # teams have no roll-up row
    assert f'data-unit="{ids["t1"]}"' not in rollup


def test_team_distribution_and_position(app: FastAPI, viewer: TestClient) -> None:
    ids = org_fixture(app)
    page = viewer.get("/").text
    dist = section(page, "distribution")
    governance = dist.split('<th scope="row">Governance</th>', 1)[1].split("</tr>", 1)[0]
    # 0, 50, 100: min, Q1, median, Q3, max
    cells = re.findall(r'<td class="num">([^<]*)</td>', governance)
    assert cells == ["3", "0.0", "25.0", "50.0", "75.0", "100.0"]
    assert "T1</th>" not in dist  # no team chosen yet
    page = viewer.get(f"/?team={ids['t3']}").text
    dist = section(page, "distribution")
    governance = dist.split('<th scope="row">Governance</th>', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num team-score">50.0</td>' in governance
    assert "2nd of 3 (above 50% of the others)" in governance
    assert f'src="/organization/distribution.svg?team={ids["t3"]}"' in dist
    assert f'<option value="{ids["t3"]}" selected>T3</option>' in dist
    # a department or a nonsense id is ignored
    for bad in [str(ids["dept"]), "abc", "999999"]:
        assert "team-score" not in section(viewer.get(f"/?team={bad}").text, "distribution")
    text = svg_text(viewer.get(f"/organization/distribution.svg?team={ids['t3']}"))
    assert "T3" in text
    assert "Governance" in text
    svg_text(viewer.get("/organization/distribution.svg"))
    assert viewer.get("/organization/distribution.svg?team=abc").status_code == 422


def test_heatmap_marks_uncertain_cells(app: FastAPI, viewer: TestClient) -> None:
    ids = org_fixture(app)
    page: str = viewer.get("/").text
    heat = section(page, "teams")

    def row(unit_id: int) -> str:
        return heat.split(f'href="/units/{unit_id}"', 1)[1].split("</tr>", 1)[0]

    # T1: one respondent (frozen result), every scored cell hatched with the reason
    t1 = row(ids["t1"])
    assert t1.count(HATCH) == 7
    assert t1.count("uncertain: only 1 respondent gave it a score") == 7
    # T3: two respondents (live result): hatched too
    assert row(ids["t3"]).count(HATCH) == 7
    # T2: three respondents who agree: interval of width 0, not hatched
    t2 = row(ids["t2"])
    assert HATCH not in t2
    assert "3 respondents, rough 90% interval about ±0 points" in t2
    # departments are roll-ups (their own section), not rows of the teams' heatmap
    assert f'href="/units/{ids["dept"]}"' not in heat
    assert HATCH not in section(page, "rollup")
    assert "Hatched: an uncertain score (fewer than 3 respondents" in heat


# --- roles and errors ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(app: FastAPI, client: TestClient) -> None:
    ids = seed(app)
    aid, uid = ids["assessment"], ids["unit"]
    for path in [
        f"/compare?a={aid}&b={aid}",
        f"/assessments/{aid}/analysis/radar.svg",
        f"/assessments/{aid}/analysis/roles.svg",
        f"/units/{uid}/analysis/trend.svg",
        "/organization/distribution.svg",
    ]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login")


def test_viewer_reads_every_analysis(app: FastAPI, viewer: TestClient) -> None:
    ids = seed(app)
    aid, uid = ids["assessment"], ids["unit"]
    for path in [
        f"/assessments/{aid}",
        f"/units/{uid}",
        "/",
        f"/compare?a={aid}&b={aid}",
        f"/assessments/{aid}/analysis/radar.svg",
        f"/units/{uid}/analysis/trend.svg",
    ]:
        assert viewer.get(path).status_code == 200, path


def test_unknown_ids_are_404(app: FastAPI, facilitator: TestClient) -> None:
    seed(app)
    for path in [
        "/assessments/999999/analysis/radar.svg",
        "/assessments/abc/analysis/roles.svg",
        "/assessments/99999999999/analysis/radar.svg",
        "/units/999999/analysis/trend.svg",
        "/units/abc/analysis/trend.svg",
        "/compare?a=999999&b=999998",
    ]:
        assert facilitator.get(path).status_code == 404, path


# --- queries ----------------------------------------------------------------------------------------------


def bulk(s: Any, assessment: Assessment, count: int, roles: list[str]) -> None:
    """``count`` respondents with varied answers and some comments, in one insert."""
    rows = []
    for i in range(count):
        r = Respondent(
            assessment_id=assessment.id, name=f"P{i}" if i % 2 else None, role=roles[i % len(roles)]
        )
        s.add(r)
        s.flush()
        rows += [
            {
                "respondent_id": r.id,
                "question_id": q,
                "answer": KEYS[(i + 2 * j) % 4] if (i + j) % 3 else "yes",
                "comment": f"comment {i}" if j == i % len(CORE) else "",
                "evidence": [],
            }
            for j, q in enumerate(CORE)
        ]
    s.execute(insert(Answer), rows)


def test_assessment_page_queries_do_not_grow_with_respondents(app: FastAPI, viewer: TestClient) -> None:
    # Speed is measured in benchmarks/ (web_unit.py); here, no query per respondent.
    roles = ["ML engineer", "leadership", "data scientist", "product", "data engineer"]
    ids = seed(app, people=[])
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=ids["assessment"])
        small = assessments.create_assessment(s, unit_id=a.unit_id, title="Small", status="open")
        bulk(s, a, 50, roles)
        bulk(s, small, 5, roles)
        small_id = small.id
    path = f"/assessments/{ids['assessment']}"
    page = viewer.get(path).text
    assert "Krippendorff" in page
    assert 'class="hotspot"' in page
    assert page_queries(viewer, path) == page_queries(viewer, f"/assessments/{small_id}")


def unit_with_assessments(app: FastAPI, name: str, count: int) -> int:
    with app.state.scorecard.write() as s:
        team = units.create_unit(s, name=name, kind="team")
        for k in range(count):
            a = assessments.create_assessment(
                s,
                unit_id=team.id,
                title=f"A{k}",
                date=dt.date(2024, 1, 1) + dt.timedelta(days=30 * k),
                status="open",
            )
            bulk(s, a, 6, ["ML engineer", "leadership", "data scientist"])
            if k % 2:
                assessments.set_status(s, assessment=a, status="closed")
        return team.id


def test_unit_page_queries_do_not_grow_with_assessments(app: FastAPI, viewer: TestClient) -> None:
    many = f"/units/{unit_with_assessments(app, 'Team', 20)}"
    few = f"/units/{unit_with_assessments(app, 'Other', 4)}"
    assert section(viewer.get(many).text, "uncertainty-trend").count('href="/assessments/') == 20
    assert page_queries(viewer, many) == page_queries(viewer, few)
