"""Finding and loading frameworks: files, the built-in ones, references ``id@version``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafiles import parse_plain_document, read_document
from ..errors import FrameworkError
from ..problems import validation_problems
from .extends import Lookup, is_patch, resolve_extends
from .models import Framework

__all__ = [
    "builtin_frameworks",
    "builtin_lookup",
    "get_framework",
    "load_framework",
    "names_a_file",
    "newest_builtin",
    "parse_framework",
    "parse_framework_text",
    "version_key",
]


def parse_framework(
    data: Any, *, source: str = "<framework>", text: str | None = None, lookup: Lookup | None = None
) -> Framework:
    """Validate already-parsed framework data; raises :class:`FrameworkError`.

    Data with ``extends`` is a patch of another framework, found with ``lookup``
    (without one, among the built-in frameworks) and resolved before validation.
    """
    if not isinstance(data, dict):
        raise FrameworkError("a framework must be a mapping with id, version, dimensions, ...", source=source)
    if is_patch(data):
        return resolve_extends(data, text=text, source=source, lookup=lookup or builtin_lookup)
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(validation_problems(exc, data, text), source=source) from None


def parse_framework_text(
    text: str, *, source: str = "<framework>", as_json: bool = False, lookup: Lookup | None = None
) -> Framework:
    """Parse and validate a framework sent as text (an upload): YAML, or JSON with
    ``as_json``, as a plain document (no aliases, bounded nesting); see :func:`parse_framework`."""
    data = parse_plain_document(text, source=source, as_json=as_json, error=FrameworkError)
    return parse_framework(data, source=source, text=text, lookup=lookup)


def load_framework(path: str | Path, *, lookup: Lookup | None = None) -> Framework:
    """Load and validate a framework file (YAML or JSON).

    ``extends`` is looked up with ``lookup``; without one, among the built-in frameworks,
    or as a framework file named relative to this one (chains of files are followed, and
    a file that comes back round to itself is refused).
    """
    return _load_file(Path(path), lookup, ())


def _load_file(path: Path, lookup: Lookup | None, chain: tuple[Path, ...]) -> Framework:
    data, text = read_document(path, error=FrameworkError)
    if lookup is None and is_patch(data):
        lookup = _file_lookup(path, (*chain, path.resolve()))
    return parse_framework(data, source=str(path), text=text, lookup=lookup)


def _file_lookup(path: Path, chain: tuple[Path, ...]) -> Lookup:
    def lookup(ref: str) -> Framework:
        if not names_a_file(ref) and not (path.parent / ref).is_file():
            return builtin_lookup(ref)
        target = path.parent / ref
        if target.resolve() in chain:
            names = [str(p) for p in chain] + [str(target.resolve())]
            raise FrameworkError("a cycle of files: " + " -> ".join(names))
        return _load_file(target, None, chain)

    return lookup


def builtin_lookup(ref: str) -> Framework:
    """A built-in framework by ``id`` or ``id@version``: the lookup of ``extends`` when
    no other is given."""
    return get_framework(ref, allow_files=False)


_BUILTIN_CACHE: dict[str, Framework] = {}


def newest_builtin() -> Framework | None:
    """The last of :func:`builtin_frameworks` (the newest version of the last id)."""
    frameworks = builtin_frameworks()
    return frameworks[-1] if frameworks else None


def builtin_frameworks() -> list[Framework]:
    """The frameworks shipped with the package, sorted by id then version."""
    if not _BUILTIN_CACHE:
        folder = resources.files("mlops_scorecard") / "frameworks"
        for entry in folder.iterdir():
            if entry.name.endswith((".yaml", ".yml")):
                with resources.as_file(entry) as path:
                    fw = load_framework(path)
                _BUILTIN_CACHE[fw.ref] = fw
    return sorted(_BUILTIN_CACHE.values(), key=lambda f: (f.id, version_key(f.version)))


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders versions part by part on the dots, numbers as numbers
    (``1.10.0`` after ``1.9.0``)."""
    return tuple((0, int(p)) if p.isascii() and p.isdigit() else (1, p) for p in version.split("."))


def names_a_file(ref: str) -> bool:
    """Whether a framework reference is the path of a framework file (not ``id@version``)."""
    return ref.endswith((".yaml", ".yml", ".json")) or "/" in ref or Path(ref).is_file()


def get_framework(ref: str, *, allow_files: bool = True) -> Framework:
    """Find a framework by ``id``, ``id@version`` or the path of a framework file.

    A bare id takes the newest built-in version. Servers pass ``allow_files=False`` so
    that a reference from a request can never read a file on the server.
    """
    if allow_files and names_a_file(ref):
        return load_framework(ref)
    fid, _, version = ref.partition("@")
    matches = [f for f in builtin_frameworks() if f.id == fid]
    if not matches:
        known = ", ".join(sorted({f.id for f in builtin_frameworks()}))
        raise FrameworkError(f"unknown framework {fid!r} (built-in: {known}; or give a file path)")
    if not version:
        return matches[-1]
    for fw in matches:
        if fw.version == version:
            return fw
    versions = ", ".join(f.version for f in matches)
    raise FrameworkError(f"framework {fid!r} has no version {version!r} (available: {versions})")
