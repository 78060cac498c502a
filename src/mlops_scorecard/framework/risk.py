"""Risk rules: the AWS Well-Architected lens condition language, parsed, never ``eval``-ed.

A condition is ``default`` or a boolean expression over choice ids::

    condition := "default" | or
    or        := and ( "||" and )*
    and       := not ( "&&" not )*
    not       := "!" not | atom
    atom      := CHOICE_ID | "(" or ")"

``&&`` binds tighter than ``||`` (the C convention, as AWS's own lens tooling reads it).
A choice id is true when that choice is selected.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

__all__ = ["Condition", "RiskRuleError", "first_risk", "parse_condition"]

_TOKEN = re.compile(r"\s*(?:(\|\|)|(&&)|(!)|(\()|(\))|([A-Za-z0-9][A-Za-z0-9_.-]*))")
#: Deep nesting is refused rather than recursed into: conditions come from uploads.
_MAX_DEPTH = 100


class RiskRuleError(ValueError):
    """A condition that does not parse; the message says where."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: a tree of ``("or"|"and", [children])``, ``("not", child)``,
    ``("id", name)`` or ``("default",)`` nodes."""

    text: str
    tree: tuple[object, ...]

    def names(self) -> set[str]:
        """The choice ids the condition reads."""
        out: set[str] = set()
        stack: list[tuple[object, ...]] = [self.tree]
        while stack:
            node = stack.pop()
            kind = node[0]
            if kind == "id":
                out.add(str(node[1]))
            elif kind == "not":
                stack.append(node[1])  # type: ignore[arg-type]
            elif kind in ("or", "and"):
                stack.extend(node[1])  # type: ignore[arg-type]
        return out

    def holds(self, selected: Collection[str]) -> bool:
        """Whether the condition is true when ``selected`` are the selected choice ids."""
        return _holds(self.tree, selected)


def _holds(node: tuple[object, ...], selected: Collection[str]) -> bool:
    kind = node[0]
    if kind == "default":
        return True
    if kind == "id":
        return node[1] in selected
    if kind == "not":
        return not _holds(node[1], selected)  # type: ignore[arg-type]
    children: Sequence[tuple[object, ...]] = node[1]  # type: ignore[assignment]
    if kind == "and":
        return all(_holds(c, selected) for c in children)
    return any(_holds(c, selected) for c in children)


def parse_condition(text: str) -> Condition:
    """Parse a condition; raises :class:`RiskRuleError` naming the position of a problem."""
    source = text.strip()
    if source == "default":
        return Condition(text, ("default",))
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            if source[pos:].strip() == "":
                break
            raise RiskRuleError(f"unexpected character {source[pos:].lstrip()[0]!r} at position {pos + 1}")
        kind = ("or", "and", "not", "(", ")", "id")[m.lastindex - 1] if m.lastindex else "id"
        tokens.append((kind, m.group(m.lastindex or 0), m.start(m.lastindex or 0) + 1))
        pos = m.end()
    if not tokens:
        raise RiskRuleError("empty condition")
    parser = _Parser(tokens)
    tree = parser.parse_or(0)
    if parser.i < len(tokens):
        _, value, at = tokens[parser.i]
        raise RiskRuleError(f"unexpected {value!r} at position {at}")
    return Condition(text, tree)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens = tokens
        self.i = 0

    def _peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse_or(self, depth: int) -> tuple[object, ...]:
        if depth > _MAX_DEPTH:
            raise RiskRuleError("condition nested too deeply")
        parts = [self.parse_and(depth)]
        while self._peek() == "or":
            self.i += 1
            parts.append(self.parse_and(depth))
        return parts[0] if len(parts) == 1 else ("or", tuple(parts))

    def parse_and(self, depth: int) -> tuple[object, ...]:
        parts = [self.parse_not(depth)]
        while self._peek() == "and":
            self.i += 1
            parts.append(self.parse_not(depth))
        return parts[0] if len(parts) == 1 else ("and", tuple(parts))

    def parse_not(self, depth: int) -> tuple[object, ...]:
        negations = 0
        while self._peek() == "not":
            self.i += 1
            negations += 1
        node = self.parse_atom(depth)
        # `!!a` is `a`: folding pairs keeps a long run of `!` from nesting the tree as
        # deep as the run is long (evaluation recurses on the tree)
        return ("not", node) if negations % 2 else node

    def parse_atom(self, depth: int) -> tuple[object, ...]:
        if self.i >= len(self.tokens):
            raise RiskRuleError("condition ends where a choice id or '(' was expected")
        kind, value, at = self.tokens[self.i]
        if kind == "id":
            self.i += 1
            if value == "default":
                raise RiskRuleError(f"'default' must stand alone (position {at})")
            return ("id", value)
        if kind == "(":
            self.i += 1
            node = self.parse_or(depth + 1)
            if self._peek() != ")":
                raise RiskRuleError(f"'(' at position {at} is never closed")
            self.i += 1
            return node
        raise RiskRuleError(f"unexpected {value!r} at position {at}")


def first_risk(rules: Sequence[tuple[Condition, str]], selected: Collection[str]) -> str | None:
    """The risk of the first rule whose condition holds for ``selected``; ``None`` when
    none holds (a lens without a ``default`` rule)."""
    for condition, risk in rules:
        if condition.holds(selected):
            return risk
    return None
