"""``mlops-scorecard upload``: answers given in the terminal sent to a survey link
(``[server]`` extra: httpx)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register", "upload_summary"]


def upload(
    path: Annotated[Path, typer.Argument(help="Your answers file (from `mlops-scorecard assess`).")],
    link: Annotated[str, typer.Option("--link", help="Your personal survey link, http(s)://host/r/TOKEN.")],
) -> None:
    """Upload answers given in the terminal to your survey link. They replace the
    answers given there; it says whose they were and whether they still need submitting.

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
    typer.echo(upload_summary(path, response))


def upload_summary(path: Path, response: Any) -> str:
    """What an upload did, from the service's answer: whose answers it replaced, how
    many are answered now, and whether they still need submitting."""
    try:
        done = response.json()
    except ValueError:
        done = {}
    if not isinstance(done, dict) or "answered" not in done:
        return f"uploaded {path}"  # an older service answers with the count only
    whose = f"the answers of {done['name']}" if done.get("name") else "your anonymous answers"
    lines = [
        f"uploaded {path}: {done.get('answers', 0)} answers replaced {whose} "
        f"({done.get('replaced', 0)} before); {done['answered']} of {done.get('total', '?')} questions answered"
    ]
    submitted = done.get("submitted_at")
    if submitted:
        lines.append(f"submitted on {str(submitted)[:10]}: the new answers count from now on")
    else:
        lines.append("not submitted yet: open your link, review the answers and submit them")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add ``upload`` to the main CLI app."""
    app.command()(upload)
