"""``mlops-scorecard plan-export``: a stored assessment's plan, with its statuses, owners,
due dates, efforts and notes, as a file or as issues created in GitHub (``[server]``
extra). ``plan`` does the same from an answers file, without the tracking."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import FORCE, check_output
from .engine import DB_URL, open_engine

__all__ = ["register"]

#: ``--format`` -> the file format of ``views/plans.export_plan``
FORMATS = {"md": "md", "csv": "csv", "json": "json", "github": "github.json", "jira": "jira.csv"}


def plan_export(
    assessment_id: Annotated[
        int, typer.Argument(help="The assessment's id (see its page's address).", min=1)
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="github|jira|md|csv|json", help="What to write (default github)."),
    ] = "github",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    github: Annotated[
        str | None,
        typer.Option(
            "--github", metavar="OWNER/REPO", help="Create the open items as issues in this repository."
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="GITHUB_TOKEN",
            show_envvar=True,
            help="GitHub token for --github (better from the environment than the command line).",
        ),
    ] = None,
    github_api_url: Annotated[
        str,
        typer.Option(
            envvar="MLOPS_SCORECARD_GITHUB_API_URL",
            show_envvar=True,
            help="GitHub's API root (GitHub Enterprise: https://HOST/api/v3).",
        ),
    ] = "https://api.github.com",
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="The service's address, for links from the issues back to the plan.",
        ),
    ] = "",
    database_url: DB_URL = None,
    force: FORCE = False,
) -> None:
    """Export a stored assessment's plan: GitHub issues (JSON for `gh`), a Jira CSV,
    Markdown, CSV or JSON; or create its open items as GitHub issues.

    Examples:

      mlops-scorecard plan-export 12 -o issues.json

      mlops-scorecard plan-export 12 --format jira -o issues.csv

      GITHUB_TOKEN=... mlops-scorecard plan-export 12 --github acme/ml-platform
    """
    from ..errors import ScorecardError
    from ..planning.github import check_repo, push_issues
    from ..store.assessments import get_assessment
    from ..store.audit import record
    from ..store.db import session_factory, transaction
    from ..store.plans import plan_for
    from ..web.views.plans import export_context, export_plan, plan_title

    chosen = FORMATS.get(fmt.strip().lower())
    if chosen is None:
        raise ScorecardError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if github is not None and output is not None:
        raise ScorecardError(
            "--github creates issues; leave out --output (or leave out --github to write a file)"
        )
    engine = open_engine(database_url)
    sessions = session_factory(engine)
    if github is None:
        if output is not None:
            check_output(output, force)
        with sessions() as s:
            a = get_assessment(s, assessment_id=assessment_id)
            body, _, _ = export_plan(plan_for(s, assessment=a), assessment=a, fmt=chosen, base_url=base_url)
        if output is None:
            sys.stdout.buffer.write(body)
            return
        from ..datafiles import atomic_write_bytes

        atomic_write_bytes(output, body)
        typer.echo(f"wrote {output}")
        return
    repo = check_repo(github)
    if not token:
        raise ScorecardError(
            "--github needs a token: set GITHUB_TOKEN (a token with Issues: write on the repository)"
        )
    with sessions() as s:
        a = get_assessment(s, assessment_id=assessment_id)
        tracked = plan_for(s, assessment=a)
        issues = tracked.github_issues(export_context(tracked, assessment=a, base_url=base_url))
        title = plan_title(a)
    outcome = push_issues(issues, repo=repo, token=token, api_url=github_api_url)
    with transaction(sessions) as s:
        a = get_assessment(s, assessment_id=assessment_id)
        record(
            s,
            user=None,
            action="plan.export",
            summary=f"Created {len(outcome.created)} of {len(issues)} GitHub issues in {repo} (command line)",
            assessment_id=a.id,
            unit_id=a.unit_id,
            detail={
                "target": "github",
                "repo": repo,
                "issues": [{"number": i.number, "url": i.url} for i in outcome.created],
                "error": None if outcome.error is None else str(outcome.error),
            },
        )
    for issue in outcome.created:
        typer.echo(f"#{issue.number} {issue.url}")
    created = outcome.raise_for_error()
    typer.echo(
        f"created {len(created)} issue{'' if len(created) == 1 else 's'} in {repo} from the plan of {title}"
    )


def register(app: typer.Typer) -> None:
    """Add ``plan-export`` to the main CLI app."""
    app.command("plan-export")(plan_export)
