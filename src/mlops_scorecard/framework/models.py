"""The framework models: what a framework file may hold, validated.

A framework file (YAML or JSON, see ``docs/framework-format.md``) holds the answer
scale, the levels (score bands), the dimensions with their questions and, optionally,
context (profile) questions, the evidence mapping and how its questions map to the
previous version's. :mod:`.loading` reads files and reports each problem with its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .risk import RiskRuleError, parse_condition
from .scales import (
    ANSWER_KEYS,
    DEFAULT_SCALE,
    NO_VALUE_KEYS,
    VALUED_KEYS,
    AnswerKey,
    ScaleChoice,
    answer_keys_of,
    ranked_keys_of,
    scale_problems,
    uses_default_keys,
)

__all__ = [
    "ANSWER_KEYS",
    "CHANGE_KINDS",
    "DEFAULT_SCALE",
    "NO_VALUE_KEYS",
    "QUESTION_SETS",
    "RISK_ANSWER",
    "VALUED_KEYS",
    "AnswerKey",
    "ChangeKind",
    "Choice",
    "Dimension",
    "Framework",
    "Level",
    "ProfileOption",
    "ProfileQuestion",
    "Question",
    "QuestionChange",
    "QuestionSet",
    "Risk",
    "RiskRule",
    "ScaleChoice",
    "Source",
]

QuestionSet = Literal["core", "full"]
QUESTION_SETS: tuple[str, ...] = ("core", "full")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
#: Choice ids come from other tools (AWS lenses use ``[A-Za-z0-9_]{3,128}``), so upper
#: case is kept.
ChoiceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128)]
Weight = Annotated[float, Field(gt=0, le=1000)]
Risk = Literal["none", "medium", "high"]
#: The answer key a multiple-choice question's risk gives: its value is that key's
#: value on the scale (no risk 1, medium 0.5, high 0 on the default scale).
RISK_ANSWER: dict[str, str] = {"none": "yes", "medium": "partly", "high": "no"}
ChangeKind = Literal["same", "renamed", "split", "merged", "removed", "added"]
CHANGE_KINDS: tuple[str, ...] = ("same", "renamed", "split", "merged", "removed", "added")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Level(_Model):
    """A score band: scores from ``min`` up to the next level's ``min`` get this level."""

    id: Slug
    name: str = Field(min_length=1)
    min: float = Field(ge=0, le=1000)
    #: The band is open at ``min`` (scores above it, not at it), as in the ML Test
    #: Score's table ("(1, 2]").
    above: bool = False
    description: str = ""


class Choice(_Model):
    """One choice of a multiple-choice question (an AWS lens question's choices)."""

    id: ChoiceId
    label: str = Field(min_length=1)
    description: str = ""
    #: What to do when this choice is not selected (a lens's improvement plan).
    recommendation: str = ""
    url: str = ""
    #: The "None of these" choice: selected alone, it clears the others.
    none: bool = False


class RiskRule(_Model):
    """The risk a multiple-choice question carries when ``condition`` holds.

    Rules are tried in order and the first that holds decides; ``default`` always
    holds. ``condition`` is the AWS lens language (:mod:`.risk`): choice ids, ``!``,
    ``&&``, ``||`` and parentheses.
    """

    condition: str = Field(min_length=1, max_length=4000)
    risk: Risk


class Question(_Model):
    """A question with a stable id; ``set`` is ``core`` or ``extended``.

    A question with ``choices`` is answered by selecting choices; its ``risk_rules``
    turn the selection into a risk, and the risk into an answer key (:data:`RISK_ANSWER`).
    ``must_have`` names a level that neither the question's dimension nor the overall
    score can reach until this question is met (docs/scoring.md).
    """

    id: Slug
    text: str = Field(min_length=1)
    set: Literal["core", "extended"] = "core"
    weight: Weight = 1.0
    guidance: str = ""
    recommendation: str = ""
    must_have: Slug | None = None
    choices: list[Choice] = Field(default_factory=list, max_length=50)
    risk_rules: list[RiskRule] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _check_choices(self) -> Question:
        problems: list[str] = []
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            problems.append(f"choices: duplicate choice id {dup!r}")
        if self.choices and not self.risk_rules:
            problems.append("risk_rules: a question with choices needs at least one risk rule")
        if self.risk_rules and not self.choices:
            problems.append("risk_rules: only a question with choices has risk rules")
        known = set(ids)
        for i, rule in enumerate(self.risk_rules):
            try:
                names = parse_condition(rule.condition).names()
            except RiskRuleError as exc:
                problems.append(f"risk_rules[{i}].condition: {exc}")
                continue
            unknown = sorted(names - known)
            if unknown and self.choices:
                problems.append(f"risk_rules[{i}].condition: unknown choice id {unknown[0]!r}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def is_choice(self) -> bool:
        """Whether the question is answered by selecting choices."""
        return bool(self.choices)


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


class ProfileOption(_Model):
    """One answer to a context question, and what it does to the questionnaire."""

    id: Slug
    label: str = Field(min_length=1)
    #: Questions that matter more in this context: the plan ranks them first.
    prioritise: list[Slug] = Field(default_factory=list)
    #: Question id -> why it does not apply in this context (scored as not applicable).
    not_applicable: dict[Slug, str] = Field(default_factory=dict)


class ProfileQuestion(_Model):
    """A context question asked once per assessment (regulated industry, models in
    production, team size), as the AWS Well-Architected Tool's profiles."""

    id: Slug
    text: str = Field(min_length=1)
    options: list[ProfileOption] = Field(min_length=2)
    #: The option assumed when the question is not answered (none: no effect).
    default: Slug | None = None


class QuestionChange(_Model):
    """How questions of the previous version map to this one's.

    ``same``: one id to one id, same meaning (possibly reworded or moved); ``renamed``:
    one to one under a new id; ``split``: one into several; ``merged``: several into
    one; ``removed``: gone (``to`` empty); ``added``: new (``from`` empty). Ids present
    in both versions and named by no change are ``same``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)

    kind: ChangeKind
    from_: list[Slug] = Field(default_factory=list, alias="from")
    to: list[Slug] = Field(default_factory=list)
    note: str = ""

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _arity(self) -> QuestionChange:
        n_from, n_to = len(self.from_), len(self.to)
        wanted = {
            "same": (n_from == 1 and n_to == 1, "one 'from' and one 'to'"),
            "renamed": (n_from == 1 and n_to == 1, "one 'from' and one 'to'"),
            "split": (n_from == 1 and n_to >= 2, "one 'from' and two or more 'to'"),
            "merged": (n_from >= 2 and n_to == 1, "two or more 'from' and one 'to'"),
            "removed": (n_from >= 1 and n_to == 0, "'from' and no 'to'"),
            "added": (n_from == 0 and n_to >= 1, "'to' and no 'from'"),
        }
        ok, text = wanted[self.kind]
        if not ok:
            raise ValueError(f"a {self.kind!r} change takes {text}")
        return self


class Framework(_Model):
    """A validated framework. Use :func:`load_framework` or :func:`get_framework`.

    ``dimension_score`` is how a dimension's score comes from its questions' values
    (``weighted-mean``, or ``sum``: unanswered and "don't know" count as 0) and
    ``overall`` how the overall score comes from the dimensions'; ``points``, when set,
    says the framework reads scores as points out of this many per dimension (the ML
    Test Score's 7), its levels' ``min`` in points too. Scores stay on 0-100 everywhere
    else (docs/scoring.md). ``must_have_met`` is the value a must-have question needs
    to stop capping the level.
    """

    format: Literal[1] = 1
    id: Slug
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    description: str = ""
    source: Source = Source()
    overall: Literal["weighted-mean", "minimum"] = "weighted-mean"
    dimension_score: Literal["weighted-mean", "sum"] = "weighted-mean"
    points: float | None = Field(default=None, gt=0, le=1000)
    #: A must-have question is met when its value (the respondents' mean) reaches this.
    must_have_met: float = Field(default=0.75, gt=0, le=1)
    scale: dict[str, ScaleChoice] = Field(default_factory=lambda: dict(DEFAULT_SCALE))
    levels: list[Level] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    #: Practice id (``docs/evidence.md``) -> the ids of the questions it bears on.
    evidence: dict[Slug, list[Slug]] = Field(default_factory=dict)
    #: Context questions chosen when an assessment is created.
    profile: list[ProfileQuestion] = Field(default_factory=list, max_length=50)
    #: The framework this one was built on (``id@version``), kept for the record:
    #: ``extends`` is resolved before validation (:mod:`.loading`).
    extends: str = ""
    #: The version this one follows (``id@version``) and how its questions map to it.
    previous: str = ""
    changes: list[QuestionChange] = Field(default_factory=list)

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
        # YAML 1.1 reads unquoted yes/no keys as booleans; a 1-5 scale's keys are numbers.
        keys = {True: "yes", False: "no"}
        out = {
            keys[k] if isinstance(k, bool) else str(k) if isinstance(k, int) else k: v
            for k, v in value.items()
        }
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
        problems += scale_problems(self.scale)
        if self.levels and self.levels[0].min != 0:
            problems.append("levels[0]: the first level must start at min 0")
        problems += _level_problems(self.levels, self.points)
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
        level_ids = {lv.id for lv in self.levels}
        for place, q in ((p, q) for i, d in dims for p, q in _question_places(i, d)):
            if q.must_have is None:
                continue
            if q.must_have not in level_ids:
                problems.append(f"{place}.must_have: unknown level id {q.must_have!r}")
            elif q.must_have == self.levels[0].id:
                problems.append(
                    f"{place}.must_have: {q.must_have!r} is the lowest level, which every score reaches;"
                    " name a higher level"
                )
        problems += _profile_problems(self.profile, known)
        for i, change in enumerate(self.changes):
            for qid in change.to:
                if qid not in known:
                    problems.append(f"changes[{i}].to: unknown question id {qid!r}")
        if self.changes and not self.previous:
            problems.append("changes: name the version they map from with 'previous: id@version'")
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
        """The level whose band holds ``score`` (0-100; read in points when the
        framework has ``points``); ``None`` for no score."""
        if score is None:
            return None
        if self.points is not None:
            score = score * self.points / 100.0
        found = self.levels[0]
        for level in self.levels:
            # tolerance: 5 respondents' means can give 59.99999999999999 for an exact 60
            reached = score > level.min + 1e-9 if level.above else score >= level.min - 1e-9
            if reached:
                found = level
        return found

    def value_of(self, answer: str) -> float | None:
        """The value an answer key carries on this framework's scale."""
        choice = self.scale.get(answer)
        return None if choice is None else choice.value

    @cached_property
    def default_keys(self) -> bool:
        """Whether the scale uses the default keys only (yes, partly, no, na, unknown),
        with their values and labels possibly changed."""
        return uses_default_keys(self.scale)

    @cached_property
    def answer_keys(self) -> tuple[str, ...]:
        """The keys answer codes index (:class:`~mlops_scorecard.matrix.ScoreMatrix`):
        :data:`ANSWER_KEYS` for a scale of the default keys (the codes every existing
        framework had), else the valued keys in file order, then ``na`` and ``unknown``.
        Keys the scale lacks are kept, never given: see :attr:`scale_keys`."""
        return answer_keys_of(self.scale)

    @cached_property
    def scale_keys(self) -> tuple[str, ...]:
        """The keys a respondent may answer with, in :attr:`answer_keys` order."""
        return tuple(k for k in self.answer_keys if k in self.scale)

    @cached_property
    def valued_keys(self) -> tuple[str, ...]:
        """The keys that carry a value, in :attr:`answer_keys` order (the others are
        counted but never scored)."""
        return tuple(k for k in self.answer_keys if self.value_of(k) is not None)

    @cached_property
    def ranked_keys(self) -> tuple[str, str, str]:
        """The worst, the middle and the best valued key (:func:`.scales.ranked_keys_of`):
        ``no``, ``partly``, ``yes`` on the default scale."""
        return ranked_keys_of(self.scale)

    def risk_answer(self, risk: str) -> str:
        """The answer key a multiple-choice question's risk gives: no risk the best key,
        medium the middle one, high the worst (:data:`RISK_ANSWER` on the default scale)."""
        worst, middle, best = self.ranked_keys
        return {"none": best, "medium": middle, "high": worst}[risk]

    def key_for(self, text: str) -> str | None:
        """The scale key ``text`` names: the key itself or its label, case-insensitive
        (``None`` when it names none)."""
        folded = text.strip().casefold()
        for key in self.scale_keys:
            if folded in (key.casefold(), self.scale[key].label.casefold()):
                return key
        return None


def _question_places(i: int, dim: Dimension) -> Iterator[tuple[str, Question]]:
    for j, q in enumerate(dim.questions):
        yield f"dimensions[{i}] ({dim.id}).questions[{j}] ({q.id})", q


def _level_problems(levels: list[Level], points: float | None) -> list[str]:
    """Levels must rise, and fit the score's range (0-100, or 0-``points``).

    A level may share the previous one's ``min`` when it is open there (``above``) and
    the previous is not: the ML Test Score's "0" then "(0, 1]"."""
    problems: list[str] = []
    top, unit = (100.0, "100, the highest score") if points is None else (points, f"{points:g} points")
    for i, level in enumerate(levels):
        if level.min > top:
            problems.append(f"levels[{i}] ({level.id}).min: {level.min:g} is above {unit}")
        if i == 0:
            continue
        before = levels[i - 1]
        rises = level.min > before.min or (level.min == before.min and level.above and not before.above)
        if not rises:
            problems.append(f"levels[{i}] ({level.id}): min must be above the previous level's")
    if levels and levels[0].above:
        problems.append(f"levels[0] ({levels[0].id}).above: the first level holds the lowest score, 0")
    return problems


def _profile_problems(profile: list[ProfileQuestion], known: set[str]) -> list[str]:
    problems: list[str] = []
    _duplicates(problems, [(f"profile[{i}]", pq.id) for i, pq in enumerate(profile)], "profile question id")
    for i, pq in enumerate(profile):
        options = {o.id for o in pq.options}
        if len(options) != len(pq.options):
            problems.append(f"profile[{i}] ({pq.id}).options: duplicate option id")
        if pq.default is not None and pq.default not in options:
            problems.append(f"profile[{i}] ({pq.id}).default: unknown option {pq.default!r}")
        for j, option in enumerate(pq.options):
            place = f"profile[{i}] ({pq.id}).options[{j}] ({option.id})"
            for qid in [*option.prioritise, *option.not_applicable]:
                if qid not in known:
                    problems.append(f"{place}: unknown question id {qid!r}")
    return problems


def _duplicates(problems: list[str], places: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for place, i in places:
        if i in seen:
            problems.append(f"{place}: duplicate {what} {i!r} (first used at {seen[i]})")
        else:
            seen[i] = place
