"""The peers ``web.py`` measures the answer saves against: FastAPI apps served by uvicorn.

Each is a factory (``uvicorn --factory web_peers:<name>``) taking the same JSON body as
the app's autosave, ``POST /r/{token}/answers``, in a sync ``def`` route, so that it runs
in the thread pool as the app's save does; ``GET /login`` only tells that it is up.

- :func:`bare`: no database, what FastAPI itself costs;
- :func:`raw_sqlite`: one raw ``sqlite3`` upsert and commit (WAL, synchronous=NORMAL, the
  app's settings) on a connection per thread; the file is ``RAW_SQLITE_DB``;
- :func:`raw_postgres`: one raw psycopg ``INSERT ... ON CONFLICT ... DO UPDATE ...
  RETURNING revision`` in autocommit mode (a transaction of its own) on a connection per
  thread; the database is ``RAW_POSTGRES_URL``, with psycopg's defaults, as the app has.

Their tables are created beforehand by :func:`prepare_raw_sqlite` and
:func:`prepare_raw_postgres`, so no worker races to create one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from pydantic import BaseModel

if TYPE_CHECKING:
    # imported where used: the SQLite benchmark runs without the [postgres] extra
    import psycopg

__all__ = ["bare", "prepare_raw_postgres", "prepare_raw_sqlite", "raw_postgres", "raw_sqlite"]

#: The raw peers' answers, keyed as the app's are (one row per respondent and question).
SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, token TEXT, question_id TEXT, "
    "answer TEXT, comment TEXT, revision INTEGER, UNIQUE (token, question_id))"
)
# Named apart from the app's own ``answers``: it shares the benchmark's database.
POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS raw_answers (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "token TEXT NOT NULL, question_id TEXT NOT NULL, answer TEXT NOT NULL, comment TEXT NOT NULL, "
    "revision INTEGER NOT NULL, UNIQUE (token, question_id))"
)
POSTGRES_SAVE = (
    "INSERT INTO raw_answers (token, question_id, answer, comment, revision) VALUES (%s, %s, %s, %s, 1) "
    "ON CONFLICT (token, question_id) DO UPDATE SET answer = EXCLUDED.answer, "
    "comment = EXCLUDED.comment, revision = raw_answers.revision + 1 RETURNING revision"
)


class Answer(BaseModel):
    """The autosave's JSON body."""

    question_id: str
    answer: str
    comment: str = ""


def base_app() -> FastAPI:
    """A FastAPI app with the ``GET /login`` that ``wait_until_up`` polls."""
    app = FastAPI()

    @app.get("/login")
    def login() -> dict[str, str]:
        return {}

    return app


def bare() -> FastAPI:
    """The autosave's shape with no database."""
    app = base_app()

    @app.post("/r/{token}/answers")
    def save(token: str, body: Answer) -> dict[str, str]:
        return {"question_id": body.question_id, "answer": body.answer}

    return app


def prepare_raw_sqlite(path: Path) -> None:
    """Create the raw SQLite peer's file and table (WAL, as the peer opens it)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SQLITE_TABLE)
    conn.commit()
    conn.close()


def raw_sqlite() -> FastAPI:
    """The autosave as one raw sqlite3 upsert and commit."""
    app = base_app()
    path = os.environ["RAW_SQLITE_DB"]
    local = threading.local()

    def connection() -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            local.conn = conn
        return conn

    @app.post("/r/{token}/answers")
    def save(token: str, body: Answer) -> dict[str, object]:
        conn = connection()
        # the write lock at BEGIN, as the app takes it: no retry of a deferred upgrade
        conn.execute("BEGIN IMMEDIATE")
        revision = conn.execute(
            "INSERT INTO answers (token, question_id, answer, comment, revision) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT (token, question_id) DO UPDATE SET answer = excluded.answer, "
            "comment = excluded.comment, revision = answers.revision + 1 RETURNING revision",
            (token, body.question_id, body.answer, body.comment),
        ).fetchone()[0]
        conn.execute("COMMIT")
        return {"question_id": body.question_id, "answer": body.answer, "revision": revision}

    return app


def prepare_raw_postgres(conninfo: str) -> None:
    """Create the raw PostgreSQL peer's table (``conninfo``: a libpq URL, no driver name)."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(POSTGRES_TABLE)


def raw_postgres() -> FastAPI:
    """The autosave as one raw psycopg upsert, committed on its own (autocommit)."""
    import psycopg

    app = base_app()
    conninfo = os.environ["RAW_POSTGRES_URL"]
    local = threading.local()

    def connection() -> psycopg.Connection[tuple[Any, ...]]:
        conn: psycopg.Connection[tuple[Any, ...]] | None = getattr(local, "conn", None)
        if conn is None:
            conn = psycopg.connect(conninfo, autocommit=True)
            local.conn = conn
        return conn

    @app.post("/r/{token}/answers")
    def save(token: str, body: Answer) -> dict[str, object]:
        row = (
            connection()
            .execute(POSTGRES_SAVE, (token, body.question_id, body.answer, body.comment))
            .fetchone()
        )
        assert row is not None, "RETURNING gave no row"
        return {"question_id": body.question_id, "answer": body.answer, "revision": row[0]}

    return app
