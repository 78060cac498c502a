"""Dependencies declared in a repository's manifests: requirements files,
``pyproject.toml`` (PEP 621, PEP 735 groups, Poetry, PDM, uv, Hatch), ``setup.py``
(parsed, never run), ``setup.cfg``, conda ``environment.yml``, Pipfile / Pipfile.lock,
poetry.lock, uv.lock, pdm.lock, pylock.toml, conda-lock.yml.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
from collections.abc import Iterable
from typing import Any

import yaml

from .requirements import NAME, Declared, ManifestError, normalize, parse_requirement, parse_requirements

__all__ = ["Declared", "ManifestError", "declared_dependencies", "is_lock_file", "is_manifest", "normalize"]


_REQUIREMENTS_NAME = re.compile(
    r"(?:.*[-_.])?(?:requirements|constraints)(?:[-_.].*)?\.(?:txt|in|lock)", re.IGNORECASE
)
_CONDA_NAME = re.compile(r"(?:environment|conda)(?:[-_.].*)?\.ya?ml", re.IGNORECASE)
_TOO_DEEP = "nested too deeply to be read"
_VALID_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_LOCK_NAMES = frozenset({"poetry.lock", "pipfile.lock", "uv.lock", "pdm.lock", "pylock.toml"})


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def is_manifest(path: str) -> bool:
    """Whether ``path`` (relative, ``/``-separated) is a manifest this module reads."""
    name = _base(path)
    lower = name.lower()
    if lower in {"pyproject.toml", "setup.py", "setup.cfg", "pipfile"} or lower in _LOCK_NAMES:
        return True
    if _REQUIREMENTS_NAME.fullmatch(name):
        return True
    parts = path.split("/")
    if len(parts) > 1 and parts[-2].lower() == "requirements" and lower.endswith((".txt", ".in")):
        return True
    if re.fullmatch(r"pylock\.[^/]+\.toml", lower):
        return True
    return bool(_CONDA_NAME.fullmatch(name)) or _is_conda_lock(lower)


def _is_conda_lock(lower: str) -> bool:
    return lower.endswith((".yml", ".yaml")) and "conda-lock" in lower


def is_lock_file(path: str) -> bool:
    """Whether ``path`` is a lock file (poetry.lock, Pipfile.lock, uv.lock, pdm.lock, conda-lock...)."""
    lower = _base(path).lower()
    return (
        lower in _LOCK_NAMES
        or bool(re.fullmatch(r"pylock\.[^/]+\.toml", lower))
        or _is_conda_lock(lower)
        or (lower.endswith(".lock") and bool(_REQUIREMENTS_NAME.fullmatch(lower)))
    )


def declared_dependencies(path: str, text: str) -> list[Declared]:
    """The dependencies ``text`` (the manifest at ``path``) declares; commented-out lines
    do not count. Raises :class:`ManifestError` for a manifest that cannot be parsed.

    Names are found by parsing (TOML, YAML, JSON, ``ast`` for setup.py), never by
    running anything; line numbers of TOML and INI manifests come from searching the
    text for the declaration. ``python`` itself (a version constraint) is not a
    dependency. A path this module does not read gives nothing.
    """
    name = _base(path).lower()
    if name == "pyproject.toml":
        found = _pyproject(text)
    elif name == "setup.py":
        found = _setup_py(text)
    elif name == "setup.cfg":
        found = _setup_cfg(text)
    elif name == "pipfile":
        found = _pipfile(text)
    elif name == "pipfile.lock":
        found = _pipfile_lock(text)
    elif name in {"poetry.lock", "uv.lock", "pdm.lock"} or name.startswith("pylock."):
        found = _toml_lock(text)
    elif _is_conda_lock(name):
        found = _conda_lock(text)
    elif _CONDA_NAME.fullmatch(name):
        found = _conda_env(text)
    elif is_manifest(path):
        found = parse_requirements(text, lock=is_lock_file(path))
    else:
        return []
    # A name from a table key or lock entry is whatever the file says: keep only names a
    # distribution can have (the result is JSON; "python" is a version constraint).
    return [d for d in found if d.package != "python" and _VALID_NAME.fullmatch(d.package)]


# --- finding lines in TOML / INI text -------------------------------------------------------


class _Lines:
    """Finds the line of a declaration in a manifest's text, skipping comment lines;
    each found line is used once so a name declared twice gets both its lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.used: set[int] = set()

    def find(self, *needles: str, name: str | None = None) -> int:
        """The first unused line holding one of ``needles`` (exact text), else one naming
        ``name`` as a whole word; 1 when nothing matches."""
        patterns = [re.compile(re.escape(n)) for n in needles if n]
        if name:
            word = r"[-_.]+".join(re.escape(p) for p in re.split(r"[-_.]+", name))
            patterns.append(re.compile(rf"(?<![\w.-]){word}(?![\w-])", re.IGNORECASE))
        fallback = None
        for pattern in patterns:
            for index, line in enumerate(self.lines):
                if line.lstrip().startswith(("#", ";")) or not pattern.search(line):
                    continue
                if index not in self.used:
                    self.used.add(index)
                    return index + 1
                fallback = fallback or index + 1
        return fallback or 1


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ManifestError(f"not valid TOML: {err}") from None
    except RecursionError:
        raise ManifestError(_TOO_DEEP) from None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _pep508_list(items: Any, lines: _Lines) -> list[Declared]:
    out: list[Declared] = []
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, str):
            continue  # {include-group = "..."} and the like
        parsed = parse_requirement(item)
        if parsed is None:
            continue
        line = lines.find(f'"{item}"', f"'{item}'", name=parsed[0])
        out.append(Declared(normalize(parsed[0]), line, parsed[1]))
    return out


def _lists(table: Any) -> Iterable[Any]:
    return table.values() if isinstance(table, dict) else ()


def _pyproject(text: str) -> list[Declared]:
    data = _toml(text)
    lines = _Lines(text)
    out = _pep508_list(_get(data, "project", "dependencies"), lines)
    for group in _lists(_get(data, "project", "optional-dependencies")):
        out += _pep508_list(group, lines)
    for group in _lists(data.get("dependency-groups")):
        out += _pep508_list(group, lines)
    for group in _lists(_get(data, "tool", "pdm", "dev-dependencies")):
        out += _pep508_list(group, lines)
    out += _pep508_list(_get(data, "tool", "uv", "dev-dependencies"), lines)
    for env in _lists(_get(data, "tool", "hatch", "envs")):
        if isinstance(env, dict):
            out += _pep508_list(env.get("dependencies"), lines)
            out += _pep508_list(env.get("extra-dependencies"), lines)
    poetry = _get(data, "tool", "poetry")
    if isinstance(poetry, dict):
        out += _poetry_table(poetry.get("dependencies"), lines)
        out += _poetry_table(poetry.get("dev-dependencies"), lines)
        for group in _lists(poetry.get("group")):
            out += _poetry_table(_get(group, "dependencies"), lines)
    return out


def _poetry_pinned(value: Any) -> bool:
    """Poetry: a bare version (``"1.2.3"``) or ``==`` is exact; ``^``, ``~``, ``*``... are not."""
    if isinstance(value, dict):
        value = value.get("version")
    if isinstance(value, list):  # multiple constraints by marker
        return bool(value) and all(_poetry_pinned(v) for v in value)
    if not isinstance(value, str):
        return False
    value = value.strip()
    return bool(re.fullmatch(r"(?:===?)?\s*\d[\w.+!-]*", value))


def _poetry_table(table: Any, lines: _Lines) -> list[Declared]:
    out: list[Declared] = []
    if not isinstance(table, dict):
        return out
    for name, value in table.items():
        key = re.compile(rf'^\s*["\']?{re.escape(name)}["\']?\s*=', re.IGNORECASE)
        line = next((i + 1 for i, t in enumerate(lines.lines) if key.match(t)), 0) or lines.find(name=name)
        out.append(Declared(normalize(name), line, _poetry_pinned(value)))
    return out


def _pipfile(text: str) -> list[Declared]:
    data = _toml(text)
    lines = text.splitlines()
    out = []
    for section, table in data.items():
        if section in {"source", "requires", "scripts", "pipenv"} or not isinstance(table, dict):
            continue
        for name, value in table.items():
            version = value.get("version") if isinstance(value, dict) else value
            pinned = isinstance(version, str) and parse_requirement("x" + version.strip()) == ("x", True)
            key = re.compile(rf'^\s*["\']?{re.escape(name)}["\']?\s*=', re.IGNORECASE)
            line = next((i + 1 for i, t in enumerate(lines) if key.match(t)), 1)
            out.append(Declared(normalize(name), line, pinned))
    return out


def _toml_lock(text: str) -> list[Declared]:
    """poetry.lock, uv.lock, pdm.lock (``[[package]]``) and pylock.toml (``[[packages]]``):
    every entry is pinned; the project's own editable or virtual entry is not a dependency."""
    data = _toml(text)
    packages = data.get("package", data.get("packages"))
    if not isinstance(packages, list):
        return []
    name_lines = [i + 1 for i, t in enumerate(text.splitlines()) if re.match(r'^name\s*=\s*["\']', t)]
    out = []
    for index, entry in enumerate(packages):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        source = entry.get("source")
        if isinstance(source, dict) and ({"editable", "virtual"} & source.keys()):
            continue
        line = name_lines[index] if index < len(name_lines) else 1
        out.append(Declared(normalize(entry["name"]), line, True))
    return out


def _pipfile_lock(text: str) -> list[Declared]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ManifestError(f"not valid JSON (line {err.lineno}: {err.msg})") from None
    except RecursionError:
        raise ManifestError(_TOO_DEEP) from None
    if not isinstance(data, dict):
        raise ManifestError("not a Pipfile.lock (not a JSON object)")
    lines = _Lines(text)
    out = []
    for section, table in data.items():
        if section == "_meta" or not isinstance(table, dict):
            continue
        for name in table:
            out.append(Declared(normalize(name), lines.find(f'"{name}":'), True))
    return out


# --- setup.py / setup.cfg -------------------------------------------------------------------

_SETUP_KEYWORDS = frozenset({"install_requires", "extras_require", "tests_require"})


def _setup_py(text: str) -> list[Declared]:
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        raise ManifestError(f"line {err.lineno}: {err.msg} (setup.py is parsed, never run)") from None
    except (ValueError, RecursionError) as err:
        raise ManifestError(f"cannot be parsed ({type(err).__name__})") from None
    # REQUIRED = [...] at module level, then setup(install_requires=REQUIRED)
    names: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names[node.target.id] = node.value
    out: list[Declared] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        called = (
            func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        )
        if called != "setup":
            continue
        for kw in call.keywords:
            if kw.arg in _SETUP_KEYWORDS:
                out += _setup_values(kw.value, names, depth=0)
    return out


def _setup_values(node: ast.expr, names: dict[str, ast.expr], depth: int) -> list[Declared]:
    if depth > 5:
        return []
    if isinstance(node, ast.Name) and node.id in names:
        return _setup_values(names[node.id], names, depth + 1)
    if isinstance(node, ast.Dict):
        out = []
        for value in node.values:
            out += _setup_values(value, names, depth + 1)
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # base + extra
        return _setup_values(node.left, names, depth + 1) + _setup_values(node.right, names, depth + 1)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out = []
        for item in node.elts:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                parsed = parse_requirement(item.value)
                if parsed:
                    out.append(Declared(normalize(parsed[0]), item.lineno, parsed[1]))
            elif isinstance(item, ast.Starred | ast.Name):
                out += _setup_values(item.value if isinstance(item, ast.Starred) else item, names, depth + 1)
        return out
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        out = []
        for offset, line in enumerate(node.value.splitlines()):
            parsed = parse_requirement(line.split("#", 1)[0])
            if parsed:
                out.append(Declared(normalize(parsed[0]), node.lineno + offset, parsed[1]))
        return out
    return []


def _setup_cfg(text: str) -> list[Declared]:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as err:
        raise ManifestError(f"not a valid setup.cfg: {err.message}") from None
    lines = _Lines(text)
    values: list[str] = []
    for section, key in (("options", "install_requires"), ("options", "tests_require")):
        if parser.has_option(section, key):
            values.append(parser.get(section, key))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    out = []
    for value in values:
        if value.strip().startswith("file:"):
            continue  # names another file, which is a manifest of its own
        for raw in value.splitlines():
            item = raw.split("#", 1)[0].strip()
            if not item:
                continue
            parsed = parse_requirement(item)
            if parsed:
                out.append(Declared(normalize(parsed[0]), lines.find(item, name=parsed[0]), parsed[1]))
    return out


# --- conda ------------------------------------------------------------------------------------


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise ManifestError(f"not valid YAML: {where}{err.problem or err}") from None
    except yaml.YAMLError as err:
        raise ManifestError(f"not valid YAML: {err}") from None
    except RecursionError:
        raise ManifestError(_TOO_DEEP) from None


def _mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v  # type: ignore[no-any-return]  # PyYAML's stubs type node values as Any
    return None


def _conda_env(text: str) -> list[Declared]:
    """``dependencies:`` of a conda environment: ``name=1.2`` / ``name==1.2`` pin (a
    ``*`` does not), ``channel::name`` too; its ``pip:`` list is requirements."""
    deps = _mapping_value(_compose(text), "dependencies")
    out: list[Declared] = []
    if not isinstance(deps, yaml.SequenceNode):
        return out
    for item in deps.value:
        line = item.start_mark.line + 1
        if isinstance(item, yaml.ScalarNode):
            spec = item.value.strip().split("::", 1)[-1]
            match = NAME.match(spec)
            if not match:
                continue
            rest = spec[match.end() :].strip()
            version = rest.split("=")
            pinned = bool(re.fullmatch(r"==?\s*[^=<>!*\s,|]+(=\S+)?", rest)) and "*" not in version[-1]
            out.append(Declared(normalize(match.group(1)), line, pinned))
        elif isinstance(item, yaml.MappingNode):
            pip = _mapping_value(item, "pip")
            if isinstance(pip, yaml.SequenceNode):
                for sub in pip.value:
                    if isinstance(sub, yaml.ScalarNode):
                        for d in parse_requirements(sub.value):
                            out.append(Declared(d.package, sub.start_mark.line + 1, d.pinned))
    return out


def _conda_lock(text: str) -> list[Declared]:
    root = _compose(text)
    packages = _mapping_value(root, "package")
    out: list[Declared] = []
    seen: set[str] = set()
    if not isinstance(packages, yaml.SequenceNode):
        return out
    for entry in packages.value:
        name = _mapping_value(entry, "name")
        if isinstance(name, yaml.ScalarNode) and name.value not in seen:
            seen.add(name.value)
            out.append(Declared(normalize(name.value), name.start_mark.line + 1, True))
    return out
