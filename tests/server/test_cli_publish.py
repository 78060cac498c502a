"""``mlops-scorecard frameworks publish FILE --url URL`` against a real ``mlops-scorecard serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from custom_frameworks import ACME, ACME_BROKEN, ACME_CHANGED
from support import free_port, running_serve
from typer.testing import CliRunner

from mlops_scorecard.cli import app
from mlops_scorecard.cli.framework_publish import frameworks_url
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.db import make_engine, session_factory, transaction, upgrade
from mlops_scorecard.store.frameworks import list_published
from mlops_scorecard.store.units import create_unit

runner = CliRunner()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`mlops-scorecard serve` in a real process, a facilitator's and a viewer's tokens."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    upgrade(engine)
    tokens = {}
    with transaction(session_factory(engine)) as s:
        for role in ("facilitator", "viewer"):
            user = create_user(s, username=role, password="long enough", role=role)
            tokens[role] = create_api_token(s, user=user, name="ci")[1]
    with running_serve(url, tmp_path / "serve.log") as base:
        yield {"base": base, "tokens": tokens, "sessions": session_factory(engine)}
    engine.dispose()


def _publish(served: dict[str, Any], path: Path, role: str = "facilitator", url: str | None = None) -> Any:
    env = {"MLOPS_SCORECARD_TOKEN": served["tokens"][role] if role else ""}
    return runner.invoke(app, ["frameworks", "publish", str(path), "--url", url or served["base"]], env=env)


def test_created_unchanged_refused(served: dict[str, Any], tmp_path: Path) -> None:
    acme = tmp_path / "acme.yaml"
    acme.write_text(ACME, encoding="utf-8")
    result = _publish(served, acme)
    assert result.exit_code == 0, result.output
    assert result.output == "created: acme-mlops@1.0: ACME MLOps scorecard (7 dimensions, 48 questions)\n"
    result = _publish(served, acme, url=served["base"] + "/api/v1/")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("unchanged: acme-mlops@1.0")
    with transaction(served["sessions"]) as s:
        create_assessment(s, unit_id=create_unit(s, name="Search").id, title="Q1", framework="acme-mlops@1.0")
    acme.write_text(ACME_CHANGED, encoding="utf-8")
    result = _publish(served, acme)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: refused (409)",
        "error: acme.yaml: acme-mlops@1.0 is in use (1 assessment uses it): a framework version in use "
        "cannot change, or its results would change with it; publish the new content as a new version",
    ]
    with served["sessions"]() as s:
        assert [r.source_text for r in list_published(s)] == [ACME]


def test_problems_with_their_lines(served: dict[str, Any], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(ACME_BROKEN.replace("gov-nothing", "gov-team"), encoding="utf-8")
    result = _publish(served, broken)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: refused (422)",
        "error: broken.yaml: line 4: title: String should have at least 1 character",
        "error: broken.yaml: line 8: dimensions[0] (governance).questions[0] (gov-strategy).weight: "
        "Input should be greater than 0",
    ]


def test_token_role_and_address(served: dict[str, Any], tmp_path: Path) -> None:
    acme = tmp_path / "acme.yaml"
    acme.write_text(ACME, encoding="utf-8")
    result = _publish(served, acme, role="")
    assert result.exit_code == 1
    assert "an API token is needed to publish: set MLOPS_SCORECARD_TOKEN" in result.output
    result = _publish(served, acme, role="viewer")
    assert result.exit_code == 1
    assert "refused (403) (the token's user must be a facilitator or admin)" in result.output
    result = _publish(served, acme, url=f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "error: cannot reach http://127.0.0.1:" in result.output
    result = _publish(served, tmp_path / "missing.yaml")
    assert result.exit_code == 1
    assert "missing.yaml: file not found" in result.output
    with pytest.raises(ScorecardError, match="not a service address"):
        frameworks_url("ftp://example.com")
    assert frameworks_url("https://x.example/api/v1/") == "https://x.example/api/v1/frameworks"
