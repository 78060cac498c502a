"""The container files, checked without a Docker daemon: compose.yaml parses and wires the
service to PostgreSQL, the Dockerfile installs extras that exist, and the commands it
runs exist in the CLI (docs/deployment.md)."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import yaml
from typer.main import get_command
from typer.testing import CliRunner

from mlops_scorecard.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.upper().startswith(name + " ")]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_the_image_installs_the_server_and_postgres_extras_that_exist() -> None:
    assert _instructions("FROM") == ["python:3.12-slim"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    installs = [r for r in _instructions("RUN") if "pip install" in r]
    assert installs
    wanted = re.search(r"pip install [\"']?\.\[([^\]]+)\]", installs[0])
    assert wanted is not None
    assert set(wanted.group(1).split(",")) == {"server", "postgres"}
    assert set(wanted.group(1).split(",")) <= set(extras)
    assert any("psycopg" in dep for dep in extras["postgres"])


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    users = _instructions("USER")
    assert users
    assert users[-1] not in ("root", "0")
    assert any("useradd" in r and users[-1] in r for r in _instructions("RUN"))


def _cli_path_exists(words: list[str]) -> list[str]:
    """The CLI command path at the start of ``words`` (after ``mlops-scorecard``), and
    the options it was given that the command does not have."""
    command: Any = get_command(app)
    for word in words:
        if word.startswith("-"):
            break
        sub = getattr(command, "commands", {}).get(word)
        assert sub is not None, f"no command {word!r} in {' '.join(words)}"
        command = sub
    known = {opt for p in command.params for opt in p.opts}
    return [w.split("=", 1)[0] for w in words if w.startswith("--") and w.split("=", 1)[0] not in known]


def test_the_command_upgrades_the_database_then_serves_with_commands_the_cli_has() -> None:
    (cmd,) = _instructions("CMD")
    argv = json.loads(cmd)
    assert argv[:2] == ["sh", "-c"]
    steps = [shlex.split(step.replace("exec ", "")) for step in argv[2].split("&&")]
    assert [s[:3] for s in steps] == [
        ["mlops-scorecard", "db", "upgrade"],
        ["mlops-scorecard", "serve", "--host"],
    ]
    for step in steps:
        assert _cli_path_exists(step[1:]) == []
    serve = steps[1]
    assert serve[serve.index("--host") + 1] == "0.0.0.0"
    assert "--workers" in serve


def test_the_healthcheck_asks_healthz() -> None:
    (check,) = _instructions("HEALTHCHECK")
    assert "/healthz" in check


def test_compose_runs_the_service_on_postgresql_once_it_is_healthy() -> None:
    services = _compose()["services"]
    db, web = services["db"], services["web"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    env = web["environment"]
    url = env["MLOPS_SCORECARD_DATABASE_URL"]
    assert url.startswith("postgresql://")
    assert "@db:5432/" in url  # the database service by its name
    assert url.rsplit("/", 1)[1] == db["environment"]["POSTGRES_DB"]
    assert int(env["MLOPS_SCORECARD_WORKERS"]) > 1  # PostgreSQL: more than one worker is allowed
    assert "MLOPS_SCORECARD_FORWARDED_ALLOW_IPS" in env


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for entry in (".git", ".venv", "*.db", "tests"):
        assert entry in ignored
    # what the Dockerfile copies is not ignored
    for copied in ("pyproject.toml", "README.md", "LICENSE", "src"):
        assert copied not in ignored


def test_serve_refuses_several_workers_on_sqlite_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--database-url", url])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "--workers 2 needs PostgreSQL" in message
    assert "one writer at a time" in message
    assert not (tmp_path / "one.db").exists()  # refused before the database is opened
