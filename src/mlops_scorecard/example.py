"""A filled-in sample assessment, for trying the tool and for tests.

The answers are drawn from a seeded random generator around a plausible maturity
profile, so the same call always gives the same file, and the sample stays valid
when the framework's questions change.
"""

from __future__ import annotations

import datetime as dt
import random

from .answers import Answer, AnswerSet, Respondent
from .framework import Framework, QuestionSet

__all__ = ["example_answers"]

#: Probability of a "yes"-ish answer per dimension: a team strong on model
#: development, weak on monitoring and continuous improvement.
_PROFILE = {
    "governance": 0.55,
    "data-management": 0.6,
    "model-development": 0.75,
    "deployment": 0.5,
    "monitoring": 0.3,
    "continuous-improvement": 0.25,
}

_PEOPLE = [
    ("Alex Moreno", "ml-engineer"),
    ("Priya Natarajan", "data-scientist"),
    ("Jonas Weber", "data-engineer"),
    ("Grace Liu", "product"),
    ("Samuel Okafor", "leadership"),
]

_COMMENTS = {
    "yes": ["In place for all our production models.", "Documented in the team wiki and followed."],
    "partly": [
        "Only for the two oldest models.",
        "We do it, but by hand and not every time.",
        "Exists on paper; not enforced.",
    ],
    "no": ["Not yet; on the roadmap for next quarter.", "Nobody owns this today."],
    "unknown": ["Not sure who handles this."],
    "na": ["We have no models in production yet for this."],
}


def example_answers(
    framework: Framework,
    *,
    respondents: int = 4,
    question_set: QuestionSet = "core",
    seed: int = 7,
    unit: str = "Payments ML team",
    date: dt.date | None = None,
    profile: dict[str, float] | None = None,
    people: list[tuple[str, str]] | None = None,
    consensus: bool = False,
) -> AnswerSet:
    """A deterministic sample assessment of ``framework`` with several respondents.

    ``profile`` gives, per dimension id, how likely a "yes"-ish answer is (0-1);
    ``people`` gives ``(name, role)`` pairs to use instead of the built-in ones.
    With ``consensus`` the team shares one level per question and each person's view
    scatters around it, so respondents mostly agree, as real teams do (the sample file
    ``mlops-scorecard example`` writes); without it every answer is drawn on its own
    (tests that want answers with no structure).
    """
    rng = random.Random(seed)
    profile = profile or _PROFILE
    pool = people or _PEOPLE
    shared = {
        q.id: min(0.97, max(0.03, profile.get(dim.id, 0.5) + rng.gauss(0.0, 0.3)))
        for dim, q in framework.iter_questions(question_set)
        if consensus
    }
    # another scale: each draw picks among all its valued keys (worst to best), the
    # lower, middle or upper part for no, partly and yes, so a 1-5 scale uses 2 and 4 too
    valued = sorted(framework.valued_keys, key=lambda k: framework.value_of(k) or 0.0)
    parts = {"no": (0.0, 0.4), "partly": (0.3, 0.7), "yes": (0.6, 1.0)}
    respondents_out = []
    for i in range(respondents):
        name, role = pool[i % len(pool)]
        if i >= len(pool):
            name = f"{name} {i // len(pool) + 1}"
        answers: dict[str, Answer] = {}
        for dim, q in framework.iter_questions(question_set):
            p = profile.get(dim.id, 0.5)
            roll = rng.random()
            if roll < 0.04:
                key = "unknown"
            elif roll < 0.06:
                key = "na"
            elif consensus:
                seen = shared[q.id] + rng.gauss(0.0, 0.1)
                key = "yes" if seen > 0.64 else "partly" if seen > 0.36 else "no"
            else:
                x = rng.random()
                key = "yes" if x < p * 0.8 else "partly" if x < p * 0.8 + 0.3 else "no"
            comment = rng.choice(_COMMENTS[key]) if rng.random() < 0.2 else ""
            if not framework.default_keys and key in parts:
                low, high = parts[key]
                key = valued[min(len(valued) - 1, int(rng.uniform(low, high) * len(valued)))]
            elif key not in framework.scale:
                key = valued[0]  # a no-value key the scale lacks reads as its worst
            answers[q.id] = Answer.model_validate({"answer": key, "comment": comment})
        respondents_out.append(Respondent(name=name, role=role, answers=answers))
    return AnswerSet(
        framework=framework.ref,
        question_set=question_set,
        unit=unit,
        # the built-in framework's samples keep their long-standing title
        title=f"{unit}: {'MLOps assessment' if framework.id == 'mlops-scorecard' else framework.title}",
        date=date or dt.date(2026, 10, 1),
        respondents=respondents_out,
    )
