"""What a scan keeps while it runs: evidence per signal (the first few places, and a
count of all), files that could have held evidence but could not be read, and
warnings; and, at the end, each practice's finding.

Only :data:`~.results.MAX_EVIDENCE` items are kept per signal, so a repository of
100,000 test files costs no more memory than one of a hundred.
"""

from __future__ import annotations

from collections.abc import Hashable

from .matching import Compiled, Matchers
from .practices import Practice
from .results import MAX_EVIDENCE, Evidence, PracticeFinding, ScanWarning, strongest

__all__ = ["Collector", "shorten"]

#: Files named in an inconclusive practice's note.
_NOTE_FILES = 3
#: The longest path a result holds (``Evidence.path``).
_MAX_PATH = 1000


def shorten(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Found:
    __slots__ = ("count", "items", "path", "seen")

    def __init__(self) -> None:
        self.items: list[Evidence] = []
        self.count = 0
        # Files are visited one at a time, so only the current file's keys are kept.
        self.path = ""
        self.seen: set[Hashable] = set()


class Collector:
    """Evidence, unreadable files and warnings of one repository's scan."""

    def __init__(self, matchers: Matchers, max_warnings: int) -> None:
        # Keyed by place in the catalogue, which is the same in every worker process.
        self.found: dict[tuple[str, int], _Found] = {
            (c.practice, c.index): _Found() for c in matchers.signals
        }
        self.by_practice: dict[str, list[Compiled]] = {}
        for c in matchers.signals:
            self.by_practice.setdefault(c.practice, []).append(c)
        self.missed: dict[str, list[str]] = {}
        self.missed_count: dict[str, int] = {}
        self.max_warnings = max_warnings
        self.kept: list[ScanWarning] = []
        self.more_warnings = 0

    def add(self, c: Compiled, path: str, line: int | None, detail: str, *, key: Hashable = None) -> None:
        """Record that signal ``c`` is seen at ``path`` (and ``line``); once per file
        and ``key`` (a file calling ``mlflow.log_metric`` fifty times shows it once)."""
        f = self.found[(c.practice, c.index)]
        if f.path != path:
            f.path = path
            f.seen = set()
        elif key in f.seen:
            return
        f.seen.add(key)
        f.count += 1
        # A path longer than the result's schema allows is counted, not listed.
        if len(f.items) < MAX_EVIDENCE and len(path) <= _MAX_PATH:
            f.items.append(
                Evidence(
                    path=path,
                    line=line,
                    signal=c.signal.id,
                    confidence=c.signal.level,
                    detail=shorten(detail),
                )
            )

    def unreadable(self, practice: str, path: str, why: str) -> None:
        """A file that could have held evidence of ``practice`` could not be read."""
        files = self.missed.setdefault(practice, [])
        self.missed_count[practice] = self.missed_count.get(practice, 0) + 1
        if len(files) < _NOTE_FILES:
            files.append(f"{path} ({why})")

    def warn(self, warning: ScanWarning) -> None:
        """Keep a warning, up to the limit; count the rest."""
        if len(self.kept) < self.max_warnings:
            if len(warning.path) > _MAX_PATH:
                warning = ScanWarning(path=shorten(warning.path, _MAX_PATH), message=warning.message)
            self.kept.append(warning)
        else:
            self.more_warnings += 1

    def warn_about(self, path: str, message: str) -> None:
        """Keep a warning about ``path`` (both cut to what a result holds)."""
        self.warn(ScanWarning(path=shorten(path, _MAX_PATH), message=shorten(message, 500)))

    def full(self, c: Compiled) -> bool:
        """Whether signal ``c`` already has every place a result lists."""
        return len(self.found[(c.practice, c.index)].items) >= MAX_EVIDENCE

    def warnings(self) -> list[ScanWarning]:
        """The warnings kept, and one saying how many more there were."""
        if not self.more_warnings:
            return list(self.kept)
        return [*self.kept, ScanWarning(message=f"{self.more_warnings} more warnings not listed")]

    def finding(self, practice: Practice, questions: list[str]) -> PracticeFinding:
        """The practice's status, its strongest evidence first, and why when inconclusive."""
        signals = self.by_practice.get(practice.id, [])
        groups = [(c, self.found[(c.practice, c.index)]) for c in signals]
        total = sum(f.count for _, f in groups)
        evidence = _select(groups)
        level = strongest([c.signal.level for c, f in groups if f.count])
        note = ""
        if level in ("high", "medium"):
            status = "found"
        elif level == "low":
            status = "inconclusive"
            seen = ", ".join(dict.fromkeys(c.signal.title for c, f in groups if f.count))
            note = f"only low-confidence evidence ({seen}); check by hand"
        elif practice.id in self.missed:
            status = "inconclusive"
            count = self.missed_count[practice.id]
            more = f" and {count - _NOTE_FILES} more" if count > _NOTE_FILES else ""
            note = (
                "could not read files that may hold the evidence: "
                + "; ".join(self.missed[practice.id])
                + more
            )
        else:
            status = "not-found"
        return PracticeFinding(
            id=practice.id,
            title=practice.title,
            negative=practice.negative,
            status=status,
            confidence=level,
            evidence=evidence,
            evidence_total=total,
            questions=list(questions),
            note=shorten(note, 500),
        )


def _select(groups: list[tuple[Compiled, _Found]]) -> list[Evidence]:
    """Up to MAX_EVIDENCE items, strongest signals first, taking from each signal in turn
    so that one signal seen in hundreds of files does not hide the others."""
    ordered = sorted((g for g in groups if g[1].items), key=lambda g: (g[0].rank, g[0].index))
    chosen: list[tuple[int, int, Evidence]] = []
    depth = 0
    while len(chosen) < MAX_EVIDENCE and any(depth < len(f.items) for _, f in ordered):
        for position, (_, f) in enumerate(ordered):
            if depth < len(f.items) and len(chosen) < MAX_EVIDENCE:
                chosen.append((position, depth, f.items[depth]))
        depth += 1
    chosen.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in chosen]
