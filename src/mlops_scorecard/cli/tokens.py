"""``mlops-scorecard tokens``: API tokens for automation (``[server]`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import ErrorsAsMessages
from .engine import DB_URL, open_engine

__all__ = ["register"]

tokens_app = typer.Typer(cls=ErrorsAsMessages, help="Manage API tokens for automation.", no_args_is_help=True)


@tokens_app.command("create")
def tokens_create(
    username: Annotated[str, typer.Option("--user", help="The account the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ci'.")] = "cli",
    database_url: DB_URL = None,
) -> None:
    """Create an API token; it is printed once and stored only as a hash.

    Example: mlops-scorecard tokens create --user alice --name ci
    """
    from sqlalchemy import select

    from ..errors import NotFoundError
    from ..store.accounts import create_api_token
    from ..store.db import session_factory, transaction
    from ..store.models import User

    with transaction(session_factory(open_engine(database_url))) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFoundError(f"no user {username!r}")
        token, plain = create_api_token(s, user=user, name=name)
        typer.echo(f"token {token.id} for {username} ({name}); keep it now, it is not shown again:")
        typer.echo(plain)


@tokens_app.command("list")
def tokens_list(database_url: DB_URL = None) -> None:
    """List API tokens (never their values).

    Example: mlops-scorecard tokens list
    """
    from ..store.accounts import list_api_tokens
    from ..store.db import session_factory

    with session_factory(open_engine(database_url))() as s:
        for t in list_api_tokens(s):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            typer.echo(f"{t.id:>5} {t.user.username:<20} {t.name:<20} {state}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see tokens list).")],
    database_url: DB_URL = None,
) -> None:
    """Revoke an API token.

    Example: mlops-scorecard tokens revoke 3
    """
    from ..errors import NotFoundError
    from ..store.db import session_factory, transaction
    from ..store.models import ApiToken

    with transaction(session_factory(open_engine(database_url))) as s:
        token = s.get(ApiToken, token_id)
        if token is None:
            raise NotFoundError(f"no API token {token_id}")
        from ..store.accounts import revoke_api_token

        revoke_api_token(s, token_id=token_id, user=token.user)
    typer.echo(f"revoked token {token_id}")


def register(app: typer.Typer) -> None:
    """Add the ``tokens`` group to the main CLI app."""
    app.add_typer(tokens_app, name="tokens")
