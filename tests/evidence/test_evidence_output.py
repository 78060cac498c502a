"""The scan document: its JSON, the published schema generated from the models, and the
helpers every output shares (status words, places, the coverage ``--fail-under`` reads)."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from mlops_scorecard.evidence.output import (
    ScanReport,
    evidence_coverage,
    places,
    report_coverage,
    scan_json,
    scan_schema,
    scan_schema_json,
    status_label,
)
from mlops_scorecard.evidence.results import ScanResult
from mlops_scorecard.framework import Framework

from .scan_samples import ev, finding, sample_report, sample_scan


def shipped_schema_text() -> str:
    return (resources.files("mlops_scorecard") / "schemas" / "scan.schema.json").read_text(encoding="utf-8")


def validate(document: Any) -> None:
    schema = json.loads(shipped_schema_text())
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_the_shipped_schema_is_the_one_the_models_generate() -> None:
    assert shipped_schema_text() == scan_schema_json(), (
        "schemas/scan.schema.json is stale: run "
        "`python -m mlops_scorecard.evidence.output > src/mlops_scorecard/schemas/scan.schema.json`"
    )
    schema = scan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "urn:mlops-scorecard:schema:scan:1"
    assert schema["title"]
    assert "docs/evidence.md" in schema["description"]
    assert {"Evidence", "PracticeFinding", "RepositoryScan", "ScanWarning", "CrossCheck"} <= set(
        schema["$defs"]
    )


def test_a_scan_with_a_crosscheck_validates_and_reads_back(framework: Framework) -> None:
    report = sample_report(framework)
    text = scan_json(report)
    data = json.loads(text)
    validate(data)
    assert data["crosscheck"]["disagreements"]
    assert ScanReport.model_validate_json(text) == report
    assert text.endswith("}\n")


def test_a_scan_without_answers_has_no_crosscheck_key(framework: Framework) -> None:
    scan = sample_scan(framework)
    for document in (scan, ScanReport.of(scan)):
        data = json.loads(scan_json(document))
        assert "crosscheck" not in data
        validate(data)
        # the service accepts the same document as a report or a plain result
        assert ScanResult.model_validate(data) == scan
        assert ScanReport.model_validate(data).crosscheck is None


def test_the_json_has_the_fields_the_issue_promises(framework: Framework) -> None:
    data = json.loads(scan_json(sample_scan(framework)))
    assert data["schema_version"] == 1
    repo = data["repositories"][0]
    assert repo["path"] == "/src/models"
    ci = next(p for p in repo["practices"] if p["id"] == "ci")
    assert ci["status"] == "found"
    assert ci["confidence"] == "high"
    assert ci["questions"] == framework.evidence["ci"]
    assert ci["evidence"][0] == {
        "path": ".github/workflows/ci.yml",
        "line": None,
        "signal": "github-actions",
        "confidence": "high",
        "detail": "",
        "repository": "",
    }
    pinned = next(p for p in repo["practices"] if p["id"] == "pinned-dependencies")
    assert pinned["evidence"][0]["line"] == 3


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("repositories", 0, "practices", 0, "status"), "maybe"),
        (("repositories", 0, "practices", 0, "evidence", 0, "line"), 0),
        (("repositories", 0, "practices", 0, "evidence", 0, "confidence"), "certain"),
        (("schema_version",), 2),
        (("repositories", 0, "kind"), "svn"),
    ],
)
def test_the_schema_rejects_a_broken_document(
    framework: Framework, where: tuple[Any, ...], value: Any
) -> None:
    data = json.loads(scan_json(sample_scan(framework)))
    broken = copy.deepcopy(data)
    node = broken
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_the_schema_requires_the_version_and_the_repositories(framework: Framework) -> None:
    data = json.loads(scan_json(sample_scan(framework)))
    for key in ("schema_version", "repositories"):
        broken = {k: v for k, v in data.items() if k != key}
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "surprise": 1})


def test_coverage_counts_positives_found_less_negatives_found(framework: Framework) -> None:
    scan = sample_scan(framework)
    models, serving = scan.repositories
    # models: ci, tests, pinned-dependencies of 19 positives, less committed artifacts
    assert evidence_coverage(models.practices) == pytest.approx(100 * (3 - 1) / 19)
    assert evidence_coverage(serving.practices) == pytest.approx(100 * 1 / 19)
    # merged: found where any repository shows it
    assert report_coverage(scan) == pytest.approx(100 * (4 - 1) / 19)
    only_bad = [
        finding(framework, "ci", "not-found"),
        finding(framework, "large-artifacts-committed", "found", [ev("m.pt", "model-binary")]),
    ]
    assert evidence_coverage(only_bad) == 0.0
    assert evidence_coverage(only_bad[1:]) is None
    assert evidence_coverage([finding(framework, "ci", "inconclusive")]) == 0.0


def test_places_are_strongest_first_and_count_the_rest(framework: Framework) -> None:
    items = [ev("README.md", "mention", 4, "low"), ev("a.py", "call", 7), ev("a.py", "call", 7), ev("b", "f")]
    f = finding(framework, "experiment-tracking", "found", items).model_copy(update={"evidence_total": 40})
    shown, more = places(f, 2)
    assert shown == ["a.py:7", "b"]
    assert more == 38
    merged = ev("x.py", "call", 1).model_copy(update={"repository": "svc"})
    g = finding(framework, "ci", "found", [merged])
    assert places(g, repository=True) == (["svc:x.py:1"], 0)
    assert places(g) == (["x.py:1"], 0)


def test_status_words(framework: Framework) -> None:
    assert status_label(finding(framework, "ci", "not-found")) == "not found"
    assert status_label(finding(framework, "ci", "inconclusive")) == "inconclusive"
    assert status_label(finding(framework, "ci", "found", [ev("x", "y")])) == "found"
    bad = finding(framework, "large-artifacts-committed", "found", [ev("m.pt", "model-binary")])
    assert status_label(bad) == "found (a problem)"
