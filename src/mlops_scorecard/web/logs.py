"""Keep respondents' tokens out of log files.

The token in ``/r/<token>/...`` and ``/join/<token>`` is the respondent's only credential:
whoever reads an access log line with it can answer in their name. A filter on the
loggers that write request paths (uvicorn's access and error logs, the app's own)
replaces it with ``…`` before any handler formats the record.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["LOGGERS", "TokenRedactor", "redact", "redact_tokens_in_logs"]

#: The loggers whose records may carry request paths.
LOGGERS = ("uvicorn.access", "uvicorn.error", "mlops_scorecard.web")

_TOKEN_PATH = re.compile(r"(/(?:r|join)/)[^/?#\s\"']+")


def redact(text: str) -> str:
    """``text`` with the token of every ``/r/<token>`` and ``/join/<token>`` path replaced."""
    return _TOKEN_PATH.sub(r"\1…", text)


def _redact_arg(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class TokenRedactor(logging.Filter):
    """Rewrites a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        return True


def redact_tokens_in_logs() -> None:
    """Add the filter to every logger in :data:`LOGGERS` (once, however many apps are made).

    Logger filters see only records logged on that logger itself, which is why each
    logger that writes paths gets its own.
    """
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactor) for f in logger.filters):
            logger.addFilter(TokenRedactor())
