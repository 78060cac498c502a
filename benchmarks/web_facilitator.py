"""Facilitator pages at 200 teams: server time of every page a facilitator or an admin
works in, and the time a browser takes to load each completely with its charts cached.

Usage: python benchmarks/web_facilitator.py --backend sqlite   (or postgresql; --quick: fewer runs)
Writes benchmarks/results/web-facilitator-<backend>.json and .md.

The demo organization (`mlops-scorecard demo --teams 200`: departments, teams with four
quarters each, a plan in progress, a draft, agreed answers in the audit trail) is served by
one `mlops-scorecard serve` worker on 127.0.0.1. Each page is read as the demo's admin:
server time from the app's Server-Timing header (median of ``--runs`` after two warm-ups),
then in Debian's Chromium (Playwright) the navigation's load event on a second visit, so
the charts come from the browser's cache after an If-None-Match revalidation (304).

Peer in the same run: a bare 1 KB Jinja page under uvicorn with the same options, whose
round trip is measured the same way; each page's round trip is given as a ratio to it.
Targets (issue 11): every page under 100 ms server time, under 1 s to load in the browser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
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

from support import PostgresServer, free_port  # noqa: E402

from mlops_scorecard.store.demo import DEMO_PASSWORD, DEMO_USER  # noqa: E402
from web import start_server, stop_server, wait_until_up  # noqa: E402
from web_pages import BARE_PAGE  # noqa: E402

SERVER_TARGET_MS = 100.0
BROWSER_TARGET_MS = 1000.0


def load_demo(url: str, teams: int) -> float:
    """The demo organization at ``teams`` teams; the seconds it took."""
    started = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "mlops_scorecard",
        "demo",
        "--database-url",
        url,
        "--reset",
        "--teams",
        str(teams),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def start_peer(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """The bare Jinja page under uvicorn, with the options ``serve`` uses."""
    (folder / "bare_page.py").write_text(BARE_PAGE)
    cmd = [sys.executable, "-m", "uvicorn", "bare_page:app", "--port", str(port), "--log-level", "warning"]
    cmd += ["--no-access-log", "--no-proxy-headers"]
    log = folder / "peer.log"
    return wait_until_up(
        subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=folder), port, log
    )


def logged_in(base: str) -> httpx.Client:
    """A client signed in as the demo's admin."""
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": DEMO_USER, "password": DEMO_PASSWORD, "csrf_token": csrf})
    if r.status_code >= 400:
        raise SystemExit(f"login as {DEMO_USER} failed: {r.status_code}")
    return client


def facilitator_pages(client: httpx.Client) -> dict[str, str]:
    """The pages to time, found by following the organization page's links."""
    org = client.get("/").text
    units = list(dict.fromkeys(re.findall(r'href="/units/(\d+)"', org)))
    pages = {"organization": "/"}
    kinds: dict[str, str] = {}
    for uid in units:
        html = client.get(f"/units/{uid}").text
        # a team's page draws its trend; a department's rolls its teams up
        kind = "team" if f"/units/{uid}/trend.svg" in html else "department"
        if kind not in kinds:
            kinds[kind] = uid
        if len(kinds) == 2:
            break
    if "department" in kinds:
        pages["department"] = f"/units/{kinds['department']}"
    team = kinds["team"]
    pages["team unit"] = f"/units/{team}"
    pages["unit settings"] = f"/units/{team}/settings"
    team_html = client.get(f"/units/{team}").text
    assessments = list(dict.fromkeys(re.findall(r'href="/assessments/(\d+)"', team_html)))
    newest = assessments[0]
    pages["assessment"] = f"/assessments/{newest}"
    pages["assessment (plan by gain)"] = f"/assessments/{newest}?plan_order=gain"
    pages["calibration meeting"] = f"/assessments/{newest}/calibration"
    pages["assessment settings"] = f"/assessments/{newest}/edit"
    pages["new assessment"] = "/assessments/new"
    pages["frameworks"] = "/frameworks"
    pages["account"] = "/account"
    pages["users (admin)"] = "/admin/users"
    pages["audit log (admin)"] = "/admin/audit"
    return pages


def server_time(client: httpx.Client, path: str, runs: int) -> dict[str, float]:
    """Server-Timing and round trip of ``runs`` GETs after two warm-ups, and the page's size."""
    for _ in range(2):
        client.get(path).raise_for_status()
    server, trip = [], []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get(path)
        trip.append((time.perf_counter() - started) * 1000)
        r.raise_for_status()
        size = len(r.content)
        found = re.search(r"dur=([0-9.]+)", r.headers.get("server-timing", ""))
        if found:
            server.append(float(found.group(1)))
    return {
        "server_median_ms": round(statistics.median(server), 2) if server else float("nan"),
        "server_max_ms": round(max(server), 2) if server else float("nan"),
        "round_trip_median_ms": round(statistics.median(trip), 2),
        "html_kb": round(size / 1024, 1),
    }


def peer_round_trip(port: int, runs: int) -> float:
    """The bare page's median round trip (ms), measured as the app's pages are."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as peer:
        for _ in range(2):
            peer.get("/page").raise_for_status()
        trips = []
        for _ in range(runs):
            started = time.perf_counter()
            peer.get("/page").raise_for_status()
            trips.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(trips), 2)


def browser_loads(base: str, pages: dict[str, str]) -> dict[str, float]:
    """Each page's load event (ms) in Chromium on a second visit, charts cached."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", DEMO_USER)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        for name, path in pages.items():
            page.goto(base + path, wait_until="load")  # first visit fills the cache
            page.goto(base + path, wait_until="load")
            took = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n.loadEventEnd - n.startTime; }"
            )
            out[name] = round(float(took), 1)
        browser.close()
    return out


def main() -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 runs a page")
    parser.add_argument("--no-browser", action="store_true", help="server times only")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    output = args.output or HERE / "results" / f"web-facilitator-{args.backend}.json"
    folder = Path(tempfile.mkdtemp(prefix="bench-facilitator-"))
    pg = None
    procs: list[subprocess.Popen[bytes]] = []
    try:
        if args.backend == "postgresql":
            pg = PostgresServer()  # started, in a folder of its own
            url = pg.url
        else:
            url = f"sqlite:///{folder / 'demo.db'}"
        loaded = load_demo(url, args.teams)
        port, peer_port = free_port(), free_port()
        procs.append(start_server(url, port, folder / "server.log"))
        procs.append(start_peer(folder, peer_port))
        base = f"http://127.0.0.1:{port}"
        client = logged_in(base)
        try:
            pages = facilitator_pages(client)
            timings = {name: server_time(client, path, runs) for name, path in pages.items()}
        finally:
            client.close()
        peer = peer_round_trip(peer_port, runs)
        loads = {} if args.no_browser else browser_loads(base, pages)
    finally:
        for proc in procs:
            stop_server(proc)
        if pg is not None:
            pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
    missed = []
    rows = []
    for name, path in pages.items():
        t = timings[name]
        t["x_peer_round_trip"] = round(t["round_trip_median_ms"] / peer, 1)
        if name in loads:
            t["browser_load_ms"] = loads[name]
        if not t["server_median_ms"] < SERVER_TARGET_MS:
            missed.append(f"{name}: server {t['server_median_ms']} ms (target < {SERVER_TARGET_MS:.0f})")
        if name in loads and not loads[name] < BROWSER_TARGET_MS:
            missed.append(f"{name}: browser load {loads[name]} ms (target < {BROWSER_TARGET_MS:.0f})")
        rows.append(
            f"| {name} | `{path}` | {t['server_median_ms']} | {t['round_trip_median_ms']} |"
            f" {t['x_peer_round_trip']}x | {t.get('browser_load_ms', '-')} | {t['html_kb']} |"
        )
    result: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "teams": args.teams,
        "runs": runs,
        "demo_load_s": round(loaded, 1),
        "peer_round_trip_ms": peer,
        "targets": {"server_ms": SERVER_TARGET_MS, "browser_load_ms": BROWSER_TARGET_MS},
        "pages": {name: {"path": pages[name], **timings[name]} for name in pages},
        "missed": missed,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    table = [
        f"# Facilitator pages, {args.backend}, demo at {args.teams} teams ({result['when']})",
        "",
        f"Bare Jinja page round trip (peer, same run): {peer} ms. Demo loaded in {result['demo_load_s']} s.",
        "",
        "| page | path | server median ms | round trip ms | x peer | browser load ms | HTML KB |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    output.with_suffix(".md").write_text("\n".join(table))
    print("\n".join(table))
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
