"""``mlops-scorecard users``: accounts (admin, facilitator, viewer) (``[server]`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import ErrorsAsMessages
from .engine import DB_URL, open_engine

__all__ = ["register"]

users_app = typer.Typer(
    cls=ErrorsAsMessages, help="Manage accounts (admin, facilitator, viewer).", no_args_is_help=True
)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, facilitator or viewer.")] = "admin",
    password: Annotated[
        str | None,
        typer.Option(envvar="MLOPS_SCORECARD_PASSWORD", help="The password (prompted for when not given)."),
    ] = None,
    database_url: DB_URL = None,
) -> None:
    """Create an account; the first one is usually the admin.

    Example: mlops-scorecard users create alice --role admin
    """
    from ..store.accounts import create_user
    from ..store.db import session_factory, transaction

    engine = open_engine(database_url)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with transaction(session_factory(engine)) as s:
        user = create_user(s, username=username, password=password, role=role)
        typer.echo(f"created {user.role} {user.username!r}")


@users_app.command("list")
def users_list(database_url: DB_URL = None) -> None:
    """List accounts.

    Example: mlops-scorecard users list
    """
    from ..store.accounts import list_users
    from ..store.db import session_factory

    with session_factory(open_engine(database_url))() as s:
        for u in list_users(s):
            typer.echo(f"{u.username:<24} {u.role:<12} {'active' if u.active else 'disabled'}")


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="MLOPS_SCORECARD_PASSWORD", help="The new password (prompted for when not given)."
        ),
    ] = None,
    database_url: DB_URL = None,
) -> None:
    """Set a new password for an account; its browser sessions end.

    Example: mlops-scorecard users set-password alice
    """
    from ..store.accounts import find_user, set_password
    from ..store.db import session_factory, transaction

    engine = open_engine(database_url)
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with transaction(session_factory(engine)) as s:
        set_password(s, user=find_user(s, username=username), password=password)
    typer.echo(f"new password for {username!r}; its sessions have ended")


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DB_URL = None,
) -> None:
    """Disable an account: it cannot log in, its sessions end and its API tokens stop working.

    Example: mlops-scorecard users disable alice
    """
    _set_active(username, database_url, active=False)


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DB_URL = None,
) -> None:
    """Enable a disabled account again (it logs in afresh; old sessions stay ended).

    Example: mlops-scorecard users enable alice
    """
    _set_active(username, database_url, active=True)


def _set_active(username: str, database_url: str | None, *, active: bool) -> None:
    from ..store.accounts import find_user, set_active
    from ..store.db import session_factory, transaction

    with transaction(session_factory(open_engine(database_url))) as s:
        set_active(s, user=find_user(s, username=username), active=active)
    typer.echo(f"{'enabled' if active else 'disabled'} {username!r}")


def register(app: typer.Typer) -> None:
    """Add the ``users`` group to the main CLI app."""
    app.add_typer(users_app, name="users")
