"""Answering the questionnaire in a terminal, one dimension at a time.

The survey is separate from the CLI so that it can be driven by tests through plain
``ask`` and ``say`` callables. Every answer is written to the answers file at once
(atomically), so an interrupted session loses nothing and resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .answers import Answer, AnswerSet, Respondent, dump_answers, load_assessment
from .errors import AnswersError
from .framework import Framework, Question, QuestionSet
from .framework.profiles import profile_effect

__all__ = ["SurveyOutcome", "open_survey", "parse_reply", "run_survey"]

_SHORT = {"y": "yes", "p": "partly", "n": "no", "a": "na", "u": "unknown", "na": "na", "?": "unknown"}
HELP = "y = yes, p = partly, n = no, a = not applicable, u = don't know; add ': comment'; s = skip, q = quit"


@dataclass
class SurveyOutcome:
    """How a survey session ended: answers given now, questions still open, quit early."""

    answered_now: int
    remaining: int
    quit: bool


def parse_reply(reply: str) -> tuple[str, str] | None:
    """Read ``"p: only for one model"`` as ``("partly", "only for one model")``.

    Returns ``("skip", "")`` or ``("quit", "")`` for those commands, ``None`` when the
    reply is not understood.
    """
    head, _, comment = reply.partition(":")
    key = head.strip().lower()
    if key in ("q", "quit"):
        return ("quit", "")
    if key in ("s", "skip"):
        return ("skip", "")
    key = _SHORT.get(key, key)
    if key in ("yes", "partly", "no", "na", "unknown"):
        return (key, comment.strip())
    return None


def open_survey(
    path: Path,
    framework: Framework,
    *,
    question_set: QuestionSet,
    unit: str = "",
    name: str = "",
    role: str = "",
    reference: str | None = None,
) -> tuple[AnswerSet, int]:
    """Load (or start) the answers file and find (or add) this respondent's entry.

    An existing file keeps its framework and question set; the respondent is found by
    name, or is the only one when no name is given. A new file names the framework as
    ``reference`` (e.g. the path of a framework file), by default its ``id@version``.
    """
    if path.exists():
        fw, answers = load_assessment(path)
        if fw.id != framework.id:
            raise AnswersError(
                f"this file is for framework {fw.id!r}, not {framework.id!r}", source=str(path)
            )
    else:
        answers = AnswerSet(
            framework=reference or framework.ref, question_set=question_set, unit=unit, date=dt.date.today()
        )
    index = next((i for i, r in enumerate(answers.respondents) if name and r.name == name), None)
    if index is None and not name and len(answers.respondents) == 1:
        index = 0
    if index is None:
        answers.respondents.append(Respondent(name=name, role=role))
        index = len(answers.respondents) - 1
    elif role and not answers.respondents[index].role:
        answers.respondents[index].role = role
    return answers, index


def run_survey(
    path: Path,
    framework: Framework,
    answers: AnswerSet,
    index: int,
    *,
    ask: Callable[[str], str | None],
    say: Callable[[str], None],
    revise: bool = False,
) -> SurveyOutcome:
    """Ask every open question (all of them with ``revise``), saving after each answer.

    ``ask`` returns ``None`` at end of input, which ends the session like ``q``.
    """
    respondent = answers.respondents[index]
    # the questions the file's context makes not applicable are not asked: they are
    # scored "na" whatever the answer
    excluded = profile_effect(framework, answers.profile).not_applicable if framework.profile else {}
    questions = [(d, q) for d, q in framework.iter_questions(answers.question_set) if q.id not in excluded]
    total = len(questions)
    dims = [d for d in framework.dimensions if d.questions_in(answers.question_set)]
    dump_answers(answers, path)  # the respondent exists in the file from the start
    answered_now = 0
    say(f"{framework.title} {framework.version}: {total} questions in {len(dims)} dimensions. {HELP}.")
    if excluded:
        skipped = sum(1 for _, q in framework.iter_questions(answers.question_set) if q.id in excluded)
        if skipped:
            say(f"{skipped} questions do not apply in this file's context and are not asked.")
    for dim_no, dim in enumerate(dims, start=1):
        open_qs: list[Question] = [
            q
            for q in dim.questions_in(answers.question_set)
            if q.id not in excluded and (revise or q.id not in respondent.answers)
        ]
        if not open_qs:
            continue
        say("")
        say(f"== Dimension {dim_no}/{len(dims)}: {dim.title} ==")
        if dim.description:
            say(dim.description)
        for q in open_qs:
            done = sum(1 for _, qq in questions if qq.id in respondent.answers)
            say("")
            say(f"[{done}/{total} answered] {q.text}")
            if q.guidance:
                say(f"  A full yes: {q.guidance}")
            current = respondent.answers.get(q.id)
            while True:
                prompt = "Answer" + (f" [{current.answer}]" if current else "")
                reply = ask(prompt)
                if reply is None:
                    return SurveyOutcome(answered_now, _remaining(respondent, questions), True)
                if not reply.strip() and current:
                    parsed: tuple[str, str] | None = ("skip", "")
                else:
                    parsed = parse_reply(reply)
                if parsed is None:
                    say(f"  Not understood. {HELP}.")
                    continue
                break
            key, comment = parsed
            if key == "quit":
                return SurveyOutcome(answered_now, _remaining(respondent, questions), True)
            if key == "skip":
                continue
            evidence = current.evidence if current else []
            kept = comment or (current.comment if current else "")
            respondent.answers[q.id] = Answer.model_validate(
                {"answer": key, "comment": kept, "evidence": evidence}
            )
            dump_answers(answers, path)
            answered_now += 1
    return SurveyOutcome(answered_now, _remaining(respondent, questions), False)


def _remaining(respondent: Respondent, questions: Sequence[tuple[object, Question]]) -> int:
    return sum(1 for _, q in questions if q.id not in respondent.answers)
