"""Frameworks: the questionnaire as versioned data.

:mod:`.models` says what a framework holds and validates it; :mod:`.loading` reads
files and finds built-in frameworks; :mod:`.risk` parses the risk rules of
multiple-choice questions; :mod:`.profiles` applies an assessment's context answers; :mod:`.choices` turns
selected choices into an answer key.
"""

from __future__ import annotations

from .choices import ChoiceAnswer, answer_for_choices, choice_problems
from .loading import (
    builtin_frameworks,
    get_framework,
    load_framework,
    names_a_file,
    newest_builtin,
    parse_framework,
)
from .models import (
    ANSWER_KEYS,
    CHANGE_KINDS,
    DEFAULT_SCALE,
    NO_VALUE_KEYS,
    QUESTION_SETS,
    RISK_ANSWER,
    VALUED_KEYS,
    AnswerKey,
    ChangeKind,
    Choice,
    Dimension,
    Framework,
    Level,
    ProfileOption,
    ProfileQuestion,
    Question,
    QuestionChange,
    QuestionSet,
    Risk,
    RiskRule,
    ScaleChoice,
    Source,
)

__all__ = [
    "ANSWER_KEYS",
    "CHANGE_KINDS",
    "DEFAULT_SCALE",
    "NO_VALUE_KEYS",
    "QUESTION_SETS",
    "RISK_ANSWER",
    "VALUED_KEYS",
    "AnswerKey",
    "ChangeKind",
    "Choice",
    "ChoiceAnswer",
    "Dimension",
    "Framework",
    "Level",
    "ProfileOption",
    "ProfileQuestion",
    "Question",
    "QuestionChange",
    "QuestionSet",
    "Risk",
    "RiskRule",
    "ScaleChoice",
    "Source",
    "answer_for_choices",
    "builtin_frameworks",
    "choice_problems",
    "get_framework",
    "load_framework",
    "names_a_file",
    "newest_builtin",
    "parse_framework",
]
