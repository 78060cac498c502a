"""A small stand-in for GitHub's REST API, on 127.0.0.1 in a thread, for the tests of the
plan's push to GitHub: it records every request (method, path, headers, JSON body) and
answers ``GET /repos/{owner}/{repo}`` and ``POST /repos/{owner}/{repo}/issues`` as
GitHub does, or with the refusal a test sets up."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "ghp_test_token_0123456789"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGitHub:
    """The server's behaviour (change it between pushes) and what it saw."""

    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    repo: str = "acme/ml-platform"
    has_issues: bool = True
    #: statuses of the POSTs in turn (201 when the list runs out), with their JSON bodies
    refusals: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    next_number: int = 100

    @property
    def issues(self) -> list[dict[str, Any]]:
        """The bodies of the issues created."""
        return [r.body for r in self.requests if r.method == "POST"]


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Seen:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            seen = Seen(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
            )
            fake.requests.append(seen)
            return seen

        def _authorized(self, seen: Seen) -> bool:
            if seen.headers.get("authorization") != f"Bearer {TOKEN}":
                self._answer(
                    401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com"}
                )
                return False
            return True

        def do_GET(self) -> None:
            seen = self._record()
            if not self._authorized(seen):
                return
            if seen.path != f"/repos/{fake.repo}":
                self._answer(404, {"message": "Not Found"})
                return
            self._answer(200, {"full_name": fake.repo, "has_issues": fake.has_issues})

        def do_POST(self) -> None:
            seen = self._record()
            if not self._authorized(seen):
                return
            if seen.path != f"/repos/{fake.repo}/issues":
                self._answer(404, {"message": "Not Found"})
                return
            if fake.refusals:
                status, body, headers = fake.refusals.pop(0)
                if status != 201:
                    fake.requests.pop()  # not created: only created issues count in .issues
                    fake.requests.append(Seen("REFUSED", seen.path, seen.headers, seen.body))
                    self._answer(status, body, headers)
                    return
            fake.next_number += 1
            n = fake.next_number
            self._answer(
                201,
                {
                    "number": n,
                    "html_url": f"https://github.com/{fake.repo}/issues/{n}",
                    "title": seen.body["title"],
                },
            )

    return Handler


@contextmanager
def fake_github() -> Iterator[FakeGitHub]:
    """A running fake GitHub; stopped at the end."""
    fake = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
