"""The ``mlops-scorecard`` command: thin commands over the library.

One module per command group registers its commands here: :mod:`.frameworks`, the file
commands in :mod:`.assess`, the web service's in :mod:`.db`, :mod:`.users`, :mod:`.tokens`,
:mod:`.serve` (``serve``, ``demo``) and :mod:`.upload`, the analysis ones in
:mod:`.analysis`, and a stored plan's exports in :mod:`.plan_export`. Heavy modules (numpy, pydantic, matplotlib) are imported inside
commands so that ``--help`` answers at once. A :class:`ScorecardError` becomes a
one-line ``error: ...`` and exit code 1; usage errors exit 2.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .. import __version__
from . import analysis, assess, db, frameworks, imports, plan_export, scan, serve, tokens, upload, users
from .common import ErrorsAsMessages

__all__ = ["app", "main"]

app = typer.Typer(
    name="mlops-scorecard",
    cls=ErrorsAsMessages,
    help="Measure how far an organization has come in MLOps: answer the scorecard, "
    "score it per dimension, draw radar and stellar charts and write reports.\n\n"
    "Try it: mlops-scorecard example -o answers.yaml && mlops-scorecard score answers.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlops-scorecard {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Measure how far an organization has come in MLOps."""


# The order here is the order of `--help` and docs/cli.md.
frameworks.register(app)
assess.register(app)
imports.register(app)
db.register(app)
users.register(app)
tokens.register(app)
serve.register(app)
upload.register(app)
analysis.register(app)
plan_export.register(app)
scan.register(app)


def main() -> None:
    """Entry point: run the app; an unexpected error is one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MLOPS_SCORECARD_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set MLOPS_SCORECARD_DEBUG=1 for details and please report it)",
            err=True,
        )
        sys.exit(70)
