"""Page benchmark under load: the assessment page with 50 respondents, a team's unit page
and the organization page with 200 teams, at 1 and 50 connections, with the server's
derived results cold and cached and with the browser's copy revalidated (If-None-Match
-> 304), each beside a bare Jinja 1 KB page served by uvicorn with the same options in
the same run; plus the worker's memory.

Usage: python benchmarks/web_pages.py --backend sqlite   (or postgresql; --quick: 3 s runs)
Writes benchmarks/results/web-pages-<backend>.json. Targets: throughput at 50
connections no lower than at 1 (each page, cached), the worker's peak RSS under 200 MB.
One `mlops-scorecard serve` worker on 127.0.0.1 (wrk drives it), nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "server"))

from support import PASSWORD, PostgresServer, free_port  # noqa: E402

from web import rss_mb, seed, start_server, stop_server, wait_until_up  # noqa: E402

#: The organization, its 10 departments and 200 teams, each with a closed assessment.
UNITS = 211

BARE_PAGE = """
from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from jinja2 import DictLoader, Environment

env = Environment(loader=DictLoader({"page.html": "<!doctype html><html><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><ul>{% for r in rows %}<li>{{ r.name }}: {{ r.score }}</li>{% endfor %}</ul>"
    "</body></html>"}), autoescape=True)
templates = Jinja2Templates(env=env)
app = FastAPI()
ROWS = [{"name": f"Dimension {i}", "score": 40 + i} for i in range(30)]


@app.get("/login")
def login() -> dict[str, str]:
    return {}


@app.get("/page")
def page(request: Request):
    return templates.TemplateResponse(request, "page.html", {"title": "Bare page", "rows": ROWS})
"""

WRK_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format("JSON{\"requests\":%d,\"duration_us\":%d,\"errors\":%d,\"p50_us\":%d,\"p99_us\":%d}\n",
    summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.timeout + summary.errors.read,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk(
    base: str, path: str, connections: int, seconds: int, lua: Path, headers: dict[str, str]
) -> dict[str, Any]:
    """``path`` under ``connections`` for ``seconds``: requests/s, p50 and p99."""
    # a long timeout: a slow answer is measured as slow, not dropped as an error
    cmd = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(lua),
    ]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, base + path], capture_output=True, text=True, check=True).stdout
    s = json.loads(out.split("JSON", 1)[1].strip().splitlines()[0])
    secs = s["duration_us"] / 1e6
    return {
        "requests_per_s": round(s["requests"] / secs, 1),
        "p50_ms": round(s["p50_us"] / 1000, 1),
        "p99_ms": round(s["p99_us"] / 1000, 1),
        "errors": s["errors"],
    }


def server_ms(client: httpx.Client, path: str, runs: int = 1) -> float:
    """The median Server-Timing of ``runs`` GETs of ``path``."""
    times = []
    for _ in range(runs):
        r = client.get(path)
        r.raise_for_status()
        match = re.search(r"dur=([0-9.]+)", r.headers.get("server-timing", ""))
        assert match, "no Server-Timing header"
        times.append(float(match.group(1)))
    return statistics.median(times)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_request(
    client: httpx.Client, pid: int, path: str, runs: int, headers: dict[str, str]
) -> float:
    """The worker's CPU time per GET of ``path`` over ``runs`` sequential requests: what
    a request costs, whatever else the machine is doing (wall times are not)."""
    before = cpu_seconds(pid)
    for _ in range(runs):
        assert client.get(path, headers=headers).status_code in (200, 304)
    return round(1000 * (cpu_seconds(pid) - before) / runs, 1)


def main() -> int:
    """Run the page benchmark for one backend and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="3-second runs")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.seconds
    output = args.output or HERE / "results" / f"web-pages-{args.backend}.json"
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load test: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="msc-bench-pages-"))
    pg = PostgresServer() if args.backend == "postgresql" else None
    url = pg.url if pg is not None else f"sqlite:///{tmp / 'bench.db'}"
    lua = tmp / "report.lua"
    lua.write_text(WRK_LUA)
    proc = None
    results: dict[str, Any] = {}
    try:
        print(f"seeding {args.backend} ...", flush=True)
        # 200 teams (and the organization with its 10 departments): the row
        data = seed(url, units=UNITS, respondents=50, savers=1)
        port = free_port()
        proc = start_server(url, port, tmp / "server.log")
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            page = client.get("/login")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            r = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})
            assert r.status_code in (200, 303), r.text
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            big = data["big_assessment"]
            pages = {"assessment_page_50_respondents": f"/assessments/{big}"}
            unit_link = re.search(r'href="/units/(\d+)"', client.get(f"/assessments/{big}").text)
            assert unit_link, "no unit link on the assessment page"
            pages["unit_page"] = f"/units/{unit_link.group(1)}"
            pages["organization_page_200_teams"] = "/"
            charts = [f"/assessments/{big}/chart/radar.svg", f"/assessments/{big}/analysis/radar.svg"]
            charts.append(f"/units/{unit_link.group(1)}/analysis/trend.svg")
            # cold: the first view after a change computes and stores; then cached
            token = data["tokens"][0]
            r = client.post(
                f"/r/{token}/answers", json={"question_id": data["questions"][0], "answer": "yes"}
            )
            assert r.status_code == 200, r.text
            for name, path in pages.items():
                results[name] = {
                    "cold_server_ms": server_ms(client, path),
                    "cached_server_ms": server_ms(client, path, 9),
                }
            for path in charts:
                chart: dict[str, Any] = {
                    "cold_server_ms": server_ms(client, path),
                    "cached_server_ms": server_ms(client, path, 9),
                }
                chart["cpu_ms_per_request"] = cpu_ms_per_request(client, proc.pid, path, 10, {})
                tag = client.get(path).headers.get("etag")
                if tag:
                    chart["cpu_ms_per_request_revalidated"] = cpu_ms_per_request(
                        client, proc.pid, path, 10, {"If-None-Match": tag}
                    )
                results.setdefault("charts", {})[path] = chart
            for name, path in pages.items():
                # no tag: an older version of the service (run against it for a baseline)
                etag = client.get(path).headers.get("etag")
                runs = 10 if args.quick else 40
                results[name]["cpu_ms_per_request"] = cpu_ms_per_request(client, proc.pid, path, runs, {})
                if etag:
                    results[name]["cpu_ms_per_request_revalidated"] = cpu_ms_per_request(
                        client, proc.pid, path, runs, {"If-None-Match": etag}
                    )
                for connections in (1, 50):
                    results[name][f"cached_{connections}_connections"] = wrk(
                        base, path, connections, seconds, lua, {"Cookie": cookie}
                    )
                if etag:
                    results[name]["revalidated_50_connections"] = wrk(
                        base, path, 50, seconds, lua, {"Cookie": cookie, "If-None-Match": etag}
                    )
                print(name, json.dumps(results[name]), flush=True)
        results["worker_memory"] = rss_mb(proc.pid)
        stop_server(proc)
        proc = None
        (tmp / "bare_page.py").write_text(BARE_PAGE)
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "bare_page:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        cmd += ["--no-access-log", "--no-proxy-headers"]
        bare = subprocess.Popen(cmd, stdout=(tmp / "bare.log").open("wb"), stderr=subprocess.STDOUT, cwd=tmp)
        wait_until_up(bare, port, tmp / "bare.log")
        try:
            results["peer_bare_jinja_page"] = {
                f"{c}_connections": wrk(f"http://127.0.0.1:{port}", "/page", c, seconds, lua, {})
                for c in (1, 50)
            }
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as peer:
                results["peer_bare_jinja_page"]["cpu_ms_per_request"] = cpu_ms_per_request(
                    peer, bare.pid, "/page", 400, {}
                )
        finally:
            stop_server(bare)
    finally:
        if proc is not None:
            stop_server(proc)
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    checks = []
    peer = results["peer_bare_jinja_page"]["50_connections"]["requests_per_s"]
    for name in ("assessment_page_50_respondents", "unit_page", "organization_page_200_teams"):
        one = results[name]["cached_1_connections"]["requests_per_s"]
        fifty = results[name]["cached_50_connections"]["requests_per_s"]
        results[name]["x_peer_50_connections"] = round(peer / max(fifty, 1e-9), 1)
        checks.append(
            {
                "name": f"{name}_holds_under_load",
                "field": "requests_per_s",
                "value": fifty,
                "target": f">= {one} (1 connection)",
                "ok": fifty >= 0.95 * one,
            }
        )
    peak = results["worker_memory"]["peak_rss_mb"]
    checks.append(
        {
            "name": "worker_memory",
            "field": "peak_rss_mb",
            "value": peak,
            "target": "<= 200",
            "ok": peak <= 200,
        }
    )
    for c in checks:
        print(f"{c['name']:<48} {c['value']:>10} (target {c['target']}) {'ok' if c['ok'] else 'MISSED'}")
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "setup": {"units": UNITS, "respondents": 50, "seconds": seconds},
        "results": results,
        "checks": checks,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output}")
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
