"""Which files of a repository a scan reads (reading them is :mod:`.textfiles`'s, and
``read_text`` is here too).

In a git checkout the files git tracks (``git ls-files``); in a plain folder every file
with ``.gitignore`` honoured (pathspec). Vendored, generated and third-party folders
never count; ``excludes`` adds gitwildmatch globs. Symlinks that leave the root are
never followed. Everything that cannot be read becomes a :class:`ScanWarning`.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pathspec

from ..errors import ScorecardError
from .results import ScanWarning
from .textfiles import MAX_TEXT_BYTES, is_inside, read_text

__all__ = [
    "GIT_TIMEOUT_SECONDS",
    "MAX_TEXT_BYTES",
    "MAX_WARNINGS",
    "TRACKED_KEPT",
    "VENDORED_DIRS",
    "VENV_NAMES",
    "Listing",
    "RepoFile",
    "is_vendored",
    "list_files",
    "read_text",
]

#: A listing keeps at most this many warnings; one more says how many were left out.
MAX_WARNINGS = 200
GIT_TIMEOUT_SECONDS = 60
#: Folder names whose contents are third-party, generated or caches: never scanned.
VENDORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        ".venv",
        "site-packages",
        "vendor",
        "vendored",
        "_vendor",
        "_vendored",
        "third_party",
        "third-party",
        "build",
        "dist",
        ".tox",
        ".nox",
        "__pycache__",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "target",
        ".ipynb_checkpoints",
        ".terraform",
        "htmlcov",
    }
)
#: Folder names that are a virtual environment only when they hold one (``pyvenv.cfg``,
#: ``conda-meta``): a project's ``env/conda.yml`` is not vendored.
VENV_NAMES = frozenset({"env", "venv"})
#: Vendored names that a git checkout keeps: a committed ``build/`` folder was chosen
#: (build output is ignored, not committed), e.g. ``docs/build/*.md`` or ``build/Dockerfile``.
TRACKED_KEPT = frozenset({"build"})
#: Results are JSON: a path must be text (a name that is not UTF-8 cannot be reported).
_BAD_NAME = "a name that is not valid UTF-8; not scanned"


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
    #: Patterns of ``.gitattributes`` lines with ``filter=lfs`` (files stored in LFS),
    #: as gitwildmatch patterns relative to the root (a nested file's patterns are prefixed).
    lfs_patterns: list[str] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)


def is_vendored(name: str) -> bool:
    """Whether a folder called ``name`` holds vendored, generated or cached files
    (``env`` and ``venv`` are vendored only when they hold a virtual environment)."""
    return name in VENDORED_DIRS or name.endswith(".egg-info")


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir keeps undecodable bytes as surrogates
        return False
    return True


def _is_venv(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg")) or os.path.isdir(
        os.path.join(folder, "conda-meta")
    )


class _Warnings:
    """Collects warnings up to :data:`MAX_WARNINGS` (a 100,000-file sparse checkout must
    not produce 100,000 of them), counting the rest."""

    def __init__(self) -> None:
        self.items: list[ScanWarning] = []
        self.dropped = 0

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_WARNINGS:
            self.items.append(ScanWarning(path=path[:1000], message=message[:500]))
        else:
            self.dropped += 1

    def result(self) -> list[ScanWarning]:
        if self.dropped:
            return [*self.items, ScanWarning(message=f"{self.dropped} more warnings not listed")]
        return list(self.items)


def _compile(lines: Iterable[str], source: str, warnings: _Warnings | None) -> pathspec.GitIgnoreSpec:
    """A gitignore spec; a line pathspec rejects is dropped with a warning naming it."""
    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # pathspec raises several types for bad patterns
        good = []
        for number, line in enumerate(lines, 1):
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                if warnings is not None:
                    warnings.add(source, f"line {number}: pattern {line.strip()!r} is not valid; ignored")
            else:
                good.append(line)
        return pathspec.GitIgnoreSpec.from_lines(good)


def list_files(root: Path, *, excludes: Sequence[str] = ()) -> Listing:
    """The files of the repository or folder at ``root`` that count.

    A git work tree (``root`` itself or a folder inside one) lists what git tracks; when
    git fails, or tracks nothing under ``root``, the folder is walked instead (with a
    warning). Only regular files (and links to regular files inside ``root``) are
    listed. A ``root`` that is not a folder is a :class:`ScorecardError`.
    """
    if not root.exists():
        raise ScorecardError(f"{root}: no such file or folder")
    if not root.is_dir():
        raise ScorecardError(f"{root}: not a folder")
    real_root = Path(os.path.realpath(root))
    warnings = _Warnings()
    exclude_spec = _compile(excludes, "--exclude", warnings) if excludes else None
    git = _git_listing(real_root, warnings)
    files: list[RepoFile]
    if git is not None:
        names, commit = git
        kind: Literal["git", "folder"] = "git"
        files = _git_files(real_root, names, exclude_spec, warnings)
    else:
        kind, commit = "folder", None
        files = _walk(real_root, exclude_spec, warnings)
    files.sort(key=lambda f: f.path)
    lfs = _lfs_patterns(real_root, files, warnings)
    return Listing(
        root=root, kind=kind, commit=commit, files=files, lfs_patterns=lfs, warnings=warnings.result()
    )


# --- git ----------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # The scanned repository is not trusted: its config must not run anything
    # (core.fsmonitor names a program), and the caller's GIT_DIR must not redirect git.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return subprocess.run(
        ["git", "-c", "core.fsmonitor=false", "-C", str(root), *args],
        capture_output=True,
        timeout=GIT_TIMEOUT_SECONDS,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _git_listing(root: Path, warnings: _Warnings) -> tuple[list[str], str | None] | None:
    """Tracked paths under ``root`` and the HEAD commit; ``None``: walk the folder."""
    has_git = (root / ".git").exists()
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != b"true":
            if has_git:
                reason = inside.stderr.decode(errors="replace").strip().splitlines()
                warnings.add(
                    ".git",
                    f"git cannot read this checkout ({reason[0] if reason else 'no reason given'}); listing the folder instead",
                )
            return None
        listed = _git(root, "ls-files", "-z", "--cached")
        if listed.returncode != 0:
            reason = listed.stderr.decode(errors="replace").strip().splitlines()
            warnings.add(
                ".git",
                f"git ls-files failed ({reason[0] if reason else 'no reason given'}); listing the folder instead",
            )
            return None
        head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except FileNotFoundError:
        if has_git:
            warnings.add(".git", "git is not installed; listing the folder instead")
        return None
    except subprocess.TimeoutExpired:
        warnings.add(".git", f"git took longer than {GIT_TIMEOUT_SECONDS} s; listing the folder instead")
        return None
    names = []
    for raw in listed.stdout.split(b"\0"):
        if not raw:
            continue
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            warnings.add(raw.decode("utf-8", errors="replace"), _BAD_NAME)
    if not names:
        warnings.add("", "git tracks no files here; listing the folder instead")
        return None
    commit = head.stdout.decode().strip() if head.returncode == 0 else None
    return names, commit or None


def _git_files(
    root: Path, names: list[str], exclude_spec: pathspec.GitIgnoreSpec | None, warnings: _Warnings
) -> list[RepoFile]:
    files = []
    missing = 0
    submodules: list[str] = []
    venvs: dict[str, bool] = {}
    linked: dict[str, bool] = {}
    for name in dict.fromkeys(names):  # an unmerged index lists a path once per stage
        parts = name.split("/")
        if len(parts) > 1 and _under_linked_folder(root, parts, linked):
            # lstat follows a linked parent folder: its files may be anywhere
            warnings.add(name, "under a folder that is a symbolic link; not read")
            continue
        if any(is_vendored(p) and p not in TRACKED_KEPT for p in parts[:-1]):
            continue
        if any(p in VENV_NAMES for p in parts[:-1]) and _in_venv(root, parts, venvs):
            continue
        if exclude_spec is not None and _excluded(exclude_spec, parts):
            continue
        full = os.path.join(root, name)
        try:
            st = os.lstat(full)
        except OSError:
            missing += 1
            continue
        if stat.S_ISLNK(st.st_mode):
            size = _link_target_size(root, name, full, warnings)
            if size is not None:
                files.append(RepoFile(name, size))
        elif stat.S_ISREG(st.st_mode):
            files.append(RepoFile(name, st.st_size))
        elif stat.S_ISDIR(st.st_mode):
            submodules.append(name)  # git tracks a submodule as one entry, a folder here
    if submodules:
        shown = ", ".join(submodules[:5]) + (
            f" and {len(submodules) - 5} more" if len(submodules) > 5 else ""
        )
        warnings.add("", f"submodules are not scanned (scan each as a repository of its own): {shown}")
    if missing:
        warnings.add(
            "",
            f"{missing} tracked files are not in the working tree (sparse or incomplete checkout); not scanned",
        )
    return files


def _under_linked_folder(root: Path, parts: list[str], memo: dict[str, bool]) -> bool:
    """Whether a folder of the path (not the file itself) is a symbolic link in the
    working tree; memoized per folder, so a checkout costs one lstat per folder."""
    for i in range(1, len(parts)):
        folder = "/".join(parts[:i])
        known = memo.get(folder)
        if known is None:
            try:
                known = os.path.islink(os.path.join(root, folder))
            except OSError:
                known = False
            memo[folder] = known
        if known:
            return True
    return False


def _in_venv(root: Path, parts: list[str], memo: dict[str, bool]) -> bool:
    """Whether one of the folders of a path named like a virtual environment is one."""
    for i, part in enumerate(parts[:-1]):
        if part in VENV_NAMES:
            folder = "/".join(parts[: i + 1])
            if folder not in memo:
                memo[folder] = _is_venv(os.path.join(root, folder))
            if memo[folder]:
                return True
    return False


def _excluded(spec: pathspec.GitIgnoreSpec, parts: list[str]) -> bool:
    """Whether a path or one of its folders matches ``--exclude``."""
    for i in range(1, len(parts)):
        if spec.match_file("/".join(parts[:i]) + "/"):
            return True
    return spec.match_file("/".join(parts))


def _link_target_size(root: Path, rel: str, full: str, warnings: _Warnings) -> int | None:
    """The size of a link's target when it is a regular file inside ``root``; else ``None``
    (a warning for a link out of the root, a loop or a dangling link)."""
    real = os.path.realpath(full)
    if not is_inside(root, real):
        warnings.add(rel, "symbolic link to a place outside the repository; not followed")
        return None
    try:
        st = os.stat(real)
    except OSError as err:
        warnings.add(rel, f"symbolic link that cannot be followed ({err.strerror or err}); skipped")
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


# --- plain folders ------------------------------------------------------------------------


def _walk(root: Path, exclude_spec: pathspec.GitIgnoreSpec | None, warnings: _Warnings) -> list[RepoFile]:
    """Every file under ``root`` that no ``.gitignore`` ignores, never entering ignored,
    vendored or linked folders (so no loops)."""
    files: list[RepoFile] = []
    # Each entry: a folder (relative, '' or ending in '/') and the .gitignore specs that
    # apply to it, deepest last, each with the folder it is relative to.
    stack: list[tuple[str, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [("", [])]
    while stack:
        rel_dir, specs = stack.pop()
        full_dir = os.path.join(root, rel_dir) if rel_dir else str(root)
        try:
            entries = list(os.scandir(full_dir))
        except OSError as err:
            warnings.add(rel_dir.rstrip("/"), f"folder cannot be read ({err.strerror or err}); skipped")
            continue
        if any(e.name == ".gitignore" for e in entries):
            spec = _read_gitignore(os.path.join(full_dir, ".gitignore"), rel_dir + ".gitignore", warnings)
            if spec is not None:
                specs = [*specs, (rel_dir, spec)]
        for entry in entries:
            rel = rel_dir + entry.name
            if not _utf8(entry.name):
                warnings.add(os.fsencode(rel).decode("utf-8", errors="replace"), _BAD_NAME)
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError as err:
                warnings.add(rel, f"cannot be read ({err.strerror or err}); skipped")
                continue
            if is_dir:
                if is_vendored(entry.name) or _ignored(specs, rel + "/"):
                    continue
                if entry.name in VENV_NAMES and _is_venv(entry.path):
                    continue
                if exclude_spec is not None and exclude_spec.match_file(rel + "/"):
                    continue
                stack.append((rel + "/", specs))
                continue
            if _ignored(specs, rel) or (exclude_spec is not None and exclude_spec.match_file(rel)):
                continue
            if is_link:
                size = _link_target_size(root, rel, entry.path, warnings)
                if size is not None:
                    files.append(RepoFile(rel, size))
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as err:
                warnings.add(rel, f"cannot be read ({err.strerror or err}); skipped")
                continue
            if stat.S_ISREG(st.st_mode):
                files.append(RepoFile(rel, st.st_size))
    return files


def _read_gitignore(full: str, rel: str, warnings: _Warnings) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(full, "rb") as fh:
            data = fh.read(MAX_TEXT_BYTES)
    except OSError as err:
        warnings.add(rel, f"cannot be read ({err.strerror or err}); its patterns are not applied")
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return None
    return _compile(lines, rel, warnings)


def _ignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], rel: str) -> bool:
    """Git's rule: the deepest ``.gitignore`` with a matching pattern decides."""
    for base, spec in reversed(specs):
        decision = spec.check_file(rel[len(base) :]).include
        if decision is not None:
            return decision
    return False


def _lfs_patterns(root: Path, files: list[RepoFile], warnings: _Warnings) -> list[str]:
    patterns: list[str] = []
    for f in files:
        name = f.path.rsplit("/", 1)[-1]
        if name != ".gitattributes":
            continue
        text, warning = read_text(root, f.path, limit=256 * 1024)
        if warning is not None:
            warnings.add(warning.path, warning.message)
        if not text:
            continue
        base = f.path[: -len(name)]
        for line in text.splitlines():
            fields = line.split()
            if len(fields) < 2 or fields[0].startswith("#") or "filter=lfs" not in fields[1:]:
                continue
            pattern = fields[0]
            if base:
                # gitattributes: a pattern without a slash matches at any depth below its file
                inner = pattern.lstrip("/") if "/" in pattern.rstrip("/") else "**/" + pattern
                pattern = base + inner
            patterns.append(pattern)
    return patterns
