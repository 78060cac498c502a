"""Continuous integration in any common system, and what its jobs run.

GitHub Actions, GitLab CI (and its includes' local files), Azure Pipelines (wherever its
YAML lives: ``azure-pipelines.yml``, ``.azure-pipelines/``, ``.pipelines/``...), Jenkins,
CircleCI, Cloud Build, Buildkite, Travis, Bitbucket Pipelines, Drone, Woodpecker,
AppVeyor, Tekton, Argo Workflows used as CI... A configuration is recognised by its path
and confirmed by its content where the path alone is ambiguous.

OWNER: helper A1 (interface fixed; fill in the bodies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CiStep", "CiSystemError", "ci_steps", "ci_system"]


class CiSystemError(ValueError):
    """A CI configuration that cannot be parsed."""


@dataclass(frozen=True)
class CiStep:
    """One thing a CI configuration does: a shell ``command`` it runs, or an action,
    orb, image or template it ``uses``; with the 1-based line."""

    kind: Literal["command", "uses"]
    text: str
    line: int


def ci_system(path: str, text: str | None = None) -> str | None:
    """The CI system ``path`` configures (``"github-actions"``, ``"gitlab-ci"``...), or
    ``None``. With ``text``, ambiguous paths are confirmed by their content."""
    raise NotImplementedError


def ci_steps(path: str, text: str) -> list[CiStep]:
    """What the CI configuration at ``path`` runs and uses (comments never count).
    Raises :class:`CiSystemError` for a configuration that cannot be parsed."""
    raise NotImplementedError
