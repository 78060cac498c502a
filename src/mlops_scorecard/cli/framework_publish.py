"""``mlops-scorecard frameworks publish FILE --url URL``: a framework file published to the
service (``POST /api/v1/frameworks``, ``[server]`` extra: httpx), with the API token from
``$MLOPS_SCORECARD_TOKEN`` as ``scan --upload`` takes it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .service import TOKEN_VARIABLE, api_token, post, refusal_lines, service_base

__all__ = ["frameworks_url", "publish", "register"]

_HINTS = {
    401: f"check the token in {TOKEN_VARIABLE}",
    403: "the token's user must be a facilitator or admin",
    404: "check the service address",
}


def frameworks_url(url: str) -> str:
    """The frameworks resource of the service at ``url`` (its base address, or the API's)."""
    return service_base(url) + "/api/v1/frameworks"


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
    from ..datafiles import read_file_bytes
    from ..errors import ScorecardError

    target = frameworks_url(url)
    token = api_token(None, action="publish")
    data = read_file_bytes(path)
    media = "application/json" if path.suffix.lower() == ".json" else "application/yaml"
    response = post(target, shown=url, token=token, files={"file": (path.name, data, media)})
    if response.status_code >= 300:
        hint = _HINTS.get(response.status_code)
        lines = refusal_lines(response)
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
