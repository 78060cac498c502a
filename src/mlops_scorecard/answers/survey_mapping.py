"""How survey columns and answer labels are recognised: normalized text, the known
metadata columns of Google and Microsoft Forms, the answer synonyms, and the mapping
file that overrides them (``docs/answers-format.md``, "Mapping file").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..datafiles import parse_plain_document
from ..errors import AnswersError
from ..framework import Framework

__all__ = [
    "COLUMN_ROLES",
    "SYNONYMS",
    "HeaderKeys",
    "SurveyMapping",
    "header_keys",
    "label_table",
    "metadata_role",
    "normalize",
    "read_mapping",
    "unescape_cell",
]

#: What a column can be besides a question: the mapping file's targets.
COLUMN_ROLES = ("name", "role", "email", "ignore")

#: Answer labels other tools and people write, by answer key, normalized (see
#: :func:`normalize`). Used only for the keys the framework's scale has, after the
#: scale's own keys and labels; a mapping file's ``labels`` come first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "yes": ("y", "yes fully", "fully", "true"),
    "partly": ("partially", "partial", "somewhat", "in part", "yes partly"),
    "no": ("n", "not at all", "false"),
    "na": ("n a", "not applicable", "does not apply", "doesnt apply"),
    "unknown": ("dont know", "do not know", "i dont know", "i do not know", "not sure", "unsure", "unknown"),
}

# Metadata columns of the layouts (survey-exports notes): recognised, never imported.
_METADATA = {
    "timestamp",
    "score",
    "id",
    "start time",
    "completion time",
    "last modified time",
    "total points",
    "quiz feedback",
    "grade posted time",
}
_NAMES = {"name", "your name", "full name", "respondent", "respondent name"}
_ROLES = {"role", "your role", "what is your role", "job role"}
_EMAILS = {"email", "email address", "e mail", "your email", "your email address"}
_QUIZ_PREFIX = re.compile(r"^(Points|Feedback) - ", re.IGNORECASE)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_NON_WORD = re.compile(r"[\W_]+")
_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d+(?:\.\d+)*\s*[.):-]\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*\[[^\[\]]*\]\s*")
_GRID = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")
_ID_PREFIX = re.compile(r"^([a-z0-9][a-z0-9._-]*):\s*(.*)$", re.DOTALL)
#: A cell a spreadsheet would run as a formula; :mod:`.csv_io` writes it behind a "'".
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def normalize(text: str) -> str:
    """Text as compared: NFKC, case-folded, straight quotes, apostrophes dropped, any
    run of punctuation and whitespace one space (so a trailing "?" or "*" is gone)."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().replace("'", "")
    return " ".join(_NON_WORD.sub(" ", t).split())


def unescape_cell(text: str) -> str:
    """A cell without the "'" that keeps a spreadsheet from running it as a formula."""
    if text.startswith("'") and FORMULA_START.match(text):
        return text[1:]
    return text


def metadata_role(header: str) -> str | None:
    """``name``, ``role``, ``email`` or ``metadata`` for a known non-question column."""
    key = normalize(header)
    if key in _NAMES:
        return "name"
    if key in _ROLES:
        return "role"
    if key in _EMAILS:
        return "email"
    if key in _METADATA or _QUIZ_PREFIX.match(header):
        return "metadata"
    return None


@dataclass(frozen=True)
class HeaderKeys:
    """The ways a header may name a question, most specific first: ``(how, key)``."""

    id_prefix: tuple[str, str] | None
    texts: list[tuple[str, str]]


def header_keys(header: str) -> HeaderKeys:
    """The question id a ``qid: ...`` header starts with (this tool's CSV), and the
    normalized texts to look up: the whole header, without numbering ("1.") or a
    "[Section]" prefix, and a Google grid's "Title [Row]" as its row and its title."""
    m = _ID_PREFIX.match(header.strip())
    id_prefix = (m.group(1), m.group(2)) if m else None
    texts = [("text", normalize(header))]
    bare = _PREFIX.sub("", _NUMBERING.sub("", header, count=1), count=1)
    texts.append(("text", normalize(bare)))
    grid = _GRID.match(bare)
    if grid:
        texts.append(("grid row", normalize(grid.group(2))))
        texts.append(("grid title", normalize(grid.group(1))))
    return HeaderKeys(id_prefix, [(how, key) for how, key in texts if key])


def label_table(framework: Framework, extra: dict[str, str]) -> dict[str, str]:
    """Normalized answer label -> answer key: the mapping's labels, then the scale's
    keys and labels, then :data:`SYNONYMS` (for the keys the scale has)."""
    table: dict[str, str] = {}
    for label, key in extra.items():
        table.setdefault(normalize(label), key)
    for key, choice in framework.scale.items():
        table.setdefault(normalize(key), key)
        table.setdefault(normalize(choice.label), key)
    for key, words in SYNONYMS.items():
        if key in framework.scale:
            for word in words:
                table.setdefault(word, key)
    return table


class SurveyMapping(BaseModel):
    """A mapping file: column (header text or letter) -> question id, ``name``,
    ``role``, ``email``, ``ignore``, ``comment:QID`` or ``evidence:QID``; answer label
    -> answer key."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict, max_length=2000)
    labels: dict[str, str] = Field(default_factory=dict, max_length=2000)
    #: Import even when some columns match nothing (they are left out, and listed).
    ignore_unmatched: bool = False

    @field_validator("columns", "labels", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        # YAML reads `3: partly` with an int key and `Sí: yes` with a boolean value
        if not isinstance(value, dict):
            return value
        words = {True: "yes", False: "no"}
        return {
            (words[k] if isinstance(k, bool) else str(k)).strip(): words[v] if isinstance(v, bool) else v
            for k, v in value.items()
        }

    def check(self, framework: Framework) -> list[str]:
        """Problems with the targets: unknown question ids or answer keys."""
        problems: list[str] = []
        for column, target in self.columns.items():
            kind, _, qid = target.partition(":")
            if target in COLUMN_ROLES or framework.question(target) is not None:
                continue
            if kind in ("comment", "evidence") and framework.question(qid.strip()) is not None:
                continue
            problems.append(
                f"mapping: columns.{column}: {target!r} is not a question id of {framework.ref} "
                "(nor name, role, email, ignore, comment:ID or evidence:ID)"
            )
        for label, key in self.labels.items():
            if key not in framework.scale:
                keys = ", ".join(framework.scale)
                problems.append(f"mapping: labels.{label}: {key!r} is not an answer key ({keys})")
        return problems


def read_mapping(content: bytes | str, *, source: str) -> SurveyMapping:
    """Read a mapping file (YAML or JSON)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnswersError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source) from None
    data = parse_plain_document(content, source=source, error=AnswersError, max_containers=10_000)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AnswersError("a mapping file is a mapping with 'columns' and 'labels'", source=source)
    try:
        return SurveyMapping.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        ]
        raise AnswersError(problems, source=source) from None
