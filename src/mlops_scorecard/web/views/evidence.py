"""The assessment page's evidence from code: per practice, found or not in each
repository with the first places; the disagreements with the answers to talk through;
and beside each question of the answers, what the code shows.

Every text here comes from an uploaded scan or the framework and is left to Jinja's
autoescape: nothing is marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...evidence.crosscheck import CrossCheck, DisagreementKind
from ...evidence.results import PracticeFinding, Status
from ...format import answer_choices
from ...framework import Framework
from ...store.evidence import StoredScan

__all__ = [
    "DisagreementRow",
    "EvidenceView",
    "PracticeCell",
    "PracticeRow",
    "QuestionMarker",
    "RepositoryHeader",
    "evidence_view",
]

#: Places shown per practice and repository (the rest are counted).
PLACES_SHOWN = 3

_STATUS_WORDS: dict[Status, str] = {
    "found": "found",
    "not-found": "not found",
    "inconclusive": "inconclusive",
}
_KIND_WORDS: dict[DisagreementKind, str] = {
    "claimed-without-evidence": "Answered yes, not seen in the code",
    "contradicted-by-evidence": "Answered yes, the code shows otherwise",
    "evidence-not-claimed": "Seen in the code, not answered yes",
}


@dataclass(frozen=True)
class RepositoryHeader:
    """A repository scanned: its name, commit and when the scan came."""

    name: str
    commit: str
    uploaded: str
    files_scanned: int
    warnings: int
    #: The first warnings, as lines to show.
    warning_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeCell:
    """One practice in one repository: status word, CSS class, first places, how many more."""

    status: str
    css: str
    places: list[str]
    more: int
    #: Why a practice is inconclusive (or a caveat), from the scan.
    note: str = ""


@dataclass(frozen=True)
class PracticeRow:
    """A practice over the repositories: merged status and one cell per repository."""

    id: str
    title: str
    negative: bool
    status: str
    css: str
    cells: list[PracticeCell]


@dataclass(frozen=True)
class DisagreementRow:
    """A question where the answers and the code differ."""

    question: str
    text: str
    kind: str
    message: str
    answers: list[tuple[str, int]]
    files: list[str]


@dataclass(frozen=True)
class QuestionMarker:
    """What the code shows for one question: ``status`` is found, not found, against
    (a negative practice found) or inconclusive; ``detail`` names the practices."""

    status: str
    css: str
    detail: str


@dataclass(frozen=True)
class EvidenceView:
    """The evidence section (empty ``repositories``: no scan yet)."""

    repositories: list[RepositoryHeader]
    practices: list[PracticeRow]
    disagreements: list[DisagreementRow]
    markers: dict[str, QuestionMarker]


def _css(status: str, negative: bool = False) -> str:
    if status == "found":
        return "ev-bad" if negative else "ev-found"
    return "ev-unknown" if status == "inconclusive" else ("ev-found" if negative else "ev-missing")


def _cell(finding: PracticeFinding | None) -> PracticeCell:
    if finding is None:
        return PracticeCell("not scanned", "ev-unknown", [], 0)
    places = list(dict.fromkeys(e.where(repository=False) for e in finding.evidence))
    shown = places[:PLACES_SHOWN]
    total = max(finding.evidence_total, len(finding.evidence))
    return PracticeCell(
        _STATUS_WORDS[finding.status],
        _css(finding.status, finding.negative),
        shown,
        max(0, total - len(shown)),
        finding.note,
    )


def _title(f: PracticeFinding) -> str:
    return f.title or f.id


def _marker(findings: Sequence[PracticeFinding]) -> QuestionMarker:
    positive = [f for f in findings if not f.negative]
    found = [_title(f) for f in positive if f.status == "found"]
    missing = [_title(f) for f in positive if f.status == "not-found"]
    unsure = [_title(f) for f in positive if f.status == "inconclusive"]
    against = [_title(f) for f in findings if f.negative and f.status == "found"]
    parts = [
        f"{word}: {', '.join(names)}"
        for word, names in (
            ("found", found),
            ("not found", missing),
            ("inconclusive", unsure),
            ("but", against),
        )
        if names
    ]
    if found:
        status, css = "found", "ev-found"
    elif against:
        status, css = "against", "ev-bad"
    elif missing and not unsure:
        status, css = "not found", "ev-missing"
    else:
        status, css = "inconclusive", "ev-unknown"
    return QuestionMarker(status, css, "; ".join(parts))


def evidence_view(
    framework: Framework, stored: Sequence[StoredScan], check: CrossCheck | None
) -> EvidenceView:
    """The section from the stored scans and their cross-check (``None``: no scans)."""
    if check is None or not stored:
        return EvidenceView([], [], [], {})
    headers = [
        RepositoryHeader(
            name=s.repository,
            commit=(s.commit or "")[:12],
            uploaded=s.uploaded_at.strftime("%Y-%m-%d %H:%M"),
            files_scanned=s.scan.files_scanned,
            warnings=len(s.scan.warnings),
            warning_lines=[f"{w.path}: {w.message}" if w.path else w.message for w in s.scan.warnings[:20]],
        )
        for s in stored
    ]
    by_repo = [{f.id: f for f in s.scan.practices} for s in stored]
    practices = [
        PracticeRow(
            id=merged.id,
            title=_title(merged),
            negative=merged.negative,
            status=_STATUS_WORDS[merged.status],
            css=_css(merged.status, merged.negative),
            cells=[_cell(found.get(merged.id)) for found in by_repo],
        )
        for merged in check.practices
    ]
    labels = dict(answer_choices(framework))
    disagreements = [
        DisagreementRow(
            question=d.question,
            text=d.text,
            kind=_KIND_WORDS.get(d.kind, d.kind),
            message=d.message,
            # in the scale's order, as every other count on the page
            answers=[(label, d.answers[k]) for k, label in labels.items() if d.answers.get(k)],
            files=list(d.files),
        )
        for d in check.disagreements
    ]
    merged = {f.id: f for f in check.practices}
    by_question: dict[str, list[PracticeFinding]] = {}
    for pid, qids in framework.evidence.items():
        for qid in qids:
            if pid in merged:
                by_question.setdefault(qid, []).append(merged[pid])
    markers = {qid: _marker(findings) for qid, findings in by_question.items()}
    return EvidenceView(headers, practices, disagreements, markers)
