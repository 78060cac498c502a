"""Reading an AWS Well-Architected custom lens: the JSON text and its typed fields.

Real lenses deviate from AWS's "Lens format specification" (``docs/framework-format.md``,
"Importing an AWS lens"): a bare ``NaN`` where a text belongs, a byte-order mark, a
``Url`` key spelt with a capital, HTML entities (``&amp;``) in a text that AWS's
console shows decoded. :func:`parse_lens_json` reads the text leniently and
:class:`Fields` reads each field with the place it came from, so that a problem names
the pillar, question and field, and a leniency is reported as a warning.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..datafiles import check_plain_tree, may_hold_bad_text
from ..errors import FrameworkError

__all__ = ["MAX_LENS_BYTES", "BareConstant", "Fields", "Problems", "decode_entities", "parse_lens_json"]

#: A lens may be at most this large: four times AWS's own limit (500 KB), so that any
#: lens AWS accepts imports, and an upload cannot make the server parse a huge file.
MAX_LENS_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class BareConstant:
    """A bare ``NaN``, ``Infinity`` or ``-Infinity`` in the JSON (not standard JSON)."""

    name: str


@dataclass
class Problems:
    """The problems and warnings found so far; problems are raised together at the end."""

    source: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, place: str, message: str) -> None:
        """Note a problem at ``place``."""
        self.errors.append(f"{place}: {message}" if place else message)

    def warn(self, place: str, message: str) -> None:
        """Note a leniency at ``place``."""
        self.warnings.append(f"{place}: {message}" if place else message)

    def raise_if_any(self) -> None:
        """Raise :class:`FrameworkError` with every problem noted, if there is one."""
        if self.errors:
            shown = self.errors[:20]
            if len(self.errors) > 20:
                more = len(self.errors) - 20
                shown.append(f"... and {more} more problem{'' if more == 1 else 's'}")
            raise FrameworkError(shown, source=self.source)


def parse_lens_json(text: str | bytes, *, source: str) -> Any:
    """The parsed lens; raises :class:`FrameworkError` for a file that is too large,
    not UTF-8, not JSON (with line and column) or holds text no database can store.

    A byte-order mark is dropped; bare ``NaN``/``Infinity`` become :class:`BareConstant`
    values, never floats, so that a text field cannot silently hold a number.
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_LENS_BYTES:
        raise FrameworkError(
            f"the lens is {size / 1e6:.1f} MB; a lens may be at most {MAX_LENS_BYTES // (1024 * 1024)} MiB "
            "(AWS accepts at most 500 KB)",
            source=source,
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FrameworkError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source
            ) from None
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_constant=BareConstant)
    except json.JSONDecodeError as exc:
        raise FrameworkError(
            f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}", source=source
        ) from None
    except RecursionError:
        raise FrameworkError("the file is nested too deeply to be a lens", source=source) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise FrameworkError(f"invalid JSON: {exc}", source=source) from None
    # a lens is 11 levels deep at most (lens, pillars, questions, choices, resources)
    check_plain_tree(
        data, source=source, error=FrameworkError, max_depth=16, texts=may_hold_bad_text(text, as_json=True)
    )
    return data


#: An HTML entity with its semicolon: ``&amp;``, ``&#39;``, ``&#x2019;``. Without the
#: semicolon (``&not``, ``&copy``) html.unescape would also decode words in plain text
#: such as "a&notation", so only complete entities are decoded.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """``text`` with its HTML entities decoded (``&amp;`` is ``&``); other text as is."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


_TYPE_NAMES = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping"}


def type_name(value: Any) -> str:
    """What a JSON value is, for a message."""
    if value is None:
        return "null"
    if isinstance(value, BareConstant):
        return f"a bare {value.name}"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class Fields:
    """Typed reads of one JSON object's fields, each problem named with ``place``."""

    def __init__(self, problems: Problems, place: str, obj: dict[str, Any]) -> None:
        self.problems = problems
        self.place = place
        self.obj = obj

    def at(self, key: str) -> str:
        """The place of field ``key``."""
        return f"{self.place}.{key}" if self.place else key

    def text(
        self, key: str, *, required: bool = False, lenient_nan: bool = True, entities: bool = True
    ) -> str | None:
        """A text field; ``None`` when it is missing or wrong (a problem is noted).

        A bare ``NaN`` (seen in a published lens) is read as empty text with a warning;
        HTML entities are decoded (:func:`decode_entities`) unless ``entities`` is false
        (ids are taken as written).
        """
        if key not in self.obj or self.obj[key] is None:
            if required:
                self.problems.error(self.at(key), "required field is missing")
                return None
            return ""
        value = self.obj[key]
        if isinstance(value, str):
            return decode_entities(value).strip() if entities else value.strip()
        if isinstance(value, BareConstant) and lenient_nan:
            self.problems.warn(self.at(key), f"a bare {value.name} in the JSON, not text; read as empty")
            return ""
        self.problems.error(self.at(key), f"must be text, not {type_name(value)}")
        return None

    def ident(self, what: str) -> str | None:
        """The object's ``id`` (text, not empty); ``None`` when it is missing or wrong."""
        value = self.text("id", required=True, lenient_nan=False, entities=False)
        if value is not None and not value:
            self.problems.error(self.at("id"), f"the {what} id is empty")
            return None
        return value

    def items(self, key: str, *, required: bool = True) -> list[Any]:
        """A list field (empty when missing and not required)."""
        value = self.obj.get(key)
        if value is None:
            if required:
                self.problems.error(self.at(key), "required field is missing")
            return []
        if not isinstance(value, list):
            self.problems.error(self.at(key), f"must be a list, not {type_name(value)}")
            return []
        return value

    def mapping(self, key: str) -> dict[str, Any] | None:
        """An optional object field; ``None`` when missing or wrong (a problem is noted)."""
        value = self.obj.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problems.error(self.at(key), f"must be a mapping, not {type_name(value)}")
            return None
        return value
