"""Benchmark of the analysis of one large assessment; writes a JSON file of results.

Usage: python benchmarks/analysis.py [--output benchmarks/results/analysis.json] [--runs 5]

One assessment, 10,000 respondents x 48 questions (the full question set). Each number
is the median of ``--runs`` runs after one warm-up run, in one process:

- "full analysis" is what the issue names: scores, Krippendorff's alpha (overall and per
  dimension), intervals, hotspots and the improvement
  plan; its target is 1 s on a 2-core machine;
- "analyze() + plan" adds the scores by role (each role's and each group's rows of the
  one score matrix) and the warnings: everything ``mlops-scorecard analyze`` computes;
- the parts, for finding where the time goes.

The file records the machine (CPU, cores, load average) so numbers can be compared; on
a shared machine the load average says how much of it the benchmark had, and the
minimum of the runs is kept beside the median.
Exit code 1 when the full analysis misses its target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import measure
from measure import median_seconds

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 1.0


def machine() -> dict[str, Any]:
    """What these numbers were measured on, with numpy's version and BLAS core type."""
    import numpy as np

    return {
        **measure.machine(),
        "numpy": np.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }


def main() -> int:
    """Run the benchmark and write the results file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "analysis.json")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--respondents", type=int, default=10_000)
    args = parser.parse_args()
    info = machine()

    from mlops_scorecard.analysis import analyze
    from mlops_scorecard.analysis.agreement import matrix_agreement
    from mlops_scorecard.analysis.hotspots import matrix_hotspots
    from mlops_scorecard.analysis.roles import matrix_roles, role_breakdown
    from mlops_scorecard.analysis.uncertainty import matrix_intervals
    from mlops_scorecard.example import example_answers
    from mlops_scorecard.framework import get_framework
    from mlops_scorecard.matrix import ScoreMatrix
    from mlops_scorecard.planning import build_plan
    from mlops_scorecard.scoring import score, score_matrix

    fw = get_framework("mlops-scorecard")
    answers = example_answers(fw, respondents=args.respondents, question_set="full")
    questions = sum(1 for _ in fw.iter_questions("full"))

    def full_analysis() -> object:
        m = ScoreMatrix.build(fw, answers)
        result = score_matrix(m)
        return (
            matrix_agreement(m),
            matrix_intervals(m),
            matrix_hotspots(m),
            build_plan(result),
        )

    def everything() -> object:
        a = analyze(fw, answers)
        return build_plan(a.result)

    result = score(fw, answers)
    m = ScoreMatrix.build(fw, answers)
    cases: list[tuple[str, Callable[[], object], float | None]] = [
        (
            "full analysis: scores, alpha, intervals, hotspots, plan",
            full_analysis,
            TARGET_SECONDS,
        ),
        ("analyze() + plan (adds scores by role and warnings)", everything, None),
        ("part: score()", lambda: score(fw, answers), None),
        ("part: score matrix (codes, values, categories)", lambda: ScoreMatrix.build(fw, answers), None),
        ("part: Krippendorff's alpha, overall and 6 dimensions", lambda: matrix_agreement(m), None),
        ("part: intervals (small-sample t)", lambda: matrix_intervals(m), None),
        ("part: hotspots with comments", lambda: matrix_hotspots(m), None),
        ("part: scores by role (from answers, as role_breakdown)", lambda: role_breakdown(fw, answers), None),
        ("part: scores by role on the built matrix (as analyze)", lambda: matrix_roles(m), None),
        ("part: plan", lambda: build_plan(result), None),
    ]
    # Baseline in the same run: json.loads of the same answers as JSON text, the least a
    # tool must do to read them; every figure is also given as a ratio to it.
    text = json.dumps(answers.to_data())
    baseline, _ = median_seconds(lambda: json.loads(text), args.runs)
    print(f"{'baseline: json.loads of the answers (' + f'{len(text) / 1e6:.1f} MB)':<75} {baseline:8.4f} s")
    results = []
    for name, fn, target in cases:
        median, times = median_seconds(fn, args.runs)
        ok = None if target is None else median <= target
        results.append(
            {
                "name": name,
                "median_s": round(median, 4),
                "min_s": round(min(times), 4),
                "runs_s": [round(t, 4) for t in times],
                "target_s": target,
                "ok": ok,
                "x_baseline": round(median / baseline, 2),
            }
        )
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(
            f"{name:<75} {median:8.4f} s (min {min(times):.4f}, {median / baseline:5.2f}x baseline)"
            f"{'' if target is None else f'  (target {target} s)'}{mark}",
            flush=True,
        )

    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "assessment": {"respondents": args.respondents, "questions": questions},
        "runs": args.runs,
        "baseline": {"name": "json.loads of the answers as JSON text", "median_s": round(baseline, 4)},
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
