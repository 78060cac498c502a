"""AWS Well-Architected custom lens import: a lens JSON file becomes a framework.

The lens's pillars become dimensions, its questions multiple-choice questions that keep
their ids (lower-cased to fit a framework id), its choices the questions' choices (the
"None of these" choice included) and its risk rules the rules that give each question
its value: no risk 1, medium risk 0.5, high risk 0 on the scale the framework gets. The
mapping, and what real lenses do that the format does not say, is in
``docs/framework-format.md`` ("Importing an AWS lens").

:func:`lens_to_framework` converts the whole lens or raises :class:`FrameworkError` with
every problem, naming the pillar, question and field; nothing is half converted.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import FrameworkError
from .lens_choices import read_choices, read_resource, read_rules, web_urls
from .lens_read import MAX_LENS_BYTES, Fields, Problems, parse_lens_json
from .loading import parse_framework
from .models import Framework

__all__ = [
    "LENS_LEVELS",
    "LENS_SCALE",
    "MAX_LENS_BYTES",
    "LensFile",
    "LensImport",
    "framework_yaml",
    "is_lens",
    "lens_file",
    "lens_to_framework",
]

#: The answer scale of an imported lens: a question's risk is its answer.
LENS_SCALE: dict[str, dict[str, Any]] = {
    "yes": {
        "label": "No risk",
        "value": 1.0,
        "description": "The lens's risk rules find no risk in the choices selected.",
    },
    "partly": {
        "label": "Medium risk",
        "value": 0.5,
        "description": "The lens's risk rules find a medium risk.",
    },
    "no": {"label": "High risk", "value": 0.0, "description": "The lens's risk rules find a high risk."},
    "na": {
        "label": "Not applicable",
        "value": None,
        "description": "The question does not apply to this workload; left out of the score.",
    },
    "unknown": {
        "label": "Don't know",
        "value": None,
        "description": "Not answered yet; left out of the score.",
    },
}
#: Score bands of an imported lens (0-100, the mean of the questions' values): "No risk"
#: only when every answered question is free of risk.
LENS_LEVELS: list[dict[str, Any]] = [
    {"id": "high-risk", "name": "High risk", "min": 0, "description": "Most questions carry a high risk."},
    {
        "id": "medium-risk",
        "name": "Medium risk",
        "min": 50,
        "description": "On average, questions carry a medium risk.",
    },
    {
        "id": "low-risk",
        "name": "Low risk",
        "min": 75,
        "description": "Most questions are free of risk; some carry a medium or high risk.",
    },
    {
        "id": "no-risk",
        "name": "No risk",
        "min": 100,
        "description": "Every answered question is free of risk.",
    },
]


@dataclass
class LensImport:
    """A converted lens: the framework, its file data (ready to dump as YAML), the
    warnings (each naming pillar, question and field) and how the lens's pillar and
    question ids map to the framework's dimension and question ids."""

    framework: Framework
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    dimension_ids: dict[str, str] = field(default_factory=dict)
    question_ids: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """``N pillars, N questions, N choices``."""
        questions = [q for _, q in self.framework.iter_questions("full")]
        choices = sum(len(q.choices) for q in questions)
        return ", ".join(
            _count(n, what)
            for n, what in (
                (len(self.framework.dimensions), "pillar"),
                (len(questions), "question"),
                (choices, "choice"),
            )
        )


def is_lens(text: str) -> bool:
    """Whether ``text`` is an AWS lens rather than a framework file: a JSON object with
    ``pillars`` and no ``dimensions`` (a framework in JSON has dimensions)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("{") or '"pillars"' not in stripped:
        return False  # cheap: most uploads are YAML frameworks
    try:
        data = json.loads(stripped, parse_constant=str)
    except ValueError:
        return False
    return isinstance(data, dict) and "pillars" in data and "dimensions" not in data


@dataclass(frozen=True)
class LensFile:
    """A lens converted for publishing: the framework file's YAML text, its file name
    (``<stem>.yaml``) and the conversion's warnings."""

    text: str
    filename: str
    warnings: list[str]


def lens_file(text: str, *, filename: str) -> LensFile:
    """Convert the lens ``text`` (from ``filename``, ``""`` when pasted) into the framework
    file to publish; raises :class:`FrameworkError` as :func:`lens_to_framework`."""
    lens = lens_to_framework(text, source=filename or "pasted lens")
    stem = filename.rsplit(".", 1)[0] if filename else lens.framework.id
    yaml_text = framework_yaml(lens.data, header=f"Imported from the AWS lens {filename or 'pasted'}")
    return LensFile(yaml_text, f"{stem}.yaml", lens.warnings)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def slugify(text: str, *, split_camel: bool = True) -> str:
    """An id (``^[a-z0-9][a-z0-9._-]*$``, at most 80 characters) made of ``text``:
    ``operationalExcellence`` -> ``operational-excellence``, ``OPS_1`` -> ``ops_1``."""
    if split_camel:
        text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text)
    out = re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-._")
    return out[:80].rstrip("-._")


def lens_to_framework(
    text: str | bytes, *, source: str, framework_id: str | None = None, version: str | None = None
) -> LensImport:
    """Convert a lens (its JSON text) into a framework.

    The framework's id is ``framework_id`` or the lens name made an id; its version
    ``version``, else the lens's ``_version`` (without a leading ``v``), else ``1.0``.
    Raises :class:`FrameworkError` (every problem, each naming pillar, question and
    field, the file ``source``) when the lens cannot be converted as a whole.
    """
    data = parse_lens_json(text, source=source)
    problems = Problems(source)
    if not isinstance(data, dict):
        raise FrameworkError("a lens must be a JSON object with name, description and pillars", source=source)
    lens = Fields(problems, "", data)
    name = lens.text("name", required=True) or ""
    if "name" in data and not name:
        problems.error("name", "the lens has no name")
    description = lens.text("description") or ""
    schema = lens.text("schemaVersion") or ""
    if schema and schema != "2021-11-01":
        problems.warn("schemaVersion", f"{schema!r} is not the known 2021-11-01; read as if it were")
    fid = framework_id if framework_id is not None else slugify(name, split_camel=False)
    if not fid and name:
        problems.error("name", f"{name!r} gives no framework id; name one when importing (--id)")
    out_version = version if version is not None else _lens_version(data.get("_version"))
    pillars = lens.items("pillars")
    if not pillars and "pillars" in data and isinstance(data["pillars"], list):
        problems.error("pillars", "the lens has no pillars")
    dimensions: list[dict[str, Any]] = []
    ids = _Ids()
    for i, pillar in enumerate(pillars):
        dim = _pillar(problems, ids, i, pillar)
        if dim is not None:
            dimensions.append(dim)
    problems.raise_if_any()
    out: dict[str, Any] = {
        "format": 1,
        "id": fid,
        "version": out_version,
        "title": name,
        "description": description,
        "source": _source(data, name, source),
        "overall": "weighted-mean",
        "scale": copy.deepcopy(LENS_SCALE),
        "levels": copy.deepcopy(LENS_LEVELS),
        "dimensions": dimensions,
    }
    framework = parse_framework(out, source=source)
    return LensImport(framework, out, problems.warnings, ids.dimensions, ids.questions)


def _lens_version(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        value = str(value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return (text[1:] if text[:1] in "vV" and text[1:2].isdigit() else text)[:40]
    return "1.0"


def _source(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": name,
        "citation": f"Imported from the AWS Well-Architected custom lens {name!r} ({source.rsplit('/', 1)[-1]}).",
    }
    released = data.get("_release_date")
    if isinstance(released, str) and re.match(r"(19|20)\d\d\b", released.strip()):
        out["year"] = int(released.strip()[:4])
    return out


@dataclass
class _Ids:
    dimensions: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)
    dimension_place: dict[str, str] = field(default_factory=dict)
    question_place: dict[str, str] = field(default_factory=dict)


def _claim(
    problems: Problems, f: Fields, lens_id: str, our_id: str, *, what: str, kind: str, seen: dict[str, str]
) -> bool:
    """Whether ``our_id`` (the framework id made of the lens's ``lens_id``) is usable and
    not taken; records its place in ``seen``, or reports why not."""
    if not our_id:
        problems.error(f.at("id"), f"{lens_id!r} gives no {kind} id")
        return False
    if our_id in seen:
        problems.error(f.at("id"), f"{what} id {lens_id!r} is the same id as {seen[our_id]} (as {our_id!r})")
        return False
    seen[our_id] = f.place
    return True


def _pillar(problems: Problems, ids: _Ids, i: int, pillar: Any) -> dict[str, Any] | None:
    place = f"pillars[{i}]"
    if not isinstance(pillar, dict):
        problems.error(place, "a pillar must be a mapping with id, name and questions")
        return None
    f = Fields(problems, place, pillar)
    pid = f.ident("pillar")
    if pid is None:
        return None
    place = f.place = f"pillars[{i}] ({pid})"
    title = f.text("name") or ""
    if not title:
        problems.warn(f.at("name"), f"the pillar has no name; titled {pid!r}")
        title = pid
    dim_id = slugify(pid)
    if not _claim(problems, f, pid, dim_id, what="pillar", kind="dimension", seen=ids.dimension_place):
        return None
    ids.dimensions[pid] = dim_id
    raw_questions = f.items("questions")
    if not raw_questions and isinstance(pillar.get("questions"), list):
        problems.error(f.at("questions"), "the pillar has no questions")
    questions = [
        q
        for j, raw in enumerate(raw_questions)
        if (q := _question(problems, ids, f"{place}.questions[{j}]", raw))
    ]
    return {
        "id": dim_id,
        "title": title,
        "description": f"Lens pillar {pid}.",
        "questions": questions,
    }


def _question(problems: Problems, ids: _Ids, place: str, raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.error(place, "a question must be a mapping with id, title, choices and riskRules")
        return None
    f = Fields(problems, place, raw)
    lens_qid = f.ident("question")
    if lens_qid is None:
        return None
    place = f.place = f"{place} ({lens_qid})"
    qid = slugify(lens_qid, split_camel=False)
    if not _claim(problems, f, lens_qid, qid, what="question", kind="question", seen=ids.question_place):
        return None
    ids.questions[lens_qid] = qid
    title = f.text("title")
    if title == "":
        problems.warn(f.at("title"), "the question has no title; its text says so")
        title = f"Question {lens_qid} (untitled in the lens)"
    description = f.text("description") or ""
    # a lens that repeats the title as description would show the question twice
    guidance = [description if _plain(description) != _plain(title or "") else ""]
    helpful = read_resource(problems, f, "helpfulResource")
    url = f.text("url") or ""  # a question-level url, seen once in a published lens
    if url and not helpful[1]:
        helpful = (helpful[0], " ".join(web_urls(problems, f.at("url"), url)))
    guidance += [helpful[0], helpful[1]]
    if qid != lens_qid:
        guidance.append(f"Lens question id: {lens_qid}.")
    choices = read_choices(problems, f)
    rules = read_rules(problems, f, {c["id"] for c in choices or []})
    if title is None or choices is None:
        return None
    return {
        "id": qid,
        "text": title,
        "guidance": "\n\n".join(part for part in guidance if part),
        "choices": choices,
        "risk_rules": rules,
    }


def _plain(text: str) -> str:
    """``text`` for comparing: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", text.casefold())


try:  # the C emitter writes a large lens's framework five times faster
    _BaseDumper: type[yaml.SafeDumper] = yaml.CSafeDumper  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseDumper = yaml.SafeDumper


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Block style for texts of several lines, so a framework file reads as written."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def framework_yaml(data: dict[str, Any], *, header: str = "") -> str:
    """Framework file data as YAML text (``header`` lines become comments at the top)."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comments + text
