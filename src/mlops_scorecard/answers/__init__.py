"""Answers files: one assessment's respondents and their answers.

See ``docs/answers-format.md``. An answers file names its framework (``id`` or
``id@version``) and question set; :func:`load_assessment` reads it, finds the
framework and checks every answer against it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..datafiles import (
    MAX_CONTAINERS,
    atomic_write_text,
    check_plain_tree,
    collector_paused,
    may_hold_bad_text,
    parse_plain_document,
    read_file_bytes,
)
from ..errors import AnswersError, FrameworkError, ScorecardError
from ..framework import Framework, answer_for_choices, choice_problems, get_framework, names_a_file
from ..framework.profiles import check_profile
from ..problems import place_lines, validation_problems
from .models import Answer, AnswerSet, Respondent
from .validation import fast_answer_set

__all__ = [
    "MAX_CONTAINERS_PER_LOCAL_FILE",
    "MAX_LOCAL_FILE_BYTES",
    "MAX_RESPONDENTS_PER_FILE",
    "MAX_RESPONDENTS_PER_LOCAL_FILE",
    "Answer",
    "AnswerSet",
    "Respondent",
    "check_answers",
    "dump_answers",
    "duplicates",
    "framework_for",
    "framework_reference",
    "load_answers",
    "load_assessment",
    "parse_answers",
    "profile_problems",
    "read_answers",
]

log = logging.getLogger(__name__)

#: Respondents one answers file may hold (the web service's
#: ``MLOPS_SCORECARD_MAX_RESPONDENTS_PER_FILE`` can change it for uploads).
MAX_RESPONDENTS_PER_FILE = 5000
#: The same for a file read from disk by the CLI or the library: it is the user's own
#: file, not an upload, and large surveys are scored locally; the reader's other limits
#: (aliases, nesting, size) still hold.
MAX_RESPONDENTS_PER_LOCAL_FILE = 200_000
#: A local file of that many respondents is some 550 MB of JSON (48 answers each, with
#: comments) and holds about fifty mappings per respondent: the local limits on bytes and
#: containers follow from the respondents', so a file within one is within the others.
MAX_LOCAL_FILE_BYTES = 1024 * 1024 * 1024
MAX_CONTAINERS_PER_LOCAL_FILE = 60 * MAX_RESPONDENTS_PER_LOCAL_FILE


def parse_answers(data: Any, *, source: str = "<answers>", text: str | None = None) -> AnswerSet:
    """Validate already-parsed answers data (the file's structure, not the framework)."""
    if not isinstance(data, dict):
        raise AnswersError(
            "an answers file must be a mapping with framework, question_set and respondents",
            source=source,
        )
    return _validated(data, fast_answer_set(data), source=source, text=text)


def _validated(data: dict[str, Any], fast: AnswerSet | None, *, source: str, text: str | None) -> AnswerSet:
    """``fast`` (the one-pass result) or else what the models make of ``data``, with
    their messages; then the checks across respondents."""
    try:
        answers = AnswerSet.model_validate(data) if fast is None else fast
    except ValidationError as exc:
        raise AnswersError(validation_problems(exc, data, text), source=source) from None
    dupes = duplicates(r.name for r in answers.respondents if r.name)
    if dupes:
        raise AnswersError(
            f"respondents: duplicate name {', '.join(map(repr, sorted(dupes)))}", source=source
        )
    return answers


def duplicates(names: Iterable[str]) -> list[str]:
    """The names that occur more than once, in one pass (a file may name thousands)."""
    return [name for name, count in Counter(names).items() if count > 1]


def read_answers(
    content: bytes | str,
    *,
    source: str,
    as_json: bool = False,
    max_respondents: int = MAX_RESPONDENTS_PER_FILE,
    max_containers: int = MAX_CONTAINERS,
) -> AnswerSet:
    """Read the text of an answers file (YAML or JSON): the one reader of every path.

    Uploads, the API import and the CLI all come here, so they share the limits: no YAML
    aliases, bounded nesting and size (``parse_plain_document``), at most
    ``max_respondents`` respondents (counted before they are validated), and no text a
    database cannot store. Nothing here touches a database, so callers read and validate
    before they open a write transaction. Does not check the answers against a framework.
    """
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnswersError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source) from None
    else:
        text = content.removeprefix("\ufeff")
    if not text or text.isspace():  # not strip(): that copies a file of 100 MB
        raise AnswersError("the file is empty (choose an answers file)", source=source)
    # the one-pass validation also does the tree checks; only when it cannot tell does
    # the whole tree get its own walk, before anything else, as for any plain document
    with collector_paused():
        data = parse_plain_document(
            text,
            source=source,
            as_json=as_json,
            error=AnswersError,
            check_tree=False,
            max_containers=max_containers,
        )
        people = data.get("respondents") if isinstance(data, dict) else None
        too_many = isinstance(people, list) and len(people) > max_respondents
        texts = may_hold_bad_text(text, as_json=as_json, decoded=isinstance(content, bytes))
        fast = (
            None
            if too_many or not isinstance(data, dict)
            else fast_answer_set(data, texts=texts, max_containers=max_containers)
        )
    if fast is None:
        check_plain_tree(data, source=source, error=AnswersError, texts=texts, max_containers=max_containers)
    if isinstance(people, list) and too_many:
        raise AnswersError(
            f"respondents: the file holds {len(people):,} respondents; the limit is "
            f"{max_respondents:,} per file (split the file, or raise MLOPS_SCORECARD_MAX_RESPONDENTS_PER_FILE)",
            source=source,
        )
    if not isinstance(data, dict):
        return parse_answers(data, source=source)  # which says what the file must be
    answers = _validated(data, fast, source=source, text=text)
    log.debug("%s: read %d respondents", source, len(answers.respondents))
    return answers


def load_answers(path: str | Path) -> AnswerSet:
    """Read an answers file (YAML or JSON) without checking it against a framework."""
    return read_answers(
        read_file_bytes(path, error=AnswersError, max_bytes=MAX_LOCAL_FILE_BYTES),
        source=str(path),
        as_json=str(path).lower().endswith(".json"),
        max_respondents=MAX_RESPONDENTS_PER_LOCAL_FILE,
        max_containers=MAX_CONTAINERS_PER_LOCAL_FILE,
    )


def check_answers(
    answers: AnswerSet, framework: Framework, *, source: str | None = None, text: str | None = None
) -> list[str]:
    """Raise :class:`AnswersError` listing every answer that does not fit ``framework``;
    answer the notes worth a warning.

    Unknown question ids, questions outside the chosen set, keys off the framework's
    scale, unknown choices, and a framework id or version that differs from the file's
    are errors, as is a ``profile`` context question or option the framework does not
    have; an unanswered question is not. An answer given by choices gets the key
    its choices give (:func:`~mlops_scorecard.framework.answer_for_choices`), in place:
    the answer set then scores; a key given with choices that differs from theirs is
    replaced, with a note, as is a selection no risk rule covers. ``text``, the file's
    text, puts the line before each problem it can place.
    """
    problems: list[str] = []
    off_scale: list[str] = []
    notes: list[str] = []
    fid, _, version = answers.framework.partition("@")
    if fid != framework.id:
        problems.append(f"framework: the file is for {fid!r}, not {framework.id!r}")
    elif version and version != framework.version:
        problems.append(
            f"framework: the file is for version {version!r}, but {framework.id} is {framework.version!r}"
        )
    problems += profile_problems(answers.profile, framework)
    in_set = {q.id for _, q in framework.iter_questions(answers.question_set)}
    keys = set(framework.scale_keys)
    key, choices, no_choices = attrgetter("answer"), attrgetter("choices"), {None}
    derived: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
    for i, r in enumerate(answers.respondents):
        # set operations over C-level maps find the rare respondent that needs a closer look
        given = r.answers.values()
        if (
            in_set.issuperset(r.answers)
            and keys.issuperset(map(key, given))
            and no_choices >= set(map(choices, given))
        ):
            continue
        who = f"respondents[{i}] ({answers.respondent_label(i)})"
        for qid, a in list(r.answers.items()):
            found = framework.question(qid)
            if a.choices is None and a.answer not in framework.answer_keys:
                # a key no scale of this framework has: what the models said of any key
                # once, so it goes first, and alone, as their problems did
                use = ", ".join(framework.scale_keys)
                off_scale.append(f"{who}.answers.{qid}.answer: unknown answer key (use {use})")
            elif found is None:
                problems.append(f"{who}: answer to {qid!r}: unknown question id")
            elif qid not in in_set:
                problems.append(
                    f"{who}: answer to {qid!r}: question is not in the {answers.question_set!r} set"
                    " (use question_set: full)"
                )
            elif a.choices is not None:
                wrong = choice_problems(found[1], a.choices)
                if wrong:
                    problems += [f"{who}.answers.{qid}.choices: {p}" for p in wrong]
                    continue
                pair = (qid, a.choices)
                if pair not in derived:
                    got = answer_for_choices(framework, found[1], a.choices)
                    derived[pair] = (got.key, got.note)
                wanted, note = derived[pair]
                if note:
                    notes.append(f"{who}: {note}")
                if a.answer and a.answer != wanted:
                    notes.append(
                        f"{who}: answer to {qid!r}: {a.answer!r} replaced by {wanted!r}, the answer its choices give"
                    )
                if a.answer != wanted:
                    r.answers[qid] = a.model_copy(update={"answer": wanted})
            elif a.answer not in keys:
                problems.append(f"{who}: answer to {qid!r}: {a.answer!r} is not on this framework's scale")
        if len(problems) + len(off_scale) > 50:
            problems.append("... stopped after 50 problems")
            break
    if off_scale:
        problems = off_scale
    if problems:
        if text:
            # the places of answers' fields (``respondents[1] (Bob).answers.q.answer``), as
            # the models name them; a respondent's place alone would be too vague a line
            problems = [
                place_lines([p], text)[0] if ").answers." in p.split(": ", 1)[0] else p for p in problems
            ]
        raise AnswersError(problems, source=source)
    return notes


def profile_problems(profile: dict[str, str], framework: Framework) -> list[str]:
    """What is wrong with an answers file's ``profile`` for ``framework`` (each problem
    names ``profile.<question>`` and what the framework allows); empty when it fits."""
    if not profile:
        return []
    if not framework.profile:
        return [f"profile: {framework.ref} has no context questions (leave profile out)"]
    try:
        check_profile(framework, profile)
    except FrameworkError as exc:
        return list(exc.problems)
    return []


def load_assessment(path: str | Path, framework: Framework | None = None) -> tuple[Framework, AnswerSet]:
    """Read an answers file, find its framework (unless given) and check the answers."""
    answers = load_answers(path)
    if framework is None:
        framework = framework_for(answers, path)
    # a framework file is the framework: its id and version are the ones to check
    # against (the answers keep naming the file, so that they still find it)
    named = (
        answers.model_copy(update={"framework": framework.ref})
        if names_a_file(answers.framework)
        else answers
    )
    try:
        notes = check_answers(named, framework, source=str(path))
    except AnswersError:
        # the error path only: read the text again to name the line of each problem
        text = read_file_bytes(path, error=AnswersError, max_bytes=MAX_LOCAL_FILE_BYTES).decode("utf-8-sig")
        check_answers(named, framework, source=str(path), text=text)
        raise
    for note in notes:
        log.warning("%s: %s", path, note)
    return framework, answers


def framework_for(answers: AnswerSet, path: str | Path) -> Framework:
    """The framework an answers file at ``path`` names: a built-in ``id@version``, or
    a framework file, found beside the answers file (as a relative path is written)."""
    ref = answers.framework
    if names_a_file(ref) and not Path(ref).is_absolute():
        beside = Path(path).parent / ref
        ref = str(beside) if beside.is_file() else ref
    try:
        return get_framework(ref)
    except ScorecardError as exc:
        raise AnswersError(f"framework: {exc}", source=str(path)) from None


def framework_reference(framework: str, answers_path: str | Path) -> str:
    """What an answers file at ``answers_path`` writes for the framework option
    ``framework``: a framework file as its path relative to the answers file (so the
    two can move together), anything else as given."""
    if not names_a_file(framework):
        return framework
    return os.path.relpath(Path(framework).resolve(), Path(answers_path).resolve().parent)


def dump_answers(answers: AnswerSet, path: str | Path) -> None:
    """Write an answers file atomically; ``.json`` gives JSON, anything else YAML."""
    data = answers.to_data()
    if str(path).lower().endswith(".json"):
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    atomic_write_text(path, text)
