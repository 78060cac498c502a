"""Frameworks: the questionnaire as versioned data.

:mod:`.models` says what a framework holds and validates it; :mod:`.loading` reads
files and finds built-in frameworks; :mod:`.risk` parses the risk rules of
multiple-choice questions; :mod:`.profiles` applies an assessment's context answers;
:mod:`.versions` maps one version's questions onto another's and :mod:`.diff` lists
what changed between two versions; :mod:`.extends` resolves a framework that builds on
another; :mod:`.choices` turns selected choices into an answer key.
"""

from __future__ import annotations

from .choices import ChoiceAnswer, answer_for_choices, choice_problems
from .diff import DimensionChange, FrameworkDiff, QuestionDiff, diff
from .extends import Lookup, is_patch, standalone_document
from .loading import (
    builtin_frameworks,
    builtin_lookup,
    get_framework,
    load_framework,
    names_a_file,
    newest_builtin,
    parse_framework,
    parse_framework_text,
    version_key,
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
from .versions import (
    Link,
    VersionMapping,
    declared_mapping,
    identity_mapping,
    version_mapping,
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
    "DimensionChange",
    "Framework",
    "FrameworkDiff",
    "Level",
    "Link",
    "Lookup",
    "ProfileOption",
    "ProfileQuestion",
    "Question",
    "QuestionChange",
    "QuestionDiff",
    "QuestionSet",
    "Risk",
    "RiskRule",
    "ScaleChoice",
    "Source",
    "VersionMapping",
    "answer_for_choices",
    "builtin_frameworks",
    "builtin_lookup",
    "choice_problems",
    "declared_mapping",
    "diff",
    "get_framework",
    "identity_mapping",
    "is_patch",
    "load_framework",
    "names_a_file",
    "newest_builtin",
    "parse_framework",
    "parse_framework_text",
    "standalone_document",
    "version_key",
    "version_mapping",
]
