"""How the questions of one framework version map to another's (``docs/framework-format.md``).

A version declares ``previous: id@version`` and ``changes`` (:class:`~.models.QuestionChange`):
questions renamed, split, merged, removed or added; ids present in both versions and
named by no change are the same question. :func:`version_mapping` checks those
declarations against the previous version and turns them into a :class:`VersionMapping`,
following a chain of versions (1.0 -> 1.1 -> 2.0) through a lookup, reading a chain
backwards when the older framework is the one that declares it, and matching questions
by id (and saying so) when nothing is declared. :mod:`.diff` lists what changed besides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from ..errors import FrameworkError
from .extends import Lookup
from .loading import builtin_lookup
from .models import CHANGE_KINDS, ChangeKind, Framework

__all__ = [
    "MAX_CHAIN",
    "Link",
    "MappingSource",
    "VersionMapping",
    "declared_mapping",
    "identity_mapping",
    "version_mapping",
]

#: Finds a framework by ``id@version`` (built-in ones, and in the service published ones);
#: raises :class:`FrameworkError` when there is none.
#: How a mapping was obtained: both sides are one version, declared by the newer one
#: (directly or through a chain of versions), read backwards from the older one's
#: declaration, or derived by question id for want of a declaration.
MappingSource = Literal["same-version", "declared", "chain", "reversed", "by-id"]
#: The longest chain of ``previous`` references followed (a guard against loops).
MAX_CHAIN = 50

_REVERSED: dict[str, ChangeKind] = {
    "same": "same",
    "renamed": "renamed",
    "split": "merged",
    "merged": "split",
    "removed": "added",
    "added": "removed",
}


@dataclass(frozen=True)
class Link:
    """Old questions (``old``) that become new ones (``new``) by a change of ``kind``.

    ``declared`` is false for a question the mapping calls ``same`` because its id is in
    both versions and no change names it.
    """

    kind: ChangeKind
    old: tuple[str, ...]
    new: tuple[str, ...]
    note: str = ""
    declared: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``frameworks diff --format json`` and comparisons."""
        return {
            "kind": self.kind,
            "from": list(self.old),
            "to": list(self.new),
            "note": self.note,
            "declared": self.declared,
        }


@dataclass(frozen=True)
class VersionMapping:
    """The questions of ``old_ref`` mapped onto those of ``new_ref``.

    ``links`` are in the new framework's question order, the old questions that map to
    nothing (``removed``) after them. ``sources`` gives, for every new question, the old
    questions its value comes from (none: ``added``): one for ``same``, ``renamed`` and
    each part of a ``split``, several for ``merged`` (a chain of versions can give
    several old questions to a new one however it went). ``path`` holds the references
    from old to new that the mapping went through.
    """

    old_ref: str
    new_ref: str
    links: tuple[Link, ...]
    source: MappingSource
    path: tuple[str, ...] = ()
    reason: str = ""
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def derived(self) -> bool:
        """Whether the questions were matched by id because no mapping was declared."""
        return self.source == "by-id"

    def sources_of(self, new_id: str) -> tuple[str, ...]:
        """The old questions a new question's value comes from (empty: added, or unknown)."""
        return self.sources.get(new_id, ())

    def targets_of(self, old_id: str) -> tuple[str, ...]:
        """The new questions an old question's answers go to (empty: removed, or unknown)."""
        return tuple(n for n, olds in self.sources.items() if old_id in olds)

    def link_of_new(self, new_id: str) -> Link | None:
        """The link that gives the new question ``new_id``, or ``None``."""
        return next((ln for ln in self.links if new_id in ln.new), None)

    def link_of_old(self, old_id: str) -> Link | None:
        """The link that takes the old question ``old_id``, or ``None``."""
        return next((ln for ln in self.links if old_id in ln.old), None)

    @property
    def removed(self) -> list[str]:
        """Old questions that map to no new one."""
        return [q for ln in self.links if ln.kind == "removed" for q in ln.old]

    @property
    def added(self) -> list[str]:
        """New questions that no old one maps to."""
        return [q for ln in self.links if ln.kind == "added" for q in ln.new]

    def counts(self) -> dict[str, int]:
        """How many links of each kind, in :data:`~.models.CHANGE_KINDS` order (removed
        and added count questions: one ``removed`` change may name several)."""
        out = dict.fromkeys(CHANGE_KINDS, 0)
        for ln in self.links:
            out[ln.kind] += len(ln.old) if ln.kind == "removed" else len(ln.new) if ln.kind == "added" else 1
        return out

    def summary(self) -> str:
        """The counts in words, e.g. ``46 same, 1 renamed, 1 split, 1 removed, 1 added``."""
        parts = [f"{n} {kind}" for kind, n in self.counts().items() if n]
        return ", ".join(parts) if parts else "no questions"

    def describe(self) -> str:
        """Where the mapping comes from, as a sentence."""
        if self.source == "same-version":
            return f"Both are {self.new_ref}."
        if self.source == "declared":
            return f"{self.new_ref} declares how its questions map to {self.old_ref}."
        if self.source == "chain":
            return f"Composed from the mappings each version declares: {' -> '.join(self.path)}."
        if self.source == "reversed":
            return (
                f"{self.old_ref} declares how its questions map to {self.new_ref}"
                f" ({' -> '.join(reversed(self.path))}); read backwards."
            )
        return f"Questions matched by id: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``frameworks diff --format json``, ``compare --format json`` and the API."""
        return {
            "old": self.old_ref,
            "new": self.new_ref,
            "source": self.source,
            "path": list(self.path),
            "description": self.describe(),
            "summary": self.summary(),
            "counts": self.counts(),
            "links": [ln.to_dict() for ln in self.links],
        }


def _ids(fw: Framework) -> list[str]:
    return [q.id for _, q in fw.iter_questions("full")]


def identity_mapping(old: Framework, new: Framework, reason: str = "") -> VersionMapping:
    """Questions matched by id: the same id is the same question, the others removed or
    added (what comparisons did before versions declared their changes)."""
    old_ids, new_ids = _ids(old), _ids(new)
    old_set, new_set = set(old_ids), set(new_ids)
    links = [
        Link("same", (q,), (q,), declared=False) if q in old_set else Link("added", (), (q,)) for q in new_ids
    ]
    links += [Link("removed", (q,), ()) for q in old_ids if q not in new_set]
    same = old.ref == new.ref
    return VersionMapping(
        old_ref=old.ref,
        new_ref=new.ref,
        links=tuple(links),
        source="same-version" if same else "by-id",
        path=(old.ref,) if same else (old.ref, new.ref),
        reason=reason,
        sources={q: (q,) for q in new_ids if q in old_set},
    )


def declared_mapping(old: Framework, new: Framework) -> VersionMapping:
    """The mapping ``new.changes`` declares from ``old`` (``new.previous`` must be
    ``old.ref``), checked: every ``from`` id is ``old``'s, every ``to`` id ``new``'s,
    every question of both accounted for exactly once. Raises :class:`FrameworkError`
    naming the change (``changes[i]``) and the id."""
    if new.previous != old.ref:
        raise FrameworkError(f"previous: is {new.previous or 'not set'!r}, not {old.ref!r}", source=new.ref)
    old_ids, new_ids = _ids(old), _ids(new)
    old_set, new_set = set(old_ids), set(new_ids)
    problems: list[str] = []
    named_old: dict[str, int] = {}
    named_new: dict[str, int] = {}
    for i, ch in enumerate(new.changes):
        place = f"changes[{i}] ({ch.kind})"
        for qid in ch.from_:
            if qid not in old_set:
                problems.append(f"{place}.from: {old.ref} has no question {qid!r}")
            elif qid in named_old:
                problems.append(f"{place}.from: {qid!r} is already named by changes[{named_old[qid]}]")
            else:
                named_old[qid] = i
        for qid in ch.to:
            if qid not in new_set:
                problems.append(f"{place}.to: {new.ref} has no question {qid!r}")
            elif qid in named_new:
                problems.append(f"{place}.to: {qid!r} is already named by changes[{named_new[qid]}]")
            else:
                named_new[qid] = i
        if ch.kind == "renamed" and ch.from_ == ch.to:
            problems.append(f"{place}: {ch.from_[0]!r} is renamed to itself; use kind 'same'")
    for qid in old_ids:
        if qid in named_old:
            continue
        if qid not in new_set:
            problems.append(
                f"{old.ref}'s question {qid!r} is not in {new.ref} and no change names it"
                " (add a 'removed', 'renamed', 'split' or 'merged' change from it)"
            )
        elif qid in named_new:
            problems.append(
                f"changes[{named_new[qid]}].to: {qid!r} is also a question of {old.ref} that no change"
                " names as 'from', so it would be both the same question and a changed one"
                " (name it in a change's 'from', or give the new question another id)"
            )
    for qid in new_ids:
        if qid in named_new:
            continue
        if qid not in old_set:
            problems.append(
                f"question {qid!r} is not in {old.ref} and no change names it (add an 'added' change)"
            )
        elif qid in named_old:
            problems.append(
                f"changes[{named_old[qid]}].from: {qid!r} is also a question of {new.ref} that no change"
                " names as 'to', so it would be both the same question and a changed one"
                " (name it in a change's 'to', e.g. kind 'same' or 'added')"
            )
    if problems:
        raise FrameworkError(problems, source=new.ref)
    order = {q: i for i, q in enumerate(new_ids)}
    links = []
    for ch in new.changes:
        to = tuple(sorted(ch.to, key=order.__getitem__))
        links.append(Link(ch.kind, tuple(ch.from_), to, ch.note))
    links += [Link("same", (q,), (q,), declared=False) for q in new_ids if q not in named_new]
    return _mapping(old, new, links, "declared", (old.ref, new.ref))


def _mapping(
    old: Framework, new: Framework, links: Iterable[Link], source: MappingSource, path: tuple[str, ...]
) -> VersionMapping:
    """A mapping with its links in the new framework's order (removed ones last, in the
    old one's) and the sources of every new question."""
    new_order = {q: i for i, q in enumerate(_ids(new))}
    old_order = {q: i for i, q in enumerate(_ids(old))}

    def key(ln: Link) -> tuple[int, int]:
        if ln.new:
            return (0, min(new_order[q] for q in ln.new))
        return (1, min(old_order[q] for q in ln.old))

    ordered = sorted(links, key=key)
    sources = {q: ln.old for ln in ordered for q in ln.new if ln.old}
    return VersionMapping(old.ref, new.ref, tuple(ordered), source, path, sources=sources)


def _compose(frameworks: list[Framework], steps: list[VersionMapping]) -> VersionMapping:
    """The mapping from ``frameworks[0]`` to ``frameworks[-1]`` through each step (step
    ``i`` maps ``frameworks[i]`` to ``frameworks[i + 1]``). A new question's sources are
    every first-version question that reaches it; the kind follows from how many meet."""
    first, last = frameworks[0], frameworks[-1]
    sources: dict[str, set[str]] = {q: {q} for q in _ids(first)}
    # per question so far: all steps "same", all of them implicit, and the notes met
    same_all: dict[str, bool] = dict.fromkeys(_ids(first), True)
    plain: dict[str, bool] = dict.fromkeys(_ids(first), True)
    notes: dict[str, list[str]] = {q: [] for q in _ids(first)}
    for step in steps:
        nxt: dict[str, set[str]] = {}
        nxt_same: dict[str, bool] = {}
        nxt_plain: dict[str, bool] = {}
        nxt_notes: dict[str, list[str]] = {}
        for new_id, via in step.sources.items():
            link = step.link_of_new(new_id)
            step_kind, declared, note = (
                ("same", False, "") if link is None else (link.kind, link.declared, link.note)
            )
            # a question added on the way has no source in the first version
            via = tuple(o for o in via if o in sources)
            if not via:
                continue
            nxt[new_id] = set().union(*(sources[o] for o in via))
            nxt_same[new_id] = step_kind == "same" and all(same_all[o] for o in via)
            nxt_plain[new_id] = not declared and all(plain[o] for o in via)
            nxt_notes[new_id] = [n for o in via for n in notes[o]] + ([note] if note else [])
        sources, same_all, plain, notes = nxt, nxt_same, nxt_plain, nxt_notes
    # group new questions with the first-version questions they share into components
    new_ids = [q for q in _ids(last) if q in sources]
    groups: list[tuple[set[str], list[str]]] = []
    for q in new_ids:
        touching = [g for g in groups if g[0] & sources[q]]
        joined = set(sources[q]).union(*(g[0] for g in touching))
        members = [n for g in touching for n in g[1]] + [q]
        groups = [g for g in groups if g not in touching] + [(joined, members)]
    old_order = {q: i for i, q in enumerate(_ids(first))}
    links: list[Link] = []
    for group_old, news in groups:
        old_t = tuple(sorted(group_old, key=old_order.__getitem__))
        kind: ChangeKind
        if len(old_t) == 1 and len(news) == 1:
            kind = "same" if same_all[news[0]] else "renamed"
        elif len(old_t) == 1:
            kind = "split"
        else:
            kind = "merged"  # several onto one, or several onto several through a merge and a split
        note = "; ".join(dict.fromkeys(n for q in news for n in notes[q]))
        links.append(Link(kind, old_t, tuple(news), note, declared=not all(plain[q] for q in news)))
    reached = set().union(*(sources[q] for q in new_ids)) if new_ids else set()
    links += [Link("removed", (q,), ()) for q in _ids(first) if q not in reached]
    links += [Link("added", (), (q,)) for q in _ids(last) if q not in sources]
    out = _mapping(first, last, links, "chain", tuple(f.ref for f in frameworks))
    # the exact sources, not the component's: a question split and half merged elsewhere
    # takes its value from its own old questions only
    exact = {q: tuple(sorted(sources[q], key=old_order.__getitem__)) for q in new_ids}
    return VersionMapping(out.old_ref, out.new_ref, out.links, out.source, out.path, sources=exact)


def _reverse(m: VersionMapping, old: Framework, new: Framework) -> VersionMapping:
    """``m`` (from ``new`` to ``old``) read from ``old`` to ``new``."""
    links = [Link(_REVERSED[ln.kind], ln.new, ln.old, ln.note, ln.declared) for ln in m.links]
    out = _mapping(old, new, links, "reversed", tuple(reversed(m.path)))
    sources: dict[str, list[str]] = {}
    for new_id in _ids(new):
        olds = [o for o, src in m.sources.items() if new_id in src]
        if olds:
            sources[new_id] = olds
    return VersionMapping(
        out.old_ref,
        out.new_ref,
        out.links,
        out.source,
        out.path,
        sources={k: tuple(v) for k, v in sources.items()},
    )


def _chain(start: Framework, goal: Framework, lookup: Lookup) -> tuple[list[Framework], str]:
    """The versions from ``goal`` to ``start`` by following ``start``'s ``previous``
    (oldest first), or ``[]`` and why not."""
    chain = [start]
    seen = {start.ref}
    cur = start
    while len(chain) <= MAX_CHAIN:
        prev = cur.previous
        if not prev:
            if cur is start:
                return [], f"{start.ref} declares no previous version"
            return (
                [],
                f"the versions before {start.ref} ({' <- '.join(f.ref for f in chain)}) never reach {goal.ref}",
            )
        if prev == goal.ref:
            return [goal, *reversed(chain)], ""
        if prev in seen:
            return [], f"the previous versions of {start.ref} go round in a loop at {prev}"
        try:
            cur = lookup(prev)
        except FrameworkError:
            return [], f"{cur.ref} follows {prev}, which is not available"
        if cur.ref != prev:
            return [], f"looking up {prev} gave {cur.ref}"
        seen.add(prev)
        chain.append(cur)
    return [], f"the chain of versions before {start.ref} is longer than {MAX_CHAIN}"


def version_mapping(old: Framework, new: Framework, *, lookup: Lookup | None = None) -> VersionMapping:
    """How ``old``'s questions map onto ``new``'s.

    The newer framework's declarations win: ``new.previous`` naming ``old`` (directly, or
    through versions ``lookup`` finds, default :func:`builtin_lookup`) gives the declared
    mapping, composed across versions; failing that, ``old`` declaring a chain to ``new``
    gives that mapping read backwards; failing that, questions are matched by id and
    :attr:`VersionMapping.reason` says why. A declaration that does not fit its previous
    version raises :class:`FrameworkError` naming the change and the id.
    """
    if old.ref == new.ref:
        return identity_mapping(old, new)
    find = lookup or builtin_lookup
    chain, why = _chain(new, old, find)
    if chain:
        return _through(chain)
    back, why_back = _chain(old, new, find)
    if back:
        return _reverse(_through(back), old, new)
    reason = f"no mapping is declared from {old.ref} to {new.ref} ({why}"
    reason += f"; {why_back})." if old.previous else ")."
    return identity_mapping(old, new, reason)


def _through(chain: list[Framework]) -> VersionMapping:
    steps = [declared_mapping(a, b) for a, b in pairwise(chain)]
    return steps[0] if len(steps) == 1 else _compose(chain, steps)
