"""How often ``scan`` is right: its findings on real repositories beside hand labels.

Usage: python benchmarks/scan_accuracy.py [REPOS_FOLDER] [--labels benchmarks/evidence_labels.yaml]
       [--output benchmarks/results/scan_accuracy.json]

``benchmarks/evidence_labels.yaml`` says, for each of a dozen public ML repositories
and each of the twenty practices, whether a careful reader finds the practice there
(decided by reading the repository, before looking at the scanner's output). For every
labelled repository checked out under ``REPOS_FOLDER`` (default ``/work/eval-repos``,
as ``<folder>/<name>``), this scans it and counts a practice as predicted when its
status is ``found`` (``inconclusive`` is not a prediction: the scanner did not claim
it). For the negative ``large-artifacts-committed`` the same holds: found means
"artifacts are committed", which is what its label says.

A label may carry a ``review``: the judgement of a disagreement once the scanner's
evidence was read (is the label wrong, or the scanner?), shown beside it.

It writes, beside the JSON, a Markdown file (same name, ``.md``) with per-practice
precision and recall, the totals, and every disagreement with the scanner's evidence
and the label's reason, so each can be judged: is the label wrong or the scanner?

Targets (issue 9): precision >= 0.95 and recall >= 0.9 over all practices. Exit code 1
when one is missed, 2 when no labelled repository is found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from measure import RESULTS, machine

HERE = Path(__file__).resolve().parent
LABELS = HERE / "evidence_labels.yaml"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90
#: Evidence items shown per disagreement in the Markdown (the JSON keeps them all).
SHOWN_EVIDENCE = 5


@dataclass
class Counts:
    """Confusion counts of one practice (or of all)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    inconclusive: int = 0

    @property
    def precision(self) -> float | None:
        """Of what the scanner found, the share the labels agree with (None: it found nothing)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """Of what the labels say is there, the share the scanner found (None: nothing is)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, predicted: bool, present: bool) -> str:
        """Count one comparison; returns its kind: tp, fp, fn or tn."""
        kind = ("tp" if present else "fp") if predicted else ("fn" if present else "tn")
        setattr(self, kind, getattr(self, kind) + 1)
        return kind

    def to_data(self) -> dict[str, Any]:
        """The counts with precision and recall, for the JSON file."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "inconclusive": self.inconclusive,
            "precision": _rounded(self.precision),
            "recall": _rounded(self.recall),
        }


@dataclass
class Disagreement:
    """A practice where the scanner and the label differ in one repository."""

    repository: str
    practice: str
    kind: str  # "false positive" or "false negative"
    status: str
    label_files: list[str]
    label_why: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    review: str = ""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def load_labels(path: Path) -> list[dict[str, Any]]:
    """The labelled repositories, each with all twenty practices (checked here)."""
    from mlops_scorecard.evidence.practices import PRACTICE_IDS

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    repos: list[dict[str, Any]] = data["repositories"]
    for repo in repos:
        missing = set(PRACTICE_IDS) - set(repo["practices"])
        extra = set(repo["practices"]) - set(PRACTICE_IDS)
        if missing or extra:
            raise SystemExit(
                f"{path}: {repo['name']}: practices missing {sorted(missing)}, unknown {sorted(extra)}"
            )
    return repos


def head_commit(path: Path) -> str | None:
    """The checkout's HEAD commit, or None outside git."""
    proc = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def scanner_version(package: Path) -> str:
    """Where the scanner was imported from, with its checkout's commit (and whether it had edits)."""
    commit = head_commit(package)
    if commit is None:
        return str(package)
    dirty = subprocess.run(
        ["git", "-C", str(package), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{package} at {commit[:10]}" + (" with uncommitted edits" if dirty else "")


def evaluate(folder: Path, repos: list[dict[str, Any]]) -> dict[str, Any]:
    """Scan each labelled repository found under ``folder`` and compare with its labels."""
    from mlops_scorecard.evidence.practices import PRACTICE_IDS
    from mlops_scorecard.evidence.scanner import scan_repository

    per_practice = {pid: Counts() for pid in PRACTICE_IDS}
    total = Counts()
    disagreements: list[Disagreement] = []
    scanned: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    for repo in repos:
        path = folder / repo["name"]
        if not path.is_dir():
            print(f"skipped {repo['name']}: not under {folder}", flush=True)
            continue
        commit = head_commit(path)
        start = time.perf_counter()
        try:
            result = scan_repository(path)
        except Exception as exc:  # a crash is a result too: counted, shown, and the rest go on
            print(f"FAILED {repo['name']}: {type(exc).__name__}: {exc}", flush=True)
            failed.append({"name": repo["name"], "error": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        seconds = time.perf_counter() - start
        findings = {p.id: p for p in result.practices}
        scanned.append(
            {
                "name": repo["name"],
                "labelled_commit": repo["commit"],
                "scanned_commit": commit,
                "commit_matches": commit == repo["commit"],
                "files_scanned": result.files_scanned,
                "warnings": len(result.warnings),
                "seconds": round(seconds, 3),
            }
        )
        print(
            f"scanned {repo['name']}: {result.files_scanned} files, {len(result.warnings)} warnings, "
            f"{seconds:.2f} s"
            + ("" if commit == repo["commit"] else f" (HEAD {commit}, labelled {repo['commit']})"),
            flush=True,
        )
        for pid in PRACTICE_IDS:
            label = repo["practices"][pid]
            finding = findings.get(pid)
            status = finding.status if finding else "missing"
            if status == "inconclusive":
                per_practice[pid].inconclusive += 1
                total.inconclusive += 1
            predicted = status == "found"
            kind = per_practice[pid].add(predicted, bool(label["present"]))
            total.add(predicted, bool(label["present"]))
            if kind in ("fp", "fn"):
                disagreements.append(
                    Disagreement(
                        repository=repo["name"],
                        practice=pid,
                        kind="false positive" if kind == "fp" else "false negative",
                        status=status,
                        label_files=list(label.get("files", [])),
                        label_why=str(label.get("why", "")),
                        evidence=[e.model_dump() for e in finding.evidence] if finding else [],
                        note=finding.note if finding else "the scan has no finding for this practice",
                        review=str(label.get("review", "")),
                    )
                )
    return {
        "repositories": scanned,
        "failed": failed,
        "per_practice": {pid: c.to_data() for pid, c in per_practice.items()},
        "total": total.to_data(),
        "disagreements": [d.__dict__ for d in disagreements],
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def markdown(report: dict[str, Any]) -> str:
    """The results as Markdown: the table, the totals against the targets, each disagreement."""
    total = report["total"]
    lines = [
        "# Scan accuracy on hand-labelled repositories",
        "",
        f"Generated {report['generated_at']} by `benchmarks/scan_accuracy.py` from "
        f"`benchmarks/evidence_labels.yaml`; scanner `{report['scanner']}`.",
        "A practice counts as predicted when its status is `found`; `inconclusive` does not.",
        "",
        "| repository | commit | files | warnings | seconds |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in report["repositories"]:
        commit = (r["scanned_commit"] or "not git")[:10] + (
            "" if r["commit_matches"] else " (not the labelled one)"
        )
        lines.append(
            f"| {r['name']} | {commit} | {r['files_scanned']} | {r['warnings']} | {r['seconds']:.2f} |"
        )
    for r in report["failed"]:
        error = " ".join(r["error"].split()).replace("|", "\\|")
        lines.append(f"| {r['name']} | scan FAILED: {error} | | | |")
    lines += [
        "",
        "| practice | TP | FP | FN | TN | inconclusive | precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for pid, c in report["per_practice"].items():
        lines.append(
            f"| {pid} | {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} | {c['inconclusive']} "
            f"| {_fmt(c['precision'])} | {_fmt(c['recall'])} |"
        )
    lines.append(
        f"| **all** | {total['tp']} | {total['fp']} | {total['fn']} | {total['tn']} | {total['inconclusive']} "
        f"| **{_fmt(total['precision'])}** | **{_fmt(total['recall'])}** |"
    )
    lines += [
        "",
        f"Targets: precision >= {PRECISION_TARGET} ({'ok' if report['precision_ok'] else 'MISSED'}), "
        f"recall >= {RECALL_TARGET} ({'ok' if report['recall_ok'] else 'MISSED'}).",
        "",
        f"## Disagreements ({len(report['disagreements'])})",
        "",
    ]
    if not report["disagreements"]:
        lines.append("None.")
    for d in report["disagreements"]:
        lines.append(f"### {d['repository']}: {d['practice']}, {d['kind']} (status `{d['status']}`)")
        lines.append("")
        files = ", ".join(f"`{f}`" for f in d["label_files"]) or "none"
        lines.append(f"- label: present={d['kind'] == 'false negative'}; files {files}; {d['label_why']}")
        if d["evidence"]:
            lines.append("- scanner evidence:")
            for e in d["evidence"][:SHOWN_EVIDENCE]:
                where = e["path"] + (f":{e['line']}" if e.get("line") else "")
                detail = f" ({e['detail']})" if e.get("detail") else ""
                lines.append(f"  - `{where}` {e['signal']} [{e['confidence']}]{detail}")
            if len(d["evidence"]) > SHOWN_EVIDENCE:
                lines.append(f"  - ... {len(d['evidence']) - SHOWN_EVIDENCE} more in the JSON")
        else:
            lines.append("- scanner evidence: none")
        if d["note"]:
            lines.append(f"- scanner note: {d['note']}")
        if d["review"]:
            lines.append(f"- review: {d['review']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    """Scan the labelled repositories, write the JSON and Markdown results, exit 1 on a missed target."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path("/work/eval-repos"))
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--output", type=Path, default=RESULTS / "scan_accuracy.json")
    args = parser.parse_args()

    import mlops_scorecard

    repos = load_labels(args.labels)
    results = evaluate(args.folder, repos)
    if not results["repositories"] and not results["failed"]:
        print(f"no labelled repository under {args.folder}: clone them first (see {args.labels})")
        return 2
    total = results["total"]
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scanner": scanner_version(Path(mlops_scorecard.__file__).resolve().parent),
        "labels": str(args.labels),
        "precision_target": PRECISION_TARGET,
        "recall_target": RECALL_TARGET,
        "precision_ok": not results["failed"]
        and total["precision"] is not None
        and total["precision"] >= PRECISION_TARGET,
        "recall_ok": not results["failed"]
        and total["recall"] is not None
        and total["recall"] >= RECALL_TARGET,
        **results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    md = args.output.with_suffix(".md")
    md.write_text(markdown(report))
    print(
        f"precision {_fmt(total['precision'])}, recall {_fmt(total['recall'])}, "
        f"{len(report['disagreements'])} disagreements"
    )
    print(f"wrote {args.output} and {md}")
    for name in ("precision", "recall"):
        if not report[f"{name}_ok"]:
            print(f"MISSED: {name}")
    return 0 if report["precision_ok"] and report["recall_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
