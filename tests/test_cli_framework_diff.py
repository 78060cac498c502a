"""CLI wiring of ``frameworks diff``: the mapping table and summary, JSON and Markdown,
a chain through ``--via``, matching by id, and a declared mapping that does not fit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from mlops_scorecard.cli import app
from mlops_scorecard.framework import get_framework

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def v2_data() -> dict[str, Any]:
    """2.0.0 of the built-in framework: gov-strategy renamed, gov-team removed,
    mon-audits split, a question added, a dimension reweighted."""
    data: dict[str, Any] = get_framework("mlops-scorecard@1.0.0").model_dump(mode="json", by_alias=True)
    data["profile"] = []  # the context questions name questions this version changes
    data["version"] = "2.0.0"
    data["previous"] = "mlops-scorecard@1.0.0"
    gov, mon = data["dimensions"][0], data["dimensions"][4]
    gov["questions"][0]["id"] = "gov-ml-strategy"
    gov["questions"] = [q for q in gov["questions"] if q["id"] != "gov-team"]
    gov["questions"].append({"id": "gov-risk-register", "text": "Is there an ML risk register?"})
    audits = next(q for q in mon["questions"] if q["id"] == "mon-audits")
    mon["questions"].remove(audits)
    mon["questions"] += [{**audits, "id": "mon-audits-internal"}, {**audits, "id": "mon-audits-external"}]
    mon["weight"] = 2
    data["evidence"] = {
        k: [
            {"gov-strategy": "gov-ml-strategy", "mon-audits": "mon-audits-internal"}.get(q, q)
            for q in v
            if q != "gov-team"
        ]
        for k, v in data["evidence"].items()
    }
    data["changes"] = [
        {"kind": "renamed", "from": "gov-strategy", "to": "gov-ml-strategy", "note": "ML strategy only"},
        {"kind": "removed", "from": "gov-team"},
        {"kind": "added", "to": "gov-risk-register"},
        {"kind": "split", "from": "mon-audits", "to": ["mon-audits-internal", "mon-audits-external"]},
    ]
    return data


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def v2_file(tmp_path: Path) -> Path:
    return write(v2_data(), tmp_path / "v2.yaml")


def test_text_shows_the_mapping_and_a_summary(v2_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(v2_file))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "mlops-scorecard@2.0.0 declares how its questions map to mlops-scorecard@1.0.0" in out
    assert "renamed" in out
    assert "gov-ml-strategy" in out
    assert "ML strategy only" in out
    assert "mon-audits-internal, mon-audits-external" in out
    assert "dimension monitoring: weight 1 -> 2" in out
    assert (
        "Summary: 45 same, 1 renamed, 1 split, 1 removed, 1 added; dimensions: 1 reweighted or retitled"
        in out
    )
    assert "(45 unchanged not listed; --all lists them)" in out
    assert "data-versioning" not in out  # unchanged questions are not listed...
    everything = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(v2_file), "--all")
    assert "data-versioning" in everything.output  # ...unless asked for


def test_json_and_markdown(v2_file: Path) -> None:
    result = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(v2_file), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mapping"]["source"] == "declared"
    assert data["counts"]["split"] == 1
    kinds = {q["kind"]: q for q in data["questions"]}
    assert kinds["split"]["to"] == ["mon-audits-internal", "mon-audits-external"]
    assert kinds["removed"]["from"] == ["gov-team"]
    assert data["dimensions"]["changed"] == [
        {"id": "monitoring", "changed": {"weight": {"old": 1.0, "new": 2.0}}}
    ]
    md = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(v2_file), "--format", "md")
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# mlops-scorecard@1.0.0 -> mlops-scorecard@2.0.0\n")
    assert "| split | mon-audits | mon-audits-internal, mon-audits-external |  |" in md.output
    assert "- dimension monitoring: weight 1 -\\> 2" in md.output  # Markdown-escaped
    assert "Summary: 45 same, 1 renamed, 1 split, 1 removed, 1 added" in md.output


def test_a_chain_through_a_version_given_with_via(v2_file: Path, tmp_path: Path) -> None:
    data = v2_data()
    data["version"] = "3.0.0"
    data["previous"] = "mlops-scorecard@2.0.0"
    gov = data["dimensions"][0]
    gov["questions"] = [q for q in gov["questions"] if q["id"] != "gov-risk-register"]
    data["changes"] = [{"kind": "removed", "from": "gov-risk-register"}]
    v3 = write(data, tmp_path / "v3.yaml")
    result = run(
        "frameworks", "diff", "mlops-scorecard@1.0.0", str(v3), "--via", str(v2_file), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["mapping"]["source"] == "chain"
    assert out["mapping"]["path"] == [
        "mlops-scorecard@1.0.0",
        "mlops-scorecard@2.0.0",
        "mlops-scorecard@3.0.0",
    ]
    # added in 2.0.0 and removed in 3.0.0: nothing of it remains between 1.0.0 and 3.0.0
    assert out["counts"]["added"] == 0
    assert out["counts"]["removed"] == 1
    # without the version between, the questions are matched by id, and the output says so
    alone = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(v3))
    assert alone.exit_code == 0, alone.output
    assert "Questions matched by id" in alone.output
    assert "mlops-scorecard@2.0.0, which is not available" in alone.output.replace("\n", " ")


def test_a_mapping_that_does_not_fit_is_an_error_naming_the_change(tmp_path: Path) -> None:
    data = v2_data()
    data["changes"][3]["from"] = "mon-nothing"
    bad = write(data, tmp_path / "bad.yaml")
    result = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(bad))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "error: mlops-scorecard@2.0.0: changes[3] (split).from: mlops-scorecard@1.0.0 has no question 'mon-nothing'"
        in result.output
    )
    assert "mon-audits" in result.output  # and the question no change names now
    missing = run("frameworks", "diff", "mlops-scorecard@1.0.0", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1
    assert "error:" in missing.output


def test_validate_checks_the_mapping_from_a_built_in_previous_version(v2_file: Path, tmp_path: Path) -> None:
    ok = run("frameworks", "validate", str(v2_file))
    assert ok.exit_code == 0, ok.output
    assert "the mapping from mlops-scorecard@1.0.0 fits" in ok.output
    data = v2_data()
    data["changes"][3]["from"] = "mon-nothing"
    bad = run("frameworks", "validate", str(write(data, tmp_path / "bad.yaml")))
    assert bad.exit_code == 1
    assert "changes[3] (split).from: mlops-scorecard@1.0.0 has no question 'mon-nothing'" in bad.output
    data["previous"] = "acme-mlops@0.9"
    data["changes"] = []
    elsewhere = run("frameworks", "validate", str(write(data, tmp_path / "elsewhere.yaml")))
    assert elsewhere.exit_code == 0, elsewhere.output
    assert "acme-mlops@0.9 is not built in" in elsewhere.output


def test_show_writes_a_file_that_loads_back_with_its_changes(v2_file: Path, tmp_path: Path) -> None:
    shown = run("frameworks", "show", str(v2_file), "--format", "yaml")
    assert shown.exit_code == 0, shown.output
    again = tmp_path / "again.yaml"
    again.write_text(shown.output, encoding="utf-8")
    assert "from_" not in shown.output
    assert get_framework(str(again)) == get_framework(str(v2_file))
