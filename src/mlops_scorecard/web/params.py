"""Whole numbers from URLs and forms, read in one place.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()`` then refuses (a 500),
and ``int()`` accepts Arabic-Indic digits, signs, underscores and spaces; an id is none of
these. Every route that takes a number from a path, a query string or a form comes here.
"""

from __future__ import annotations

from ..errors import NotFoundError

__all__ = ["MAX_ID", "parse_id", "whole_number"]

#: PostgreSQL's ``integer``: a larger id would be a database error, not a 404.
MAX_ID = 2**31 - 1


def whole_number(text: str, *, maximum: int = MAX_ID) -> int | None:
    """``text`` as an int when it is ASCII digits only and at most ``maximum``; else ``None``."""
    if not text or len(text) > len(str(maximum)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= maximum else None


def parse_id(value: str, what: str) -> int:
    """A positive integer id from a URL, or :class:`NotFoundError` naming ``what``."""
    number = whole_number(value)
    if not number:
        raise NotFoundError(f"no {what} {value[:40]!r}")
    return number
