"""``upload_scan`` (what ``scan --upload`` calls) against a real ``mlops-scorecard serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field
from scans import assessment_with_answers, tracking_scan
from support import free_port, running_serve

from mlops_scorecard.cli.scan_upload import evidence_url, upload_scan
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.evidence.results import ScanResult
from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.assessments import get_assessment, set_status
from mlops_scorecard.store.db import make_engine, session_factory, transaction, upgrade
from mlops_scorecard.store.evidence import stored_scans


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`mlops-scorecard serve` in a real process (as test_cli_server.py runs it); yields
    (base URL, database URL)."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with running_serve(url, tmp_path / "serve.log") as base:
        yield base, url


@pytest.fixture
def seeded(served: tuple[str, str]) -> Iterator[dict[str, Any]]:
    base, url = served
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        a = assessment_with_answers(s)
        tokens = {}
        for role in ("facilitator", "viewer"):
            user = create_user(s, username=role, password="long enough", role=role)
            tokens[role] = create_api_token(s, user=user, name="ci")[1]
        seeded = {"base": base, "aid": a.id, "tokens": tokens, "sessions": session_factory(engine)}
    yield seeded
    engine.dispose()


class Report(ScanResult):
    """What the scan command sends: the scan and its own cross-check (ignored)."""

    crosscheck: dict[str, Any] | None = Field(default_factory=lambda: {"made": "locally"})


def test_upload_returns_the_services_crosscheck(seeded: dict[str, Any]) -> None:
    report = Report(**dict(tracking_scan()))
    check = upload_scan(report, seeded["base"] + "/", seeded["aid"], seeded["tokens"]["facilitator"])
    assert check is not None
    assert check.repositories == 2
    shown = next(d for d in check.disagreements if d.question == "dev-performance-tracking")
    assert shown.kind == "evidence-not-claimed"
    assert shown.answers == {"no": 2, "unknown": 1}
    assert shown.files[0] == "api:train.py:3"
    with seeded["sessions"]() as s:
        stored = stored_scans(s, assessment=get_assessment(s, assessment_id=seeded["aid"]))
        assert [(x.repository, x.uploaded_by) for x in stored] == [
            ("api", "facilitator"),
            ("models", "facilitator"),
        ]
    # the API's own address works as well
    assert upload_scan(
        tracking_scan(), seeded["base"] + "/api/v1", seeded["aid"], seeded["tokens"]["facilitator"]
    )


class Future(BaseModel):
    schema_version: int = 2
    repositories: list[dict[str, Any]] = Field(default_factory=lambda: [{"path": "."}])


def refused(seeded: dict[str, Any], *fragments: str, **call: Any) -> None:
    args = {
        "report": tracking_scan(),
        "url": seeded["base"],
        "assessment": seeded["aid"],
        "token": seeded["tokens"]["facilitator"],
    }
    args.update(call)
    with pytest.raises(ScorecardError) as caught:
        upload_scan(**args)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_refusals_say_why(seeded: dict[str, Any]) -> None:
    refused(seeded, "upload refused (401)", "MLOPS_SCORECARD_TOKEN", token="msc_forged")
    refused(seeded, "upload refused (403)", "facilitator or admin", token=seeded["tokens"]["viewer"])
    refused(seeded, "upload refused (404)", "no assessment 4242", assessment=4242)
    refused(seeded, "upload refused (422)", "schema_version 2", report=Future())
    refused(seeded, "an API token is needed", "MLOPS_SCORECARD_TOKEN", token=" ")
    refused(seeded, "an API token is needed", token=None)
    refused(seeded, "not a service address", url="ftp://example.com")
    refused(seeded, "not an assessment id", assessment=0)
    refused(seeded, "cannot reach", url=f"http://127.0.0.1:{free_port()}")
    with transaction(seeded["sessions"]) as s:
        set_status(s, assessment=get_assessment(s, assessment_id=seeded["aid"]), status="closed")
    refused(seeded, "upload refused (409)", "closed")


def test_evidence_url() -> None:
    assert (
        evidence_url("https://sc.example.com/", 7) == "https://sc.example.com/api/v1/assessments/7/evidence"
    )
    assert evidence_url("http://h/prefix", 1) == "http://h/prefix/api/v1/assessments/1/evidence"
    with pytest.raises(ScorecardError, match="no query"):
        evidence_url("http://h/?x=1", 1)
