"""``mlops-scorecard scan --upload`` end to end: a real repository scanned by the command,
sent to a real ``mlops-scorecard serve``, the service's cross-check shown and written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scans import assessment_with_answers
from support import running_serve

from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.assessments import get_assessment
from mlops_scorecard.store.db import make_engine, session_factory, transaction, upgrade
from mlops_scorecard.store.evidence import stored_scans


def cli(*args: str | Path, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MLOPS_SCORECARD_TOKEN"}
    if token is not None:
        env["MLOPS_SCORECARD_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "mlops_scorecard", *[str(a) for a in args]],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def service(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A served SQLite database with an answered assessment and a facilitator's token."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        aid = assessment_with_answers(s).id
        user = create_user(s, username="facilitator", password="long enough", role="facilitator")
        token = create_api_token(s, user=user, name="ci")[1]
    with running_serve(url, tmp_path / "serve.log") as base:
        yield {"base": base, "aid": aid, "token": token, "sessions": session_factory(engine)}
        engine.dispose()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder whose training script logs to MLflow (the assessment's answers say no)."""
    root = tmp_path / "models"
    root.mkdir()
    (root / "train.py").write_text(
        "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n", encoding="utf-8"
    )
    return root


def test_scan_upload_shows_and_writes_the_services_crosscheck(
    service: dict[str, Any], repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scan.json"
    args = ("scan", repo, "--upload", service["base"], "--assessment", str(service["aid"]), "-o", out)
    done = cli(*args, token=service["token"])
    assert done.returncode == 0, done.stderr
    assert f"uploaded the scan of 'models' to assessment {service['aid']}" in done.stderr
    assert "disagreements with the answers" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    shown = next(
        d for d in data["crosscheck"]["disagreements"] if d["question"] == "dev-performance-tracking"
    )
    assert shown["kind"] == "evidence-not-claimed"
    assert shown["answers"] == {"no": 2, "unknown": 1}
    assert shown["files"][0].startswith("models:train.py:")
    with service["sessions"]() as s:
        stored = stored_scans(s, assessment=get_assessment(s, assessment_id=service["aid"]))
        assert [x.repository for x in stored] == ["models"]
    # the table shows the same disagreements
    table = cli(
        "scan", repo, "--upload", service["base"], "--assessment", str(service["aid"]), token=service["token"]
    )
    assert table.returncode == 0, table.stderr
    assert "Disagreements to talk through" in table.stdout


def test_scan_upload_without_a_token_says_where_to_set_one(service: dict[str, Any], repo: Path) -> None:
    done = cli("scan", repo, "--upload", service["base"], "--assessment", str(service["aid"]))
    assert done.returncode == 1
    assert "error: an API token is needed to upload: set MLOPS_SCORECARD_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
