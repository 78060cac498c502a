"""pip's requirement strings (PEP 508) and requirements files: the names they declare
and whether each is pinned to one version. :mod:`.manifests` reads every manifest format
with these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["NAME", "Declared", "ManifestError", "normalize", "parse_requirement", "parse_requirements"]


class ManifestError(ValueError):
    """A manifest that cannot be parsed (malformed TOML, YAML, JSON...)."""


@dataclass(frozen=True)
class Declared:
    """One declared dependency: PEP 503 normalized name, the line, and whether the
    declaration pins one exact version (``==x.y.z``, a hash, or an entry of a lock file)."""

    package: str
    line: int
    pinned: bool


_SEPARATORS = re.compile(r"[-_.]+")
#: A distribution name at the start of a requirement (group 1).
NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 normalization: ``Scikit_Learn`` -> ``scikit-learn``."""
    return _SEPARATORS.sub("-", name).lower()


def parse_requirement(spec: str) -> tuple[str, bool] | None:
    """(name, pinned) of a PEP 508 requirement (``mlflow[extras]==2.1; python_version<'4'``);
    ``None`` for a URL, a path or something that is no requirement. ``==`` (without a
    wildcard) and ``===`` pin."""
    spec = spec.split(";", 1)[0].strip()
    match = NAME.match(spec)
    if not match:
        return None
    rest = spec[match.end() :].lstrip()
    if rest.startswith("["):
        close = rest.find("]")
        rest = rest[close + 1 :].lstrip() if close >= 0 else ""
    if rest.startswith("@"):
        return match.group(1), False  # a direct URL: one artefact, but no version pinned
    if rest and rest[0] not in "<>=!~(,":
        return None  # "./local/path", "https://...": not a name
    rest = rest.strip("() ")
    clauses = [c.strip() for c in rest.split(",") if c.strip()]
    pinned = any(
        (c.startswith("===") or (c.startswith("==") and "*" not in c)) and len(c.lstrip("=").strip()) > 0
        for c in clauses
    )
    return match.group(1), pinned


def parse_requirements(text: str, *, lock: bool = False) -> list[Declared]:
    """The requirements of a file in pip's format: comments, ``\\`` continuations, options (``-r``, ``-c``,
    ``-i``... are not followed), ``--hash`` pins, ``-e`` with ``#egg=``; with ``lock``
    every entry is pinned (a lock file in this format)."""
    out: list[Declared] = []
    for line_no, logical in _logical_lines(text):
        if logical.startswith("-"):
            if logical.startswith(("-e", "--editable")):
                egg = _EGG.search(logical)
                if egg:
                    out.append(Declared(normalize(egg.group(1)), line_no, False))
            continue
        hashed = "--hash" in logical
        spec = re.split(r"\s--?[a-z]", " " + logical, maxsplit=1)[0].strip()
        parsed = parse_requirement(spec)
        if parsed is None:
            egg = _EGG.search(spec)
            if egg:
                out.append(Declared(normalize(egg.group(1)), line_no, hashed or lock))
            continue
        out.append(Declared(normalize(parsed[0]), line_no, parsed[1] or hashed or lock))
    return out


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Requirement lines without comments, continuations joined, with their first line."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        # pip: '#' starts a comment at the beginning of a line or after whitespace
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer.append(line.rstrip()[:-1])
            continue
        buffer.append(line)
        joined = " ".join(part.strip() for part in buffer).strip()
        buffer = []
        if joined:
            yield start, joined
    if buffer:
        joined = " ".join(part.strip() for part in buffer).strip()
        if joined:
            yield start, joined
