"""AWS Well-Architected custom lens import: real published lenses, the risk rules
evaluated by hand on real questions, and hostile or broken lenses, each refused with a
message naming the pillar, question and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.cli import app
from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.framework import RISK_ANSWER, Framework, load_framework
from mlops_scorecard.framework.lens import LensImport, framework_yaml, lens_to_framework, slugify
from mlops_scorecard.framework.risk import first_risk, parse_condition

LENSES = Path(__file__).parent / "data" / "lenses"
FIXTURES = sorted(LENSES.glob("*.json"))
runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def imported(name: str) -> LensImport:
    return lens_to_framework((LENSES / name).read_bytes(), source=name)


def tiny_lens(**question: Any) -> dict[str, Any]:
    """A small valid lens; ``question`` replaces fields of its only question."""
    q: dict[str, Any] = {
        "id": "Q_1",
        "title": "Do you back up your data?",
        "description": "Backups let you recover from loss.",
        "choices": [
            {"id": "Q_1_a", "title": "Daily backups", "improvementPlan": {"displayText": "Back up daily."}},
            {"id": "Q_1_b", "title": "Tested restores", "improvementPlan": {"displayText": "Test restores."}},
            {"id": "Q_1_no", "title": "None of these"},
        ],
        "riskRules": [
            {"condition": "Q_1_a && Q_1_b", "risk": "NO_RISK"},
            {"condition": "Q_1_a || Q_1_b", "risk": "MEDIUM_RISK"},
            {"condition": "default", "risk": "HIGH_RISK"},
        ],
    }
    q.update(question)
    return {
        "schemaVersion": "2021-11-01",
        "name": "Tiny lens",
        "description": "A lens for tests.",
        "pillars": [{"id": "dataSafety", "name": "Data safety", "questions": [q]}],
    }


def convert(lens: Any) -> LensImport:
    text = lens if isinstance(lens, str) else json.dumps(lens)
    return lens_to_framework(text, source="lens.json")


def refused(lens: Any) -> str:
    with pytest.raises(FrameworkError) as info:
        convert(lens)
    message = str(info.value)
    assert message.startswith("lens.json: ")
    return message


# --- real lenses --------------------------------------------------------------------


def test_the_fixtures_are_the_real_lenses_described() -> None:
    assert len(FIXTURES) == 14
    assert sum(p.stat().st_size for p in FIXTURES) < 2_000_000
    readme = (LENSES / "README.md").read_text()
    for path in FIXTURES:
        assert f"`{path.name}`" in readme, path.name
    assert "MIT-0" in readme


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_real_lens_imports_and_round_trips_through_yaml(path: Path, tmp_path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda _: None)
    result = lens_to_framework(path.read_bytes(), source=path.name)
    fw = result.framework
    assert [d.title for d in fw.dimensions] == [p["name"] for p in raw["pillars"]]
    lens_questions = [q for p in raw["pillars"] for q in p["questions"]]
    questions = [q for _, q in fw.iter_questions("full")]
    assert [q.id for q in questions] == [q["id"].lower() for q in lens_questions]
    for lq, q in zip(lens_questions, questions, strict=True):
        assert [c.id for c in q.choices] == [c["id"] for c in lq["choices"]]
        assert [r.condition for r in q.risk_rules] == [r["condition"].strip() for r in lq["riskRules"]]
        assert result.question_ids[lq["id"]] == q.id
    out = tmp_path / "framework.yaml"
    out.write_text(framework_yaml(result.data), encoding="utf-8")
    assert load_framework(out) == fw


def test_the_framework_takes_name_version_and_source_from_the_lens() -> None:
    result = imported("s3-v3.1.0.json")
    fw = result.framework
    assert (fw.id, fw.version, fw.title) == (
        "amazon-s3-well-architected-lens",
        "3.1.0",
        "Amazon S3 Well-Architected Lens",
    )
    assert "s3-v3.1.0.json" in fw.source.citation
    assert fw.description == "Best practices for configuring Amazon S3"
    assert result.dimension_ids["operationalExcellence"] == "operational-excellence"
    assert fw.dimensions[0].description == "Lens pillar operationalExcellence."
    _, q = fw.question("ops_1") or (None, None)
    assert q is not None
    assert "Lens question id: OPS_1." in q.guidance
    assert {k: (c.label, c.value) for k, c in fw.scale.items()} == {
        "yes": ("No risk", 1.0),
        "partly": ("Medium risk", 0.5),
        "no": ("High risk", 0.0),
        "na": ("Not applicable", None),
        "unknown": ("Don't know", None),
    }
    assert [(lv.id, lv.min) for lv in fw.levels] == [
        ("high-risk", 0),
        ("medium-risk", 50),
        ("low-risk", 75),
        ("no-risk", 100),
    ]
    # without _version the version is 1.0
    assert imported("personalize-v1.0.json").framework.version == "1.0"


def test_a_numeric_version_is_text() -> None:
    assert convert(tiny_lens() | {"_version": 2.5}).framework.version == "2.5"
    assert convert(tiny_lens() | {"_version": True}).framework.version == "1.0"


def test_id_and_version_can_be_given() -> None:
    result = lens_to_framework(
        (LENSES / "passport.json").read_bytes(), source="p.json", framework_id="pass", version="7"
    )
    assert result.framework.ref == "pass@7"


def test_choices_carry_help_plan_and_link() -> None:
    fw = imported("personalize-v1.0.json").framework
    _, q = fw.question("perf1") or (None, None)
    assert q is not None
    choice = q.choices[0]
    assert choice.id == "PERF1_1"
    assert choice.label.startswith("Select the right recipe")
    assert choice.description
    assert choice.recommendation
    assert choice.url.startswith("https://")


def test_none_of_these_by_the_format_and_by_heuristics() -> None:
    def nones(fw: Framework, qid: str) -> list[str]:
        _, q = fw.question(qid) or (None, None)
        assert q is not None
        return [c.id for c in q.choices if c.none]

    cognito = imported("cognito-v1.0.json")
    assert nones(cognito.framework, "cgnsec1") == ["CGNSEC1_no"]
    assert not any("None of these" in w for w in cognito.warnings)
    saas = imported("saas-anywhere-v0.1.json").framework
    assert nones(saas, "rel1") == ["REL1_no"]  # titled "NONE"
    orr = imported("orr-v1.3.6-PUBLISHED.json")
    assert nones(orr.framework, "releases_manual_changes") == ["noneofthese"]
    assert any(
        "questions[" in w
        and "(releases_manual_changes).choices[3] (noneofthese): taken as the 'None of these' choice" in w
        for w in orr.warnings
    )
    docdb = imported("documentdb.json").framework
    assert nones(docdb, "docdb_ops1") == ["docdb_ops1_6"]  # "None of above"
    elasticache = imported("elasticache-v2.0.json").framework
    assert nones(elasticache, "waf_ec_ops_dp1") == ["waf_ec_ops_dp1_bp3"]
    # "Others" is another choice, not "None of these"; "Other (terraform ...)" neither
    business = imported("saas-business.json").framework
    assert nones(business, "gen3") == []
    assert nones(docdb, "docdb_rel6") == ["docdb_rel6_5"]


def test_deviations_of_real_lenses_are_warnings_naming_the_place() -> None:
    emr = imported("emr-spark-v1.0.json")
    assert (
        "pillars[3] (REL).questions[4] (REL5).title: a bare NaN in the JSON, not text; read as empty"
        in emr.warnings
    )
    assert (
        "pillars[3] (REL).questions[4] (REL5).description: a bare NaN in the JSON, not text; read as empty"
        in emr.warnings
    )
    _, rel5 = emr.framework.question("rel5") or (None, None)
    assert rel5 is not None
    assert rel5.text == "Question REL5 (untitled in the lens)"
    assert isinstance(emr.data["dimensions"][3]["questions"][4]["guidance"], str)
    elasticache = imported("elasticache-v2.0.json")
    no_default = [
        w
        for w in elasticache.warnings
        if w.endswith(
            "riskRules: no 'default' rule; when no rule holds the question carries the highest risk"
        )
    ]
    assert len(no_default) == 22
    ecs = imported("ecs.json")
    assert ecs.warnings == [
        "pillars[1] (NET).questions[2] (NET3).riskRules: no 'default' rule; when no rule holds the question carries the highest risk"
    ]
    orr = imported("orr-v1.3.6-PUBLISHED.json")
    assert any(
        w.endswith(".helpfulResource.Url: read as 'url' (the format spells it in lower case)")
        for w in orr.warnings
    )
    passport = imported("passport.json").framework
    _, q = passport.question("overview02") or (None, None)
    assert q is not None
    assert "https://aws.amazon.com/well-architected-tool/" in q.guidance
    apigw = imported("apigw-lambda-v0.1.json")
    assert any("holds 2 URLs; the first is the link" in w for w in apigw.warnings)
    _, q = apigw.framework.question("appdesign2") or (None, None)
    assert q is not None
    two = q.choices[1]
    assert two.url == "https://docs.aws.amazon.com/lambda/latest/operatorguide/provisioned-scaling.html"
    assert "https://aws.amazon.com/blogs/compute/" in two.description
    # S3 has extra top-level keys and no deviation that needs a warning
    assert imported("s3-v3.1.0.json").warnings == []


# --- risk rules, evaluated by hand on real questions ------------------------------------


def risk_of(fw: Framework, qid: str, selected: set[str]) -> str:
    """The risk the question's rules give ``selected``; no rule holding is the highest
    risk (the semantics documented for lenses without a ``default`` rule)."""
    _, q = fw.question(qid) or (None, None)
    assert q is not None
    rules = [(parse_condition(r.condition), r.risk) for r in q.risk_rules]
    assert selected <= {c.id for c in q.choices}
    return first_risk(rules, selected) or "high"


HAND_CASES = [
    # personalize PERF1: NO_RISK <= PERF1_1; HIGH_RISK <= (!PERF1_1); MEDIUM default
    ("personalize-v1.0.json", "perf1", set(), "high"),
    ("personalize-v1.0.json", "perf1", {"PERF1_1"}, "none"),
    # autogluon OPS1: NO <= OPS1_1 && OPS1_2; HIGH <= (!OPS1_1) || (!OPS1_2); MEDIUM default
    ("sagemaker-autogluon-v1.0.json", "ops1", {"OPS1_1", "OPS1_2"}, "none"),
    ("sagemaker-autogluon-v1.0.json", "ops1", {"OPS1_1"}, "high"),
    # ORR releases_manual_changes: HIGH <= manual_changes || noneofthese;
    # MEDIUM <= manual_changes_template; NO <= no_manual_changes; no default
    ("orr-v1.3.6-PUBLISHED.json", "releases_manual_changes", {"manual_changes_template"}, "medium"),
    ("orr-v1.3.6-PUBLISHED.json", "releases_manual_changes", {"no_manual_changes"}, "none"),
    ("orr-v1.3.6-PUBLISHED.json", "releases_manual_changes", {"manual_changes", "no_manual_changes"}, "high"),
    ("orr-v1.3.6-PUBLISHED.json", "releases_manual_changes", set(), "high"),  # no rule holds
    # ElastiCache dp1: HIGH <= bp3 || !bp1; MEDIUM <= !bp2; NO <= bp1 && bp2 (no default)
    ("elasticache-v2.0.json", "waf_ec_ops_dp1", {"waf_ec_ops_dp1_bp1", "waf_ec_ops_dp1_bp2"}, "none"),
    ("elasticache-v2.0.json", "waf_ec_ops_dp1", {"waf_ec_ops_dp1_bp1"}, "medium"),
    ("elasticache-v2.0.json", "waf_ec_ops_dp1", {"waf_ec_ops_dp1_bp3"}, "high"),
    # DocumentDB ops1: NO needs all five (the lens names "None of above" in it, as
    # written); HIGH <= !1 || !3 || !4 || !6; MEDIUM default
    (
        "documentdb.json",
        "docdb_ops1",
        {"docdb_ops1_1", "docdb_ops1_3", "docdb_ops1_4", "docdb_ops1_5"},
        "high",
    ),
    (
        "documentdb.json",
        "docdb_ops1",
        {"docdb_ops1_1", "docdb_ops1_3", "docdb_ops1_4", "docdb_ops1_6"},
        "medium",
    ),
    # ECS NET3: NO <= NET3_3; MEDIUM <= NET3_2; HIGH <= NET3_1 (no default)
    ("ecs.json", "net3", {"NET3_2"}, "medium"),
    ("ecs.json", "net3", {"NET3_1", "NET3_3"}, "none"),
    ("ecs.json", "net3", {"NET3_4_no"}, "high"),  # no rule holds
    # Cognito CGNSEC1: NO <= (1 || 2) && 3; MEDIUM <= 1 || 2 || 3; HIGH default
    ("cognito-v1.0.json", "cgnsec1", {"CGNSEC1_2", "CGNSEC1_3"}, "none"),
    ("cognito-v1.0.json", "cgnsec1", {"CGNSEC1_3"}, "medium"),
    ("cognito-v1.0.json", "cgnsec1", {"CGNSEC1_no"}, "high"),
    # SaaS Anywhere REL1: NO <= REL1_1 && REL1_2; MEDIUM default
    ("saas-anywhere-v0.1.json", "rel1", {"REL1_1"}, "medium"),
    # EMR REL5: NO <= all five; HIGH <= (!1) || (!2); MEDIUM default
    ("emr-spark-v1.0.json", "rel5", {"REL5_1", "REL5_2"}, "medium"),
    ("emr-spark-v1.0.json", "rel5", {"REL5_3", "REL5_4", "REL5_5"}, "high"),
]


@pytest.mark.parametrize(("lens", "qid", "selected", "expected"), HAND_CASES)
def test_risk_rules_give_the_hand_evaluated_risk(
    lens: str, qid: str, selected: set[str], expected: str
) -> None:
    fw = imported(lens).framework
    risk = risk_of(fw, qid, selected)
    assert risk == expected
    assert fw.value_of(RISK_ANSWER[risk]) == {"none": 1.0, "medium": 0.5, "high": 0.0}[expected]


# --- leniency ------------------------------------------------------------------------


def test_bom_extra_keys_non_ascii_and_spaces_around_a_condition() -> None:
    lens = tiny_lens(title="Überwachung “mit Anführungszeichen” \u2019")
    lens.update({"_version": "v2.1", "_release_date": "2023-12-01", "ready": True})
    lens["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "  Q_1_a && Q_1_b "
    result = convert("\ufeff" + json.dumps(lens, ensure_ascii=False))
    fw = result.framework
    assert fw.ref == "tiny-lens@2.1"
    assert fw.source.year == 2023
    _, q = fw.question("q_1") or (None, None)
    assert q is not None
    assert q.text == "Überwachung “mit Anführungszeichen” \u2019"
    assert q.risk_rules[0].condition == "Q_1_a && Q_1_b"
    assert [c.id for c in q.choices if c.none] == ["Q_1_no"]
    assert result.warnings == []
    assert result.summary() == "1 pillar, 1 question, 3 choices"
    # bytes with a BOM too
    assert lens_to_framework(b"\xef\xbb\xbf" + json.dumps(lens).encode(), source="lens.json").framework == fw


def test_a_bare_nan_description_is_empty_text_with_a_warning() -> None:
    text = json.dumps(tiny_lens()).replace('"Backups let you recover from loss."', "NaN")
    result = convert(text)
    assert result.warnings == [
        "pillars[0] (dataSafety).questions[0] (Q_1).description: a bare NaN in the JSON, not text; read as empty"
    ]
    guidance = result.data["dimensions"][0]["questions"][0]["guidance"]
    assert guidance == "Lens question id: Q_1."
    assert isinstance(guidance, str)


def test_a_long_run_of_not_is_read_and_evaluated_without_deep_recursion() -> None:
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "!" * 3001 + "Q_1_a"
    fw = convert(lens).framework
    assert risk_of(fw, "q_1", {"Q_1_a"}) == "medium"
    assert risk_of(fw, "q_1", set()) == "none"


# --- refused, with the place named ---------------------------------------------------------

Q = "pillars[0] (dataSafety).questions[0] (Q_1)"


def test_malformed_json_names_line_and_column() -> None:
    message = refused('{\n  "name": "x",\n  "pillars": [,]\n}')
    assert message == "lens.json: line 3, column 15: invalid JSON: Expecting value"


def test_a_lens_over_the_size_limit_is_refused_before_parsing() -> None:
    text = json.dumps(tiny_lens()) + " " * (3 * 1024 * 1024)
    assert "the lens is 3.1 MB; a lens may be at most 2 MiB" in refused(text)


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ("Q_1_a; rm -rf /", "unexpected character ';' at position 6"),
        ("eval(Q_1_a)", "unexpected '(' at position 5"),
        ("__import__('os')", "unexpected character '_' at position 1"),
        ("(" * 150 + "Q_1_a" + ")" * 150, "condition nested too deeply"),
        ("Q_1_a &&", "condition ends where a choice id or '(' was expected"),
        ("(Q_1_a || Q_1_b", "'(' at position 1 is never closed"),
    ],
)
def test_a_condition_that_does_not_parse_is_refused(condition: str, fragment: str) -> None:
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["riskRules"][1]["condition"] = condition
    message = refused(lens)
    assert message.startswith(f"lens.json: {Q}.riskRules[1].condition: ")
    assert fragment in message


def test_a_rule_naming_an_unknown_choice_is_refused() -> None:
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "Q_1_a && Q_1_z"
    assert (
        refused(lens)
        == f"lens.json: {Q}.riskRules[0].condition: names 'Q_1_z', which is not a choice of this question"
    )


def test_wrong_types_are_refused_with_their_place() -> None:
    assert refused({"name": "x", "pillars": {"a": 1}}) == "lens.json: pillars: must be a list, not a mapping"
    assert refused(tiny_lens(title=42)) == f"lens.json: {Q}.title: must be text, not a number"
    message = refused(tiny_lens(choices="Q_1_a"))
    assert f"{Q}.choices: must be a list" in message
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["choices"][1]["id"] = float("nan")
    assert f"lens.json: {Q}.choices[1].id: must be text, not a bare NaN" in refused(json.dumps(lens))
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["riskRules"][2]["risk"] = "LOW_RISK"
    assert (
        refused(lens)
        == f"lens.json: {Q}.riskRules[2].risk: unknown risk 'LOW_RISK' (NO_RISK, MEDIUM_RISK or HIGH_RISK)"
    )
    assert refused([1, 2]) == "lens.json: a lens must be a JSON object with name, description and pillars"


def test_missing_parts_are_refused() -> None:
    assert refused({"name": "x"}) == "lens.json: pillars: required field is missing"
    assert refused(tiny_lens() | {"name": ""}) == "lens.json: name: the lens has no name"
    assert (
        refused(tiny_lens() | {"name": "***"})
        == "lens.json: name: '***' gives no framework id; name one when importing (--id)"
    )
    assert refused({"name": "x", "pillars": []}) == "lens.json: pillars: the lens has no pillars"
    lens = tiny_lens()
    lens["pillars"][0]["questions"] = []
    assert refused(lens) == "lens.json: pillars[0] (dataSafety).questions: the pillar has no questions"
    assert refused(tiny_lens(choices=[])) == f"lens.json: {Q}.choices: the question has no choices"
    assert refused(tiny_lens(riskRules=[])) == f"lens.json: {Q}.riskRules: the question has no risk rules"
    message = refused(tiny_lens(id=None))
    assert message == "lens.json: pillars[0] (dataSafety).questions[0].id: required field is missing"


def test_duplicate_ids_are_refused() -> None:
    lens = tiny_lens()
    pillar = lens["pillars"][0]
    other = copy.deepcopy(pillar["questions"][0])
    other["id"] = "q_1"
    pillar["questions"].append(other)
    assert refused(lens) == (
        "lens.json: pillars[0] (dataSafety).questions[1] (q_1).id: question id 'q_1' is the same id as "
        f"{Q} (as 'q_1')"
    )
    lens = tiny_lens()
    choices = lens["pillars"][0]["questions"][0]["choices"]
    choices.append(dict(choices[0]))
    assert refused(lens) == (
        f"lens.json: {Q}.choices[3] (Q_1_a).id: duplicate choice id 'Q_1_a' (first used at {Q}.choices[0] (Q_1_a))"
    )


def test_text_no_database_can_store_is_refused() -> None:
    text = json.dumps(tiny_lens(title="a\u0000b"))
    assert "text contains a NUL (\\u0000) character" in refused(text)


def test_deeply_nested_json_is_refused() -> None:
    assert refused("[" * 100_000 + "]" * 100_000) == "lens.json: the file is nested too deeply to be a lens"
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["choices"][0]["extra"] = json.loads("[" * 20 + "]" * 20)
    assert refused(lens) == "lens.json: the file is nested more than 16 levels deep"
    text = json.dumps(tiny_lens(title="a\ud800b"))
    assert "text is not valid Unicode text (a lone surrogate)" in refused(text)


def test_every_problem_is_listed_at_once() -> None:
    lens = tiny_lens(title=1)
    lens["pillars"][0]["questions"][0]["riskRules"][2]["risk"] = "LOW"
    message = refused(lens)
    assert len(message.splitlines()) == 2


def test_slugify() -> None:
    assert slugify("operationalExcellence") == "operational-excellence"
    assert slugify("OPS_1") == "ops_1"
    assert (
        slugify("Amazon Machine Learning - IDP Lens", split_camel=False) == "amazon-machine-learning-idp-lens"
    )
    assert slugify("___") == ""


# --- the command ---------------------------------------------------------------------------


def test_import_lens_help_has_an_example() -> None:
    result = run("frameworks", "import-lens", "--help")
    assert result.exit_code == 0
    assert "frameworks import-lens my-lens.json -o my-lens.yaml" in " ".join(result.output.split())


def test_import_lens_writes_a_framework_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "ecs.yaml"
    result = run("frameworks", "import-lens", str(LENSES / "ecs.json"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr
    assert "(NET3).riskRules: no 'default' rule" in result.stderr
    assert "as amazon-ecs-lens@1.0: 7 pillars, 36 questions, 151 choices, 1 warning" in result.stdout
    assert out.read_text().startswith("# Imported by `mlops-scorecard frameworks import-lens`")
    check = run("frameworks", "validate", str(out))
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith("ok: amazon-ecs-lens@1.0: 7 dimensions, 36 questions")
    shown = run("frameworks", "show", str(out))
    assert shown.stdout.splitlines()[1] == "Source: Amazon ECS Lens"
    # again without --force: refused, the file untouched
    before = out.read_bytes()
    again = run("frameworks", "import-lens", str(LENSES / "ecs.json"), "-o", str(out))
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert out.read_bytes() == before


def test_import_lens_to_standard_output_with_id_and_version() -> None:
    result = run(
        "frameworks", "import-lens", str(LENSES / "personalize-v1.0.json"), "--id", "pz", "--version", "2.0"
    )
    assert result.exit_code == 0, result.output
    assert "\nid: pz\nversion: '2.0'\n" in result.stdout
    assert "as pz@2.0: 4 pillars, 11 questions, 26 choices" in result.stderr


def test_import_lens_refused_writes_nothing(tmp_path: Path) -> None:
    lens = tiny_lens()
    lens["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "Q_1_a; Q_1_b"
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(lens))
    out = tmp_path / "out.yaml"
    result = run("frameworks", "import-lens", str(src), "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"error: {src}: {Q}.riskRules[0].condition: unexpected character ';'")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_import_lens_refuses_a_file_over_the_limit(tmp_path: Path) -> None:
    src = tmp_path / "big.json"
    src.write_text(json.dumps(tiny_lens()) + " " * (3 * 1024 * 1024))
    result = run("frameworks", "import-lens", str(src))
    assert result.exit_code == 1
    assert result.stderr == f"error: {src}: file is larger than 2 MiB\n"
