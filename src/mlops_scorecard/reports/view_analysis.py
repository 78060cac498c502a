"""Display rows for the analysis sections (agreement, hotspots, intervals, roles, plan,
trend), built from the report data only; :func:`.view.report_view` merges them in."""

from __future__ import annotations

from typing import Any

from ..format import NO_SCORE as NO_VALUE
from ..format import fmt_alpha, fmt_counts, fmt_interval, fmt_number

__all__ = ["COMMENTS_PER_HOTSPOT", "analysis_view", "interval_text"]

#: Comments shown beside a hotspot; the rest are in "Answers per question".
COMMENTS_PER_HOTSPOT = 3


def interval_text(iv: dict[str, float] | None) -> str:
    """An interval of the report data as ``44.4`` en dash ``52.1``; ``—`` when there is none."""
    return NO_VALUE if iv is None else fmt_interval(iv["low"], iv["high"])


def _num(value: float | None, sign: bool = False) -> str:
    return fmt_number(value, sign=sign)


def _answers(dist: dict[str, int]) -> str:
    return fmt_counts(dist)


def _agreement(data: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    ag = data["agreement"]

    def row(title: str, a: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": title,
            "alpha": fmt_alpha(a["alpha"]),
            "band": a["band"],
            "reading": a["reading"],
            "reason": a["reason"],
            "units": a["units"],
            "value_count": a["values"],
        }

    rows = [row(titles.get(k, k), a) for k, a in ag["dimensions"].items()]
    return {"overall": row("Overall", ag["overall"]), "rows": rows}


def _hotspots(data: dict[str, Any], titles: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for i, h in enumerate(data["hotspots"], start=1):
        comments = h["comments"]
        out.append(
            {
                "rank": i,
                "id": h["question"],
                "text": h["text"],
                "dimension": titles.get(h["dimension"], h["dimension"]),
                "answers": _answers(h["distribution"]),
                "kind": "split (yes and no)" if h["split"] else "spread",
                "swing": _num(h["swing"]),
                "overall_swing": _num(h["overall_swing"]),
                "comments": comments[:COMMENTS_PER_HOTSPOT],
                "more_comments": max(0, len(comments) - COMMENTS_PER_HOTSPOT),
            }
        )
    return out


def _roles(data: dict[str, Any], dims: list[dict[str, Any]]) -> dict[str, Any]:
    roles = data["roles"]
    ids = [d["id"] for d in dims]

    def row(entry: dict[str, Any], name: str, group: bool) -> dict[str, Any]:
        return {
            "name": name,
            "n": entry["respondents"],
            "scores": [_num(entry["dimensions"].get(i)) for i in ids],
            "overall": _num(entry["overall"]),
            "group": group,
        }

    rows = [row(r, r["role"], False) for r in roles["roles"]]
    rows += [row(g, f"{g['group']} (group)", True) for g in roles["groups"]]
    gap = None
    if roles["gaps"]:
        by_dim = {g["dimension"]: g["gap"] for g in roles["gaps"]}
        gap = {
            "name": f"Gap: {roles['gap']['first']} minus {roles['gap']['second']}",
            "scores": [_num(by_dim.get(i), sign=True) for i in ids],
            "overall": _num(by_dim.get("overall"), sign=True),
        }
    return {
        "columns": [d["title"] for d in dims],
        "rows": rows,
        "gap": gap,
        "gap_groups": (roles["gap"]["first"], roles["gap"]["second"]),
        "groups": [{"name": g["group"], "roles": g["roles"]} for g in roles["groups"]],
        "present": roles["present"],
        "missing": roles["missing"],
    }


def _plan(data: dict[str, Any]) -> dict[str, Any]:
    plan = data["plan"]
    items = []
    tracked = False
    for it in plan["items"]:
        tracked = tracked or it["status"] != "open" or bool(it["owner"]) or it["due"] is not None
        items.append(
            {
                "rank": it["rank"],
                "key": it["key"],
                "question": it["question"],
                "set": it["set"],
                "dimension": it["dimension_title"],
                "dimension_score": _num(it["dimension_score"]),
                "recommendation": it["recommendation"],
                "answers": _answers(it["distribution"]),
                "gain": _num(it["gain"], sign=True),
                "overall_gain": _num(it["overall_gain"], sign=True),
                "status": it["status"].replace("-", " "),
                "done": it["status"] == "done",
                "owner": it["owner"] or NO_VALUE,
                "due": it["due"] or NO_VALUE,
                "prioritised": it.get("prioritised", ""),
            }
        )
    return {
        "actions": items,
        "message": plan["message"],
        "ranking": plan["ranking"],
        "tracked": tracked,
        "orphans": plan["orphans"],
    }


def _trend(data: dict[str, Any]) -> dict[str, Any]:
    trend = data["trend"]
    points = trend["points"]

    def cell(entry: dict[str, Any] | None) -> str:
        if entry is None or entry["score"] is None:
            return NO_VALUE
        text = fmt_number(entry["score"])
        if entry["low"] is not None and entry["high"] is not None:
            text += f" ({fmt_interval(entry['low'], entry['high'])})"
        return text

    changes = {c["dimension"]: c for c in trend["changes"]}
    current = next((i for i, p in enumerate(points) if p["current"]), 0)
    # with one assessment between, "since first" is "since previous": one column says it
    since_first = current >= 2
    rows = []
    for did, title in [*((d["id"], d["title"]) for d in trend["dimensions"]), ("overall", "Overall")]:
        entries = [p["overall"] if did == "overall" else p["dimensions"].get(did) for p in points]
        c = changes.get(did)
        rows.append(
            {
                "title": title,
                "overall": did == "overall",
                "cells": [cell(e) for e in entries],
                "changes": [
                    _num(None if c is None else c["change"], sign=True),
                    *([_num(None if c is None else c.get("since_first"), sign=True)] if since_first else []),
                ],
                "done": [] if c is None else c["done_items"],
            }
        )
    return {
        "reason": trend["reason"],
        "labels": [p["label"] + (" (this one)" if p["current"] else "") for p in points],
        "respondents": [p["respondent_count"] for p in points],
        "rows": rows,
        "notes": trend["notes"],
        "has_done": any(r["done"] for r in rows),
        "change_heads": ["Since previous", *(["Since first"] if since_first else [])],
        "change_note": "since previous: this assessment minus the one before it"
        + ("; since first: this assessment minus the first" if since_first else ""),
    }


def analysis_view(data: dict[str, Any]) -> dict[str, Any]:
    """Display rows and strings of the analysis sections of ``data``."""
    dims = data["result"]["dimensions"]
    titles = {d["id"]: d["title"] for d in dims}
    u = data["intervals"]
    return {
        "confidence": f"{u['confidence']:.0%}",
        "interval_heading": f"{u['confidence']:.0%} interval",
        "intervals": {d["id"]: interval_text(u["dimensions"].get(d["id"])) for d in dims},
        "overall_interval": interval_text(u["overall"]),
        "interval_note": f"Intervals: {u['confidence']:.0%} small-sample intervals over the"
        f" {u['respondents']} respondents (Student's t with a prior worth one respondent): the range"
        " the score could take had many more people like them answered.",
        "agreement": _agreement(data, titles),
        "hotspots": _hotspots(data, titles),
        "roles": _roles(data, dims),
        "plan": _plan(data),
        "trend": _trend(data),
    }
