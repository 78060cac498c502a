"""Terminal output: the scores table, with rich."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..answers import AnswerSet
from ..format import fmt_pct, fmt_score
from ..scoring import ScoreResult

__all__ = ["print_score_table"]


def print_score_table(
    result: ScoreResult, answers: AnswerSet, *, respondents: bool = False, console: Console | None = None
) -> None:
    """Print the dimension scores, levels and answer counts (and per-respondent scores)."""
    console = console or Console()
    title = answers.title or answers.unit or result.framework.title
    table = Table(title=f"{title} ({result.framework.ref}, {result.question_set} set)")
    table.add_column("Dimension")
    table.add_column("Score", justify="right")
    table.add_column("Level")
    for head in ("Answered", "N/A", "Unknown", "Unanswered"):
        table.add_column(head, justify="right")
    for d in result.dimensions:
        c = d.counts
        table.add_row(
            d.dimension.title,
            fmt_score(d.score),
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
        fmt_score(result.overall),
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
                *[fmt_score(r.dimensions[d.id]) for d in result.dimensions],
                fmt_score(r.overall),
            )
        console.print(rt)
