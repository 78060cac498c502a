"""Display rows for the analysis sections (agreement, hotspots, intervals, roles, plan,
trend), built from the report data only; :func:`.view.report_view` merges them in."""

from __future__ import annotations

from typing import Any

from ..format import NO_SCORE as NO_VALUE
from ..format import (
    answer_ends,
    fmt_alpha,
    fmt_amount_in,
    fmt_counts,
    fmt_interval,
    fmt_interval_in,
    fmt_number,
    fmt_score_in,
    scale_labels,
)

__all__ = ["COMMENTS_PER_HOTSPOT", "analysis_view", "interval_text"]

#: Comments shown beside a hotspot; the rest are in "Answers per question".
COMMENTS_PER_HOTSPOT = 3


def interval_text(iv: dict[str, float] | None, points: float | None = None) -> str:
    """An interval of the report data as ``44.4`` en dash ``52.1`` (in points, ``1.5``
    en dash ``2.75``, when the framework counts ``points``); ``—`` when there is none."""
    return NO_VALUE if iv is None else fmt_interval_in(iv["low"], iv["high"], points)


def points_of(data: dict[str, Any]) -> float | None:
    """The framework's ``points`` from the report data's scoring rule (``None``: the
    scores read on 0-100, as results frozen before scoring rules existed do)."""
    points = (data["result"].get("rule") or {}).get("points")
    return None if points is None else float(points)


def _num(value: float | None, sign: bool = False) -> str:
    return fmt_number(value, sign=sign)


def _labels(data: dict[str, Any]) -> dict[str, str] | None:
    return scale_labels({c["key"]: c["label"] for c in data["scale"]})


def split_words(data: dict[str, Any]) -> str:
    """What a split hotspot's answers are, in the scale's words (``yes and no`` on the
    default scale; :func:`~mlops_scorecard.format.answer_ends`)."""
    best, worst = answer_ends({c["key"]: (c["label"], c["value"]) for c in data["scale"]})
    return f"{best} and {worst}"


def best_words(data: dict[str, Any]) -> str:
    """The best answer in the scale's words: ``yes`` on the default scale."""
    return answer_ends({c["key"]: (c["label"], c["value"]) for c in data["scale"]})[0]


def _in_words(value: float | None, points: float | None) -> str:
    """A 0-100 amount with its unit: ``14.3 points`` on 0-100, ``1 point`` in points."""
    if points is None:
        return f"{_num(value)} points"
    return fmt_amount_in(value, points, unit=True)


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
    labels, points, split = _labels(data), points_of(data), split_words(data)
    out = []
    for i, h in enumerate(data["hotspots"], start=1):
        comments = h["comments"]
        out.append(
            {
                "rank": i,
                "id": h["question"],
                "text": h["text"],
                "dimension": titles.get(h["dimension"], h["dimension"]),
                "answers": fmt_counts(h["distribution"], labels=labels),
                "kind": f"split ({split})" if h["split"] else "spread",
                "swing": fmt_amount_in(h["swing"], points),
                "swing_words": _in_words(h["swing"], points),
                "overall_swing": fmt_amount_in(h["overall_swing"], points),
                "comments": comments[:COMMENTS_PER_HOTSPOT],
                "more_comments": max(0, len(comments) - COMMENTS_PER_HOTSPOT),
            }
        )
    return out


def _roles(data: dict[str, Any], dims: list[dict[str, Any]]) -> dict[str, Any]:
    roles = data["roles"]
    points = points_of(data)
    ids = [d["id"] for d in dims]

    def row(entry: dict[str, Any], name: str, group: bool) -> dict[str, Any]:
        return {
            "name": name,
            "n": entry["respondents"],
            "scores": [fmt_amount_in(entry["dimensions"].get(i), points) for i in ids],
            "overall": fmt_amount_in(entry["overall"], points),
            "group": group,
        }

    rows = [row(r, r["role"], False) for r in roles["roles"]]
    rows += [row(g, f"{g['group']} (group)", True) for g in roles["groups"]]
    gap = None
    if roles["gaps"]:
        by_dim = {g["dimension"]: g["gap"] for g in roles["gaps"]}
        gap = {
            "name": f"Gap: {roles['gap']['first']} minus {roles['gap']['second']}",
            "scores": [fmt_amount_in(by_dim.get(i), points, sign=True) for i in ids],
            "overall": fmt_amount_in(by_dim.get("overall"), points, sign=True),
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
    points, labels = points_of(data), _labels(data)
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
                "dimension_score": fmt_score_in(it["dimension_score"], points, unit=False),
                "recommendation": it["recommendation"],
                "answers": fmt_counts(it["distribution"], labels=labels),
                "gain": fmt_amount_in(it["gain"], points, sign=True),
                "overall_gain": fmt_amount_in(it["overall_gain"], points, sign=True),
                # the gain in words, in the framework's unit: "+14.3 points", "+1 point"
                "gain_words": (
                    f"{_num(it['gain'], sign=True)} points"
                    if points is None
                    else fmt_amount_in(it["gain"], points, sign=True, unit=True)
                ),
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
    points = points_of(data)
    return {
        "confidence": f"{u['confidence']:.0%}",
        "split_words": split_words(data),
        "best_words": best_words(data),
        "interval_heading": f"{u['confidence']:.0%} interval",
        "intervals": {d["id"]: interval_text(u["dimensions"].get(d["id"]), points) for d in dims},
        "overall_interval": interval_text(u["overall"], points),
        "interval_note": f"Intervals: {u['confidence']:.0%} small-sample intervals over the"
        f" {u['respondents']} respondents (Student's t with a prior worth one respondent): the range"
        " the score could take had many more people like them answered.",
        "agreement": _agreement(data, titles),
        "hotspots": _hotspots(data, titles),
        "roles": _roles(data, dims),
        "plan": _plan(data),
        "trend": _trend(data),
    }
