"""What Python code imports and calls, from its syntax tree (``ast``), so that comments
and strings never count; and the code cells of notebooks.
"""

from __future__ import annotations

import ast
import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_NEWLINE = re.compile("\n")

__all__ = ["Call", "CodeFacts", "notebook_code", "notebook_facts", "python_facts"]


@dataclass(frozen=True)
class Call:
    """A call: its dotted ``name`` (aliases resolved, see :class:`CodeFacts`), its line,
    the number of positional arguments, and the keyword arguments given a literal
    constant other than ``None`` (``random_state=42``)."""

    name: str
    line: int
    positional: int = 0
    constant_keywords: tuple[str, ...] = ()


@dataclass
class CodeFacts:
    """Imports (full module names) and calls (dotted names with import aliases resolved:
    ``import numpy as np; np.random.seed(1)`` is ``numpy.random.seed``;
    ``from mlflow import log_metric; log_metric(...)`` is ``mlflow.log_metric``), with the
    1-based line of the file each is on. A method call on an object (``client.log_model``)
    is kept as ``*.log_model``. ``error`` says why the code could not be parsed.

    ``from a import b`` is recorded as the import ``a.b`` (``b`` may be a module), so a
    signal matches an import when it equals it or is a dotted prefix of it. Relative
    imports are the project's own and are not recorded. ``importlib.import_module("x")``
    and ``__import__("x")`` with a literal name are imports of ``x``. A decorator that is
    not itself a call (``@flow``) is recorded as a call of the decorator, with one
    positional argument (the function it decorates).
    """

    imports: list[tuple[str, int]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    error: str | None = None


def python_facts(text: str) -> CodeFacts:
    """The imports and calls of a Python source file; on a syntax error (Python 2 code,
    say) nothing, and ``error`` says where."""
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        return CodeFacts(error=f"line {err.lineno}: {err.msg}" if err.lineno else str(err.msg))
    except (ValueError, RecursionError, MemoryError) as err:
        return CodeFacts(error=f"cannot be parsed ({type(err).__name__})")
    return _facts(tree, lambda line: line)


def _facts(tree: ast.AST, line_of: Callable[[int], int]) -> CodeFacts:
    facts = CodeFacts()
    aliases: dict[str, str] = {}
    nodes = _nodes(tree)
    # Aliases first: a function may use a name imported further down the module.
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                facts.imports.append((alias.name, line_of(node.lineno)))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                if alias.name == "*":
                    facts.imports.append((node.module, line_of(node.lineno)))
                    continue
                full = f"{node.module}.{alias.name}"
                facts.imports.append((full, line_of(node.lineno)))
                aliases[alias.asname or alias.name] = full
    for node in nodes:
        if isinstance(node, ast.Call):
            name = _dotted(node.func, aliases)
            if name is None:
                continue
            facts.calls.append(
                Call(
                    name=name,
                    line=line_of(node.lineno),
                    positional=len(node.args),
                    constant_keywords=tuple(
                        kw.arg for kw in node.keywords if kw.arg is not None and _is_constant(kw.value)
                    ),
                )
            )
            if name in {"importlib.import_module", "__import__"} and node.args:
                first = node.args[0]
                literal = first.value if isinstance(first, ast.Constant) else None
                if isinstance(literal, str) and _MODULE.fullmatch(literal):
                    facts.imports.append((literal, line_of(node.lineno)))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call):
                    continue  # walked as a call already
                name = _dotted(deco, aliases)
                if name is not None:
                    facts.calls.append(Call(name=name, line=line_of(deco.lineno), positional=1))
    facts.imports.sort(key=lambda item: item[1])
    facts.calls.sort(key=lambda call: call.line)
    return facts


_MODULE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", re.ASCII)
#: Leaves that hold no call or import, never walked into (``ctx`` is on every name).
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment"})


def _nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` that can be or hold an import or a call: ``ast.walk``
    without the load/store contexts and constants, a third of a tree's nodes and of
    the time a scan spends walking."""
    out: list[ast.AST] = []
    stack = [tree]
    constant = ast.Constant
    while stack:
        node = stack.pop()
        out.append(node)
        for name in node._fields:
            if name in _SKIPPED_FIELDS:
                continue
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, constant))
            elif isinstance(value, ast.AST) and not isinstance(value, constant):
                stack.append(value)
    return out


def _dotted(func: ast.expr, aliases: dict[str, str]) -> str | None:
    """``np.random.seed`` -> ``numpy.random.seed``; a method of anything that is not an
    imported name -> ``*.method``; a lambda or subscript called -> ``None``."""
    attrs: list[str] = []
    node = func
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        base = aliases.get(node.id)
        if base is None:
            if attrs:
                return "*." + attrs[0]
            return node.id
        return ".".join([base, *reversed(attrs)])
    if attrs:
        return "*." + attrs[0]
    return None


def _is_constant(value: ast.expr) -> bool:
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub | ast.UAdd):
        value = value.operand
    return isinstance(value, ast.Constant) and value.value is not None


# --- notebooks ----------------------------------------------------------------------------

#: Cell magics whose body is Python (``%%time`` runs the cell); any other cell magic
#: (``%%bash``, ``%%sql``...) makes the cell something else.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "tensorboard"})
_SHELL_ASSIGNMENT = re.compile(r"^\s*[\w.,\s()\[\]]+=\s*[!%]")
#: IPython's automagic runs "pip install x" and "cd dir" without a "%".
_AUTOMAGIC = re.compile(r"^\s*(pip|conda|mamba|cd)\s+[-\w./~]")
_HELP = re.compile(r"^\s*(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")


# Neither is in typeshed; both are documented parts of the json package's decoder.
_SCANSTRING: Callable[[str, int, bool], tuple[str, int]] = getattr(json.decoder, "scanstring")  # noqa: B009
_PY_MAKE_SCANNER: Callable[[json.JSONDecoder], Any] = getattr(json.scanner, "py_make_scanner")  # noqa: B009


class _Located(str):
    """A JSON string that remembers where its opening quote was in the document."""

    offset: int


def _located_loads(text: str) -> Any:
    """``json.loads`` whose string values are :class:`_Located` (keys are plain)."""
    decoder = json.JSONDecoder()

    def parse_string(s: str, end: int, strict: bool) -> tuple[str, int]:
        value, new_end = _SCANSTRING(s, end, strict)
        located = _Located(value)
        located.offset = end - 1
        return located, new_end

    decoder.parse_string = parse_string  # type: ignore[attr-defined]
    # The C scanner ignores parse_string; the Python one calls it for every string value.
    decoder.scan_once = _PY_MAKE_SCANNER(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def notebook_code(text: str) -> str | None:
    """The code cells' source of a Python notebook, joined (magics and all), read with
    the C JSON parser: enough to tell whether the notebook is worth parsing. ``None``
    when it is not a Python notebook, or not JSON (:func:`notebook_facts` says why)."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    language = _language(doc)
    if language and language not in {"python", "python3", "python2", "ipython", "ipython3"}:
        return None
    cells = _cells(doc)
    if cells is None:
        return None
    out: list[str] = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            if isinstance(source, list):
                out.extend(s for s in source if isinstance(s, str))
            elif isinstance(source, str):
                out.append(source)
            else:
                return None
            out.append("\n")
    return "".join(out)


def notebook_facts(text: str) -> CodeFacts:
    """The imports and calls of a Jupyter notebook's code cells (markdown and raw cells,
    and IPython magics and shell lines, never count); lines are those of the ``.ipynb``
    file where the source line appears.

    nbformat 4 (``cells``) and 3 (``worksheets``). A notebook that is not JSON, or not a
    notebook, gives nothing and ``error``; a cell that does not parse is left out and
    named in ``error`` while the other cells count. A notebook whose kernel is not
    Python (R, Julia...) gives nothing and says so in ``error``.
    """
    try:
        doc = _located_loads(text)
    except json.JSONDecodeError as err:
        return CodeFacts(error=f"not valid JSON (line {err.lineno}: {err.msg})")
    except (ValueError, RecursionError) as err:
        return CodeFacts(error=f"not valid JSON ({type(err).__name__})")
    if not isinstance(doc, dict):
        return CodeFacts(error="not a notebook (no cells)")
    language = _language(doc)
    if language and language not in {"python", "python3", "python2", "ipython", "ipython3"}:
        return CodeFacts(error=f"the notebook's language is {language}, not Python; not read")
    cells = _cells(doc)
    if cells is None:
        return CodeFacts(error="not a notebook (no cells)")
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    facts = CodeFacts()
    failures: list[str] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        lines = _cell_lines(source, newlines)
        if lines is None:
            failures.append(f"cell {number}: source is not text")
            continue
        code, line_map = _strip_magics(lines)
        if not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except SyntaxError as err:
            where = line_map[err.lineno - 1] if err.lineno and 0 < err.lineno <= len(line_map) else None
            failures.append(f"cell {number}" + (f" (line {where})" if where else "") + f": {err.msg}")
            continue
        except (ValueError, RecursionError, MemoryError) as err:
            failures.append(f"cell {number}: cannot be parsed ({type(err).__name__})")
            continue
        cell_facts = _facts(tree, _mapper(line_map))
        facts.imports.extend(cell_facts.imports)
        facts.calls.extend(cell_facts.calls)
    if failures:
        shown = "; ".join(failures[:3]) + (f"; and {len(failures) - 3} more" if len(failures) > 3 else "")
        facts.error = f"cells left out: {shown}"
    return facts


def _mapper(line_map: list[int]) -> Callable[[int], int]:
    """Line of the cell's code -> line of the .ipynb."""

    def line_of(line: int) -> int:
        return line_map[min(max(line, 1), len(line_map)) - 1]

    return line_of


def _language(doc: dict[str, Any]) -> str | None:
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        return None
    for key, sub in (("kernelspec", "language"), ("language_info", "name")):
        block = meta.get(key)
        if isinstance(block, dict) and isinstance(block.get(sub), str) and block[sub]:
            return str(block[sub]).lower()
    return None


def _cells(doc: dict[str, Any]) -> list[Any] | None:
    cells = doc.get("cells")
    if isinstance(cells, list):
        return cells
    worksheets = doc.get("worksheets")  # nbformat 3
    if isinstance(worksheets, list):
        out: list[Any] = []
        for sheet in worksheets:
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
                out.extend(sheet["cells"])
        return out
    return None


def _cell_lines(source: Any, newlines: list[int]) -> list[tuple[str, int]] | None:
    """A cell's source as (line, line of the .ipynb) pairs."""

    def line_of(item: str) -> int:
        offset = getattr(item, "offset", 0)
        return bisect.bisect_left(newlines, offset) + 1

    if isinstance(source, str):
        # one JSON string holds every line: they all sit on its line of the file
        line = line_of(source)
        return [(text, line) for text in source.split("\n")]
    if isinstance(source, list) and all(isinstance(item, str) for item in source):
        out: list[tuple[str, int]] = []
        pending, pending_line = "", 0
        for item in source:
            parts = (pending + item).split("\n")
            # an item is one line (ending in newline); a stray item without one joins the next
            for part in parts[:-1]:
                out.append((part, line_of(item)))
            pending = parts[-1]
            if pending:
                pending_line = line_of(item)
        if pending:
            out.append((pending, pending_line))
        return out
    return None


def _strip_magics(lines: list[tuple[str, int]]) -> tuple[str, list[int]]:
    """The cell's Python, magics and shell lines blanked (so lines keep their places),
    and the .ipynb line of each line."""
    if lines and lines[0][0].lstrip().startswith("%%"):
        words = lines[0][0].lstrip()[2:].split(maxsplit=1)
        name = words[0] if words else ""
        writes_python = name == "writefile" and len(words) > 1 and words[1].strip().endswith(".py")
        if name not in _PYTHON_CELL_MAGICS and not writes_python:
            return "", []
        lines = [("", lines[0][1]), *lines[1:]]
    code: list[str] = []
    line_map: list[int] = []
    continued = False
    indent = ""
    for text, line in lines:
        stripped = text.lstrip()
        magic = (
            stripped.startswith(("%", "!"))
            or _SHELL_ASSIGNMENT.match(text) is not None
            or _AUTOMAGIC.match(text) is not None
        )
        if continued or magic or _HELP.match(text):
            if not continued:
                indent = text[: len(text) - len(stripped)]
            # a magic or shell line ending in a backslash goes on on the next line
            continued = (continued or magic) and text.rstrip().endswith("\\")
            # "pass" keeps a block whose only statement was a magic ("if x:\n  !pip ...")
            code.append(indent + "pass")
        else:
            code.append(text)
        line_map.append(line)
    return "\n".join(code), line_map
