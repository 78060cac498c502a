"""mlops-scorecard: measure how far an organization has come in MLOps.

The public API is re-exported here lazily, so that ``import mlops_scorecard`` (and
the CLI's ``--help``) stays fast: numpy, pydantic and matplotlib load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Framework": "framework",
    "load_framework": "framework",
    "get_framework": "framework",
    "builtin_frameworks": "framework",
    "AnswerSet": "answers",
    "load_answers": "answers",
    "load_assessment": "answers",
    "dump_answers": "answers",
    "score": "scoring",
    "ScoreResult": "scoring",
    "ScorecardError": "errors",
    "example_answers": "example",
}

__all__ = [
    "AnswerSet",
    "Framework",
    "ScoreResult",
    "ScorecardError",
    "__version__",
    "builtin_frameworks",
    "dump_answers",
    "example_answers",
    "get_framework",
    "load_answers",
    "load_assessment",
    "load_framework",
    "score",
]

if TYPE_CHECKING:
    from .answers import AnswerSet, dump_answers, load_answers, load_assessment
    from .errors import ScorecardError
    from .example import example_answers
    from .framework import Framework, builtin_frameworks, get_framework, load_framework
    from .scoring import ScoreResult, score


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mlops_scorecard' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
