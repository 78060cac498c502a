"""The assessment page's evidence from code: the section, the disagreements, the markers
beside the answers, the hint without scans, and scan text kept as text."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from scans import assessment_with_answers, finding, repo, scan, tracking_scan
from support import page_queries

from mlops_scorecard.evidence.results import Evidence, PracticeFinding, ScanResult, ScanWarning
from mlops_scorecard.store.evidence import save_scan


def seed(app: FastAPI, *scans: ScanResult, status: str = "open") -> int:
    with app.state.scorecard.write() as s:
        a = assessment_with_answers(s)
        for result in scans:
            save_scan(s, assessment=a, result=result)
        if status != "open":
            from mlops_scorecard.store.assessments import set_status

            set_status(s, assessment=a, status=status)
        return a.id


def section(html: str) -> str:
    start = html.index('id="evidence"')
    return html[start : html.index("</section>", start)]


def test_without_scans_the_page_says_how_to_add_them(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)
    html = facilitator.get(f"/assessments/{aid}").text
    part = section(html)
    assert f"mlops-scorecard scan . --upload http://testserver --assessment {aid}" in part
    assert "MLOPS_SCORECARD_TOKEN" in part
    assert "code shows:" not in html


def test_the_section_per_practice_and_repository(app: FastAPI, viewer: TestClient) -> None:
    aid = seed(app, tracking_scan())
    html = viewer.get(f"/assessments/{aid}").text  # viewers see the evidence: no personal data in it
    part = section(html)
    assert "2 repositories" in part
    assert re.search(r'<span class="ev-repo">api</span>.*abc123 · 12 files', part, re.S)
    row = part[part.index("Experiment tracking") :]
    row = row[: row.index("</tr>")]
    # merged found; found in api with its places; not found in models
    assert re.findall(r'<span class="ev ev-\w+">([^<]+)</span>', row) == ["found", "found", "not found"]
    assert "<code>train.py:3</code>" in row
    assert "<code>notebooks/explore.ipynb</code>" in row


def test_disagreements_to_talk_through(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app, tracking_scan())
    part = section(facilitator.get(f"/assessments/{aid}").text)
    talk = part[part.index('id="disagreements"') :]
    assert "Seen in the code, not answered yes" in talk
    assert "3 of 3 answered no or don&#39;t know, but the code shows experiment tracking" in talk
    assert "<span>No 2</span>" in talk
    assert "<code>api:train.py:3</code>" in talk
    assert "Answered yes, not seen in the code" in talk  # data quality control: yes, nothing found


def test_markers_beside_the_answers(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app, tracking_scan())
    html = facilitator.get(f"/assessments/{aid}").text
    answers = html[html.index('id="answers-title"') :]
    tracking = answers[answers.index("(dev-performance-tracking") :]
    tracking = tracking[: tracking.index("</p>")]
    assert 'class="ev-marker ev-found"' in tracking
    assert "code shows: found" in tracking
    assert 'title="found: Experiment tracking"' in tracking
    quality = answers[answers.index("(data-quality-control") :]
    assert "code shows: not found" in quality[: quality.index("</p>")]
    strategy = answers[answers.index("(gov-strategy") :]
    assert "code shows" not in strategy[: strategy.index("</p>")]  # no practice bears on it


def test_negative_practices_count_against(app: FastAPI, facilitator: TestClient) -> None:
    blob = PracticeFinding(
        id="large-artifacts-committed",
        title="Large artifacts committed",
        negative=True,
        status="found",
        confidence="high",
        evidence=[Evidence(path="models/model.pkl", signal="binary", confidence="high")],
        evidence_total=1,
    )
    aid = seed(app, scan(repo("api", blob, finding("data-versioning", "not-found"))))
    part = section(facilitator.get(f"/assessments/{aid}").text)
    row = part[part.index("Large artifacts committed") :]
    assert "(should not be found)" in row[: row.index("</tr>")]
    assert '<span class="ev ev-bad">found</span>' in row[: row.index("</tr>")]


def test_scan_text_stays_text(app: FastAPI, facilitator: TestClient) -> None:
    evil = "<script>alert(1)</script>"
    bad = PracticeFinding(
        id="ci",
        title=f"CI {evil}",
        status="found",
        confidence="high",
        evidence=[Evidence(path=f"{evil}.yml", line=1, signal="s", confidence="high", detail=evil)],
        evidence_total=1,
        note=evil,
    )
    hostile = scan(repo(evil, bad, commit='"><img src=x onerror=alert(1)>'))
    hostile = hostile.model_copy(
        update={
            "repositories": [
                hostile.repositories[0].model_copy(
                    update={"warnings": [ScanWarning(path=evil, message=evil)]}
                )
            ]
        }
    )
    aid = seed(app, hostile)
    html = facilitator.get(f"/assessments/{aid}").text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.yml:1" in html
    assert "&#34;&gt;&lt;img src=x" in html  # the commit, cut to 12 characters, escaped


def test_closed_assessments_show_their_evidence(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app, tracking_scan(), status="closed")
    part = section(facilitator.get(f"/assessments/{aid}").text)
    assert "<code>train.py:3</code>" in part
    closed = seed(app, status="closed")
    assert "reopen it to add evidence" in section(facilitator.get(f"/assessments/{closed}").text)


def test_page_queries_do_not_grow_with_repositories(app: FastAPI, viewer: TestClient) -> None:
    one = seed(app, scan(repo("a0", finding("ci", "found", ("ci.yml", 1)))))
    many = seed(app, scan(*(repo(f"a{i}", finding("ci", "found", ("ci.yml", 1))) for i in range(12))))
    assert page_queries(viewer, f"/assessments/{many}") == page_queries(viewer, f"/assessments/{one}")
