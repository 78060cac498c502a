"""``mlops-scorecard upload``: answers given in the terminal sent to a survey link
(``[server]`` extra: httpx)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def upload(
    path: Annotated[Path, typer.Argument(help="Your answers file (from `mlops-scorecard assess`).")],
    link: Annotated[str, typer.Option("--link", help="Your personal survey link, http(s)://host/r/TOKEN.")],
) -> None:
    """Upload answers given in the terminal to your survey link.

    Example: mlops-scorecard upload mine.yaml --link https://scorecard.example.com/r/AbC...
    """
    from ..answers import load_answers
    from ..errors import ScorecardError
    from .service import post, refusal_lines

    load_answers(path)  # a broken file is reported here, before anything is sent
    if "/r/" not in link or not link.startswith(("http://", "https://")):
        raise ScorecardError(f"not a survey link: {link!r} (expected http(s)://host/r/TOKEN)")
    target = link.rstrip("/") + "/upload"
    with path.open("rb") as fh:
        response = post(target, shown=link, files={"file": (path.name, fh, "application/octet-stream")})
    if response.status_code >= 400:
        raise ScorecardError(f"upload refused ({response.status_code}): {'; '.join(refusal_lines(response))}")
    typer.echo(f"uploaded {path}")


def register(app: typer.Typer) -> None:
    """Add ``upload`` to the main CLI app."""
    app.command()(upload)
