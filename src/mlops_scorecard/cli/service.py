"""Talking to the service from the CLI (``[server]`` extra: httpx): the service's address,
the API token, one POST, and a refusal turned into a message that says what to do.

``scan --upload``, ``frameworks publish`` and ``upload`` go through here, so that a
timeout, an unreachable host or a 422 reads the same whichever command met it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..errors import ScorecardError

__all__ = ["TOKEN_VARIABLE", "api_token", "post", "refusal_lines", "service_base"]

#: Where commands read the API token from (a token never goes on a command line, where
#: the shell history and the process list would show it).
TOKEN_VARIABLE = "MLOPS_SCORECARD_TOKEN"
#: Seconds to connect, and to wait for the answer (the server validates and stores).
_TIMEOUT = (10.0, 60.0)


def service_base(url: str) -> str:
    """The service's base address from ``url`` (its base, or the API's ``.../api/v1``),
    without a trailing slash; anything else is a :class:`ScorecardError`."""
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ScorecardError(f"not a service address: {url!r} (expected http(s)://host)")
    if "?" in base or "#" in base:
        raise ScorecardError(f"not a service address: {url!r} (no query or fragment: just http(s)://host)")
    return base.removesuffix("/api/v1")


def api_token(token: str | None, *, action: str) -> str:
    """``token`` (default: ``$MLOPS_SCORECARD_TOKEN``), or an error saying where to set one."""
    found = (token if token is not None else os.environ.get(TOKEN_VARIABLE) or "").strip()
    if not found:
        raise ScorecardError(
            f"an API token is needed to {action}: set {TOKEN_VARIABLE} (mlops-scorecard tokens create)"
        )
    return found


def post(
    target: str,
    *,
    shown: str,
    token: str | None = None,
    json: Any = None,
    files: Mapping[str, Any] | None = None,
) -> Any:
    """POST ``json`` or ``files`` to ``target`` (with the token as a bearer, if any) and
    return the ``httpx.Response``; an unreachable service is a :class:`ScorecardError`
    naming ``shown`` (the address as the user gave it)."""
    import httpx

    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        return httpx.post(
            target,
            json=json,
            files=files,
            headers=headers,
            timeout=httpx.Timeout(_TIMEOUT[1], connect=_TIMEOUT[0]),
        )
    except httpx.HTTPError as exc:
        raise ScorecardError(f"cannot reach {shown}: {exc or type(exc).__name__}") from None


def refusal_lines(response: Any) -> list[str]:
    """What a refusing service said, a line per problem: its ``problems`` list, the
    request-validation errors as ``place: message``, its ``detail``, or the start of
    the body when it is not JSON."""
    try:
        body = response.json()
    except ValueError:
        return [str(response.text[:300]).strip() or response.reason_phrase]
    if not isinstance(body, dict):
        return [str(body)[:2000]]
    problems = body.get("problems")
    if isinstance(problems, list) and problems:
        return [str(p) for p in problems]
    detail = body.get("detail", "")
    if isinstance(detail, list):
        lines = []
        for problem in detail[:10]:
            if not isinstance(problem, dict):
                lines.append(str(problem))
                continue
            loc = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
            lines.append(f"{loc}: {problem.get('msg', '')}" if loc else str(problem.get("msg", "")))
        return lines or [response.reason_phrase]
    return [str(detail)[:2000] or response.reason_phrase]
