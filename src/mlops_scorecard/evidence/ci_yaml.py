"""What a YAML CI configuration runs, read from its node tree (``yaml.compose``) so that
comments never count and every command keeps the line it is written on.

:mod:`.ci_systems` knows the systems; this module knows YAML: which keys of each
system hold shell commands and which name things used (actions, images, templates).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import yaml

__all__ = ["SYSTEM_KEYS", "SystemKeys", "YamlCiError", "compose", "step_tuples", "top_level_keys"]

#: One thing a configuration does: ("command" or "uses", text, 1-based line).
Step = tuple[Literal["command", "uses"], str, int]


class YamlCiError(ValueError):
    """A configuration that is not valid YAML; the message names the line."""


@dataclass(frozen=True)
class SystemKeys:
    """Where a system keeps its commands: keys whose scalar (or list of scalars) values
    are shell, keys whose values name something used, keys ending in ``command_suffix``
    (Cirrus's ``test_script``), and whether ``command:`` + ``args:`` lists form one
    command line (Tekton, Kubernetes-style steps)."""

    commands: frozenset[str]
    uses: frozenset[str] = frozenset()
    command_suffix: str | None = None
    argv: bool = False


def _keys(commands: str, uses: str = "", **kw: object) -> SystemKeys:
    return SystemKeys(frozenset(commands.split()), frozenset(uses.split()), **kw)  # type: ignore[arg-type]


SYSTEM_KEYS: dict[str, SystemKeys] = {
    "github-actions": _keys("run", "uses"),
    "gitea-actions": _keys("run", "uses"),
    "gitlab-ci": _keys("script before_script after_script", "include image services"),
    "azure-pipelines": _keys("script bash pwsh powershell inlineScript", "task template"),
    "circleci": _keys("run command", "orbs image"),
    "buildkite": _keys("command commands", "plugins image"),
    "travis": _keys(
        "before_install install before_script script after_success after_failure after_script "
        "before_deploy after_deploy before_cache"
    ),
    "bitbucket-pipelines": _keys("script after-script", "pipe image"),
    "drone": _keys("commands", "image"),
    "woodpecker": _keys("commands", "image"),
    "appveyor": _keys(
        "init install before_build build_script after_build before_test test_script after_test "
        "on_success on_failure on_finish before_deploy deploy_script after_deploy cmd ps pwsh sh"
    ),
    "semaphore": _keys("commands", "image"),
    "codemagic": _keys("scripts script"),
    "tekton": _keys("script", "image", argv=True),
    "aws-codebuild": _keys("commands"),
    "cirrus-ci": _keys("script", "image", command_suffix="_script"),
}


def compose(text: str) -> list[yaml.Node]:
    """Every document's root node (GitLab's ``!reference`` and other tags are fine: nothing
    is constructed)."""
    try:
        return [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise YamlCiError(f"not valid YAML: {where}{err.problem or err.context or 'syntax error'}") from None
    except yaml.YAMLError as err:
        raise YamlCiError(f"not valid YAML: {err}") from None
    except RecursionError:
        raise YamlCiError("not readable: nested too deeply") from None


def top_level_keys(node: yaml.Node) -> dict[str, yaml.Node]:
    """A mapping node's keys and values (merge keys expanded); empty for anything else."""
    return dict(_items(node, set()))


def _items(node: yaml.Node, seen: set[int]) -> Iterator[tuple[str, yaml.Node]]:
    # ``seen`` is shared by the whole walk, not per path: a mapping merged ten times at
    # each of six levels (a "merge bomb" of 500 bytes) is then read once, not 10^6 times.
    if not isinstance(node, yaml.MappingNode) or id(node) in seen:
        return
    seen.add(id(node))
    for key, value in node.value:
        if key.tag == "tag:yaml.org,2002:merge" or (isinstance(key, yaml.ScalarNode) and key.value == "<<"):
            merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for m in merged:
                yield from _items(m, seen)
        elif isinstance(key, yaml.ScalarNode):
            yield str(key.value), value


def step_tuples(roots: list[yaml.Node], keys: SystemKeys, source: str) -> list[Step]:
    """The commands and uses of a system's documents, in file order, each once."""
    lines = source.splitlines()
    out: list[Step] = []
    seen: set[int] = set()
    stack: list[yaml.Node] = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:  # anchors and aliases share nodes; a cycle must end
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
            continue
        if not isinstance(node, yaml.MappingNode):
            continue
        pairs = list(_items(node, set()))
        if keys.argv:
            out += _argv(dict(pairs))
        for key, value in pairs:
            if key in keys.commands or (keys.command_suffix and key.endswith(keys.command_suffix)):
                out += _commands(value, lines)
            if key in keys.uses:
                out += _uses(value)
            stack.append(value)
    # YAML escapes can spell lone surrogates, which no JSON result can hold
    unique = dict.fromkeys((kind, _text(value), line) for kind, value, line in out)
    return sorted(unique, key=lambda step: step[2])


def _text(value: str) -> str:
    return value.encode("utf-8", errors="replace").decode("utf-8")


def _scalars(node: yaml.Node, seen: set[int] | None = None) -> Iterator[yaml.ScalarNode]:
    """A scalar, or the scalars of a (nested) list, each node once (an alias of a list
    of aliases, seven deep, is a "billion laughs" bomb when expanded); GitLab's
    ``!reference`` lists name other jobs' scripts, which are read where they are written."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:null" and node.value != "":
            yield node
    elif isinstance(node, yaml.SequenceNode) and node.tag != "!reference":
        for item in node.value:
            yield from _scalars(item, seen)


def _commands(node: yaml.Node, lines: list[str]) -> list[Step]:
    out: list[Step] = []
    for scalar in _scalars(node):
        out += [("command", text, line) for text, line in shell_lines(scalar, lines)]
    return out  # AppVeyor's "- cmd: ...", Codemagic's "- script: ...": walked as mappings


def _uses(node: yaml.Node, seen: set[int] | None = None) -> list[Step]:
    seen = set() if seen is None else seen
    if id(node) in seen:  # each node once: aliases of aliases must not multiply
        return []
    seen.add(id(node))
    out: list[Step] = []
    if isinstance(node, yaml.ScalarNode):
        if node.value and node.tag != "tag:yaml.org,2002:null":
            out.append(("uses", str(node.value), node.start_mark.line + 1))
    elif isinstance(node, yaml.SequenceNode) and node.tag != "!reference":
        for item in node.value:
            out += _uses(item, seen)
    elif isinstance(node, yaml.MappingNode):
        named = dict(_items(node, set()))
        for key in ("name", "local", "project", "remote", "template", "component", "file"):
            if key in named:
                return _uses(named[key], seen)
        for key_node, value in node.value:  # orbs (alias: ref) and Buildkite plugins (ref: config)
            if isinstance(value, yaml.ScalarNode) and value.value and value.tag != "tag:yaml.org,2002:null":
                out.append(("uses", str(value.value), value.start_mark.line + 1))
            elif isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                out.append(("uses", str(key_node.value), key_node.start_mark.line + 1))
    return out


def _argv(mapping: dict[str, yaml.Node]) -> list[Step]:
    command = mapping.get("command")
    if not isinstance(command, yaml.SequenceNode):
        return []
    words = [s.value for s in _scalars(command)]
    args = mapping.get("args")
    if isinstance(args, yaml.SequenceNode):
        words += [s.value for s in _scalars(args)]
    return [("command", " ".join(words), command.start_mark.line + 1)] if words else []


_HEREDOC = re.compile(r"(?<![<$(])<<(?!<)-?~?\s*['\"]?([A-Za-z_]\w*)['\"]?")
_COMMENT = re.compile(r"^\s*(#|rem\s|::)", re.IGNORECASE)


def shell_lines(node: yaml.ScalarNode, lines: list[str]) -> list[tuple[str, int]]:
    """The shell lines of a scalar with their file lines: a literal block (``|``) line by
    line, a folded or flow scalar at its first line; comment lines dropped, ``\\``
    continuations joined to their first line."""
    value = str(node.value)
    start = node.start_mark.line + 1
    if node.style == "|":
        numbered = [(text, start + 1 + i) for i, text in enumerate(value.split("\n"))]
    elif node.style == ">":
        numbered = [(text, start + 1) for text in value.split("\n")]
    else:
        # a plain or quoted scalar folds its lines: a shell continuation leaves "\ " behind
        numbered = [(re.sub(r"\s\\\s+", " ", text), start) for text in value.split("\n")]
    out: list[tuple[str, int]] = []
    pending: tuple[str, int] | None = None
    heredoc: str | None = None
    for text, line in numbered:
        if heredoc is not None:
            # a here-document's body is data for its command, not commands
            if text.strip() == heredoc:
                heredoc = None
            continue
        if pending is None and (not text.strip() or _COMMENT.match(text)):
            continue
        opened = None if "$((" in text or "((" in text else _HEREDOC.search(text)
        if opened:
            heredoc = opened.group(1)
        text = strip_comment(text)
        if pending is not None:
            text, line = pending[0] + " " + text.strip(), pending[1]
            pending = None
        if text.rstrip().endswith("\\"):
            pending = (text.rstrip()[:-1].rstrip(), line)
            continue
        if text.strip():
            out.append((text.strip(), line))
    if pending is not None and pending[0].strip():
        out.append((pending[0].strip(), pending[1]))
    return out


def strip_comment(text: str) -> str:
    """A shell line without its trailing ``# comment`` (a ``#`` inside quotes, or not after
    a blank, is no comment)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text
