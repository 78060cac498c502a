"""Answers for the demo organization that read like a real team's: people who work
together mostly agree, and disagree on a few questions, the ones a calibration meeting
would talk through.

A team has a latent maturity per dimension (``levels``, 0-1) and, per question, a
lasting offset from it (``offsets``: some practices are further along than their
dimension). Each respondent sees the question's level with a little noise and a small
personal lean, so Krippendorff's alpha comes out high (0.7-0.9 over a team's answers,
about 0.8 typically) and the scores follow the levels. On the first ``split`` question
leadership and product say "yes" where the practitioners say "no" (the role gap shows
there); on each other one a single person stands apart from the rest. Those are the
hotspots. Made up and seeded, like the rest
of the demo; ``example_answers`` stays the sample for files and tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from ..answers import Answer, AnswerSet, Respondent
from ..framework import Framework

__all__ = ["question_offsets", "split_questions", "team_answers"]

#: Thresholds of the three answers on the perceived level (0-1).
_YES, _PARTLY = 0.62, 0.34
#: How far one person's view of a question strays (sd), and their lean over all of them.
_NOISE, _LEAN = 0.03, 0.02
#: Roles that see a split question as further along than practitioners do.
_OPTIMISTS = {"leadership", "product"}

_COMMENTS = {
    "yes": [
        "In place for all our production models.",
        "Automated in CI since last quarter.",
        "Documented in the team wiki and followed.",
    ],
    "partly": [
        "Only for the two oldest models.",
        "We do it, but by hand and not every time.",
        "Exists on paper; not enforced.",
        "Started this quarter; half the pipelines have it.",
    ],
    "no": [
        "Not yet; on the roadmap for next quarter.",
        "Nobody owns this today.",
        "We rely on people noticing problems.",
    ],
    "unknown": ["Not sure who handles this.", "Platform team would know."],
    "na": ["We have no models in production yet for this."],
}


def question_offsets(framework: Framework, rng: random.Random) -> dict[str, float]:
    """A team's lasting offset of each core question from its dimension's level."""
    return {q.id: rng.gauss(0.0, 0.3) for _, q in framework.iter_questions("core")}


def split_questions(framework: Framework, rng: random.Random, count: int = 3) -> list[str]:
    """``count`` questions of the core set on which the team will be split."""
    ids = [q.id for _, q in framework.iter_questions("core")]
    return rng.sample(ids, min(count, len(ids)))


def team_answers(
    framework: Framework,
    *,
    rng: random.Random,
    levels: Mapping[str, float],
    offsets: Mapping[str, float],
    people: Sequence[tuple[str, str]],
    split: Sequence[str] = (),
    unit: str,
    date: dt.date,
) -> AnswerSet:
    """The answers of ``people`` (name, role) of a team at ``levels`` (dimension id -> 0-1)
    to the core questions; see the module's description."""
    respondents = []
    # the first split question divides the team by role; on the others one person
    # (a different one each time) sees it quite otherwise than the rest
    dissenters = {qid: rng.randrange(len(people)) for qid in split[1:]} if people else {}
    for i, (name, role) in enumerate(people):
        lean = rng.gauss(0.0, _LEAN)
        answers: dict[str, Answer] = {}
        for dim, q in framework.iter_questions("core"):
            roll = rng.random()
            if roll < 0.03:
                key = "unknown"
            elif roll < 0.045:
                key = "na"
            else:
                seen = levels.get(dim.id, 0.5) + offsets.get(q.id, 0.0) + lean + rng.gauss(0.0, _NOISE)
                if split and q.id == split[0]:  # one side says "yes", the other "no"
                    seen = max(seen, _YES + 0.1) if role in _OPTIMISTS else min(seen, _PARTLY - 0.1)
                elif dissenters.get(q.id) == i:
                    seen = _PARTLY - 0.1 if seen > 0.5 else _YES + 0.1
                key = "yes" if seen > _YES else "partly" if seen > _PARTLY else "no"
            comment = rng.choice(_COMMENTS[key]) if rng.random() < 0.2 else ""
            answers[q.id] = Answer(answer=key, comment=comment)
        respondents.append(Respondent(name=name, role=role, answers=answers))
    return AnswerSet(
        framework=framework.ref,
        question_set="core",
        unit=unit,
        title=f"{unit}: MLOps assessment",
        date=date,
        respondents=respondents,
    )
