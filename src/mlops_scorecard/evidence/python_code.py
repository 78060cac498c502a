"""What Python code imports and calls, from its syntax tree (``ast``), so that comments
and strings never count; and the code cells of notebooks.

OWNER: helper A1 (interface fixed; fill in the bodies).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Call", "CodeFacts", "notebook_facts", "python_facts"]


@dataclass(frozen=True)
class Call:
    """A call: its dotted ``name`` (aliases resolved, see :class:`CodeFacts`), its line,
    the number of positional arguments, and the keyword arguments given a literal
    constant other than ``None`` (``random_state=42``)."""

    name: str
    line: int
    positional: int = 0
    constant_keywords: tuple[str, ...] = ()


@dataclass
class CodeFacts:
    """Imports (full module names) and calls (dotted names with import aliases resolved:
    ``import numpy as np; np.random.seed(1)`` is ``numpy.random.seed``;
    ``from mlflow import log_metric; log_metric(...)`` is ``mlflow.log_metric``), with the
    1-based line of the file each is on. A method call on an object (``client.log_model``)
    is kept as ``*.log_model``. ``error`` says why the code could not be parsed."""

    imports: list[tuple[str, int]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    error: str | None = None


def python_facts(text: str) -> CodeFacts:
    """The imports and calls of a Python source file."""
    raise NotImplementedError


def notebook_facts(text: str) -> CodeFacts:
    """The imports and calls of a Jupyter notebook's code cells (markdown and raw cells,
    and IPython magics and shell lines, never count); lines are those of the ``.ipynb``
    file where the source line appears."""
    raise NotImplementedError
