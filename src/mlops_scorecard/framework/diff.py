"""What changed from one framework version to another: questions by their mapping
(:mod:`.versions`), dimensions, the scale, the levels and the scoring rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .extends import Lookup
from .models import Framework, ScaleChoice
from .versions import Link, VersionMapping, version_mapping

__all__ = ["DimensionChange", "FrameworkDiff", "QuestionDiff", "diff"]


@dataclass(frozen=True)
class QuestionDiff:
    """One link of the mapping and, for a question that stays one question (``same`` or
    ``renamed``), what else changed: ``changed`` maps ``text``, ``weight``, ``dimension``
    and ``set`` to ``(old, new)`` when they differ."""

    link: Link
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The change's kind (same, renamed, split, merged, removed, added)."""
        return self.link.kind

    @property
    def unchanged(self) -> bool:
        """A ``same`` question with nothing else changed."""
        return self.link.kind == "same" and not self.changed

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the link and what changed."""
        return {
            **self.link.to_dict(),
            "changed": {k: {"old": o, "new": n} for k, (o, n) in self.changed.items()},
        }


@dataclass(frozen=True)
class DimensionChange:
    """A dimension in both versions whose ``weight`` or ``title`` changed (``(old, new)``)."""

    id: str
    changed: dict[str, tuple[Any, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"id": self.id, "changed": {k: {"old": o, "new": n} for k, (o, n) in self.changed.items()}}


@dataclass(frozen=True)
class FrameworkDiff:
    """Two framework versions side by side: the question mapping with what changed per
    question, dimensions added, removed and changed, and the scale, levels and rules
    that changed (each a line of text)."""

    old: Framework
    new: Framework
    mapping: VersionMapping
    questions: list[QuestionDiff]
    dimensions_added: list[str]
    dimensions_removed: list[str]
    dimensions_changed: list[DimensionChange]
    scale: list[str]
    levels: list[str]
    rules: list[str]

    def counts(self) -> dict[str, int]:
        """The mapping's counts, and among the ``same`` and ``renamed`` questions how many
        had their text, weight, dimension or set changed."""
        out = self.mapping.counts()
        for what in ("text", "weight", "dimension", "set"):
            out[f"{what} changed"] = sum(1 for q in self.questions if what in q.changed)
        return out

    def summary(self) -> str:
        """One line, e.g. ``46 same, 1 renamed, 1 split; 2 reworded, 1 reweighted; ...``."""
        words = {"text": "reworded", "weight": "reweighted", "dimension": "moved", "set": "in another set"}
        counts = self.counts()
        parts = [self.mapping.summary()]
        others = [f"{counts[f'{k} changed']} {w}" for k, w in words.items() if counts[f"{k} changed"]]
        if others:
            parts.append(", ".join(others))
        dims = [
            f"{len(found)} {what}"
            for found, what in (
                (self.dimensions_added, "added"),
                (self.dimensions_removed, "removed"),
                (self.dimensions_changed, "reweighted or retitled"),
            )
            if found
        ]
        if dims:
            parts.append("dimensions: " + ", ".join(dims))
        if self.scale:
            parts.append("the scale changed")
        if self.levels:
            parts.append("the levels changed")
        if self.rules:
            parts.append("the scoring rules changed")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``frameworks diff --format json``."""
        return {
            "old": self.old.ref,
            "new": self.new.ref,
            "mapping": {k: v for k, v in self.mapping.to_dict().items() if k != "links"},
            "summary": self.summary(),
            "counts": self.counts(),
            "questions": [q.to_dict() for q in self.questions],
            "dimensions": {
                "added": list(self.dimensions_added),
                "removed": list(self.dimensions_removed),
                "changed": [d.to_dict() for d in self.dimensions_changed],
            },
            "scale": list(self.scale),
            "levels": list(self.levels),
            "rules": list(self.rules),
        }


def _question_changes(old: Framework, new: Framework, link: Link) -> dict[str, tuple[Any, Any]]:
    if link.kind not in ("same", "renamed"):
        return {}
    was, now = old.question(link.old[0]), new.question(link.new[0])
    if was is None or now is None:  # pragma: no cover - a mapping names questions of its frameworks
        return {}
    (d0, q0), (d1, q1) = was, now
    out: dict[str, tuple[Any, Any]] = {}
    if q0.text != q1.text:
        out["text"] = (q0.text, q1.text)
    if q0.weight != q1.weight:
        out["weight"] = (q0.weight, q1.weight)
    if d0.id != d1.id:
        out["dimension"] = (d0.id, d1.id)
    if q0.set != q1.set:
        out["set"] = (q0.set, q1.set)
    return out


def _choice(c: ScaleChoice | None) -> str:
    if c is None:
        return "absent"
    return f"{c.label!r}" + ("" if c.value is None else f" = {c.value:g}")


def diff(
    old: Framework,
    new: Framework,
    *,
    lookup: Lookup | None = None,
    mapping: VersionMapping | None = None,
) -> FrameworkDiff:
    """What changed from ``old`` to ``new``: the question mapping (``mapping``, by
    default :func:`~.versions.version_mapping` with ``lookup`` for the versions between)
    and the rest. Raises :class:`~mlops_scorecard.errors.FrameworkError` when a declared
    mapping does not fit."""
    if mapping is None:
        mapping = version_mapping(old, new, lookup=lookup)
    questions = [QuestionDiff(ln, _question_changes(old, new, ln)) for ln in mapping.links]
    old_dims = {d.id: d for d in old.dimensions}
    new_dims = {d.id: d for d in new.dimensions}
    changed = []
    for did, d in new_dims.items():
        before = old_dims.get(did)
        if before is None:
            continue
        what = {
            k: (getattr(before, k), getattr(d, k))
            for k in ("title", "weight")
            if getattr(before, k) != getattr(d, k)
        }
        if what:
            changed.append(DimensionChange(did, what))
    scale = []
    for key in dict.fromkeys([*old.scale, *new.scale]):
        a, b = old.scale.get(key), new.scale.get(key)
        if (a is None) != (b is None) or (a and b and (a.label, a.value) != (b.label, b.value)):
            scale.append(f"{key}: {_choice(a)} -> {_choice(b)}")
    levels = []
    old_levels = {lv.id: lv for lv in old.levels}
    new_levels = {lv.id: lv for lv in new.levels}
    for lid, lv in new_levels.items():
        was = old_levels.get(lid)
        if was is None:
            levels.append(f"{lid} added (from {lv.min:g})")
        elif (was.min, was.above, was.name) != (lv.min, lv.above, lv.name):
            levels.append(f"{lid}: {was.name} from {was.min:g} -> {lv.name} from {lv.min:g}")
    levels += [f"{lid} removed" for lid in old_levels if lid not in new_levels]
    rules = [
        f"{name}: {getattr(old, name)} -> {getattr(new, name)}"
        for name in ("overall", "dimension_score", "points")
        if getattr(old, name) != getattr(new, name)
    ]
    return FrameworkDiff(
        old=old,
        new=new,
        mapping=mapping,
        questions=questions,
        dimensions_added=[d for d in new_dims if d not in old_dims],
        dimensions_removed=[d for d in old_dims if d not in new_dims],
        dimensions_changed=changed,
        scale=scale,
        levels=levels,
        rules=rules,
    )
