"""Helpers shared by the server tests and their fixtures (not fixtures themselves)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

BACKENDS = ["sqlite", "postgresql"]
PASSWORD = "correct horse battery"


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL cluster listening on 127.0.0.1."""

    def __init__(self) -> None:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not initdb or not pg_ctl:
            pytest.fail(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package "
                "'postgresql' (.ci/run does this)"
            )
        self.pg_ctl = pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="msc-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
        self._run([initdb, "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        self._run([pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, cmd: list[str]) -> None:
        proc = subprocess.run([*self.as_user, *cmd], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            pytest.fail(f"{' '.join(cmd)} failed: {proc.stdout}\n{proc.stderr}")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


def login_client(app: FastAPI, role: str) -> TestClient:
    """A client logged in as the user named after ``role`` (see ``users``)."""
    c = TestClient(app, raise_server_exceptions=False)
    page = c.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = c.post(
        "/login", data={"username": role, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return c


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The CSRF token from a page the client can see."""
    page = client.get(path)
    text: str = page.text
    return text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


@contextlib.contextmanager
def counting_queries(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block, in order.

    Tests assert on counts (a page's queries do not grow with its rows), never on
    time: a busy machine makes any time limit fail."""
    from sqlalchemy import event

    seen: list[str] = []
    engine = app.state.scorecard.engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_queries(c: TestClient, path: str) -> int:
    """How many SQL statements one warm view of ``path`` runs."""
    assert c.get(path).status_code == 200  # warm up (templates compiled, frameworks loaded)
    app = c.app
    assert isinstance(app, FastAPI)
    with counting_queries(app) as seen:
        assert c.get(path).status_code == 200
    return len(seen)


def pdf_text(body: bytes, tmp_path: Path) -> str:
    """A PDF's text through poppler's pdftotext (.ci/run installs poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@contextlib.contextmanager
def running_serve(url: str, log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``mlops-scorecard serve`` on ``url``'s database in a process of its own, on a free
    port, until the block ends; yields its base address. The log goes to ``log_path``."""
    import sys
    import time

    import httpx

    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlops_scorecard", "serve", "--port", str(port), "--database-url", url],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env if env is not None else dict(os.environ),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        pytest.fail(f"serve did not start: {log_path.read_text()}")
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
