"""Reading and writing the YAML and JSON files the tool works with.

Errors name the file, the line where the parser can tell it, and the place in the
document (``dimensions[2] (deployment).questions[0].weight``), so that a person can
find the problem without reading a traceback.
"""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import compress, repeat
from operator import is_not
from pathlib import Path
from typing import Any

import yaml

from .errors import ScorecardError

__all__ = [
    "SafeLoader",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_plain_text",
    "check_plain_tree",
    "collector_paused",
    "may_hold_bad_text",
    "parse_document",
    "parse_plain_document",
    "read_document",
    "read_file_bytes",
    "read_text_file",
]

try:  # the C loader is ten times faster on large answers files
    SafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    SafeLoader = yaml.SafeLoader

MAX_FILE_BYTES = 64 * 1024 * 1024
#: Nesting levels a data file may have (an answers file needs six; a framework file eight).
MAX_DEPTH = 32
#: Mappings and lists a data file may hold in all.
MAX_CONTAINERS = 1_000_000
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def read_document(path: str | Path, *, error: type[ScorecardError] = ScorecardError) -> tuple[Any, str]:
    """Read a YAML or JSON file and return ``(data, text)``.

    JSON is chosen by the ``.json`` suffix; anything else is read as YAML (which also
    accepts JSON). Raises ``error`` with the file name and line on any problem.
    """
    p = Path(path)
    text = read_text_file(p, error=error)
    return parse_document(text, source=str(p), as_json=p.suffix.lower() == ".json", error=error), text


def read_text_file(path: str | Path, *, error: type[ScorecardError] = ScorecardError) -> str:
    """The UTF-8 text of a file of at most ``MAX_FILE_BYTES``; problems raise ``error``."""
    text = _read_file(Path(path), error, binary=False)
    assert isinstance(text, str)
    return text


def read_file_bytes(
    path: str | Path, *, error: type[ScorecardError] = ScorecardError, max_bytes: int | None = None
) -> bytes:
    """The bytes of a file of at most ``max_bytes`` (default ``MAX_FILE_BYTES``);
    problems raise ``error``.

    For a reader that decodes itself: text it decoded from bytes cannot hold a lone
    surrogate, which spares it a search through a large file (:func:`may_hold_bad_text`).
    """
    data = _read_file(Path(path), error, binary=True, max_bytes=max_bytes)
    assert isinstance(data, bytes)
    return data


def _read_file(
    p: Path, error: type[ScorecardError], *, binary: bool, max_bytes: int | None = None
) -> str | bytes:
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes  # read here: tests lower it
    too_large = f"file is larger than {limit // (1024 * 1024)} MiB"
    try:
        if p.stat().st_size > limit:
            raise error(too_large, source=str(p))
        # at most one byte past the limit: a device or pipe (/dev/zero) reports size 0
        with p.open("rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise error(too_large, source=str(p))
        if binary:
            return data
        # the newlines read_text would give (universal newlines)
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise error("file not found", source=str(p)) from None
    except IsADirectoryError:
        raise error("is a directory, not a file", source=str(p)) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=str(p)) from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", source=str(p)) from None


def parse_document(
    text: str,
    *,
    source: str,
    as_json: bool = False,
    error: type[ScorecardError] = ScorecardError,
) -> Any:
    """Parse YAML or JSON text; syntax errors become ``error`` with a line number."""
    if as_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(f"line {exc.lineno}: invalid JSON: {exc.msg}", source=source) from None
        except RecursionError:
            raise error("the file is nested too deeply", source=source) from None
        except ValueError as exc:
            # e.g. an integer of more than 4,300 digits (Python's int/str conversion limit)
            raise error(f"invalid JSON: {exc}", source=source) from None
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise error(f"{where}invalid YAML: {exc.problem or exc.context}", source=source) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", source=source) from None
    except ValueError as exc:  # a value the YAML constructors reject, e.g. `date: 2026-13-01`
        raise error(f"invalid YAML value: {exc}", source=source) from None
    except RecursionError:
        raise error("the file is nested too deeply", source=source) from None


def parse_plain_document(
    text: str,
    *,
    source: str,
    as_json: bool = False,
    error: type[ScorecardError] = ScorecardError,
    max_depth: int = MAX_DEPTH,
    max_containers: int = MAX_CONTAINERS,
    check_tree: bool = True,
) -> Any:
    """Parse YAML or JSON text that must be a plain tree of mappings, lists and text.

    YAML is checked in one linear pass over its events *before* anything is built, so a
    small hostile file cannot grow into a huge one: aliases (a shared node that can
    expand a 22 KiB file into hundreds of MiB), nesting deeper than ``max_depth`` and
    more than ``max_containers`` mappings and lists are refused. JSON has no aliases, so
    what it builds is bounded by its size; its decoder guards its own stack, and depth
    and count are checked on the result. Binary values and text that no database can
    store (NUL characters, lone surrogates) are refused too. Without ``check_tree`` the
    caller checks the result itself: with :func:`check_plain_tree`, or in a pass of its
    own that does the same checks (the answers reader validates in one pass).
    """
    nul = text.find("\x00")
    if nul >= 0:  # the parsers would call it an odd "special character"; name it
        line = text.count("\n", 0, nul) + 1
        raise error(f"line {line}: the file contains a NUL character (\\u0000)", source=source)
    if not as_json:
        _check_yaml_shape(
            text, source=source, error=error, max_depth=max_depth, max_containers=max_containers
        )
    data = parse_document(text, source=source, as_json=as_json, error=error)
    if check_tree:
        check_plain_tree(
            data,
            source=source,
            error=error,
            max_depth=max_depth,
            max_containers=max_containers,
            texts=may_hold_bad_text(text, as_json=as_json),
        )
    return data


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large file is parsed and built.

    Parsing a file of 10,000 respondents makes about a million objects, and the collector
    walks them again and again as they pile up (a tenth of the reading time), for nothing:
    parsed JSON and alias-free YAML hold no reference cycles. Reference counting still
    frees everything; the collector runs again afterwards (and keeps running if it was
    on when another thread paused it too).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def check_plain_text(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (NUL, lone surrogates), or ``None`` when it can."""
    if "\x00" in value:
        return "contains a NUL (\\u0000) character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (a lone surrogate)"
    return None


def _too_deep(source: str, error: type[ScorecardError], max_depth: int, line: int | None) -> ScorecardError:
    where = f"line {line}: " if line else ""
    return error(f"{where}the file is nested more than {max_depth} levels deep", source=source)


def _too_many(source: str, error: type[ScorecardError], max_containers: int) -> ScorecardError:
    return error(f"the file holds more than {max_containers:,} mappings and lists", source=source)


def _check_yaml_shape(
    text: str, *, source: str, error: type[ScorecardError], max_depth: int, max_containers: int
) -> None:
    depth = containers = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                raise error(
                    f"line {line}: YAML aliases (*{event.anchor}) are not supported "
                    "in this file; write the values out",
                    source=source,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                containers += 1
                if depth > max_depth:
                    raise _too_deep(source, error, max_depth, line)
                if containers > max_containers:
                    raise _too_many(source, error, max_containers)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # parse_document reports the syntax error with its line


def may_hold_bad_text(text: str, *, as_json: bool, decoded: bool = False) -> bool:
    """Whether a value parsed from ``text`` can hold what :func:`check_plain_text` refuses.

    Only an escape sequence can make one: a NUL in the text itself is refused before
    parsing, and a lone surrogate in the text is searched for once. JSON has one such escape
    (``\\u``); YAML has several (``\\0``, ``\\x00``, ``\\u``...), so any backslash counts.
    Checking this once saves a look at each of a large file's million texts.
    """
    if ("\\u" if as_json else "\\") in text:
        return True
    # ``decoded``: the caller decoded ``text`` from UTF-8 bytes, which hold no surrogates
    return not decoded and not text.isascii() and _SURROGATE.search(text) is not None


def check_plain_tree(
    data: Any,
    *,
    source: str,
    error: type[ScorecardError] = ScorecardError,
    max_depth: int = MAX_DEPTH,
    max_containers: int = MAX_CONTAINERS,
    texts: bool = True,
) -> None:
    """Refuse binary values, too many or too deeply nested containers and (with
    ``texts``, see :func:`may_hold_bad_text`) text no database can store, in one walk
    over the containers of parsed data."""
    if isinstance(data, str | bytes | bytearray):
        _check_leaf(data, source=source, error=error)
    if not isinstance(data, dict | list):
        return
    containers = 0
    todo: list[tuple[dict[Any, Any] | list[Any], int]] = [(data, 0)]
    while todo:
        node, depth = todo.pop()
        containers += 1
        if depth >= max_depth:
            raise _too_deep(source, error, max_depth, None)
        if containers > max_containers:
            raise _too_many(source, error, max_containers)
        children: Iterable[Any] = node
        if isinstance(node, dict):
            children = node.values()
            for key in node:
                if type(key) is not str or texts:
                    _check_leaf(key, source=source, error=error)
        if not texts:
            # texts need no look: skip them in C (map/compress), for most values are texts
            children = compress(children, map(is_not, map(type, children), repeat(str)))
        for child in children:
            if isinstance(child, dict | list):
                todo.append((child, depth + 1))
            elif isinstance(child, str | bytes | bytearray):
                _check_leaf(child, source=source, error=error)


def _check_leaf(value: Any, *, source: str, error: type[ScorecardError]) -> None:
    if isinstance(value, str):
        problem = check_plain_text(value)
        if problem:
            raise error(f"text {problem}: {value[:40]!r}", source=source)
    elif isinstance(value, bytes | bytearray):
        raise error("binary values (!!binary) are not supported in this file", source=source)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent or ".", prefix=f".{p.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would,
        # or keep the mode of the file it replaces.
        try:
            mode = p.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))
