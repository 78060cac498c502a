"""View models for the pages: plain data the templates show, computed without the database.

Everything here works on result data (``ScoreResult.to_dict()`` or a closed assessment's
frozen result) and on rows the store already loaded, so a page costs a few queries and
no per-row lookups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..format import fmt_score
from ..framework import ANSWER_KEYS, Framework, builtin_frameworks

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..store.models import Assessment

__all__ = [
    "PLAN_EXPORT_TYPES",
    "DimensionAnswers",
    "HeatCell",
    "HeatRow",
    "Heatmap",
    "ProgressRow",
    "QuestionView",
    "ScoreRow",
    "TreeNode",
    "answers_view",
    "export_plan",
    "heat_legend",
    "heat_style",
    "heatmap",
    "progress_rows",
    "score_rows",
    "slug",
    "unit_tree",
]

#: Sequential colours (light yellow to dark blue) for 0..100; readable by colour-blind people.
_HEAT_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 255, 204)),
    (25.0, (161, 218, 180)),
    (50.0, (65, 182, 196)),
    (75.0, (44, 127, 184)),
    (100.0, (37, 52, 148)),
)
_ANSWER_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "na": "N/A", "unknown": "Don't know"}


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def heat_style(score: float | None) -> str:
    """Inline CSS for a heatmap cell: background by score, text colour that stays readable."""
    if score is None:
        return "background:#f0f2f4;color:#59636e"
    s = min(100.0, max(0.0, score))
    for (lo, c0), (hi, c1) in pairwise(_HEAT_STOPS):
        if s <= hi:
            t = (s - lo) / (hi - lo)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            break
    else:  # pragma: no cover - s <= 100 always matches
        rgb = _HEAT_STOPS[-1][1]
    light = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150
    return f"background:#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x};color:{'#1f2328' if light else '#ffffff'}"


def heat_legend() -> list[tuple[str, str]]:
    """Sample cells for the heatmap's legend: (text, style)."""
    return [(str(s), heat_style(float(s))) for s in range(0, 101, 20)]


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (for Content-Disposition)."""
    out = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return out[:80] or "assessment"


# --- the unit tree and the heatmap ---------------------------------------------------


@dataclass
class TreeNode:
    """A unit with its depth in the tree and its children (sorted by name)."""

    id: int
    name: str
    kind: str
    depth: int
    parent_id: int | None
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(units: Iterable[Any]) -> tuple[list[TreeNode], list[TreeNode]]:
    """The roots of the unit tree and every node in display order (depth first).

    ``units`` are objects with ``id``, ``name``, ``kind`` and ``parent_id``. A unit whose
    parent is missing (or that sits in a cycle) is shown at the top, never lost.
    """
    nodes = {u.id: TreeNode(u.id, u.name, u.kind, 0, u.parent_id) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    order: list[TreeNode] = []
    placed: set[int] = set()

    def walk(level: list[TreeNode], depth: int) -> None:
        level.sort(key=lambda n: (n.name.lower(), n.id))
        for n in level:
            if n.id in placed:
                continue
            placed.add(n.id)
            n.depth = depth
            order.append(n)
            walk(n.children, depth + 1)

    walk(roots, 0)
    for n in nodes.values():  # only units in a parent cycle are left: show them at the top
        if n.id not in placed:
            n.children, n.depth = [], 0
            roots.append(n)
            order.append(n)
    return roots, order


@dataclass(frozen=True)
class HeatCell:
    text: str
    style: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    unit: TreeNode
    assessment_id: int | None
    assessment_title: str
    assessment_date: str
    status: str
    cells: list[HeatCell]
    overall: HeatCell
    level: str


@dataclass(frozen=True)
class Heatmap:
    columns: list[tuple[str, str]]
    rows: list[HeatRow]


def heatmap(order: Sequence[TreeNode], latest: Mapping[int, tuple[Any, Mapping[str, Any]]]) -> Heatmap:
    """Units (in tree order) x dimensions of each unit's latest result.

    ``latest`` maps a unit id to ``(assessment, result)``; columns are the dimensions of
    the newest built-in framework followed by any others the results use.
    """
    columns: dict[str, str] = {}
    frameworks = builtin_frameworks()
    if frameworks:
        columns.update((d.id, d.title) for d in frameworks[-1].dimensions)
    for _, result in latest.values():
        for d in result.get("dimensions") or []:
            columns.setdefault(str(d.get("id")), str(d.get("title") or d.get("id")))
    rows = []
    for node in order:
        found = latest.get(node.id)
        if found is None:
            empty = HeatCell("—", heat_style(None), "no assessment with answers yet")
            rows.append(HeatRow(node, None, "", "", "", [empty] * len(columns), empty, ""))
            continue
        a, result = found
        by_id = {str(d.get("id")): _num(d.get("score")) for d in result.get("dimensions") or []}
        cells = []
        for did, title in columns.items():
            value = by_id.get(did)
            cells.append(HeatCell(fmt_score(value, 0), heat_style(value), f"{title}: {fmt_score(value)}"))
        overall = _num(result.get("overall"))
        rows.append(
            HeatRow(
                unit=node,
                assessment_id=a.id,
                assessment_title=a.title,
                assessment_date=a.date.isoformat(),
                status=a.status,
                cells=cells,
                overall=HeatCell(
                    fmt_score(overall, 0), heat_style(overall), f"Overall: {fmt_score(overall)}"
                ),
                level=str(result.get("level_name") or ""),
            )
        )
    return Heatmap(columns=list(columns.items()), rows=rows)


# --- one assessment ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    id: str
    title: str
    score: str
    level: str
    target: str
    gap: str
    gap_open: bool
    width: float
    style: str


def score_rows(
    framework: Framework, result: Mapping[str, Any], targets: Mapping[str, Any]
) -> tuple[list[ScoreRow], ScoreRow]:
    """The scores table: a row per dimension (with target and gap) and the overall row."""
    names = {lv.id: lv.name for lv in framework.levels}
    rows = []
    for d in result.get("dimensions") or []:
        value = _num(d.get("score"))
        target = _num(targets.get(str(d.get("id"))))
        gap = None if target is None or value is None else target - value
        rows.append(
            ScoreRow(
                id=str(d.get("id")),
                title=str(d.get("title")),
                score=fmt_score(value),
                level=names.get(str(d.get("level")), "—") if value is not None else "—",
                target=fmt_score(target) if target is not None else "",
                gap=("met" if gap <= 0 else fmt_score(gap)) if gap is not None else "",
                gap_open=gap is not None and gap > 0,
                width=0.0 if value is None else min(100.0, max(0.0, value)),
                style=heat_style(value),
            )
        )
    value = _num(result.get("overall"))
    overall = ScoreRow(
        id="overall",
        title="Overall",
        score=fmt_score(value),
        level=str(result.get("level_name") or "—"),
        target="",
        gap="",
        gap_open=False,
        width=0.0 if value is None else min(100.0, max(0.0, value)),
        style=heat_style(value),
    )
    return rows, overall


@dataclass(frozen=True)
class ProgressRow:
    id: int
    label: str
    named: bool
    role: str
    source: str
    answered: int
    total: int
    percent: float
    submitted: bool
    revoked: bool


def progress_rows(rows: Iterable[Mapping[str, Any]], question_count: int) -> list[ProgressRow]:
    """Who has answered how much: names only for named respondents, "anonymous #n" for
    the others (numbered in the order they joined)."""
    out = []
    anonymous = 0
    for r in rows:
        name = r.get("name")
        if not name:
            anonymous += 1
            label = f"anonymous #{anonymous}"
        else:
            label = str(name)
        answered = min(int(r.get("answered") or 0), question_count)
        out.append(
            ProgressRow(
                id=int(r["id"]),
                label=label,
                named=bool(name),
                role=str(r.get("role") or ""),
                source=str(r.get("source") or ""),
                answered=answered,
                total=question_count,
                percent=100.0 * answered / question_count if question_count else 0.0,
                submitted=r.get("submitted_at") is not None,
                revoked=r.get("revoked_at") is not None,
            )
        )
    return out


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str
    value: str
    distribution: list[tuple[str, str, int, float]]
    comments: list[str]


@dataclass(frozen=True)
class DimensionAnswers:
    id: str
    title: str
    questions: list[QuestionView]


def answers_view(
    framework: Framework, result: Mapping[str, Any], comments: Mapping[str, list[str]]
) -> list[DimensionAnswers]:
    """Per dimension, per question: the answer counts (key, label, count, share) and the
    comments, with no names."""
    out = []
    keys = [k for k in ANSWER_KEYS if k in framework.scale]
    for d in result.get("dimensions") or []:
        questions = []
        for q in d.get("questions") or []:
            qid = str(q.get("id"))
            found = framework.question(qid)
            dist = q.get("distribution") or {}
            counts = [(k, _ANSWER_LABELS.get(k, k), int(dist.get(k) or 0)) for k in keys]
            counts.append(("unanswered", "No answer", int(dist.get("unanswered") or 0)))
            total = sum(c for _, _, c in counts) or 1
            value = _num(q.get("value"))
            questions.append(
                QuestionView(
                    id=qid,
                    text=found[1].text if found else qid,
                    value=fmt_score(None if value is None else 100 * value, 0),
                    distribution=[(k, label, c, 100.0 * c / total) for k, label, c in counts],
                    comments=list(comments.get(qid, [])),
                )
            )
        out.append(DimensionAnswers(id=str(d.get("id")), title=str(d.get("title")), questions=questions))
    return out


PLAN_EXPORT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_plan(session: Session, *, assessment: Assessment, fmt: str) -> tuple[bytes, str, str]:
    """The tracked plan as a Markdown checklist, CSV or JSON: ``(body, media type, file name)``.

    The same for the page download and the API.
    """
    from ..store.plans import plan_for

    tracked = plan_for(session, assessment=assessment)
    a = assessment
    if fmt == "md":
        body = tracked.to_markdown(title=f"{a.unit.name}, {a.title} ({a.date.isoformat()})")
    elif fmt == "csv":
        body = tracked.to_csv()
    else:
        body = tracked.to_json()
    name = f"plan-{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.{fmt}"
    return body.encode("utf-8"), PLAN_EXPORT_TYPES[fmt], name
