"""Web service benchmarks: answer saves under load, page server times, worker memory.

Usage: make bench-web   (or: python benchmarks/web.py --backend sqlite --output benchmarks/results/web-sqlite.json)

One `mlops-scorecard serve` worker runs on 127.0.0.1 against a fresh database (a SQLite
file, or a PostgreSQL cluster started in a temporary folder). Answer saves are driven by
wrk (Debian package `wrk`) with 50 connections, each posting answers of its own
respondent; page times are read from the app's Server-Timing header. Only loopback
addresses are used.

Baseline in the same run: a bare FastAPI endpoint taking the same request body (one
pydantic model, no database), served by uvicorn with the same options under the same
wrk load; the saves are also given as a ratio to it (``x_baseline``: how many times
the bare endpoint's requests/s, and its p99 latency).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
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

SAVE_LUA = r"""
-- Each connection posts answers for its own respondent, cycling through the questions.
local tokens = {}
local questions = {}
local answers = {"yes", "partly", "no", "na", "unknown"}
local counter = 0
local id = 0
local threads = {}
bad = ""

function setup(thread)
  id = id + 1
  thread:set("tid", id)
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
  local token = tokens[((tid - 1) * 1000 + counter) % #tokens + 1]
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


BARE_APP = """
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Answer(BaseModel):
    question_id: str
    answer: str
    comment: str = ""


@app.get("/login")
def login() -> dict[str, str]:
    return {}


@app.post("/r/{token}/answers")
def save(token: str, body: Answer) -> dict[str, str]:
    return {"question_id": body.question_id, "answer": body.answer}
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


def start_bare_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """The bare FastAPI endpoint under uvicorn, with the options ``serve`` uses."""
    (folder / "bare_app.py").write_text(BARE_APP)
    cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level", "warning"]
    cmd += ["--no-access-log", "--no-proxy-headers"]
    log = folder / "bare.log"
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=folder)
    return wait_until_up(proc, port, log)


def wait_until_up(proc: subprocess.Popen[bytes], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``proc`` once it answers on ``port``; stops the benchmark if it does not in 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {log.read_text()}")


def run_wrk(base: str, lua: Path, duration: int, tokens: list[str], questions: list[str]) -> dict[str, Any]:
    """Answer saves against ``base`` for ``duration`` seconds: throughput, latency, errors."""
    cmd = ["wrk", "-t2", "-c50", f"-d{duration}s", "--latency", "-s", str(lua), base, "--"]
    cmd += [",".join(tokens), ",".join(questions)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
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


def main() -> int:
    """Run the web benchmarks for one backend and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load for the save benchmark")
    args = parser.parse_args()
    output = args.output or HERE / "results" / f"web-{args.backend}.json"
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load test: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="msc-bench-"))
    pg = None
    if args.backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        pg = PostgresServer()
        url = pg.url
    proc = None
    try:
        print(f"seeding {args.backend} ...", flush=True)
        data = seed(url, units=200, respondents=50, savers=200)
        port = free_port()
        proc = start_server(url, port, tmp / "server.log")
        base = f"http://127.0.0.1:{port}"
        results: dict[str, Any] = {}
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/login")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            r = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})
            assert r.status_code in (200, 303), r.text
            results["assessment_page_50_respondents"] = server_times(
                client, f"/assessments/{data['big_assessment']}", 30
            )
            results["organization_page_200_units"] = server_times(client, "/", 30)
        print(json.dumps(results), flush=True)

        lua = tmp / "save.lua"
        lua.write_text(SAVE_LUA)
        results["save_answers_50_connections"] = saves = run_wrk(
            base, lua, args.duration, data["tokens"], data["questions"]
        )
        results["worker_memory"] = rss_mb(proc.pid)
        stop_server(proc)  # the log is complete once it has stopped
        warnings = [line for line in (tmp / "server.log").read_text().splitlines() if "error" in line.lower()]
        saves["server_log_errors"] = warnings[:10]

        # the baseline runs after the app's server has stopped, on the same cores
        bare = start_bare_server(tmp, port)
        try:
            results["baseline_bare_fastapi_endpoint"] = baseline = run_wrk(
                f"http://127.0.0.1:{port}", lua, args.duration, data["tokens"], data["questions"]
            )
        finally:
            stop_server(bare)
        saves["x_baseline"] = {
            "requests_per_s": round(baseline["requests_per_s"] / max(saves["requests_per_s"], 1e-9), 2),
            "p99_ms": round(saves["p99_ms"] / max(baseline["p99_ms"], 1e-9), 2),
        }
        print(
            f"baseline: bare FastAPI endpoint {baseline['requests_per_s']} requests/s, p99 "
            f"{baseline['p99_ms']} ms; saves: {saves['x_baseline']['requests_per_s']}x fewer requests/s, "
            f"{saves['x_baseline']['p99_ms']}x the p99",
            flush=True,
        )
    finally:
        if proc is not None:
            stop_server(proc)
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    targets = {
        "save_answers_50_connections": ("requests_per_s", ">=", 500.0),
        "save_answers_p99": ("p99_ms", "<=", 100.0),
        "assessment_page_50_respondents": ("median_ms", "<=", 50.0),
        "organization_page_200_units": ("median_ms", "<=", 200.0),
        "worker_memory": ("peak_rss_mb", "<=", 200.0),
        "save_answers_errors": ("errors", "<=", 0),
    }
    checks = []
    for name, (field, op, target) in targets.items():
        section = (
            results["save_answers_50_connections"] if name.startswith("save_answers_") else results[name]
        )
        value = section[field]
        ok = value >= target if op == ">=" else value <= target
        checks.append({"name": name, "field": field, "value": value, "target": f"{op} {target}", "ok": ok})
        print(f"{name:<34} {field:<15} {value:>10} (target {op} {target}) {'ok' if ok else 'MISSED'}")
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "results": results,
        "checks": checks,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output}")
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
