"""The article's five limitations of the method (subjectivity, lack of context, limited
scope, flexibility and actionability), each with what this assessment shows about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..format import fmt_alpha, fmt_amount_in, fmt_delta

if TYPE_CHECKING:
    from ..answers import AnswerSet
    from ..evidence.crosscheck import CrossCheck
    from ..framework import Framework
    from ..scoring import ScoreResult
    from .sections import Sections

__all__ = ["limitations"]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _gain(gain: float | None, points: float | None) -> str:
    """A plan item's gain with its unit: ``+14.3 points`` on 0-100, ``+1 point`` in points."""
    if points is None:
        return f"{fmt_delta(gain)} points"
    return fmt_amount_in(gain, points, sign=True, unit=True)


def _subjectivity(sections: Sections, n: int) -> str:
    a = sections.analysis
    ag = a.agreement.overall
    titles = {d.id: d.dimension.title for d in a.result.dimensions}
    if ag.alpha is None:
        parts = [f"Agreement cannot be measured: {ag.reason}."]
    else:
        text = f"Agreement between the {_plural(n, 'respondent')}: alpha {fmt_alpha(ag.alpha)} ({ag.band}) overall"
        dims = [(k, v) for k, v in a.agreement.dimensions.items() if v.alpha is not None]
        if dims:
            k, v = min(dims, key=lambda kv: kv[1].alpha or 0.0)
            text += f", lowest on {titles.get(k, k)} ({fmt_alpha(v.alpha)}, {v.band})"
        parts = [text + "."]
    hot = a.hotspots
    if hot:
        parts.append(f"{_plural(len(hot), 'hotspot')} where the answers split, the calibration agenda below.")
    elif n >= 2:
        parts.append("No hotspot: no question where the answers split.")
    roles = a.roles
    if roles.present:
        text = f"{_plural(len(roles.present), 'role')} answered"
        text += (
            f"; {_plural(len(roles.missing), 'role')} missing: {', '.join(roles.missing)}."
            if roles.missing
            else ", every role a diverse group should include."
        )
        parts.append(text)
    elif n:
        parts.append("No respondent's role is recorded.")
    gap = roles.largest_gap()
    if gap is not None and gap.gap is not None:
        first, second = roles.gap_groups
        parts.append(f"Largest gap between {first} and {second}: {fmt_delta(gap.gap)} points on {gap.title}.")
    return " ".join(parts)


def _code_check(evidence: CrossCheck | None) -> str:
    """What a scan set beside the answers shows; empty without one."""
    if evidence is None:
        return ""
    repos = _plural(evidence.repositories, "repository", "repositories")
    n = len({d.question for d in evidence.disagreements})
    if not n:
        return f" The code of {repos} agrees with the answers wherever it shows something (Evidence)."
    return (
        f" The code of {repos} and the answers disagree on {_plural(n, 'question')}, listed under Evidence."
    )


def limitations(
    framework: Framework,
    answers: AnswerSet,
    result: ScoreResult,
    sections: Sections,
    n_roles: int,
    n_questions: int,
    *,
    evidence: CrossCheck | None = None,
) -> list[dict[str, str]]:
    """The article's five limitations, each with what this assessment shows about it
    (``finding``, with its numbers) and what the report does about it (``response``).
    With ``evidence`` (a scan set beside the answers) subjectivity says how far the code
    and the answers agree: the article's advice is to combine the answers with data."""
    n = len(answers.respondents)
    people = _plural(n, "respondent")
    role_text = f" in {_plural(n_roles, 'role')}" if n_roles else ""
    counts = result.counts
    full = sum(1 for _ in framework.iter_questions("full"))
    na_questions = sum(1 for d in result.dimensions for q in d.questions if q.distribution.get("na"))
    unknown_share = f" ({counts.unknown / counts.total:.0%})" if counts.total else ""
    unscored = [d.dimension.title for d in result.dimensions if d.score is None]
    coverage = (
        "no answers yet" if counts.coverage is None else f"{counts.coverage:.0%} of the answers carry a score"
    )

    plan = sections.plan
    todo = [it for it in plan.items if it.status not in ("done", "accepted-risk")]
    closed = len(plan.items) - len(todo)
    if todo:
        top = "; ".join(
            f"{it.rank}. {it.question_text} ({it.dimension_title}, {_gain(it.gain, framework.points)})"
            for it in todo[:3]
        )
        actionable = f"{_plural(len(plan.items), 'action')} in the plan"
        actionable += f", {closed} done or accepted as a risk" if closed else ""
        actionable += f". {'First' if len(todo) > 1 else 'Open'}: {top}."
    elif plan.items:
        actionable = (
            f"Every one of the plan's {_plural(len(plan.items), 'action')} is done or accepted as a risk."
        )
    else:
        actionable = plan.empty_message()

    trend = sections.trend
    if trend is None:
        flexible = (
            f"Framework {framework.ref}, questions with stable ids. One point in time: no earlier"
            " assessment was given, so there is no trend."
        )
    else:
        earlier = [p for p in trend.points if p.result is not result]
        dates = ", ".join(p.label for p in earlier)
        flexible = f"Framework {framework.ref}; compared with {_plural(len(earlier), 'earlier assessment')} ({dates})."
        if trend.notes:
            flexible += " " + " ".join(trend.notes)
        else:
            flexible += " All use the same framework version and question set, so they compare directly."

    return [
        {
            "id": "subjectivity",
            "title": "Subjectivity",
            "risk": "Answers reflect personal biases and interpretations.",
            "finding": _subjectivity(sections, n) + _code_check(evidence),
            "response": f"Scores combine the answers of {people}{role_text}. The report measures how far"
            " they agree, lists the questions where they split with every comment, and shows"
            " the scores by role; it cannot tell which view is right: discuss the hotspots"
            " together and ask the missing roles.",
        },
        {
            "id": "lack-of-context",
            "title": "Lack of context",
            "risk": "The questions may not fit the organization's context and constraints.",
            "finding": f"{_plural(counts.na, 'answer')} 'not applicable' (on {_plural(na_questions, 'question')}),"
            f" {counts.unknown} 'don't know'{unknown_share} and {counts.unanswered} left"
            f" unanswered, of {counts.total} answers.",
            "response": "Questions that do not apply are answered 'not applicable' and left out of"
            " the score, and comments and evidence are shown per answer; the report does not"
            " adjust scores to the organization's context beyond the framework's weights.",
        },
        {
            "id": "limited-scope",
            "title": "Limited scope",
            "risk": "A checklist assesses only some aspects of MLOps.",
            "finding": f"{n_questions} of the {full} questions (the '{answers.question_set}' set) of"
            f" {framework.title} {framework.version}; {coverage}; "
            + (f"no score for {', '.join(unscored)}." if unscored else "every dimension has a score."),
            "response": "Practices outside these questions are not assessed."
            + (f" The full question set asks {full - n_questions} more." if full > n_questions else ""),
        },
        {
            "id": "limited-flexibility",
            "title": "Limited flexibility",
            "risk": "A fixed questionnaire can lose relevance as conditions change.",
            "finding": flexible,
            "response": "The framework is versioned and its questions have stable ids, so later"
            " assessments compare with this one; across versions only the questions both ask"
            " compare, and the comparison says so.",
        },
        {
            "id": "limited-actionability",
            "title": "Limited actionability",
            "risk": "Scores alone do not say how to improve.",
            "finding": actionable,
            "response": "The improvement plan ranks every gap (weakest dimension first, core"
            " questions before extended ones, larger gains first) with the framework's"
            " recommendation and what doing it is worth; give each action an owner and a due"
            " date and track it over time.",
        },
    ]
