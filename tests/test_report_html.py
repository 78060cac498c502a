"""The HTML report: well-formed, complete, escaped, and self-contained."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.answers import Answer, AnswerSet, Respondent
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import render_report

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# elements that make a browser fetch something
FETCHING = {"link", "script", "iframe", "frame", "object", "embed", "video", "audio", "source", "base"}


class Page(HTMLParser):
    """Collects tags, attributes, text and style blocks, and checks tags nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)
        self.text.append(data)

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert not page.errors, page.errors
    assert page.stack == [], f"unclosed: {page.stack}"
    return page


def render(framework: Framework, answers: AnswerSet) -> str:
    return render_report(framework, answers, "html", generated_at=WHEN).decode("utf-8")


@pytest.fixture(scope="module")
def example_html(framework: Framework) -> str:
    from mlops_scorecard.example import example_answers

    return render(framework, example_answers(framework))


def charts_of(page: Page) -> list[bytes]:
    prefix = "data:image/svg+xml;base64,"
    return [
        base64.b64decode(a["src"][len(prefix) :]) for a in page.attrs("img") if a["src"].startswith(prefix)
    ]


def test_html_parses_and_has_every_section(framework: Framework, example_html: str) -> None:
    page = parse(example_html)
    text = " ".join(" ".join(page.text).split())
    assert example_html.startswith("<!DOCTYPE html>")
    assert "Payments ML team: MLOps assessment" in text
    for heading in ("Scores", "Charts", "How far to trust this result", "Answers per question"):
        assert heading in [" ".join(t.split()) for t in page.text], heading
    for dim in framework.dimensions:
        assert dim.title in text
    for level in ("Defined", "Managed", "Repeatable"):
        assert level in text
    assert "48.6" in text  # the overall score with one decimal
    assert "Exists on paper; not enforced." in text
    assert "Limitations of the method" in text
    assert "Limited actionability" in text
    assert "Yes 1" in text
    assert "No answer 0" in text


def test_html_inlines_the_charts_as_svg(framework: Framework, example_html: str) -> None:
    page = parse(example_html)
    charts = charts_of(page)
    # radar and stellar, and the roles radar (four roles); no trend without history
    assert len(charts) == 3
    assert {a["id"] for a in page.attrs("figure")} == {"chart-radar", "chart-stellar", "chart-roles"}
    for svg in charts:
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        # the charts keep their labels as text; one-word titles are never wrapped
        words = " ".join(el.text for el in root.iter() if el.text).split()
        assert {"Governance", "Deployment", "Monitoring", "Improvement"} <= set(words)
    alts = [a["alt"] for a in page.attrs("img")]
    gov = intervals(framework, example_answers(framework)).dimensions["governance"]
    assert gov is not None
    assert f"Governance 48.6 ({gov.low:.1f} to {gov.high:.1f})" in alts[0]  # the radar's band in numbers
    assert "Governance 48.6," in alts[1]
    assert "ml-engineer: Governance 75.0" in alts[2]


def test_html_makes_no_request_to_another_host(example_html: str) -> None:
    page = parse(example_html)
    assert not [t for t, _ in page.tags if t in FETCHING]
    for tag, attrs in page.tags:
        for name in ("src", "srcset", "poster", "data", "background"):
            if name in attrs:
                assert attrs[name].startswith("data:"), (tag, name, attrs[name][:60])
        if tag == "a":
            assert attrs["href"].startswith(("#", "https://", "http://")), attrs["href"]
        assert "url(" not in attrs.get("style", "")
    css = "\n".join(page.styles)
    assert css
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css
    csp = [a["content"] for a in page.attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'"]
    for svg in charts_of(page):
        text = svg.decode("utf-8")
        assert not re.search(r"""(?:xlink:)?href=["'](?:https?:)?//""", text)
        assert "@import" not in text
        assert "url(http" not in text
        assert "<image" not in text


def test_html_escapes_comments_and_links_only_web_evidence(framework: Framework, example: AnswerSet) -> None:
    qid = framework.dimensions[0].questions[0].id
    example.respondents[0].name = 'Zoë "<b>bold</b>"'
    example.respondents[0].answers[qid] = Answer(
        answer="partly",
        comment="<script>alert('x')</script> & more",
        evidence=["https://ci.example.com/runs/1?a=1&b=2", "javascript:alert(1)", "see wiki"],
    )
    html = render(framework, example)
    page = parse(html)
    assert "<script>" not in html
    assert not page.attrs("script")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html
    assert "<b>bold</b>" not in html
    assert "Zoë &#34;&lt;b&gt;bold&lt;/b&gt;&#34;" in html
    hrefs = [a["href"] for a in page.attrs("a") if not a["href"].startswith("#")]
    assert hrefs == ["https://ci.example.com/runs/1?a=1&b=2"]
    assert "javascript:alert(1)" in " ".join(page.text)  # shown, but as text


def test_html_with_one_respondent_shows_warnings(framework: Framework) -> None:
    qids = [q.id for _, q in framework.iter_questions("core")]
    answers = AnswerSet(
        framework=framework.ref,
        respondents=[Respondent(name="Solo", answers={q: Answer(answer="unknown") for q in qids})],
    )
    page = parse(render(framework, answers))
    items = [" ".join(a.split()) for a in page.text]
    assert "Only one person answered. The scores show that view rather than the team's;" in " ".join(items)
    assert sum("has no score" in t for t in items) == 6
    assert "—" in items  # the overall score


def test_html_report_does_not_import_matplotlib(tmp_path: Path) -> None:
    # the radar, stellar and roles charts are written as SVG directly; only a trend
    # (history) needs matplotlib
    code = (
        "import sys, datetime as dt\n"
        "from mlops_scorecard.framework import get_framework\n"
        "from mlops_scorecard.example import example_answers\n"
        "from mlops_scorecard.reports import render_report\n"
        "fw = get_framework('mlops-scorecard')\n"
        "html = render_report(fw, example_answers(fw), 'html')\n"
        "assert html.count(b'data:image/svg+xml;base64,') == 3\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'fpdf', 'PIL')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "[]"
