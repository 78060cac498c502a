"""The stylesheets parse as balanced blocks: a media query left open (an easy slip when
two changes to one stylesheet meet) silently moves every rule after it to phones only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "src" / "mlops_scorecard" / "web" / "static"


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


@pytest.mark.parametrize("path", sorted(STATIC.glob("*.css")), ids=lambda p: p.name)
def test_every_block_closes_and_media_queries_do_not_nest(path: Path) -> None:
    depth = 0
    for number, line in enumerate(_without_comments(path.read_text()).splitlines(), 1):
        if line.lstrip().startswith("@media"):
            assert depth == 0, f"{path.name}:{number}: @media inside an open block"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number}: a '}}' closes nothing"
    assert depth == 0, f"{path.name}: {depth} block(s) never closed"
