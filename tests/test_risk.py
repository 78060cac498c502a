"""The risk-rule condition language (framework.risk): parsing, evaluation, errors.

Conditions are taken from real AWS lenses (the ORR lens in shared anchors) and evaluated
by hand for the selections below."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_scorecard.framework.risk import RiskRuleError, first_risk, parse_condition

# (condition, selected choices, expected truth), each worked out by hand
CASES = [
    ("default", set(), True),
    ("a", {"a"}, True),
    ("a", {"b"}, False),
    ("!a", set(), True),
    ("!!a", {"a"}, True),
    ("a && b", {"a"}, False),
    ("a && b", {"a", "b"}, True),
    ("a || b", {"b"}, True),
    ("a || b", set(), False),
    # && binds tighter than ||: (a && !b) || c
    ("a && !b || c", {"c", "b"}, True),
    ("a && !b || c", {"a", "b"}, False),
    ("a && !b || c", {"a"}, True),
    ("((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)", {"choice_3"}, True),
    ("((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)", {"choice_1"}, False),
    ("!wafr || !no_high_risk", {"wafr", "no_high_risk"}, False),
    ("!wafr || !no_high_risk", {"wafr"}, True),
    ("wafr && no_high_risk && !no_medium_risk", {"wafr", "no_high_risk"}, True),
    ("wafr && no_high_risk && !no_medium_risk", {"wafr", "no_high_risk", "no_medium_risk"}, False),
    ("  (onlyAWS && !thirdParty) ", {"onlyAWS"}, True),
    ("(!onlyAWS || thirdParty)", {"onlyAWS"}, False),
]


@pytest.mark.parametrize(("condition", "selected", "expected"), CASES)
def test_conditions_evaluate_as_worked_out_by_hand(
    condition: str, selected: set[str], expected: bool
) -> None:
    assert parse_condition(condition).holds(selected) is expected


def test_names_are_the_choice_ids_read() -> None:
    c = parse_condition("(!data_flow_diagram && architecture_diagram) || !dataimpact_radius_flow_diagram")
    assert c.names() == {"data_flow_diagram", "architecture_diagram", "dataimpact_radius_flow_diagram"}
    assert parse_condition("default").names() == set()


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("", "empty condition"),
        ("a &&", "condition ends where a choice id or '(' was expected"),
        ("(a", "'(' at position 1 is never closed"),
        ("a b", "unexpected 'b' at position 3"),
        ("a & b", "unexpected character '&' at position 2"),
        ("a)", "unexpected ')' at position 2"),
        ("default && a", "'default' must stand alone"),
        ("__import__('os')", "unexpected character '_' at position 1"),
        ("a; b", "unexpected character ';' at position 2"),
        ("(" * 200 + "a" + ")" * 200, "nested too deeply"),
    ],
)
def test_bad_conditions_say_where(condition: str, message: str) -> None:
    with pytest.raises(RiskRuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_condition(condition)


def test_the_first_rule_that_holds_decides() -> None:
    rules = [
        (parse_condition("a && b"), "none"),
        (parse_condition("!a"), "high"),
        (parse_condition("default"), "medium"),
    ]
    assert first_risk(rules, {"a", "b"}) == "none"
    assert first_risk(rules, {"b"}) == "high"
    assert first_risk(rules, {"a"}) == "medium"
    # a lens without a default rule: nothing holds
    assert first_risk(rules[:2], {"a"}) is None


ids = st.sampled_from(["a", "b", "c"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, object]:
    """A random condition and the same expression as a Python predicate tree."""
    if depth > 3 or draw(st.booleans()):
        name = draw(ids)
        return name, ("id", name)
    op = draw(st.sampled_from(["!", "&&", "||"]))
    if op == "!":
        text, tree = draw(expressions(depth + 1))
        return f"!({text})", ("not", tree)
    left, lt = draw(expressions(depth + 1))
    right, rt = draw(expressions(depth + 1))
    return f"({left}) {op} ({right})", (op, lt, rt)


def _truth(tree: object, selected: set[str]) -> bool:
    kind = tree[0]  # type: ignore[index]
    if kind == "id":
        return tree[1] in selected  # type: ignore[index]
    if kind == "not":
        return not _truth(tree[1], selected)  # type: ignore[index]
    left, right = _truth(tree[1], selected), _truth(tree[2], selected)  # type: ignore[index]
    return (left and right) if kind == "&&" else (left or right)


@given(expressions())
def test_fully_parenthesised_conditions_agree_with_boolean_logic(expr: tuple[str, object]) -> None:
    text, tree = expr
    condition = parse_condition(text)
    for n in range(4):
        for selected in itertools.combinations("abc", n):
            assert condition.holds(set(selected)) is _truth(tree, set(selected))
