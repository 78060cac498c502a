"""``mlops-scorecard frameworks publish FILE --url URL``: a framework file published to the
service (``POST /api/v1/frameworks``, ``[server]`` extra: httpx), with the API token from
``$MLOPS_SCORECARD_TOKEN`` as ``scan --upload`` takes it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["TOKEN_VARIABLE", "frameworks_url", "publish", "register"]

#: Where the API token is read from, as for ``scan --upload`` (never from an option: it
#: would show in the shell history and the process list).
TOKEN_VARIABLE = "MLOPS_SCORECARD_TOKEN"

#: Seconds to connect, and to wait for the answer (the server validates and stores).
_TIMEOUT = (10.0, 60.0)
_HINTS = {
    401: f"check the token in {TOKEN_VARIABLE}",
    403: "the token's user must be a facilitator or admin",
    404: "check the service address",
}


def frameworks_url(url: str) -> str:
    """The frameworks resource of the service at ``url`` (its base address, or the API's)."""
    from ..errors import ScorecardError

    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or "?" in base or "#" in base:
        raise ScorecardError(f"not a service address: {url!r} (expected http(s)://host)")
    return base.removesuffix("/api/v1") + "/api/v1/frameworks"


def _refusal(response: Any) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return [str(response.text[:300]).strip() or response.reason_phrase]
    problems = body.get("problems") if isinstance(body, dict) else None
    if isinstance(problems, list) and problems:
        return [str(p) for p in problems]
    detail = body.get("detail", "") if isinstance(body, dict) else body
    return [str(detail)[:2000]]


def publish(
    path: Annotated[Path, typer.Argument(help="A framework file (YAML or JSON).")],
    url: Annotated[
        str, typer.Option("--url", metavar="URL", help=f"The service's address (token: ${TOKEN_VARIABLE}).")
    ],
) -> None:
    """Publish a framework file to the service, where new assessments can use it.

    The service validates it (extends resolved against its built-in and published
    frameworks) and prints every problem with its line; the same file again changes
    nothing; a version an assessment uses cannot change.

    Example: MLOPS_SCORECARD_TOKEN=msc_... mlops-scorecard frameworks publish acme.yaml --url https://scorecard.example.com
    """
    import httpx

    from ..datafiles import read_file_bytes
    from ..errors import ScorecardError

    target = frameworks_url(url)
    token = (os.environ.get(TOKEN_VARIABLE) or "").strip()
    if not token:
        raise ScorecardError(
            f"an API token is needed to publish: set {TOKEN_VARIABLE} (mlops-scorecard tokens create)"
        )
    data = read_file_bytes(path)
    media = "application/json" if path.suffix.lower() == ".json" else "application/yaml"
    try:
        response = httpx.post(
            target,
            files={"file": (path.name, data, media)},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(_TIMEOUT[1], connect=_TIMEOUT[0]),
        )
    except httpx.HTTPError as exc:
        raise ScorecardError(f"cannot reach {url}: {exc or type(exc).__name__}") from None
    if response.status_code >= 300:
        hint = _HINTS.get(response.status_code)
        lines = _refusal(response)
        head = f"refused ({response.status_code})" + (f" ({hint})" if hint else "")
        raise ScorecardError(
            [head, *lines]
            if len(lines) > 1 or response.status_code in (409, 422)
            else [f"{head}: {lines[0]}"]
        )
    try:
        body = response.json()
        status, fw = body["status"], body["framework"]
        summary = (
            f"{fw['ref']}: {fw['title']} ({len(fw['dimensions'])} dimensions, {fw['questions']} questions)"
        )
    except (ValueError, KeyError, TypeError):
        raise ScorecardError(f"{url} answered with something that is not a published framework") from None
    typer.echo(f"{status}: {summary}")


def register(group: typer.Typer) -> None:
    """Add ``publish`` to the ``frameworks`` group."""
    group.command("publish")(publish)
