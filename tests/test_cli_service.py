"""The CLI's client of the service (cli.service): addresses, the token, refusals in words,
and an unreachable service."""

from __future__ import annotations

import socket

import httpx
import pytest

from mlops_scorecard.cli.service import TOKEN_VARIABLE, api_token, post, refusal_lines, service_base
from mlops_scorecard.errors import ScorecardError


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://scorecard.example.com", "https://scorecard.example.com"),
        ("https://scorecard.example.com/", "https://scorecard.example.com"),
        ("http://127.0.0.1:8000/api/v1", "http://127.0.0.1:8000"),
        (" https://example.com/prefix/api/v1/ ", "https://example.com/prefix"),
    ],
)
def test_the_base_address(url: str, base: str) -> None:
    assert service_base(url) == base


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("scorecard.example.com", "expected http(s)://host"),
        ("ftp://example.com", "expected http(s)://host"),
        ("https://example.com/?x=1", "no query or fragment"),
        ("https://example.com/#top", "no query or fragment"),
    ],
)
def test_not_an_address(url: str, message: str) -> None:
    with pytest.raises(ScorecardError, match=message.replace("(", r"\(").replace(")", r"\)")):
        service_base(url)


def test_the_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, "  msc_abc  ")
    assert api_token(None, action="publish") == "msc_abc"
    assert api_token("msc_given", action="publish") == "msc_given"
    monkeypatch.delenv(TOKEN_VARIABLE)
    with pytest.raises(ScorecardError, match=f"to publish: set {TOKEN_VARIABLE}"):
        api_token(None, action="publish")
    with pytest.raises(ScorecardError, match="to upload"):
        api_token("   ", action="upload")


def _response(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", "http://x/api/v1/frameworks"), **kwargs)  # type: ignore[arg-type]


def test_refusals_in_words() -> None:
    assert refusal_lines(_response(422, json={"problems": ["line 3: a", "line 9: b"]})) == [
        "line 3: a",
        "line 9: b",
    ]
    validation = {"detail": [{"loc": ["body", "answers", "q1"], "msg": "unknown key"}, {"msg": "bad"}]}
    assert refusal_lines(_response(422, json=validation)) == ["answers.q1: unknown key", "bad"]
    assert refusal_lines(_response(409, json={"detail": "in use by 2 assessments"})) == [
        "in use by 2 assessments"
    ]
    assert refusal_lines(_response(502, text="<html>Bad gateway</html>")) == ["<html>Bad gateway</html>"]
    assert refusal_lines(_response(500, text="")) == ["Internal Server Error"]
    assert refusal_lines(_response(400, json=["odd"])) == ["['odd']"]


def test_an_unreachable_service_is_named() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # nothing listens on the port any more
    with pytest.raises(ScorecardError, match="cannot reach http://localhost:"):
        post(f"http://127.0.0.1:{port}/api/v1/frameworks", shown=f"http://localhost:{port}", json={})
