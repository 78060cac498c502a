"""``mlops-scorecard db``: create the database and migrate it (``[server]`` extra)."""

from __future__ import annotations

import typer

from .common import ErrorsAsMessages
from .engine import DB_URL, open_engine, resolve_url

__all__ = ["register"]

db_app = typer.Typer(cls=ErrorsAsMessages, help="Create and migrate the database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(database_url: DB_URL = None) -> None:
    """Create the database or migrate it to this version's schema.

    Example: mlops-scorecard db upgrade --database-url postgresql://scorecard@db/scorecard
    """
    from ..store.db import current_revision, head_revision, upgrade

    engine = open_engine(database_url, migrated=False)
    before = current_revision(engine)
    upgrade(engine)
    typer.echo(f"database {resolve_url(database_url)}: {before or 'empty'} -> {head_revision()}")


@db_app.command("status")
def db_status(database_url: DB_URL = None) -> None:
    """Show the database's schema revision and whether it needs a migration.

    Example: mlops-scorecard db status
    """
    from ..store.db import current_revision, head_revision

    engine = open_engine(database_url, migrated=False)
    current, head = current_revision(engine), head_revision()
    state = "up to date" if current == head else "needs `mlops-scorecard db upgrade`"
    typer.echo(f"database {resolve_url(database_url)}: revision {current or 'none'} (code: {head}), {state}")


def register(app: typer.Typer) -> None:
    """Add the ``db`` group to the main CLI app."""
    app.add_typer(db_app, name="db")
