"""``extends``: a framework file that builds on another framework without copying it.

The file is a *patch* (docs/framework-format.md, "Extending a framework"): top-level
keys it gives replace the base's; ``dimensions`` entries are merged by id (fields given
replace, ``questions`` merged by id in turn, new ids added at the end or placed with
``after``/``before``); ``drop`` removes dimensions and questions. The result has its own
``id`` and ``version`` and keeps the base's ``id@version`` in ``extends``.

Every problem names the line of the patch it comes from: the patch's shape is validated
first (pydantic, lines from the patch text); then each id it names is checked against
the base; then the merged framework is validated and each error's place, which is in the
merged framework, is traced back to the patch entry it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import FrameworkError
from ..problems import TextLines, error_message, format_location, place_location, validation_problems
from .models import Dimension, Framework, Question

__all__ = ["Lookup", "is_patch", "resolve_extends", "standalone_document"]

#: Finds a framework by reference (``id@version``, or ``id`` for the newest version).
Lookup = Callable[[str], Framework]

#: What a resolved framework does not take from its base: its own identity, and the
#: base's version history (``previous``/``changes`` map the base to *its* predecessor).
_NOT_INHERITED = ("id", "version", "extends", "previous", "changes", "dimensions")
_PLACING = ("after", "before")
_LIMIT = 20


class _Open(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _optional(model: type[BaseModel], *skip: str) -> dict[str, Any]:
    # Every field of the real model, as "any value, optional": the values are checked
    # once merged, by the real model; the patch models check names and structure only.
    return {name: (Any, None) for name in model.model_fields if name not in skip}


_QuestionPatch = create_model(
    "QuestionPatch",
    __base__=_Open,
    **_optional(Question, "id"),
    id=(str, ...),
    after=(str | None, None),
    before=(str | None, None),
)
_DimensionPatch = create_model(
    "DimensionPatch",
    __base__=_Open,
    **_optional(Dimension, "id", "questions"),
    id=(str, ...),
    questions=(list[_QuestionPatch] | None, None),
    after=(str | None, None),
    before=(str | None, None),
)


class _Drop(_Open):
    dimensions: list[str] = []
    questions: list[str] = []


_FrameworkPatch = create_model(
    "FrameworkPatch",
    __base__=_Open,
    **_optional(Framework, "id", "version", "extends", "dimensions"),
    id=(Any, ...),
    version=(Any, ...),
    extends=(str, ...),
    dimensions=(list[_DimensionPatch] | None, None),
    drop=(_Drop | None, None),
)


def is_patch(data: Any) -> bool:
    """Whether parsed framework data extends another framework (has a non-empty ``extends``)."""
    return isinstance(data, dict) and data.get("extends") not in (None, "")


def standalone_document(framework: Framework) -> dict[str, Any]:
    """A resolved framework as a file that stands on its own: everything, without
    ``extends`` (a file with ``extends`` is read as a patch of its base)."""
    return framework.model_dump(mode="json", by_alias=True, exclude={"extends"})


@dataclass
class _Entry:
    """A dimension or question of the framework being built, and the patch entry (its
    location in the patch) it came from, if any."""

    data: dict[str, Any]
    patch: tuple[int | str, ...] | None = None
    questions: list[_Entry] = field(default_factory=list)
    from_base: bool = False

    @property
    def id(self) -> str:
        return str(self.data["id"])


class _Problems:
    """Problems found in the patch, each with the patch's line and place."""

    def __init__(self, data: dict[str, Any], text: str | None) -> None:
        self.data = data
        self.lines = TextLines(text)
        self.items: list[str] = []

    def at(self, loc: Sequence[int | str], message: str) -> str:
        line = self.lines.line(loc)
        place = format_location(loc, self.data) or "top level"
        return f"line {line}: {place}: {message}" if line else f"{place}: {message}"

    def add(self, loc: Sequence[int | str], message: str) -> None:
        self.items.append(self.at(loc, message))


def resolve_extends(data: dict[str, Any], *, text: str | None, source: str, lookup: Lookup) -> Framework:
    """Apply the patch ``data`` (a framework file with ``extends``) to its base, found with
    ``lookup``, and validate the result; every problem raises :class:`FrameworkError`
    with the line of the patch it comes from."""
    try:
        _FrameworkPatch.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(validation_problems(exc, data, text, limit=_LIMIT), source=source) from None
    problems = _Problems(data, text)
    ref = str(data["extends"]).strip()
    own = f"{data['id']}@{data['version']}"
    try:
        base = lookup(ref)
    except FrameworkError as exc:
        lines = str(exc).splitlines() or ["cannot be used"]
        raise FrameworkError([problems.at(["extends"], line) for line in lines], source=source) from None
    cycle = _cycle(base, own, lookup)
    if cycle:
        raise FrameworkError(problems.at(["extends"], "a cycle: " + " -> ".join(cycle)), source=source)
    merged, origins, question_locs = _merge(data, base, problems)
    if problems.items:
        raise FrameworkError(problems.items, source=source)
    try:
        return Framework.model_validate(merged)
    except ValidationError as exc:
        trace = _Trace(problems, merged, origins, question_locs, base.ref)
        raise FrameworkError(trace.problems(exc), source=source) from None


def _cycle(base: Framework, own: str, lookup: Lookup) -> list[str]:
    """The chain of bases that leads back to ``own``, or ``[]``."""
    chain, fw = [own], base
    while True:
        chain.append(fw.ref)
        if fw.ref in chain[:-1]:
            return chain
        if not fw.extends:
            return []
        try:
            fw = lookup(fw.extends)
        except FrameworkError:
            return []  # the base's base is gone: the base itself was resolved already


def _fields(entry: dict[str, Any], *skip: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in (*_PLACING, *skip)}


def _merge(
    data: dict[str, Any], base: Framework, problems: _Problems
) -> tuple[dict[str, Any], dict[tuple[int | str, ...], tuple[int | str, ...]], dict[str, list[int | str]]]:
    """The merged framework data; where each merged place came from in the patch; and
    each question's location in the merged data."""
    base_data = base.model_dump(mode="json", by_alias=True)
    merged = {k: v for k, v in base_data.items() if k not in _NOT_INHERITED}
    origins: dict[tuple[int | str, ...], tuple[int | str, ...]] = {}
    for key, value in data.items():
        if key not in ("dimensions", "drop", "extends"):
            merged[key] = value
            origins[(key,)] = (key,)
    merged["extends"] = base.ref  # pinned: a bare id's newest version, as it was resolved
    dims = [
        _Entry(_fields(d, "questions"), questions=[_Entry(q) for q in d["questions"]], from_base=True)
        for d in base_data["dimensions"]
    ]
    dropped_from = _drop(data.get("drop") or {}, dims, problems)
    moves: list[tuple[list[_Entry], _Entry, tuple[int | str, ...], dict[str, Any]]] = []
    seen: set[str] = set()
    for k, patch_dim in enumerate(data.get("dimensions") or []):
        loc: tuple[int | str, ...] = ("dimensions", k)
        did = str(patch_dim["id"])
        if did in seen:
            problems.add((*loc, "id"), f"dimension {did!r} is given twice in this file")
            continue
        seen.add(did)
        dim = next((d for d in dims if d.id == did), None)
        if dim is None:
            dim = _Entry({}, questions=[])
            dims.append(dim)
        dim.data.update(_fields(patch_dim, "questions"))
        dim.patch = loc
        moves.append((dims, dim, loc, patch_dim))
        _merge_questions(patch_dim.get("questions") or [], loc, dim, dims, moves, problems)
    for siblings, entry, loc, patch_entry in moves:
        _place(siblings, entry, loc, patch_entry, problems)
    if "evidence" not in data or "profile" not in data:
        _prune(merged, data, {q.id for d in dims for q in d.questions})
    merged["dimensions"] = []
    question_locs: dict[str, list[int | str]] = {}
    for i, dim in enumerate(dims):
        origin = dim.patch or dropped_from.get(dim.id)
        if origin:
            origins[("dimensions", i)] = origin
        out = dict(dim.data)
        if dim.questions or dim.from_base:  # a new dimension without questions: "missing"
            out["questions"] = [q.data for q in dim.questions]
        for j, q in enumerate(dim.questions):
            question_locs[q.id] = ["dimensions", i, "questions", j]
            if q.patch:
                origins[("dimensions", i, "questions", j)] = q.patch
        merged["dimensions"].append(out)
    return merged, origins, question_locs


def _drop(drop: dict[str, Any], dims: list[_Entry], problems: _Problems) -> dict[str, tuple[int | str, ...]]:
    """Remove what ``drop`` names; returns, per dimension that lost questions, the first
    ``drop`` entry that took one (the place its problems are reported at)."""
    for i, did in enumerate(drop.get("dimensions") or []):
        dim = next((d for d in dims if d.id == did), None)
        if dim is None:
            problems.add(("drop", "dimensions", i), f"unknown dimension id {did!r} in the base")
        else:
            dims.remove(dim)
    dropped_from: dict[str, tuple[int | str, ...]] = {}
    for i, qid in enumerate(drop.get("questions") or []):
        dim = next((d for d in dims if any(q.id == qid for q in d.questions)), None)
        if dim is None:
            problems.add(("drop", "questions", i), f"unknown question id {qid!r} in the base")
            continue
        dim.questions = [q for q in dim.questions if q.id != qid]
        dropped_from.setdefault(dim.id, ("drop", "questions", i))
    return dropped_from


def _merge_questions(
    patch_questions: list[dict[str, Any]],
    dim_loc: tuple[int | str, ...],
    dim: _Entry,
    dims: list[_Entry],
    moves: list[tuple[list[_Entry], _Entry, tuple[int | str, ...], dict[str, Any]]],
    problems: _Problems,
) -> None:
    seen: set[str] = set()
    for m, patch_q in enumerate(patch_questions):
        loc = (*dim_loc, "questions", m)
        qid = str(patch_q["id"])
        if qid in seen:
            problems.add((*loc, "id"), f"question {qid!r} is given twice in this dimension")
            continue
        seen.add(qid)
        other = next((d for d in dims if d is not dim and any(q.id == qid for q in d.questions)), None)
        if other is not None:
            problems.add(
                (*loc, "id"),
                f"question {qid!r} is in dimension {other.id!r}: patch it there, or drop it "
                "(drop: questions) and add it here",
            )
            continue
        question = next((q for q in dim.questions if q.id == qid), None)
        if question is None:
            question = _Entry({})
            dim.questions.append(question)
        question.data.update(_fields(patch_q))
        question.patch = loc
        moves.append((dim.questions, question, loc, patch_q))


def _place(
    siblings: list[_Entry],
    entry: _Entry,
    loc: tuple[int | str, ...],
    patch_entry: dict[str, Any],
    problems: _Problems,
) -> None:
    """Move ``entry`` after or before the sibling its patch entry names."""
    given = [k for k in _PLACING if patch_entry.get(k) is not None]
    if not given:
        return
    if len(given) == 2:
        problems.add((*loc, "before"), "give 'after' or 'before', not both")
        return
    key = given[0]
    anchor_id = str(patch_entry[key])
    anchor = next((s for s in siblings if s.id == anchor_id), None)
    what = "question" if "questions" in loc else "dimension"
    if anchor is None or anchor is entry:
        within = " in this dimension" if what == "question" else ""
        problems.add((*loc, key), f"unknown {what} id {anchor_id!r}{within}")
        return
    siblings.remove(entry)
    at = siblings.index(anchor)
    siblings.insert(at + 1 if key == "after" else at, entry)


def _prune(merged: dict[str, Any], data: dict[str, Any], kept: set[str]) -> None:
    """Forget dropped questions in the base's evidence mapping and profile (a patch that
    gives its own keeps them as given, and is checked as given)."""
    if "evidence" not in data:
        evidence = {p: [q for q in qids if q in kept] for p, qids in merged.get("evidence", {}).items()}
        merged["evidence"] = {p: qids for p, qids in evidence.items() if qids}
    if "profile" not in data:
        for pq in merged.get("profile", []):
            for option in pq["options"]:
                option["prioritise"] = [q for q in option["prioritise"] if q in kept]
                option["not_applicable"] = {q: r for q, r in option["not_applicable"].items() if q in kept}


class _Trace:
    """Errors of the merged framework, placed back in the patch."""

    def __init__(
        self,
        problems: _Problems,
        merged: dict[str, Any],
        origins: dict[tuple[int | str, ...], tuple[int | str, ...]],
        question_locs: dict[str, list[int | str]],
        base_ref: str,
    ) -> None:
        self.patch = problems
        self.merged = merged
        self.origins = origins
        self.question_locs = question_locs
        self.base_ref = base_ref

    def problems(self, exc: ValidationError) -> list[str]:
        out: list[str] = []
        for err in exc.errors(include_url=False)[:_LIMIT]:
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            if not loc and err["type"] == "value_error":
                # whole-framework checks: one "place: problem" a line, in merged places
                for problem in str(err["msg"]).removeprefix("Value error, ").splitlines():
                    place, sep, message = problem.partition(": ")
                    mloc = place_location(place) if sep else []
                    head = mloc[0] if mloc else None
                    if isinstance(head, str) and head in self.question_locs:
                        mloc = [*self.question_locs[head], *mloc[1:]]  # "q-id.must_have"
                    out.append(self.at(mloc, message) if mloc else problem)
                continue
            out.append(self.at(loc, error_message(err)))
        extra = exc.error_count() - _LIMIT
        if extra > 0:
            out.append(f"... and {extra} more problems")
        return out

    def at(self, loc: Sequence[int | str], message: str) -> str:
        """The problem at merged ``loc``: at the patch entry it came from; else at the
        ``drop`` entry or the ``extends`` line, with the place in the merged framework."""
        for n in range(len(loc), 0, -1):
            origin = self.origins.get(tuple(loc[:n]))
            if origin is None:
                continue
            if origin[0] != "drop":
                return self.patch.at([*origin, *loc[n:]], message)
            break
        else:
            origin = ("extends",)
        line = self.patch.lines.line(origin)
        place = f"{format_location(loc, self.merged)} (after extending {self.base_ref})"
        return f"line {line}: {place}: {message}" if line else f"{place}: {message}"
