"""The one palette of levels and answers: the reports (HTML, PDF, charts of answers) and
the web pages colour a level, an answer and a score the same way. ``style.css`` repeats
the answer colours as classes (``.d-yes`` ...) and the level colours as custom
properties; a test holds them equal to these."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ANSWER_COLOURS",
    "HEAT_STOPS",
    "LEVEL_RAMP",
    "NO_LEVEL",
    "VALUE_RAMP",
    "level_colours",
]

#: From the lowest level to the highest; a framework with other than five levels takes
#: evenly spread colours from this ramp. Dark enough for white chip text (contrast
#: about 4.5:1 or more).
LEVEL_RAMP = ("#c62828", "#d84315", "#a15c00", "#558b2f", "#2e7d32")
#: A score without a level (no answers with a value).
NO_LEVEL = "#bdbdbd"

#: The default scale's answers, and no answer at all.
ANSWER_COLOURS = {
    "yes": "#2e7d32",
    "partly": "#f0a202",
    "no": "#c62828",
    "na": "#90a4ae",
    "unknown": "#7e57c2",
    "unanswered": "#e0e0e0",
}
#: Colours of the default scale's no, partly and yes by value: another scale's keys take
#: the colour their value falls on between them.
VALUE_RAMP = ((0.0, ANSWER_COLOURS["no"]), (0.5, ANSWER_COLOURS["partly"]), (1.0, ANSWER_COLOURS["yes"]))

#: Heat maps of scores 0..100: sequential, light yellow to dark blue (readable by
#: colour-blind people, and apart from the level colours so a cell is not read as a level).
HEAT_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 255, 204)),
    (25.0, (161, 218, 180)),
    (50.0, (65, 182, 196)),
    (75.0, (44, 127, 184)),
    (100.0, (37, 52, 148)),
)


def level_colours(level_ids: Sequence[str]) -> dict[str, str]:
    """Level id -> colour, from the lowest level to the highest."""
    n = len(level_ids)
    last = len(LEVEL_RAMP) - 1
    return {lid: LEVEL_RAMP[round(i * last / (n - 1)) if n > 1 else last] for i, lid in enumerate(level_ids)}
