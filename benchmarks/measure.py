"""What the benchmark scripts share: timing, fresh processes, the machine, the results file.

Every figure is written beside a baseline measured in the same run (``x_baseline``), so
that a busy or a slow machine moves both and the ratio still says what the code costs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: A bare matplotlib polar plot written as SVG: what drawing a radar chart with
#: matplotlib costs at the least (start-up, import, one figure).
POLAR_PLOT = (
    "import io, matplotlib\n"
    "matplotlib.use('Agg')\n"
    "import matplotlib.pyplot as plt\n"
    "fig = plt.figure(figsize=(6, 6))\n"
    "ax = fig.add_subplot(projection='polar')\n"
    "ax.plot([0, 1, 2, 3, 4, 5, 0], [60, 40, 80, 30, 50, 70, 60])\n"
    "fig.savefig(io.BytesIO(), format='svg')\n"
)


def median_seconds(fn: Callable[[], object], runs: int, *, warm_up: bool = True) -> tuple[float, list[float]]:
    """Median wall time of ``runs`` calls (after one warm-up call), and every time."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


class CommandFailed(RuntimeError):
    """A benchmarked command exited non-zero; the message is the end of its stderr."""


@dataclass
class Process:
    """Median wall time and peak memory of a command, each run in a fresh process."""

    seconds: float
    peak_mb: float
    runs_s: list[float] = field(default_factory=list)


def fresh_process(
    args: Sequence[str], runs: int, *, cwd: Path | None = None, warm_up: bool = True
) -> Process:
    """Run ``args`` ``runs`` times as a new process (after one warm-up run, unless not).

    Peak memory is GNU time's maximum resident set size of the child: ``time`` is a
    small process, so what its child inherits at fork does not count, unlike the
    ``ru_maxrss`` a child of this (large) benchmark process would report.
    """
    gnu_time = shutil.which("time", path="/usr/bin:/bin") or ""
    if not gnu_time:
        raise SystemExit("benchmarks need GNU time for peak memory: apt-get install time")
    times: list[float] = []
    peaks: list[float] = []
    # As users run it: with bytecode caches (the warm-up run writes them). Some CI and
    # container images set PYTHONDONTWRITEBYTECODE, which would add compiling every
    # module from source (about 0.1 s for this package) to every cold run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "rss"
        for i in range(-1 if warm_up else 0, runs):
            start = time.perf_counter()
            proc = subprocess.run(
                [gnu_time, "-f", "%M", "-o", str(stats), *args],
                capture_output=True,
                cwd=cwd,
                env=env,
                check=False,
            )
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise CommandFailed(proc.stderr.decode(errors="replace").strip()[-300:])
            if i >= 0:  # the warm-up run fills the file cache
                times.append(elapsed)
                peaks.append(int(stats.read_text().split()[-1]) / 1024)  # kB
    return Process(statistics.median(times), statistics.median(peaks), times)


def python(code: str) -> list[str]:
    """A fresh interpreter running ``code``."""
    return [sys.executable, "-c", code]


def machine() -> dict[str, Any]:
    """What these numbers were measured on, with the load average before the run."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_before": load,
    }


class Results:
    """The figures of one script, printed as they come and written as one JSON file."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.machine = machine()
        self.baselines: dict[str, float] = {}
        self.figures: list[dict[str, Any]] = []

    def baseline(self, name: str, value: float, unit: str) -> float:
        """Record a baseline figure; later figures are given as a ratio to one of them."""
        self.baselines[name] = value
        print(f"baseline: {name:<66} {value:10.4f} {unit}", flush=True)
        return value

    def figure(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        baseline: str | None = None,
        target_x: float | None = None,
        target: float | None = None,
        note: str = "",
    ) -> dict[str, Any]:
        """Record a figure, its ratio to ``baseline`` and whether it meets its target.

        ``target_x`` is a most for the ratio, ``target`` a most for the value itself.
        """
        ratio = None if baseline is None else value / self.baselines[baseline]
        ok: bool | None = None
        if target_x is not None and ratio is not None:
            ok = ratio <= target_x
        if target is not None:
            ok = (ok is not False) and value <= target
        entry = {
            "name": name,
            "value": round(value, 6),
            "unit": unit,
            "baseline": baseline,
            "x_baseline": None if ratio is None else round(ratio, 2),
            "target_x": target_x,
            "target": target,
            "ok": ok,
            "note": note,
        }
        self.figures.append(entry)
        shown = f"{name:<76} {value:10.4f} {unit}"
        if ratio is not None:
            shown += f"  {ratio:6.2f}x {baseline}"
        if target_x is not None:
            shown += f" (target {target_x:g}x)"
        if target is not None:
            shown += f" (target {target:g} {unit})"
        if ok is not None:
            shown += "  ok" if ok else "  MISSED"
        print(shown, flush=True)
        return entry

    def failed(self, name: str, error: str) -> None:
        """Record a figure whose command failed: a missed target, with the error."""
        self.figures.append({"name": name, "value": None, "ok": False, "note": f"failed: {error}"})
        print(f"{name:<76} FAILED: {error}", flush=True)

    def missed(self) -> list[str]:
        """The names of the figures that missed their target."""
        return [f["name"] for f in self.figures if f["ok"] is False]

    def write(self, path: Path, **extra: Any) -> int:
        """Write the results file; 1 (the exit code) when a target was missed, else 0."""
        report = {
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": self.machine,
            "runs": self.runs,
            **extra,
            "baselines": {k: round(v, 6) for k, v in self.baselines.items()},
            "results": self.figures,
            "missed": self.missed(),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {path}")
        for name in self.missed():
            print(f"MISSED: {name}")
        return 1 if self.missed() else 0
