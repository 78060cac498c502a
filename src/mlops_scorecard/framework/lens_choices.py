"""The choices and risk rules of a lens question, and the resources (texts and links)
of questions and choices, read leniently where real lenses deviate from the format."""

from __future__ import annotations

import re
from typing import Any

from .lens_read import Fields, Problems
from .risk import RiskRuleError, parse_condition

__all__ = ["read_choices", "read_resource", "read_rules", "web_urls"]

_RISKS = {"NO_RISK": "none", "MEDIUM_RISK": "medium", "HIGH_RISK": "high"}
#: AWS's id rule is ``[A-Za-z0-9_]{3,128}``; ours also needs a letter or digit first, and
#: the condition language needs the same to read an id.
_CHOICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*")
_MAX_CONDITION = 4000
_NONE_IDS = {"noneofthese", "none_of_these", "noneoftheabove", "none_of_the_above", "none"}
_NONE_TITLES = {"none of these", "none of the above", "none of above", "none"}
_WEB_URL = re.compile(r"https?://[^\s<>\"'`\\]+\Z", re.IGNORECASE)


def read_resource(problems: Problems, f: Fields, key: str) -> tuple[str, str]:
    """``(displayText, url)`` of a helpfulResource or improvementPlan (``Url`` accepted)."""
    obj = f.mapping(key)
    if obj is None:
        return "", ""
    r = Fields(problems, f.at(key), obj)
    text = r.text("displayText") or ""
    place = r.at("url")
    url = r.text("url") or ""
    if not url and "Url" in obj:
        problems.warn(r.at("Url"), "read as 'url' (the format spells it in lower case)")
        place = r.at("Url")
        url = r.text("Url") or ""
    if not url:
        return text, ""
    first, *others = web_urls(problems, place, url)
    return "\n".join([text, *others]).strip(), first


def web_urls(problems: Problems, place: str, url: str) -> list[str]:
    """The http(s) URLs of a url field, the first being the link: published lenses
    list two separated by a comma now and then. Anything else is left out."""
    parts = [p for p in re.split(r"[,\s]+", url) if p]
    if parts and all(_WEB_URL.match(p) for p in parts):
        if len(parts) > 1:
            problems.warn(
                place, f"holds {len(parts)} URLs; the first is the link, the others are added to the text"
            )
        return parts
    problems.warn(place, f"{url[:60]!r} is not an http(s) URL; left out")
    return [""]


def _additional(problems: Problems, f: Fields) -> dict[str, list[str]]:
    """The additional resources' texts and URLs by type."""
    out: dict[str, list[str]] = {"HELPFUL_RESOURCE": [], "IMPROVEMENT_PLAN": []}
    for k, res in enumerate(f.items("additionalResources", required=False)):
        place = f.at(f"additionalResources[{k}]")
        if not isinstance(res, dict):
            problems.error(place, "must be a mapping with type and content")
            continue
        r = Fields(problems, place, res)
        kind = r.text("type") or ""
        if kind not in out:
            problems.warn(
                r.at("type"), f"unknown type {kind!r}; left out (HELPFUL_RESOURCE or IMPROVEMENT_PLAN)"
            )
            continue
        for n, item in enumerate(r.items("content")):
            if not isinstance(item, dict):
                problems.error(r.at(f"content[{n}]"), "must be a mapping with displayText and url")
                continue
            c = Fields(problems, r.at(f"content[{n}]"), item)
            url = c.text("url") or ""
            links = web_urls(problems, c.at("url"), url) if url else []
            text = " ".join(p for p in (c.text("displayText") or "", *links) if p)
            if text:
                out[kind].append(text)
    return out


def read_choices(problems: Problems, q: Fields) -> list[dict[str, Any]] | None:
    raw_choices = q.items("choices")
    if not raw_choices and isinstance(q.obj.get("choices"), list):
        problems.error(q.at("choices"), "the question has no choices")
    choices: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    ok = True
    for k, raw in enumerate(raw_choices):
        place = q.at(f"choices[{k}]")
        if not isinstance(raw, dict):
            problems.error(place, "a choice must be a mapping with id and title")
            ok = False
            continue
        f = Fields(problems, place, raw)
        cid = f.ident("choice")
        if cid is None:
            ok = False
            continue
        f.place = f"{place} ({cid})"
        if not _CHOICE_ID.fullmatch(cid) or len(cid) > 128 or cid == "default":
            problems.error(
                f.at("id"),
                f"{cid!r} is not a choice id the risk rules can name (letters, digits and _, "
                "a letter or digit first, at most 128, not 'default')",
            )
            ok = False
            continue
        if cid in seen:
            problems.error(f.at("id"), f"duplicate choice id {cid!r} (first used at {seen[cid]})")
            ok = False
            continue
        seen[cid] = f.place
        choices.append(_choice(problems, f, cid))
    if not ok:
        return None
    _mark_none(problems, q, choices)
    return choices


def _choice(problems: Problems, f: Fields, cid: str) -> dict[str, Any]:
    label = f.text("title") or ""
    if not label:
        problems.warn(f.at("title"), f"the choice has no title; labelled {cid!r}")
        label = cid
    helpful, url = read_resource(problems, f, "helpfulResource")
    plan, plan_url = read_resource(problems, f, "improvementPlan")
    more = _additional(problems, f)
    description = "\n\n".join(
        p for p in (f.text("description") or "", helpful, *more["HELPFUL_RESOURCE"]) if p
    )
    recommendation = "\n\n".join(
        p for p in (plan, plan_url if plan_url and plan_url != url else "", *more["IMPROVEMENT_PLAN"]) if p
    )
    out: dict[str, Any] = {"id": cid, "label": label}
    if description:
        out["description"] = description
    if recommendation:
        out["recommendation"] = recommendation
    if url or plan_url:
        out["url"] = url or plan_url
    return out


def _mark_none(problems: Problems, q: Fields, choices: list[dict[str, Any]]) -> None:
    """Mark the "None of these" choice: the format's ``_no`` id suffix, else (with a
    warning) an id or title that says so, as older and some published lenses have it."""
    by_spec = [c for c in choices if c["id"].lower().endswith("_no")]
    if len(by_spec) > 1:
        problems.warn(
            q.at("choices"),
            f"{len(by_spec)} choices have an id ending in _no; each is a 'None of these' choice",
        )
    if by_spec:
        for c in by_spec:
            c["none"] = True
        return
    found = [
        (k, c)
        for k, c in enumerate(choices)
        if c["id"].lower() in _NONE_IDS or re.sub(r"[^a-z ]", "", c["label"].lower()).strip() in _NONE_TITLES
    ]
    if len(found) == 1:
        k, c = found[0]
        c["none"] = True
        problems.warn(
            q.at(f"choices[{k}] ({c['id']})"),
            f"taken as the 'None of these' choice from its id or title {c['label']!r} (the format marks it with an id ending in _no)",
        )


def read_rules(problems: Problems, q: Fields, known: set[str]) -> list[dict[str, str]]:
    raw_rules = q.items("riskRules")
    if not raw_rules and isinstance(q.obj.get("riskRules"), list):
        problems.error(q.at("riskRules"), "the question has no risk rules")
    rules: list[dict[str, str]] = []
    defaults = 0
    for k, raw in enumerate(raw_rules):
        place = q.at(f"riskRules[{k}]")
        if not isinstance(raw, dict):
            problems.error(place, "a risk rule must be a mapping with condition and risk")
            continue
        f = Fields(problems, place, raw)
        condition = f.text("condition", required=True, lenient_nan=False)
        risk_text = f.text("risk", required=True, lenient_nan=False)
        risk = _RISKS.get((risk_text or "").upper())
        if risk_text is not None and risk is None:
            problems.error(f.at("risk"), f"unknown risk {risk_text!r} (NO_RISK, MEDIUM_RISK or HIGH_RISK)")
        if condition is None:
            continue
        if len(condition) > _MAX_CONDITION:
            problems.error(
                f.at("condition"),
                f"the condition is {len(condition):,} characters long (at most {_MAX_CONDITION:,})",
            )
            continue
        try:
            names = parse_condition(condition).names()
        except RiskRuleError as exc:
            problems.error(f.at("condition"), f"{exc}: {condition[:80]!r}")
            continue
        unknown = sorted(names - known)
        if unknown and known:
            problems.error(f.at("condition"), f"names {unknown[0]!r}, which is not a choice of this question")
            continue
        if defaults:
            problems.warn(f.at("condition"), "comes after the 'default' rule and never applies")
        defaults += condition == "default"
        if risk is not None:
            rules.append({"condition": condition, "risk": risk})
    if raw_rules and not defaults:
        problems.warn(
            q.at("riskRules"), "no 'default' rule; when no rule holds the question carries the highest risk"
        )
    return rules
