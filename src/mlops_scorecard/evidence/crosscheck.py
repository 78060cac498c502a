"""Evidence beside the answers: findings merged over a team's repositories, answers
suggested from them, and the disagreements to talk through.

A practice found backs the questions it bears on (the framework's ``evidence:``
mapping); a "yes" whose questions' practices were all looked for and none found, a
"yes" where a negative practice was found (model binaries committed to git under a
data-versioning question), and a "no" or "don't know" where evidence was found are
disagreements. The code never overrules people: a suggestion is a suggestion, and
presence in code is not proof that a practice is enforced (``docs/evidence.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..answers import AnswerSet
from ..framework import Framework, QuestionSet
from .results import MAX_EVIDENCE, Evidence, PracticeFinding, ScanResult, Status, strongest

__all__ = [
    "CrossCheck",
    "Disagreement",
    "DisagreementKind",
    "Suggestion",
    "answer_counts",
    "crosscheck",
    "merge_practices",
]

DisagreementKind = Literal["claimed-without-evidence", "contradicted-by-evidence", "evidence-not-claimed"]
#: Files named per disagreement (the rest are counted).
_FILES_SHOWN = 5


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Suggestion(_Model):
    """An answer the evidence suggests for one question, and why."""

    question: str
    dimension: str
    text: str
    answer: str = Field(
        description="A key of the framework's scale: yes, partly or no on the default scale; on another, "
        "its best, middle or worst valued key."
    )
    reason: str
    practices: list[str] = Field(default_factory=list, description="The practices behind it.")
    evidence: list[Evidence] = Field(default_factory=list)


class Disagreement(_Model):
    """A question where what people answered and what the code shows differ."""

    question: str
    dimension: str
    text: str
    kind: DisagreementKind
    message: str
    answers: dict[str, int] = Field(default_factory=dict, description="Answer key -> respondents.")
    practices: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list, description="'repository:path:line' that show it.")


class CrossCheck(_Model):
    """The whole comparison for one assessment (or answers file) and one scan."""

    framework: str
    repositories: int
    practices: list[PracticeFinding]
    suggestions: list[Suggestion]
    disagreements: list[Disagreement]
    unmapped: list[str] = Field(
        default_factory=list, description="Practices the framework maps to no question."
    )


def _merged_status(statuses: list[Status]) -> Status:
    if "found" in statuses:
        return "found"
    return "inconclusive" if "inconclusive" in statuses else "not-found"


def merge_practices(scan: ScanResult) -> list[PracticeFinding]:
    """One finding per practice over all the scan's repositories: found where any
    repository shows it, with each evidence item naming its repository."""
    order: list[str] = []
    parts: dict[str, list[tuple[str, PracticeFinding]]] = {}
    for repo in scan.repositories:
        name = repo.name or repo.path
        for finding in repo.practices:
            if finding.id not in parts:
                order.append(finding.id)
                parts[finding.id] = []
            parts[finding.id].append((name, finding))
    out = []
    for pid in order:
        found = parts[pid]
        first = found[0][1]
        status = _merged_status([f.status for _, f in found])
        evidence = [
            e.model_copy(update={"repository": e.repository or name}) for name, f in found for e in f.evidence
        ]
        # a repository's note says why it is inconclusive there: beside a practice found
        # elsewhere it would contradict the merged status
        notes = sorted({f"{name}: {f.note}" for name, f in found if f.note and f.status == status})
        questions = list(dict.fromkeys(q for _, f in found for q in f.questions))
        out.append(
            PracticeFinding(
                id=pid,
                title=first.title,
                negative=first.negative,
                status=status,
                confidence=strongest([f.confidence for _, f in found if f.confidence and f.status == status]),
                evidence=evidence[: MAX_EVIDENCE * 4],
                evidence_total=sum(f.evidence_total or len(f.evidence) for _, f in found),
                questions=questions,
                note="; ".join(notes)[:500],
            )
        )
    return out


def answer_counts(answers: AnswerSet) -> dict[str, dict[str, int]]:
    """Question id -> answer key -> respondents, from an answers file."""
    out: dict[str, dict[str, int]] = {}
    for respondent in answers.respondents:
        for qid, answer in respondent.answers.items():
            counts = out.setdefault(qid, {})
            counts[answer.answer] = counts.get(answer.answer, 0) + 1
    return out


def _files(findings: Iterable[PracticeFinding]) -> list[str]:
    return list(dict.fromkeys(e.where() for f in findings for e in f.evidence))[:_FILES_SHOWN]


def _of(counts: Mapping[str, int], keys: tuple[str, ...]) -> str:
    n = sum(counts.get(k, 0) for k in keys)
    return f"{n} of {sum(counts.values())}"


def _titles(findings: list[PracticeFinding], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c`` (``or`` after a "no")."""
    names = [f.title.lower() or f.id for f in findings]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def crosscheck(
    scan: ScanResult,
    framework: Framework,
    counts: Mapping[str, Mapping[str, int]],
    *,
    question_set: QuestionSet = "full",
) -> CrossCheck:
    """Set ``scan`` beside the answers (``counts``: question id -> answer key ->
    respondents, see :func:`answer_counts`) of the questions in ``question_set``."""
    merged = {f.id: f for f in merge_practices(scan)}
    by_question: dict[str, list[str]] = {}
    for pid, qids in framework.evidence.items():
        for qid in qids:
            by_question.setdefault(qid, []).append(pid)
    unmapped = [pid for pid in merged if pid not in framework.evidence]
    # yes, partly and no on the default scale; on another, its worst, middle and best key
    ranked = framework.ranked_keys
    worst, best = ranked[0], ranked[2]
    suggestions: list[Suggestion] = []
    disagreements: list[Disagreement] = []
    for dim, question in framework.iter_questions(question_set):
        findings = [merged[p] for p in by_question.get(question.id, []) if p in merged]
        if not findings:
            continue
        positive = [f for f in findings if not f.negative]
        negative_found = [f for f in findings if f.negative and f.status == "found"]
        found = [f for f in positive if f.status == "found"]
        conclusive = all(f.status != "inconclusive" for f in positive)
        suggestion = _suggest(positive, found, negative_found, conclusive)
        if suggestion is not None:
            default_answer, reason = suggestion
            answer = ranked[("no", "partly", "yes").index(default_answer)]
            evidence = [e for f in found + negative_found for e in f.evidence][:MAX_EVIDENCE]
            suggestions.append(
                Suggestion(
                    question=question.id,
                    dimension=dim.id,
                    text=question.text,
                    answer=answer,
                    reason=reason,
                    practices=[f.id for f in found + negative_found],
                    evidence=evidence,
                )
            )
        asked = counts.get(question.id, {})
        said_yes = asked.get(best, 0)
        said_no = asked.get(worst, 0) + asked.get("unknown", 0)
        common = {"question": question.id, "dimension": dim.id, "text": question.text, "answers": dict(asked)}
        if said_yes and negative_found:
            disagreements.append(
                Disagreement(
                    **common,
                    kind="contradicted-by-evidence",
                    message=f"{_of(asked, (best,))} answered {best}, but the code shows "
                    f"{_titles(negative_found)}",
                    practices=[f.id for f in negative_found],
                    files=_files(negative_found),
                )
            )
        if said_yes and positive and not found and conclusive:
            disagreements.append(
                Disagreement(
                    **common,
                    kind="claimed-without-evidence",
                    message=f"{_of(asked, (best,))} answered {best}; no {_titles(positive, 'or')} found in "
                    f"{_repositories(scan)}",
                    practices=[f.id for f in positive],
                )
            )
        if said_no and found:
            disagreements.append(
                Disagreement(
                    **common,
                    kind="evidence-not-claimed",
                    message=f"{_of(asked, (worst, 'unknown'))} answered {worst} or don't know, but the code "
                    f"shows {_titles(found)}",
                    practices=[f.id for f in found],
                    files=_files(found),
                )
            )
    disagreements.sort(key=lambda d: -sum(d.answers.values()))
    return CrossCheck(
        framework=framework.ref,
        repositories=len(scan.repositories),
        practices=list(merged.values()),
        suggestions=suggestions,
        disagreements=disagreements,
        unmapped=unmapped,
    )


def _repositories(scan: ScanResult) -> str:
    n = len(scan.repositories)
    return "the repository scanned" if n == 1 else f"the {n} repositories scanned"


def _suggest(
    positive: list[PracticeFinding],
    found: list[PracticeFinding],
    negative_found: list[PracticeFinding],
    conclusive: bool,
) -> tuple[Literal["yes", "partly", "no"], str] | None:
    """The answer the evidence suggests: yes when every practice the question bears on
    was found (and nothing against it), partly when some were, no when none were and
    the scan could tell; nothing when it could not."""
    if found and len(found) == len(positive) and not negative_found:
        return "yes", f"found: {_titles(found)}"
    if found:
        reason = f"found: {_titles(found)}"
        for status in ("not-found", "inconclusive"):
            missing = [f for f in positive if f.status == status]
            if missing:
                reason += f"; {status.replace('-', ' ')}: {_titles(missing)}"
        if negative_found:
            reason += f"; but also {_titles(negative_found)}"
        return "partly", reason
    if negative_found:
        return "no", f"the code shows {_titles(negative_found)}"
    if positive and conclusive:
        return "no", f"not found: {_titles(positive)}"
    return None
