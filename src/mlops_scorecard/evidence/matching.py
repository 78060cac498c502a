"""The catalogue's signals compiled once per scan: path globs, line patterns, call names,
and which lines of a file are not comments.

Every glob of every path-based signal is folded into one regular expression (the
``gate``), so that the many files no signal wants cost one match each; only files that
pass the gate are matched signal by signal.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import pathspec

from .practices import Catalogue, Signal
from .results import CONFIDENCES

__all__ = [
    "DOC_PATHS",
    "CodeGate",
    "Compiled",
    "Glob",
    "Matchers",
    "compile_catalogue",
    "compile_globs",
    "live_lines",
]

#: Where a ``mention`` looks when its signal names no paths.
DOC_PATHS: tuple[str, ...] = ("README*", "docs/**/*.md", "docs/**/*.rst", "doc/**/*.md", "doc/**/*.rst")
PATH_KINDS = frozenset({"file", "content", "mention"})
CODE_KINDS = frozenset({"import", "call", "keyword"})
CI_KINDS = frozenset({"ci-config", "ci-command", "ci-uses"})
_GROUP = re.compile(r"\(\?P<[^>]+>")


@dataclass(frozen=True)
class Glob:
    """Compiled globs: a path matches when an included glob matches it and no negated
    (``!``) glob does, whatever their order (simpler than ``.gitignore``'s last-wins,
    and all a catalogue needs: ``Dockerfile`` but not ``!.devcontainer/``)."""

    include: re.Pattern[str]
    exclude: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        """The included globs as one regular expression (a superset of what matches)."""
        return self.include.pattern

    def match(self, path: str) -> bool:
        """Whether ``path`` (relative, ``/``-separated) matches."""
        if self.include.match(path) is None:
            return False
        return self.exclude is None or self.exclude.match(path) is None


def compile_globs(globs: list[str] | tuple[str, ...]) -> Glob | None:
    """The gitwildmatch ``globs`` (as ``.gitignore`` reads them, in any case) compiled
    into one regular expression for those included and one for those negated; ``None``
    when none is included."""
    parts: dict[bool, list[str]] = {True: [], False: []}
    for pattern in pathspec.GitIgnoreSpec.from_lines(globs).patterns:
        regex = getattr(pattern, "regex", None)
        include = getattr(pattern, "include", None)
        if include is not None and regex is not None:
            # pathspec names a group in every pattern; alternatives cannot share a name.
            parts[bool(include)].append(_GROUP.sub("(?:", regex.pattern))
    if not parts[True]:
        return None

    def one(regexes: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{r})" for r in regexes), re.IGNORECASE)

    return Glob(one(parts[True]), one(parts[False]) if parts[False] else None)


def _calls_regex(calls: list[str]) -> re.Pattern[str] | None:
    if not calls:
        return None
    # fnmatch's '*' crosses dots, so '*.log_model' is a method of any object or module.
    return re.compile("|".join(fnmatch.translate(c) for c in calls))


@dataclass(frozen=True)
class Compiled:
    """One signal ready to match: its practice, its place in the catalogue, and its
    globs, line pattern and call names compiled."""

    practice: str
    index: int
    signal: Signal
    rank: int
    paths: Glob | None
    pattern: re.Pattern[str] | None
    calls: re.Pattern[str] | None


@dataclass
class Matchers:
    """The compiled catalogue, by what each signal reads."""

    signals: list[Compiled]
    by_path: list[Compiled] = field(default_factory=list)
    code: list[Compiled] = field(default_factory=list)
    dependency: list[Compiled] = field(default_factory=list)
    pinned: list[Compiled] = field(default_factory=list)
    ci: list[Compiled] = field(default_factory=list)
    artifact: list[Compiled] = field(default_factory=list)
    gate: re.Pattern[str] | None = None
    #: Every call pattern at once: most names a file calls match none.
    any_call: re.Pattern[str] | None = None
    _call_memo: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)

    def path_signals(self, path: str) -> list[Compiled]:
        """The path-based signals whose globs match ``path``."""
        if self.gate is None or not self.gate.match(path):
            return []
        return [c for c in self.by_path if c.paths is not None and c.paths.match(path)]

    def call_signals(self, name: str) -> tuple[Compiled, ...]:
        """The ``call`` signals naming the dotted call ``name`` (memoized: names repeat)."""
        found = self._call_memo.get(name)
        if found is None:
            if self.any_call is None or not self.any_call.match(name):
                found = ()
            else:
                found = tuple(c for c in self.code if c.calls is not None and c.calls.match(name))
            self._call_memo[name] = found
        return found


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CodeGate:
    """Whether a Python file or notebook can hold anything the code signals look for,
    decided from its identifiers before it is parsed (parsing is what costs).

    A module, call or keyword can only be in a file whose text spells every literal
    part of its dotted name: an import spells them all even when an alias renames the
    module. Each such set of words is indexed by its longest word, so a file costs one
    pass over its identifiers and a set intersection."""

    def __init__(self, signals: list[Compiled]) -> None:
        # (words, pieces, where a call or keyword must show: see _use_site)
        Condition = tuple[frozenset[str], tuple[str, ...], re.Pattern[str] | None]
        self.by_anchor: dict[str, list[Condition]] = {}
        #: Conditions with no whole word (``*.expect_column_*``): substrings only.
        self.loose: list[tuple[str, ...]] = []
        self.always = False
        for c in signals:
            s = c.signal
            named = [(n, None) for n in s.modules] + [(n, "call") for n in s.calls]
            named += [(n, "keyword") for n in s.keywords]
            for name, use in named:
                parts = [p for p in name.split(".") if p]
                words = frozenset(p for p in parts if "*" not in p)
                pieces = tuple(piece for p in parts if "*" in p for piece in p.split("*") if piece)
                if words:
                    anchor = max(words, key=len)
                    self.by_anchor.setdefault(anchor, []).append((words, pieces, _use_site(parts[-1], use)))
                elif pieces:
                    self.loose.append(pieces)
                else:
                    self.always = True  # a call pattern of wildcards only: every file
        self.anchors = frozenset(self.by_anchor)

    def may_match(self, text: str) -> bool:
        """Whether some code signal could match in ``text``."""
        if self.always:
            return True
        if any(all(piece in text for piece in pieces) for pieces in self.loose):
            return True
        tokens = set(_IDENT.findall(text))
        searched: set[re.Pattern[str]] = set()  # signals share names: search each once
        for anchor in tokens & self.anchors:
            for words, pieces, site in self.by_anchor[anchor]:
                if not (words <= tokens and all(piece in text for piece in pieces)):
                    continue
                if site is None:
                    return True
                if site not in searched:
                    if site.search(text):
                        return True
                    searched.add(site)
        return False


def _use_site(last: str, use: str | None) -> re.Pattern[str] | None:
    """Where a call or keyword must show in the text: the name's last part followed by
    ``(`` (or after ``@``, a decorator), a keyword followed by ``=``. Words alone pass
    too many files: ``seed`` is in every file that calls ``random.seed``. A call through
    an alias of its last part (``from numpy.random import seed as s``) is missed."""
    if use is None or "*" in last:
        return None
    return _site_regex(use, last)


@cache
def _site_regex(use: str, last: str) -> re.Pattern[str]:
    word = re.escape(last)
    if use == "call":
        return re.compile(rf"\b{word}\s*\(|@\s*(?:[\w.]+\.)?{word}\b")
    return re.compile(rf"\b{word}\s*=(?!=)")


def compile_catalogue(catalogue: Catalogue) -> Matchers:
    """Compile every signal of ``catalogue`` once."""
    compiled: list[Compiled] = []
    for practice in catalogue.practices:
        for i, s in enumerate(practice.signals):
            globs = list(s.paths) or (list(DOC_PATHS) if s.kind == "mention" else [])
            compiled.append(
                Compiled(
                    practice=practice.id,
                    index=i,
                    signal=s,
                    rank=CONFIDENCES.index(s.level),
                    paths=compile_globs(globs),
                    pattern=re.compile(s.pattern) if s.pattern else None,
                    calls=_calls_regex(s.calls),
                )
            )
    m = Matchers(signals=compiled)
    for c in compiled:
        kind = c.signal.kind
        if kind == "pinned":
            m.pinned.append(c)
        elif kind in PATH_KINDS and c.paths is not None:
            m.by_path.append(c)
        elif kind in CODE_KINDS:
            m.code.append(c)
        elif kind == "dependency":
            m.dependency.append(c)
        elif kind in CI_KINDS:
            m.ci.append(c)
        elif kind == "artifact":
            m.artifact.append(c)
    gates = [c.paths.pattern for c in m.by_path if c.paths is not None]
    calls = [c.calls.pattern for c in m.code if c.calls is not None]
    m.any_call = re.compile("|".join(f"(?:{p})" for p in calls)) if calls else None
    m.gate = re.compile("|".join(f"(?:{g})" for g in gates), re.IGNORECASE) if gates else None
    return m


# --- comments ------------------------------------------------------------------------

_HASH_NAMES = frozenset(
    {
        "dockerfile",
        "containerfile",
        "makefile",
        "gnumakefile",
        "codeowners",
        "owners",
        "pipfile",
        ".gitattributes",
        ".gitignore",
        ".dockerignore",
        ".flake8",
        ".pylintrc",
        "pylintrc",
        ".bandit",
        ".renovaterc",
        "snakefile",
    }
)
_HASH_SUFFIXES = frozenset(
    {".py", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".sh", ".bash", ".txt", ".conf", ".in", ".r", ".env"}
)
_HASH_AND_SLASH_SUFFIXES = frozenset({".tf", ".hcl", ".tofu"})
_SLASH_SUFFIXES = frozenset(
    {".js", ".mjs", ".cjs", ".ts", ".json5", ".groovy", ".go", ".java", ".kt", ".scala", ".bicep"}
)
_SLASH_NAMES = frozenset({"jenkinsfile"})
_HTML_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".xml", ".qmd"})
_TRAILING_HASH = re.compile(r"\s+#.*$")


@cache
def comment_style(path: str) -> str:
    """How comments are written in the file at ``path``: ``hash``, ``slash``,
    ``hash-slash``, ``html``, or ``none`` where it is not clear (JSON has none)."""
    name = path.rsplit("/", 1)[-1].lower()
    base = name.split(".", 1)[0] if not name.startswith(".") else name
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""
    if name in _HASH_NAMES or base in {"dockerfile", "containerfile", "requirements"}:
        return "hash"
    if name in _SLASH_NAMES or base == "jenkinsfile":
        return "slash"
    if suffix in _HASH_SUFFIXES:
        return "hash"
    if suffix in _HASH_AND_SLASH_SUFFIXES:
        return "hash-slash"
    if suffix in _SLASH_SUFFIXES:
        return "slash"
    if suffix in _HTML_SUFFIXES:
        return "html"
    return "none"


def live_lines(path: str, text: str) -> Iterator[tuple[int, str]]:
    """The 1-based numbered lines of ``text`` with comments taken out, by the comment
    style of ``path`` (whole-line ``#`` and ``//`` comments, a trailing `` # ...``, and
    ``<!-- -->`` blocks in Markdown and HTML); empty lines are left out."""
    style = comment_style(path)
    in_html = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if style == "html":
            line, in_html = _strip_html(line, in_html)
            if not line.strip():
                continue
        elif style in ("hash", "hash-slash"):
            if stripped.startswith("#") or (style == "hash-slash" and stripped.startswith("//")):
                continue
            line = _TRAILING_HASH.sub("", line)
        elif style == "slash" and stripped.startswith(("//", "/*", "*")):
            continue
        yield number, line


def _strip_html(line: str, inside: bool) -> tuple[str, bool]:
    out: list[str] = []
    pos = 0
    while pos <= len(line):
        if inside:
            end = line.find("-->", pos)
            if end < 0:
                return "".join(out), True
            pos, inside = end + 3, False
        else:
            start = line.find("<!--", pos)
            if start < 0:
                out.append(line[pos:])
                return "".join(out), False
            out.append(line[pos:start])
            pos, inside = start + 4, True
    return "".join(out), inside
