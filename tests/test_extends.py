"""``extends``: a framework built on another, each patch operation, chains, cycles, and
problems at the patch's own lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.framework import (
    Framework,
    get_framework,
    is_patch,
    load_framework,
    parse_framework,
    parse_framework_text,
    standalone_document,
)

Write = Callable[[str, str], Path]

BASE = """\
id: tiny
version: "1"
title: Tiny
description: The base
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50}
evidence:
  ci: [g2, d1]
profile:
  - id: prod
    text: Models in production?
    options:
      - {id: "yes", label: "Yes", prioritise: [g2, d1]}
      - {id: "no", label: "No", not_applicable: {g2: no models, d1: none}}
dimensions:
  - id: governance
    title: Governance
    questions:
      - {id: g1, text: First}
      - {id: g2, text: Second, weight: 2}
      - {id: g3, text: Third, set: extended}
  - id: deployment
    title: Deployment
    questions:
      - {id: d1, text: Deploy}
"""


def tiny() -> Framework:
    return parse_framework(yaml.safe_load(BASE))


def lookup(ref: str) -> Framework:
    """Finds ``tiny@1`` (or ``tiny``); anything else is unknown, as a lookup reports it."""
    if ref in ("tiny", "tiny@1"):
        return tiny()
    raise FrameworkError(f"unknown framework {ref!r}")


def patch(text: str) -> Framework:
    body = 'extends: tiny@1\nid: mine\nversion: "2"\n' + text
    return parse_framework_text(body, source="mine.yaml", lookup=lookup)


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        patch(text)
    return str(info.value).splitlines()


def qids(fw: Framework, dim: str) -> list[str]:
    d = fw.dimension(dim)
    assert d is not None
    return [q.id for q in d.questions]


def test_nothing_but_identity_keeps_the_base() -> None:
    fw = patch("")
    assert fw.ref == "mine@2"
    assert fw.extends == "tiny@1"
    assert fw.title == "Tiny"
    assert [d.id for d in fw.dimensions] == ["governance", "deployment"]
    assert qids(fw, "governance") == ["g1", "g2", "g3"]
    assert fw.evidence == {"ci": ["g2", "d1"]}


def test_top_level_keys_replace() -> None:
    fw = patch("title: Mine\noverall: minimum\nlevels:\n  - {id: only, name: Only, min: 0}\n")
    assert (fw.title, fw.overall, [lv.id for lv in fw.levels]) == ("Mine", "minimum", ["only"])
    assert fw.description == "The base"


def test_reword_and_reweight_a_question_keeps_its_other_fields() -> None:
    fw = patch("dimensions:\n  - id: governance\n    questions:\n      - {id: g2, text: Reworded}\n")
    found = fw.question("g2")
    assert found is not None
    assert (found[1].text, found[1].weight) == ("Reworded", 2.0)
    fw = patch(
        "dimensions:\n  - id: governance\n    weight: 3\n    questions:\n      - {id: g1, weight: 5}\n"
    )
    g1 = fw.question("g1")
    assert g1 is not None
    assert g1[1].weight == 5.0
    assert g1[1].text == "First"
    dim = fw.dimension("governance")
    assert dim is not None
    assert (dim.weight, dim.title) == (3.0, "Governance")


def test_new_questions_at_the_end_or_placed() -> None:
    fw = patch(
        "dimensions:\n  - id: governance\n    questions:\n"
        "      - {id: g9, text: Last}\n"
        "      - {id: g0, text: Early, after: g1}\n"
        "      - {id: g00, text: Earliest, before: g1}\n"
    )
    assert qids(fw, "governance") == ["g00", "g1", "g0", "g2", "g3", "g9"]


def test_an_existing_question_moves_with_after() -> None:
    fw = patch("dimensions:\n  - id: governance\n    questions:\n      - {id: g1, after: g3}\n")
    assert qids(fw, "governance") == ["g2", "g3", "g1"]


def test_new_dimension_added_or_placed() -> None:
    fw = patch(
        "dimensions:\n  - id: security\n    title: Security\n    before: deployment\n"
        "    questions:\n      - {id: s1, text: Secrets}\n"
    )
    assert [d.id for d in fw.dimensions] == ["governance", "security", "deployment"]


def test_drop_removes_and_prunes_evidence_and_profile() -> None:
    fw = patch("drop:\n  questions: [g2]\n  dimensions: [deployment]\n")
    assert [d.id for d in fw.dimensions] == ["governance"]
    assert qids(fw, "governance") == ["g1", "g3"]
    assert fw.evidence == {}
    options = {o.id: o for o in fw.profile[0].options}
    assert options["yes"].prioritise == []
    assert options["no"].not_applicable == {}


def test_drop_then_add_moves_a_question_to_another_dimension() -> None:
    fw = patch(
        "drop: {questions: [g1]}\n"
        "dimensions:\n  - id: deployment\n    questions:\n      - {id: g1, text: Moved}\n"
    )
    assert qids(fw, "governance") == ["g2", "g3"]
    assert qids(fw, "deployment") == ["d1", "g1"]


def test_history_is_not_inherited(write: Write) -> None:
    base = BASE + "previous: tiny@0\nchanges:\n  - {kind: added, to: [g3]}\n"
    path = write("base.yaml", base)
    ext = write("ext.yaml", f'extends: {path.name}\nid: mine\nversion: "1"\n')
    fw = load_framework(ext)
    assert (fw.previous, fw.changes) == ("", [])
    assert fw.extends == "tiny@1"


def test_builtin_base_without_a_lookup() -> None:
    text = (
        "extends: mlops-scorecard@1.0.0\nid: acme\nversion: '1'\ntitle: ACME\n"
        "drop: {questions: [gov-team]}\n"
        "dimensions:\n  - id: governance\n    questions:\n      - {id: gov-strategy, text: ACME strategy?}\n"
    )
    fw = parse_framework_text(text, source="acme.yaml")
    base = get_framework("mlops-scorecard@1.0.0")
    assert len(list(fw.iter_questions())) == len(list(base.iter_questions())) - 1
    found = fw.question("gov-strategy")
    assert found is not None
    assert found[1].text == "ACME strategy?"
    assert fw.question("gov-team") is None


def test_a_bare_id_is_pinned_to_the_version_found() -> None:
    fw = parse_framework_text("extends: tiny\nid: mine\nversion: '1'\n", lookup=lookup)
    assert fw.extends == "tiny@1"


def test_chain_of_files(write: Write) -> None:
    write(
        "b.yaml",
        "extends: mlops-scorecard@1.0.0\nid: b\nversion: '1'\ntitle: B\ndrop: {dimensions: [monitoring]}\n",
    )
    a = write("a.yaml", "extends: b.yaml\nid: a\nversion: '1'\ntitle: A\ndrop: {dimensions: [deployment]}\n")
    fw = load_framework(a)
    assert fw.extends == "b@1"
    ids = [d.id for d in fw.dimensions]
    assert "monitoring" not in ids
    assert "deployment" not in ids
    assert "governance" in ids


def test_chain_through_a_lookup() -> None:
    middle = patch("title: Middle\n")

    def chained(ref: str) -> Framework:
        return middle if ref == "mine@2" else lookup(ref)

    fw = parse_framework_text("extends: mine@2\nid: top\nversion: '1'\n", lookup=chained)
    assert (fw.title, fw.extends) == ("Middle", "mine@2")


def test_cycle_of_files_is_refused(write: Write) -> None:
    write("b.yaml", "extends: a.yaml\nid: b\nversion: '1'\n")
    a = write("a.yaml", "id: a\nextends: b.yaml\nversion: '1'\n")
    with pytest.raises(FrameworkError) as info:
        load_framework(a)
    message = str(info.value)
    assert "line 2: extends:" in message
    assert "a cycle of files" in message
    assert message.count("a.yaml") >= 3


def test_cycle_through_a_lookup_is_refused() -> None:
    # a lookup whose framework records that it was built on the one being resolved
    looped = tiny().model_copy(update={"extends": "mine@2"})

    def loop(ref: str) -> Framework:
        return looped if ref == "tiny@1" else patch("")

    with pytest.raises(FrameworkError, match=r"line 1: extends: a cycle: mine@2 -> tiny@1 -> mine@2"):
        parse_framework_text('extends: tiny@1\nid: mine\nversion: "2"\n', lookup=loop)


def test_extending_itself_is_a_cycle() -> None:
    def itself(ref: str) -> Framework:
        return tiny()

    with pytest.raises(FrameworkError, match="a cycle: tiny@1 -> tiny@1"):
        parse_framework_text("extends: tiny@1\nid: tiny\nversion: '1'\n", lookup=itself)


def test_unknown_base_at_the_extends_line() -> None:
    text = "id: mine\nversion: '1'\nextends: nothing@1\n"
    with pytest.raises(FrameworkError, match=r"mine.yaml: line 3: extends: unknown framework 'nothing@1'"):
        parse_framework_text(text, source="mine.yaml", lookup=lookup)


def test_patch_needs_its_own_id_and_version() -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework_text("extends: tiny@1\ntitle: x\n", source="p.yaml", lookup=lookup)
    assert str(info.value).splitlines() == [
        "p.yaml: line 1: id: required field is missing",
        "p.yaml: line 1: version: required field is missing",
    ]


def test_unknown_fields_in_the_patch_at_their_line() -> None:
    assert problems(
        "dimensions:\n  - id: governance\n    wieght: 2\n    questions:\n      - {id: g1, colour: red}\n"
    ) == [
        "mine.yaml: line 8: dimensions[0] (governance).questions[0] (g1).colour: unknown field",
        "mine.yaml: line 6: dimensions[0] (governance).wieght: unknown field",
    ]
    assert problems("drop: {questions: [g1], levels: [low]}\n") == [
        "mine.yaml: line 4: drop.levels: unknown field"
    ]


def test_unknown_ids_at_their_line() -> None:
    found = problems(
        "drop:\n  dimensions: [nope]\n  questions:\n    - g1\n    - gone\n"
        "dimensions:\n  - id: governance\n    after: nowhere\n    questions:\n"
        "      - {id: g5, text: x, after: d1}\n      - {id: d1, text: elsewhere}\n"
    )
    assert found == [
        "mine.yaml: line 5: drop.dimensions[0]: unknown dimension id 'nope' in the base",
        "mine.yaml: line 8: drop.questions[1]: unknown question id 'gone' in the base",
        "mine.yaml: line 14: dimensions[0] (governance).questions[1] (d1).id: question 'd1' is in dimension "
        "'deployment': patch it there, or drop it (drop: questions) and add it here",
        "mine.yaml: line 11: dimensions[0] (governance).after: unknown dimension id 'nowhere'",
        "mine.yaml: line 13: dimensions[0] (governance).questions[0] (g5).after: unknown question id 'd1' "
        "in this dimension",
    ]


def test_given_twice_and_after_with_before() -> None:
    found = problems(
        "dimensions:\n  - id: governance\n    questions:\n      - {id: g1, after: g2, before: g3}\n"
        "  - id: governance\n"
    )
    assert found == [
        "mine.yaml: line 8: dimensions[1] (governance).id: dimension 'governance' is given twice in this file",
        "mine.yaml: line 7: dimensions[0] (governance).questions[0] (g1).before: give 'after' or 'before', not both",
    ]


def test_value_errors_at_the_patch_lines_with_patch_places() -> None:
    found = problems(
        "title: ''\n"
        "dimensions:\n"
        "  - id: deployment\n"
        "    weight: 0\n"
        "    questions:\n"
        "      - id: d1\n"
        "        text: ''\n"
        "      - {id: d2, weight: 2}\n"
        "  - id: security\n"
        "    description: no title, no questions\n"
    )
    assert found == [
        "mine.yaml: line 4: title: String should have at least 1 character",
        "mine.yaml: line 7: dimensions[0] (deployment).weight: Input should be greater than 0",
        "mine.yaml: line 10: dimensions[0] (deployment).questions[0] (d1).text: String should have at least 1 character",
        "mine.yaml: line 11: dimensions[0] (deployment).questions[1] (d2).text: required field is missing",
        "mine.yaml: line 12: dimensions[1] (security).title: required field is missing",
        "mine.yaml: line 12: dimensions[1] (security).questions: required field is missing",
    ]


def test_checks_across_fields_point_at_the_patch() -> None:
    found = problems(
        "dimensions:\n"
        "  - id: security\n"
        "    title: Security\n"
        "    questions:\n"
        "      - {id: s1, text: x, set: extended, must_have: top}\n"
        "drop:\n"
        "  questions: [g1, g2]\n"
    )
    assert found == [
        "mine.yaml: line 10: dimensions[0] (governance) (after extending tiny@1): has no core question",
        "mine.yaml: line 5: dimensions[0] (security): has no core question",
        "mine.yaml: line 8: dimensions[0] (security).questions[0] (s1).must_have: unknown level id 'top'",
    ]


def test_a_problem_only_the_base_holds_points_at_extends() -> None:
    # new levels without the one a base question needs: the question is the base's
    base = BASE.replace("{id: g1, text: First}", "{id: g1, text: First, must_have: high}")

    def strict(ref: str) -> Framework:
        return parse_framework(yaml.safe_load(base))

    text = 'extends: tiny@1\nid: mine\nversion: "2"\nlevels:\n  - {id: only, name: Only, min: 0}\n'
    with pytest.raises(FrameworkError) as info:
        parse_framework_text(text, source="mine.yaml", lookup=strict)
    assert str(info.value) == (
        "mine.yaml: line 1: dimensions[0] (governance).questions[0] (g1).must_have (after extending tiny@1): "
        "unknown level id 'high'"
    )


def test_json_patch_lines() -> None:
    text = (
        '{\n  "extends": "tiny@1",\n  "id": "mine",\n  "version": "2",\n  "drop": {"questions": ["zz"]}\n}\n'
    )
    with pytest.raises(
        FrameworkError, match=r"j.json: line 5: drop.questions\[0\]: unknown question id 'zz'"
    ):
        parse_framework_text(text, source="j.json", as_json=True, lookup=lookup)


def test_standalone_document_round_trips_without_extends() -> None:
    fw = patch("drop: {questions: [g3]}\ntitle: Mine\n")
    doc = standalone_document(fw)
    assert "extends" not in doc
    assert not is_patch(doc)
    again = parse_framework(doc)
    assert again.model_dump(exclude={"extends"}) == fw.model_dump(exclude={"extends"})


def test_validate_command_on_an_extending_file(write: Write) -> None:
    from typer.testing import CliRunner

    from mlops_scorecard.cli import app

    ok = write(
        "ok.yaml", "extends: mlops-scorecard@1.0.0\nid: acme\nversion: '1'\ndrop: {questions: [gov-team]}\n"
    )
    result = CliRunner().invoke(app, ["frameworks", "validate", str(ok)])
    assert result.exit_code == 0, result.output
    assert "acme@1" in result.output
    assert "47 questions" in result.output
    bad = write(
        "bad.yaml", "extends: mlops-scorecard@1.0.0\nid: acme\nversion: '1'\ndrop: {questions: [nope]}\n"
    )
    result = CliRunner().invoke(app, ["frameworks", "validate", str(bad)])
    assert result.exit_code != 0
    assert "line 4: drop.questions[0]: unknown question id 'nope'" in result.output
