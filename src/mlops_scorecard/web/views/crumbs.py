"""Breadcrumbs: the one trail every facilitator page shows above its heading
(``_crumbs.html``, included by ``base.html``), from the organization down to the page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__ = ["HOME", "Crumb", "unit_crumbs"]

#: A step of the trail: its label and link (``None``: the page itself, not linked).
Crumb = tuple[str, str | None]

#: The first step of every trail inside the organization.
HOME: Crumb = ("Organization", "/")


class _UnitLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def unit_crumbs(path: Iterable[_UnitLike], *tail: Crumb) -> list[Crumb]:
    """The trail through ``path`` (the units from the top down), then ``tail``; the
    last step is the current page (shown, not linked)."""
    trail: list[Crumb] = [HOME, *((u.name, f"/units/{u.id}") for u in path), *tail]
    label, _ = trail[-1]
    return [*trail[:-1], (label, None)]
