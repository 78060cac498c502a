"""CLI commands for the web service: serve, db, users, tokens, demo, upload.

They need the ``[server]`` extra (and ``[postgres]`` for a PostgreSQL URL); the web
stack is imported inside the commands, so that without it the other commands work and
these say what to install (:class:`.common.ErrorsAsMessages`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ErrorsAsMessages, require_modules

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["register", "uvicorn_options"]

DB_URL = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="MLOPS_SCORECARD_DATABASE_URL",
        help="sqlite:///path.db or postgresql://user@host/db (default: a SQLite file in your data folder).",
        show_envvar=True,
    ),
]


def _url(database_url: str | None) -> str:
    from ..settings import default_database_url

    return database_url or default_database_url()


def _engine(database_url: str | None, *, migrated: bool = True) -> Engine:
    from ..store.db import DatabaseError, make_engine, needs_migration

    url = _url(database_url)
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


db_app = typer.Typer(cls=ErrorsAsMessages, help="Create and migrate the database.", no_args_is_help=True)
users_app = typer.Typer(
    cls=ErrorsAsMessages, help="Manage accounts (admin, facilitator, viewer).", no_args_is_help=True
)
tokens_app = typer.Typer(cls=ErrorsAsMessages, help="Manage API tokens for automation.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(database_url: DB_URL = None) -> None:
    """Create the database or migrate it to this version's schema.

    Example: mlops-scorecard db upgrade --database-url postgresql://scorecard@db/scorecard
    """
    from ..store.db import current_revision, head_revision, upgrade

    engine = _engine(database_url, migrated=False)
    before = current_revision(engine)
    upgrade(engine)
    typer.echo(f"database {_url(database_url)}: {before or 'empty'} -> {head_revision()}")


@db_app.command("status")
def db_status(database_url: DB_URL = None) -> None:
    """Show the database's schema revision and whether it needs a migration.

    Example: mlops-scorecard db status
    """
    from ..store.db import current_revision, head_revision

    engine = _engine(database_url, migrated=False)
    current, head = current_revision(engine), head_revision()
    state = "up to date" if current == head else "needs `mlops-scorecard db upgrade`"
    typer.echo(f"database {_url(database_url)}: revision {current or 'none'} (code: {head}), {state}")


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

    engine = _engine(database_url)
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

    with session_factory(_engine(database_url))() as s:
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

    engine = _engine(database_url)
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
    from ..store.accounts import find_user, set_active
    from ..store.db import session_factory, transaction

    with transaction(session_factory(_engine(database_url))) as s:
        set_active(s, user=find_user(s, username=username), active=False)
    typer.echo(f"disabled {username!r}")


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DB_URL = None,
) -> None:
    """Enable a disabled account again (it logs in afresh; old sessions stay ended).

    Example: mlops-scorecard users enable alice
    """
    from ..store.accounts import find_user, set_active
    from ..store.db import session_factory, transaction

    with transaction(session_factory(_engine(database_url))) as s:
        set_active(s, user=find_user(s, username=username), active=True)
    typer.echo(f"enabled {username!r}")


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

    with transaction(session_factory(_engine(database_url))) as s:
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

    with session_factory(_engine(database_url))() as s:
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

    with transaction(session_factory(_engine(database_url))) as s:
        token = s.get(ApiToken, token_id)
        if token is None:
            raise NotFoundError(f"no API token {token_id}")
        from ..store.accounts import revoke_api_token

        revoke_api_token(s, token_id=token_id, user=token.user)
    typer.echo(f"revoked token {token_id}")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (stateless).")] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            envvar="MLOPS_SCORECARD_FORWARDED_ALLOW_IPS",
            show_envvar=True,
            help="Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed "
            "(comma-separated IPs or networks, '*' for any). Default: none, the headers are ignored.",
        ),
    ] = "",
    database_url: DB_URL = None,
) -> None:
    """Start the web service.

    Refuses a database that needs a migration. Sessions live in the database and all
    state too, so several workers (or machines on PostgreSQL) can serve it. Behind a
    reverse proxy, name it with --forwarded-allow-ips so that login and join throttles
    see the client's address rather than the proxy's.

    Example: mlops-scorecard serve --port 8000 --database-url sqlite:///scorecard.db
    """
    import uvicorn

    require_modules("fastapi")

    url = _url(database_url)
    _engine(url).dispose()
    os.environ["MLOPS_SCORECARD_DATABASE_URL"] = url
    os.environ["MLOPS_SCORECARD_FORWARDED_ALLOW_IPS"] = forwarded_allow_ips
    typer.echo(f"database: {url}")
    typer.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)")
    sys.stdout.flush()
    options = uvicorn_options(host=host, port=port, workers=workers)
    if workers == 1:
        from ..web import create_app

        uvicorn.run(create_app(), **options)
    else:
        uvicorn.run("mlops_scorecard.web.asgi:app", **options)


def uvicorn_options(*, host: str, port: int, workers: int) -> dict[str, Any]:
    """How ``serve`` runs uvicorn.

    uvicorn's own proxy-header handling is off: by default it believes X-Forwarded-For
    from 127.0.0.1, which lets any local client pick its address. The app applies
    ``forwarded_allow_ips`` itself (``web/app.py``), under any ASGI server.
    """
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": False,
    }
    if workers > 1:
        options["workers"] = workers
    return options


def demo(
    database_url: DB_URL = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete an existing SQLite demo file first.")
    ] = False,
    then_serve: Annotated[bool, typer.Option("--serve", help="Start the web service afterwards.")] = False,
    host: Annotated[str, typer.Option(help="With --serve: address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="With --serve: port.")] = 8000,
) -> None:
    """Fill a database with a realistic demo organization (and optionally serve it).

    Three departments, eight teams, four quarterly assessments each with 3-8
    respondents, roles and comments, and an admin login `demo` / `demo-password`.

    Example: mlops-scorecard demo --database-url sqlite:///demo.db --reset --serve
    """
    if then_serve:  # before the demo is loaded, not after
        require_modules("fastapi", "uvicorn")
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url

    from ..errors import ConflictError
    from ..store.db import normalize_url, session_factory, transaction, upgrade
    from ..store.demo import DEMO_PASSWORD, DEMO_USER, load_demo
    from ..store.models import Unit

    url = _url(database_url)
    parsed = make_url(normalize_url(url))
    if reset and parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    engine = _engine(url, migrated=False)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        if s.scalar(select(func.count()).select_from(Unit)):
            raise ConflictError(
                f"the database {url} already has data; use an empty one (or --reset for SQLite)"
            )
        summary = load_demo(s)
    typer.echo(
        f"demo loaded into {url}: {summary.units} units, {summary.assessments} assessments, "
        f"{summary.respondents} respondents"
    )
    typer.echo(f"log in as {DEMO_USER} / {DEMO_PASSWORD}")
    base = f"http://{host}:{port}"
    for label, path in summary.links[:3]:
        typer.echo(f"  try answering: {label}: {base}{path}")
    engine.dispose()
    if then_serve:
        serve(host=host, port=port, workers=1, database_url=url)


def upload(
    path: Annotated[Path, typer.Argument(help="Your answers file (from `mlops-scorecard assess`).")],
    link: Annotated[str, typer.Option("--link", help="Your personal survey link, http(s)://host/r/TOKEN.")],
) -> None:
    """Upload answers given in the terminal to your survey link.

    Example: mlops-scorecard upload mine.yaml --link https://scorecard.example.com/r/AbC...
    """
    import httpx

    from ..answers import load_answers
    from ..errors import ScorecardError

    load_answers(path)  # a broken file is reported here, before anything is sent
    if "/r/" not in link or not link.startswith(("http://", "https://")):
        raise ScorecardError(f"not a survey link: {link!r} (expected http(s)://host/r/TOKEN)")
    target = link.rstrip("/") + "/upload"
    try:
        with path.open("rb") as fh:
            response = httpx.post(
                target,
                files={"file": (path.name, fh, "application/octet-stream")},
                headers={"accept": "application/json"},
                timeout=30,
            )
    except httpx.HTTPError as exc:
        raise ScorecardError(f"cannot reach {link}: {exc}") from None
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:200]
        raise ScorecardError(f"upload refused ({response.status_code}): {detail}")
    typer.echo(f"uploaded {path}")


def register(app: typer.Typer) -> None:
    """Add the server commands to the main CLI app."""
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command()(serve)
    app.command()(demo)
    app.command()(upload)
