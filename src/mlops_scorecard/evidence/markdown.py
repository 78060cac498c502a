"""A scan as Markdown: a table per repository, its warnings, and with answers the
disagreements to talk through and the suggested answers.

Everything that comes from a scanned repository (file names, details, warnings, the
repository's name) or from a framework or catalogue file is passed through
:func:`mlops_scorecard.escaping.md_escape`: a file named ``a|b`` must not split a table
cell, nor one named ``<img onerror=...>`` run in a viewer. Code spans are not used for
such text, because a backslash escape does not work inside them.
"""

from __future__ import annotations

from ..escaping import md_escape
from ..format import SHORT_LABELS, fmt_number
from .crosscheck import CrossCheck
from .output import evidence_coverage, place, places, report_coverage, status_label
from .results import PracticeFinding, RepositoryScan, ScanResult

__all__ = ["scan_markdown"]

#: Places listed per practice in a table cell (the rest are counted).
PLACES_SHOWN = 3
#: Warnings listed per repository (the rest are counted).
WARNINGS_SHOWN = 50


def _cell(text: str) -> str:
    return md_escape(text) or "—"


def _where(finding: PracticeFinding, *, repository: bool = False) -> str:
    shown, more = places(finding, PLACES_SHOWN, repository=repository)
    text = ", ".join(md_escape(p) for p in shown)
    if more:
        text += f" (+{more} more)"
    return text or "—"


def _coverage(value: float | None) -> str:
    return "—" if value is None else f"{fmt_number(value, 0)}%"


def _repository(repo: RepositoryScan) -> list[str]:
    name = repo.name or repo.path
    facts = [f"path {md_escape(repo.path)}", f"{repo.files_scanned} files"]
    if repo.kind == "git":
        facts.insert(1, f"git commit {md_escape(repo.commit[:12])}" if repo.commit else "git")
    else:
        facts.insert(1, "a folder, not a git checkout")
    lines = [
        f"## {md_escape(name)}",
        "",
        f"{'; '.join(facts)}; evidence coverage {_coverage(evidence_coverage(repo.practices))}.",
        "",
        "| Practice | Status | Confidence | Where |",
        "| --- | --- | --- | --- |",
    ]
    for f in repo.practices:
        status = status_label(f)
        if f.note:
            status += f" ({f.note})"
        lines.append(f"| {_cell(f.title or f.id)} | {_cell(status)} | {f.confidence or '—'} | {_where(f)} |")
    lines.append("")
    if repo.warnings:
        lines += [f"Warnings ({len(repo.warnings)}):", ""]
        for w in repo.warnings[:WARNINGS_SHOWN]:
            where = f"{md_escape(w.path)}: " if w.path else ""
            lines.append(f"- {where}{md_escape(w.message)}")
        if len(repo.warnings) > WARNINGS_SHOWN:
            lines.append(f"- … {len(repo.warnings) - WARNINGS_SHOWN} more (see the JSON output)")
        lines.append("")
    else:
        lines += ["No warnings: every file was read.", ""]
    return lines


def _summary(report: ScanResult) -> list[str]:
    """A practice-by-repository overview, before each repository's own table."""
    repos = report.repositories
    names = [md_escape(r.name or r.path) for r in repos]
    by_repo = [{f.id: f for f in r.practices} for r in repos]
    titles = {f.id: f.title or f.id for r in repos for f in reversed(r.practices)}
    lines = [
        "## Summary",
        "",
        f"| Practice | {' | '.join(names)} | Found in |",
        f"| --- | {' | '.join('---' for _ in repos)} | --- |",
    ]
    for pid in dict.fromkeys(f.id for r in repos for f in r.practices):
        cells = []
        for m in by_repo:
            f = m.get(pid)
            cells.append("—" if f is None or f.status == "not-found" else _cell(status_label(f)))
        found = sum(1 for m in by_repo if pid in m and m[pid].status == "found")
        lines.append(f"| {_cell(titles[pid])} | {' | '.join(cells)} | {found} of {len(repos)} |")
    coverage = [_coverage(evidence_coverage(r.practices)) for r in repos]
    lines += [f"| Evidence coverage | {' | '.join(coverage)} | {_coverage(report_coverage(report))} |", ""]
    return lines


def _answers(counts: dict[str, int]) -> str:
    # a custom scale's keys are shown as they are (fmt_counts knows only the default's)
    return ", ".join(f"{SHORT_LABELS.get(k, md_escape(k))} {n}" for k, n in counts.items()) or "none"


def _crosscheck(cc: CrossCheck) -> list[str]:
    lines = [f"## Beside the answers ({md_escape(cc.framework)})", ""]
    lines += ["### Disagreements to talk through", ""]
    if not cc.disagreements:
        lines += ["None: the answers and the code agree wherever the scan could tell.", ""]
    for i, d in enumerate(cc.disagreements, start=1):
        lines.append(
            f"{i}. **{md_escape(d.text)}** ({md_escape(d.dimension)}, {md_escape(d.question)}): "
            f"{md_escape(d.message)}. Answers: {_answers(d.answers)}."
        )
        if d.files:
            lines.append(f"   Files: {', '.join(md_escape(f) for f in d.files)}.")
    lines.append("")
    lines += ["### Suggested answers", ""]
    if not cc.suggestions:
        lines += ["None: no practice the framework maps to a question was conclusive.", ""]
    else:
        lines += ["| Question | Suggested | Why | Evidence |", "| --- | --- | --- | --- |"]
        for s in cc.suggestions:
            shown = list(dict.fromkeys(md_escape(place(e, repository=True)) for e in s.evidence))[
                :PLACES_SHOWN
            ]
            more = len(s.evidence) - len(shown)
            evidence = ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
            lines.append(
                f"| {md_escape(s.text)} ({md_escape(s.question)}) | {s.answer} | {_cell(s.reason)} "
                f"| {evidence or '—'} |"
            )
        lines.append("")
    lines.append(
        "The code never overrules the people who answered: a suggestion is a place to start "
        "the conversation, and a practice present in code is not proof that it is enforced."
    )
    if cc.unmapped:
        lines.append(
            f"Practices this framework maps to no question: {', '.join(md_escape(p) for p in cc.unmapped)}."
        )
    lines.append("")
    return lines


def scan_markdown(report: ScanResult) -> str:
    """The scan (a :class:`~.output.ScanReport` with its cross-check, or a plain
    result) as a Markdown document."""
    n = len(report.repositories)
    lines = ["# Evidence from code", ""]
    summary = f"{n} {'repository' if n == 1 else 'repositories'} scanned"
    if report.tool_version:
        summary += f" by {md_escape(report.tool)} {md_escape(report.tool_version)}"
    if report.generated_at:
        summary += f" on {md_escape(report.generated_at)}"
    summary += f"; evidence coverage {_coverage(report_coverage(report))}"
    if report.framework:
        summary += f"; questions of {md_escape(report.framework)}"
    lines += [
        summary + ".",
        "",
        "Evidence coverage: the positive practices found (in any repository), less the negative "
        "ones found, over the positive practices. Found needs a high or medium confidence signal; "
        "a mention alone is inconclusive.",
        "",
    ]
    if n > 1:
        lines += _summary(report)
    for repo in report.repositories:
        lines += _repository(repo)
    crosscheck = getattr(report, "crosscheck", None)
    if isinstance(crosscheck, CrossCheck):
        lines += _crosscheck(crosscheck)
    return "\n".join(lines).rstrip("\n") + "\n"
