"""Terminal output with rich: the tables of ``score``, ``analyze``, ``plan``, ``compare``
and ``trend``.

Imported inside the commands, so that ``--help`` does not load rich's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..answers import AnswerSet
from ..format import (
    fmt_amount_in,
    fmt_counts,
    fmt_delta,
    fmt_number,
    fmt_pct,
    fmt_score_in,
    framework_answer_ends,
    scale_labels,
)
from ..framework.profiles import describe_choices
from ..planning import RANKING_RULE
from ..scoring import ScoreResult

if TYPE_CHECKING:
    from ..analysis import Agreement, Analysis, Interval
    from ..analysis.comparison import Comparison, ScoreDelta
    from ..analysis.trends import Trend
    from ..framework import Framework
    from ..planning import Plan

__all__ = ["print_analysis", "print_comparison", "print_plan", "print_score_table", "print_trend"]


def _console() -> Console:
    return Console(highlight=False)


def print_score_table(
    result: ScoreResult, answers: AnswerSet, *, respondents: bool = False, console: Console | None = None
) -> None:
    """Print the dimension scores (in points when the framework counts points), levels
    and answer counts, the must-haves that cap a level (and per-respondent scores)."""
    console = console or _console()
    points = result.framework.points
    title = answers.title or answers.unit or result.framework.title
    table = Table(title=f"{title} ({result.framework.ref}, {result.question_set} set)")
    table.add_column("Dimension")
    table.add_column("Score" if points is None else "Points", justify="right", no_wrap=True)
    table.add_column("Level")
    for head in ("Answered", "N/A", "Unknown", "Unanswered"):
        table.add_column(head, justify="right")
    for d in result.dimensions:
        c = d.counts
        table.add_row(
            d.dimension.title,
            fmt_score_in(d.score, points, unit=False),
            d.level.name if d.level else "—",
            str(c.answered),
            str(c.na),
            str(c.unknown),
            str(c.unanswered),
        )
    c = result.counts
    table.add_section()
    table.add_row(
        "Overall",
        fmt_score_in(result.overall, points, unit=False),
        result.level.name if result.level else "—",
        str(c.answered),
        str(c.na),
        str(c.unknown),
        str(c.unanswered),
        style="bold",
    )
    console.print(table)
    coverage = fmt_pct(c.coverage)
    console.print(f"{len(result.respondents)} respondents, coverage {coverage}.")
    rule = _rule_text(result)
    if rule:
        console.print(rule)
    for note in _not_applicable_notes(result):
        console.print(note)
    for note in result.cap_notes():
        console.print(note)
    _print_context(result, console)
    if respondents and result.respondents:
        rt = Table(title="Per respondent")
        rt.add_column("Respondent")
        rt.add_column("Role")
        for d in result.dimensions:
            rt.add_column(d.dimension.title, justify="right")
        rt.add_column("Overall", justify="right")
        for r in result.respondents:
            rt.add_row(
                r.name,
                r.role,
                *[fmt_score_in(r.dimensions[d.id], points, unit=False) for d in result.dimensions],
                fmt_score_in(r.overall, points, unit=False),
            )
        console.print(rt)


def _rule_text(result: ScoreResult) -> str:
    """The scoring rule in a line, when it is not the default (weighted means)."""
    fw = result.framework
    if fw.dimension_score == "weighted-mean" and fw.overall == "weighted-mean" and fw.points is None:
        return ""
    dimension = "sum of the questions' values" if fw.dimension_score == "sum" else "weighted mean"
    overall = "the lowest dimension" if fw.overall == "minimum" else "weighted mean of the dimensions"
    unit = f"; points out of {fw.points:g}" if fw.points is not None else ""
    return f"Scoring: each dimension the {dimension}, overall {overall}{unit}."


def _not_applicable_notes(result: ScoreResult) -> list[str]:
    """Under ``dimension_score: sum``, a line per dimension that leaves questions out as
    not applicable: its maximum shrinks, and in points it is scaled back to the full."""
    if result.framework.dimension_score != "sum":
        return []
    points = result.framework.points
    notes = []
    for d in result.dimensions:
        applicable = sum(1 for q in d.questions if q.counted is not None)
        if d.score is None or applicable == len(d.questions):
            continue
        scaled = "" if points is None else f", its points scaled to {points:g}"
        notes.append(
            f"{d.dimension.title}: {applicable} of {len(d.questions)} questions applicable"
            f" (the rest are left out{scaled})."
        )
    return notes


def _answers(dist: dict[str, int], framework: Framework | None = None) -> str:
    """Answer counts, in the scale's labels when the framework relabels the default keys."""
    labels = None if framework is None else scale_labels({k: c.label for k, c in framework.scale.items()})
    return fmt_counts(dist, labels=labels)


def print_analysis(a: Analysis, title: str, n_hotspots: int, n_comments: int) -> None:
    """Print scores with intervals and agreement, the hotspots, scores by role and the warnings."""
    console = _console()
    r, u, ag = a.result, a.uncertainty, a.agreement
    framework = r.framework
    pct = f"{u.confidence:.0%}"
    table = Table(title=f"{title} ({r.framework.ref}, {len(r.respondents)} respondents)")
    for head, justify in (("Dimension", "left"), ("Score", "right"), (f"{pct} interval", "right")):
        table.add_column(head, justify=justify)  # type: ignore[arg-type]
    table.add_column("Alpha", justify="right")
    table.add_column("Agreement")

    def row(
        name: str, score: float | None, iv: Interval | None, agreement: Agreement, style: str | None = None
    ) -> None:
        interval = "—" if iv is None else f"{fmt_number(iv.low)} to {fmt_number(iv.high)}"
        table.add_row(
            name, fmt_number(score), interval, fmt_number(agreement.alpha, 2), agreement.band, style=style
        )

    for d in r.dimensions:
        row(d.dimension.title, d.score, u.dimensions.get(d.id), ag.dimensions[d.id])
    table.add_section()
    row("Overall", r.overall, u.overall, ag.overall, style="bold")
    console.print(table)
    console.print(f"Agreement (Krippendorff's alpha, ordinal): {ag.overall.reading}")
    if ag.overall.reason:
        console.print(f"  ({ag.overall.reason})")

    if a.hotspots and n_hotspots:
        ht = Table(title="Disagreement hotspots: the agenda for a calibration meeting")
        ht.add_column("#", justify="right")
        ht.add_column("Question")
        ht.add_column("Answers")
        ht.add_column("Moves", justify="right")
        for i, h in enumerate(a.hotspots[:n_hotspots], start=1):
            text = f"{h.question.text} [{h.dimension.title}, {h.question.id}]"
            for c in h.comments[:n_comments]:
                text += f'\n  {c.respondent} ({c.answer}): "{c.comment}"'
            if len(h.comments) > n_comments:
                text += f"\n  … {len(h.comments) - n_comments} more comments"
            ht.add_row(
                str(i), text, _answers(h.distribution, framework), fmt_amount_in(h.swing, framework.points)
            )
        console.print(ht)
        more = len(a.hotspots) - n_hotspots
        console.print(
            "Moves: points the dimension score differs between the most pessimistic and the most "
            "optimistic answer given." + (f" {more} more hotspots (--hotspots)." if more > 0 else "")
        )
    elif not a.hotspots:
        console.print("No disagreement hotspots.")

    roles = a.roles
    if roles.roles:
        rt = Table(title="Scores by role")
        rt.add_column("Role")
        rt.add_column("n", justify="right")
        for d in r.dimensions:
            rt.add_column(d.dimension.title, justify="right")
        rt.add_column("Overall", justify="right")
        for rs in [*roles.roles, *roles.groups]:
            is_group = rs in roles.groups
            rt.add_row(
                f"{rs.role} (group)" if is_group else rs.role,
                str(rs.respondents),
                *[fmt_number(d.score) for d in rs.result.dimensions],
                fmt_number(rs.result.overall),
                style="italic" if is_group else None,
            )
        if roles.gaps:
            rt.add_section()
            first, second = roles.gap_groups
            rt.add_row(
                f"gap: {first} - {second}",
                "",
                *[fmt_number(g.gap) for g in roles.gaps if g.dimension_id != "overall"],
                fmt_number(roles.gaps[-1].gap),
                style="bold",
            )
        console.print(rt)
    if roles.missing:
        console.print(
            "Roles a diverse group should include but nobody answered as: " + ", ".join(roles.missing)
        )
    for caveat in a.caveats:
        console.print(f"warning: {caveat.message}")


def _print_context(result: ScoreResult, console: Console) -> None:
    """The profile's answers and the questions of the set it makes not applicable."""
    effect = result.matrix.profile
    if not effect.choices:
        return
    console.print(f"Context: {escape(describe_choices(result.framework, effect.choices))}.")
    asked = [q for q in result.matrix.questions if q.id in effect.not_applicable]
    if asked:
        console.print(f"Not applicable in this context ({len(asked)}, scored N/A whatever was answered):")
        for q in asked:
            console.print(f"  {escape(q.id)}: {escape(effect.not_applicable[q.id])}")


def print_plan(p: Plan) -> None:
    """Print the improvement plan as a ranked table."""
    console = _console()
    if not p.items:
        console.print(p.empty_message())
        return
    points = p.framework.points
    table = Table(title=f"Improvement plan ({p.framework.ref}, overall {fmt_score_in(p.overall, points)})")
    table.add_column("#", justify="right")
    table.add_column("Dimension")
    table.add_column("Action")
    table.add_column("Answers")
    table.add_column("Gain", justify="right")
    table.add_column("Overall", justify="right")
    for it in p.items:
        action = f"{it.question_text} [{it.key}, {it.question_set}]"
        if it.prioritised:
            action += f"\n★ prioritised by profile: {escape(it.prioritised)}"
        if it.recommendation:
            action += f"\n→ {it.recommendation}"
        table.add_row(
            str(it.rank),
            f"{it.dimension_title} ({fmt_number(it.dimension_score, 0) if points is None else fmt_score_in(it.dimension_score, points, unit=False)})",
            action,
            _answers(it.distribution, p.framework),
            fmt_amount_in(it.gain, points, sign=True),
            fmt_amount_in(it.overall_gain, points, sign=True),
        )
    console.print(table)
    if p.ranking != RANKING_RULE:
        console.print(f"Ranked: {p.ranking}.")
    best = framework_answer_ends(p.framework)[0]
    unit = "points" if points is None else f"points (of {points:g} per dimension)"
    console.print(
        f"Gain: the {unit} the dimension (and overall) score would rise if everyone answered {best}."
    )


def print_comparison(c: Comparison, old_name: str, new_name: str) -> None:
    """Print the score changes per dimension and the answers that changed."""
    console = _console()
    if c.note:
        console.print(f"note: {c.note}")
    table = Table(title=f"{old_name} → {new_name}")
    table.add_column("Dimension")
    table.add_column("Old", justify="right")
    table.add_column("New", justify="right")
    table.add_column("New - old", justify="right")
    if not c.same_version:
        table.add_column(f"Old under {c.new_ref}", justify="right")
        table.add_column("Due to framework", justify="right")
        table.add_column("Due to answers", justify="right")

    def cells(d: ScoreDelta) -> list[str]:
        out = [fmt_number(d.old), fmt_number(d.new), fmt_delta(d.delta)]
        if not c.same_version:
            out += [fmt_number(d.rescored), fmt_delta(d.framework_effect), fmt_delta(d.answer_effect)]
        return out

    for d in c.dimensions:
        table.add_row(d.title, *cells(d))
    table.add_section()
    table.add_row("Overall", *cells(c.overall), style="bold")
    console.print(table)
    if not c.same_version:
        console.print(
            "Due to framework: the old answers under the new framework minus under the old one;"
            " due to answers: the new answers minus the old ones, both under the new framework."
        )
    for side, name, left in (("old", old_name, c.left_out_old), ("new", new_name, c.left_out_new)):
        if left:
            ids = ", ".join(f"{x.question_id} ({x.reason})" for x in left)
            console.print(f"Left out of the {side} ({name}): {ids}")
    changes = c.changes
    if not changes:
        console.print("No answers changed.")
        return
    qt = Table(title=f"Answers that changed ({len(changes)} of {len(c.questions)} questions)")
    qt.add_column("Question")
    qt.add_column("Before")
    qt.add_column("After")
    qt.add_column("Value", justify="right")
    for q in changes:
        came = "" if q.kind == "same" else f" ({q.kind} from {', '.join(q.old_ids)})"
        qt.add_row(
            f"{q.question_id}: {q.text}{came}",
            _answers(q.old_distribution),
            _answers(q.new_distribution),
            f"{fmt_number(q.old_value, 2)} → {fmt_number(q.new_value, 2)}",
        )
    console.print(qt)


def print_trend(t: Trend, confidence: float) -> None:
    """Print each dimension across the assessments, with intervals and the changes."""
    console = _console()
    for note in t.notes:
        console.print(f"note: {note}")
    table = Table(title=f"Scores over time ({confidence:.0%} intervals)")
    table.add_column("Dimension")
    for label in t.labels():
        table.add_column(label, justify="right")
    # with two assessments "since first" is "since previous": one column says it
    heads = ["Since previous", "Since first"][: len(t.points) - 1]
    for head in heads:
        table.add_column(head, justify="right")

    def cells(did: str | None) -> list[str]:
        values = t.values(did)
        band = t.band(did)
        out = []
        for i, v in enumerate(values):
            lo = None if band is None else band[0][i]
            hi = None if band is None else band[1][i]
            out.append(
                fmt_number(v)
                + ("" if lo is None or hi is None else f"\n[{fmt_number(lo, 0)}-{fmt_number(hi, 0)}]")
            )
        changes = [t.since_previous(did), t.since_first(did)]
        return out + [fmt_delta(c) for c in changes[: len(heads)]]

    for did, title in t.dimensions:
        table.add_row(title, *cells(did))
    table.add_section()
    table.add_row("Overall", *cells(None), style="bold")
    console.print(table)
    counts = ", ".join(f"{p.label}: {p.respondents}" for p in t.points)
    console.print(f"Respondents: {counts}.")
    if heads:
        console.print(
            "Since previous: the latest score minus the one before it"
            + ("; since first: the latest minus the first." if len(heads) > 1 else ".")
        )
