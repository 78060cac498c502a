"""Repository scans stored with an assessment (store/evidence.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from scans import assessment_with_answers, finding, repo, scan, tracking_scan
from sqlalchemy import Engine, func, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from mlops_scorecard.errors import ConflictError, NotFoundError, ScorecardError
from mlops_scorecard.evidence.results import ScanWarning
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.store.assessments import get_assessment
from mlops_scorecard.store.db import downgrade, transaction, upgrade
from mlops_scorecard.store.evidence import (
    MAX_REPOSITORIES,
    MAX_SCAN_BYTES,
    answer_counts_of,
    delete_scan,
    evidence_crosscheck,
    read_scan,
    repository_key,
    save_scan,
    scans_for,
    stored_scans,
)
from mlops_scorecard.store.models import Assessment, Base, EvidenceScan, Respondent, utcnow


def test_scans_of_several_repositories_merge_per_practice(session: Session) -> None:
    a = assessment_with_answers(session)
    user = create_user(session, username="ci-bot", password="long enough", role="facilitator")
    assert evidence_crosscheck(session, assessment=a) is None
    rows = save_scan(session, assessment=a, result=tracking_scan(), by=user.id)
    session.commit()
    assert [r.repository for r in rows] == ["api", "models"]
    stored = stored_scans(session, assessment=a)
    assert [(s.repository, s.commit, s.uploaded_by) for s in stored] == [
        ("api", "abc123", "ci-bot"),
        ("models", "abc123", "ci-bot"),
    ]
    both = scans_for(session, assessment=a)
    assert [r.name for r in both.repositories] == ["api", "models"]
    assert both.framework == f"{a.framework_id}@{a.framework_version}"
    check = evidence_crosscheck(session, assessment=a)
    assert check is not None
    assert check.repositories == 2
    tracking = next(p for p in check.practices if p.id == "experiment-tracking")
    assert tracking.status == "found"
    assert tracking.evidence[0].repository == "api"
    kinds = {(d.question, d.kind) for d in check.disagreements}
    assert ("dev-performance-tracking", "evidence-not-claimed") in kinds
    assert ("data-quality-control", "claimed-without-evidence") in kinds
    shown = next(d for d in check.disagreements if d.question == "dev-performance-tracking")
    assert shown.answers == {"no": 2, "unknown": 1}
    assert shown.files == ["api:train.py:3", "api:notebooks/explore.ipynb"]


def test_a_new_upload_replaces_that_repository_only(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    session.commit()
    newer = scan(repo("api", finding("experiment-tracking", "not-found"), commit="def456"))
    save_scan(session, assessment=a, result=newer)
    session.commit()
    rows = {r.repository: r for r in session.scalars(select(EvidenceScan))}
    assert sorted(rows) == ["api", "models"]
    assert rows["api"].commit == "def456"
    assert rows["models"].commit == "abc123"
    check = evidence_crosscheck(session, assessment=a)
    assert check is not None
    tracking = next(p for p in check.practices if p.id == "experiment-tracking")
    assert tracking.status == "not-found"  # the evidence was in the replaced scan


def test_a_failed_upload_changes_nothing(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    session.commit()
    twice = scan(repo("api", commit="new"), repo("api", path="/elsewhere/api"))
    with pytest.raises(ScorecardError, match=r"repositories\[1\]: a second repository named 'api'"):
        save_scan(session, assessment=a, result=twice)
    session.rollback()
    assert {r.commit for r in session.scalars(select(EvidenceScan))} == {"abc123"}
    with pytest.raises(ScorecardError, match="no repository"):
        save_scan(session, assessment=a, result=scan())


def test_closed_assessments_keep_their_evidence(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    from mlops_scorecard.store.assessments import set_status

    set_status(session, assessment=a, status="closed")
    session.commit()
    with pytest.raises(ConflictError, match="closed"):
        save_scan(session, assessment=a, result=tracking_scan())
    session.rollback()
    with pytest.raises(ConflictError, match="closed"):
        delete_scan(session, assessment=a, repository="api")
    session.rollback()
    assert len(stored_scans(session, assessment=a)) == 2
    assert evidence_crosscheck(session, assessment=a) is not None  # read as ever


def test_delete_one_repository(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    delete_scan(session, assessment=a, repository="models")
    session.commit()
    assert [s.repository for s in stored_scans(session, assessment=a)] == ["api"]
    with pytest.raises(NotFoundError, match="no scan of a repository named 'models'"):
        delete_scan(session, assessment=a, repository="models")


def test_scans_go_with_their_assessment(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    session.commit()
    session.delete(session.get(Assessment, a.id))
    session.commit()
    assert session.scalars(select(EvidenceScan)).all() == []


def test_answer_counts_leave_revoked_respondents_out(session: Session) -> None:
    a = assessment_with_answers(session)
    counts = answer_counts_of(session, assessment=a)
    assert counts["data-quality-control"] == {"yes": 3}
    assert counts["dev-performance-tracking"] == {"no": 2, "unknown": 1}
    first = session.scalars(select(Respondent).order_by(Respondent.id)).first()
    assert first is not None
    first.revoked_at = utcnow()
    session.commit()
    assert answer_counts_of(session, assessment=a)["data-quality-control"] == {"yes": 2}


def test_the_number_of_repositories_is_capped(session: Session) -> None:
    a = assessment_with_answers(session)
    many = scan(*(repo(f"r{i}") for i in range(MAX_REPOSITORIES)))
    save_scan(session, assessment=a, result=many)
    session.commit()
    # replacing one that is there fits; one more does not
    save_scan(session, assessment=a, result=scan(repo("r0", commit="again")))
    with pytest.raises(ConflictError, match=f"the most is {MAX_REPOSITORIES}"):
        save_scan(session, assessment=a, result=scan(repo("one-more")))


def test_the_size_of_an_assessments_scans_is_capped(session: Session) -> None:
    a = assessment_with_answers(session)
    noisy = [ScanWarning(path=f"data/{i}.bin", message="x" * 500) for i in range(10_000)]
    big = [repo(f"big{i}").model_copy(update={"warnings": noisy}) for i in range(4)]  # ~5 MiB each
    with pytest.raises(ConflictError, match="MiB of scans; the most is 16 MiB"):
        save_scan(session, assessment=a, result=scan(*big))
    session.rollback()
    assert session.scalars(select(EvidenceScan)).all() == []


def test_repository_names() -> None:
    assert repository_key(repo("", path="/work/payments-model/")) == "payments-model"
    assert repository_key(repo("", path="C:\\src\\fraud")) == "fraud"
    assert repository_key(repo("  named ", path=".")) == "named"
    with pytest.raises(ScorecardError, match="give it a name"):
        repository_key(repo("", path="/"))


def test_concurrent_uploads_of_one_repository_leave_one_row(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        aid = assessment_with_answers(s).id
    barrier = threading.Barrier(6)

    def upload(i: int) -> str:
        barrier.wait()
        with transaction(sessions) as s:
            a = get_assessment(s, assessment_id=aid)
            save_scan(s, assessment=a, result=scan(repo("api", commit=f"c{i}"), repo(f"only-{i}")))
        return f"c{i}"

    with ThreadPoolExecutor(6) as pool:
        done = list(pool.map(upload, range(6)))
    with sessions() as s:
        rows = s.scalars(select(EvidenceScan).where(EvidenceScan.repository == "api")).all()
        assert len(rows) == 1
        assert rows[0].commit in done
        assert s.scalar(select(func.count()).select_from(EvidenceScan)) == 7


def test_a_stored_scan_this_version_cannot_read_is_a_warning(session: Session) -> None:
    a = assessment_with_answers(session)
    save_scan(session, assessment=a, result=tracking_scan())
    session.commit()
    session.execute(
        update(EvidenceScan).where(EvidenceScan.repository == "models").values(scan={"schema_version": 9})
    )
    session.commit()
    both = scans_for(session, assessment=a)
    assert [r.name for r in both.repositories] == ["api", "models"]
    assert "cannot be read by this version" in both.repositories[1].warnings[0].message
    check = evidence_crosscheck(session, assessment=a)
    assert check is not None
    assert check.repositories == 2


# --- reading an uploaded scan ----------------------------------------------------------------


def test_read_scan_drops_the_report_crosscheck() -> None:
    data = {**tracking_scan().model_dump(mode="json"), "crosscheck": {"anything": [1, 2]}}
    assert read_scan(json.dumps(data)) == tracking_scan()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "upload: not JSON: Expecting value at line 1 column 1"),
        (b"\xff\xfe{}", "upload: not UTF-8 text"),
        (b"[1, 2]", "a scan is a JSON object"),
        (b'{"schema_version": 2, "repositories": []}', "schema_version 2 is not one this server reads (1)"),
        (b'{"schema_version": true, "repositories": []}', "schema_version True is not one"),
        (b'{"x":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
        (
            b'{"repositories": [{"path": "x", "practices": [{"id": "ci", "status": "found"},'
            b' {"id": "ci", "status": "found"}]}]}',
            "repositories[0].practices: ci listed more than once",
        ),
        (b'{"repositories": [{"path": "x", "name": "\\ud800"}]}', "no lone surrogates"),
        (
            b'{"repositories": [{"path": "x", "practices": [{"id": "ci", "status": "maybe"}]}]}',
            "upload: repositories[0].practices[0].status: Input should be 'found', 'not-found' or 'inconclusive'",
        ),
        (
            b'{"repositories": [{"path": "x", "extra": 1}]}',
            "repositories[0].extra: Extra inputs are not permitted",
        ),
        (
            json.dumps({"repositories": [{"path": "x"}] * 10_000}).encode(),
            "repositories: List should have at most 1000",
        ),
        (b" " * (MAX_SCAN_BYTES + 1), "larger than 2 MiB"),
    ],
)
def test_read_scan_refuses_bad_input(body: bytes, message: str) -> None:
    with pytest.raises(ScorecardError) as caught:
        read_scan(body)
    assert message in str(caught.value)


def test_many_problems_are_listed_and_counted() -> None:
    bad = {"repositories": [{"path": "x", "files_scanned": -1}] * 30}
    with pytest.raises(ScorecardError) as caught:
        read_scan(json.dumps(bad))
    assert len(caught.value.problems) == 21
    assert caught.value.problems[-1] == "... and 10 more problems"


# --- the migration ---------------------------------------------------------------------------


def test_migration_0004_adds_the_table_and_matches_the_models(engine: Engine) -> None:
    downgrade(engine, "0003")
    assert "evidence_scans" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "evidence_scans" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_the_stored_report_has_the_evidence_section(session: Session) -> None:
    from mlops_scorecard.store.reporting import render_stored_report

    a = assessment_with_answers(session)
    without = render_stored_report(session, assessment=a, fmt="md", with_names=False).decode()
    assert "## Evidence" not in without
    save_scan(session, assessment=a, result=tracking_scan(), by=None)
    session.commit()
    md = render_stored_report(session, assessment=a, fmt="md", with_names=False).decode()
    assert "## Evidence" in md
    data = json.loads(render_stored_report(session, assessment=a, fmt="json", with_names=True))
    assert {p["id"] for p in data["evidence"]["practices"]} >= {"experiment-tracking"}
