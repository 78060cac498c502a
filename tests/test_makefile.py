"""The Makefile installs what each job needs: ``make demo`` the web service without the
test tools, ``make test`` everything, in either order on one checkout.

``make -n`` prints what would run without running it, against a virtual environment
folder in ``tmp_path`` whose stamp files say what is already installed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = "pip install --quiet -e '.[server]'"
EVERYTHING = "pip install --quiet -e '.[dev,server,postgres]'"


def dry_run(target: str, venv: Path) -> list[str]:
    proc = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"], capture_output=True, text=True, check=True
    )
    return [line for line in proc.stdout.splitlines() if "pip install" in line]


def venv_with(tmp_path: Path, *stamps: str) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    for stamp in stamps:  # newer than pyproject.toml, as after the install
        (venv / stamp).touch()
    return venv


@pytest.mark.parametrize(
    ("target", "install"), [("demo", SERVER), ("test", EVERYTHING), ("unit", EVERYTHING)]
)
def test_a_fresh_checkout_installs_what_the_target_needs(tmp_path: Path, target: str, install: str) -> None:
    installs = dry_run(target, venv_with(tmp_path))
    assert [line.split("python -m ", 1)[1] for line in installs] == [install]


def test_make_demo_does_not_install_the_test_tools(tmp_path: Path) -> None:
    assert not any("dev" in line for line in dry_run("demo", venv_with(tmp_path)))


def test_demo_after_test_installs_nothing(tmp_path: Path) -> None:
    # what `make test` leaves behind: it stamps the smaller installs too
    venv = venv_with(tmp_path, ".installed", ".installed-server", ".installed-core")
    assert dry_run("demo", venv) == []
    assert dry_run("example", venv) == []


def test_test_after_demo_adds_the_test_tools(tmp_path: Path) -> None:
    venv = venv_with(tmp_path, ".installed-server", ".installed-core")
    assert [line.split("python -m ", 1)[1] for line in dry_run("test", venv)] == [EVERYTHING]
    assert dry_run("demo", venv) == []


def test_the_full_install_stamps_the_smaller_ones() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(VENV)/.installed: pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "touch $@ $(VENV)/.installed-server $(VENV)/.installed-core" in recipe
