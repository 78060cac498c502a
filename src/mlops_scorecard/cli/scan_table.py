"""The terminal output of ``scan`` (rich): one row per practice, a column per repository
when there are several, the warnings count, and with answers the disagreements and the
suggested answers.

Everything from a scanned repository goes into :class:`rich.text.Text` cells, never
into markup, and loses its control characters first: a file named ``[bold]x`` or one
holding an escape sequence prints as the name it is.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evidence.crosscheck import CrossCheck
from ..evidence.output import ScanReport, evidence_coverage, places, report_coverage, status_label
from ..evidence.results import PracticeFinding
from ..format import fmt_counts, fmt_number

__all__ = ["print_scan", "safe"]

#: Places shown per practice, and warnings and suggestions listed, before "N more".
PLACES_SHOWN = 1
WARNINGS_SHOWN = 5
_STYLES = {"found": "green", "not-found": "dim", "inconclusive": "yellow"}


def safe(text: object) -> str:
    """Text with every non-printable character shown as an escape (``\\x1b``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _status(f: PracticeFinding) -> Text:
    style = "bold red" if f.negative and f.status == "found" else _STYLES[f.status]
    text = Text(status_label(f), style=style)
    if f.confidence and f.status != "not-found" and not f.negative:
        text.append(f" ({f.confidence})", style="dim")
    return text


def _where(f: PracticeFinding, limit: int = PLACES_SHOWN) -> Text:
    shown, more = places(f, limit)
    text = ", ".join(safe(p) for p in shown)
    if more:
        text += f" (+{more} more)"
    return Text(text)


def _coverage(value: float | None) -> str:
    return "—" if value is None else f"{fmt_number(value, 0)}%"


#: Columns a repository needs in the wide layout (status, confidence, a place).
WIDE_COLUMN = 24
#: One character per practice and repository in the compact layout.
_MARKS = {"found": ("+", "green"), "not-found": ("-", "dim"), "inconclusive": ("?", "yellow")}


def _mark(f: PracticeFinding | None) -> Text:
    if f is None:
        return Text(" ")
    if f.negative and f.status == "found":
        return Text("!", style="bold red")
    mark, style = _MARKS[f.status]
    return Text(mark, style=style)


def _practices(report: ScanReport, console: Console) -> None:
    repos = report.repositories
    n = len(repos)
    title = f"Evidence from code ({n} {'repository' if n == 1 else 'repositories'}"
    title += f", questions of {report.framework})" if report.framework else ")"
    order = list(dict.fromkeys(f.id for repo in repos for f in repo.practices))
    by_repo = [{f.id: f for f in repo.practices} for repo in repos]
    titles = {f.id: f.title or f.id for repo in repos for f in reversed(repo.practices)}
    # many repositories do not fit a column of words each: one mark each, and a legend
    compact = n > 1 and console.width < 30 + WIDE_COLUMN * n
    # no vertical rules in the compact layout: a column of marks is one character wide
    table = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 0)) if compact else Table(title=title)
    table.add_column("Practice", min_width=24 if compact else None)
    if n == 1:
        table.add_column("Status")
        table.add_column("Where")
        for f in repos[0].practices:
            table.add_row(Text(safe(f.title or f.id)), _status(f), _where(f, 2))
    elif compact:
        for i in range(1, n + 1):
            table.add_column(str(i), justify="center", no_wrap=True)
        table.add_column("Found", justify="right", no_wrap=True)
        for pid in order:
            found = sum(1 for m in by_repo if pid in m and m[pid].status == "found")
            table.add_row(Text(safe(titles[pid])), *[_mark(m.get(pid)) for m in by_repo], f"{found}/{n}")
    else:
        for repo in repos:
            table.add_column(Text(safe(repo.name or repo.path)))
        for pid in order:
            cells: list[Text] = []
            for m in by_repo:
                here = m.get(pid)
                if here is None:
                    cells.append(Text("—"))
                    continue
                cell = _status(here)
                if here.evidence:
                    cell.append("\n")
                    cell.append_text(_where(here))
                cells.append(cell)
            table.add_row(Text(safe(titles[pid])), *cells)
    if n > 1 and not compact:
        table.add_section()
        coverage = [_coverage(evidence_coverage(r.practices)) for r in repos]
        table.add_row("Evidence coverage", *coverage, style="bold")
    console.print(table)
    if compact:
        console.print("+ found, - not found, ? inconclusive, ! found (a problem); repositories:")
        for i, repo in enumerate(repos, start=1):
            own = _coverage(evidence_coverage(repo.practices))
            console.print(Text(f"  {i}. {safe(repo.name or repo.path)} (evidence coverage {own})"))
        console.print("(--format markdown or json lists the files and lines)")
    console.print(
        f"Evidence coverage: {_coverage(report_coverage(report))} (positive practices found"
        f"{' in any repository' if n > 1 else ''}, less negative ones found, over the positive practices)."
    )


def _warnings(report: ScanReport, console: Console) -> None:
    for repo in report.repositories:
        if not repo.warnings:
            continue
        name = safe(repo.name or repo.path)
        count = len(repo.warnings)
        console.print(Text(f"{count} {'warning' if count == 1 else 'warnings'} in {name}:"))
        for w in repo.warnings[:WARNINGS_SHOWN]:
            where = f"{safe(w.path)}: " if w.path else ""
            console.print(Text(f"  {where}{safe(w.message)}"))
        if len(repo.warnings) > WARNINGS_SHOWN:
            console.print(f"  … {len(repo.warnings) - WARNINGS_SHOWN} more (--format json lists them all)")


def _crosscheck(cc: CrossCheck, console: Console) -> None:
    if not cc.disagreements:
        console.print(f"No disagreements with the answers ({safe(cc.framework)}).")
    else:
        table = Table(title=f"Disagreements to talk through ({safe(cc.framework)})", expand=True)
        table.add_column("#", justify="right")
        table.add_column("Question", ratio=2)
        table.add_column("Answers", ratio=1)
        # file names fold rather than end in "…": at 80 columns they are what is cut
        table.add_column("What the code shows", ratio=3, overflow="fold")
        for i, d in enumerate(cc.disagreements, start=1):
            what = safe(d.message)
            if d.files:
                what += "".join("\n" + safe(f) for f in d.files)
            table.add_row(
                str(i),
                Text(f"{safe(d.text)} [{safe(d.question)}]"),
                Text(fmt_counts(d.answers)),
                Text(what),
            )
        console.print(table)
    if cc.suggestions:
        table = Table(title="Answers the evidence suggests")
        table.add_column("Question")
        table.add_column("Suggested")
        table.add_column("Why")
        for s in cc.suggestions:
            table.add_row(Text(f"{safe(s.text)} [{safe(s.question)}]"), s.answer, Text(safe(s.reason)))
        console.print(table)
    console.print(
        "A suggestion is where a conversation starts: the code never overrules the people who "
        "answered, and a practice present in code is not proof that it is enforced."
    )


def print_scan(report: ScanReport, console: Console | None = None) -> None:
    """Print the scan: the practices table, coverage, warnings, and the cross-check."""
    console = console or Console(highlight=False)
    _practices(report, console)
    _warnings(report, console)
    if report.crosscheck is not None:
        _crosscheck(report.crosscheck, console)
