"""Fixture repositories for the scan tests: a git repository or a plain folder built from
a dict of path -> text or bytes, and a scan of it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from mlops_scorecard.evidence.results import PracticeFinding, RepositoryScan
from mlops_scorecard.evidence.scanner import scan_repository

Files = Mapping[str, str | bytes]


def write_tree(root: Path, files: Files) -> Path:
    """Write ``files`` under ``root`` (created), text as UTF-8; ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a throwaway identity and no signing; its output."""
    out = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "-C",
            str(root),
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Callable[[Files], Path]:
    """``git_repo(files)``: a git repository holding ``files``, all committed."""
    count = 0

    def build(files: Files) -> Path:
        nonlocal count
        count += 1
        root = write_tree(tmp_path / f"repo{count}", files)
        run_git(root, "init", "-q")
        run_git(root, "add", "-A")
        run_git(root, "commit", "-q", "--allow-empty", "-m", "fixture")
        return root

    return build


@pytest.fixture
def folder(tmp_path: Path) -> Callable[[Files], Path]:
    """``folder(files)``: a plain folder (not a repository) holding ``files``."""
    count = 0

    def build(files: Files) -> Path:
        nonlocal count
        count += 1
        return write_tree(tmp_path / f"folder{count}", files)

    return build


def practice(result: RepositoryScan, practice_id: str) -> PracticeFinding:
    """The finding for ``practice_id`` in a repository's scan."""
    found = [p for p in result.practices if p.id == practice_id]
    assert len(found) == 1, f"{practice_id} appears {len(found)} times"
    return found[0]


@pytest.fixture
def scan_files(git_repo: Callable[[Files], Path]) -> Callable[[Files], RepositoryScan]:
    """``scan_files(files)``: the scan of a git repository holding ``files``."""

    def run(files: Files) -> RepositoryScan:
        return scan_repository(git_repo(files))

    return run
