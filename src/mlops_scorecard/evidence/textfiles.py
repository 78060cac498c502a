"""Reading a repository's text files safely: never through a link out of the root,
never blocking on a FIFO, binaries and oversized files left unread, any encoding decoded.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from .results import ScanWarning

__all__ = ["MAX_TEXT_BYTES", "is_inside", "read_text"]

#: Text files larger than this are not read (a warning says so).
MAX_TEXT_BYTES = 2 * 1024 * 1024
#: Bytes looked at to tell binary from text.
_SNIFF_BYTES = 8192


def is_inside(root: Path, real: str) -> bool:
    """Whether the real path ``real`` is ``root`` (a real path) or under it."""
    root_s = str(root)
    return real == root_s or real.startswith(root_s.rstrip(os.sep) + os.sep)


def read_text(root: Path, path: str, *, limit: int = MAX_TEXT_BYTES) -> tuple[str | None, ScanWarning | None]:
    """The text of ``root/path`` (UTF-8, undecodable bytes replaced), or ``None`` and a
    warning when it is larger than ``limit``, unreadable, not a regular file (a folder,
    a FIFO: never opened in a way that blocks) or a link out of ``root``.

    A binary file (a NUL byte in its first 8 KB), of any size, gives ``None`` and *no*
    warning: most binaries are read because of a name pattern, not because text was
    expected, and there was no text in them to miss. Text
    with a UTF-16 byte order mark is decoded as such; other non-UTF-8 text is decoded
    with replacement characters and a warning.
    """
    real_root = _real_root(str(root))
    real = _resolve_inside(real_root, path)
    if real is None:
        return None, ScanWarning(
            path=path, message="symbolic link to a place outside the repository; not read"
        )
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        return None, ScanWarning(path=path, message=f"cannot be read ({err.strerror or err})")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, ScanWarning(path=path, message="not a regular file; not read")
        if st.st_size > limit:
            head = os.read(fd, _SNIFF_BYTES)
            if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return None, None  # a large binary: no text was in it to miss
            return None, ScanWarning(
                path=path, message=f"{st.st_size:,} bytes, more than the {limit:,} read; not read"
            )
        chunks = []
        remaining = limit + 1
        want = st.st_size + 1  # one read for the whole file; a shorter read is its end
        while remaining > 0:
            chunk = os.read(fd, min(remaining, want))
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want:
                break
            want = 1 << 20
        data = b"".join(chunks)
    except OSError as err:
        return None, ScanWarning(path=path, message=f"cannot be read ({err.strerror or err})")
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read it
        return None, ScanWarning(path=path, message=f"more than the {limit:,} bytes read; not read")
    return _decode(path, data)


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def _resolve_inside(real_root: str, path: str) -> str | None:
    """The real path of ``path`` under the root, or ``None`` when it leads out of it.
    Components are checked one by one (cheaper than ``realpath`` when none is a link)."""
    parts = path.split("/")
    if path.startswith("/") or ".." in parts:
        real = os.path.realpath(os.path.join(real_root, path))
        return real if is_inside(Path(real_root), real) else None
    current = real_root
    for part in parts:
        if part in {"", "."}:
            continue
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return current  # opening it reports what is wrong
        if stat.S_ISLNK(mode):
            real = os.path.realpath(os.path.join(real_root, path))
            return real if is_inside(Path(real_root), real) else None
    return current


def _decode(path: str, data: bytes) -> tuple[str | None, ScanWarning | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    if b"\0" in data[:_SNIFF_BYTES]:
        return None, None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return data.decode("utf-8", errors="replace"), ScanWarning(
            path=path, message=f"not valid UTF-8 (first at line {line}); undecodable bytes replaced"
        )
