"""A scan as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, IDE viewers).

Shaped like OpenSSF Scorecard's SARIF, so code scanning ingests it: one rule per
practice, whose help is the remediation; results only where there is something to do.
A positive practice not found (or inconclusive) is a ``note`` about the repository as a
whole, located at its root; each committed model or data binary is a ``warning`` at
that file, one result per file, because code scanning shows a result at its first
location only. A practice found needs no result. One run holds the whole scan; each
repository is a ``uriBaseId`` (``REPO1``, ``REPO2``...), and every artifact location is
relative to it, so the document does not depend on where the scan ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .output import evidence_coverage, report_coverage
from .practices import Catalogue, Practice
from .results import Evidence, PracticeFinding, RepositoryScan, ScanResult

__all__ = ["DOCS_URL", "SARIF_SCHEMA", "SARIF_VERSION", "scan_sarif"]

SARIF_VERSION = "2.1.0"
#: The URI code scanning documents for ``$schema`` (the OASIS schema, as published).
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Where each rule's help points (``#<practice id>`` is added).
DOCS_URL = "https://github.com/mlops-scorecard/mlops-scorecard/blob/main/docs/evidence.md"
#: The location of a result about a whole repository: its root.
_ROOT = "./"


def _plain(text: object) -> str:
    """Text for a SARIF plain-text message: ``[``, ``]`` and ``\\`` escaped, so that a
    file name such as ``[a](javascript:...)`` is not read as an embedded link (§3.11.6)."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _rule_name(pid: str) -> str:
    return "".join(part.capitalize() for part in pid.replace(".", "-").replace("_", "-").split("-"))


def _rule(
    practice: Practice | None, finding: PracticeFinding | None, pid: str, docs_url: str
) -> dict[str, Any]:
    title = practice.title if practice else (finding.title if finding and finding.title else pid)
    negative = practice.negative if practice else bool(finding and finding.negative)
    description = practice.description if practice else title
    remediation = practice.remediation if practice else f"See {docs_url}#{pid}."
    markdown = f"**Remediation**: {remediation}\n\n**What counts as evidence**: {description}"
    if practice and practice.caveat:
        markdown += f"\n\n**Caveat**: {practice.caveat}"
    markdown += (
        "\n\n**Presence is not enforcement**: the scan shows what the code holds, not whether "
        f"it runs on every change. [Details]({docs_url}#{pid})"
    )
    return {
        "id": pid,
        "name": _rule_name(pid),
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": remediation, "markdown": markdown},
        "helpUri": f"{docs_url}#{pid}",
        "defaultConfiguration": {"level": "warning" if negative else "note"},
        "properties": {
            "tags": ["mlops", "negative-practice" if negative else "practice"],
            "problem.severity": "warning" if negative else "recommendation",
        },
    }


def _uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded)."""
    clean = "/".join(part for part in path.replace("\\", "/").split("/") if part not in ("", ".", ".."))
    return quote(clean, safe="/") or _ROOT


def _location(base: str, path: str | None, line: int | None = None, message: str = "") -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path) if path else _ROOT, "uriBaseId": base}}
    if line is not None:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if message:
        location["message"] = {"text": message}
    return location


def _base(repo: RepositoryScan, root: Path | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": {"text": _plain(f"Repository {repo.name or repo.path} ({repo.path})")}
    }
    where = root if root is not None else Path(repo.path)
    if where.is_absolute():
        entry["uri"] = where.as_uri().rstrip("/") + "/"
    return entry


def _results(
    repo: RepositoryScan, base: str, rule_index: Mapping[str, int], titles: Mapping[str, str]
) -> list[dict[str, Any]]:
    name = _plain(repo.name or repo.path)
    out: list[dict[str, Any]] = []
    for f in repo.practices:
        title = _plain(titles.get(f.id) or f.title or f.id)
        common = {"ruleId": f.id, "ruleIndex": rule_index[f.id]}
        props = {"repository": repo.name or repo.path, "status": f.status}
        if f.negative and f.status == "found":
            total = max(f.evidence_total, len(f.evidence))
            for e in f.evidence:
                detail = f" ({_plain(e.detail)})" if e.detail else ""
                more = (
                    f" (one of {total}; the first {len(f.evidence)} are listed)"
                    if total > len(f.evidence)
                    else ""
                )
                out.append(
                    {
                        **common,
                        "level": "warning",
                        # the rule's help says what to do; the message names the place
                        "message": {"text": f"{title}: {_plain(e.path)}{detail}{more}."},
                        "locations": [_location(base, e.path, e.line)],
                        "properties": {**props, "signal": e.signal, "confidence": e.confidence},
                    }
                )
        elif not f.negative and f.status in ("not-found", "inconclusive"):
            if f.status == "not-found":
                text = f"{title}: no evidence found in {name}."
                locations = [_location(base, None, message=f"the repository {name}")]
            else:
                why = f" ({_plain(f.note)})" if f.note else ""
                text = f"{title}: inconclusive in {name}{why}: no evidence of high or medium confidence."
                locations = [_mention(base, e) for e in f.evidence[:1]] or [_location(base, None)]
            out.append(
                {
                    **common,
                    "level": "note",
                    "message": {"text": text},
                    "locations": locations,
                    "properties": props,
                }
            )
    return out


def _mention(base: str, e: Evidence) -> dict[str, Any]:
    return _location(base, e.path, e.line, message=_plain(e.detail or e.signal))


def _notifications(repo: RepositoryScan, base: str) -> list[dict[str, Any]]:
    out = []
    for w in repo.warnings:
        note: dict[str, Any] = {"level": "warning", "message": {"text": _plain(w.message)}}
        if w.path:
            note["locations"] = [_location(base, w.path)]
        out.append(note)
    return out


def scan_sarif(
    report: ScanResult,
    catalogue: Catalogue,
    *,
    roots: Mapping[str, Path] | None = None,
    docs_url: str = DOCS_URL,
) -> dict[str, Any]:
    """The scan as a SARIF 2.1.0 log (one run). ``roots`` maps a repository's path as
    given to where it is on this machine, for absolute ``originalUriBaseIds`` (without
    it, only absolute paths get one; relative artifact locations work either way)."""
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    titles: dict[str, str] = {}
    findings = {f.id: f for repo in report.repositories for f in repo.practices}
    for practice in catalogue.practices:
        rule_index[practice.id] = len(rules)
        titles[practice.id] = practice.title
        rules.append(_rule(practice, findings.get(practice.id), practice.id, docs_url))
    for pid, f in findings.items():
        if pid not in rule_index:  # a finding the catalogue does not know still gets a rule
            rule_index[pid] = len(rules)
            rules.append(_rule(None, f, pid, docs_url))
    bases: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    coverage: dict[str, float | None] = {}
    for i, repo in enumerate(report.repositories, start=1):
        base = f"REPO{i}"
        bases[base] = _base(repo, (roots or {}).get(repo.path))
        results += _results(repo, base, rule_index, titles)
        notifications += _notifications(repo, base)
        coverage[repo.name or repo.path] = evidence_coverage(repo.practices)
    driver: dict[str, Any] = {"name": report.tool, "informationUri": docs_url, "rules": rules}
    if report.tool_version:
        driver["version"] = report.tool_version
        driver["semanticVersion"] = report.tool_version
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": bases,
        "invocations": [invocation],
        "results": results,
        "properties": {
            "schema_version": report.schema_version,
            "framework": report.framework,
            "evidenceCoverage": report_coverage(report),
            "evidenceCoverageByRepository": coverage,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
