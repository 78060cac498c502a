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
from .format import plural
from .framework import Framework, Question, QuestionSet, answer_for_choices, choice_problems
from .framework.profiles import profile_effect

__all__ = ["SurveyOutcome", "open_survey", "parse_choices", "parse_reply", "run_survey", "survey_help"]

_SHORT = {"y": "yes", "p": "partly", "n": "no", "a": "na", "u": "unknown", "na": "na", "?": "unknown"}
#: Short keys that stay on every scale: not applicable and don't know.
_NO_VALUE_SHORT = {"a": "na", "u": "unknown", "?": "unknown"}
HELP = "y = yes, p = partly, n = no, a = not applicable, u = don't know; add ': comment'; s = skip, q = quit"
CHOICE_HELP = (
    "the numbers (or ids) of every choice that applies, e.g. '1, 3', or a = not applicable, "
    "u = don't know; add ': comment'; s = skip, q = quit"
)


@dataclass
class SurveyOutcome:
    """How a survey session ended: answers given now, questions still open, quit early."""

    answered_now: int
    remaining: int
    quit: bool


def survey_help(framework: Framework | None = None) -> str:
    """What a reply may be: :data:`HELP` on the default scale; on a custom scale, each
    key's number and label."""
    if framework is None or framework.default_keys:
        return HELP
    valued = ", ".join(
        f"{i} = {framework.scale[k].label}"
        for i, k in enumerate(framework.scale_keys, 1)
        if k in framework.valued_keys
    )
    extra = [
        f"{s} = {framework.scale[k].label.lower()}"
        for s, k in (("a", "na"), ("u", "unknown"))
        if k in framework.scale
    ]
    return f"{'; '.join([valued, *extra])} (or the key or label); add ': comment'; s = skip, q = quit"


def parse_reply(reply: str, framework: Framework | None = None) -> tuple[str, str] | None:
    """Read ``"p: only for one model"`` as ``("partly", "only for one model")``.

    On a custom scale (``framework`` not of the default keys) a reply names a key by
    the key itself, its label or its 1-based number in :func:`survey_help`, case
    aside; ``a`` and ``u`` stay not applicable and don't know. Returns ``("skip", "")``
    or ``("quit", "")`` for those commands, ``None`` when the reply is not understood.
    """
    head, _, comment = reply.partition(":")
    key = head.strip().lower()
    if key in ("q", "quit"):
        return ("quit", "")
    if key in ("s", "skip"):
        return ("skip", "")
    if framework is not None and not framework.default_keys:
        keys = framework.scale_keys
        found = framework.key_for(key)
        if found is None and key in _NO_VALUE_SHORT and _NO_VALUE_SHORT[key] in keys:
            found = _NO_VALUE_SHORT[key]
        if found is None and key.isdigit() and 1 <= int(key) <= len(keys):
            found = keys[int(key) - 1]
        return None if found is None else (found, comment.strip())
    key = _SHORT.get(key, key)
    if key in ("yes", "partly", "no", "na", "unknown"):
        return (key, comment.strip())
    return None


def parse_choices(reply: str, question: Question) -> tuple[tuple[str, ...], str] | None:
    """Read ``"1, 3: only in one team"`` as the ids of a multiple-choice question's
    choices 1 and 3 and the comment; choices by number or id; ``None`` when a part is
    neither. The selection is checked later, as an answers file's is."""
    head, _, comment = reply.partition(":")
    ids = [c.id for c in question.choices]
    picked: list[str] = []
    for part in head.replace(",", " ").split():
        if part.isdigit() and 1 <= int(part) <= len(ids):
            picked.append(ids[int(part) - 1])
        elif part in ids:
            picked.append(part)
        else:
            return None
    return (tuple(picked), comment.strip()) if picked else None


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
    help_text = survey_help(framework)
    with_choices = sum(1 for _, q in questions if q.choices)
    if with_choices == total:
        legend = f"Answer with {CHOICE_HELP}"  # a lens: the scale's y/p/n would mislead
    elif with_choices:
        legend = f"Answer with {help_text}; a multiple-choice question with the numbers of its choices"
    else:
        legend = help_text
    say(
        f"{framework.title} {framework.version}: {plural(total, 'question')} in "
        f"{plural(len(dims), 'dimension')}. {legend}."
    )
    if excluded:
        skipped = sum(1 for _, q in framework.iter_questions(answers.question_set) if q.id in excluded)
        if skipped:
            do = "does" if skipped == 1 else "do"
            say(
                f"{plural(skipped, 'question')} {do} not apply in this file's context and {'is' if skipped == 1 else 'are'} not asked."
            )
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
            for n, c in enumerate(q.choices, 1):
                say(f"  {n}. {c.label}" + (f" ({c.description})" if c.description else ""))
            current = respondent.answers.get(q.id)
            wanted = CHOICE_HELP if q.choices else help_text
            while True:
                prompt = "Answer" + (f" [{current.answer}]" if current else "")
                reply = ask(prompt)
                if reply is None:
                    return SurveyOutcome(answered_now, _remaining(respondent, questions), True)
                selected: tuple[str, ...] | None = None
                if not reply.strip() and current:
                    parsed: tuple[str, str] | None = ("skip", "")
                else:
                    parsed = parse_reply(reply, framework)
                    if q.choices and (parsed is None or parsed[0] not in ("quit", "skip", "na", "unknown")):
                        by_choice = parse_choices(reply, q)
                        problems = [] if by_choice is None else choice_problems(q, by_choice[0])
                        if by_choice is not None and not problems:
                            selected = by_choice[0]
                            parsed = (answer_for_choices(framework, q, selected).key, by_choice[1])
                        else:
                            parsed = None
                            if problems:
                                say(f"  {'; '.join(problems)}.")
                if parsed is None:
                    say(f"  Not understood. Answer with {wanted}.")
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
                {"answer": key, "choices": selected, "comment": kept, "evidence": evidence}
            )
            dump_answers(answers, path)
            answered_now += 1
    return SurveyOutcome(answered_now, _remaining(respondent, questions), False)


def _remaining(respondent: Respondent, questions: Sequence[tuple[object, Question]]) -> int:
    return sum(1 for _, q in questions if q.id not in respondent.answers)
