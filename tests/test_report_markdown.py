"""The Markdown report (its full text is pinned by tests/golden/example-report.md)."""

from __future__ import annotations

import datetime as dt
import json
import re

from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.answers import Answer, AnswerSet
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import render_report
from mlops_scorecard.reports.markdown import render_markdown
from mlops_scorecard.reports.view import md_escape, md_link

WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)


def markdown(framework: Framework, answers: AnswerSet) -> str:
    return render_report(framework, answers, "md", generated_at=WHEN).decode("utf-8")


def table_rows(text: str, header: str) -> list[list[str]]:
    """The body rows of the first table whose header row starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def test_markdown_sections_and_scores_table(framework: Framework, example: AnswerSet) -> None:
    text = markdown(framework, example)
    for heading in ("## Scores", "## How far to trust this result", "## Answers per question"):
        assert f"\n{heading}\n" in text
    rows = table_rows(text, "| Dimension | Score | 90% interval | Level |")
    assert [r[0] for r in rows[:-1]] == [d.title for d in framework.dimensions]
    u = intervals(framework, example)
    gov, overall = u.dimensions["governance"], u.overall
    assert gov is not None
    assert overall is not None
    assert rows[0][1:4] == ["48.6", f"{gov.low:.1f}\N{EN DASH}{gov.high:.1f}", "Defined"]
    assert rows[-1][:4] == [
        "**Overall**",
        "**48.6**",
        f"**{overall.low:.1f}\N{EN DASH}{overall.high:.1f}**",
        "**Defined**",
    ]
    assert "## Charts" not in text  # Markdown stays text unless given chart paths
    assert "\n\n\n" not in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


def test_markdown_distribution_rows_have_every_count(framework: Framework, example: AnswerSet) -> None:
    rows = table_rows(markdown(framework, example), "| Question | Yes | Partly |")
    assert rows[0] == ["gov-strategy", "1", "2", "1", "0", "0", "0", "50.0"]


def test_markdown_links_charts_when_given_paths(framework: Framework, example: AnswerSet) -> None:
    data = json.loads(render_report(framework, example, "json", generated_at=WHEN))
    text = render_markdown(data, chart_paths={"stellar": "charts/stellar.svg", "radar": "radar.png"})
    charts = text.split("## Charts", 1)[1].split("\n## ", 1)[0]
    assert charts.strip().splitlines() == [
        "![Radar chart of the dimension scores; the band is the 90% interval](radar.png)",
        "![Stellar chart of the dimension scores](charts/stellar.svg)",
    ]


def test_markdown_escapes_user_text(framework: Framework, example: AnswerSet) -> None:
    qid = framework.dimensions[0].questions[0].id
    example.respondents[0].name = "A|B"
    example.respondents[0].answers[qid] = Answer(
        answer="no",
        comment="<script>x</script> with | pipe,\nnew line and *stars*",
        evidence=["https://ci.example.com/a_b", "[click](javascript:alert(1))"],
    )
    text = markdown(framework, example)
    assert "<script>" not in text
    line = next(ln for ln in text.splitlines() if ln.startswith("- A\\|B"))
    assert line == (
        "- A\\|B (ml-engineer): No — \\<script\\>x\\</script\\> with \\| pipe, new line and"
        " \\*stars\\* (evidence: <https://ci.example.com/a_b>; \\[click\\](javascript:alert(1)))"
    )
    rows = table_rows(text, "| Respondent | Role |")
    assert rows[0][0] == "A\\|B"
    assert len(rows[0]) == 7


def test_md_helpers() -> None:
    assert md_escape("a_b *c* `d` [e] <f> | g\\") == "a\\_b \\*c\\* \\`d\\` \\[e\\] \\<f\\> \\| g\\\\"
    assert md_link(" https://x.org/p?q=1 ") == "<https://x.org/p?q=1>"
    assert md_link("https://x.org/<script>") == "https://x.org/\\<script\\>"
    assert md_link("ftp://x.org") == "ftp://x.org"


def test_markdown_report_neutralizes_hostile_names_titles_and_comments(
    framework: Framework, example: AnswerSet
) -> None:
    qid = framework.dimensions[0].questions[0].id
    example.title = "# Injected <b>title</b>"
    example.unit = "[unit](javascript:alert(1))"
    example.respondents[0].name = "## Name\n# heading"
    example.respondents[0].role = "<img src=x onerror=alert(1)>"
    example.respondents[0].answers[qid] = Answer(
        answer="no",
        comment="ok\n\n# Injected heading\n<iframe src=javascript:alert(1)>\n![x](javascript:alert(1)) &lt;",
        evidence=["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"],
    )
    text = markdown(framework, example)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# \\# Injected \\<b\\>title\\</b\\>"
    assert not any("Injected heading" in h or "Name" in h for h in headings)
    assert not re.search(r"(?<!\\)<(script|img|iframe|b>)", text)
    assert not re.search(r"(?<!\\)\]\(javascript", text)
    assert not re.search(r"(?<!\\)<(javascript|data):", text)
    assert "\\[unit\\](javascript:alert(1))" in text
    assert (
        "ok \\# Injected heading \\<iframe src=javascript:alert(1)\\> \\!\\[x\\](javascript:alert(1)) \\&lt;"
        in text
    )
