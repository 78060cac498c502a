"""The note of a comparison: what was left out, how the questions of two versions were
matched, and what the framework changed for the questions compared."""

from __future__ import annotations

from ..framework import Framework, VersionMapping, diff

__all__ = ["comparison_note"]


def comparison_note(
    old: Framework,
    new: Framework,
    mapping: VersionMapping,
    shared: list[str],
    dropped: list[str],
    added: list[str],
) -> str | None:
    """What the reader of a comparison must know (``Comparison.note``): the questions
    left out, and across versions how the questions were matched and what the
    framework changed for the compared ones; ``None`` when there is nothing to say."""
    parts = []
    if dropped or added:
        head = f"Compared on the {len(shared)} questions both assessments asked"
        if old.ref != new.ref:
            head += f" ({old.ref} and {new.ref})"
        parts.append(head)
        if dropped:
            parts.append(f"not asked in the new one: {', '.join(dropped)}")
        if added:
            parts.append(f"new: {', '.join(added)}")
    if old.ref != new.ref:
        if mapping.derived:
            parts.append(
                f"questions are matched by id, as no mapping is declared from {old.ref} to {new.ref}"
            )
        else:
            moved = {k: n for k, n in mapping.counts().items() if n and k != "same"}
            counts = ", ".join(f"{n} {k}" for k, n in moved.items())
            how = {
                "declared": f"the mapping {new.ref} declares",
                "chain": f"the mappings declared along {' -> '.join(mapping.path)}",
                "reversed": f"the mapping {old.ref} declares, read backwards",
            }.get(mapping.source, "the declared mapping")
            parts.append(f"questions are matched through {how}" + (f" ({counts})" if counts else ""))
        parts.append(
            f"The framework changed ({old.ref} to {new.ref})"
            + _framework_changes(old, new, mapping, shared)
            + ": each change is split into the part due to the framework (the earlier answers"
            f" rescored under {new.ref}, minus their score) and the part due to the answers"
        )
    return "; ".join(parts) + "." if parts else None


def _framework_changes(old: Framework, new: Framework, mapping: VersionMapping, shared: list[str]) -> str:
    """What changed between two versions for the compared questions, as a clause."""
    the_diff = diff(old, new, mapping=mapping)
    compared = set(shared)
    parts = []
    for q in the_diff.questions:
        ln = q.link
        if not set(ln.new) & compared:
            continue
        if ln.kind == "renamed":
            parts.append(f"{ln.old[0]} renamed {ln.new[0]}")
        elif ln.kind == "split":
            parts.append(f"{ln.old[0]} split into {', '.join(ln.new)}")
        elif ln.kind == "merged":
            parts.append(f"{', '.join(ln.old)} merged into {', '.join(ln.new)}")
        if "dimension" in q.changed:
            was, now = q.changed["dimension"]
            parts.append(f"{ln.new[0]} moved from {was} to {now}")
        if "weight" in q.changed:
            was, now = q.changed["weight"]
            parts.append(f"{ln.new[0]} weighs {now:g} (was {was:g})")
    for dc in the_diff.dimensions_changed:
        if "weight" in dc.changed:
            was, now = dc.changed["weight"]
            parts.append(f"{dc.id} weighs {now:g} (was {was:g})")
    if old.scale != new.scale:
        parts.append("the answer scale changed")
    if old.overall != new.overall:
        parts.append(f"the overall score is the {new.overall} (was the {old.overall})")
    return f": {', '.join(parts)}" if parts else ""
