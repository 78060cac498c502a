"""Web service benchmarks: answer saves under load, each beside its bare peers in the same run.

Usage: make bench-web   (or: python benchmarks/web.py --backend sqlite [--quick])

``mlops-scorecard serve`` runs on 127.0.0.1 against a fresh database (a SQLite file, or
a PostgreSQL cluster started in a temporary folder, fsync off as in the tests), and wrk
(Debian package `wrk`, one thread) posts answers, the saves in flight always for distinct
respondents, at 1 and 50 connections, each measurement after a warm-up of its own; with 1
worker on SQLite (the service refuses more: one writer), 1 and 2 workers on PostgreSQL.
Only loopback addresses are used.

Peers (``web_peers.py``), served by uvicorn with the same options and worker count, under
the same wrk script, one at a time on the same cores, each a sync route in the thread pool
as the app's save is:

- ``bare``: a FastAPI endpoint taking the same JSON body (one pydantic model), no database;
- ``raw_sqlite`` (SQLite): the same endpoint doing a raw ``sqlite3`` upsert and commit
  (WAL, synchronous=NORMAL, one connection per thread), the floor a SQLite save can reach;
- ``raw_postgres`` (PostgreSQL): the same endpoint doing one raw psycopg ``INSERT ... ON
  CONFLICT ... DO UPDATE ... RETURNING revision`` in autocommit mode on a connection per
  thread to the same cluster (a table of its own), the floor a PostgreSQL save can reach.

Results: ``benchmarks/results/web-<backend>.json`` and a table of ratios in
``web-<backend>.md`` (the app's share of each peer's requests/s, its p99 as a multiple of
the peer's). The other web benchmarks import the server helpers from here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "server"))

from support import PASSWORD, PostgresServer, free_port  # noqa: E402

from mlops_scorecard.answers import AnswerSet  # noqa: E402
from mlops_scorecard.example import example_answers  # noqa: E402
from mlops_scorecard.framework import get_framework  # noqa: E402
from mlops_scorecard.store.accounts import create_user  # noqa: E402
from mlops_scorecard.store.answers import import_answer_set  # noqa: E402
from mlops_scorecard.store.assessments import create_assessment, set_status  # noqa: E402
from mlops_scorecard.store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from mlops_scorecard.store.respondents import create_invitation  # noqa: E402
from mlops_scorecard.store.units import create_unit  # noqa: E402
from web_peers import prepare_raw_postgres, prepare_raw_sqlite  # noqa: E402

SAVE_LUA = r"""
-- Request n saves question n of respondent n (each list cycled); one wrk thread (run_wrk).
local tokens = {}
local questions = {}
local answers = {"yes", "partly", "no", "na", "unknown"}
local counter = 0
local threads = {}
bad = ""

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 and string.len(bad) < 2000 then
    bad = bad .. status .. " " .. string.gsub(string.sub(body, 1, 120), "[\"\n]", "'") .. "|"
  end
end

function init(args)
  for t in string.gmatch(args[1], "[^,]+") do table.insert(tokens, t) end
  for q in string.gmatch(args[2], "[^,]+") do table.insert(questions, q) end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  counter = counter + 1
  -- the saves in flight (at most one a connection) are consecutive ones, so for as many
  -- respondents: two in flight for one respondent or one answer row would wait on each
  -- other, which real respondents never do
  local token = tokens[counter % #tokens + 1]
  local q = questions[counter % #questions + 1]
  local a = answers[counter % #answers + 1]
  local body = '{"question_id":"' .. q .. '","answer":"' .. a .. '","comment":"load test"}'
  return wrk.format("POST", "/r/" .. token .. "/answers", nil, body)
end

done = function(summary, latency, requests)
  for _, t in ipairs(threads) do io.write("BAD" .. (t:get("bad") or "") .. "\n") end
  io.write(string.format("JSON{\"requests\":%d,\"duration_us\":%d,\"errors_status\":%d,\"errors_connect\":%d,\"errors_timeout\":%d,\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d}\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def seed(url: str, *, units: int, respondents: int, savers: int) -> dict[str, Any]:
    """Create the data the benchmark reads and writes; returns ids and tokens."""
    fw = get_framework("mlops-scorecard")
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        create_user(s, username="bench", password=PASSWORD, role="admin")
        org = create_unit(s, name="Org", kind="organization")
        depts = [create_unit(s, name=f"Dept {i}", kind="department", parent_id=org.id) for i in range(10)]
        team_ids = []
        for i in range(units - 11):
            team = create_unit(s, name=f"Team {i}", kind="team", parent_id=depts[i % len(depts)].id)
            team_ids.append(team.id)
        # every team has a closed assessment (results frozen) for the heatmap
        for i, tid in enumerate(team_ids):
            a = create_assessment(s, unit_id=tid, title=f"Q{i}", date=dt.date(2026, 7, 1), status="open")
            import_answer_set(
                s, assessment=a, answers=example_answers(fw, respondents=3, seed=i), source="seed"
            )
            s.flush()
            set_status(s, assessment=a, status="closed")
        big = create_assessment(s, unit_id=team_ids[0], title="Big", date=dt.date(2026, 10, 1), status="open")
        answers: AnswerSet = example_answers(fw, respondents=respondents, seed=99)
        import_answer_set(s, assessment=big, answers=answers, source="seed")
        target = create_assessment(
            s, unit_id=team_ids[1], title="Load", date=dt.date(2026, 10, 1), status="open"
        )
        tokens = [
            create_invitation(s, assessment=target, name=f"R{i}", role="ml-engineer")[1]
            for i in range(savers)
        ]
        big_id = big.id
    engine.dispose()
    questions = [q.id for _, q in fw.iter_questions("core")]
    return {"big_assessment": big_id, "tokens": tokens, "questions": questions}


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """One ``mlops-scorecard serve`` worker on 127.0.0.1:``port``, once it answers."""
    cmd = [sys.executable, "-m", "mlops_scorecard", "serve", "--port", str(port), "--database-url", url]
    return wait_until_up(subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT), port, log)


def wait_until_up(proc: subprocess.Popen[bytes], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``proc`` once it answers on ``port``; stops the benchmark if it does not in 60 s
    (several workers each import the app, slowly on a busy machine)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {log.read_text()}")


def run_wrk(
    base: str, lua: Path, duration: int, tokens: list[str], questions: list[str], *, connections: int = 50
) -> dict[str, Any]:
    """Answer saves against ``base`` for ``duration`` seconds: throughput, latency, errors,
    and the CPU time wrk itself took (the cores it shares with the servers)."""
    # One thread: it drives far more requests per second than any server here does, a
    # second would only take a core's share from the servers on a 2-core machine, and one
    # Lua counter keeps the saves in flight on distinct respondents (two counters drift
    # apart until both threads post the same rows, which then wait on each other's locks).
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(lua), base, "--"]
    cmd += [",".join(tokens), ",".join(questions)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.split("JSON", 1)[1].strip().splitlines()[0])
    bad = [x for line in out.splitlines() if line.startswith("BAD") for x in line[3:].split("|") if x]
    seconds = summary["duration_us"] / 1e6
    errors = summary["errors_status"] + summary["errors_connect"] + summary["errors_timeout"]
    return {
        "requests_per_s": round(summary["requests"] / seconds, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        "max_ms": round(summary["max_us"] / 1000, 2),
        "requests": summary["requests"],
        "errors": errors,
        "errors_status": summary["errors_status"],
        "errors_timeout": summary["errors_timeout"],
        "first_error_responses": bad[:10],
        "wrk_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
    }


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would; kill it if it does not stop in 10 s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def server_times(client: httpx.Client, path: str, runs: int) -> dict[str, float]:
    """Median, p95 and best of the Server-Timing of ``runs`` GETs (after two warm-ups)."""
    for _ in range(2):
        client.get(path).raise_for_status()
    times = []
    for _ in range(runs):
        r = client.get(path)
        r.raise_for_status()
        match = re.search(r"dur=([0-9.]+)", r.headers.get("server-timing", ""))
        assert match, "no Server-Timing header"
        times.append(float(match.group(1)))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def rss_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = {k: int(v.split()[0]) / 1024 for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(.*)$", status, re.M)}
    return {"rss_mb": round(values["VmRSS"], 1), "peak_rss_mb": round(values["VmHWM"], 1)}


def seed_saves(url: str, *, savers: int) -> dict[str, Any]:
    """An open assessment with ``savers`` invited respondents; their tokens and the questions."""
    fw = get_framework("mlops-scorecard")
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        team = create_unit(s, name="Team", kind="team")
        target = create_assessment(s, unit_id=team.id, title="Load", date=dt.date(2026, 10, 1), status="open")
        tokens = [
            create_invitation(s, assessment=target, name=f"R{i}", role="ml-engineer")[1]
            for i in range(savers)
        ]
    engine.dispose()
    return {"tokens": tokens, "questions": [q.id for _, q in fw.iter_questions("core")]}


def start_app(url: str, port: int, log: Path, workers: int) -> subprocess.Popen[bytes]:
    """``mlops-scorecard serve --workers N`` on 127.0.0.1:``port``, once it answers."""
    cmd = [sys.executable, "-m", "mlops_scorecard", "serve", "--port", str(port), "--database-url", url]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return wait_until_up(proc, port, log)


def start_peer(name: str, port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The peer ``web_peers.<name>`` under uvicorn with the options ``serve`` uses
    (``cli/serve.py``) and ``workers`` workers, once it answers."""
    cmd = [sys.executable, "-m", "uvicorn", "--factory", f"web_peers:{name}", "--app-dir", str(HERE)]
    cmd += ["--port", str(port), "--log-level", "warning", "--no-access-log", "--no-proxy-headers"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=dict(os.environ, **env))
    return wait_until_up(proc, port, log)


def warm_up(port: int, lua: Path, data: dict[str, Any]) -> None:
    """A second of load at 50 connections, not measured: every worker has started its
    threads, opened its connections, compiled its statements and loaded the framework."""
    run_wrk(f"http://127.0.0.1:{port}", lua, 1, data["tokens"], data["questions"], connections=50)


def measure(
    port: int, lua: Path, data: dict[str, Any], duration: int, connection_counts: list[int]
) -> dict[int, dict[str, Any]]:
    """The saves at each connection count against the server on ``port``, each after a
    warm-up of its own: anyio ends a thread-pool thread idle for 10 s, so a 50-connection
    run after 10 s at one connection would start with one thread, and a raw peer (a
    connection per thread) would reconnect during it where the app's pool keeps its own."""
    measured = {}
    for c in connection_counts:
        warm_up(port, lua, data)
        base = f"http://127.0.0.1:{port}"
        measured[c] = run_wrk(base, lua, duration, data["tokens"], data["questions"], connections=c)
    return measured


def ratios(app: dict[str, Any], peer: dict[str, Any]) -> dict[str, float]:
    """The app's requests/s as a share of the peer's, and its p99 as a multiple of the peer's."""
    return {
        "requests_per_s_share": round(app["requests_per_s"] / max(peer["requests_per_s"], 1e-9), 3),
        "p99_multiple": round(app["p99_ms"] / max(peer["p99_ms"], 1e-9), 2),
    }


def markdown(report: dict[str, Any]) -> str:
    """The rows as a short table, each beside its peers."""
    lines = [
        f"# Answer saves, {report['backend']} ({report['generated_at']}, {report['machine']['cores']} cores"
        f"{', quick run' if report['quick'] else ''})",
        "",
        "| workers | connections | app req/s | app p99 ms | peer | peer req/s | peer p99 ms | share of peer req/s | p99 multiple |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        app = row["app"]
        for name, peer in row["peers"].items():
            r = row["ratios"][name]
            lines.append(
                f"| {row['workers']} | {row['connections']} | {app['requests_per_s']:,.0f} | {app['p99_ms']} | "
                f"{name} | {peer['requests_per_s']:,.0f} | {peer['p99_ms']} | "
                f"{r['requests_per_s_share']:.0%} | {r['p99_multiple']}x |"
            )
    if report["backend"] == "postgresql":
        # no target: how far the app is from the database's own floor on this machine
        row = max((r for r in report["rows"] if r["connections"] == 50), key=lambda r: r["workers"])
        r = row["ratios"]["raw_postgres"]
        lines += [
            "",
            f"With {row['workers']} workers at 50 connections the app does "
            f"{r['requests_per_s_share']:.0%} of the raw psycopg peer's requests/s, p99 "
            f"{r['p99_multiple']}x the peer's (shown, not a target).",
        ]
    lines += ["", "| check | value | target | |", "|---|---|---|---|"]
    for c in report["checks"]:
        lines.append(f"| {c['name']} | {c['value']} | {c['target']} | {'ok' if c['ok'] else 'MISSED'} |")
    lines += [
        "",
        "The machine's two cores were shared with other work while this ran: compare each row "
        "with its peer (measured in the same run), not with other runs.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the save benchmarks for one backend and write the results files."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path, help="the JSON file (the .md table goes beside it)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--quick", action="store_true", help="a few seconds per backend: a sanity run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load test: apt-get install wrk")
    duration = 2 if args.quick else args.duration
    output = args.output or HERE / "results" / f"web-{args.backend}{'-quick' if args.quick else ''}.json"
    worker_counts = [1] if args.backend == "sqlite" else [1, 2]
    connection_counts = [1, 50]

    tmp = Path(tempfile.mkdtemp(prefix="msc-bench-"))
    pg = None
    if args.backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        pg = PostgresServer()
        url = pg.url
    rows: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    try:
        print(f"seeding {args.backend} ...", flush=True)
        data = seed_saves(url, savers=200)
        lua = tmp / "save.lua"
        lua.write_text(SAVE_LUA)
        port = free_port()
        if args.backend == "sqlite":
            peers, env = ["bare", "raw_sqlite"], {"RAW_SQLITE_DB": str(tmp / "raw.db")}
            prepare_raw_sqlite(tmp / "raw.db")
        else:
            conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            peers, env = ["bare", "raw_postgres"], {"RAW_POSTGRES_URL": conninfo}
            prepare_raw_postgres(conninfo)
        for workers in worker_counts:
            proc = start_app(url, port, tmp / f"server-{workers}.log", workers)
            try:
                app_rows = measure(port, lua, data, duration, connection_counts)
                if workers == 1:
                    memory = rss_mb(proc.pid)
            finally:
                stop_server(proc)
            # the peers run after the app's server has stopped, on the same cores
            measured: dict[int, dict[str, Any]] = {c: {"app": app_rows[c], "peers": {}} for c in app_rows}
            for name in peers:
                peer = start_peer(name, port, workers, env, tmp / f"peer-{name}-{workers}.log")
                try:
                    for c, result in measure(port, lua, data, duration, connection_counts).items():
                        measured[c]["peers"][name] = result
                finally:
                    stop_server(peer)
            for c in connection_counts:
                row = {"workers": workers, "connections": c, **measured[c]}
                row["ratios"] = {n: ratios(row["app"], p) for n, p in row["peers"].items()}
                rows.append(row)
                app = row["app"]
                print(
                    f"workers {workers}, {c:>2} connections: {app['requests_per_s']:>8,.0f} req/s, p99 "
                    f"{app['p99_ms']} ms, errors {app['errors']}; "
                    + "; ".join(
                        f"{n} {p['requests_per_s']:,.0f} req/s p99 {p['p99_ms']} ms"
                        for n, p in row["peers"].items()
                    ),
                    flush=True,
                )
        log_errors = {
            kind: [
                line
                for f in sorted(tmp.glob(f"{kind}-*.log"))
                for line in f.read_text().splitlines()
                if "error" in line.lower()
            ]
            for kind in ("server", "peer")
        }
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    def row_of(workers: int, connections: int) -> dict[str, Any]:
        return next(r for r in rows if r["workers"] == workers and r["connections"] == connections)

    checks: list[dict[str, Any]] = []

    def check(name: str, value: float, op: str, target: float) -> None:
        ok = value >= target if op == ">=" else value <= target
        checks.append({"name": name, "value": value, "target": f"{op} {target}", "ok": ok})
        print(f"{name:<48} {value:>10} (target {op} {target}) {'ok' if ok else 'MISSED'}")

    busiest = row_of(max(worker_counts), 50)
    if args.backend == "sqlite":
        r = row_of(1, 50)["ratios"]["raw_sqlite"]
        check("saves, 50 connections: share of raw sqlite3 req/s", r["requests_per_s_share"], ">=", 0.5)
        check("saves, 50 connections: p99 / raw sqlite3 p99", r["p99_multiple"], "<=", 2.5)
    else:
        check("saves, 2 workers, 50 connections: req/s", busiest["app"]["requests_per_s"], ">=", 1000.0)
        check("saves, 2 workers, 50 connections: p99 ms", busiest["app"]["p99_ms"], "<", 150.0)
        scale = busiest["app"]["requests_per_s"] / max(row_of(1, 50)["app"]["requests_per_s"], 1e-9)
        check("saves, 50 connections: 2 workers / 1 worker", round(scale, 2), ">=", 1.7)
    check("saves: error responses", sum(r["app"]["errors"] for r in rows), "<=", 0)
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "quick": args.quick,
        "duration_s": duration,
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": sys.platform,
            "load_average": os.getloadavg(),
        },
        "rows": rows,
        "worker_memory_after_saves": memory,
        "server_log_errors": log_errors["server"][:10],
        "peer_log_errors": log_errors["peer"][:10],
        "checks": checks,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    output.with_suffix(".md").write_text(markdown(report))
    print(f"wrote {output} and {output.with_suffix('.md').name}")
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
