"""Benchmark of the survey import: a generated Google Forms CSV of 2,000 respondents x 48
questions (the full question set) read into an answer set; writes a JSON file of results
and a text summary.

Usage: python benchmarks/survey_import.py [--output benchmarks/results/survey_import.json] [--runs 5]

Each figure is the median of ``--runs`` runs after one warm-up run, in one process,
beside the baseline measured in the same run: ``csv.reader`` over the same bytes
(decoded, every row read), the least any CSV importer does. Also measured, without
targets: the same responses as a Microsoft Forms workbook (openpyxl, read-only), and the
answers written back as CSV. Exit code 1 when the CSV import misses its target (1 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

import measure
from measure import median_seconds

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 1.0
LABELS = ["Yes", "Partly", "No", "Not applicable", "Don't know", ""]


def google_forms_csv(texts: list[str], respondents: int, seed: int = 7) -> bytes:
    """A Forms download: Timestamp, Email Address, one column per question, all quoted."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Timestamp", "Email Address", *texts])
    for i in range(respondents):
        when = f"2026/11/{1 + i % 28:02d} {1 + i % 12}:{i % 60:02d}:{(7 * i) % 60:02d} PM GMT+1"
        writer.writerow([when, f"person{i}@example.com", *(rng.choice(LABELS) for _ in texts)])
    return out.getvalue().encode("utf-8")


def workbook(data: bytes) -> bytes:
    """The same rows as a Microsoft Forms workbook."""
    import openpyxl

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", *rows[0][2:]])
    for i, row in enumerate(rows[1:], start=1):
        ws.append([i, row[0], row[0], row[1], "", *row[2:]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> int:
    """Run the benchmark and write the results files."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "survey_import.json")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--respondents", type=int, default=2000)
    args = parser.parse_args()

    from mlops_scorecard.answers.csv_io import answers_to_csv
    from mlops_scorecard.answers.survey_import import import_survey
    from mlops_scorecard.framework import get_framework

    fw = get_framework("mlops-scorecard")
    texts = [q.text for _, q in fw.iter_questions("full")]
    data = google_forms_csv(texts, args.respondents)
    xlsx = workbook(data)
    results = measure.Results(args.runs)

    def read_csv() -> object:
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    def import_csv() -> object:
        return import_survey(data, source="responses.csv", framework=fw, question_set="full")

    def import_xlsx() -> object:
        return import_survey(xlsx, source="responses.xlsx", framework=fw, question_set="full")

    answers = import_survey(data, source="responses.csv", framework=fw, question_set="full")
    assert len(answers.respondents) == args.respondents

    size = f"{args.respondents:,} rows x {len(texts)} questions, {len(data) / 1e6:.1f} MB"
    baseline, _ = median_seconds(read_csv, args.runs)
    results.baseline(f"csv.reader over the same CSV ({size})", baseline, "s")
    base = next(iter(results.baselines))
    median, _ = median_seconds(import_csv, args.runs)
    results.figure(
        "import_survey: Google Forms CSV to an AnswerSet", median, "s", baseline=base, target=TARGET_SECONDS
    )
    median, _ = median_seconds(import_xlsx, max(1, args.runs // 2))
    results.figure(
        f"import_survey: the same as a Microsoft Forms XLSX ({len(xlsx) / 1e6:.1f} MB)",
        median,
        "s",
        baseline=base,
    )
    median, _ = median_seconds(lambda: answers_to_csv(answers, fw), args.runs)
    results.figure("answers_to_csv: the AnswerSet back to CSV", median, "s", baseline=base)

    code = results.write(
        args.output, survey={"respondents": args.respondents, "questions": len(texts), "bytes": len(data)}
    )
    lines = [f"survey import benchmark ({size}); median of {args.runs} runs"]
    lines.append(
        f"machine: {results.machine['cpu']}, {results.machine['cores']} cores, load {results.machine['load_average_before']}"
    )
    for name, value in results.baselines.items():
        lines.append(f"baseline: {name}: {value:.4f} s")
    for f in results.figures:
        mark = "" if f["ok"] is None else ("  ok" if f["ok"] else "  MISSED")
        target = "" if f["target"] is None else f" (target {f['target']:g} s)"
        lines.append(f"{f['name']}: {f['value']:.4f} s, {f['x_baseline']:.2f}x baseline{target}{mark}")
    text_path = args.output.with_suffix(".txt")
    text_path.write_text("\n".join(lines) + "\n")
    print(f"wrote {text_path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
