"""Errors raised by the library.

Every error a user can cause (a broken file, an unknown id, a bad answer) is a
:class:`ScorecardError`. The CLI and the web app print its message and exit or answer
with a 4xx; nothing else is expected to reach a user.
"""

from __future__ import annotations

__all__ = [
    "AnswersError",
    "ConflictError",
    "FrameworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ScorecardError",
]


class ScorecardError(Exception):
    """A problem the user can fix, with the file and the place it concerns.

    ``problems`` holds one line per problem; ``str(error)`` joins them, each prefixed
    with the source file so that a message can be read on its own.
    """

    def __init__(self, problems: str | list[str], *, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + problem for problem in self.problems)


class FrameworkError(ScorecardError):
    """A framework file or reference that cannot be used."""


class AnswersError(ScorecardError):
    """An answers file that cannot be read or does not fit its framework."""


class NotFoundError(ScorecardError):
    """An id or token that does not exist (or is no longer valid)."""


class ConflictError(ScorecardError):
    """A change that clashes with the current state (closed assessment, stale revision, duplicate)."""


class PermissionDeniedError(ScorecardError):
    """The caller may not do this."""


class RateLimitedError(ScorecardError):
    """Too many attempts; try again later (``retry_after`` seconds, when known)."""

    def __init__(
        self, problems: str | list[str], *, retry_after: int | None = None, source: str | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(problems, source=source)
