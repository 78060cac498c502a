"""CSV exports: answers -> CSV -> import gives the same respondents, and the blank form
filled in by hand imports."""

from __future__ import annotations

import csv
import io

import pytest

from mlops_scorecard.answers import Answer, AnswerSet, Respondent
from mlops_scorecard.answers.csv_io import answers_to_csv, csv_header, framework_to_csv
from mlops_scorecard.answers.survey_import import import_survey
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, ScaleChoice


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def round_trip(answers: AnswerSet, framework: Framework) -> AnswerSet:
    data = answers_to_csv(answers, framework)
    return import_survey(data, source="a.csv", framework=framework, question_set=answers.question_set)


@pytest.mark.parametrize("question_set", ["core", "full"])
def test_example_round_trips(framework: Framework, question_set: str) -> None:
    answers = example_answers(framework, respondents=6, question_set=question_set)  # type: ignore[arg-type]
    back = round_trip(answers, framework)
    assert back.respondents == answers.respondents
    assert back.question_set == answers.question_set
    assert back.framework == framework.ref


def test_comments_evidence_and_awkward_text_round_trip(framework: Framework) -> None:
    qs = [q.id for _, q in framework.iter_questions("core")]
    people = [
        Respondent(
            name="Zoë \u201cZ\u201d O'Neil, Jr.",
            role="ml-engineer",
            answers={
                qs[0]: Answer(answer="yes", comment='Line one\nline two, with "quotes"; and a semicolon'),
                qs[1]: Answer(answer="partly", comment="=SUM(A1:A2)", evidence=["https://x.org/a", "-b"]),
                qs[2]: Answer(answer="na", comment="'=not a formula either"),
                qs[3]: Answer(answer="unknown", comment="+1 @here"),
                qs[4]: Answer(answer="no", comment="  "),
            },
        ),
        Respondent(name="", role="data-scientist", answers={}),
        Respondent(name="-dash", role="@role", answers={qs[5]: Answer(answer="no")}),
    ]
    answers = AnswerSet(framework=framework.ref, question_set="core", respondents=people)
    data = answers_to_csv(answers, framework)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    cells = [c for row in rows_of(data) for c in row]
    # nothing a spreadsheet would run as a formula
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells)
    back = round_trip(answers, framework)
    assert back.respondents == answers.respondents


def test_a_custom_scale_writes_its_labels(framework: Framework) -> None:
    scale = {
        "yes": ScaleChoice(label="Automated", value=1.0),
        "partly": ScaleChoice(label="Done manually", value=0.5),
        "no": ScaleChoice(label="Not done", value=0.0),
    }
    custom = framework.model_copy(update={"scale": scale})
    qid = next(q.id for _, q in custom.iter_questions("core"))
    answers = AnswerSet(
        framework=custom.ref,
        respondents=[Respondent(name="a", answers={qid: Answer(answer="partly")})],
    )
    data = answers_to_csv(answers, custom)
    assert rows_of(data)[1][2] == "Done manually"
    assert round_trip(answers, custom).respondents == answers.respondents


def test_the_blank_form_filled_in_by_hand_imports(framework: Framework) -> None:
    blank = rows_of(framework_to_csv(framework, "core"))
    assert len(blank) == 1
    header = blank[0]
    assert header[:2] == ["Name", "Role"]
    assert header == csv_header(framework, "core")
    ids = [q.id for _, q in framework.iter_questions("core")]
    assert len(header) == 2 + 2 * len(ids)
    # as a person fills it in a spreadsheet: labels in any case, keys, synonyms, blanks
    filled = ["Ana", "ml-engineer"]
    values = ["Yes", "partly", "NO", "n/a", "Don't know", "", *["yes"] * (len(ids) - 6)]
    for i, value in enumerate(values):
        filled += [value, "checked the wiki" if i == 0 else ""]
    out = io.StringIO()
    csv.writer(out).writerows([header, filled])
    answers = import_survey(out.getvalue().encode(), source="filled.csv", framework=framework)
    (ana,) = answers.respondents
    assert (ana.name, ana.role) == ("Ana", "ml-engineer")
    assert [ana.answers[q].answer for q in ids[:5]] == ["yes", "partly", "no", "na", "unknown"]
    assert ids[5] not in ana.answers
    assert ana.answers[ids[0]].comment == "checked the wiki"


def test_the_full_blank_form_has_every_question(framework: Framework) -> None:
    header = rows_of(framework_to_csv(framework))[0]
    n = sum(1 for _ in framework.iter_questions("full"))
    assert sum(1 for h in header if not h.endswith(": comment")) == 2 + n
