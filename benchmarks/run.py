"""In-process benchmarks of the scorecard core; writes a JSON file of results.

Usage: python benchmarks/run.py [--output benchmarks/results/latest.json] [--runs 5]

Each figure is the median of ``--runs`` runs after one warm-up run, in this process,
beside a baseline of the same run:

- ``json.loads`` of the same answers as JSON text, for scoring and for loading an
  answers file of 10,000 respondents x 48 questions;
- a bare matplotlib polar plot written as SVG (matplotlib already imported), for the
  HTML and PDF reports of the 4-respondent sample.

Whole commands in fresh processes (start-up, imports, peak memory) are in ``cold.py``.
Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Literal

from measure import POLAR_PLOT, RESULTS, Results, median_seconds

#: Targets from the issues that set them, in seconds on a 2-core machine.
SCORE_SECONDS = 0.5
HTML_SECONDS = 0.5
PDF_SECONDS = 2.0


def main() -> int:
    """Run every benchmark and write the results file; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = Results(args.runs)

    from mlops_scorecard.answers import dump_answers, load_assessment
    from mlops_scorecard.example import example_answers
    from mlops_scorecard.framework import get_framework
    from mlops_scorecard.reports import render_report
    from mlops_scorecard.scoring import score

    fw = get_framework("mlops-scorecard")
    big = example_answers(fw, respondents=10_000, question_set="full")
    text = json.dumps(big.to_data())
    loads = "json.loads of the 10,000 x 48 answers"
    out.baseline(loads, median_seconds(lambda: json.loads(text), args.runs)[0], "s")
    out.figure(
        "score 10,000 respondents x 48 questions",
        median_seconds(lambda: score(fw, big), args.runs)[0],
        "s",
        baseline=loads,
        target=SCORE_SECONDS,
    )
    with tempfile.TemporaryDirectory() as tmp:
        big_json = Path(tmp) / "big.json"
        dump_answers(big, big_json)
        out.figure(
            "load + validate the 10,000 x 48 answers file (JSON)",
            median_seconds(lambda: load_assessment(big_json), max(1, args.runs // 2))[0],
            "s",
            baseline=loads,
            note="parsing and validating the file, before scoring; cold.py has the whole command",
        )

    polar = "bare matplotlib polar plot (SVG)"
    plot = compile(POLAR_PLOT + "plt.close(fig)\n", "<polar plot>", "exec")
    out.baseline(polar, median_seconds(lambda: exec(plot, {}), args.runs)[0], "s")
    small = example_answers(fw)
    formats: tuple[tuple[Literal["html", "pdf"], float], ...] = (("html", HTML_SECONDS), ("pdf", PDF_SECONDS))
    for fmt, target in formats:
        out.figure(
            f"{fmt} report, both charts (4 respondents)",
            median_seconds(partial(render_report, fw, small, fmt), args.runs)[0],
            "s",
            baseline=polar,
            target=target,
        )
    return out.write(args.output)


if __name__ == "__main__":
    sys.exit(main())
