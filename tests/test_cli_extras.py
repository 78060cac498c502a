"""Without the ``[server]`` or ``[postgres]`` extra the core commands work and the server
commands say what to install.

Each case runs the real entry point in a fresh interpreter whose ``sys.modules`` blocks
the extra's packages (``None`` there makes any import of them fail as if they were not
installed), so nothing imported by the test process itself can hide a missing guard.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SERVER_PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "argon2",
    "pydantic_settings",
    "itsdangerous",
    "multipart",
    "python_multipart",
    "httpx",
    "psycopg",
)


def run_without(blocked: tuple[str, ...], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None\n"
        "from mlops_scorecard.cli import main\n"
        "sys.argv = ['mlops-scorecard', *sys.argv[1:]]\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_the_core_commands_need_no_server_packages(tmp_path: Path) -> None:
    for args in (
        ("example", "-o", "answers.yaml"),
        ("score", "answers.yaml", "--format", "json"),
        ("report", "answers.yaml", "-o", "report.html"),
        ("plan", "answers.yaml", "-o", "plan.md"),
    ):
        proc = run_without(SERVER_PACKAGES, *args, cwd=tmp_path)
        assert proc.returncode == 0, (args, proc.stderr)
    assert (
        '"overall"'
        in run_without(SERVER_PACKAGES, "score", "answers.yaml", "--format", "json", cwd=tmp_path).stdout
    )
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("serve",), "mlops-scorecard serve"),
        (("demo", "--database-url", "sqlite:///demo.db"), "mlops-scorecard demo"),
        (("db", "status"), "mlops-scorecard db status"),
        (("users", "list"), "mlops-scorecard users list"),
        (("tokens", "revoke", "1"), "mlops-scorecard tokens revoke"),
        (("upload", "answers.yaml", "--link", "http://127.0.0.1:1/r/x"), "mlops-scorecard upload"),
    ],
)
def test_server_commands_without_the_server_extra_say_what_to_install(
    tmp_path: Path, args: tuple[str, ...], command: str
) -> None:
    (tmp_path / "answers.yaml").write_text("framework: mlops-scorecard\nrespondents: []\n")
    proc = run_without(SERVER_PACKAGES, *args, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: `{command}` needs the packages for the web service (no module named ")
    assert line.endswith("install them with: pip install 'mlops-scorecard[server]'")
    assert list(tmp_path.iterdir()) == [tmp_path / "answers.yaml"]  # nothing half-done


def test_a_postgresql_url_without_the_postgres_extra_says_what_to_install(tmp_path: Path) -> None:
    proc = run_without(
        ("psycopg",), "db", "status", "--database-url", "postgresql://nobody@127.0.0.1:1/none", cwd=tmp_path
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        "error: `mlops-scorecard db status` needs the packages for a PostgreSQL database "
        "(no module named 'psycopg'); install them with: pip install 'mlops-scorecard[postgres]'"
    )


def test_help_of_a_server_command_works_without_the_extra(tmp_path: Path) -> None:
    proc = run_without(SERVER_PACKAGES, "db", "upgrade", "--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Create the database or migrate it" in proc.stdout
