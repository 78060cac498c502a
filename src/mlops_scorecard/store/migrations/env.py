"""Alembic environment: runs migrations on the engine handed over by ``store.db``."""

from __future__ import annotations

from alembic import context

from mlops_scorecard.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign
            # keys on, that drop would cascade and delete every row that refers to it.
            # The pragma only takes effect outside a transaction, so it is set first.
            # store.db's sqlite3 connections run in autocommit mode (isolation_level None;
            # SQLAlchemy emits BEGIN), so the driver connection is outside a transaction here.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows whose foreign keys point nowhere: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run()
