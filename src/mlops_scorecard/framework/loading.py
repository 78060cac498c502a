"""Finding and loading frameworks: files, the built-in ones, references ``id@version``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafiles import read_document
from ..errors import FrameworkError
from ..problems import validation_problems
from .models import Framework

__all__ = [
    "builtin_frameworks",
    "get_framework",
    "load_framework",
    "names_a_file",
    "newest_builtin",
    "parse_framework",
]


def parse_framework(data: Any, *, source: str = "<framework>", text: str | None = None) -> Framework:
    """Validate already-parsed framework data; raises :class:`FrameworkError`."""
    if not isinstance(data, dict):
        raise FrameworkError("a framework must be a mapping with id, version, dimensions, ...", source=source)
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(validation_problems(exc, data, text), source=source) from None


def load_framework(path: str | Path) -> Framework:
    """Load and validate a framework file (YAML or JSON)."""
    data, text = read_document(path, error=FrameworkError)
    return parse_framework(data, source=str(path), text=text)


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
    return sorted(_BUILTIN_CACHE.values(), key=lambda f: (f.id, _version_key(f.version)))


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
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
