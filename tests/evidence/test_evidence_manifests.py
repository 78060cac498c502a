"""Declared dependencies from every manifest format, with lines and pins; the traps."""

from __future__ import annotations

import pytest

from mlops_scorecard.evidence.manifests import (
    Declared,
    ManifestError,
    declared_dependencies,
    is_lock_file,
    is_manifest,
    normalize,
)


def deps(path: str, text: str) -> list[tuple[str, int, bool]]:
    """(package, line, pinned) of each declaration."""
    return [(d.package, d.line, d.pinned) for d in declared_dependencies(path, text)]


def test_normalize() -> None:
    assert normalize("Scikit_Learn") == "scikit-learn"
    assert normalize("zope.interface") == "zope-interface"
    assert normalize("a__-.b") == "a-b"


@pytest.mark.parametrize(
    "path",
    [
        "requirements.txt",
        "sub/requirements-dev.txt",
        "dev-requirements.txt",
        "requirements_test.txt",
        "requirements/base.txt",
        "requirements/prod.in",
        "constraints.txt",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "environment.yml",
        "envs/environment-gpu.yaml",
        "conda.yaml",
        "Pipfile",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "conda-lock.yml",
        "pylock.toml",
        "requirements.lock",
    ],
)
def test_is_manifest(path: str) -> None:
    assert is_manifest(path)


@pytest.mark.parametrize("path", ["README.md", "requirements.md", "src/setup.pyc", "docs/conf.py", "env.yml"])
def test_is_not_manifest(path: str) -> None:
    assert not is_manifest(path)


def test_is_lock_file() -> None:
    assert all(
        is_lock_file(p) for p in ["poetry.lock", "a/uv.lock", "Pipfile.lock", "pdm.lock", "conda-lock.yml"]
    )
    assert not any(
        is_lock_file(p) for p in ["requirements.txt", "pyproject.toml", "Pipfile", "environment.yml"]
    )


REQUIREMENTS = """\
# experiment tracking
# mlflow==2.9.0
numpy==1.26.4
pandas>=2.0  # not pinned
Scikit_Learn[alldeps] == 1.4.0 ; python_version >= "3.9"
torch==2.*
-r other.txt
--requirement more.txt
-c constraints.txt
-i https://pypi.example/simple
attrs \\
    --hash=sha256:abc \\
    --hash=sha256:def
exact===1.0
-e git+https://github.com/org/tool.git@v1#egg=Tool_Kit
-e .
./local/package
https://example.com/pkg-1.0.whl
direct @ https://example.com/direct-1.0.whl
wandb#not-a-comment-without-space
"""


def test_requirements_file() -> None:
    assert deps("requirements.txt", REQUIREMENTS) == [
        ("numpy", 3, True),
        ("pandas", 4, False),
        ("scikit-learn", 5, True),
        ("torch", 6, False),
        ("attrs", 11, True),
        ("exact", 14, True),
        ("tool-kit", 15, False),
        ("direct", 19, False),
    ]  # "wandb#..." is no requirement pip accepts
    assert not any(d.package == "mlflow" for d in declared_dependencies("requirements.txt", REQUIREMENTS))


def test_requirements_lock_entries_are_pinned() -> None:
    assert deps("requirements.lock", "numpy\n") == [("numpy", 1, True)]


PYPROJECT = """\
[project]
name = "mlflow-demo"
description = "uses mlflow and dvc"
dependencies = [
    "mlflow>=2",
    # "wandb",
    'numpy==1.26.4',
    "python-dotenv; python_version > '3.8'",
]

[project.optional-dependencies]
dev = ["pytest==8.0.0", "ruff"]

[dependency-groups]
test = ["coverage", {include-group = "dev"}]

[tool.poetry.dependencies]
python = "^3.11"
dvc = "3.30.1"
great-expectations = {version = "^0.18", extras = ["spark"]}

[tool.poetry.group.ci.dependencies]
pre-commit = "==3.6.0"

[tool.pdm.dev-dependencies]
lint = ["black==24.1.0"]

[tool.uv]
dev-dependencies = ["mypy"]

[tool.hatch.envs.docs]
dependencies = ["mkdocs"]
"""


def test_pyproject_every_table() -> None:
    assert deps("pyproject.toml", PYPROJECT) == [
        ("mlflow", 5, False),
        ("numpy", 7, True),
        ("python-dotenv", 8, False),
        ("pytest", 12, True),
        ("ruff", 12, False),
        ("coverage", 15, False),
        ("black", 26, True),
        ("mypy", 29, False),
        ("mkdocs", 32, False),
        ("dvc", 19, True),
        ("great-expectations", 20, False),
        ("pre-commit", 23, True),
    ]


def test_malformed_toml_is_a_manifest_error() -> None:
    with pytest.raises(ManifestError, match="line 2"):
        declared_dependencies("pyproject.toml", "[project]\ndependencies = [,]\n")
    with pytest.raises(ManifestError):
        declared_dependencies("Pipfile", "[packages\n")


SETUP_PY = """\
from setuptools import setup, find_packages

# install_requires=["wandb"]
REQUIRED = [
    "mlflow>=2.0",
    "numpy==1.26.0",
]
EXTRAS = {"dev": ["pytest"], "docs": ["sphinx==7.0"]}

setup(
    name="demo",
    packages=find_packages(),
    install_requires=REQUIRED + ["requests"],
    extras_require=EXTRAS,
    tests_require="hypothesis\\ncoverage==7.0",
    setup_requires=["setuptools_scm"],
    description="import dvc",
)
"""


def test_setup_py_is_parsed_not_run() -> None:
    assert deps("setup.py", SETUP_PY) == [
        ("mlflow", 5, False),
        ("numpy", 6, True),
        ("requests", 13, False),
        ("pytest", 8, False),
        ("sphinx", 8, True),
        ("hypothesis", 15, False),
        ("coverage", 16, True),
    ]
    assert (
        declared_dependencies("setup.py", "import os\nos.system('rm -rf /')\nsetup(install_requires=x)\n")
        == []
    )


def test_python2_setup_py_is_a_manifest_error() -> None:
    with pytest.raises(ManifestError, match="line 2"):
        declared_dependencies("setup.py", "from distutils.core import setup\nprint 'installing'\n")


SETUP_CFG = """\
[metadata]
name = demo

[options]
install_requires =
    numpy
    # mlflow
    pandas==2.1.0  # pinned

[options.extras_require]
track =
    wandb>=0.16
"""


def test_setup_cfg() -> None:
    assert deps("setup.cfg", SETUP_CFG) == [("numpy", 6, False), ("pandas", 8, True), ("wandb", 12, False)]
    with pytest.raises(ManifestError):
        declared_dependencies("setup.cfg", "install_requires = numpy\n")


ENVIRONMENT = """\
name: demo
channels: [conda-forge]
dependencies:
  - python=3.11
  - numpy=1.26
  - conda-forge::pandas==2.1.0=py311_0
  - scikit-learn>=1.3
  - pytorch=2.1.*
  # - mlflow
  - pip
  - pip:
      - mlflow==2.9.0
      - dvc[s3]
      - -r requirements.txt
"""


def test_conda_environment() -> None:
    assert deps("environment.yml", ENVIRONMENT) == [
        ("numpy", 5, True),
        ("pandas", 6, True),
        ("scikit-learn", 7, False),
        ("pytorch", 8, False),
        ("pip", 10, False),
        ("mlflow", 12, True),
        ("dvc", 13, False),
    ]
    with pytest.raises(ManifestError, match="line 3"):
        declared_dependencies("environment.yml", "dependencies:\n  - a\n - b: [\n")
    assert declared_dependencies("environment.yml", "name: only\n") == []


PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"

[packages]
requests = "*"
"Flask" = "==3.0.0"
mlflow = {version = "==2.9.0", extras = ["extras"]}
# wandb = "*"

[dev-packages]
pytest = ">=8"

[requires]
python_version = "3.11"
"""


def test_pipfile() -> None:
    assert deps("Pipfile", PIPFILE) == [
        ("requests", 5, False),
        ("flask", 6, True),
        ("mlflow", 7, True),
        ("pytest", 11, False),
    ]


def test_lock_files_are_pinned() -> None:
    poetry = (
        '[[package]]\nname = "numpy"\nversion = "1.26.4"\n\n[[package]]\nname = "MLflow"\nversion = "2.9"\n'
    )
    assert deps("poetry.lock", poetry) == [("numpy", 2, True), ("mlflow", 6, True)]
    uv = (
        'version = 1\n[[package]]\nname = "demo"\nversion = "0.1"\nsource = { editable = "." }\n\n'
        '[[package]]\nname = "dvc"\nversion = "3.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    )
    assert deps("uv.lock", uv) == [("dvc", 8, True)]
    assert deps("pdm.lock", '[metadata]\nx = 1\n[[package]]\nname = "wandb"\n') == [("wandb", 4, True)]
    pipfile_lock = '{\n "_meta": {"hash": {}},\n "default": {\n  "mlflow": {"version": "==2.9.0"}\n },\n "develop": {\n  "pytest": {}\n }\n}\n'
    assert deps("Pipfile.lock", pipfile_lock) == [("mlflow", 4, True), ("pytest", 7, True)]
    with pytest.raises(ManifestError, match="line 1"):
        declared_dependencies("Pipfile.lock", "{not json")
    conda_lock = "version: 1\npackage:\n- name: numpy\n  platform: linux-64\n- name: numpy\n  platform: osx-64\n- name: mlflow\n"
    assert deps("conda-lock.yml", conda_lock) == [("numpy", 3, True), ("mlflow", 7, True)]


def test_unknown_path_gives_nothing() -> None:
    assert declared_dependencies("README.md", "mlflow==2.0") == []
    assert Declared("a", 1, True).pinned


def test_names_that_no_distribution_has_are_left_out() -> None:
    lock = '{"default": {"mlflow": {}, "bad name": {}, "\\ud800": {}}}'
    assert deps("Pipfile.lock", lock) == [("mlflow", 1, True)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("pyproject.toml", "a = " + "[" * 5000 + "]" * 5000),
        ("Pipfile.lock", "[" * 100_000 + "]" * 100_000),
        ("environment.yml", "dependencies: " + "[" * 5000 + "]" * 5000),
    ],
)
def test_deeply_nested_manifests_are_errors_not_crashes(path: str, text: str) -> None:
    with pytest.raises(ManifestError, match="nested too deeply"):
        declared_dependencies(path, text)
