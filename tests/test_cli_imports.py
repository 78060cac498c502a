"""``import-survey`` and ``export-answers``: the dry run's table, the files written, the
refusals (exit 1, one ``error:`` line each, nothing written)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from typer.testing import CliRunner, Result

from mlops_scorecard.answers import load_answers
from mlops_scorecard.cli import app
from mlops_scorecard.framework import Framework

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def google_csv(framework: Framework, rows: list[list[str]], extra: list[str] | None = None) -> bytes:
    header = [
        "Timestamp",
        "Email Address",
        *[q.text for _, q in framework.iter_questions("core")],
        *(extra or []),
    ]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    return out.getvalue().encode()


def test_import_survey_writes_the_answers_file(framework: Framework, tmp_path: Path) -> None:
    n = sum(1 for _ in framework.iter_questions("core"))
    src = tmp_path / "responses.csv"
    src.write_bytes(google_csv(framework, [["t", "a@x.org", *["Yes"] * n], ["t", "", *["No"] * n]]))
    out = tmp_path / "answers.yaml"
    result = run(
        "import-survey", str(src), "--framework", "mlops-scorecard", "-o", str(out), "--unit", "Search"
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "2 respondents" in result.output
    assert "google-forms layout" in result.output
    answers = load_answers(out)
    assert answers.unit == "Search"
    assert answers.framework == framework.ref
    assert [r.name for r in answers.respondents] == ["a@x.org", ""]
    # refuses to overwrite without --force
    again = run("import-survey", str(src), "--framework", "mlops-scorecard", "-o", str(out))
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_dry_run_shows_the_mapping_and_problems(framework: Framework, tmp_path: Path) -> None:
    n = sum(1 for _ in framework.iter_questions("core"))
    src = tmp_path / "responses.csv"
    src.write_bytes(
        google_csv(framework, [["t", "a@x.org", "Mostly", *["Yes"] * (n - 1), "blue"]], ["Colour"])
    )
    result = run("import-survey", str(src), "--framework", "mlops-scorecard", "--dry-run")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{src}: google-forms layout, 1 respondent"
    assert any(line.startswith("C       gov-strategy") and " text " in line for line in lines)
    assert "unmatched label 'Mostly' (gov-strategy): C2" in result.output
    assert "not importable (2 problems):" in result.output
    assert 'column U ("Colour"): matches no question' in result.output
    # with a mapping it is fine
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {Colour: ignore}\nlabels: {Mostly: partly}\n")
    ok = run(
        "import-survey", str(src), "--framework", "mlops-scorecard", "--mapping", str(mapping), "--dry-run"
    )
    assert ok.exit_code == 0, ok.output
    assert "ok: the file can be imported" in ok.output
    assert any(line.startswith("U       ignored") and "mapping" in line for line in ok.output.splitlines())


def test_refusals_write_nothing(framework: Framework, tmp_path: Path) -> None:
    src = tmp_path / "responses.csv"
    src.write_bytes(google_csv(framework, [["t", "a@x.org", "Maybe"]]))
    out = tmp_path / "answers.yaml"
    result = run("import-survey", str(src), "--framework", "mlops-scorecard", "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith(f"error: {src}: row 2, column C")
    assert "'Maybe' is not an answer on the scale" in result.output
    assert not out.exists()
    no_output = run("import-survey", str(src), "--framework", "mlops-scorecard")
    assert no_output.exit_code == 1
    assert "give --output" in no_output.output
    bad_mapping = tmp_path / "map.yaml"
    bad_mapping.write_text("colums: {}\n")
    result = run(
        "import-survey",
        str(src),
        "--framework",
        "mlops-scorecard",
        "--mapping",
        str(bad_mapping),
        "-o",
        str(out),
    )
    assert result.exit_code == 1
    assert "map.yaml: colums: Extra inputs are not permitted" in result.output
    missing = run(
        "import-survey", str(tmp_path / "nope.csv"), "--framework", "mlops-scorecard", "-o", str(out)
    )
    assert missing.exit_code == 1
    assert "nope.csv" in missing.output


def test_export_answers_round_trips(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    assert run("example", "-o", str(answers), "--set", "full").exit_code == 0
    out = tmp_path / "a.csv"
    result = run("export-answers", str(answers), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    back = tmp_path / "b.yaml"
    result = run(
        "import-survey", str(out), "--framework", "mlops-scorecard", "--question-set", "full", "-o", str(back)
    )
    assert result.exit_code == 0, result.output
    before = yaml.safe_load(answers.read_text())
    after = yaml.safe_load(back.read_text())
    assert after["respondents"] == before["respondents"]
    printed = run("export-answers", str(answers), "-o", "-")
    assert printed.exit_code == 0
    assert printed.output.startswith("Name,Role,gov-strategy: ")


def test_the_blank_form_from_frameworks_export_imports_once_filled_in(
    framework: Framework, tmp_path: Path
) -> None:
    form = tmp_path / "form.csv"
    result = run(
        "frameworks", "export", "mlops-scorecard", "--format", "csv", "--set", "core", "-o", str(form)
    )
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(form.read_text("utf-8-sig"))))
    qids = [q.id for _, q in framework.iter_questions("core")]
    assert all(any(cell.startswith(f"{qid}:") for cell in header) for qid in qids)
    # a respondent fills in the form in a spreadsheet: a name, a role, "Partly" everywhere
    row = [
        "Ana" if h == "Name" else "engineer" if h == "Role" else "" if "comment" in h else "Partly"
        for h in header
    ]
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    form.write_text(out.getvalue(), "utf-8")
    answers_file = tmp_path / "answers.yaml"
    imported = run("import-survey", str(form), "--framework", "mlops-scorecard", "-o", str(answers_file))
    assert imported.exit_code == 0, imported.output
    (person,) = load_answers(answers_file).respondents
    assert (person.name, person.role) == ("Ana", "engineer")
    assert {qid: a.answer for qid, a in person.answers.items()} == dict.fromkeys(qids, "partly")
