"""The practices a scan looks for, as data: ``evidence/practices.yaml``.

Each practice has a stable id, a title, what counts as evidence, a remediation text and
its signals; each signal has a kind (what the scanner reads), where it looks and a
confidence. The catalogue is validated on load, so a broken edit fails with the line.
Which framework questions a practice bears on is not here: it is the framework's
``evidence:`` mapping (see ``docs/evidence.md``), so a custom framework maps too.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..datafiles import read_document
from ..errors import ScorecardError
from ..problems import validation_problems
from .results import Confidence

__all__ = [
    "PRACTICE_IDS",
    "Catalogue",
    "CatalogueError",
    "Practice",
    "Signal",
    "SignalKind",
    "default_catalogue",
    "load_catalogue",
    "parse_catalogue",
]

#: The twenty practices, in the order outputs list them.
PRACTICE_IDS: tuple[str, ...] = (
    "ci",
    "tests",
    "data-versioning",
    "experiment-tracking",
    "model-registry",
    "pipeline-orchestration",
    "containerization",
    "infrastructure-as-code",
    "monitoring",
    "data-validation",
    "feature-store",
    "pinned-dependencies",
    "random-seeds",
    "code-quality",
    "documentation",
    "model-documentation",
    "dependency-updates",
    "security-scanning",
    "code-ownership",
    "large-artifacts-committed",
)

#: What a signal reads:
#: - ``file``: a tracked file or folder whose path matches ``paths`` (gitwildmatch, any
#:   case; a ``!`` glob excludes what it matches), of at least ``min_bytes`` when that is
#:   set (a README with some substance);
#: - ``content``: a line matching ``pattern`` in a file matching ``paths`` (comments skipped);
#: - ``import``: a Python module in ``modules`` imported in code (``.py`` or notebook code cells);
#: - ``call``: a call to a dotted name in ``calls``, after resolving import aliases
#:   (``*.name`` for a method of any object); ``needs_arguments``: only with an argument;
#: - ``keyword``: a call given one of ``keywords`` as a literal constant (``random_state=42``);
#: - ``dependency``: a distribution in ``packages`` declared in a requirements file,
#:   ``pyproject.toml``, ``setup.py``/``setup.cfg``, conda ``environment.yml``, Pipfile
#:   or a lock file;
#: - ``ci-command``: a command matching ``pattern`` run by a CI configuration;
#: - ``ci-uses``: a CI step using an action, orb, image or template matching ``pattern``;
#: - ``ci-config``: a CI configuration :mod:`.ci_systems` recognises and can parse (its
#:   path, confirmed by its content where the path alone is ambiguous); with ``pattern``,
#:   one whose every step only uses what matches it (issue bots) is not CI;
#: - ``pinned``: a manifest (not a lock file; ``paths`` narrows which) declaring at least
#:   one dependency, nine in ten or more of them pinned to one exact version;
#: - ``mention``: a line matching ``pattern`` in documentation (``paths``): always low;
#: - ``artifact``: a tracked binary with one of ``extensions`` of at least ``min_bytes``,
#:   not under LFS or DVC and not in a test-data folder.
SignalKind = Literal[
    "file",
    "content",
    "import",
    "call",
    "keyword",
    "dependency",
    "ci-command",
    "ci-uses",
    "mention",
    "artifact",
    "ci-config",
    "pinned",
]
_DEFAULT_CONFIDENCE: dict[str, Confidence] = {
    "file": "high",
    "content": "high",
    "import": "medium",
    "call": "high",
    "keyword": "high",
    "dependency": "medium",
    "ci-command": "high",
    "ci-uses": "high",
    "mention": "low",
    "artifact": "high",
    "ci-config": "high",
    "pinned": "high",
}
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]


class CatalogueError(ScorecardError):
    """A practices catalogue that cannot be used."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Signal(_Model):
    """One kind of evidence for a practice (see :data:`SignalKind`)."""

    id: Slug
    kind: SignalKind
    title: str = Field(min_length=1, description="Shown beside each finding, e.g. 'GitHub Actions workflow'.")
    confidence: Confidence | None = None
    paths: list[str] = Field(default_factory=list)
    pattern: str | None = None
    modules: list[str] = Field(default_factory=list)
    calls: list[str] = Field(default_factory=list)
    needs_arguments: bool = False
    keywords: list[str] = Field(default_factory=list)
    packages: list[str] = Field(default_factory=list)
    extensions: list[str] = Field(default_factory=list)
    min_bytes: int = Field(default=0, ge=0)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _needs(self) -> Signal:
        needed = {
            "file": ("paths",),
            "content": ("paths", "pattern"),
            "import": ("modules",),
            "call": ("calls",),
            "keyword": ("keywords",),
            "dependency": ("packages",),
            "ci-command": ("pattern",),
            "ci-uses": ("pattern",),
            "mention": ("pattern",),
            "artifact": ("extensions",),
            "ci-config": (),
            "pinned": (),
        }[self.kind]
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise ValueError(f"a {self.kind} signal needs {' and '.join(missing)}")
        if self.kind == "mention" and self.confidence not in (None, "low"):
            raise ValueError("a mention is low confidence")
        return self

    @property
    def level(self) -> Confidence:
        """The confidence of what this signal finds (its kind's default unless set)."""
        return self.confidence or _DEFAULT_CONFIDENCE[self.kind]


class Practice(_Model):
    """A practice: what counts as evidence, how it is detected, what to do without it."""

    id: Slug
    title: str = Field(min_length=1)
    negative: bool = False
    description: str = Field(min_length=1, description="What counts as evidence, in words.")
    remediation: str = Field(min_length=1)
    caveat: str = Field(default="", description="Where detection may under- or over-report.")
    signals: list[Signal] = Field(min_length=1)


class Catalogue(_Model):
    """The practices, in order."""

    format: Literal[1] = 1
    practices: list[Practice] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        seen: set[str] = set()
        for p in self.practices:
            if p.id in seen:
                raise ValueError(f"duplicate practice id {p.id!r}")
            seen.add(p.id)
            ids = [s.id for s in p.signals]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"practice {p.id!r}: duplicate signal ids {', '.join(dupes)}")
        return self

    def practice(self, practice_id: str) -> Practice | None:
        """The practice with this id, or ``None``."""
        return next((p for p in self.practices if p.id == practice_id), None)


def parse_catalogue(data: Any, *, source: str = "<practices>", text: str | None = None) -> Catalogue:
    """Validate already-parsed catalogue data; raises :class:`CatalogueError`."""
    if not isinstance(data, dict):
        raise CatalogueError(
            "a practices catalogue is a mapping with 'format' and 'practices'", source=source
        )
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(validation_problems(exc, data, text), source=source) from None


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and validate a practices catalogue file (YAML or JSON)."""
    data, text = read_document(path, error=CatalogueError)
    return parse_catalogue(data, source=str(path), text=text)


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped with the package (``evidence/practices.yaml``)."""
    entry = resources.files("mlops_scorecard") / "evidence" / "practices.yaml"
    with resources.as_file(entry) as path:
        return load_catalogue(path)
