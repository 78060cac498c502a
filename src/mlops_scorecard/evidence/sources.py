"""Which files of a repository a scan reads, and reading them safely.

OWNER: helper A1 (interface fixed; fill in the bodies).

In a git checkout the files git tracks (``git ls-files``); in a plain folder every file
with ``.gitignore`` honoured (pathspec). Vendored, generated and third-party folders
never count; ``excludes`` adds gitwildmatch globs. Symlinks that leave the root are
never followed. Everything that cannot be read becomes a :class:`ScanWarning`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .results import ScanWarning

__all__ = ["Listing", "RepoFile", "list_files", "read_text"]

#: Text files larger than this are not read (a warning says so).
MAX_TEXT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class RepoFile:
    """A file of the repository: ``path`` relative to the root with ``/``, ``size`` in bytes."""

    path: str
    size: int


@dataclass
class Listing:
    """The files of one repository to scan, and what could not be listed."""

    root: Path
    kind: Literal["git", "folder"]
    commit: str | None
    files: list[RepoFile]
    #: Patterns of ``.gitattributes`` lines with ``filter=lfs`` (files stored in LFS).
    lfs_patterns: list[str] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)


def list_files(root: Path, *, excludes: Sequence[str] = ()) -> Listing:
    """The files of the repository or folder at ``root`` that count."""
    raise NotImplementedError


def read_text(root: Path, path: str, *, limit: int = MAX_TEXT_BYTES) -> tuple[str | None, ScanWarning | None]:
    """The text of ``root/path`` (UTF-8, undecodable bytes replaced), or ``None`` and a
    warning when it is binary, larger than ``limit``, unreadable or a link out of ``root``."""
    raise NotImplementedError
