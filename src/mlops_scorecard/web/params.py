"""Whole numbers and text from URLs and forms, read in one place.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()`` then refuses (a 500),
and ``int()`` accepts Arabic-Indic digits, signs, underscores and spaces; an id is none of
these. Every route that takes a number from a path, a query string or a form comes here.
"""

from __future__ import annotations

from typing import Any

from ..errors import NotFoundError, ScorecardError

__all__ = ["MAX_ID", "form_int", "form_text", "parse_id", "whole_number"]

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


def form_text(form: Any, name: str, default: str = "", max_length: int = 5000) -> str:
    """A text field of a submitted form (``default`` when missing), stripped; a file
    where text belongs or text longer than ``max_length`` is a :class:`ScorecardError`."""
    value = form.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ScorecardError(f"field {name!r} must be text")
    if len(value) > max_length:
        raise ScorecardError(f"field {name!r} is longer than {max_length} characters")
    return value.strip()


def form_int(form: Any, name: str, *, what: str | None = None, required: bool = False) -> int | None:
    """A whole-number field of a submitted form: empty is ``None`` (a
    :class:`ScorecardError` when ``required``), anything but ASCII digits up to
    :data:`MAX_ID` a :class:`ScorecardError`. ``what`` names an id chosen from a list
    (the form's ``<select>``), which is never 0."""
    text = form_text(form, name, max_length=20)
    number = whole_number(text) if text else None
    if what is not None and text and not number:
        raise ScorecardError(f"{what} must be chosen from the list")
    if number is None and (text or required):
        raise ScorecardError(f"field {name!r} must be a whole number")
    return number
