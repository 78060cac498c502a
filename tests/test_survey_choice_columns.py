"""Multiple-choice questions through a spreadsheet: ``export-answers`` writes the
selected choices' labels, ``import-survey`` reads them back (this tool's CSV and a
Google Forms checkbox export, whose labels are joined by ", " and hold commas)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlops_scorecard.answers import Answer, AnswerSet, Respondent, check_answers, dump_answers, load_answers
from mlops_scorecard.answers.csv_io import answers_to_csv
from mlops_scorecard.answers.survey_choices import read_choice_cell
from mlops_scorecard.answers.survey_import import import_survey, preview_survey
from mlops_scorecard.cli import app
from mlops_scorecard.errors import AnswersError
from mlops_scorecard.framework import Framework, Question, answer_for_choices
from mlops_scorecard.framework.lens import framework_yaml, lens_to_framework

LENSES = Path(__file__).parent / "data" / "lenses"


@pytest.fixture(scope="module")
def s3() -> Framework:
    # the S3 lens has 14 choice labels with commas in them
    return lens_to_framework((LENSES / "s3-v3.1.0.json").read_bytes(), source="s3.json").framework


def choice_questions(fw: Framework) -> list[Question]:
    return [q for _, q in fw.iter_questions("full") if q.is_choice()]


def selections(q: Question, n: int) -> tuple[str, ...] | None:
    """A different, valid selection for each respondent n (None: unanswered)."""
    plain = [c.id for c in q.choices if not c.none]
    none = [c.id for c in q.choices if c.none]
    pick = n % 4
    if pick == 0:
        return tuple(plain)  # every choice, labels with commas next to each other
    if pick == 1:
        return tuple(none) if none else ()
    if pick == 2:
        return tuple(plain[::2])
    return None


def lens_answers(fw: Framework) -> AnswerSet:
    people = []
    for n in range(5):
        answers = {}
        for i, q in enumerate(choice_questions(fw)):
            picked = selections(q, n + i)
            if picked is not None:
                answers[q.id] = Answer(choices=picked, comment="why, then" if i == 1 else "")
        people.append(Respondent(name=f"P{n}", role="dev", answers=answers))
    answer_set = AnswerSet(framework=fw.ref, question_set="full", respondents=people)
    check_answers(answer_set, fw, source="a.yaml")
    return answer_set


def test_lens_answers_round_trip_through_csv(s3: Framework) -> None:
    answers = lens_answers(s3)
    data = answers_to_csv(answers, s3)
    text = data.decode("utf-8-sig")
    assert "No risk" not in text
    assert "Medium risk" not in text
    back = import_survey(data, source="a.csv", framework=s3, question_set="full")
    assert back.respondents == answers.respondents
    # the key is derived from the choices by the risk rules
    q = choice_questions(s3)[0]
    got = back.respondents[0].answers[q.id]
    assert got.choices is not None
    assert got.answer == answer_for_choices(s3, q, got.choices).key


def test_the_csv_cell_holds_the_labels_one_a_line(s3: Framework) -> None:
    answers = lens_answers(s3)
    rows = list(csv.reader(io.StringIO(answers_to_csv(answers, s3).decode("utf-8-sig"), newline="")))
    q = choice_questions(s3)[0]
    col = rows[0].index(f"{q.id}: {q.text}")
    assert rows[1][col].split("\n") == [c.label for c in q.choices if not c.none]


def test_a_google_forms_checkbox_export_imports(s3: Framework) -> None:
    q = next(q for q in choice_questions(s3) if sum("," in c.label for c in q.choices) >= 2)
    plain = [c for c in q.choices if not c.none]
    none = next(c for c in q.choices if c.none)
    header = ["Timestamp", "Email Address", q.text]
    rows = [
        ["2026/01/05 10:00:00", "a@example.com", ", ".join(c.label for c in plain)],
        ["2026/01/05 10:01:00", "b@example.com", none.label],
        ["2026/01/05 10:02:00", "c@example.com", ""],
        # the choice ids are accepted too, and any case
        ["2026/01/05 10:03:00", "d@example.com", f"{plain[1].id}, {plain[0].label.upper()}"],
    ]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    back = import_survey(out.getvalue().encode(), source="form.csv", framework=s3, question_set="full")
    by_name = {r.name: r.answers for r in back.respondents}
    assert by_name["a@example.com"][q.id].choices == tuple(c.id for c in plain)
    assert by_name["b@example.com"][q.id].choices == (none.id,)
    assert q.id not in by_name["c@example.com"]
    assert by_name["d@example.com"][q.id].choices == (plain[1].id, plain[0].id)


def test_a_label_with_commas_is_matched_greedily(s3: Framework) -> None:
    q = next(q for q in choice_questions(s3) if any("," in c.label for c in q.choices))
    comma = next(c for c in q.choices if "," in c.label)
    other = next(c for c in q.choices if c is not comma and not c.none)
    assert read_choice_cell(f"{other.label}, {comma.label}", q) == (other.id, comma.id)
    assert read_choice_cell(f"{comma.label}; {other.label}", q) == (comma.id, other.id)
    assert read_choice_cell(comma.label.split(",")[0], q) is None


def test_an_unknown_label_names_row_column_and_the_labels(s3: Framework) -> None:
    q = choice_questions(s3)[0]
    none = next(c for c in q.choices if c.none)
    data = f"Name,{q.id}: {q.text}\nAna,{q.choices[0].label}\nBo,Something else\nCy,{q.choices[0].id}; {none.id}\n"
    with pytest.raises(AnswersError) as err:
        import_survey(data.encode(), source="x.csv", framework=s3, question_set="full")
    problems = err.value.problems
    assert any(
        p.startswith("row 3, column B") and "'Something else'" in p and q.choices[1].label[:40] in p
        for p in problems
    ), problems
    assert any(p.startswith("row 4, column B") and "must be selected alone" in p for p in problems), problems
    preview = preview_survey(data.encode(), source="x.csv", framework=s3, question_set="full")
    assert not any("not supported" in p for p in preview.problems)


def test_export_and_import_on_the_command_line_keep_the_choices(s3: Framework, tmp_path: Path) -> None:
    lens = lens_to_framework((LENSES / "s3-v3.1.0.json").read_bytes(), source="s3.json")
    (tmp_path / "lens.yaml").write_text(framework_yaml(lens.data), encoding="utf-8")
    answers = lens_answers(s3).model_copy(update={"framework": "lens.yaml"})
    dump_answers(answers, tmp_path / "answers.yaml")
    runner = CliRunner()
    out = runner.invoke(
        app, ["export-answers", str(tmp_path / "answers.yaml"), "-o", str(tmp_path / "a.csv")]
    )
    assert out.exit_code == 0, out.output
    back = runner.invoke(
        app,
        [
            "import-survey",
            str(tmp_path / "a.csv"),
            "--framework",
            str(tmp_path / "lens.yaml"),
            "--set",
            "full",
            "-o",
            str(tmp_path / "back.yaml"),
        ],
    )
    assert back.exit_code == 0, back.output
    assert "1 respondents" not in back.output
    assert load_answers(tmp_path / "back.yaml").respondents == answers.respondents


def test_the_profile_is_named_on_export_and_given_back_on_import(tmp_path: Path) -> None:
    runner = CliRunner()
    answers = tmp_path / "answers.yaml"
    made = runner.invoke(
        app, ["example", "-o", str(answers), "--respondents", "1", "--profile", "production=none"]
    )
    assert made.exit_code == 0, made.output
    out = runner.invoke(app, ["export-answers", str(answers), "-o", str(tmp_path / "a.csv")])
    assert out.exit_code == 0, out.output
    assert "(1 respondent)" in out.output
    assert "the profile is not in the CSV; import it back with --profile production=none" in out.output
    back = runner.invoke(
        app,
        [
            "import-survey",
            str(tmp_path / "a.csv"),
            "--framework",
            "mlops-scorecard",
            "--profile",
            "production=none",
            "-o",
            str(tmp_path / "back.yaml"),
        ],
    )
    assert back.exit_code == 0, back.output
    assert "(1 respondent," in back.output
    assert load_answers(tmp_path / "back.yaml").profile == {"production": "none"}
    wrong = runner.invoke(
        app,
        [
            "import-survey",
            str(tmp_path / "a.csv"),
            "--framework",
            "mlops-scorecard",
            "--profile",
            "production=nope",
            "-o",
            str(tmp_path / "back2.yaml"),
        ],
    )
    assert wrong.exit_code != 0
    assert "unknown option 'nope'" in wrong.output


def test_the_terminal_survey_on_a_lens_explains_choices_not_yes_and_no(s3: Framework, tmp_path: Path) -> None:
    from mlops_scorecard.survey import open_survey, run_survey

    path = tmp_path / "mine.yaml"
    answers, index = open_survey(path, s3, question_set="core", name="Cy", reference="lens.yaml")
    replies = iter(["y", "q"])
    said: list[str] = []
    run_survey(path, s3, answers, index, ask=lambda _p: next(replies, None), say=said.append)
    assert "y = yes" not in said[0]
    assert "Answer with the numbers (or ids) of every choice that applies" in said[0]
    assert " 35 questions in 6 dimensions" in said[0]
    hint = next(line for line in said if "Not understood" in line)
    assert hint.startswith("  Not understood. Answer with the numbers")


def test_an_unmatched_label_in_two_rows_says_row_not_rows() -> None:
    from mlops_scorecard.framework import get_framework

    fw = get_framework("mlops-scorecard")
    q = next(q for _, q in fw.iter_questions("core"))
    data = f"Name,{q.id}: {q.text}\nA,Maybe\nB,Maybe\n".encode()
    with pytest.raises(AnswersError) as err:
        import_survey(data, source="x.csv", framework=fw)
    assert any("(also row 3)" in p for p in err.value.problems), err.value.problems


def test_microsoft_forms_and_forms_download_separators(s3: Framework) -> None:
    q = next(q for q in choice_questions(s3) if any("," in c.label for c in q.choices))
    a, b = [c for c in q.choices if not c.none][:2]
    assert read_choice_cell(f"{a.label};{b.label};", q) == (a.id, b.id)
    assert read_choice_cell(f"{a.label}\n{b.label}\n", q) == (a.id, b.id)
    assert read_choice_cell("(nothing selected)", q) == ()
