"""Benchmarks for the scorecard core; writes a JSON file of results.

Usage: make bench   (or: python benchmarks/run.py --output benchmarks/results/latest.json)

Each measurement is the median of several runs; cold numbers run a fresh Python
process, as a user's command would. Targets come from the issue that set them; the
file records the machine so numbers can be compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "mlops_scorecard"]


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(args: list[str], runs: int) -> float:
    """Median wall time of a command in a fresh process."""

    def once() -> None:
        subprocess.run(args, check=True, capture_output=True)

    return median_seconds(once, runs)


def peak_rss_mb(code: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent across
    # exec, so a child of this (large) benchmark process would report the parent's peak.
    wrapper = (
        code + "\nimport re\nfrom pathlib import Path\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # kB


def machine() -> dict[str, Any]:
    """What these numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
    }


def main() -> int:
    """Run every benchmark and write the results file; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from mlops_scorecard.example import example_answers
    from mlops_scorecard.framework import get_framework
    from mlops_scorecard.reports import render_report
    from mlops_scorecard.scoring import score

    fw = get_framework("mlops-scorecard")
    results: list[dict[str, Any]] = []

    def record(name: str, value: float, unit: str, target: float | None, note: str = "") -> None:
        ok = None if target is None else value <= target
        results.append(
            {"name": name, "value": round(value, 4), "unit": unit, "target": target, "ok": ok, "note": note}
        )
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(
            f"{name:<45} {value:10.4f} {unit}{'' if target is None else f'  (target {target})'}{mark}",
            flush=True,
        )

    record("cli --help (cold)", cold([*CLI, "--help"], args.runs), "s", 0.25)

    big = example_answers(fw, respondents=10_000, question_set="full")
    record(
        "score 10,000 respondents x 48 questions", median_seconds(lambda: score(fw, big), args.runs), "s", 0.5
    )

    with tempfile.TemporaryDirectory() as tmp:
        from mlops_scorecard.answers import dump_answers, load_assessment

        big_json = Path(tmp) / "big.json"
        dump_answers(big, big_json)
        record(
            "load + validate 10,000 x 48 answers file (JSON)",
            median_seconds(lambda: load_assessment(big_json), max(1, args.runs // 2)),
            "s",
            None,
            "informational: parsing and validating the file, before scoring",
        )

        small = example_answers(fw)
        record(
            "html report, both charts (in process)",
            median_seconds(lambda: render_report(fw, small, "html"), args.runs),
            "s",
            0.5,
        )
        record(
            "pdf report (in process)",
            median_seconds(lambda: render_report(fw, small, "pdf"), args.runs),
            "s",
            2.0,
        )

        answers = Path(tmp) / "answers.yaml"
        dump_answers(small, answers)
        html = Path(tmp) / "r.html"
        pdf = Path(tmp) / "r.pdf"
        record(
            "html report via CLI (cold process)",
            cold([*CLI, "report", str(answers), "-o", str(html), "--force"], args.runs),
            "s",
            None,
            "includes Python start-up and importing matplotlib",
        )
        record(
            "pdf report via CLI (cold process)",
            cold([*CLI, "report", str(answers), "-o", str(pdf), "--force"], args.runs),
            "s",
            2.0,
        )
        for fmt in ("html", "pdf"):
            code = (
                "from mlops_scorecard.cli import app\n"
                f"app(['report', {str(answers)!r}, '-o', {str(Path(tmp) / ('m.' + fmt))!r}, '--force'], standalone_mode=False)"
            )
            record(f"peak memory, {fmt} report run", peak_rss_mb(code), "MB", 250.0)

    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "runs": args.runs,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
