"""Tests for the radar and stellar charts."""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlops_scorecard.charts import (
    ChartFormat,
    ChartKind,
    Series,
    render_chart,
    series_from_result,
    write_chart,
)
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.scoring import ScoreResult, score

KINDS: list[ChartKind] = ["radar", "stellar"]
FORMATS: list[ChartFormat] = ["svg", "png", "pdf"]
LABELS = ["Governance", "Data Management", "Monitoring and Evaluation", "Deployment", "Other"]
CURRENT = Series("Current", [55.0, 60.0, 30.0, 50.0, 75.0])
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    framework = get_framework("mlops-scorecard")
    return score(framework, example_answers(framework))


def svg_text(svg: bytes) -> str:
    """All text of an SVG, one element after another, separated by spaces."""
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext())


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert png.startswith(PNG_SIGNATURE)
    length, chunk, width, height = struct.unpack(">I4sII", png[8:24])
    assert (length, chunk) == (13, b"IHDR")
    return width, height


def check_format(data: bytes, fmt: ChartFormat) -> None:
    if fmt == "svg":
        svg_text(data)
    elif fmt == "png":
        png_size(data)
    else:
        assert data.startswith(b"%PDF-")
        assert data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("kind", KINDS)
def test_svg_is_xml_with_every_label_as_text(kind: ChartKind) -> None:
    svg = render_chart(kind, LABELS, [CURRENT], "svg", title="My team")
    text = svg_text(svg)
    # Wrapped labels come out one line per <text>, in order, so joining restores them.
    for label in [*LABELS, "My team", "20", "100"]:
        assert label in text


def test_png_has_the_requested_size() -> None:
    width, height = png_size(render_chart("radar", LABELS, [CURRENT], "png", size=4, dpi=100))
    assert width == 400
    assert 200 <= height <= 500  # the height follows the labels: the circle and around it
    width2, height2 = png_size(render_chart("radar", LABELS, [CURRENT], "png", size=4, dpi=200))
    assert (width2, abs(height2 - 2 * height) <= 1) == (800, True)


def test_pdf_is_a_complete_pdf() -> None:
    check_format(render_chart("stellar", LABELS, [CURRENT], "pdf"), "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_same_input_gives_the_same_bytes(kind: ChartKind, fmt: ChartFormat) -> None:
    series = [CURRENT, Series("Target", [80.0] * 5, dashed=True)]
    first = render_chart(kind, LABELS, series, fmt, title="Repeat")
    assert render_chart(kind, LABELS, series, fmt, title="Repeat") == first


def test_same_bytes_in_another_process() -> None:
    # Random ids or dates would differ between processes even if equal within one.
    code = (
        "import hashlib, json\n"
        "from mlops_scorecard.charts import Series, render_chart\n"
        f"labels = {LABELS!r}\n"
        "s = [Series('Current', [55.0, 60.0, 30.0, 50.0, 75.0])]\n"
        "print(json.dumps({f: hashlib.sha256(render_chart('radar', labels, s, f)).hexdigest()"
        " for f in ('svg', 'png', 'pdf')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    there = json.loads(out.stdout)
    here = {f: hashlib.sha256(render_chart("radar", LABELS, [CURRENT], f)).hexdigest() for f in FORMATS}
    assert there == here


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_missing_values_bands_and_many_series(kind: ChartKind, fmt: ChartFormat) -> None:
    gappy = Series(
        "Gappy",
        [None, 40.0, float("nan"), 120.0, -5.0],  # missing, NaN, out of range: no crash
        band=([None, 30.0, None, 90.0, 0.0], [None, 50.0, 20.0, 100.0, None]),
    )
    others = [Series(f"Person {i}", [10.0 * i] * 5) for i in range(9)]  # more than the palette
    data = render_chart(kind, LABELS, [gappy, *others], fmt)
    check_format(data, fmt)


def test_all_missing_and_few_axes() -> None:
    for labels in (["Only"], ["One", "Two"], ["A", "B", "C"]):
        empty = Series("Nothing yet", [None] * len(labels))
        for kind in KINDS:
            svg_text(render_chart(kind, labels, [empty], "svg"))
    svg_text(render_chart("radar", LABELS, [], "svg"))


def test_legend_only_with_several_series() -> None:
    one = svg_text(render_chart("radar", LABELS, [CURRENT], "svg"))
    assert "Current" not in one
    target = Series("Target", [80.0] * 5, dashed=True)
    extra = Series("Alex (ml-engineer)", [20.0] * 5)
    three = svg_text(render_chart("radar", LABELS, [CURRENT, target, extra], "svg"))
    for name in ("Current", "Target", "Alex (ml-engineer)"):
        assert name in three


@pytest.mark.parametrize("fmt", FORMATS)
def test_stellar_differs_from_radar(fmt: ChartFormat) -> None:
    radar = render_chart("radar", LABELS, [CURRENT], fmt)
    assert render_chart("stellar", LABELS, [CURRENT], fmt) != radar


def test_long_labels_are_wrapped() -> None:
    long = "A very long dimension title that would run off the side of the figure"
    text = svg_text(render_chart("radar", [long, "B", "C"], [Series("x", [1.0, 2.0, 3.0])], "svg"))
    assert long not in text  # wrapped onto lines of its own
    assert "A very long" in text
    assert "…" in text  # cut after three lines


def test_dollar_signs_are_text_not_math() -> None:
    labels = ["Spend $1-$2", "B", "C"]
    text = svg_text(render_chart("radar", labels, [Series("$x$", [1.0, 2.0, 3.0])] * 2, "svg"))
    assert "Spend $1-$2" in text
    assert "$x$" in text


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="one per label"):
        render_chart("radar", LABELS, [Series("short", [1.0, 2.0])])
    with pytest.raises(ValueError, match="one per label"):
        render_chart("radar", LABELS, [Series("band", [1.0] * 5, band=([1.0] * 5, [2.0]))])
    with pytest.raises(ValueError, match="at least one label"):
        render_chart("radar", [], [])
    with pytest.raises(ScorecardError, match="unknown chart format 'gif'"):
        render_chart("radar", LABELS, [CURRENT], "gif")  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="unknown chart kind 'pie'"):
        render_chart("pie", LABELS, [CURRENT])  # type: ignore[arg-type]


@pytest.mark.parametrize(("suffix", "fmt"), [(".svg", "svg"), (".png", "png"), (".PDF", "pdf")])
def test_write_chart_by_suffix(tmp_path: Path, suffix: str, fmt: ChartFormat) -> None:
    path = tmp_path / f"chart{suffix}"
    write_chart(path, "stellar", LABELS, [CURRENT], title="Written")
    check_format(path.read_bytes(), fmt)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_write_chart_rejects_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "chart.gif"
    with pytest.raises(ScorecardError, match=r"chart\.gif: .*suffix '\.gif'.*\.svg, \.png or \.pdf"):
        write_chart(path, "radar", LABELS, [CURRENT])
    with pytest.raises(ScorecardError, match="without a suffix"):
        write_chart(tmp_path / "chart", "radar", LABELS, [CURRENT])
    assert list(tmp_path.iterdir()) == []


def test_series_from_result(result: ScoreResult) -> None:
    labels, series = series_from_result(result)
    assert labels == [d.dimension.title for d in result.dimensions]
    assert len(labels) == 6
    assert [s.name for s in series] == ["Overall"]
    assert series[0].values == [d.score for d in result.dimensions]

    labels, series = series_from_result(result, respondents=True)
    assert [s.name for s in series] == [
        "Overall",
        "Alex Moreno (ml-engineer)",
        "Priya Natarajan (data-scientist)",
        "Jonas Weber (data-engineer)",
        "Grace Liu (product)",
    ]
    assert series[1].values == [result.respondents[0].dimensions[d.id] for d in result.dimensions]
    text = svg_text(render_chart("stellar", labels, series, "svg"))
    for name in ["Model Development", "Grace Liu (product)"]:
        assert name in text


def test_matplotlib_is_imported_lazily_and_without_pyplot() -> None:
    # SVG is written and PDF drawn without matplotlib; only PNG needs it
    code = (
        "import sys\n"
        "import mlops_scorecard.charts as charts\n"
        "assert not [m for m in sys.modules if m.startswith('matplotlib')], 'imported early'\n"
        "for fmt in ('svg', 'pdf'):\n"
        "    charts.render_chart('radar', ['a', 'b', 'c'], [charts.Series('x', [1.0, 2.0, 3.0])], fmt)\n"
        "assert not [m for m in sys.modules if m.startswith('matplotlib')], 'imported for SVG or PDF'\n"
        "charts.render_chart('radar', ['a', 'b', 'c'], [charts.Series('x', [1.0, 2.0, 3.0])], 'png')\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_rc_settings_do_not_leak() -> None:
    import matplotlib

    # PNG: the format matplotlib still draws (SVG and PDF do not use it at all)
    with matplotlib.rc_context({"lines.linewidth": 7.0, "font.size": 17.0}):
        render_chart("radar", LABELS, [CURRENT], "png")
        assert matplotlib.rcParams["lines.linewidth"] == 7.0
        assert matplotlib.rcParams["font.size"] == 17.0
        # ...and the caller's settings do not change the chart.
        inside = render_chart("radar", LABELS, [CURRENT], "png")
    assert render_chart("radar", LABELS, [CURRENT], "png") == inside


HOSTILE = ["<script>", "A & B", 'Say "hi"', "Bell\x07ring"]


@pytest.mark.parametrize("kind", KINDS)
def test_svg_escapes_user_text(kind: ChartKind) -> None:
    # dimension titles come from framework files, series names from answers files
    series = [Series("x<y & z", [1.0] * 4), Series("</text><script>", [2.0] * 4)]
    svg = render_chart(kind, HOSTILE, series, "svg", title="T & <b>")
    assert b"<script>" not in svg
    assert b"<b>" not in svg
    text = svg_text(svg)  # still well-formed XML
    for shown in ("<script>", "A & B", 'Say "hi"', "Bell\N{REPLACEMENT CHARACTER}ring", "x<y & z", "T & <b>"):
        assert shown in text, shown
    assert "</text><script>" in text


def test_svg_is_self_contained_and_plain() -> None:
    svg = render_chart("radar", LABELS, [CURRENT, Series("Target", [80.0] * 5, dashed=True)], "svg").decode()
    # nothing that can clash when inlined twice, run, or fetch: no ids, scripts, styles, links
    for banned in (" id=", "<script", "<style", "style=", "href", "<image", "url("):
        assert banned not in svg, banned
    assert "stroke-dasharray" in svg  # the target is dashed


def test_svg_has_every_dimension_label_rings_and_markers(result: ScoreResult) -> None:
    labels, series = series_from_result(result)
    root = ET.fromstring(render_chart("radar", labels, series, "svg"))
    texts = [el.text or "" for el in root.iter() if el.tag.endswith("text")]
    words = " ".join(texts)
    for label in labels:  # a wrapped label is drawn line by line, in order
        assert label in words, label
    for ring in ("20", "40", "60", "80", "100"):
        assert ring in texts
    circles = [el for el in root.iter() if el.tag.endswith("circle")]
    # five rings, the frame, and one marker per dimension
    assert len(circles) == 5 + 1 + len(labels)


def test_missing_scores_get_hollow_markers() -> None:
    root = ET.fromstring(render_chart("radar", ["A", "B", "C"], [Series("x", [None, 50.0, 20.0])], "svg"))
    markers = [el for el in root.iter() if el.tag.endswith("circle") and el.get("fill") != "none"]
    assert [el.get("fill") for el in markers] == ["#0072B2", "#0072B2", "#ffffff"]


def test_pdf_chart_is_vector_with_labels_as_text(tmp_path: Path) -> None:
    data = render_chart(
        "stellar", LABELS, [CURRENT, Series("Target", [80.0] * 5, dashed=True)], "pdf", title="T"
    )
    assert b"/Subtype /Image" not in data
    path = tmp_path / "chart.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    text = " ".join(out.stdout.decode("utf-8").split())
    for label in [*LABELS[:2], "Monitoring and", "Evaluation", "Current", "Target", "100"]:
        assert label in text, label
