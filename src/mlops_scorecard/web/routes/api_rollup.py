"""API: a unit's roll-up from the latest scores of the teams in its subtree, and the
distribution of those scores per dimension (``store/rollup.py``; the rule in ``docs/analysis.md``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ...errors import NotFoundError
from ...framework import newest_builtin
from ...store.distributions import distributions
from ...store.results import latest_results
from ...store.rollup import ROLLUP_RULE, rollup, subtree_teams, team_scores
from ...store.units import list_units
from ..api_models.rollup import RollupOut
from ..context import state
from ..views.org import heatmap
from .api_common import UnitId, Viewer, errors

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
    and the distribution of those teams' scores per dimension."""
    with state(request).read() as session:
        units = list_units(session)
        unit = next((u for u in units if u.id == unit_id), None)
        if unit is None:
            raise NotFoundError(f"no unit {unit_id}")
        wanted = set(subtree_teams(unit_id, units))
        latest = {k: v for k, v in latest_results(session).items() if k in wanted}
    columns = heatmap([], latest, newest_builtin()).columns
    teams = team_scores(units, latest)
    r = rollup(unit, units, teams, [did for did, _ in columns])
    dists = distributions(r.teams, [*columns, ("overall", "Overall")])
    data: dict[str, Any] = r.to_dict()
    data.update(
        unit_id=unit_id,
        rule=ROLLUP_RULE,
        teams=[t.to_dict() for t in r.teams],
        distributions=[d.to_dict() for d in dists],
    )
    return RollupOut.model_validate(data)
