"""Framework versions: the question mapping a version declares, checked against the
previous version (errors name the change and the id), chains of versions, mappings read
backwards, matching by id, and the diff of two versions."""

from __future__ import annotations

from typing import Any

import pytest

from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.framework import (
    Framework,
    diff,
    get_framework,
    parse_framework,
    version_mapping,
)

LEVELS = [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}]


def make(
    version: str,
    dims: dict[str, list[str]],
    *,
    previous: str = "",
    changes: list[dict[str, Any]] | None = None,
    weights: dict[str, float] | None = None,
) -> Framework:
    data: dict[str, Any] = {
        "id": "inline",
        "version": version,
        "title": "Inline",
        "levels": LEVELS,
        "dimensions": [
            {
                "id": did,
                "title": did.upper(),
                "questions": [
                    {"id": q, "text": f"Question {q}?", "weight": (weights or {}).get(q, 1)} for q in qs
                ],
            }
            for did, qs in dims.items()
        ],
    }
    if previous:
        data["previous"] = previous
    if changes is not None:
        data["changes"] = changes
    return parse_framework(data)


V1 = make("1", {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b3"]})

V2_CHANGES: list[dict[str, Any]] = [
    {"kind": "renamed", "from": "a1", "to": "a1-new", "note": "clearer wording"},
    {"kind": "split", "from": "a2", "to": ["a2-x", "a2-y"]},
    {"kind": "merged", "from": ["a3", "a4"], "to": "a34"},
    {"kind": "removed", "from": "b3"},
    {"kind": "added", "to": "b9"},
]
V2 = make(
    "2",
    {"a": ["a1-new", "a2-x", "a2-y", "a34"], "b": ["b1", "b2", "b9"]},
    previous="inline@1",
    changes=V2_CHANGES,
)


def lookup_of(*frameworks: Framework) -> Any:
    known = {f.ref: f for f in frameworks}

    def lookup(ref: str) -> Framework:
        if ref not in known:
            raise FrameworkError(f"unknown framework {ref!r}")
        return known[ref]

    return lookup


def test_each_kind_of_change_maps_the_questions() -> None:
    m = version_mapping(V1, V2)
    assert m.source == "declared"
    assert not m.derived
    kinds = {(ln.kind, ln.old, ln.new) for ln in m.links}
    assert kinds == {
        ("renamed", ("a1",), ("a1-new",)),
        ("split", ("a2",), ("a2-x", "a2-y")),
        ("merged", ("a3", "a4"), ("a34",)),
        ("removed", ("b3",), ()),
        ("added", (), ("b9",)),
        ("same", ("b1",), ("b1",)),
        ("same", ("b2",), ("b2",)),
    }
    # implicit "same" links are not declared; the changes are
    assert [ln.declared for ln in m.links if ln.kind == "same"] == [False, False]
    assert m.sources_of("a2-y") == ("a2",)
    assert m.sources_of("a34") == ("a3", "a4")
    assert m.sources_of("b9") == ()
    assert m.targets_of("a2") == ("a2-x", "a2-y")
    assert m.targets_of("b3") == ()
    assert (m.removed, m.added) == (["b3"], ["b9"])
    assert m.summary() == "2 same, 1 renamed, 1 split, 1 merged, 1 removed, 1 added"
    assert m.link_of_new("a1-new") is not None
    assert m.link_of_new("a1-new").note == "clearer wording"  # type: ignore[union-attr]
    # links in the new framework's order, removed ones last
    assert [ln.kind for ln in m.links] == ["renamed", "split", "merged", "same", "same", "added", "removed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            [*V2_CHANGES[:4], {"kind": "added", "to": "b9"}, {"kind": "removed", "from": "zz"}],
            "changes[5] (removed).from: inline@1 has no question 'zz'",
        ),
        (
            [*V2_CHANGES, {"kind": "removed", "from": "a1"}],
            "changes[5] (removed).from: 'a1' is already named by changes[0]",
        ),
        (
            V2_CHANGES[:3] + V2_CHANGES[4:],
            "inline@1's question 'b3' is not in inline@2 and no change names it",
        ),
        (V2_CHANGES[:4], "question 'b9' is not in inline@1 and no change names it (add an 'added' change)"),
        (
            [*V2_CHANGES, {"kind": "added", "to": "b9"}],
            "changes[5] (added).to: 'b9' is already named by changes[4]",
        ),
    ],
)
def test_a_mapping_that_does_not_fit_names_the_change_and_the_id(
    changes: list[dict[str, Any]], message: str
) -> None:
    v2 = make(
        "2",
        {"a": ["a1-new", "a2-x", "a2-y", "a34"], "b": ["b1", "b2", "b9"]},
        previous="inline@1",
        changes=changes,
    )
    with pytest.raises(FrameworkError) as err:
        version_mapping(V1, v2)
    assert message in str(err.value)
    assert str(err.value).startswith("inline@2: ")  # the framework whose changes are wrong


def test_an_id_cannot_be_both_the_same_question_and_a_changed_one() -> None:
    # b1 is renamed, yet v2 still has a b1 that no change names
    v2 = make(
        "2",
        {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b1-new", "b2", "b3"]},
        previous="inline@1",
        changes=[{"kind": "renamed", "from": "b1", "to": "b1-new"}],
    )
    with pytest.raises(FrameworkError, match=r"changes\[0\]\.from: 'b1' is also a question of inline@2"):
        version_mapping(V1, v2)
    # b2 is the target of a split, yet v1's own b2 is named by no change
    v2 = make(
        "2",
        {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b2b", "b3"]},
        previous="inline@1",
        changes=[{"kind": "split", "from": "b1", "to": ["b2", "b2b"]}],
    )
    with pytest.raises(FrameworkError, match=r"changes\[0\]\.to: 'b2' is also a question of inline@1"):
        version_mapping(V1, v2)
    # renamed to itself
    v2 = make(
        "2",
        {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b3"]},
        previous="inline@1",
        changes=[{"kind": "renamed", "from": "a1", "to": "a1"}],
    )
    with pytest.raises(FrameworkError, match=r"changes\[0\] \(renamed\): 'a1' is renamed to itself"):
        version_mapping(V1, v2)


def test_an_explicit_same_may_keep_the_id() -> None:
    v2 = make(
        "2",
        {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b3"]},
        previous="inline@1",
        changes=[{"kind": "same", "from": "a1", "to": "a1", "note": "reworded"}],
    )
    m = version_mapping(V1, v2)
    link = m.link_of_new("a1")
    assert link is not None
    assert (link.kind, link.declared, link.note) == ("same", True, "reworded")
    assert m.counts()["same"] == 7


def test_no_declaration_matches_by_id_and_says_so() -> None:
    plain = make("2", {"a": ["a1", "a2", "a9"], "b": ["b1", "b2", "b3"]})
    m = version_mapping(V1, plain)
    assert m.derived
    assert m.source == "by-id"
    assert "no mapping is declared from inline@1 to inline@2" in m.describe()
    assert "inline@2 declares no previous version" in m.reason
    assert (m.removed, m.added) == (["a3", "a4"], ["a9"])
    assert m.sources_of("a1") == ("a1",)
    same = version_mapping(V1, V1)
    assert same.source == "same-version"
    assert same.summary() == "7 same"


def test_a_chain_of_versions_is_composed() -> None:
    # 1 -> 2 (V2's changes) -> 3: a2-x and a2-y merged back, a34 split, b9 renamed, b1 removed
    v3 = make(
        "3",
        {"a": ["a1-new", "a2", "a34-p", "a34-q"], "b": ["b2", "b99"]},
        previous="inline@2",
        changes=[
            {"kind": "merged", "from": ["a2-x", "a2-y"], "to": "a2"},
            {"kind": "split", "from": "a34", "to": ["a34-p", "a34-q"]},
            {"kind": "renamed", "from": "b9", "to": "b99"},
            {"kind": "removed", "from": "b1"},
        ],
    )
    m = version_mapping(V1, v3, lookup=lookup_of(V2))
    assert m.source == "chain"
    assert m.path == ("inline@1", "inline@2", "inline@3")
    kinds = {(ln.kind, ln.old, ln.new) for ln in m.links}
    assert kinds == {
        ("renamed", ("a1",), ("a1-new",)),
        ("renamed", ("a2",), ("a2",)),  # split, then merged back: one to one, not "same"
        ("merged", ("a3", "a4"), ("a34-p", "a34-q")),  # merged then split: several onto several
        ("same", ("b2",), ("b2",)),
        ("added", (), ("b99",)),  # added in 2, renamed in 3: still nothing from 1
        ("removed", ("b1",), ()),
        ("removed", ("b3",), ()),
    }
    assert m.sources_of("a34-q") == ("a3", "a4")
    assert next(ln for ln in m.links if ln.new == ("a1-new",)).note == "clearer wording"
    assert "inline@1 -> inline@2 -> inline@3" in m.describe()
    # without the middle version the chain cannot be followed: matched by id, and why
    alone = version_mapping(V1, v3, lookup=lookup_of())
    assert alone.derived
    assert "inline@3 follows inline@2, which is not available" in alone.reason


def test_an_older_framework_declaring_the_mapping_is_read_backwards() -> None:
    m = version_mapping(V2, V1)
    assert m.source == "reversed"
    kinds = {(ln.kind, ln.old, ln.new) for ln in m.links}
    assert ("merged", ("a2-x", "a2-y"), ("a2",)) in kinds
    assert ("split", ("a34",), ("a3", "a4")) in kinds
    assert ("added", (), ("b3",)) in kinds
    assert ("removed", ("b9",), ()) in kinds
    assert m.sources_of("a2") == ("a2-x", "a2-y")
    assert m.sources_of("a4") == ("a34",)


def test_a_loop_of_previous_versions_is_reported() -> None:
    a = make("7", {"a": ["a1"]}, previous="inline@8")
    b = make("8", {"a": ["a1"]}, previous="inline@7")
    m = version_mapping(V1, a, lookup=lookup_of(a, b))
    assert m.derived
    assert "loop" in m.reason


def test_diff_lists_questions_dimensions_scale_and_levels() -> None:
    data: dict[str, Any] = V2.model_dump(mode="json", by_alias=True)
    data["version"] = "2.1"
    data["previous"] = "inline@2"
    data["changes"] = []
    a, b = data["dimensions"]
    a["questions"][0]["text"] = "A new wording?"
    a["questions"][1]["weight"] = 2
    b["questions"].append(a["questions"].pop(2))  # a2-y moves to b
    b["weight"] = 3
    data["dimensions"].append({"id": "c", "title": "C", "questions": [{"id": "c1", "text": "C1?"}]})
    data["changes"] = [{"kind": "added", "to": "c1"}]
    data["scale"] = {"yes": 1, "partly": 0.6, "no": 0, "na": {"label": "N/A"}, "unknown": {"label": "?"}}
    data["levels"] = [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 60}]
    data["overall"] = "minimum"
    v21 = parse_framework(data)
    d = diff(V2, v21)
    by_new = {q.link.new: q for q in d.questions}
    assert by_new[("a1-new",)].changed == {"text": ("Question a1-new?", "A new wording?")}
    assert by_new[("a2-x",)].changed == {"weight": (1.0, 2.0)}
    assert by_new[("a2-y",)].changed == {"dimension": ("a", "b")}
    assert by_new[("c1",)].kind == "added"
    assert d.dimensions_added == ["c"]
    assert [(x.id, x.changed) for x in d.dimensions_changed] == [("b", {"weight": (1.0, 3.0)})]
    assert any(line.startswith("partly:") for line in d.scale)
    assert d.levels == ["high: High from 50 -> High from 60"]
    assert d.rules == ["overall: weighted-mean -> minimum"]
    assert d.summary() == (
        "7 same, 1 added; 1 reworded, 1 reweighted, 1 moved; dimensions: 1 added, 1 reweighted or retitled;"
        " the scale changed; the levels changed; the scoring rules changed"
    )
    data_out = d.to_dict()
    assert data_out["counts"]["weight changed"] == 1
    assert data_out["dimensions"]["added"] == ["c"]


def test_the_built_in_framework_is_the_same_as_itself() -> None:
    fw = get_framework("mlops-scorecard@1.0.0")
    d = diff(fw, fw)
    assert all(q.unchanged for q in d.questions)
    assert d.summary() == "48 same"
