"""One palette: the web page's stylesheet, its views and the reports colour levels and
answers alike (reports/palette.py is the one definition)."""

from __future__ import annotations

import re
from pathlib import Path

from mlops_scorecard.framework import get_framework
from mlops_scorecard.reports import palette
from mlops_scorecard.reports.view import answer_colour

CSS = (Path(__file__).resolve().parents[1] / "src/mlops_scorecard/web/static/style.css").read_text()


def test_the_stylesheet_answer_colours_are_the_palette() -> None:
    found = dict(re.findall(r"\.d-([a-z]+) \{ background: (#[0-9a-f]{6}); \}", CSS))
    assert found == palette.ANSWER_COLOURS


def test_a_custom_key_takes_its_colour_between_the_palette_answers() -> None:
    assert answer_colour("custom", 0.0) == palette.ANSWER_COLOURS["no"]
    assert answer_colour("custom", 1.0) == palette.ANSWER_COLOURS["yes"]
    assert answer_colour("custom", None) == palette.ANSWER_COLOURS["na"]


def test_level_colours_run_from_the_lowest_to_the_highest() -> None:
    levels = [lv.id for lv in get_framework("mlops-scorecard").levels]
    colours = palette.level_colours(levels)
    assert [colours[lv] for lv in levels] == list(palette.LEVEL_RAMP)
    three = palette.level_colours(["a", "b", "c"])
    assert three == {"a": palette.LEVEL_RAMP[0], "b": palette.LEVEL_RAMP[2], "c": palette.LEVEL_RAMP[4]}
    assert palette.level_colours(["only"]) == {"only": palette.LEVEL_RAMP[-1]}


def test_the_page_scores_table_shows_levels_in_the_report_colours() -> None:
    from mlops_scorecard.web.views.assessment import score_rows

    fw = get_framework("mlops-scorecard")
    result = {
        "dimensions": [{"id": "governance", "title": "Governance", "score": 90.0, "level": "optimizing"}],
        "overall": 10.0,
        "level": "initial",
        "level_name": "Initial",
    }
    rows, overall = score_rows(fw, result, {})
    assert rows[0].colour == palette.LEVEL_RAMP[-1]
    assert overall.colour == palette.LEVEL_RAMP[0]
