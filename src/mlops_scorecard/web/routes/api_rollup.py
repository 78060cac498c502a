"""API: a unit's roll-up from the latest scores of the teams in its subtree, and the
distribution of those scores per dimension (``store/rollup.py``; the rule in ``docs/analysis.md``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ...errors import NotFoundError
from ...framework import newest_builtin
from ...store.distributions import distributions
from ...store.rollup import ROLLUP_RULE, rollup, subtree_teams, summary_teams
from ...store.units import get_unit
from ..api_models.rollup import RollupOut
from ..context import state
from .api_common import UnitId, Viewer, errors
from .pages import load_scope

router = APIRouter(tags=["analysis"])


@router.get(
    "/units/{unit_id}/rollup",
    summary="A unit's roll-up from its teams",
    response_model=RollupOut,
    responses=errors(404, 422),
)
def unit_rollup(request: Request, unit_id: UnitId, _user: Viewer) -> RollupOut:
    """The unweighted mean of the latest scores of the teams in the unit's subtree (the unit
    itself when it is a team), per dimension and overall (``rule``), each team's scores,
    and the distribution of those teams' scores per dimension.

    From the teams' stored summaries, as the organization and department pages (the same
    numbers, and no full result decoded); ``refreshing`` counts the teams whose figures
    are of an earlier revision while they are being refreshed."""
    with state(request).read() as session:
        get_unit(session, unit_id=unit_id)  # a 404 before any roll-up work
    rolled = load_scope(request, unit_id)
    units = rolled.units
    unit = next((u for u in units if u.id == unit_id), None)
    if unit is None:  # archived, or removed in the meantime
        raise NotFoundError(f"no unit {unit_id}")
    wanted = set(subtree_teams(unit_id, units))
    latest = {k: v for k, v in rolled.latest.items() if k in wanted}
    # the newest built-in framework's dimensions first, as the organization heatmap
    lead = newest_builtin()
    columns = {} if lead is None else {d.id: d.title for d in lead.dimensions}
    for summary in latest.values():
        fw = rolled.frameworks.get(summary.framework)
        titles = {} if fw is None else {d.id: d.title for d in fw.dimensions}
        for did in summary.dimensions:
            columns.setdefault(did, titles.get(did, did))
    teams = summary_teams(units, latest)
    r = rollup(unit, units, teams, list(columns))
    dists = distributions(r.teams, [*columns.items(), ("overall", "Overall")])
    data: dict[str, Any] = r.to_dict()
    data.update(
        unit_id=unit_id,
        rule=ROLLUP_RULE,
        teams=[t.to_dict() for t in r.teams],
        distributions=[d.to_dict() for d in dists],
        refreshing=rolled.base.refreshing,
    )
    return RollupOut.model_validate(data)
