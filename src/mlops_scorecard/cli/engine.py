"""What the server commands share: the ``--database-url`` option and the engine they open.

They need the ``[server]`` extra (and ``[postgres]`` for a PostgreSQL URL); the web
stack is imported inside the functions, so that without it the other commands work and
these say what to install (:class:`.common.ErrorsAsMessages`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["DB_URL", "open_engine", "resolve_url"]

DB_URL = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="MLOPS_SCORECARD_DATABASE_URL",
        help="sqlite:///path.db or postgresql://user@host/db (default: a SQLite file in your data folder).",
        show_envvar=True,
    ),
]


def resolve_url(url: str | None) -> str:
    """The URL given, or the default SQLite file in the user's data folder."""
    from ..settings import default_database_url

    return url or default_database_url()


def open_engine(url: str | None, *, migrated: bool = True) -> Engine:
    """An engine on the database, checked to open; with ``migrated``, refused when the
    database is behind this version's schema (naming the command that fixes it)."""
    from ..store.db import DatabaseError, make_engine, needs_migration

    url = resolve_url(url)
    engine = make_engine(url)
    try:
        behind = needs_migration(engine)
    except Exception as exc:  # connection refused, bad credentials, unreadable file
        raise DatabaseError(
            f"cannot open the database {url}: {exc.__class__.__name__}: {exc}".splitlines()[0]
        ) from None
    if migrated and behind:
        raise DatabaseError(f"the database {url} needs a migration: run `mlops-scorecard db upgrade`")
    return engine
