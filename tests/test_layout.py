"""The package's import graph: no cycles, no private names imported across modules, and
no import against the data flow (``LAYERS``: framework -> answers -> matrix -> scoring
-> analysis -> plan -> charts -> reports, then the store, the web app and the CLI).

Every module under ``src/mlops_scorecard`` is parsed with :mod:`ast`; every import counts,
including those inside functions (a cycle hidden in a function still ties two modules
together, and breaks as soon as someone moves the import to the top). Imports under
``if TYPE_CHECKING:`` are left out: they never run, and annotations may name a type
from a module that imports this one.

Relative imports are resolved against the importing module's package, and
``from pkg import name`` is an import of the submodule ``pkg.name`` when there is one
(of ``pkg`` otherwise), as Python itself resolves it.

A private name is one with a leading underscore that is not a dunder: ``from x import _y``
or ``x._y`` on a module of the package imported as ``x`` is an import of another
module's private name. A module's private names are its own business; when two
modules need one, it is public in the module where it belongs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "mlops_scorecard"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line`` of ``source``'s file."""

    source: str
    target: str
    line: int


@dataclass
class Graph:
    """The modules of a package (name -> file), the imports between them and the
    private names imported across modules (as readable lines)."""

    modules: dict[str, Path]
    edges: list[Edge] = field(default_factory=list)
    private: list[str] = field(default_factory=list)


def find_modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package in ``root`` by dotted name (a package by its
    ``__init__.py``)."""
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([package, *parts])] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` (their
    ``else`` branches run and are kept)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def build_graph(root: Path, package: str) -> Graph:
    """The import graph of the package whose files are in ``root``."""
    graph = Graph(find_modules(root, package))
    modules = graph.modules
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]
        # local names bound to a module of the package, for ``alias._name`` lookups
        bound: dict[str, str] = {}
        nodes = list(_nodes(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        graph.edges.append(Edge(name, alias.name, node.lineno))
                        if alias.asname:
                            bound[alias.asname] = alias.name
                        else:  # ``import pkg.sub`` binds ``pkg``
                            bound[package] = package
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = here.split(".")
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join(base_parts)
                    target = f"{base}.{node.module}" if node.module else base
                else:
                    target = node.module or ""
                if target not in modules:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        graph.edges.append(Edge(name, sub, node.lineno))
                        bound[alias.asname or alias.name] = sub
                        if _private(alias.name):
                            graph.private.append(
                                f"{path.relative_to(root)}:{node.lineno} ({name}) imports module {sub}"
                            )
                        continue
                    graph.edges.append(Edge(name, target, node.lineno))
                    if _private(alias.name) and target != name:
                        graph.private.append(
                            f"{path.relative_to(root)}:{node.lineno} ({name}) imports {alias.name} from {target}"
                        )
        for node in nodes:
            if isinstance(node, ast.Attribute) and _private(node.attr):
                owner = _dotted(node.value, bound)
                if owner is not None and owner != name:
                    graph.private.append(
                        f"{path.relative_to(root)}:{node.lineno} ({name}) uses {owner}.{node.attr}"
                    )
    return graph


def _dotted(node: ast.expr, bound: dict[str, str]) -> str | None:
    """The module an expression such as ``pkg.sub`` names, when it is bound to one."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value, bound)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted;
    every one holds at least one cycle."""
    succ: dict[str, set[str]] = {m: set() for m in graph.modules}
    for e in graph.edges:
        if e.source != e.target:
            succ[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:  # recursion depth is bounded by the number of modules
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return sorted(found)


def describe(graph: Graph, component: list[str]) -> str:
    """A cycle's modules and the imports that tie them, with their lines."""
    members = set(component)
    ties = sorted(
        {
            f"  {e.source} -> {e.target} (line {e.line})"
            for e in graph.edges
            if e.source != e.target and e.source in members and e.target in members
        }
    )
    return "cycle among " + ", ".join(component) + ":\n" + "\n".join(ties)


def test_no_import_cycles() -> None:
    graph = build_graph(SOURCE, PACKAGE)
    assert len(graph.modules) > 50  # the package was found
    found = [describe(graph, c) for c in cycles(graph)]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_no_private_names_across_modules() -> None:
    graph = build_graph(SOURCE, PACKAGE)
    assert not graph.private, "private names imported across modules:\n" + "\n".join(graph.private)


# --- the checker itself -----------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_checker_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from .b import thing\n",
            "b.py": "def thing():\n    from . import a\n    return a\n",
            "c.py": "from pkg.a import thing\n",
            "sub/__init__.py": "",
            "sub/d.py": "from ..c import thing\n",
        },
    )
    graph = build_graph(root, "pkg")
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
    assert "pkg.b -> pkg.a (line 2)" in describe(graph, ["pkg.a", "pkg.b"])
    assert Edge("pkg.sub.d", "pkg.c", 1) in graph.edges  # relative import two levels up


def test_checker_leaves_type_checking_imports_out(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from .b import thing\n",
            "b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .a import other\n"
                "else:\n    import pkg.c\n"
                "def thing(): ...\n"
            ),
            "c.py": "",
        },
    )
    graph = build_graph(root, "pkg")
    assert cycles(graph) == []
    assert Edge("pkg.b", "pkg.c", 5) in graph.edges  # the else branch runs: it counts


def test_checker_finds_private_imports(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "_hidden = 1\n__all__ = []\ndef _f(): return _hidden\n",
            "b.py": "from .a import _f, __all__\n",
            "c.py": "from pkg import a\nimport pkg.a as alias\nx = a._hidden + alias._hidden\ny = a.__name__\n",
            "d.py": "import pkg.a\nz = pkg.a._f\n",
        },
    )
    found = build_graph(root, "pkg").private
    assert any("b.py:1" in p and "_f from pkg.a" in p for p in found)
    assert any("c.py:3" in p and "pkg.a._hidden" in p for p in found)
    assert any("d.py:2" in p and "pkg.a._f" in p for p in found)
    assert len(found) == 4  # dunders are not private; a module's own names are its own


# --- the layers: the package reads as the data flows ------------------------------------

#: Lowest first: framework -> answers -> matrix -> scoring -> analysis -> plan -> charts
#: -> reports, with the store, the web app and the CLI around them. A module may import
#: from its own layer and the layers before it, never from a later one.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "escaping", "datafiles", "problems"),
    ("framework",),
    ("format",),  # numbers, and answer labels from the framework's scale
    ("answers", "example", "survey"),
    ("evidence",),
    ("matrix",),
    ("scoring",),
    ("series",),
    ("analysis",),
    ("privacy",),
    ("planning",),
    ("charts",),
    ("reports",),
    ("settings", "store"),
    ("web",),
    ("cli",),
]


def layer_of(module: str) -> int | None:
    """The layer of a module of the package (``None``: the package itself, ``__main__``)."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    for i, names in enumerate(LAYERS):
        if parts[1] in names:
            return i
    return None


def layer_violations(graph: Graph) -> list[str]:
    """Each import of a later layer, as a readable line."""
    out = []
    for e in graph.edges:
        src, dst = layer_of(e.source), layer_of(e.target)
        if src is not None and dst is not None and dst > src:
            out.append(
                f"{e.source} (layer {LAYERS[src][0]}) imports {e.target} (later layer {LAYERS[dst][0]}), "
                f"{graph.modules[e.source].name}:{e.line}"
            )
    return out


def test_every_module_has_a_layer() -> None:
    graph = build_graph(SOURCE, PACKAGE)
    loose = [m for m in graph.modules if m.count(".") and layer_of(m) is None and m != f"{PACKAGE}.__main__"]
    assert not loose, f"modules in no layer (add them to LAYERS): {loose}"


def test_no_module_imports_a_later_layer() -> None:
    found = layer_violations(build_graph(SOURCE, PACKAGE))
    assert not found, "imports against the data flow:\n" + "\n".join(found)


def test_checker_finds_an_import_against_the_flow(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "scoring.py": "def f():\n    from .reports import g\n",
            "reports.py": "def g(): ...\n",
        },
    )
    found = layer_violations(build_graph(root, "pkg"))
    assert len(found) == 1
    assert "pkg.scoring" in found[0]
    assert "pkg.reports" in found[0]
