"""Published frameworks: the frameworks an organization uploads to the service, beside
the built-in ones, and the one place the service finds a framework by reference.

A published framework is one row per ``id@version``: the text as uploaded and the
validated framework with ``extends`` resolved. It is immutable once it is in use (an
assessment is pinned to it, or another published framework extends it): results and
reports are always computed from the framework, so changing it would change them.
Until then it may be replaced. Built-in ids cannot be published (a later version of the
package could ship the same ``id@version``, and built-ins are found first).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, FrameworkError, NotFoundError
from ..framework import (
    Framework,
    builtin_frameworks,
    declared_mapping,
    get_framework,
    parse_framework_text,
    version_key,
)
from .models import Assessment, PublishedFramework, User, utcnow

__all__ = [
    "Listed",
    "Published",
    "Usage",
    "available_frameworks",
    "catalogue",
    "catalogue_entry",
    "delete_published",
    "get_published",
    "list_published",
    "publish",
    "published_framework",
    "resolve",
    "session_lookup",
    "usage",
    "usage_counts",
]

#: Longest title the table holds (``published_frameworks.title``).
MAX_TITLE = 200
#: A published version is named in URLs and by the API's framework references.
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$")
_CACHE_SIZE = 64


@dataclass(frozen=True)
class Published:
    """What :func:`publish` did: ``created``, ``replaced`` (an unused version's content
    changed) or ``unchanged`` (the same framework again: nothing written)."""

    status: Literal["created", "replaced", "unchanged"]
    framework: Framework
    row: PublishedFramework


@dataclass(frozen=True)
class Usage:
    """Who uses a framework version: assessments pinned to it, published frameworks
    that extend it."""

    assessments: int
    extended_by: list[str]

    @property
    def in_use(self) -> bool:
        """Whether the version may no longer change."""
        return bool(self.assessments or self.extended_by)

    def reason(self, ref: str) -> str:
        """Why ``ref`` cannot change, for an error message."""
        parts = []
        if self.assessments:
            n = self.assessments
            parts.append(f"{n} assessment uses it" if n == 1 else f"{n} assessments use it")
        if self.extended_by:
            parts.append("extended by " + ", ".join(self.extended_by))
        return f"{ref} is in use ({'; '.join(parts)})"


class _ParsedCache:
    """Published frameworks parsed once per process, by row and content: a row's content
    may change while it is unused, so the key holds a hash of its text."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[int, str], Framework] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> Framework | None:
        with self._lock:
            fw = self._items.get(key)
            if fw is not None:
                self._items.move_to_end(key)
            return fw

    def put(self, key: tuple[int, str], fw: Framework) -> None:
        with self._lock:
            self._items[key] = fw
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)


_PARSED = _ParsedCache()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _builtin_ids() -> set[str]:
    return {fw.id for fw in builtin_frameworks()}


def _split(ref: str) -> tuple[str, str]:
    fid, _, version = ref.strip().partition("@")
    return fid, version


def published_framework(row: PublishedFramework) -> Framework:
    """The framework a published row holds (parsed once per process and content)."""
    key = (row.id, _digest(row.source_text))
    fw = _PARSED.get(key)
    if fw is None:
        try:
            fw = Framework.model_validate(row.data)
        except ValidationError:
            # stored by an older version of the tool whose rules were looser
            raise FrameworkError(
                f"published framework {row.framework_id}@{row.version} no longer validates; publish it again"
            ) from None
        _PARSED.put(key, fw)
    return fw


def _row(
    session: Session, ref: str, *, lock: Literal["share", "update"] | None = None
) -> PublishedFramework | None:
    fid, version = _split(ref)
    query = select(PublishedFramework).where(PublishedFramework.framework_id == fid)
    if lock:
        query = query.with_for_update(read=lock == "share")
    if version:
        query = query.where(PublishedFramework.version == version)
        return session.scalars(query).first()
    rows = list(session.scalars(query))
    return max(rows, key=lambda r: version_key(r.version)) if rows else None


def resolve(session: Session, ref: str, *, lock: bool = False) -> Framework:
    """The framework ``ref`` (``id@version``, or ``id`` for the newest version) names:
    built-in first, then published. Never a file. ``lock`` keeps a published row from
    changing until the transaction ends (an assessment is being pinned to it)."""
    try:
        return get_framework(ref, allow_files=False)
    except FrameworkError as builtin_error:
        row = _row(session, ref, lock="share" if lock else None)
        if row is None:
            fid, version = _split(ref)
            if version and _row(session, fid) is not None:
                raise FrameworkError(f"framework {fid!r} has no published version {version!r}") from None
            if fid in _builtin_ids():
                raise builtin_error from None
            raise FrameworkError(
                f"unknown framework {ref!r} (neither built-in nor published; see /frameworks)"
            ) from None
        return published_framework(row)


def available_frameworks(session: Session) -> list[Framework]:
    """Every framework a new assessment may use: built-in ones, then the published ones
    by id and version."""
    return [*builtin_frameworks(), *(published_framework(r) for r in list_published(session))]


def list_published(session: Session) -> list[PublishedFramework]:
    """The published frameworks, by id then version."""
    rows = list(session.scalars(select(PublishedFramework)))
    return sorted(rows, key=lambda r: (r.framework_id, version_key(r.version)))


def get_published(session: Session, *, ref: str) -> PublishedFramework:
    """The published ``id@version`` (or newest version of ``id``), or :class:`NotFoundError`."""
    row = _row(session, ref)
    if row is None:
        raise NotFoundError(f"no published framework {ref[:120]!r}")
    return row


def usage(session: Session, *, ref: str) -> Usage:
    """The assessments pinned to ``id@version`` and the published frameworks extending it."""
    fid, version = _split(ref)
    count = session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(Assessment.framework_id == fid, Assessment.framework_version == version)
    )
    extends = PublishedFramework.data["extends"].as_string()
    extended_by = session.execute(
        select(PublishedFramework.framework_id, PublishedFramework.version).where(extends == ref)
    ).all()
    return Usage(int(count or 0), sorted(f"{i}@{v}" for i, v in extended_by))


def usage_counts(session: Session) -> dict[str, int]:
    """``id@version`` -> the number of assessments pinned to it, in one query."""
    rows = session.execute(
        select(Assessment.framework_id, Assessment.framework_version, func.count()).group_by(
            Assessment.framework_id, Assessment.framework_version
        )
    ).all()
    return {f"{fid}@{version}": int(n) for fid, version, n in rows}


def publish(
    session: Session, *, text: str, filename: str = "framework.yaml", by: int | None = None
) -> Published:
    """Validate a framework file's text (``extends`` resolved against the built-in and
    published frameworks) and store it as ``id@version``.

    The same framework again is ``unchanged``; a different one under an ``id@version``
    in use is a :class:`ConflictError` that says why; a built-in id is refused.
    """
    source = filename[-100:] or "framework.yaml"
    fw = parse_framework_text(
        text,
        source=source,
        as_json=source.lower().endswith(".json"),
        lookup=lambda ref: resolve(session, ref),
    )
    if fw.id in _builtin_ids():
        raise FrameworkError(
            f"id: {fw.id!r} is a built-in framework's id; give yours an id of its own "
            f"(and 'extends: {get_framework(fw.id).ref}' to build on it)",
            source=source,
        )
    if not _VERSION.match(fw.version):
        raise FrameworkError(
            f"version: {fw.version!r}: use letters, digits and . _ + - (starting with a letter or digit)",
            source=source,
        )
    if len(fw.title) > MAX_TITLE:
        raise FrameworkError(f"title: at most {MAX_TITLE} characters (it has {len(fw.title)})", source=source)
    if fw.previous:
        _check_previous(session, fw, source)
    data = fw.model_dump(mode="json", by_alias=True)
    row = session.scalars(
        select(PublishedFramework)
        .where(PublishedFramework.framework_id == fw.id, PublishedFramework.version == fw.version)
        .with_for_update()
    ).first()
    if row is not None and row.data == data:
        return Published("unchanged", published_framework(row), row)
    if row is not None:
        used = usage(session, ref=fw.ref)
        if used.in_use:
            raise ConflictError(
                f"{used.reason(fw.ref)}: a framework version in use cannot change, or its results "
                "would change with it; publish the new content as a new version",
                source=source,
            )
        row.source_text, row.data, row.title = text, data, fw.title
        row.created_at, row.created_by = utcnow(), by
        session.flush()
        return Published("replaced", fw, row)
    row = PublishedFramework(
        framework_id=fw.id, version=fw.version, title=fw.title, source_text=text, data=data, created_by=by
    )
    session.add(row)
    session.flush()
    return Published("created", fw, row)


def _check_previous(session: Session, fw: Framework, source: str) -> None:
    """Refuse a ``previous`` this service does not know, or ``changes`` that do not fit
    it: a comparison across the versions would otherwise fail long after the upload."""
    assert fw.previous is not None
    try:
        previous = resolve(session, fw.previous)
    except FrameworkError as exc:
        raise FrameworkError([f"previous: {p}" for p in exc.problems], source=source) from None
    try:
        declared_mapping(previous, fw)
    except FrameworkError as exc:
        raise FrameworkError(exc.problems, source=source) from None


@dataclass(frozen=True)
class Listed:
    """A framework as the frameworks page and the API list it."""

    framework: Framework
    #: The published row; ``None`` for a built-in framework.
    row: PublishedFramework | None
    assessments: int
    in_use: bool
    publisher: str | None = None

    @property
    def builtin(self) -> bool:
        """Whether the framework ships with the package."""
        return self.row is None


def catalogue(session: Session) -> list[Listed]:
    """Every framework, built-in then published, with how many assessments use each
    (three queries, whatever the number of frameworks)."""
    counts = usage_counts(session)
    rows = list_published(session)
    extended = {str(r.data.get("extends", "")) for r in rows}
    names = dict(
        session.execute(select(User.id, User.username).where(User.id.in_({r.created_by for r in rows}))).all()
    )
    out = [Listed(fw, None, counts.get(fw.ref, 0), fw.ref in counts) for fw in builtin_frameworks()]
    for r in rows:
        ref = f"{r.framework_id}@{r.version}"
        n = counts.get(ref, 0)
        out.append(
            Listed(
                published_framework(r),
                r,
                n,
                bool(n) or ref in extended,
                names.get(r.created_by) if r.created_by is not None else None,
            )
        )
    return out


def catalogue_entry(session: Session, *, ref: str) -> Listed:
    """One framework of :func:`catalogue` by ``id@version`` (or ``id``: the newest)."""
    fw = resolve(session, ref)
    counts = usage_counts(session)
    row = None if any(b.ref == fw.ref for b in builtin_frameworks()) else _row(session, fw.ref)
    if row is None:
        return Listed(fw, None, counts.get(fw.ref, 0), fw.ref in counts)
    used = usage(session, ref=fw.ref)
    publisher = session.get(User, row.created_by) if row.created_by is not None else None
    return Listed(fw, row, used.assessments, used.in_use, publisher.username if publisher else None)


def delete_published(session: Session, *, ref: str) -> None:
    """Delete a published version that nothing uses (:class:`ConflictError` otherwise)."""
    # locked before the usage check: an assessment being pinned to it holds a share lock
    # (resolve(lock=True)), so one of the two waits for the other and sees what it did
    row = _row(session, ref, lock="update")
    if row is None:
        raise NotFoundError(f"no published framework {ref[:120]!r}")
    exact = f"{row.framework_id}@{row.version}"
    used = usage(session, ref=exact)
    if used.in_use:
        raise ConflictError(f"{used.reason(exact)}: a framework version in use cannot be deleted")
    session.delete(row)
    session.flush()


def session_lookup(session: Session) -> Callable[[str], Framework]:
    """A framework lookup (``ref -> Framework``) over built-in and published frameworks,
    for following a chain of versions or an ``extends`` inside this session."""
    return lambda ref: resolve(session, ref)
