"""One repository that shows each practice and one that nearly does but does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlops_scorecard.evidence.practices import PRACTICE_IDS
from mlops_scorecard.evidence.results import RepositoryScan
from mlops_scorecard.evidence.scanner import scan_repository
from mlops_scorecard.framework import Framework

from .conftest import Files, practice

MIB = 1024 * 1024
WORKFLOW_HEAD = "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

#: practice -> (files that show it, the signal expected among the evidence)
POSITIVE: dict[str, tuple[Files, str]] = {
    "ci": ({".github/workflows/ci.yml": WORKFLOW_HEAD + "      - run: echo hello\n"}, "ci-config"),
    "tests": ({"src/tests/test_model.py": "def test_fit():\n    assert 1 + 1 == 2\n"}, "test-folder"),
    "data-versioning": (
        {".dvc/config": "[core]\n    remote = s3\n", "data/raw.csv.dvc": "outs:\n- md5: abc\n"},
        "dvc-repo",
    ),
    "experiment-tracking": (
        {"train.py": "import mlflow as mf\n\nwith mf.start_run():\n    mf.log_metric('acc', 0.9)\n"},
        "tracker-calls",
    ),
    "model-registry": (
        {"register.py": "import mlflow\n\nmlflow.register_model('runs:/1/model', 'churn')\n"},
        "registry-calls",
    ),
    "pipeline-orchestration": (
        {"dags/train.py": "from airflow import DAG\n\nwith DAG('train') as dag:\n    pass\n"},
        "orchestrator-calls",
    ),
    "containerization": ({"Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n"}, "dockerfile"),
    "infrastructure-as-code": ({"infra/main.tf": 'resource "aws_s3_bucket" "data" {}\n'}, "terraform"),
    "monitoring": (
        {"serve.py": "from prometheus_client import Counter\n\nREQUESTS = Counter('requests', 'served')\n"},
        "monitoring-calls",
    ),
    "data-validation": (
        {"checks.py": "import pandera as pa\n\nschema = pa.DataFrameSchema({'age': pa.Column(int)})\n"},
        "validation-calls",
    ),
    "feature-store": (
        {"features/feature_store.yaml": "project: churn\nregistry: data/registry.db\n"},
        "feast-repo",
    ),
    "pinned-dependencies": (
        {"poetry.lock": '[[package]]\nname = "numpy"\nversion = "1.26.4"\n'},
        "lock-file",
    ),
    "random-seeds": ({"train.py": "import numpy as np\n\nnp.random.seed(42)\n"}, "seed-calls"),
    "code-quality": (
        {"pyproject.toml": "[project]\nname = 'x'\n\n[tool.ruff]\nline-length = 100\n"},
        "linter-sections",
    ),
    "documentation": ({"README.md": "# Churn model\n\n" + "How to install and train it.\n" * 100}, "readme"),
    "model-documentation": ({"MODEL_CARD.md": "# Model card\n\nIntended use: churn.\n"}, "model-card"),
    "dependency-updates": (
        {".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"},
        "dependabot",
    ),
    "security-scanning": (
        {".github/workflows/codeql.yml": WORKFLOW_HEAD + "      - uses: github/codeql-action/init@v3\n"},
        "scanner-actions",
    ),
    "code-ownership": ({".github/CODEOWNERS": "# owners\n* @acme/ml-team\n"}, "codeowners"),
    "large-artifacts-committed": ({"models/model.pkl": b"\x80\x04" + b"\x00" * (2 * MIB)}, "model-binaries"),
}

#: practice -> files that come close without showing it
NEGATIVE: dict[str, Files] = {
    "ci": {"ci/notes.yml": "steps:\n  - run: pytest\n", "README.md": "# x\n"},
    "tests": {
        "evaluate/test_model.py": "def evaluate(model, loader):\n    return sum(model(x) for x in loader)\n"
    },
    "data-versioning": {
        ".gitattributes": "*.py text eol=lf\n",
        "data/README.md": "Download the data from S3.\n",
    },
    "experiment-tracking": {"train.py": "import logging\n\nlogging.info('acc %s', 0.9)\n"},
    "model-registry": {"train.py": "import joblib\n\njoblib.dump(model, 'model.joblib')\n"},
    "pipeline-orchestration": {"run_all.sh": "python prepare.py && python train.py\n"},
    "containerization": {"docs/docker.md": "We might use Docker one day.\n"},
    "infrastructure-as-code": {"config/app.yaml": "kind: Config\nreplicas: 2\n"},
    "monitoring": {"train.py": "import matplotlib.pyplot as plt\n\nplt.plot([1, 2])\n"},
    "data-validation": {"clean.py": "import pandas as pd\n\ndf = pd.read_csv('x.csv').dropna()\n"},
    "feature-store": {"features.py": "def add_features(df):\n    return df.assign(ratio=df.a / df.b)\n"},
    "pinned-dependencies": {"requirements.txt": "numpy>=1.26\npandas\nscikit-learn~=1.4\n"},
    "random-seeds": {"train.py": "import random\n\nrandom.seed()\nrandom.shuffle(items)\n"},
    "code-quality": {"pyproject.toml": "[project]\nname = 'x'\n# [tool.ruff]\n"},
    "documentation": {"README.md": "# x\n"},
    "model-documentation": {"README.md": "# Churn\n\nA churn model.\n"},
    "dependency-updates": {".github/ISSUE_TEMPLATE/bug.md": "Describe the bug.\n"},
    "security-scanning": {"SECURITY.md": "Report vulnerabilities to security@example.com.\n"},
    "code-ownership": {".github/CODEOWNERS": "# Owners go here:\n# * @acme/ml-team\n"},
    "large-artifacts-committed": {
        # a model as test data, a sample .npy and a small weights file: not artifacts
        "tests/fixtures/model.pt": b"\x00" * (2 * MIB),
        "data/sample.npy": b"\x93NUMPY" + b"\x00" * 2000,
        "tokenizer/vocab.bin": b"\x00" * 2000,
        "data/iris.csv": "a,b\n" + "1,2\n" * 1000,
    },
}


def test_every_practice_has_both_fixtures() -> None:
    assert list(POSITIVE) == list(PRACTICE_IDS)
    assert list(NEGATIVE) == list(PRACTICE_IDS)


@pytest.mark.parametrize("practice_id", PRACTICE_IDS)
def test_practice_found(practice_id: str, scan_files: Callable[[Files], RepositoryScan]) -> None:
    files, signal = POSITIVE[practice_id]
    finding = practice(scan_files(files), practice_id)
    assert finding.status == "found", finding
    assert signal in {e.signal for e in finding.evidence}
    assert finding.confidence in ("high", "medium")
    assert finding.evidence_total >= len(finding.evidence) >= 1
    assert all(e.path in files for e in finding.evidence)


@pytest.mark.parametrize("practice_id", PRACTICE_IDS)
def test_practice_not_found(practice_id: str, scan_files: Callable[[Files], RepositoryScan]) -> None:
    finding = practice(scan_files(NEGATIVE[practice_id]), practice_id)
    assert finding.status != "found", finding.evidence
    assert not [e for e in finding.evidence if e.confidence != "low"]


def test_evidence_names_the_line(scan_files: Callable[[Files], RepositoryScan]) -> None:
    result = scan_files({"train.py": "import torch\n\n\ndef main():\n    torch.manual_seed(7)\n"})
    seeds = practice(result, "random-seeds")
    assert [(e.path, e.line, e.detail) for e in seeds.evidence] == [
        ("train.py", 5, "calls torch.manual_seed")
    ]


def test_an_import_alone_is_medium(scan_files: Callable[[Files], RepositoryScan]) -> None:
    finding = practice(scan_files({"track.py": "import wandb\n"}), "experiment-tracking")
    assert finding.status == "found"
    assert finding.confidence == "medium"
    assert [e.signal for e in finding.evidence] == ["tracker-imports"]


def test_a_declared_dependency_is_medium(scan_files: Callable[[Files], RepositoryScan]) -> None:
    finding = practice(scan_files({"requirements.txt": "numpy\nmlflow>=2\n"}), "experiment-tracking")
    assert finding.status == "found"
    assert finding.confidence == "medium"
    assert [(e.path, e.line, e.signal) for e in finding.evidence] == [("requirements.txt", 2, "tracker-deps")]


def test_a_mention_alone_is_inconclusive(scan_files: Callable[[Files], RepositoryScan]) -> None:
    finding = practice(scan_files({"README.md": "# x\n\nWe track runs in MLflow.\n"}), "experiment-tracking")
    assert finding.status == "inconclusive"
    assert finding.confidence == "low"
    assert "mention" in finding.note


def test_pinned_requirements(scan_files: Callable[[Files], RepositoryScan]) -> None:
    pins = "".join(f"pkg{i}=={i}.0.1\n" for i in range(10))
    finding = practice(scan_files({"requirements.txt": pins}), "pinned-dependencies")
    assert finding.status == "found"
    assert finding.evidence[0].signal == "pinned-manifest"
    assert "10 of 10" in finding.evidence[0].detail


def test_seed_keyword_constant(scan_files: Callable[[Files], RepositoryScan]) -> None:
    code = (
        "from sklearn.model_selection import train_test_split\n\nx = train_test_split(a, b, random_state=0)\n"
    )
    finding = practice(scan_files({"split.py": code}), "random-seeds")
    assert finding.status == "found"
    assert finding.evidence[0].signal == "seed-keywords"
    assert finding.evidence[0].line == 3


def test_seed_keyword_from_a_variable_does_not_count(scan_files: Callable[[Files], RepositoryScan]) -> None:
    code = (
        "from sklearn.model_selection import train_test_split\n\nx = train_test_split(a, random_state=rs)\n"
    )
    assert practice(scan_files({"split.py": code}), "random-seeds").status == "not-found"


def test_short_readme_is_inconclusive(scan_files: Callable[[Files], RepositoryScan]) -> None:
    finding = practice(scan_files({"README.md": "# x\n\nA model.\n"}), "documentation")
    assert finding.status == "inconclusive"


def test_questions_come_from_the_framework(git_repo: Callable[[Files], Path], framework: Framework) -> None:
    root = git_repo({"Dockerfile": "FROM python:3.11\n"})
    with_framework = scan_repository(root, framework=framework)
    without = scan_repository(root)
    assert practice(with_framework, "containerization").questions == framework.evidence["containerization"]
    assert practice(without, "containerization").questions == []


def test_a_frozen_environment_declares_nothing(scan_files: Callable[[Files], RepositoryScan]) -> None:
    frozen = "".join(f"pkg{i}=={i}.0\n" for i in range(50)) + "prometheus-client==0.20.0\nevidently==0.4.0\n"
    result = scan_files({"requirements.txt": frozen})
    assert practice(result, "monitoring").status == "not-found"
    assert practice(result, "pinned-dependencies").status == "found"
    chosen = scan_files({"requirements.txt": "numpy==1.26.4\nevidently==0.4.0\n"})
    assert practice(chosen, "monitoring").status == "found"


def test_a_tox_ini_of_flake8_settings_is_not_tests(scan_files: Callable[[Files], RepositoryScan]) -> None:
    assert (
        practice(scan_files({"tox.ini": "[flake8]\nmax-line-length = 100\n"}), "tests").status == "not-found"
    )
    with_tox = scan_files({"tox.ini": "[tox]\nenvlist = py311\n\n[testenv]\ncommands = pytest\n"})
    assert practice(with_tox, "tests").status == "found"
