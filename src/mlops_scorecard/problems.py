"""Validation problems as readable lines: ``line N: place: message``.

A pydantic error's location becomes a place a person can find
(``dimensions[2] (deployment).questions[0].weight``, naming ids found in the data), and
the line of that place is looked up in the YAML node tree of the text, composed only
when there is a problem to place (JSON is YAML).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from .datafiles import SafeLoader

__all__ = [
    "TextLines",
    "error_message",
    "format_location",
    "place_lines",
    "place_location",
    "validation_problems",
]


def format_location(loc: Sequence[int | str], data: Any = None) -> str:
    """Turn a pydantic error location into ``a[1] (id).b``, naming ids found in ``data``."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                label = _label(node)
                if label:
                    out += f" ({label})"
            else:
                node = None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _label(node: Any) -> str:
    if isinstance(node, dict):
        for key in ("id", "name"):
            value = node.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


_PLACE_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\](?: \([^)]*\))?")


def _place_loc(place: str) -> list[int | str]:
    """The location a place such as ``dimensions[2] (deployment).weight`` names; empty
    unless the whole text is a place."""
    loc: list[int | str] = []
    pos = 0
    while pos < len(place):
        m = _PLACE_PART.match(place, pos)
        if m is None:
            return []
        loc.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    return loc


class _Nodes:
    """The YAML node tree of a text (JSON is YAML), composed once, when first asked for:
    composing a large file takes seconds, and one file may have twenty problems."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.composed = False
        self.root: yaml.Node | None = None

    def get(self) -> yaml.Node | None:
        if not self.composed:
            self.composed = True
            if self.text:
                try:
                    self.root = yaml.compose(self.text, Loader=SafeLoader)
                except yaml.YAMLError:
                    self.root = None
        return self.root


def _line_of(nodes: _Nodes, loc: Sequence[int | str], *, exact: bool = False) -> int | None:
    """Best-effort 1-based line of the node at ``loc`` in a YAML/JSON text; with
    ``exact``, ``None`` unless the node itself is found (not just a parent)."""
    if not nodes.text or (exact and not loc):
        return None
    node = nodes.get()
    if node is None:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            # scalar keys keep their source text, so an unquoted `yes` key matches "yes"
            node = next((v for k, v in node.value if str(k.value) == str(part)), None)
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    elif exact:
        return None
    return line


def place_lines(problems: Sequence[str], text: str | None) -> list[str]:
    """``place: problem`` lines, each with the line of its place in ``text`` put before
    it (``line N: place: problem``) where the place is found: for checks made after the
    models validated a document (an answers file against its framework)."""
    nodes = _Nodes(text)
    out = []
    for problem in problems:
        # not exact: `q: maybe` has no `answer` node, its question's line is the one
        line = _line_of(nodes, _place_loc(problem.split(": ", 1)[0]))
        out.append(f"line {line}: {problem}" if line else problem)
    return out


def validation_problems(
    exc: ValidationError, data: Any, text: str | None = None, *, limit: int = 20
) -> list[str]:
    """One readable line per pydantic error: ``line N: place: message``."""
    problems = []
    nodes = _Nodes(text)
    for err in exc.errors(include_url=False)[:limit]:
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        if not loc and err["type"] == "value_error":
            # whole-document checks put one "place: problem" per line; the place finds the line
            for problem in str(err["msg"]).removeprefix("Value error, ").splitlines():
                line = _line_of(nodes, _place_loc(problem.split(": ", 1)[0]), exact=True)
                problems.append(f"line {line}: {problem}" if line else problem)
            continue
        place = format_location(loc, data) or "top level"
        msg = error_message(err)
        line = _line_of(nodes, loc)
        prefix = f"line {line}: " if line else ""
        problems.append(f"{prefix}{place}: {msg}")
    extra = exc.error_count() - limit
    if extra > 0:
        problems.append(f"... and {extra} more problems")
    return problems


class TextLines:
    """The lines of places in a YAML/JSON text, for problems found after validation
    (a framework's ``extends`` patch): the node tree is composed once, when first asked."""

    def __init__(self, text: str | None) -> None:
        self._nodes = _Nodes(text)

    def line(self, loc: Sequence[int | str], *, exact: bool = False) -> int | None:
        """The 1-based line of the node at ``loc`` (of its nearest parent unless ``exact``)."""
        return _line_of(self._nodes, loc, exact=exact)


def place_location(place: str) -> list[int | str]:
    """The location a place such as ``dimensions[2] (deployment).weight`` names (empty
    unless the whole text is a place): the inverse of :func:`format_location`."""
    return _place_loc(place)


def error_message(err: Any) -> str:
    """A pydantic error's message as :func:`validation_problems` words it."""
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "required field is missing"
    return str(err["msg"])
