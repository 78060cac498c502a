"""How fast ``scan`` reads a large repository, beside grep doing the same search.

Usage: python benchmarks/scan.py [--output benchmarks/results/scan.json] [--runs 3]
       [--files 20000] [--keep FOLDER]

Generates a git repository of ``--files`` files (default 20,000) in a temporary folder:
Python packages with imports, calls and comments, tests, notebooks with code and
markdown cells, requirements and pyproject files, YAML and JSON configs, CI files of
several systems, Dockerfiles, Markdown, CSV, shell scripts and a few binaries (model
and data files, some over a megabyte), all committed. The content is drawn from a
seeded generator, so every run scans the same repository.

Then, side by side in one run and each in a fresh process (median of ``--runs`` after
a warm-up run that fills the file cache), it measures:

- ``python -c pass``: interpreter start-up;
- ``git ls-files -z | xargs -0 grep -I -E -f PATTERNS``: the baseline, grep over the
  same files for the same patterns: the catalogue's regular expressions (translated
  to POSIX ERE where they can be) and the names of its modules, calls, keywords and
  packages; its output goes to a file, as GNU grep stops at the first match when
  writing to /dev/null;
- the scan: ``scanner.scan([repository])`` in a fresh interpreter, its result
  serialized as JSON (start-up and imports included, as a user waits for them).

Wall time is the parent's clock; peak memory is the child's maximum resident set, as
``wait4``/``getrusage`` report it for the child (GNU time, see ``measure.py``): that of
its largest single process. A scan that forks workers uses their sum, so one more run is
sampled from /proc every 20 ms, summing PSS over the whole process tree; the 200 MB
target applies to both.
``--profile`` adds one in-process scan under cProfile and lists the functions that
take the most time, for whoever works on the scanner's speed.
Targets (issue 9): the scan in under 5 s, within 3x grep's time, in under 200 MB.
Writes the JSON results and a Markdown summary beside them (``scan.md``). Exit code
1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import RESULTS, CommandFailed, Results, fresh_process, python

SCAN_SECONDS = 5.0
SCAN_GREP_X = 3.0
SCAN_MB = 200.0
SEED = 20_000

#: What the scan child runs: the whole scan of one repository, written as JSON.
SCAN_CHILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from mlops_scorecard.evidence.scanner import scan\n"
    "sys.stdout.write(scan([Path(sys.argv[1])]).model_dump_json())\n"
)

# -- the generated repository -------------------------------------------------------

IMPORTS = [
    "import os",
    "import sys",
    "import json",
    "import logging",
    "import math",
    "import re",
    "from pathlib import Path",
    "from dataclasses import dataclass",
    "from typing import Any",
    "import numpy as np",
    "import pandas as pd",
    "from sklearn.model_selection import train_test_split",
    "from sklearn.ensemble import RandomForestClassifier",
    "import torch",
    "import torch.nn as nn",
    "import yaml",
    "import requests",
    "from tqdm import tqdm",
]
#: Tool imports that make some modules evidence (a few per cent of modules each).
TOOL_IMPORTS = [
    ("import mlflow", "mlflow.log_metric('loss', loss)"),
    ("import wandb", "wandb.log({'loss': loss})"),
    ("from prefect import flow, task", "flow(name='train')"),
    ("import great_expectations as gx", "gx.get_context()"),
    ("from feast import FeatureStore", "FeatureStore(repo_path='.')"),
    ("from evidently.report import Report", "Report(metrics=[])"),
    ("import dvc.api", "dvc.api.read('data/train.csv')"),
    ("import pandera as pa", "pa.DataFrameSchema({})"),
]
CALLS = [
    "logging.getLogger(__name__).info('step %s', step)",
    "values = np.asarray(rows, dtype=float)",
    "frame = pd.DataFrame(values)",
    "path = Path(base) / name",
    "total = sum(x * weight for x in values)",
    "result = json.dumps({'name': name, 'total': total})",
    "os.makedirs(out_dir, exist_ok=True)",
    "matches = re.findall(r'[a-z]+', text)",
    "size = math.ceil(len(values) / batch)",
]
COMMENTS = [
    "# keep the batch small: the GPU of the CI runner has 4 GB",
    "# mlflow.log_param('lr', lr)  # disabled while the tracking server is down",
    "# see docs/training.md for the schedule",
    "# TODO: move to the feature store once it exists",
    "# the seed is fixed in conftest for the tests",
]
WORDS = [
    "model",
    "data",
    "train",
    "test",
    "feature",
    "pipeline",
    "batch",
    "metric",
    "loss",
    "score",
    "config",
    "value",
    "result",
    "step",
    "epoch",
    "split",
    "label",
    "sample",
    "weight",
    "layer",
    "output",
    "input",
    "record",
    "table",
]


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def python_module(rng: random.Random, *, test: bool = False) -> str:
    """A Python module of a few functions, with imports, calls, comments and strings."""
    lines = [f'"""{_word(rng).title()} {_word(rng)} helpers for the {_word(rng)} {_word(rng)}."""', ""]
    lines += sorted(set(rng.sample(IMPORTS, rng.randint(3, 8))))
    tool_call = None
    if rng.random() < 0.08:
        imp, tool_call = rng.choice(TOOL_IMPORTS)
        lines.append(imp)
    if test:
        lines.append("import pytest")
    lines.append("")
    for i in range(rng.randint(2, 9)):
        name = f"{'test_' if test else ''}{_word(rng)}_{_word(rng)}_{i}"
        lines.append("")
        lines.append(f"def {name}(rows, weight=1.0, batch=32, base='.', name='out', text='', out_dir='out'):")
        lines.append(f'    """Return the {_word(rng)} of the {_word(rng)} rows ({_word(rng)} first)."""')
        for _ in range(rng.randint(3, 12)):
            if rng.random() < 0.15:
                lines.append("    " + rng.choice(COMMENTS))
            lines.append("    " + rng.choice(CALLS))
        if tool_call and i == 0:
            lines.append("    loss = 0.0")
            lines.append("    " + tool_call)
        if rng.random() < 0.05:
            lines.append("    np.random.seed(42)")
        if rng.random() < 0.1:
            lines.append("    note = 'we could track this with wandb or mlflow later'")
        lines.append("    assert total >= 0" if test else "    return result")
    return "\n".join(lines) + "\n"


def notebook(rng: random.Random) -> str:
    """A Jupyter notebook of markdown and code cells (code from :func:`python_module`)."""
    cells: list[dict[str, Any]] = []
    for _ in range(rng.randint(4, 14)):
        if rng.random() < 0.4:
            text = f"## {_word(rng).title()} {_word(rng)}\nWe look at the {_word(rng)} and log it to mlflow."
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text.splitlines(True)})
        else:
            # a cell holds a small module's code (its docstring aside): whole statements
            code = python_module(rng).split('"""', 2)[-1]
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": code.splitlines(True),
                }
            )
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1) + "\n"


def requirements(rng: random.Random) -> str:
    """A requirements file, some lines pinned, some commented out."""
    names = [
        "numpy",
        "pandas",
        "scikit-learn",
        "torch",
        "requests",
        "pyyaml",
        "tqdm",
        "matplotlib",
        "mlflow",
        "wandb",
        "pytest",
        "ruff",
    ]
    lines = []
    for pkg in rng.sample(names, rng.randint(3, 9)):
        pin = rng.choice(["", ">=1.0", "==2.1.3", "~=0.4"])
        lines.append(("# " if rng.random() < 0.1 else "") + pkg + pin)
    return "\n".join(lines) + "\n"


def pyproject(rng: random.Random, name: str) -> str:
    """A pyproject.toml with dependencies and tool sections."""
    deps = ", ".join(f'"{d}"' for d in rng.sample(["numpy", "pandas", "torch", "mlflow", "pydantic"], 3))
    return (
        f'[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = [{deps}]\n\n'
        '[project.optional-dependencies]\ndev = ["pytest", "ruff", "mypy"]\n\n'
        '[tool.ruff]\nline-length = 100\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    )


def yaml_config(rng: random.Random) -> str:
    """A training or service config."""
    lines = [f"{_word(rng)}:"]
    for _ in range(rng.randint(4, 20)):
        lines.append(
            f"  {_word(rng)}_{_word(rng)}: {rng.choice([rng.randint(1, 512), round(rng.random(), 4), _word(rng)])}"
        )
    if rng.random() < 0.05:
        lines.append("seed: 1234")
    return "\n".join(lines) + "\n"


def markdown_doc(rng: random.Random) -> str:
    """A page of documentation."""
    paras = []
    for _ in range(rng.randint(2, 8)):
        paras.append(" ".join(_word(rng) for _ in range(rng.randint(20, 80))).capitalize() + ".")
    if rng.random() < 0.2:
        paras.append("Experiments are tracked in MLflow; see the model card before a release.")
    return f"# {_word(rng).title()} {_word(rng)}\n\n" + "\n\n".join(paras) + "\n"


def shell_script(rng: random.Random) -> str:
    """A small shell script."""
    return (
        f'#!/bin/sh\nset -eu\npython -m {_word(rng)}.{_word(rng)} --config configs/{_word(rng)}.yaml "$@"\n'
    )


def csv_data(rng: random.Random) -> str:
    """A small CSV."""
    rows = ["id,value,label"] + [f"{i},{rng.random():.5f},{_word(rng)}" for i in range(rng.randint(10, 200))]
    return "\n".join(rows) + "\n"


CI_FILES = {
    ".github/workflows/tests.yml": (
        "name: tests\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n"
        "      - run: pip install -e .[dev]\n      - run: pytest -q\n"
    ),
    ".github/workflows/lint.yml": (
        "name: lint\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pip install ruff && ruff check .\n"
    ),
    ".github/workflows/codeql.yml": (
        "name: codeql\non: [push]\njobs:\n  analyze:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: github/codeql-action/init@v3\n"
        "      - uses: github/codeql-action/analyze@v3\n"
    ),
    ".github/dependabot.yml": (
        'version: 2\nupdates:\n  - package-ecosystem: "pip"\n    directory: "/"\n'
        '    schedule:\n      interval: "weekly"\n'
    ),
    ".gitlab-ci.yml": "stages: [test]\ntest:\n  image: python:3.11\n  script:\n    - pip install -e .\n    - pytest\n",
    "Jenkinsfile": "pipeline {\n  agent any\n  stages {\n    stage('test') { steps { sh 'pytest' } }\n  }\n}\n",
    "azure-pipelines.yml": "trigger: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: pytest\n",
    ".pre-commit-config.yaml": (
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.0\n"
        "    hooks:\n      - id: ruff\n"
    ),
    "CODEOWNERS": "* @ml-platform\n",
    "dvc.yaml": "stages:\n  train:\n    cmd: python -m train\n    deps: [data/train.csv]\n    outs: [models/model.pkl]\n",
    ".gitignore": "__pycache__/\n*.pyc\n.venv/\n/models/\n",
    "README.md": "# Generated monorepo\n\nA benchmark repository: many packages, services and notebooks.\n",
}


def generate(root: Path, total: int, rng: random.Random) -> dict[str, int]:
    """Write ``total`` files under ``root`` (a new folder) and return how many of each kind."""
    kinds: dict[str, int] = {}

    def write(rel: str, content: str | bytes, kind: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        kinds[kind] = kinds.get(kind, 0) + 1

    for rel, content in CI_FILES.items():
        write(rel, content, "ci and root config")
    # a few binaries: models and data, two of them over a megabyte
    for i in range(60):
        ext = rng.choice([".pkl", ".pt", ".parquet", ".png", ".npy", ".onnx"])
        size = 2_500_000 if i < 2 else rng.randint(2_000, 200_000)
        folder = "tests/fixtures" if i % 5 == 0 else f"artifacts/run_{i % 7}"
        write(f"{folder}/blob_{i}{ext}", rng.randbytes(size), "binaries")
    # the mix, as shares of what is left: (kind, share)
    left = total - sum(kinds.values())
    mix = [
        ("python", 0.60),
        ("tests", 0.10),
        ("notebooks", 0.03),
        ("yaml", 0.10),
        ("markdown", 0.07),
        ("json", 0.04),
        ("csv", 0.03),
        ("shell", 0.02),
    ]
    counts = {kind: int(left * share) for kind, share in mix}
    services = 40
    counts["python"] = left - sum(n for k, n in counts.items() if k != "python") - services * 3
    for s in range(services):
        write(
            f"services/svc_{s}/Dockerfile",
            "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
            "services",
        )
        write(f"services/svc_{s}/requirements.txt", requirements(rng), "services")
        write(f"services/svc_{s}/pyproject.toml", pyproject(rng, f"svc-{s}"), "services")
    per_dir = 25
    makers = {
        "python": lambda i: (
            f"src/pkg_{i // 500}/sub_{i // per_dir % 20}/{_word(rng)}_{i}.py",
            python_module(rng),
        ),
        "tests": lambda i: (
            f"tests/unit_{i // per_dir}/test_{_word(rng)}_{i}.py",
            python_module(rng, test=True),
        ),
        "notebooks": lambda i: (f"notebooks/{i // per_dir}/{_word(rng)}_{i}.ipynb", notebook(rng)),
        "yaml": lambda i: (f"configs/{i // per_dir}/{_word(rng)}_{i}.yaml", yaml_config(rng)),
        "markdown": lambda i: (f"docs/{i // per_dir}/{_word(rng)}_{i}.md", markdown_doc(rng)),
        "json": lambda i: (
            f"data/meta/{i // per_dir}/{_word(rng)}_{i}.json",
            json.dumps({"id": i, "name": _word(rng), "values": [rng.random() for _ in range(20)]}),
        ),
        "csv": lambda i: (f"data/samples/{i // per_dir}/{_word(rng)}_{i}.csv", csv_data(rng)),
        "shell": lambda i: (f"scripts/{i // per_dir}/{_word(rng)}_{i}.sh", shell_script(rng)),
    }
    for kind, n in counts.items():
        for i in range(n):
            rel, content = makers[kind](i)
            write(rel, content, kind)
    return kinds


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` with a fixed identity and no signing (the user's config aside)."""
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )


def build_repository(root: Path, total: int) -> dict[str, Any]:
    """Generate, ``git add`` and commit the benchmark repository; what it holds."""
    root.mkdir(parents=True)
    kinds = generate(root, total, random.Random(SEED))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "generated benchmark repository")
    files = subprocess.run(
        ["git", "ls-files"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.split("\n")
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
    return {"files": len([f for f in files if f]), "bytes": size, "kinds": kinds}


# -- the grep baseline ---------------------------------------------------------------


def to_ere(pattern: str) -> str | None:
    """A Python regular expression as POSIX ERE for GNU grep, or None when it has no equivalent."""
    if re.search(r"\(\?[=!<]", pattern):  # lookarounds
        return None
    ere = pattern.replace("(?:", "(")
    ere = re.sub(r"^\(\?[aiLmsux]+\)", "", ere)  # inline flags: grep runs case-sensitive
    ere = ere.replace(r"\d", "[0-9]").replace(r"\D", "[^0-9]")
    ere = re.sub(r"([*+?}])\?", r"\1", ere)  # lazy quantifiers
    if "(?" in ere:
        return None
    return ere


def grep_accepts(pattern: str) -> bool:
    """Whether GNU grep -E takes ``pattern`` without an error or a warning."""
    proc = subprocess.run(
        ["grep", "-E", "-e", pattern, "/dev/null"], capture_output=True, text=True, check=False
    )
    return proc.returncode in (0, 1) and not proc.stderr


def catalogue_patterns() -> tuple[list[str], dict[str, int]]:
    """The catalogue's content patterns as grep -E patterns, and how many of each source."""
    from mlops_scorecard.evidence.practices import default_catalogue

    patterns: list[str] = []
    counts = {"regex": 0, "regex_dropped": 0, "names": 0}
    names: set[str] = set()
    for practice in default_catalogue().practices:
        for signal in practice.signals:
            if signal.pattern:
                ere = to_ere(signal.pattern)
                if ere is not None and grep_accepts(ere):
                    patterns.append(ere)
                    counts["regex"] += 1
                else:
                    counts["regex_dropped"] += 1
            for name in [*signal.modules, *signal.calls, *signal.keywords, *signal.packages]:
                names.add(name.removeprefix("*."))
    for name in sorted(names):
        # a catalogue name may hold a wildcard (mlflow.log_*): any identifier characters
        parts = [re.escape(part).replace(r"\-", "-") for part in name.split("*")]
        patterns.append(r"\w*".join(parts).removesuffix(r"\.\w*").removesuffix(r"\w*"))
        counts["names"] += 1
    return list(dict.fromkeys(patterns)), counts


def grep_command(patterns_file: Path, out_file: Path) -> list[str]:
    """``git ls-files | xargs grep -E`` over the repository, the output kept in a file."""
    script = (
        f"git ls-files -z | xargs -0 grep -I -E -f '{patterns_file}' -- > '{out_file}'; "
        # xargs exits 123 when a grep found nothing in its batch: not a failure
        "s=$?; [ $s -le 123 ]"
    )
    return ["sh", "-c", script]


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process under it, from /proc (children of each thread)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # gone between the listing and the read
            continue
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB; PSS shares copy-on-write pages out among the forks."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def tree_peak(args: list[str], interval: float = 0.02) -> dict[str, float]:
    """Peak memory of a command with all its processes (a scan may fork workers), sampled.

    GNU time's maximum resident set is that of the largest single process; a command
    that forks workers uses their sum. PSS counts a page shared by several forks once
    in all, so its sum is what the machine gives the command; the RSS sum counts shared
    pages again in each process (an upper bound).
    """
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = 0
    most = 0
    while proc.poll() is None:
        pids = _descendants(proc.pid)
        sizes = [_memory_kb(p) for p in pids]
        peak_pss = max(peak_pss, sum(p for p, _ in sizes))
        peak_rss = max(peak_rss, sum(r for _, r in sizes))
        most = max(most, len(pids))
        time.sleep(interval)
    if proc.returncode != 0:
        raise CommandFailed(f"exit status {proc.returncode}")
    return {"pss_mb": peak_pss / 1024, "rss_sum_mb": peak_rss / 1024, "processes": most}


def profile_scan(root: Path, top: int = 15) -> list[dict[str, Any]]:
    """Where an in-process scan spends its time: the ``top`` functions by own time (cProfile).

    cProfile slows Python code two to three times, so the shares matter, not the seconds.
    The scan runs in one process, so cProfile sees all of its work.
    """
    import cProfile
    import pstats

    from mlops_scorecard.evidence.scanner import scan

    profiler = cProfile.Profile()
    # pinned to one CPU, as the scan would run on a busy CI machine
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cpus:
        os.sched_setaffinity(0, {min(cpus)})
    try:
        profiler.runcall(scan, [root])
    finally:
        if cpus:
            os.sched_setaffinity(0, cpus)
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    return [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "calls": calls,
            "own_share": round(own / total, 3),
            "cumulative_share": round(cumulative / total, 3),
        }
        for (file, line, name), (_, calls, own, cumulative, _) in rows
    ]


# -- results -------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown(report: dict[str, Any]) -> str:
    """The results file as a short Markdown summary."""
    repo = report["repository"]
    lines = [
        "# Scan benchmark",
        "",
        f"Generated {report['generated_at']} by `benchmarks/scan.py` on {report['machine']['cpu']} "
        f"({report['machine']['cores']} cores, load {report['machine']['load_average_before']}); "
        f"median of {report['runs']} runs, each a fresh process; load after the run "
        f"{report.get('load_average_after')}.",
        "",
        f"Repository: {repo['files']:,} files committed, {repo['bytes'] / 1e6:.1f} MB "
        f"({', '.join(f'{k} {v:,}' for k, v in repo['kinds'].items())}).",
        f"Grep patterns: {report['patterns']['total']} ({report['patterns']['regex']} catalogue regexes, "
        f"{report['patterns']['names']} module/call/keyword/package names; "
        f"{report['patterns']['regex_dropped']} regexes with no ERE form left out).",
    ]
    if report.get("scan_summary"):
        s = report["scan_summary"]
        lines.append(
            f"The scan read {s['files_scanned']:,} files, with {s['warnings']} warnings, and found: "
            f"{', '.join(s['found']) or 'nothing'}."
        )
    lines += [
        "",
        "| figure | value | baseline | ratio | target | ok |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for name, value in report["baselines"].items():
        lines.append(f"| {_cell(name)} (baseline) | {value:.3f} | | | | |")
    for f in report["results"]:
        if f.get("value") is None:
            lines.append(f"| {_cell(f['name'])} | failed | | | | MISSED: {_cell(f.get('note', ''))[-200:]} |")
            continue
        targets = []
        if f.get("target_x") is not None:
            targets.append(f"<= {f['target_x']:g}x")
        if f.get("target") is not None:
            targets.append(f"< {f['target']:g} {f['unit']}")
        ok = "" if f["ok"] is None else ("ok" if f["ok"] else "MISSED")
        ratio = "" if f["x_baseline"] is None else f"{f['x_baseline']:.2f}x"
        lines.append(
            f"| {_cell(f['name'])} | {f['value']:.3f} {f['unit']} | {_cell(f['baseline'] or '')} | {ratio} "
            f"| {', '.join(targets)} | {ok} |"
        )
    notes = [f for f in report["results"] if f.get("note") and f.get("value") is not None]
    if notes:
        lines.append("")
        lines += [f"- {f['name']}: {f['note']}" for f in notes]
    if report.get("profile"):
        lines += [
            "",
            "Where the scan spends its time (cProfile, in process, by own time; shares of the total):",
            "",
            "| function | calls | own | cumulative |",
            "| --- | ---: | ---: | ---: |",
        ]
        for row in report["profile"]:
            lines.append(
                f"| `{_cell(row['function'])}` | {row['calls']:,} | {row['own_share']:.1%} "
                f"| {row['cumulative_share']:.1%} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    """Build the repository, run the three commands side by side, write the results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "scan.json")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it (a new folder)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one scan in process (cProfile) and list the top functions",
    )
    args = parser.parse_args()
    if shutil.which("git") is None or shutil.which("grep") is None:
        raise SystemExit("benchmarks/scan.py needs git and GNU grep")
    out = Results(args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = args.keep or work / "repo"
        print(f"generating {args.files:,} files in {root}", flush=True)
        repo = build_repository(root, args.files)
        print(f"committed {repo['files']:,} files, {repo['bytes'] / 1e6:.1f} MB", flush=True)
        patterns, counts = catalogue_patterns()
        patterns_file = work / "patterns.txt"
        patterns_file.write_text("\n".join(patterns) + "\n")
        pattern_info = {**counts, "total": len(patterns)}

        start_up = fresh_process(python("pass"), max(10, 4 * args.runs))
        out.baseline("python -c pass", start_up.seconds, "s")
        out.baseline("python -c pass, peak memory", start_up.peak_mb, "MB")
        grep_name = f"git ls-files | xargs grep -E ({len(patterns)} patterns)"
        grep = fresh_process(grep_command(patterns_file, work / "grep.out"), args.runs, cwd=root)
        out.baseline(grep_name, grep.seconds, "s")

        summary: dict[str, Any] | None = None
        profile: list[dict[str, Any]] | None = None
        try:
            scanned = fresh_process([*python(SCAN_CHILD), str(root)], args.runs)
        except CommandFailed as exc:
            out.failed("scan of the repository", str(exc))
        else:
            out.figure(
                "scan of the repository",
                scanned.seconds,
                "s",
                baseline=grep_name,
                target_x=SCAN_GREP_X,
                target=SCAN_SECONDS,
                note="runs (s): "
                + ", ".join(f"{t:.2f}" for t in scanned.runs_s)
                + "; grep runs (s): "
                + ", ".join(f"{t:.2f}" for t in grep.runs_s),
            )
            out.figure(
                "scan of the repository, beside start-up", scanned.seconds, "s", baseline="python -c pass"
            )
            out.figure(
                "scan of the repository, peak memory",
                scanned.peak_mb,
                "MB",
                baseline="python -c pass, peak memory",
                target=SCAN_MB,
            )
            tree = tree_peak([*python(SCAN_CHILD), str(root)])
            out.figure(
                "scan of the repository, peak memory of all its processes (PSS, sampled)",
                tree["pss_mb"],
                "MB",
                baseline="python -c pass, peak memory",
                target=SCAN_MB,
                note=f"{tree['processes']} processes at most; the RSS sum, shared pages counted in each, "
                f"peaked at {tree['rss_sum_mb']:.1f} MB",
            )
            # what the scan saw, from one more run: so a fast scan that skipped files shows
            proc = subprocess.run(
                [*python(SCAN_CHILD), str(root)], capture_output=True, text=True, check=True
            )
            result = json.loads(proc.stdout)["repositories"][0]
            summary = {
                "files_scanned": result["files_scanned"],
                "warnings": len(result["warnings"]),
                "found": [p["id"] for p in result["practices"] if p["status"] == "found"],
            }
            print(f"the scan read {summary['files_scanned']:,} files and found {', '.join(summary['found'])}")
            if args.profile:
                profile = profile_scan(root)

    try:
        load_after: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load_after = None
    code = out.write(
        args.output,
        repository=repo,
        patterns=pattern_info,
        scan_summary=summary,
        profile=profile,
        load_average_after=load_after,
    )
    report = json.loads(args.output.read_text())
    md = args.output.with_suffix(".md")
    md.write_text(markdown(report))
    print(f"wrote {md}")
    return code


if __name__ == "__main__":
    sys.exit(main())
