"""CLI commands for results people can trust and act on: analyze, plan, compare, trend.

Thin: each command loads answers files, calls the library (:mod:`.analysis`,
:mod:`.planning`, :mod:`.comparison`) and formats the result. Library errors become
``error: ...`` lines through the main app's group class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import FORCE, check_output, rich_console

if TYPE_CHECKING:
    from ..analysis import Agreement, Analysis, Interval
    from ..analysis.comparison import Comparison, ScoreDelta, ScoreTrend
    from ..planning import Plan

__all__ = ["register"]

# --seed and --resamples configured the old bootstrap; kept hidden so scripts that pass
# them keep working (the intervals draw nothing at random).
SEED = Annotated[int, typer.Option("--seed", hidden=True, help="No effect (kept for older scripts).")]
CONFIDENCE = Annotated[float, typer.Option("--confidence", help="Interval confidence, between 0 and 1.")]
RESAMPLES = Annotated[
    int, typer.Option("--resamples", hidden=True, help="No effect (kept for older scripts).")
]


def _error(message: str) -> Exception:
    from ..errors import ScorecardError

    return ScorecardError(message)


def _format(value: str, allowed: tuple[str, ...]) -> str:
    fmt = value.strip().lower()
    if fmt not in allowed:
        raise _error(f"unknown format {value!r} (use {', '.join(allowed)})")
    return fmt


def _num(value: float | None, digits: int = 1) -> str:
    from ..format import fmt_number

    return fmt_number(value, digits)


def _answers(dist: dict[str, int]) -> str:
    short = {"yes": "yes", "partly": "partly", "no": "no", "na": "n/a", "unknown": "?"}
    return " ".join(f"{label} {dist[k]}" for k, label in short.items() if dist.get(k))


# --- analyze ------------------------------------------------------------------------


def analyze(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
    seed: SEED = 0,
    confidence: CONFIDENCE = 0.9,
    resamples: RESAMPLES = 1000,
    hotspots: Annotated[int, typer.Option("--hotspots", min=0, help="Hotspots to list (table).")] = 10,
    comments: Annotated[int, typer.Option("--comments", min=0, help="Comments per hotspot (table).")] = 3,
) -> None:
    """Agreement, intervals, scores by role and disagreement hotspots of an assessment.

    Examples:

      mlops-scorecard analyze answers.yaml

      mlops-scorecard analyze answers.yaml --confidence 0.95 --format json
    """
    from ..analysis import analyze as run_analysis
    from ..answers import load_assessment

    fmt = _format(fmt, ("table", "json"))
    fw, answers = load_assessment(path)
    del seed, resamples  # accepted for older scripts; the intervals draw nothing
    result = run_analysis(fw, answers, confidence=confidence)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_analysis(result, answers.title or answers.unit or fw.title, hotspots, comments)


def _print_analysis(a: Analysis, title: str, n_hotspots: int, n_comments: int) -> None:
    from rich.table import Table

    console = rich_console()
    r, u, ag = a.result, a.uncertainty, a.agreement
    pct = f"{u.confidence:.0%}"
    table = Table(title=f"{title} ({r.framework.ref}, {len(r.respondents)} respondents)")
    for head, justify in (("Dimension", "left"), ("Score", "right"), (f"{pct} interval", "right")):
        table.add_column(head, justify=justify)  # type: ignore[arg-type]
    table.add_column("Alpha", justify="right")
    table.add_column("Agreement")

    def row(
        name: str, score: float | None, iv: Interval | None, agreement: Agreement, style: str | None = None
    ) -> None:
        interval = "—" if iv is None else f"{_num(iv.low)} to {_num(iv.high)}"
        table.add_row(name, _num(score), interval, _num(agreement.alpha, 2), agreement.band, style=style)

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
            ht.add_row(str(i), text, _answers(h.distribution), _num(h.swing))
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
                *[_num(d.score) for d in rs.result.dimensions],
                _num(rs.result.overall),
                style="italic" if is_group else None,
            )
        if roles.gaps:
            rt.add_section()
            first, second = roles.gap_groups
            rt.add_row(
                f"gap: {first} - {second}",
                "",
                *[_num(g.gap) for g in roles.gaps if g.dimension_id != "overall"],
                _num(roles.gaps[-1].gap),
                style="bold",
            )
        console.print(rt)
    if roles.missing:
        console.print(
            "Roles a diverse group should include but nobody answered as: " + ", ".join(roles.missing)
        )
    for caveat in a.caveats:
        console.print(f"warning: {caveat.message}")


# --- plan ---------------------------------------------------------------------------


def plan(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", metavar="md|csv|json|table", help="Output format (default: from -o, else table)."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (md, csv or json).")
    ] = None,
    force: FORCE = False,
) -> None:
    """The improvement plan: ranked actions with recommendations and what each is worth.

    Ranked weakest dimension first, core questions before extended ones, larger gains
    first.

    Examples:

      mlops-scorecard plan answers.yaml

      mlops-scorecard plan answers.yaml -o plan.md

      mlops-scorecard plan answers.yaml --format csv > plan.csv
    """
    from ..answers import load_assessment
    from ..planning import build_plan
    from ..scoring import score

    if fmt is not None:
        chosen = _format(fmt, ("md", "csv", "json", "table"))
    elif output is not None:
        suffix = output.suffix.lower().lstrip(".")
        chosen = {"md": "md", "markdown": "md", "csv": "csv", "json": "json"}.get(suffix, "")
        if not chosen:
            raise _error(f"cannot tell the format from {output.name!r}: give --format md, csv or json")
    else:
        chosen = "table"
    if output is not None:
        if chosen == "table":
            raise _error("the table format is for the terminal; write md, csv or json to a file")
        check_output(output, force)
    fw, answers = load_assessment(path)
    the_plan = build_plan(score(fw, answers))
    if chosen == "table":
        _print_plan(the_plan)
        return
    title = answers.title or answers.unit or None
    text = {
        "md": lambda: the_plan.to_markdown(title=title),
        "csv": the_plan.to_csv,
        "json": the_plan.to_json,
    }[chosen]()
    if output is None:
        sys.stdout.write(text)
        return
    from ..datafiles import atomic_write_text

    atomic_write_text(output, text)
    typer.echo(f"wrote {output} ({len(the_plan.items)} actions)")


def _print_plan(p: Plan) -> None:
    from rich.table import Table

    console = rich_console()
    if not p.items:
        console.print(p.empty_message())
        return
    table = Table(title=f"Improvement plan ({p.framework.ref}, overall {_num(p.overall)})")
    table.add_column("#", justify="right")
    table.add_column("Dimension")
    table.add_column("Action")
    table.add_column("Answers")
    table.add_column("Gain", justify="right")
    table.add_column("Overall", justify="right")
    for it in p.items:
        action = f"{it.question_text} [{it.key}, {it.question_set}]"
        if it.recommendation:
            action += f"\n→ {it.recommendation}"
        table.add_row(
            str(it.rank),
            f"{it.dimension_title} ({_num(it.dimension_score, 0)})",
            action,
            _answers(it.distribution),
            _delta(it.gain),
            _delta(it.overall_gain),
        )
    console.print(table)
    console.print("Gain: points the dimension (and overall) score would rise if everyone answered yes.")


# --- compare ------------------------------------------------------------------------


def compare(
    old: Annotated[Path, typer.Argument(help="The earlier answers file.")],
    new: Annotated[Path, typer.Argument(help="The later answers file.")],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
) -> None:
    """Compare two assessments: score changes per dimension and the answers that changed.

    Across framework versions only the questions both asked are compared, and the
    output says so.

    Example: mlops-scorecard compare q1.yaml q2.yaml
    """
    from ..analysis.comparison import compare as run_compare
    from ..answers import load_assessment

    fmt = _format(fmt, ("table", "json"))
    old_fw, old_answers = load_assessment(old)
    new_fw, new_answers = load_assessment(new)
    result = run_compare(old_fw, old_answers, new_fw, new_answers)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_comparison(result, old.name, new.name)


def _delta(value: float | None, digits: int = 1) -> str:
    from ..format import fmt_delta

    return fmt_delta(value, digits)


def _print_comparison(c: Comparison, old_name: str, new_name: str) -> None:
    from rich.table import Table

    console = rich_console()
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
        out = [_num(d.old), _num(d.new), _delta(d.delta)]
        if not c.same_version:
            out += [_num(d.rescored), _delta(d.framework_effect), _delta(d.answer_effect)]
        return out

    for d in c.dimensions:
        table.add_row(d.title, *cells(d))
    table.add_section()
    table.add_row("Overall", *cells(c.overall), style="bold")
    console.print(table)
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
        qt.add_row(
            f"{q.question_id}: {q.text}",
            _answers(q.old_distribution),
            _answers(q.new_distribution),
            f"{_num(q.old_value, 2)} → {_num(q.new_value, 2)}",
        )
    console.print(qt)


# --- trend --------------------------------------------------------------------------


def trend(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Answers files of one unit, each with a date.")
    ],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also draw the trend chart: .svg, .png or .pdf.")
    ] = None,
    force: FORCE = False,
    seed: SEED = 0,
    confidence: CONFIDENCE = 0.9,
    resamples: RESAMPLES = 1000,
) -> None:
    """Each dimension across several assessments by date, with intervals.

    Examples:

      mlops-scorecard trend q1.yaml q2.yaml q3.yaml

      mlops-scorecard trend assessments/*.yaml -o trend.svg
    """
    from ..analysis.comparison import framework_change_notes, score_trend
    from ..analysis.uncertainty import intervals as interval_of
    from ..answers import load_assessment
    from ..scoring import score

    del seed, resamples  # accepted for older scripts; the intervals draw nothing
    fmt = _format(fmt, ("table", "json"))
    if output is not None:
        if output.suffix.lower() not in (".svg", ".png", ".pdf"):
            raise _error(f"cannot tell the chart format from {output.name!r}: use a .svg, .png or .pdf name")
        check_output(output, force)
    points = []
    loaded = []
    framework_id = None
    for path in paths:
        fw, answers = load_assessment(path)
        if framework_id is not None and fw.id != framework_id:
            raise _error(f"{path}: is an assessment of {fw.id!r}, the others of {framework_id!r}")
        framework_id = fw.id
        if answers.date is None:
            raise _error(
                f"{path}: has no date; add `date: YYYY-MM-DD` (the trend orders assessments by date)"
            )
        intervals = interval_of(fw, answers, confidence=confidence)
        points.append((answers.date, score(fw, answers), intervals))
        loaded.append((answers.date, fw, answers))
    result = score_trend(points)
    result.notes.extend(framework_change_notes(loaded))
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_trend(result, confidence)
    if output is not None:
        from ..charts import render_trend_with_bands
        from ..datafiles import atomic_write_bytes

        data = render_trend_with_bands(
            result.labels(),
            result.series(),
            output.suffix.lower().lstrip("."),  # type: ignore[arg-type]
            title=f"Scores over time ({confidence:.0%} intervals)",
        )
        atomic_write_bytes(output, data)
        typer.echo(f"wrote {output}", err=fmt == "json")


def _print_trend(t: ScoreTrend, confidence: float) -> None:
    from rich.table import Table

    console = rich_console()
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
            out.append(_num(v) + ("" if lo is None or hi is None else f"\n[{_num(lo, 0)}-{_num(hi, 0)}]"))
        changes = [t.since_previous(did), t.since_first(did)]
        return out + [_delta(c) for c in changes[: len(heads)]]

    for did, title in t.dimensions:
        table.add_row(title, *cells(did))
    table.add_section()
    table.add_row("Overall", *cells(None), style="bold")
    console.print(table)
    counts = ", ".join(f"{p.label}: {len(p.result.respondents)}" for p in t.points)
    console.print(f"Respondents: {counts}.")
    if heads:
        console.print(
            "Since previous: the latest score minus the one before it"
            + ("; since first: the latest minus the first." if len(heads) > 1 else ".")
        )


def register(app: typer.Typer) -> None:
    """Add analyze, plan, compare and trend to the main CLI app."""
    app.command("analyze")(analyze)
    app.command("plan")(plan)
    app.command("compare")(compare)
    app.command("trend")(trend)
