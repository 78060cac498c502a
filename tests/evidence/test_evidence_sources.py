"""Listing and reading a repository's files: git checkouts, plain folders, and the traps."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.evidence.sources import MAX_TEXT_BYTES, is_vendored, list_files, read_text


def put(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a throwaway identity."""
    out = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(root), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def commit_all(root: Path) -> str:
    """``git init``, add everything not ignored, commit; the commit id."""
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "fixture")
    return git(root, "rev-parse", "HEAD").strip()


def paths(root: Path, excludes: tuple[str, ...] = ()) -> list[str]:
    """The paths :func:`list_files` lists."""
    return [f.path for f in list_files(root, excludes=excludes).files]


def test_plain_folder_honours_gitignore_nested_and_vendored(tmp_path: Path) -> None:
    put(
        tmp_path,
        {
            ".gitignore": "secret/\n*.log\n!keep.log\n",
            "train.py": "import mlflow\n",
            "debug.log": "x",
            "keep.log": "x",
            "secret/notes.py": "import wandb\n",
            "pkg/.gitignore": "generated.py\n!../debug.log\n",
            "pkg/generated.py": "x",
            "pkg/real.py": "x",
            "pkg/deeper/.gitignore": "!generated.py\n",
            "pkg/deeper/generated.py": "x",
            "node_modules/lib/index.js": "x",
            ".venv/lib/site.py": "x",
            "thing.egg-info/PKG-INFO": "x",
            "src/build/out.py": "x",
            "venv/pyvenv.cfg": "home = /usr/bin\n",
            "venv/lib/x.py": "x",
            "tools/env/conda-meta/history": "x",
            "tools/env/lib/y.py": "x",
            "project/env/conda.yml": "dependencies: [numpy]\n",
        },
    )
    listing = list_files(tmp_path)
    assert listing.kind == "folder"
    assert listing.commit is None
    assert [f.path for f in listing.files] == [
        ".gitignore",
        "keep.log",
        "pkg/.gitignore",
        "pkg/deeper/.gitignore",
        "pkg/deeper/generated.py",
        "pkg/real.py",
        "project/env/conda.yml",
        "train.py",
    ]
    assert listing.warnings == []
    assert {f.path: f.size for f in listing.files}["train.py"] == len("import mlflow\n")


def test_excludes_are_gitwildmatch_globs(tmp_path: Path) -> None:
    put(tmp_path, {"a/x.py": "", "a/b/y.py": "", "c/z.py": "", "c/z.ipynb": ""})
    assert paths(tmp_path, excludes=("a/",)) == ["c/z.ipynb", "c/z.py"]
    assert paths(tmp_path, excludes=("*.py",)) == ["c/z.ipynb"]
    assert paths(tmp_path, excludes=("/c/z.ipynb", "**/b/**")) == ["a/x.py", "c/z.py"]


def test_git_checkout_lists_tracked_files_only(tmp_path: Path) -> None:
    put(
        tmp_path,
        {
            ".gitignore": "ignored/\n",
            "train.py": "import mlflow\n",
            "ignored/x.py": "",
            "node_modules/pkg/index.js": "",
            "lib/vendor/dep.py": "",
            "docs/build/nodes.md": "# Nodes\n",
            "project/env/conda.yml": "dependencies: [numpy]\n",
            "venv/pyvenv.cfg": "home = /usr/bin\n",
            "venv/lib/site.py": "",
            "third_party/lib.py": "",
            ".gitattributes": "*.pt filter=lfs diff=lfs merge=lfs -text\n# *.bin filter=lfs\n",
            "models/.gitattributes": "*.onnx filter=lfs\nsub/*.bin filter=lfs\n",
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "add", "-f", "node_modules/pkg/index.js")  # vendored, yet committed
    git(tmp_path, "commit", "-q", "-m", "fixture")
    put(tmp_path, {"untracked.py": "import wandb\n"})
    listing = list_files(tmp_path)
    assert listing.kind == "git"
    assert listing.commit == git(tmp_path, "rev-parse", "HEAD").strip()
    # a committed build/ folder was chosen; a committed virtual environment was not
    assert [f.path for f in listing.files] == [
        ".gitattributes",
        ".gitignore",
        "docs/build/nodes.md",
        "models/.gitattributes",
        "project/env/conda.yml",
        "train.py",
    ]
    assert listing.lfs_patterns == ["*.pt", "models/**/*.onnx", "models/sub/*.bin"]
    assert listing.warnings == []


def test_git_subfolder_and_repository_without_commits(tmp_path: Path) -> None:
    put(tmp_path, {"proj/a.py": "", "other/b.py": ""})
    commit_all(tmp_path)
    assert paths(tmp_path / "proj") == ["a.py"]
    fresh = tmp_path / "fresh"
    put(fresh, {"c.py": ""})
    git(fresh, "init", "-q")
    git(fresh, "add", "c.py")
    listing = list_files(fresh)
    assert (listing.kind, listing.commit, [f.path for f in listing.files]) == ("git", None, ["c.py"])


def test_broken_git_falls_back_to_the_folder_with_a_warning(tmp_path: Path) -> None:
    put(tmp_path, {".git/HEAD": "garbage", "a.py": "", ".gitignore": "b.py\n", "b.py": ""})
    listing = list_files(tmp_path)
    assert listing.kind == "folder"
    assert [f.path for f in listing.files] == [".gitignore", "a.py"]
    assert any("listing the folder instead" in w.message for w in listing.warnings)


def test_sparse_checkout_missing_files_are_one_warning(tmp_path: Path) -> None:
    put(tmp_path, {f"d/{i}.py": "" for i in range(300)} | {"keep.py": ""})
    commit_all(tmp_path)
    for i in range(300):
        (tmp_path / f"d/{i}.py").unlink()
    listing = list_files(tmp_path)
    assert [f.path for f in listing.files] == ["keep.py"]
    assert len(listing.warnings) == 1
    assert "300 tracked files" in listing.warnings[0].message


def test_symlinks_out_of_root_loops_and_inside(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    put(repo, {"real/a.py": "import mlflow\n"})
    (repo / "passwd").symlink_to("/etc/passwd")
    (repo / "loop1").symlink_to(repo / "loop2")
    (repo / "loop2").symlink_to(repo / "loop1")
    (repo / "dirloop").symlink_to(repo)  # a folder link is never entered
    (repo / "inside.py").symlink_to(repo / "real" / "a.py")
    (repo / "dangling").symlink_to(repo / "nothing")
    for listing in (list_files(repo), (commit_all(repo), list_files(repo))[1]):
        assert [f.path for f in listing.files] == ["inside.py", "real/a.py"], listing.kind
        messages = {w.path: w.message for w in listing.warnings}
        assert "outside the repository" in messages["passwd"]
        assert "cannot be followed" in messages["loop1"]
        assert "cannot be followed" in messages["dangling"]
    text, warning = read_text(repo, "passwd")
    assert text is None
    assert warning is not None
    assert "outside" in warning.message
    assert read_text(repo, "inside.py") == ("import mlflow\n", None)
    assert read_text(repo, "../repo/../../etc/passwd")[0] is None
    (repo / "etc").symlink_to("/etc")
    (repo / "real2").symlink_to(repo / "real")
    text, warning = read_text(repo, "etc/passwd")  # through a linked folder
    assert text is None
    assert warning is not None
    assert "outside" in warning.message
    assert read_text(repo, "real2/a.py") == ("import mlflow\n", None)


def test_read_text_binary_large_non_utf8_and_utf16(tmp_path: Path) -> None:
    put(
        tmp_path,
        {
            "model.pt": b"PK\x03\x04\x00\x00binary",
            "big.txt": "a" * (3 * 1024 * 1024),
            "latin1.py": "# caf\xe9\nimport mlflow\n".encode("latin-1"),
            "utf16.txt": "mlflow==2.0\n".encode("utf-16"),
            "bom.txt": "\ufeffpandas\n".encode(),
            "big.gif": b"GIF89a\x00\x01" + b"\x00" * (3 * 1024 * 1024),
        },
    )
    assert read_text(tmp_path, "model.pt") == (None, None)
    assert read_text(tmp_path, "big.gif") == (None, None)  # large, but binary: no warning
    text, warning = read_text(tmp_path, "big.txt")
    assert text is None
    assert warning is not None
    assert "3,145,728 bytes" in warning.message
    assert read_text(tmp_path, "big.txt", limit=4 * 1024 * 1024)[0] == "a" * (3 * 1024 * 1024)
    text, warning = read_text(tmp_path, "latin1.py")
    assert text == "# caf\ufffd\nimport mlflow\n"
    assert warning is not None
    assert (warning.path, "line 1" in warning.message) == ("latin1.py", True)
    assert read_text(tmp_path, "utf16.txt") == ("mlflow==2.0\n", None)
    assert read_text(tmp_path, "bom.txt") == ("pandas\n", None)
    assert MAX_TEXT_BYTES < 3 * 1024 * 1024


def test_unreadable_file_folder_and_fifo(tmp_path: Path) -> None:
    put(tmp_path, {"locked.py": "import mlflow\n", "dir.py/inner.txt": ""})
    (tmp_path / "locked.py").chmod(0)
    os.mkfifo(tmp_path / "pipe.py")
    try:
        listing = list_files(tmp_path)
        # a FIFO is no regular file: never listed
        assert [f.path for f in listing.files] == ["dir.py/inner.txt", "locked.py"]
        text, warning = read_text(tmp_path, "locked.py")
        if os.geteuid() == 0:  # root reads anything
            assert (text, warning) == ("import mlflow\n", None)
        else:
            assert text is None
            assert warning is not None
            assert "cannot be read" in warning.message
        for name in ("dir.py", "pipe.py", "missing.py"):
            text, warning = read_text(tmp_path, name)
            assert text is None, name
            assert warning is not None, name
            assert warning.path == name
    finally:
        (tmp_path / "locked.py").chmod(0o644)


def test_unreadable_folder_is_a_warning(tmp_path: Path) -> None:
    put(tmp_path, {"closed/a.py": "", "open.py": ""})
    (tmp_path / "closed").chmod(0)
    try:
        listing = list_files(tmp_path)
        if os.geteuid() == 0:  # root reads every folder
            assert [f.path for f in listing.files] == ["closed/a.py", "open.py"]
        else:
            assert [f.path for f in listing.files] == ["open.py"]
            assert listing.warnings[0].path == "closed"
    finally:
        (tmp_path / "closed").chmod(0o755)


def test_bad_gitignore_pattern_and_missing_root(tmp_path: Path) -> None:
    put(tmp_path, {".gitignore": "ok.txt\n\\\n", "ok.txt": "", "a.py": ""})
    listing = list_files(tmp_path)
    assert [f.path for f in listing.files] == [".gitignore", "a.py"]
    assert [(w.path, w.message[:7]) for w in listing.warnings] == [(".gitignore", "line 2:")]
    with pytest.raises(ScorecardError, match="no such file"):
        list_files(tmp_path / "nope")
    with pytest.raises(ScorecardError, match="not a folder"):
        list_files(tmp_path / "a.py")


def test_is_vendored() -> None:
    assert is_vendored("node_modules")
    assert is_vendored("mlops_scorecard.egg-info")
    assert not is_vendored("src")
    assert not is_vendored("env")  # only when it holds a virtual environment


def test_names_that_are_not_utf8_are_warnings_not_paths(tmp_path: Path) -> None:
    put(tmp_path, {"ok.py": ""})
    (Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.py"))).write_text("import mlflow\n")
    (Path(os.fsdecode(bytes(tmp_path) + b"/d\xff"))).mkdir()
    for listing in (list_files(tmp_path), (commit_all(tmp_path), list_files(tmp_path))[1]):
        assert [f.path for f in listing.files] == ["ok.py"], listing.kind
        assert {w.path for w in listing.warnings} >= {"caf\ufffd.py"}
        assert all("not valid UTF-8" in w.message for w in listing.warnings)


def test_submodules_are_named_in_a_warning(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    put(inner, {"lib.py": "import mlflow\n"})
    commit_all(inner)
    outer = tmp_path / "outer"
    put(outer, {"a.py": ""})
    commit_all(outer)
    git(outer, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "vendored_lib")
    listing = list_files(outer)
    assert [f.path for f in listing.files] == [".gitmodules", "a.py"]
    assert [w.message for w in listing.warnings] == [
        "submodules are not scanned (scan each as a repository of its own): vendored_lib"
    ]


def test_a_tracked_folder_replaced_by_a_link_out_is_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "models").mkdir(parents=True)
    (root / "models" / "big.pkl").write_bytes(b"\x80" * 10)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "m"], check=True)
    outside.mkdir()
    (outside / "big.pkl").write_bytes(b"\x80" * 5000)
    shutil.rmtree(root / "models")
    (root / "models").symlink_to(outside, target_is_directory=True)
    listing = list_files(root)
    assert [f.path for f in listing.files] == []
    assert [(w.path, w.message) for w in listing.warnings] == [
        ("models/big.pkl", "under a folder that is a symbolic link; not read")
    ]
