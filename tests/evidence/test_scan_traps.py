"""The traps a careless scanner falls into, and bad input: each gives the right status or a
warning, never a crash."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mlops_scorecard import __version__
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.evidence.results import MAX_EVIDENCE, RepositoryScan
from mlops_scorecard.evidence.scanner import MAX_WARNINGS, scan, scan_repository
from mlops_scorecard.framework import Framework

from .conftest import Files, practice, run_git, write_tree

MIB = 1024 * 1024
MODEL = b"\x80\x04" + b"\x00" * (2 * MIB)


def notebook(*cells: tuple[str, str]) -> str:
    """A minimal notebook of (cell type, source) cells."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
                | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                for kind, source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


ScanFiles = Callable[[Files], RepositoryScan]


def test_commented_out_tracker_dependency(scan_files: ScanFiles) -> None:
    result = scan_files(
        {"requirements.txt": "numpy==1.26.4\n# mlflow==2.9.0\n", "train.py": "# import mlflow\n"}
    )
    assert practice(result, "experiment-tracking").status == "not-found"


def test_tests_named_underscore_tests(scan_files: ScanFiles) -> None:
    finding = practice(scan_files({"pkg/model_tests.py": "def test_shape():\n    assert True\n"}), "tests")
    assert finding.status == "found"
    assert [(e.path, e.line, e.signal) for e in finding.evidence] == [("pkg/model_tests.py", 1, "test-files")]


def test_a_train_test_script_is_not_a_test(scan_files: ScanFiles) -> None:
    code = "from sklearn.model_selection import train_test_split\n\ndef split(df):\n    return train_test_split(df)\n"
    assert practice(scan_files({"train_test.py": code}), "tests").status == "not-found"


def test_azure_pipelines_under_dot_pipelines(scan_files: ScanFiles) -> None:
    yml = "trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: python -m pytest\n"
    result = scan_files({".pipelines/build.yml": yml})
    assert practice(result, "ci").status == "found"
    tests = practice(result, "tests")
    assert [(e.path, e.signal) for e in tests.evidence] == [(".pipelines/build.yml", "tests-in-ci")]


def test_cloud_build(scan_files: ScanFiles) -> None:
    yml = "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-t', 'gcr.io/p/app', '.']\n"
    finding = practice(scan_files({"cloudbuild.yaml": yml}), "ci")
    assert finding.status == "found"
    assert finding.evidence[0].path == "cloudbuild.yaml"


def test_ci_that_only_posts_reports(scan_files: ScanFiles) -> None:
    workflow = (
        "name: report\non: [push]\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: pip install pytest requests\n"
        '      - run: curl -X POST -d @report.json "$REPORT_URL"\n'
    )
    result = scan_files({".github/workflows/report.yml": workflow})
    assert practice(result, "ci").status == "found"
    tests = practice(result, "tests")
    assert tests.status == "not-found"
    assert not [e for e in tests.evidence if e.signal == "tests-in-ci"]


def test_model_beside_a_dvc_pointer_for_another(git_repo: Callable[[Files], Path]) -> None:
    root = git_repo({"models/a.pkl.dvc": "outs:\n- md5: 1\n  path: a.pkl\n", "models/b.pkl": MODEL})
    finding = practice(scan_repository(root), "large-artifacts-committed")
    assert finding.status == "found"
    assert [e.path for e in finding.evidence] == ["models/b.pkl"]
    assert "2.0 MiB" in finding.evidence[0].detail


def test_dvc_pulled_data_in_a_working_folder_is_not_committed(folder: Callable[[Files], Path]) -> None:
    root = folder({"models/a.pkl.dvc": "outs:\n- md5: 1\n", "models/a.pkl": MODEL, "models/b.pkl": MODEL})
    finding = practice(scan_repository(root), "large-artifacts-committed")
    assert [e.path for e in finding.evidence] == ["models/b.pkl"]


def test_lfs_tracked_models_are_not_committed(git_repo: Callable[[Files], Path]) -> None:
    root = git_repo({".gitattributes": "*.pt filter=lfs diff=lfs merge=lfs -text\n", "weights/net.pt": MODEL})
    result = scan_repository(root)
    assert practice(result, "large-artifacts-committed").status == "not-found"
    assert practice(result, "data-versioning").status == "found"


def test_notebook_markdown_cell_does_not_count(scan_files: ScanFiles) -> None:
    nb = notebook(("markdown", "We could `import mlflow` here.\n"), ("code", "import pandas as pd\n"))
    assert practice(scan_files({"explore.ipynb": nb}), "experiment-tracking").status == "not-found"


def test_notebook_code_cell_counts_with_its_line(scan_files: ScanFiles) -> None:
    nb = notebook(("markdown", "# Train\n"), ("code", "import mlflow\nmlflow.autolog()\n"))
    finding = practice(scan_files({"train.ipynb": nb}), "experiment-tracking")
    assert finding.status == "found"
    lines = nb.splitlines()
    call = next(e for e in finding.evidence if e.signal == "tracker-calls")
    assert call.line is not None
    assert "mlflow.autolog" in lines[call.line - 1]


def test_symlink_out_of_the_repository_is_not_read(tmp_path: Path, git_repo: Callable[[Files], Path]) -> None:
    outside = write_tree(tmp_path / "outside", {"requirements.txt": "mlflow==2.9.0\n"})
    root = git_repo({"README.md": "# x\n"})
    (root / "requirements.txt").symlink_to(outside / "requirements.txt")
    run_git(root, "add", "requirements.txt")
    run_git(root, "commit", "-q", "-m", "link")
    result = scan_repository(root)
    assert practice(result, "experiment-tracking").status != "found"
    assert any(w.path == "requirements.txt" for w in result.warnings)


def test_malformed_ci_yaml_is_inconclusive(scan_files: ScanFiles) -> None:
    result = scan_files({".github/workflows/ci.yml": "on: [push\njobs: {build: [\n"})
    ci = practice(result, "ci")
    assert ci.status == "inconclusive"
    assert ".github/workflows/ci.yml" in ci.note
    assert any(w.path == ".github/workflows/ci.yml" for w in result.warnings)


def test_malformed_ci_yaml_beside_a_good_one(scan_files: ScanFiles) -> None:
    good = "name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    result = scan_files({".github/workflows/bad.yml": "on: [push\n", ".github/workflows/good.yml": good})
    assert practice(result, "ci").status == "found"


def test_malformed_files_warn_and_do_not_crash(scan_files: ScanFiles) -> None:
    result = scan_files(
        {
            "pyproject.toml": "[project\nname = 'x'\n",
            "environment.yml": "dependencies: [numpy\n",
            "broken.ipynb": '{"cells": [',
            "old.py": "print 'python 2'\n",
            "binary.py": b"\x00\x01\x02import mlflow\n",
            "latin1.md": "Caf\xe9 mlflow\n".encode("latin-1"),
            "requirements.txt": "mlflow\n",
        }
    )
    warned = {w.path for w in result.warnings}
    assert {"pyproject.toml", "broken.ipynb"} <= warned
    assert len(result.practices) == 20
    # the good manifest still counts
    assert practice(result, "experiment-tracking").status == "found"


def test_a_folder_that_is_not_a_repository(folder: Callable[[Files], Path]) -> None:
    root = folder(
        {"Dockerfile": "FROM python:3.11\n", ".gitignore": "build/\n", "build/Dockerfile": "FROM x\n"}
    )
    result = scan_repository(root)
    assert result.kind == "folder"
    assert result.commit is None
    assert [e.path for e in practice(result, "containerization").evidence] == ["Dockerfile"]


def test_a_git_repository_names_its_commit(git_repo: Callable[[Files], Path]) -> None:
    result = scan_repository(git_repo({"README.md": "# x\n"}))
    assert result.kind == "git"
    assert result.commit is not None
    assert re.fullmatch(r"[0-9a-f]{40}", result.commit)


def test_a_path_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="no such file or folder"):
        scan_repository(tmp_path / "missing")


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ScorecardError, match="not a folder"):
        scan([path])


def test_evidence_is_capped_and_counted(scan_files: ScanFiles) -> None:
    files = {f"tests/test_{i}.py": "def test_x():\n    pass\n" for i in range(MAX_EVIDENCE + 15)}
    files[".github/workflows/ci.yml"] = (
        "name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest -q\n"
    )
    finding = practice(scan_files(files), "tests")
    assert len(finding.evidence) == MAX_EVIDENCE
    assert finding.evidence_total == 2 * (MAX_EVIDENCE + 15) + 1  # test-files and test-folder each, and CI
    # one signal seen in many files does not hide the others
    assert "tests-in-ci" in {e.signal for e in finding.evidence}


def test_one_call_many_times_is_one_item(scan_files: ScanFiles) -> None:
    code = "import mlflow\n" + "mlflow.log_metric('a', 1)\n" * 30
    finding = practice(scan_files({"t.py": code}), "experiment-tracking")
    calls = [e for e in finding.evidence if e.signal == "tracker-calls"]
    assert [(e.line, e.detail) for e in calls] == [(2, "calls mlflow.log_metric")]


def test_warnings_are_capped(folder: Callable[[Files], Path]) -> None:
    root = folder({f"nb{i}.ipynb": "{" for i in range(MAX_WARNINGS + 5)})
    result = scan_repository(root)
    assert len(result.warnings) == MAX_WARNINGS + 1
    assert result.warnings[-1].message == "5 more warnings not listed"


def test_excludes_and_progress(folder: Callable[[Files], Path]) -> None:
    root = folder({"Dockerfile": "FROM x\n", **{f"src/m{i}.py": "x = 1\n" for i in range(1200)}})
    calls: list[tuple[str, int, int]] = []
    result = scan_repository(root, excludes=["Dockerfile"], progress=lambda *a: calls.append(a))
    assert practice(result, "containerization").status == "not-found"
    assert result.files_scanned == 1200
    assert [done for _, done, _ in calls] == [0, 500, 1000, 1200]
    assert {total for _, _, total in calls} == {1200}


def test_scan_of_several_repositories(
    git_repo: Callable[[Files], Path], folder: Callable[[Files], Path], framework: Framework
) -> None:
    a = git_repo({"Dockerfile": "FROM x\n"})
    b = folder({"README.md": "# y\n"})
    result = scan([a, b], framework=framework)
    assert [r.path for r in result.repositories] == [str(a), str(b)]
    assert result.tool_version == __version__
    assert result.framework == framework.ref
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.generated_at)
    assert practice(result.repositories[0], "containerization").status == "found"
    assert practice(result.repositories[1], "containerization").status == "not-found"


def test_a_broken_manifest_clouds_only_what_it_decides(scan_files: ScanFiles) -> None:
    # a cookiecutter template: not TOML until rendered
    result = scan_files({"pyproject.toml": "[project]\nname = {{ cookiecutter.name }}\n"})
    pinned = practice(result, "pinned-dependencies")
    assert pinned.status == "inconclusive"
    assert "pyproject.toml" in pinned.note
    # a declared package is medium evidence: its absence is no reason for doubt
    assert practice(result, "experiment-tracking").status == "not-found"


def test_a_dev_container_alone_is_inconclusive(scan_files: ScanFiles) -> None:
    finding = practice(
        scan_files(
            {".devcontainer/devcontainer.json": '{"build": {}}\n', ".devcontainer/Dockerfile": "FROM x\n"}
        ),
        "containerization",
    )
    assert finding.status == "inconclusive"


def test_a_workflow_of_issue_bots_is_not_ci(scan_files: ScanFiles) -> None:
    stale = (
        "name: stale\non:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  stale:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/stale@v9\n        with:\n          days-before-stale: 30\n"
    )
    assert practice(scan_files({".github/workflows/stale.yml": stale}), "ci").status == "not-found"


def test_lfs_for_images_only_is_inconclusive(scan_files: ScanFiles) -> None:
    result = scan_files({".gitattributes": "*.png filter=lfs diff=lfs merge=lfs -text\n"})
    assert practice(result, "data-versioning").status == "inconclusive"


def test_a_path_too_long_for_the_result_is_counted(folder: Callable[[Files], Path]) -> None:
    deep = "/".join(["d" * 240] * 5)
    result = scan_repository(folder({f"{deep}/Dockerfile": "FROM x\n", f"{deep}/broken.ipynb": "{"}))
    finding = practice(result, "containerization")
    assert finding.status == "found"
    assert finding.evidence == []
    assert finding.evidence_total == 1
    assert [len(w.path) for w in result.warnings] == [1000]


def test_a_code_signal_with_every_place_listed_is_no_longer_looked_for(
    folder: Callable[[Files], Path],
) -> None:
    n = MAX_EVIDENCE + 15
    files: dict[str, str | bytes] = {f"src/m{i:03}.py": "import random\nrandom.seed(1)\n" for i in range(n)}
    files |= {"zz/train.py": "import mlflow\nmlflow.log_metric('a', 1)\n"}
    calls: list[int] = []
    result = scan_repository(folder(files), progress=lambda _path, done, _total: calls.append(done))
    seeds = practice(result, "random-seeds")
    assert seeds.status == "found"
    # the seed calls stop being counted once a result's worth of places is listed...
    assert MAX_EVIDENCE <= seeds.evidence_total < n
    assert len(seeds.evidence) == MAX_EVIDENCE
    # ...while the other code signals are still looked for in the files after them
    assert practice(result, "experiment-tracking").status == "found"
    assert calls == [0, result.files_scanned]


def test_folders_of_one_name_are_told_apart_by_their_parents(tmp_path: Path) -> None:
    for team in ("search", "ads"):
        (tmp_path / team / "app").mkdir(parents=True)
    (tmp_path / "models").mkdir()
    paths = [tmp_path / "search" / "app", tmp_path / "ads" / "app", tmp_path / "models", tmp_path / "models"]
    result = scan(paths)
    assert [r.name for r in result.repositories] == ["search/app", "ads/app", "models", "models (2)"]
    named = scan(paths[:2], names=["search-api", "ads-api"])
    assert [r.name for r in named.repositories] == ["search-api", "ads-api"]


def test_walkthrough_traps(folder: Callable[[Files], Path]) -> None:
    """What a review of real repositories found: each a signal that was missing or too wide."""
    result = scan_repository(
        folder(
            {
                # a docs page about processes, not a model card
                "docs/concurrency.md": "# Concurrency\n\n#### Intended Use Cases\n\nWorkers.\n",
                # a parser's test fixture is not how the project pins its dependencies
                "test/test_config/reqs.txt": "numpy==1.26.0\n",
                # a vendored copy of a library is not the project's code
                "pkg/_vendor/lib/seeding.py": "import random\nrandom.seed(3)\n",
                # Hydra's logger config switches a tracker on without code
                "configs/logger/mlflow.yaml": "mlflow:\n  _target_: lightning.pytorch.loggers.mlflow.MLFlowLogger\n",
                # DVC's model registry
                "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\nartifacts:\n  clf:\n    path: m.pkl\n    type: model\n",
                # Application Insights on a deployed Azure ML model
                "deploy/aks.yml": "computeType: AKS\nappInsightsEnabled: True\n",
            }
        )
    )
    assert practice(result, "model-documentation").status == "not-found"
    assert practice(result, "pinned-dependencies").status == "not-found"
    assert practice(result, "random-seeds").status == "not-found"
    tracking = practice(result, "experiment-tracking")
    assert (tracking.status, tracking.evidence[0].path) == ("found", "configs/logger/mlflow.yaml")
    registry = practice(result, "model-registry")
    assert (registry.status, registry.evidence[0].path, registry.evidence[0].line) == ("found", "dvc.yaml", 7)
    assert practice(result, "monitoring").evidence[0].signal == "app-insights"


def test_what_hand_labels_of_real_repositories_found_missing(folder: Callable[[Files], Path]) -> None:
    result = scan_repository(
        folder(
            {
                "model/model.pkl": b"\x80\x04"
                + b"\x00" * 744,  # a tiny trained model is still a model in git
                "register.py": "from azureml.core import Dataset\nds = Dataset.File.from_files(p)\n"
                "ds.register(ws, name='d', create_new_version=True)\n",
                "warehouse/models/schema.yml": "models:\n  - name: orders\n    columns:\n      - name: id\n"
                "        tests:\n          - unique\n          - not_null\n",
                "conf/base/parameters.yml": "model_options:\n  test_size: 0.2\n  random_state: 3\n",
            }
        )
    )
    artifact = practice(result, "large-artifacts-committed")
    assert (artifact.status, artifact.evidence[0].path) == ("found", "model/model.pkl")
    assert practice(result, "data-versioning").evidence[0].signal == "dataset-versions"
    assert practice(result, "data-validation").evidence[0].signal == "dbt-tests"
    seeds = practice(result, "random-seeds")
    assert (seeds.status, seeds.confidence, seeds.evidence[0].line) == ("found", "medium", 3)
