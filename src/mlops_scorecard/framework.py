"""Frameworks: the questionnaire as versioned data.

A framework file (YAML or JSON, see ``docs/framework-format.md``) holds the answer
scale, the levels (score bands) and the dimensions with their questions. Loading
validates it and reports every problem with the file, the line and the place.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .datafiles import read_document
from .errors import FrameworkError
from .problems import validation_problems

__all__ = [
    "ANSWER_KEYS",
    "DEFAULT_SCALE",
    "QUESTION_SETS",
    "AnswerKey",
    "Dimension",
    "Framework",
    "Level",
    "Question",
    "QuestionSet",
    "ScaleChoice",
    "builtin_frameworks",
    "get_framework",
    "load_framework",
    "names_a_file",
    "newest_builtin",
    "parse_framework",
]

AnswerKey = Literal["yes", "partly", "no", "na", "unknown"]
ANSWER_KEYS: tuple[str, ...] = ("yes", "partly", "no", "na", "unknown")
#: Keys that carry a value on the scale; the others are counted but never scored.
VALUED_KEYS: tuple[str, ...] = ("yes", "partly", "no")
QuestionSet = Literal["core", "full"]
QUESTION_SETS: tuple[str, ...] = ("core", "full")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Weight = Annotated[float, Field(gt=0, le=1000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ScaleChoice(_Model):
    """One answer choice: its label and value (``None`` for choices never scored)."""

    label: str
    value: float | None = Field(default=None, ge=0, le=1)
    description: str = ""


DEFAULT_SCALE: dict[str, ScaleChoice] = {
    "yes": ScaleChoice(label="Yes", value=1.0),
    "partly": ScaleChoice(label="Partly", value=0.5),
    "no": ScaleChoice(label="No", value=0.0),
    "na": ScaleChoice(label="Not applicable"),
    "unknown": ScaleChoice(label="Don't know"),
}


class Level(_Model):
    """A score band: scores from ``min`` up to the next level's ``min`` get this level."""

    id: Slug
    name: str = Field(min_length=1)
    min: float = Field(ge=0, le=100)
    description: str = ""


class Question(_Model):
    """A question with a stable id; ``set`` is ``core`` or ``extended``."""

    id: Slug
    text: str = Field(min_length=1)
    set: Literal["core", "extended"] = "core"
    weight: Weight = 1.0
    guidance: str = ""
    recommendation: str = ""


class Dimension(_Model):
    """A dimension (the article's "layer") with its questions."""

    id: Slug
    title: str = Field(min_length=1)
    weight: Weight = 1.0
    description: str = ""
    questions: list[Question] = Field(min_length=1)

    def questions_in(self, question_set: QuestionSet) -> list[Question]:
        """The questions asked when the assessment uses ``question_set``."""
        if question_set == "full":
            return list(self.questions)
        return [q for q in self.questions if q.set == "core"]


class Source(_Model):
    """Where a framework comes from, for citation in reports."""

    title: str = ""
    author: str = ""
    year: int | None = None
    url: str = ""
    citation: str = ""


class Framework(_Model):
    """A validated framework. Use :func:`load_framework` or :func:`get_framework`."""

    format: Literal[1] = 1
    id: Slug
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    description: str = ""
    source: Source = Source()
    overall: Literal["weighted-mean", "minimum"] = "weighted-mean"
    scale: dict[str, ScaleChoice] = Field(default_factory=lambda: dict(DEFAULT_SCALE))
    levels: list[Level] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    #: Practice id (``docs/evidence.md``) -> the ids of the questions it bears on.
    evidence: dict[Slug, list[Slug]] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # `version: 1.0` in YAML is a float; a version is text.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("scale", mode="before")
    @classmethod
    def _scale_keys(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        # YAML 1.1 reads unquoted yes/no keys as booleans.
        keys = {True: "yes", False: "no"}
        out = {keys.get(k, k) if isinstance(k, bool) else k: v for k, v in value.items()}
        # The short form `yes: 1.0` means the value, with the default label.
        return {
            k: {"label": DEFAULT_SCALE[k].label if k in DEFAULT_SCALE else str(k), "value": v}
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for k, v in out.items()
        }

    @model_validator(mode="after")
    def _check(self) -> Framework:
        problems: list[str] = []
        for k in self.scale:
            if k not in ANSWER_KEYS:
                allowed = ", ".join(ANSWER_KEYS)
                problems.append(f"scale.{k}: unknown scale key (allowed: {allowed})")
        for key in ("yes", "no"):
            if key not in self.scale:
                problems.append(f"scale: the key {key!r} is required")
        for key, choice in self.scale.items():
            if key in VALUED_KEYS and choice.value is None:
                problems.append(f"scale.{key}: needs a value between 0 and 1")
            if key in ("na", "unknown") and choice.value is not None:
                problems.append(f"scale.{key}: carries no value; remove 'value'")
        problems += _scale_order(self.scale)
        if self.levels and self.levels[0].min != 0:
            problems.append("levels[0]: the first level must start at min 0")
        for i in range(1, len(self.levels)):
            if self.levels[i].min <= self.levels[i - 1].min:
                problems.append(f"levels[{i}] ({self.levels[i].id}): min must be above the previous level's")
        dims = list(enumerate(self.dimensions))
        level_places = [(f"levels[{i}]", lv.id) for i, lv in enumerate(self.levels)]
        question_places = [
            (f"dimensions[{i}] ({d.id}).questions[{j}]", q.id)
            for i, d in dims
            for j, q in enumerate(d.questions)
        ]
        _duplicates(problems, level_places, "level id")
        _duplicates(problems, [(f"dimensions[{i}]", d.id) for i, d in dims], "dimension id")
        _duplicates(problems, question_places, "question id")
        for i, dim in enumerate(self.dimensions):
            if not dim.questions_in("core"):
                problems.append(f"dimensions[{i}] ({dim.id}): has no core question")
        known = {qid for _, qid in question_places}
        for practice, qids in self.evidence.items():
            for qid in qids:
                if qid not in known:
                    problems.append(f"evidence.{practice}: unknown question id {qid!r}")
        if problems:
            raise ValueError("\n".join(problems))  # one problem a line, see validation_problems
        return self

    @property
    def ref(self) -> str:
        """``id@version``, the reference an assessment pins."""
        return f"{self.id}@{self.version}"

    @cached_property
    def _questions_by_id(self) -> dict[str, tuple[Dimension, Question]]:
        return {q.id: (d, q) for d in self.dimensions for q in d.questions}

    def question(self, question_id: str) -> tuple[Dimension, Question] | None:
        """The dimension and question with this id, or ``None``."""
        return self._questions_by_id.get(question_id)

    def dimension(self, dimension_id: str) -> Dimension | None:
        """The dimension with this id, or ``None``."""
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def iter_questions(self, question_set: QuestionSet = "full") -> Iterator[tuple[Dimension, Question]]:
        """Every ``(dimension, question)`` in the set, in framework order."""
        for dim in self.dimensions:
            for q in dim.questions_in(question_set):
                yield dim, q

    def level_for(self, score: float | None) -> Level | None:
        """The level whose band holds ``score``; ``None`` for no score."""
        if score is None:
            return None
        found = self.levels[0]
        for level in self.levels:
            # tolerance: 5 respondents' means can give 59.99999999999999 for an exact 60
            if score >= level.min - 1e-9:
                found = level
        return found

    def value_of(self, answer: str) -> float | None:
        """The value an answer key carries on this framework's scale."""
        choice = self.scale.get(answer)
        return None if choice is None else choice.value


def _scale_order(scale: dict[str, ScaleChoice]) -> list[str]:
    """Problems with the order no < partly < yes: the plan and the levels read a higher
    value as a better answer, so a scale the other way round would call "no" done."""
    value = {k: scale[k].value for k in VALUED_KEYS if k in scale}
    yes, partly, no = value.get("yes"), value.get("partly"), value.get("no")
    if yes is None or no is None:
        return []  # a missing key or value is reported on its own
    if yes <= no:
        return [f"scale.yes.value: {yes:g} must be above the value of 'no' ({no:g}): yes is the best answer"]
    if partly is not None and not no < partly < yes:
        return [
            f"scale.partly.value: {partly:g} must be between the values of 'no' ({no:g}) and 'yes' ({yes:g})"
        ]
    return []


def _duplicates(problems: list[str], places: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for place, i in places:
        if i in seen:
            problems.append(f"{place}: duplicate {what} {i!r} (first used at {seen[i]})")
        else:
            seen[i] = place


def parse_framework(data: Any, *, source: str = "<framework>", text: str | None = None) -> Framework:
    """Validate already-parsed framework data; raises :class:`FrameworkError`."""
    if not isinstance(data, dict):
        raise FrameworkError("a framework must be a mapping with id, version, dimensions, ...", source=source)
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(validation_problems(exc, data, text), source=source) from None


def load_framework(path: str | Path) -> Framework:
    """Load and validate a framework file (YAML or JSON)."""
    data, text = read_document(path, error=FrameworkError)
    return parse_framework(data, source=str(path), text=text)


_BUILTIN_CACHE: dict[str, Framework] = {}


def newest_builtin() -> Framework | None:
    """The last of :func:`builtin_frameworks` (the newest version of the last id)."""
    frameworks = builtin_frameworks()
    return frameworks[-1] if frameworks else None


def builtin_frameworks() -> list[Framework]:
    """The frameworks shipped with the package, sorted by id then version."""
    if not _BUILTIN_CACHE:
        folder = resources.files("mlops_scorecard") / "frameworks"
        for entry in folder.iterdir():
            if entry.name.endswith((".yaml", ".yml")):
                with resources.as_file(entry) as path:
                    fw = load_framework(path)
                _BUILTIN_CACHE[fw.ref] = fw
    return sorted(_BUILTIN_CACHE.values(), key=lambda f: (f.id, _version_key(f.version)))


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isascii() and p.isdigit() else (1, p) for p in version.split("."))


def names_a_file(ref: str) -> bool:
    """Whether a framework reference is the path of a framework file (not ``id@version``)."""
    return ref.endswith((".yaml", ".yml", ".json")) or "/" in ref or Path(ref).is_file()


def get_framework(ref: str, *, allow_files: bool = True) -> Framework:
    """Find a framework by ``id``, ``id@version`` or the path of a framework file.

    A bare id takes the newest built-in version. Servers pass ``allow_files=False`` so
    that a reference from a request can never read a file on the server.
    """
    if allow_files and names_a_file(ref):
        return load_framework(ref)
    fid, _, version = ref.partition("@")
    matches = [f for f in builtin_frameworks() if f.id == fid]
    if not matches:
        known = ", ".join(sorted({f.id for f in builtin_frameworks()}))
        raise FrameworkError(f"unknown framework {fid!r} (built-in: {known}; or give a file path)")
    if not version:
        return matches[-1]
    for fw in matches:
        if fw.version == version:
            return fw
    versions = ", ".join(f.version for f in matches)
    raise FrameworkError(f"framework {fid!r} has no version {version!r} (available: {versions})")
