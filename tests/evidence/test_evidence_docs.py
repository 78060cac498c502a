"""docs/evidence.md cannot drift from the code: every practice has its row and its
section (the SARIF rules link to ``#<id>``), every signal kind is described, and the
examples are valid."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import jsonschema
import yaml

from mlops_scorecard.evidence.output import scan_schema
from mlops_scorecard.evidence.practices import PRACTICE_IDS, SignalKind, default_catalogue, parse_catalogue
from mlops_scorecard.evidence.sarif import DOCS_URL
from mlops_scorecard.framework import Framework

DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence.md"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", doc(), flags=re.DOTALL | re.MULTILINE)


def test_every_practice_has_a_row_and_a_section() -> None:
    text = doc()
    ids = list(dict.fromkeys([*PRACTICE_IDS, *(p.id for p in default_catalogue().practices)]))
    missing_rows = [pid for pid in ids if f"| [`{pid}`](#{pid}) |" not in text]
    missing_sections = [pid for pid in ids if f"\n### {pid}\n" not in text]
    assert not missing_rows, missing_rows
    assert not missing_sections, missing_sections
    # the table lists them in the catalogue's order
    rows = re.findall(r"^\| \[`([a-z-]+)`\]\(#", text, flags=re.MULTILINE)
    assert rows == list(PRACTICE_IDS)
    assert DOCS_URL.endswith("/docs/evidence.md")


def test_every_signal_kind_is_described() -> None:
    text = doc()
    kinds = typing.get_args(SignalKind)
    assert kinds
    missing = [k for k in kinds if f"| `{k}` |" not in text]
    assert not missing, missing


def test_the_catalogue_example_is_a_valid_catalogue() -> None:
    (example,) = [b for b in blocks("yaml") if b.startswith("format: 1")]
    catalogue = parse_catalogue(yaml.safe_load(example))
    assert catalogue.practices[0].id == "experiment-tracking"


def test_the_mapping_example_names_real_practices_and_questions(framework: Framework) -> None:
    (example,) = [b for b in blocks("yaml") if b.startswith("evidence:")]
    mapping = yaml.safe_load(example)["evidence"]
    questions = {q.id for _, q in framework.iter_questions("full")}
    for pid, qids in mapping.items():
        assert pid in PRACTICE_IDS
        assert set(qids) <= questions
        assert qids == framework.evidence[pid]


def test_the_json_example_validates() -> None:
    (example,) = blocks("json")
    jsonschema.Draft202012Validator(scan_schema()).validate(json.loads(example))


def test_the_ci_examples_are_yaml_and_upload() -> None:
    workflows = [yaml.safe_load(b) for b in blocks("yaml") if "mlops-scorecard scan" in b]
    assert len(workflows) == 2
    github, gitlab = workflows
    steps = github["jobs"]["scan"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    scan_step = next(s for s in steps if "run" in s and "mlops-scorecard scan" in s["run"])
    assert "--upload" in scan_step["run"]
    assert "--assessment" in scan_step["run"]
    assert scan_step["env"]["MLOPS_SCORECARD_TOKEN"] == "${{ secrets.MLOPS_SCORECARD_TOKEN }}"
    script = " ".join(gitlab["mlops-scorecard"]["script"])
    assert "--upload" in script
    assert "--assessment" in script
