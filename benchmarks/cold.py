"""Whole-process benchmarks: what a user waits for when running a command, and its memory.

Usage: python benchmarks/cold.py [--output benchmarks/results/cold.json] [--runs 5]
       [--sizes 10000,50000,100000]

Each command runs in a fresh process, as a user's would (the median of ``--runs``
runs; time is wall time, memory the child's peak resident set from GNU time), beside a
baseline measured in the same run:

- ``python -c pass``: interpreter start-up, for ``--help`` and the cold reports
  (targets: ``--help`` within 10x, HTML report within 25x, PDF report within 60x; a
  report's peak memory under 250 MB);
- a bare matplotlib polar plot written as SVG: what a radar chart drawn with matplotlib
  costs at the least (shown beside the reports, no target);
- a process that only runs ``json.load`` on the same answers file, for ``score`` on
  10,000, 50,000 and 100,000 respondents x 48 questions (targets: time within 4x, peak
  memory within 2.5x, at every size); the time per respondent at 50,000 and 100,000
  within 1.5x of that at 10,000 (linear in the number of respondents).

Exit code 1 when a target is missed (the results file lists which).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import POLAR_PLOT, RESULTS, CommandFailed, Results, fresh_process, python

#: Targets from issue 8, as ratios to the baselines of the same run.
SCORE_TIME_X = 4.0
SCORE_MEMORY_X = 2.5
LINEAR_X = 1.5
HTML_X = 25.0
PDF_X = 60.0
HELP_X = 10.0
REPORT_MB = 250.0


def cli() -> list[str]:
    """The installed ``mlops-scorecard`` command (what a user runs), else ``python -m``."""
    script = Path(sys.executable).parent / "mlops-scorecard"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mlops_scorecard"]


def write_answers(folder: Path, sizes: list[int]) -> dict[int, Path]:
    """JSON answers files of ``sizes`` respondents x 48 questions, as ``dump_answers`` writes them.

    The sample's 10,000 respondents are repeated under new names for larger files, which
    keeps building a 100,000-respondent file from taking longer than scoring it.
    """
    from mlops_scorecard.example import example_answers
    from mlops_scorecard.framework import get_framework

    base = example_answers(
        get_framework("mlops-scorecard"), respondents=10_000, question_set="full"
    ).to_data()
    people = base["respondents"]
    files = {}
    for size in sizes:
        respondents = []
        for i in range(size):
            person = people[i % len(people)]
            copy, name = divmod(i, len(people))[0], person.get("name")
            respondents.append({**person, "name": f"{name} (copy {copy})" if copy and name else name})
        path = folder / f"answers-{size}.json"
        path.write_text(json.dumps({**base, "respondents": respondents}, indent=2, ensure_ascii=False))
        files[size] = path
    return files


def main() -> int:
    """Run every figure, write the results file; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "cold.json")
    parser.add_argument("--runs", type=int, default=5, help="runs of each short command")
    parser.add_argument("--score-runs", type=int, default=3, help="runs of each score command")
    parser.add_argument("--sizes", default="10000,50000,100000", help="respondents per answers file")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    out = Results(args.runs)
    command = cli()

    # a short process is the one a busy machine slows most: more runs steady its median
    start_up = fresh_process(python("pass"), max(20, 4 * args.runs))
    out.baseline("python -c pass", start_up.seconds, "s")
    out.baseline("python -c pass, peak memory", start_up.peak_mb, "MB")
    polar = fresh_process(python(POLAR_PLOT), args.runs)
    out.baseline("bare matplotlib polar plot (SVG)", polar.seconds, "s")

    out.figure(
        "mlops-scorecard --help",
        fresh_process([*command, "--help"], args.runs).seconds,
        "s",
        baseline="python -c pass",
        target_x=HELP_X,
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = folder / "answers.yaml"
        subprocess.run([*command, "example", "-o", str(small)], check=True, capture_output=True)
        for fmt, target_x in (("html", HTML_X), ("pdf", PDF_X)):
            name = f"report --format {fmt} (4 respondents)"
            try:
                report = fresh_process(
                    [*command, "report", str(small), "-o", str(folder / f"report.{fmt}"), "--force"],
                    args.runs,
                )
            except CommandFailed as exc:
                out.failed(name, str(exc))
                continue
            out.figure(name, report.seconds, "s", baseline="python -c pass", target_x=target_x)
            out.figure(
                f"{name} beside the polar plot",
                report.seconds,
                "s",
                baseline="bare matplotlib polar plot (SVG)",
            )
            out.figure(
                f"{name}, peak memory",
                report.peak_mb,
                "MB",
                baseline="python -c pass, peak memory",
                target=REPORT_MB,
            )

        files = write_answers(folder, sizes)
        per_respondent: dict[int, float] = {}
        for size, path in files.items():
            label = f"{size:,} x 48 answers ({path.stat().st_size / 1e6:.0f} MB JSON)"
            # json.load runs first and warms the file cache for score
            loaded = fresh_process(
                python(f"import json\njson.load(open({str(path)!r}, 'rb'))"), args.score_runs
            )
            out.baseline(f"json.load, {label}", loaded.seconds, "s")
            out.baseline(f"json.load, {label}, peak memory", loaded.peak_mb, "MB")
            try:
                scored = fresh_process([*command, "score", str(path)], args.score_runs, warm_up=False)
            except CommandFailed as exc:
                out.failed(f"score, {label}", str(exc))
                continue
            out.figure(
                f"score, {label}", scored.seconds, "s", baseline=f"json.load, {label}", target_x=SCORE_TIME_X
            )
            out.figure(
                f"score, {label}, peak memory",
                scored.peak_mb,
                "MB",
                baseline=f"json.load, {label}, peak memory",
                target_x=SCORE_MEMORY_X,
            )
            per_respondent[size] = scored.seconds / size * 1e6
        first = sizes[0]
        if first in per_respondent:
            out.baseline(f"score, time per respondent at {first:,}", per_respondent[first], "us")
        for size in sizes[1:]:
            if size not in per_respondent or first not in per_respondent:
                out.failed(f"score, time per respondent at {size:,}", "a score command above failed")
                continue
            out.figure(
                f"score, time per respondent at {size:,}",
                per_respondent[size],
                "us",
                baseline=f"score, time per respondent at {first:,}",
                target_x=LINEAR_X,
            )

    return out.write(args.output, sizes=sizes, score_runs=args.score_runs)


if __name__ == "__main__":
    sys.exit(main())
