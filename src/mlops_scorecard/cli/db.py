"""``mlops-scorecard db``: create the database and migrate it (``[server]`` extra)."""

from __future__ import annotations

import sys

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


#: Summaries computed and committed per transaction: a short write lock, and an
#: interrupted run keeps what it did.
SUMMARY_BATCH = 200


@db_app.command("summaries")
def db_summaries(database_url: DB_URL = None) -> None:
    """Compute every missing or stale assessment summary (what the organization and
    department pages roll up), with a progress bar. Run it after upgrading, before a
    large organization's first page view; running it again does nothing.

    Example: mlops-scorecard db summaries --database-url postgresql://scorecard@db/scorecard
    """
    from ..store.db import session_factory, transaction
    from ..store.summary_refresh import refresh_batch, stale_rows

    engine = open_engine(database_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        rows = stale_rows(s)
    where = resolve_url(database_url)
    if not rows:
        typer.echo(f"database {where}: every summary is up to date")
        return
    done = 0
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bars = Progress(
            TextColumn("summaries"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with bars:
            task = bars.add_task("summaries", total=len(rows))
            for start in range(0, len(rows), SUMMARY_BATCH):
                with transaction(factory) as s:
                    done += refresh_batch(s, rows[start : start + SUMMARY_BATCH])
                bars.update(task, completed=start + len(rows[start : start + SUMMARY_BATCH]))
    else:  # a pipe or a log: a line per batch
        for start in range(0, len(rows), SUMMARY_BATCH):
            with transaction(factory) as s:
                done += refresh_batch(s, rows[start : start + SUMMARY_BATCH])
            seen = min(start + SUMMARY_BATCH, len(rows))
            typer.echo(f"summaries: {seen}/{len(rows)}", err=True)
    if engine.dialect.name == "sqlite":
        # thousands of bodies sit in the write-ahead log: folded into the file now, the
        # server's first reader does not pay for it
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    typer.echo(f"database {where}: {done} summaries computed and stored")


def register(app: typer.Typer) -> None:
    """Add the ``db`` group to the main CLI app."""
    app.add_typer(db_app, name="db")
