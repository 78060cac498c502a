"""The scan: list a repository's files, read each once, match the catalogue's signals,
and decide each practice's status.

``found`` needs at least one high or medium signal; only low signals (mentions) or
unreadable files that could have held evidence make it ``inconclusive``; otherwise
``not-found``. For the negative ``large-artifacts-committed``, ``found`` is bad news.

Which files are read is decided by path first: Python files and notebooks (for code
signals), manifests, CI configurations, and the files a ``content`` or ``mention``
signal names. Everything else is only listed, and a file's text is dropped as soon as
its signals have seen it, so memory does not grow with the repository.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import ScorecardError
from ..framework import Framework
from .ci_systems import CiStep, CiSystemError, ci_steps, ci_system
from .collect import Collector, shorten
from .manifests import ManifestError, declared_dependencies, is_lock_file, is_manifest, normalize
from .matching import CodeGate, Compiled, Matchers, compile_catalogue, compile_globs, live_lines
from .practices import Catalogue, default_catalogue
from .python_code import CodeFacts, notebook_code, notebook_facts, python_facts
from .results import RepositoryScan, ScanResult
from .sources import RepoFile, list_files, read_text

__all__ = [
    "FROZEN_SIZE",
    "MAX_WARNINGS",
    "PINNED_SHARE",
    "Progress",
    "scan",
    "scan_repository",
]

#: Called with (repository path, files done, files in all) as a scan goes on.
Progress = Callable[[str, int, int], None]
#: Warnings kept per repository; one more says how many were left out.
MAX_WARNINGS = 200
#: The share of a manifest's dependencies pinned for a ``pinned`` signal.
PINNED_SHARE = 0.9
#: A manifest of this many dependencies or more, nearly all pinned, is a frozen
#: environment rather than a list of choices.
FROZEN_SIZE = 40
_PROGRESS_EVERY = 500
#: Folders whose binaries are test data or documentation, not committed artifacts
#: (the false positives OpenSSF Scorecard's users report, anchors/scanners.md).
_EXEMPT_FOLDERS = compile_globs(
    [
        "tests/",
        "/test/",
        "testdata/",
        "test_data/",
        "test-data/",
        "fixtures/",
        "test-fixtures/",
        "test_fixtures/",
        "__fixtures__/",
        "docs/",
        "doc/",
    ]
)


def scan_repository(
    root: Path,
    *,
    catalogue: Catalogue | None = None,
    framework: Framework | None = None,
    excludes: Sequence[str] = (),
    progress: Progress | None = None,
) -> RepositoryScan:
    """Scan one repository or folder. ``framework`` fills each practice's ``questions``
    from its ``evidence:`` mapping. A path that is not there is a ScorecardError."""
    cat = catalogue or default_catalogue()
    return _scan_one(root, cat, compile_catalogue(cat), framework, excludes, progress)


def scan(
    paths: Sequence[Path],
    *,
    catalogue: Catalogue | None = None,
    framework: Framework | None = None,
    excludes: Sequence[str] = (),
    progress: Progress | None = None,
    names: Sequence[str] | None = None,
) -> ScanResult:
    """Scan several repositories: one :class:`RepositoryScan` each, in the order given.

    Each is named by ``names`` (one per path) or by its folder; two folders of one
    name (``a/app``, ``b/app``) are told apart by their parents, since the service
    keeps one scan per name."""
    if names is not None and len(names) != len(paths):
        raise ScorecardError(f"{len(names)} names for {len(paths)} paths: give one name per path")
    cat = catalogue or default_catalogue()
    matchers = compile_catalogue(cat)  # once for all the repositories
    repositories = [_scan_one(Path(p), cat, matchers, framework, excludes, progress) for p in paths]
    chosen = list(names) if names is not None else _distinct_names([Path(p) for p in paths])
    repositories = [
        r.model_copy(update={"name": shorten(n, 200)}) for r, n in zip(repositories, chosen, strict=True)
    ]
    return ScanResult(
        tool_version=__version__,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        framework=framework.ref if framework is not None else None,
        repositories=repositories,
    )


def _distinct_names(paths: list[Path]) -> list[str]:
    """Each folder's name; folders of one name with as many parents as tell them apart."""
    resolved = [p.resolve() for p in paths]
    depth = [1] * len(resolved)

    def name(i: int) -> str:
        parts = resolved[i].parts
        return "/".join(parts[-depth[i] :]) if len(parts) > 1 else str(resolved[i])

    for _ in range(max(len(r.parts) for r in resolved) if resolved else 0):
        names = [name(i) for i in range(len(resolved))]
        clashing = [
            i
            for i, n in enumerate(names)
            if depth[i] < len(resolved[i].parts)
            and any(m == n and resolved[j] != resolved[i] for j, m in enumerate(names))
        ]
        if not clashing:
            break
        for i in clashing:
            depth[i] += 1
    seen: dict[str, int] = {}
    out = []
    for n in (name(i) for i in range(len(resolved))):  # the same folder given twice
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _scan_one(
    root: Path,
    catalogue: Catalogue,
    matchers: Matchers,
    framework: Framework | None,
    excludes: Sequence[str],
    progress: Progress | None,
) -> RepositoryScan:
    if not root.exists():
        raise ScorecardError("no such file or folder", source=str(root))
    if not root.is_dir():
        raise ScorecardError("not a folder (scan a repository's or a project's folder)", source=str(root))
    listing = list_files(root, excludes=excludes)
    collector = Collector(matchers, MAX_WARNINGS)
    for w in listing.warnings:
        collector.warn(w)
    files = listing.files
    artifacts = _Artifacts(matchers, files, listing.lfs_patterns, dvc_exempts=listing.kind == "folder")
    total = len(files)
    reader = _Reader(root, matchers, collector)
    for done, f in enumerate(files):
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(str(root), done, total)
        artifacts.check(f, collector)
        reader.visit(f)
    if progress is not None:
        progress(str(root), total, total)
    questions = framework.evidence if framework is not None else {}
    return RepositoryScan(
        path=shorten(str(root), 1000),
        name=shorten(root.resolve().name, 200),
        kind=listing.kind,
        commit=listing.commit,
        files_scanned=total,
        practices=[collector.finding(p, questions.get(p.id, [])) for p in catalogue.practices],
        warnings=collector.warnings(),
    )


class _Reader:
    """Reads each file some signal needs, once, and hands its text to those signals."""

    def __init__(self, root: Path, matchers: Matchers, collector: Collector) -> None:
        self.root = root
        self.m = matchers
        self.out = collector
        self._live(list(matchers.code))
        self.wants_manifests = bool(matchers.dependency or matchers.pinned)
        # A broken CI file clouds whether there is CI, not what a CI would have run: the
        # tests or linters it might run would show in the repository's files too.
        self._ci_configs = [c for c in matchers.ci if c.signal.kind == "ci-config"]
        self.packages = {id(c): {normalize(p) for p in c.signal.packages} for c in matchers.dependency}

    def _live(self, code: list[Compiled]) -> None:
        """The code signals still looked for, and the gate that lets a file be parsed."""
        self.live_code = code
        self.live_ids = {id(c) for c in code}
        self.code_gate = CodeGate(code)
        self.imports = [c for c in code if c.signal.kind == "import"]
        self.keywords = [c for c in code if c.signal.kind == "keyword"]

    def _drop_full(self) -> None:
        # Parsing Python is nine tenths of a scan's time. A code signal with all the
        # places a result lists has shown what it can (its practice's status cannot
        # change), so it stops being looked for; its count is then a lower bound.
        live = [c for c in self.live_code if not self.out.full(c)]
        if len(live) != len(self.live_code):
            self._live(live)

    def visit(self, f: RepoFile) -> None:
        path = f.path
        lower = path.lower()
        by_path = self.m.path_signals(path)
        readers: list[Compiled] = []
        for c in by_path:
            if c.signal.kind == "file":
                if f.size >= c.signal.min_bytes:
                    size = f" of {_size(f.size)}" if c.signal.min_bytes else ""
                    self.out.add(c, path, None, c.signal.title + size)
            else:
                readers.append(c)
        code = bool(self.live_code) and lower.endswith((".py", ".ipynb"))
        # A manifest among test data or docs (a parser's fixture, the docs build's own
        # requirements) says nothing of how the project pins or what it uses.
        manifest = (
            self.wants_manifests
            and is_manifest(path)
            and not (_EXEMPT_FOLDERS is not None and _EXEMPT_FOLDERS.match(path))
        )
        ci = bool(self.m.ci) and ci_system(path) is not None
        if not (readers or code or manifest or ci):
            return
        text, warning = read_text(self.root, path)
        if warning is not None:
            self.out.warn(warning)
        if text is None:
            if warning is not None:  # a binary file (no warning) holds no text evidence
                self._unreadable(path, warning.message, readers, manifest, ci)
            return
        if readers:
            self._lines(path, text, readers)
        if code:
            self._code(path, lower, text)
        if manifest:
            self._manifest(path, text)
        if ci:
            self._ci(path, text)

    def _unreadable(self, path: str, why: str, readers: list[Compiled], manifest: bool, ci: bool) -> None:
        signals = list(readers)
        if manifest:
            signals += self.m.dependency + self.m.pinned
        if ci:
            signals += self._ci_configs
        self._missed(path, why, signals)

    def _missed(self, path: str, why: str, signals: list[Compiled]) -> None:
        # Only a file that could have held high-confidence evidence makes a practice
        # inconclusive: a templated pyproject.toml must not cloud the eight practices
        # whose packages it might have declared, nor a broken script every code practice
        # (those only warn).
        for practice in {c.practice for c in signals if c.signal.level == "high"}:
            self.out.unreadable(practice, path, why)

    def _lines(self, path: str, text: str, signals: list[Compiled]) -> None:
        pending = {id(c): c for c in signals}
        for number, line in live_lines(path, text):
            for key, c in list(pending.items()):
                assert c.pattern is not None
                if c.pattern.search(line):
                    self.out.add(c, path, number, shorten(line.strip()))
                    del pending[key]  # a file shows a signal once: its first line says where
            if not pending:
                return

    def _code(self, path: str, lower: str, text: str) -> None:
        notebook = lower.endswith(".ipynb")
        # A file is parsed only when a code signal could match in it: parsing is what a
        # scan's time goes on. A notebook is judged by its code cells (its outputs and
        # markdown hold words that never run); one that is not JSON is parsed, so that
        # the warning says what is wrong.
        gated = notebook_code(text) if notebook else text
        if gated is not None and not self.code_gate.may_match(gated):
            return
        facts: CodeFacts = notebook_facts(text) if notebook else python_facts(text)
        if facts.error:
            self.out.warn_about(path, f"could not parse: {facts.error}")
        for module, line in facts.imports:
            for c in self.imports:
                if any(module == m or module.startswith(m + ".") for m in c.signal.modules):
                    self.out.add(c, path, line, f"imports {module}", key=module)
        for call in facts.calls:
            for c in self.m.call_signals(call.name):
                if id(c) not in self.live_ids:
                    continue
                if c.signal.needs_arguments and not (call.positional or call.constant_keywords):
                    continue
                self.out.add(c, path, call.line, f"calls {call.name}", key=call.name)
            if call.constant_keywords:
                for c in self.keywords:
                    for k in call.constant_keywords:
                        if k in c.signal.keywords:
                            detail = f"passes {k}= a constant to {call.name}"
                            self.out.add(c, path, call.line, detail, key=f"{k}:{call.name}")
        self._drop_full()

    def _manifest(self, path: str, text: str) -> None:
        try:
            declared = declared_dependencies(path, text)
        except ManifestError as exc:
            self.out.warn_about(path, f"could not read the manifest: {exc}")
            self._missed(path, "the manifest could not be parsed", self.m.dependency + self.m.pinned)
            return
        if not declared:
            return
        if is_lock_file(path):
            # A lock file lists what the declared packages pulled in, not what the team
            # chose: only its presence counts (a file signal).
            return
        pinned = sum(1 for d in declared if d.pinned)
        all_pinned = pinned >= PINNED_SHARE * len(declared)
        if all_pinned:
            for c in self.m.pinned:
                if c.paths is None or c.paths.match(path):
                    detail = f"{pinned} of {len(declared)} dependencies pinned to one version"
                    self.out.add(c, path, declared[0].line, detail)
        if all_pinned and len(declared) >= FROZEN_SIZE:
            # pip freeze or conda env export: the packages of a whole environment, most
            # of them pulled in by others (Jupyter brings prometheus-client), so a name
            # in it is no sign of a practice; the code's imports are.
            return
        for d in declared:
            for c in self.m.dependency:
                if d.package in self.packages[id(c)]:
                    self.out.add(c, path, d.line, f"declares {d.package}", key=d.package)

    def _ci(self, path: str, text: str) -> None:
        system = ci_system(path, text)
        if system is None:
            return
        try:
            steps = ci_steps(path, text)
        except CiSystemError as exc:
            self.out.warn_about(path, f"could not read the CI configuration: {exc}")
            self._missed(path, f"the {system} configuration could not be parsed", self._ci_configs)
            return
        for c in self.m.ci:
            kind = c.signal.kind
            if kind == "ci-config":
                if not _only_housekeeping(steps, c):
                    self.out.add(c, path, None, f"{system} configuration")
                continue
            want = "command" if kind == "ci-command" else "uses"
            assert c.pattern is not None
            for step in steps:
                if step.kind == want and c.pattern.search(step.text):
                    verb = "runs" if want == "command" else "uses"
                    self.out.add(c, path, step.line, shorten(f"{verb} {step.text.strip()}"), key=step.text)


def _only_housekeeping(steps: list[CiStep], c: Compiled) -> bool:
    """Whether a configuration only runs what the ``ci-config`` signal's pattern names
    (a workflow that marks stale issues builds and checks nothing). A configuration of
    no steps we can see still counts: its system may run a default."""
    pattern = c.pattern
    if pattern is None or not steps:
        return False
    return all(step.kind == "uses" and pattern.search(step.text) for step in steps)


class _Artifacts:
    """The ``artifact`` signals: tracked binaries by extension and size, unless stored in
    LFS, under a DVC pointer (in a working folder), or test data and docs."""

    def __init__(
        self, matchers: Matchers, files: list[RepoFile], lfs: list[str], *, dvc_exempts: bool
    ) -> None:
        self.signals = [(c, tuple(e.lower() for e in c.signal.extensions)) for c in matchers.artifact]
        self.smallest = min((c.signal.min_bytes for c in matchers.artifact), default=0)
        self.lfs = compile_globs(lfs)
        # DVC writes a .gitignore for what it tracks, so a git checkout never lists it;
        # a plain folder may hold the pulled data beside its pointer.
        self.pointers = (
            {f.path[: -len(".dvc")] for f in files if f.path.endswith(".dvc")} if dvc_exempts else set()
        )

    def check(self, f: RepoFile, out: Collector) -> None:
        if not self.signals or f.size < self.smallest:
            return
        lower = f.path.lower()
        for c, extensions in self.signals:
            if f.size >= c.signal.min_bytes and lower.endswith(extensions):
                if self._exempt(f.path):
                    return
                out.add(c, f.path, None, f"{_size(f.size)} committed to git")
                return

    def _exempt(self, path: str) -> bool:
        if _EXEMPT_FOLDERS is not None and _EXEMPT_FOLDERS.match(path):
            return True
        if self.lfs is not None and self.lfs.match(path):
            return True
        if self.pointers:
            parts = path.split("/")
            return any("/".join(parts[:i]) in self.pointers for i in range(1, len(parts) + 1))
        return False


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"
