"""Benchmark of importing the largest real AWS custom lens; writes a JSON file of results.

Usage: python benchmarks/lens_import.py [--output benchmarks/results/lens_import.json] [--runs 20]

The lens is the largest of ``tests/data/lenses/`` (the Amazon S3 lens, 209 KB, the
largest published). Each figure is the median of ``--runs`` runs after one warm-up run,
in one process, beside the baseline measured in the same run: ``json.load`` of the same
file, the least any importer must do.

- "lens_to_framework": reading the file, converting the lens, parsing every risk rule
  and validating the framework; target 0.5 s (the issue's);
- "lens_to_framework + YAML": that and writing the framework file's text, all that
  ``frameworks import-lens`` does after start-up; target 0.5 s.

Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import measure
from measure import median_seconds

HERE = Path(__file__).resolve().parent
LENSES = HERE.parent / "tests" / "data" / "lenses"
TARGET_SECONDS = 0.5


def main() -> int:
    """Run the benchmark and write the results file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "lens_import.json")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from mlops_scorecard.framework.lens import framework_yaml, lens_to_framework

    lens = max(LENSES.glob("*.json"), key=lambda p: p.stat().st_size)
    size_kb = lens.stat().st_size / 1000
    results = measure.Results(args.runs)

    def baseline() -> object:
        with lens.open("rb") as fh:
            return json.load(fh)

    def convert() -> object:
        return lens_to_framework(lens.read_bytes(), source=lens.name)

    def convert_and_write() -> object:
        return framework_yaml(lens_to_framework(lens.read_bytes(), source=lens.name).data)

    base, _ = median_seconds(baseline, args.runs)
    results.baseline(f"json.load of {lens.name} ({size_kb:.0f} KB)", base, "s")
    name = f"json.load of {lens.name} ({size_kb:.0f} KB)"
    for label, fn in (
        ("lens_to_framework", convert),
        ("lens_to_framework + YAML (what import-lens does)", convert_and_write),
    ):
        median, _ = median_seconds(fn, args.runs)
        results.figure(
            f"{label}, {lens.name} ({size_kb:.0f} KB)", median, "s", baseline=name, target=TARGET_SECONDS
        )
    imported = lens_to_framework(lens.read_bytes(), source=lens.name)
    return results.write(
        args.output, lens={"file": lens.name, "kb": round(size_kb, 1), "summary": imported.summary()}
    )


if __name__ == "__main__":
    sys.exit(main())
