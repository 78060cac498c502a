"""User-provided text made safe for the exports people open elsewhere: CSV and Markdown.

Owners, notes, comments, names, unit and assessment titles, and the text of imported
frameworks are typed by people other than the reader. In a spreadsheet, a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
(CSV injection); in a Markdown viewer, raw HTML, a heading or a ``javascript:`` link
would be rendered. Both are neutralized here, as OWASP recommends, in one place that
every CSV and Markdown export uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["csv_cell", "csv_row", "is_web_link", "md_escape", "md_link"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain number ("-3", "-0.25") is no formula: left as it is, so numbers stay numbers.
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading single
    quote (the spreadsheet shows the text as typed); numbers and other text are kept.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row of :func:`csv_cell` cells, for ``csv.writer.writerow``."""
    return [csv_cell(v) for v in values]


#: Markdown and HTML metacharacters: emphasis, code, links and images, raw HTML and
#: entities, tables, headings, strikethrough and fences. A backslash escape is valid
#: before any ASCII punctuation, so escaping one too many only costs a character.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~&!"})
#: What starts a block (a list item, a numbered item, a quote) when it opens a line or
#: follows a list marker of the template ("- {text}").
_BLOCK_START = re.compile(r"^([-+]|\d+(?=[.)]))")


def md_escape(text: object) -> str:
    """Text safe in a Markdown paragraph, list item or table cell: one line, specials escaped.

    Raw HTML stays text (``<`` is escaped), so do headings, links and images (``#``,
    ``[`` and ``]``): a ``javascript:`` or other link cannot be planted, and the only
    links left are the bare ``http(s)`` URLs that some renderers link by themselves.
    """
    line = " ".join(str(text).translate(_MD_SPECIAL).split())
    return _BLOCK_START.sub(lambda m: m.group(0) + "\\" if m.group(0).isdigit() else "\\" + m.group(0), line)


_WEB_LINK = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


def is_web_link(text: str) -> bool:
    """Whether text is a plain http(s) URL that is safe to turn into a link.

    Anything else (``javascript:``, ``data:``, ``file:``, text with spaces) stays text,
    so that a respondent cannot plant a script or a local-file link in a report.
    """
    return _WEB_LINK.fullmatch(text.strip()) is not None


def md_link(text: str) -> str:
    """A Markdown autolink for a web URL; escaped text for anything else."""
    return f"<{text.strip()}>" if is_web_link(text) else md_escape(text)
