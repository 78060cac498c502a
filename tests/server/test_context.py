"""web.context: short writes from async routes, bounded per worker (SQLite one at a
time, PostgreSQL ``save_concurrency`` at a time), counted, never timed."""

from __future__ import annotations

import threading
import time

import anyio
import pytest
from sqlalchemy.orm import sessionmaker

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.db import make_engine
from mlops_scorecard.web.context import AppState


@pytest.mark.parametrize("limit", [1, 3])
def test_no_more_writes_at_once_than_the_database_takes(db_url: str, limit: int) -> None:
    engine = make_engine(db_url)
    state = AppState(
        settings=Settings(database_url=db_url, save_concurrency=limit),
        engine=engine,
        sessions=sessionmaker(engine),
    )
    lock = threading.Lock()
    running, most = 0, 0

    def write(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)  # long enough for every caller to be waiting meanwhile
        with lock:
            running -= 1
        return n

    results: list[int] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for n in range(12):

                async def one(n: int = n) -> None:
                    results.append(await state.run(write, n))

                tg.start_soon(one)

    # in a thread of its own: the browser tests leave Playwright's loop in the main thread
    runner = threading.Thread(target=anyio.run, args=(main,))
    runner.start()
    runner.join()
    engine.dispose()
    assert sorted(results) == list(range(12))
    expected = 1 if engine.dialect.name == "sqlite" else limit
    assert most == expected


def test_save_concurrency_is_bounded() -> None:
    assert Settings(database_url="sqlite://").save_concurrency == 2
    with pytest.raises(ValueError, match="save_concurrency"):
        Settings(database_url="sqlite://", save_concurrency=0)
