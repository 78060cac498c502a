"""The scan: list a repository's files, read each once, match the catalogue's signals,
and decide each practice's status.

OWNER: helper A2 (interface fixed; fill in the bodies).

``found`` needs at least one high or medium signal; only low signals (mentions) or
unreadable files that could have held evidence make it ``inconclusive``; otherwise
``not-found``. For the negative ``large-artifacts-committed``, ``found`` is bad news.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..framework import Framework
from .practices import Catalogue
from .results import RepositoryScan, ScanResult

__all__ = ["scan", "scan_repository"]

#: Called with (repository path, files done, files in all) as a scan goes on.
Progress = Callable[[str, int, int], None]


def scan_repository(
    root: Path,
    *,
    catalogue: Catalogue | None = None,
    framework: Framework | None = None,
    excludes: Sequence[str] = (),
    progress: Progress | None = None,
) -> RepositoryScan:
    """Scan one repository or folder. ``framework`` fills each practice's ``questions``
    from its ``evidence:`` mapping. A path that is not there is a ScorecardError."""
    raise NotImplementedError


def scan(
    paths: Sequence[Path],
    *,
    catalogue: Catalogue | None = None,
    framework: Framework | None = None,
    excludes: Sequence[str] = (),
    progress: Progress | None = None,
) -> ScanResult:
    """Scan several repositories: one :class:`RepositoryScan` each, in the order given."""
    raise NotImplementedError
