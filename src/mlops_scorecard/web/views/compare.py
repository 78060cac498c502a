"""Two assessments compared: score deltas split into the framework's part and the
answers', and the questions whose answers changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...analysis.comparison import Comparison
from ...format import answer_choices, fmt_delta, fmt_score
from ...store.analysis import StoredComparison
from ...store.models import Assessment
from .common import Bar, answer_bars

__all__ = ["ChangeRow", "CompareView", "compare_view"]


@dataclass(frozen=True)
class ChangeRow:
    question_id: str
    text: str
    dimension: str
    before: list[Bar]
    after: list[Bar]
    old_value: str
    new_value: str
    delta: str
    up: bool
    down: bool


@dataclass(frozen=True)
class CompareView:
    """Two assessments side by side: score deltas and the answers that changed."""

    choices: list[tuple[str, str]]
    a: Assessment
    b: Assessment
    a_unit: str
    b_unit: str
    comparison: Comparison
    deltas: list[tuple[str, str, str, str, bool, bool, tuple[str, str, str]]]
    changes: list[ChangeRow]
    unchanged: int
    #: How the questions were matched (across versions), and the links that are not
    #: "same": (kind, A's ids, B's ids, how A's answers are carried).
    mapping: str = ""
    links: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: The questions each side asked that the comparison leaves out: (id, reason).
    left_out_a: list[tuple[str, str]] = field(default_factory=list)
    left_out_b: list[tuple[str, str]] = field(default_factory=list)


#: How A's answers reach B's questions, per kind of change (docs/analysis.md).
CARRIED = {
    "renamed": "A's answer, as given",
    "split": "A's answer, for each part",
    "merged": "the mean of A's values for the parts",
    "removed": "left out",
    "added": "left out",
    "same": "A's answer, as given",
}


def compare_view(stored: StoredComparison) -> CompareView:
    """Two stored assessments side by side (:func:`~mlops_scorecard.store.analysis.compare_assessments`)."""
    a, b, fa, fb, c = stored.a, stored.b, stored.a_framework, stored.b_framework, stored.comparison
    deltas = [
        (
            d.title,
            fmt_score(d.old),
            fmt_score(d.new),
            fmt_delta(d.delta),
            (d.delta or 0) > 1e-9,
            (d.delta or 0) < -1e-9,
            (fmt_score(d.rescored), fmt_delta(d.framework_effect), fmt_delta(d.answer_effect)),
        )
        for d in [*c.dimensions, c.overall]
    ]
    titles = {d.id: d.title for d in fb.dimensions} | {
        d.id: d.title for d in fa.dimensions if fb.dimension(d.id) is None
    }
    choices = answer_choices(fb)
    changes = [
        ChangeRow(
            question_id=q.question_id,
            text=q.text,
            dimension=titles.get(q.dimension_id, q.dimension_id),
            before=answer_bars(q.old_distribution, choices),
            after=answer_bars(q.new_distribution, choices),
            old_value=fmt_score(None if q.old_value is None else 100 * q.old_value, 0),
            new_value=fmt_score(None if q.new_value is None else 100 * q.new_value, 0),
            delta=fmt_delta(None if q.delta is None else 100 * q.delta, 0),
            up=(q.delta or 0) > 1e-9,
            down=(q.delta or 0) < -1e-9,
        )
        for q in c.changes
    ]
    m = c.mapping
    links: list[tuple[str, str, str, str]] = []
    if m is not None and not c.same_version:
        links = [
            (ln.kind, ", ".join(ln.old) or "—", ", ".join(ln.new) or "—", CARRIED[ln.kind])
            for ln in m.links
            if ln.kind != "same"
        ]
    return CompareView(
        choices=choices,
        a=a,
        b=b,
        a_unit=a.unit.name,
        b_unit=b.unit.name,
        comparison=c,
        deltas=deltas,
        changes=changes,
        unchanged=len(c.questions) - len(changes),
        mapping="" if m is None or c.same_version else f"{m.describe()} {m.summary().capitalize()}.",
        links=links,
        left_out_a=[(x.question_id, x.reason) for x in c.left_out_old],
        left_out_b=[(x.question_id, x.reason) for x in c.left_out_new],
    )
