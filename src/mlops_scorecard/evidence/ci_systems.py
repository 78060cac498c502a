"""Continuous integration in any common system, and what its jobs run.

GitHub Actions (and Gitea/Forgejo Actions), GitLab CI (and its included local files),
Azure Pipelines (wherever its YAML lives: ``azure-pipelines.yml``, ``.azure-pipelines/``,
``.pipelines/``...), Jenkins, CircleCI, Cloud Build, Buildkite, Travis, Bitbucket
Pipelines, Drone, Woodpecker, AppVeyor, Semaphore, Codemagic, Tekton, AWS CodeBuild,
Cirrus CI. A configuration is recognised by its path and confirmed by its content where
the path alone is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

import yaml

from .ci_yaml import SYSTEM_KEYS, YamlCiError, compose, shell_lines, step_tuples, top_level_keys
from .jenkinsfile import jenkins_steps

__all__ = ["CiStep", "CiSystemError", "ci_steps", "ci_system"]


class CiSystemError(ValueError):
    """A CI configuration that cannot be parsed."""


@dataclass(frozen=True)
class CiStep:
    """One thing a CI configuration does: a shell ``command`` it runs, or an action,
    orb, image or template it ``uses``; with the 1-based line."""

    kind: Literal["command", "uses"]
    text: str
    line: int


#: (glob on the whole relative path, system); the first match wins. ``*`` stays within
#: a folder, ``**/`` is any number of folders.
_BY_PATH: list[tuple[str, str]] = [
    (".github/workflows/*.yml", "github-actions"),
    (".github/workflows/*.yaml", "github-actions"),
    (".github/actions/**/action.yml", "github-actions"),
    (".github/actions/**/action.yaml", "github-actions"),
    (".gitea/workflows/*.y*ml", "gitea-actions"),
    (".forgejo/workflows/*.y*ml", "gitea-actions"),
    ("**/.gitlab-ci.yml", "gitlab-ci"),
    ("**/.gitlab-ci.yaml", "gitlab-ci"),
    ("**/*.gitlab-ci.yml", "gitlab-ci"),
    ("**/*.gitlab-ci.yaml", "gitlab-ci"),
    (".gitlab/ci/**/*.y*ml", "gitlab-ci"),
    (".gitlab-ci/**/*.y*ml", "gitlab-ci"),
    ("**/azure-pipelines*.y*ml", "azure-pipelines"),
    (".circleci/*.y*ml", "circleci"),
    ("**/cloudbuild*.y*ml", "cloud-build"),
    ("**/cloudbuild*.json", "cloud-build"),
    (".buildkite/**/*.y*ml", "buildkite"),
    ("buildkite.y*ml", "buildkite"),
    (".buildkite.y*ml", "buildkite"),
    (".travis.yml", "travis"),
    (".travis.yaml", "travis"),
    ("bitbucket-pipelines.yml", "bitbucket-pipelines"),
    (".drone.yml", "drone"),
    (".drone.yaml", "drone"),
    (".woodpecker.y*ml", "woodpecker"),
    (".woodpecker/**/*.y*ml", "woodpecker"),
    ("appveyor.yml", "appveyor"),
    (".appveyor.yml", "appveyor"),
    (".semaphore/**/*.y*ml", "semaphore"),
    ("codemagic.yaml", "codemagic"),
    ("codemagic.yml", "codemagic"),
    (".tekton/**/*.y*ml", "tekton"),
    ("**/buildspec*.y*ml", "aws-codebuild"),
    (".cirrus.yml", "cirrus-ci"),
]
#: Folders whose YAML files are Azure Pipelines only when their content says so.
_AZURE_FOLDERS = frozenset(
    {
        ".azure-pipelines",
        "azure-pipelines",
        ".pipelines",
        "pipelines",
        ".azuredevops",
        ".ado",
        ".azure",
        "azure",
        ".vsts",
        "ci",
        ".ci",
    }
)
#: Systems whose path is confirmed by content when ``ci_system`` is given the text.
_AMBIGUOUS = frozenset({"azure-pipelines-candidate", "aws-codebuild", "cloud-build"})
#: Azure's top-level keys and, when their value is a mapping, the keys it may have (an
#: Azure ML schedule also has a "trigger", with "type": it is no pipeline).
_AZURE_TOP: dict[str, frozenset[str]] = {
    "trigger": frozenset({"branches", "paths", "tags", "batch"}),
    "pr": frozenset({"branches", "paths", "drafts", "autoCancel"}),
    "pool": frozenset({"vmImage", "name", "demands"}),
    "extends": frozenset({"template", "parameters"}),
}
_AZURE_ITEM_KEYS = frozenset(
    {
        "script",
        "bash",
        "pwsh",
        "powershell",
        "task",
        "template",
        "checkout",
        "job",
        "deployment",
        "stage",
        "download",
        "publish",
    }
)
_NOT_JENKINS = (".md", ".txt", ".rst", ".png", ".svg", ".py", ".sh", ".json", ".yml", ".yaml", ".html")
_JENKINS = re.compile(r"(?:.*[._-])?jenkinsfile(?:[._-].*)?", re.IGNORECASE)


def _glob_regex(pattern: str) -> str:
    """gitwildmatch-like: ``**/`` any folders (or none), ``*`` never crosses a ``/``."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return regex


# One alternation, compiled once: a scan asks about every file, and the first pattern
# (in _BY_PATH's order) that matches the whole path names its group.
_BY_PATH_RE = re.compile("|".join(f"(?P<p{i}>{_glob_regex(p)})" for i, (p, _) in enumerate(_BY_PATH)))


def _by_path(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if _JENKINS.fullmatch(name) and not name.lower().endswith(_NOT_JENKINS):
        return "jenkins"
    match = _BY_PATH_RE.fullmatch(path)
    if match is not None and match.lastgroup is not None:
        return _BY_PATH[int(match.lastgroup[1:])][1]
    if fnmatchcase(name.lower(), "*.y*ml"):
        folders = path.split("/")[:-1]
        if any(f.lower() in _AZURE_FOLDERS for f in folders) or "pipeline" in name.lower():
            return "azure-pipelines-candidate"
    return None


def ci_system(path: str, text: str | None = None) -> str | None:
    """The CI system ``path`` configures (``"github-actions"``, ``"gitlab-ci"``,
    ``"azure-pipelines"``, ``"jenkins"``, ``"circleci"``, ``"cloud-build"``...), or ``None``.

    Some paths are ambiguous: a YAML file under ``.pipelines/``, ``.azure-pipelines/``,
    ``ci/``... is Azure Pipelines only if its top level has Azure's keys; a
    ``buildspec.yml`` must have ``phases``; a ``cloudbuild`` file ``steps``. Without
    ``text`` such a path gives its likely system (read the file and ask again to be
    sure); with ``text`` it is confirmed or ``None`` (malformed YAML confirms no Azure
    candidate; a malformed ``cloudbuild``/``buildspec`` file keeps its system, so that
    :func:`ci_steps` reports it).
    """
    system = _by_path(path)
    if system is None:
        return None
    candidate = "azure-pipelines" if system == "azure-pipelines-candidate" else system
    if text is None or system not in _AMBIGUOUS:
        return candidate
    try:
        roots = compose(text) if not path.endswith(".json") else compose(_json_as_yaml(text))
    except YamlCiError:
        # a broken cloudbuild.yaml is still Cloud Build (ci_steps says what is wrong);
        # a broken YAML file under ci/ could be anything
        return None if system == "azure-pipelines-candidate" else candidate
    top: dict[str, yaml.Node] = {}
    for root in roots:
        top |= top_level_keys(root)
    if system == "aws-codebuild":
        return candidate if "phases" in top else None
    if system == "cloud-build":
        return candidate if "steps" in top else None
    return candidate if _looks_like_azure(top) else None


def _looks_like_azure(top: dict[str, yaml.Node]) -> bool:
    for key, allowed in _AZURE_TOP.items():
        node = top.get(key)
        if node is None:
            continue
        if not isinstance(node, yaml.MappingNode):
            return key != "extends"  # trigger: none, pr: [main], pool: name
        keys = top_level_keys(node).keys()
        if keys and keys <= allowed:
            return True
    for key in ("stages", "jobs", "steps"):
        node = top.get(key)
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.MappingNode) and _AZURE_ITEM_KEYS & top_level_keys(item).keys():
                    return True
    return False


def _json_as_yaml(text: str) -> str:
    # JSON is YAML except that YAML forbids tabs where JSON allows them as blanks
    return text.replace("\t", " ")


def ci_steps(path: str, text: str) -> list[CiStep]:
    """What the CI configuration at ``path`` runs and uses (comments never count).
    Raises :class:`CiSystemError` for a configuration that cannot be parsed; a path no
    system reads gives nothing.

    Commands are the shell lines of each step (a ``|`` block line by line, comment lines
    dropped, ``\\`` continuations joined), in file order. What a job only declares
    (artifacts, reports, rules) is neither a command nor a use.
    """
    system = _by_path(path)
    if system is None:
        return []
    if system == "jenkins":
        return [CiStep(kind, value, line) for kind, value, line in jenkins_steps(text)]
    try:
        roots = compose(_json_as_yaml(text) if path.endswith(".json") else text)
    except YamlCiError as err:
        raise CiSystemError(f"{path}: {err}") from None
    if system == "cloud-build":
        steps = _cloud_build(roots, text)
    else:
        key = "azure-pipelines" if system == "azure-pipelines-candidate" else system
        steps = step_tuples(roots, SYSTEM_KEYS[key], text)
        if system == "circleci":
            steps = sorted(dict.fromkeys(steps + _circleci_orb_calls(roots)), key=lambda step: step[2])
    return [CiStep(kind, value, line) for kind, value, line in steps]


def _circleci_orb_calls(roots: list[yaml.Node]) -> list[tuple[Literal["command", "uses"], str, int]]:
    """Orb commands run as steps (``- python/install-packages``) and orb jobs run by
    workflows (``jobs: [python/test]``): each ``alias/name`` is used."""
    out: list[tuple[Literal["command", "uses"], str, int]] = []
    lists: list[yaml.Node] = []
    for root in roots:
        top = top_level_keys(root)
        for section in ("jobs", "commands"):
            for body in top_level_keys(top.get(section, yaml.ScalarNode("", ""))).values():
                lists.append(top_level_keys(body).get("steps", yaml.ScalarNode("", "")))
        for workflow in top_level_keys(top.get("workflows", yaml.ScalarNode("", ""))).values():
            lists.append(top_level_keys(workflow).get("jobs", yaml.ScalarNode("", "")))
    for node in lists:
        if not isinstance(node, yaml.SequenceNode):
            continue
        for item in node.value:
            keys = (
                [item]
                if isinstance(item, yaml.ScalarNode)
                else [k for k, _ in item.value]
                if isinstance(item, yaml.MappingNode)
                else []
            )
            for key in keys:
                if isinstance(key, yaml.ScalarNode) and "/" in str(key.value):
                    out.append(("uses", str(key.value), key.start_mark.line + 1))
    return out


_SHELLS = frozenset({"bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env", "pwsh", "powershell"})


def _cloud_build(roots: list[yaml.Node], text: str) -> list[tuple[Literal["command", "uses"], str, int]]:
    """Cloud Build: each step's image (``name``) is used; ``script``, or ``entrypoint``
    with ``args`` (``bash -c '...'`` read as its script), is the command."""
    lines = text.splitlines()
    out: list[tuple[Literal["command", "uses"], str, int]] = []
    for root in roots:
        steps = top_level_keys(root).get("steps")
        if not isinstance(steps, yaml.SequenceNode):
            continue
        for step in steps.value:
            keys = top_level_keys(step)
            name = keys.get("name")
            image = str(name.value) if isinstance(name, yaml.ScalarNode) else ""
            if image:
                out.append(("uses", image, name.start_mark.line + 1))  # type: ignore[union-attr]
            script = keys.get("script")
            if isinstance(script, yaml.ScalarNode):
                out += [("command", t, n) for t, n in shell_lines(script, lines)]
            entry = keys.get("entrypoint")
            program = str(entry.value) if isinstance(entry, yaml.ScalarNode) else ""
            args = keys.get("args")
            arg_nodes = (
                [a for a in args.value if isinstance(a, yaml.ScalarNode)]
                if isinstance(args, yaml.SequenceNode)
                else []
            )
            if (
                program in _SHELLS
                and len(arg_nodes) >= 2
                and arg_nodes[0].value.startswith("-")
                and "c" in arg_nodes[0].value
            ):
                out += [("command", t, n) for t, n in shell_lines(arg_nodes[1], lines)]
            elif arg_nodes or program:
                # the image's own program: gcr.io/cloud-builders/docker -> docker
                program = program or image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
                where = arg_nodes[0].start_mark.line + 1 if arg_nodes else entry.start_mark.line + 1  # type: ignore[union-attr]
                out.append(
                    ("command", " ".join([program, *(str(a.value) for a in arg_nodes)]).strip(), where)
                )
    return out
