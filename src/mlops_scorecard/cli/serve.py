"""``mlops-scorecard serve`` and ``demo``: the web service, and a demo organization to
show in it (``[server]`` extra; uvicorn and the app are imported when they run)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import require_modules
from .engine import DB_URL, open_engine, resolve_url

__all__ = ["register", "sqlite_url", "uvicorn_options"]


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Worker processes (stateless). More than one needs PostgreSQL."),
    ] = 1,
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
    state too, so on PostgreSQL several workers (and machines) can serve it; SQLite
    takes one writer at a time, so --workers above 1 needs PostgreSQL. Behind a
    reverse proxy, name it with --forwarded-allow-ips so that login and join throttles
    see the client's address rather than the proxy's.

    Example: mlops-scorecard serve --port 8000 --database-url sqlite:///scorecard.db
    """
    import uvicorn

    require_modules("fastapi")

    url = resolve_url(database_url)
    if workers > 1 and sqlite_url(url):
        # SQLite takes one writer at a time: a second process only queues on its file
        # lock (with retries and sleeps) where one worker queues in order, in memory.
        raise typer.BadParameter(
            f"--workers {workers} needs PostgreSQL: SQLite takes one writer at a time, so more "
            "worker processes only wait on each other's write lock (longer waits, nothing "
            "gained). Serve SQLite with one worker, or use a postgresql:// database URL "
            "(docs/deployment.md).",
            param_hint="--workers",
        )
    open_engine(url).dispose()
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


def sqlite_url(url: str) -> bool:
    """Whether ``url`` names a SQLite database."""
    return url.split(":", 1)[0].split("+", 1)[0].lower() == "sqlite"


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
    teams: Annotated[
        int,
        typer.Option(
            min=1, max=1000, help="Teams in the organization (8 named ones; more for benchmarks, e.g. 200)."
        ),
    ] = 8,
) -> None:
    """Fill a database with a realistic demo organization (and optionally serve it).

    Three departments, eight teams, four quarterly assessments each with 3-8
    respondents who mostly agree, roles and comments; the newest assessments open,
    with a plan in progress; one in draft; an audit log. Logins (password
    `demo-password`): `demo` (admin), `sam` (facilitator), `lee` (viewer).
    --teams 200 scales the organization for benchmarks.

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

    url = resolve_url(database_url)
    parsed = make_url(normalize_url(url))
    if reset and parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    engine = open_engine(url, migrated=False)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        if s.scalar(select(func.count()).select_from(Unit)):
            raise ConflictError(
                f"the database {url} already has data; use an empty one (or --reset for SQLite)"
            )
        summary = load_demo(s, teams=teams)
    typer.echo(
        f"demo loaded into {url}: {summary.units} units, {summary.assessments} assessments, "
        f"{summary.respondents} respondents"
    )
    typer.echo(f"log in as {DEMO_USER} / {DEMO_PASSWORD} (also sam, facilitator, and lee, viewer)")
    base = f"http://{host}:{port}"
    for label, path in summary.links[:3]:
        typer.echo(f"  try answering: {label}: {base}{path}")
    engine.dispose()
    if then_serve:
        serve(host=host, port=port, workers=1, database_url=url)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``demo`` to the main CLI app."""
    app.command()(serve)
    app.command()(demo)
