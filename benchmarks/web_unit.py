"""Unit page benchmark: a unit with 20 assessments of about six respondents each, its
page (with the trend's intervals, the plan and the comparison links) timed by
the app's Server-Timing header; on SQLite or PostgreSQL.

Usage: python benchmarks/web_unit.py --backend sqlite   (or postgresql)
Writes benchmarks/results/web-unit-<backend>.json. Target: the unit page's median server
time under 100 ms. One `mlops-scorecard serve` worker on 127.0.0.1, nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "server"))

from support import PASSWORD, PostgresServer, free_port  # noqa: E402

from mlops_scorecard.example import example_answers  # noqa: E402
from mlops_scorecard.framework import get_framework  # noqa: E402
from mlops_scorecard.store.accounts import create_user  # noqa: E402
from mlops_scorecard.store.answers import import_answer_set  # noqa: E402
from mlops_scorecard.store.assessments import create_assessment, set_status  # noqa: E402
from mlops_scorecard.store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from mlops_scorecard.store.units import create_unit  # noqa: E402
from web import server_times, start_server, stop_server  # noqa: E402

ASSESSMENTS = 20
RESPONDENTS = 6
TARGET_MS = 100.0


def seed(url: str) -> dict[str, int]:
    """An organization with one team that has 20 quarterly assessments (the newest open),
    each answered by six people with roles and comments, with targets."""
    fw = get_framework("mlops-scorecard")
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        create_user(s, username="bench", password=PASSWORD, role="viewer")
        org = create_unit(s, name="Org", kind="organization")
        dept = create_unit(s, name="Dept", kind="department", parent_id=org.id)
        team = create_unit(s, name="Team", kind="team", parent_id=dept.id)
        targets = {d.id: 70.0 for d in fw.dimensions}
        ids = []
        for i in range(ASSESSMENTS):
            a = create_assessment(
                s,
                unit_id=team.id,
                title=f"Quarter {i + 1}",
                date=dt.date(2021, 1, 1) + dt.timedelta(days=91 * i),
                status="open",
                targets=targets,
            )
            answers = example_answers(fw, respondents=RESPONDENTS, seed=i)
            import_answer_set(s, assessment=a, answers=answers, source="seed")
            s.flush()
            if i < ASSESSMENTS - 1:
                set_status(s, assessment=a, status="closed")
            ids.append(a.id)
        team_id = team.id
    engine.dispose()
    return {"unit": team_id, "latest": ids[-1], "previous": ids[-2]}


def main() -> int:
    """Run the unit page benchmark for one backend and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    output = args.output or HERE / "results" / f"web-unit-{args.backend}.json"

    tmp = Path(tempfile.mkdtemp(prefix="msc-bench-unit-"))
    pg = PostgresServer() if args.backend == "postgresql" else None
    url = pg.url if pg is not None else f"sqlite:///{tmp / 'bench.db'}"
    proc = None
    try:
        print(f"seeding {args.backend} ...", flush=True)
        ids = seed(url)
        port = free_port()
        proc = start_server(url, port, tmp / "server.log")
        results: dict[str, Any] = {}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            page = client.get("/login")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            r = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})
            assert r.status_code in (200, 303), r.text
            unit_page = client.get(f"/units/{ids['unit']}").text
            assert unit_page.count(f'href="/compare?a={ids["previous"]}&amp;b={ids["latest"]}"') == 1
            results["unit_page_20_assessments"] = server_times(client, f"/units/{ids['unit']}", args.runs)
            results["assessment_page_6_respondents"] = server_times(
                client, f"/assessments/{ids['latest']}", args.runs
            )
            results["compare_page"] = server_times(
                client, f"/compare?a={ids['previous']}&b={ids['latest']}", args.runs
            )
            results["unit_trend_chart_svg"] = server_times(
                client, f"/units/{ids['unit']}/analysis/trend.svg", max(5, args.runs // 5)
            )
        print(json.dumps(results), flush=True)
    finally:
        if proc is not None:
            stop_server(proc)
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    value = results["unit_page_20_assessments"]["median_ms"]
    ok = value <= TARGET_MS
    print(f"unit_page_20_assessments median_ms {value:>8} (target <= {TARGET_MS}) {'ok' if ok else 'MISSED'}")
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "setup": {"assessments": ASSESSMENTS, "respondents_each": RESPONDENTS, "runs": args.runs},
        "results": results,
        "checks": [
            {
                "name": "unit_page_20_assessments",
                "field": "median_ms",
                "value": value,
                "target": f"<= {TARGET_MS}",
                "ok": ok,
            }
        ],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
