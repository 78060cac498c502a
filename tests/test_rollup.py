"""The organization roll-up rule, team distributions and the heatmap's uncertainty proxy,
on hand-worked cases (no database: the functions work on loaded rows)."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace
from typing import Any

import pytest

from mlops_scorecard.store.distributions import Distribution, distributions
from mlops_scorecard.store.rollup import rollup, rollups, subtree_teams, team_scores
from mlops_scorecard.store.spreads import Spread, spread

DIMS = ["a", "b"]


def unit(uid: int, name: str, kind: str, parent: int | None) -> Any:
    return SimpleNamespace(id=uid, name=name, kind=kind, parent_id=parent)


def result(scores: dict[str, float | None], overall: float | None, people: int) -> dict[str, Any]:
    return {
        "overall": overall,
        "respondent_count": people,
        "dimensions": [{"id": k, "title": k.upper(), "score": v} for k, v in scores.items()],
    }


def assessment(aid: int) -> Any:
    return SimpleNamespace(id=aid, title=f"A{aid}", date=dt.date(2025, 1, aid % 28 + 1))


# Org (1) > Dept (2) > [Team X (3), Sub-dept (4) > Team Y (5)]; Dept (6) > Team Z (7) with no result.
UNITS = [
    unit(1, "Org", "organization", None),
    unit(2, "Dept", "department", 1),
    unit(3, "Team X", "team", 2),
    unit(4, "Sub", "department", 2),
    unit(5, "Team Y", "team", 4),
    unit(6, "Empty dept", "department", 1),
    unit(7, "Team Z", "team", 6),
]
LATEST = {
    # one respondent, scores 100 / 40
    3: (assessment(30), result({"a": 100.0, "b": 40.0}, 70.0, 1)),
    # five respondents, scores 0 / none
    5: (assessment(50), result({"a": 0.0, "b": None}, 0.0, 5)),
    # a department's own assessment is not part of any roll-up
    2: (assessment(20), result({"a": 10.0, "b": 10.0}, 10.0, 9)),
}


def test_team_scores_keep_teams_with_results_only() -> None:
    teams = team_scores(UNITS, LATEST)
    assert sorted(teams) == [3, 5]
    assert teams[3].respondents == 1
    assert teams[5].dimensions == {"a": 0.0, "b": None}
    assert teams[3].score("overall") == 70.0


def test_subtree_teams_at_any_depth_and_itself() -> None:
    assert subtree_teams(1, UNITS) == [3, 5, 7]
    assert subtree_teams(2, UNITS) == [3, 5]
    assert subtree_teams(3, UNITS) == [3]  # a team is its own subtree
    assert subtree_teams(6, UNITS) == [7]
    cycle = [unit(1, "A", "team", 2), unit(2, "B", "team", 1)]
    assert sorted(subtree_teams(1, cycle)) == [1, 2]  # no endless loop


def test_rollup_is_the_unweighted_mean_of_team_scores() -> None:
    teams = team_scores(UNITS, LATEST)
    r = rollup(UNITS[1], UNITS, teams, DIMS)
    # a: (100 + 0) / 2 = 50, not weighted by respondents ((100*1 + 0*5) / 6 = 16.7),
    # and the department's own assessment (10) is left out
    assert r.dimensions["a"].mean == pytest.approx(50.0)
    assert r.dimensions["a"].teams == 2
    assert (r.dimensions["a"].low, r.dimensions["a"].high) == (0.0, 100.0)
    # b: only Team X has a score
    assert r.dimensions["b"].mean == pytest.approx(40.0)
    assert r.dimensions["b"].teams == 1
    # overall: mean of the teams' overall scores (70 + 0) / 2
    assert r.overall.mean == pytest.approx(35.0)
    assert (r.team_count, len(r.teams)) == (2, 2)
    data = r.to_dict()
    assert data["dimensions"]["a"] == {"mean": 50.0, "teams": 2, "min": 0.0, "max": 100.0}
    assert "unweighted" in data["rule"]


def test_rollups_list_departments_with_scored_teams_in_order() -> None:
    teams = team_scores(UNITS, LATEST)
    found = rollups(UNITS, UNITS, teams, DIMS)
    assert [r.unit_id for r in found] == [1, 2, 4]  # not teams, not the empty department
    org = found[0]
    assert org.team_count == 3  # Team Z counts among the teams, not in the means
    assert org.dimensions["a"].mean == pytest.approx(50.0)
    sub = found[2]
    assert sub.dimensions["a"].mean == 0.0
    assert sub.dimensions["b"].mean is None
    assert sub.dimensions["b"].teams == 0


def test_distribution_quartiles_and_positions() -> None:
    latest = {
        10 + i: (assessment(i + 1), result({"a": float(s)}, float(s), 3))
        for i, s in enumerate([0, 50, 100, 50])
    }
    units = [unit(10 + i, f"T{i}", "team", None) for i in range(4)]
    [d, overall] = distributions(team_scores(units, latest).values(), [("a", "A"), ("overall", "Overall")])
    assert d.count == 4
    # numpy's linear interpolation over 0, 50, 50, 100
    assert d.quartiles() == (0.0, 37.5, 50.0, 62.5, 100.0)
    top = d.position(12)
    assert top is not None
    assert (top.rank, top.of, top.percentile) == (1, 4, 1.0)
    tied = d.position(11)
    assert tied is not None
    # two teams at 50: both second; below it one team, one tie counted half: 1.5 of 3 others
    assert (tied.rank, tied.percentile) == (2, 0.5)
    bottom = d.position(10)
    assert bottom is not None
    assert (bottom.rank, bottom.percentile) == (4, 0.0)
    assert d.position(99) is None
    assert overall.to_dict() == {
        "dimension": "overall",
        "title": "Overall",
        "teams": 4,
        "min": 0.0,
        "q1": 37.5,
        "median": 50.0,
        "q3": 62.5,
        "max": 100.0,
    }
    alone = Distribution("a", "A", [(1, 30.0)]).position(1)
    assert alone is not None
    assert alone.percentile is None
    assert Distribution("a", "A", []).quartiles() is None


def test_spread_marks_thin_and_wide_scores() -> None:
    assert spread([]).uncertain
    two = spread([50.0, 50.0])
    assert two.uncertain  # fewer than three respondents, however they agree
    assert "only 2 respondents" in two.reason()
    same = spread([50.0, 50.0, 50.0, None])
    assert (same.respondents, same.sd, same.half_width) == (3, 0.0, 0.0)
    assert not same.uncertain
    wide = spread([0.0, 100.0, 0.0, 100.0])
    sd = math.sqrt(4 * 50.0**2 / 3)  # sample standard deviation
    assert wide.sd == pytest.approx(sd)
    # Student's t with 3 degrees of freedom at 0.95 (a table gives 2.353), not 1.645
    assert wide.half_width == pytest.approx(2.3534 * sd / 2, rel=1e-4)
    assert wide.uncertain
    assert wide.reason().startswith("uncertain: 4 respondents, rough 90% interval about ±")
    narrow = Spread(10, 10.0, 1.8331 * 10.0 / math.sqrt(10))
    assert not narrow.uncertain  # ± 5.8: an interval 11.6 wide
    assert spread([40.0, 60.0, 50.0]).half_width == pytest.approx(2.9200 * 10.0 / math.sqrt(3), rel=1e-4)
