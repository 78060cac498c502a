"""Dependencies declared in a repository's manifests: requirements files,
``pyproject.toml`` (PEP 621, Poetry, PDM, uv, Hatch), ``setup.py`` (parsed, never run),
``setup.cfg``, conda ``environment.yml``, Pipfile / Pipfile.lock, poetry.lock, uv.lock,
pdm.lock.

OWNER: helper A1 (interface fixed; fill in the bodies).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Declared", "ManifestError", "declared_dependencies", "is_lock_file", "is_manifest", "normalize"]


class ManifestError(ValueError):
    """A manifest that cannot be parsed (malformed TOML, YAML, JSON...)."""


@dataclass(frozen=True)
class Declared:
    """One declared dependency: PEP 503 normalized name, the line, and whether the
    declaration pins one exact version (``==x.y.z``, a hash, or an entry of a lock file)."""

    package: str
    line: int
    pinned: bool


def normalize(name: str) -> str:
    """PEP 503 normalization: ``Scikit_Learn`` -> ``scikit-learn``."""
    raise NotImplementedError


def is_manifest(path: str) -> bool:
    """Whether ``path`` (relative, ``/``-separated) is a manifest this module reads."""
    raise NotImplementedError


def is_lock_file(path: str) -> bool:
    """Whether ``path`` is a lock file (poetry.lock, Pipfile.lock, uv.lock, pdm.lock, conda-lock...)."""
    raise NotImplementedError


def declared_dependencies(path: str, text: str) -> list[Declared]:
    """The dependencies ``text`` (the manifest at ``path``) declares; commented-out lines
    do not count. Raises :class:`ManifestError` for a manifest that cannot be parsed."""
    raise NotImplementedError
