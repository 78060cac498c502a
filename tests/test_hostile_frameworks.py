"""Hostile input to what issue 10 added, without a server: framework texts (YAML bombs,
deep nesting, extends gone wrong, NaN in a lens), the CLI's frameworks commands on odd
files (a directory, /dev/zero, an empty file) and survey files built to break a reader.
Each is refused with a message naming the file and the place, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.answers.survey_import import preview_survey
from mlops_scorecard.cli import app
from mlops_scorecard.errors import AnswersError, FrameworkError
from mlops_scorecard.framework import get_framework, parse_framework_text
from mlops_scorecard.framework.lens import lens_to_framework

runner = CliRunner()
FW = get_framework("mlops-scorecard")
CORE = [q for _, q in FW.iter_questions("core")]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def refused_framework(text: str, *, as_json: bool = False) -> str:
    with pytest.raises(FrameworkError) as info:
        parse_framework_text(text, source="up.yaml", as_json=as_json)
    return str(info.value)


# --- framework texts --------------------------------------------------------------------


def test_billion_laughs_is_refused_before_it_expands() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    message = refused_framework("\n".join(lines) + "\n")
    assert message.startswith("up.yaml: ")
    assert "alias" in message or "anchor" in message


def test_deep_nesting_is_refused_with_its_line() -> None:
    message = refused_framework("id: x\nversion: '1'\ntitle: " + "[" * 5000 + "]" * 5000 + "\n")
    assert message.startswith("up.yaml: ")
    assert "nest" in message


def test_extends_a_missing_framework_names_it() -> None:
    message = refused_framework("extends: nowhere@9\nid: x\nversion: '1'\ntitle: X\n")
    assert "line 1" in message
    assert "nowhere" in message


def test_a_json_framework_with_nan_is_refused() -> None:
    text = '{"id": "x", "version": "1", "title": "X", "dimensions": [{"id": "d", "weight": NaN}]}'
    message = refused_framework(text, as_json=True)
    assert message.startswith("up.yaml: ")


def test_a_lens_with_infinity_as_a_number_is_refused_or_read_as_text() -> None:
    lens = {
        "schemaVersion": "2021-11-01",
        "name": "Tiny lens",
        "description": "d",
        "pillars": [
            {
                "id": "p",
                "name": "P",
                "questions": [
                    {
                        "id": "Q_1",
                        "title": "Backups?",
                        "choices": [
                            {"id": "Q_1_a", "title": "Daily"},
                            {"id": "Q_1_no", "title": "None of these"},
                        ],
                        "riskRules": [
                            {"condition": "Q_1_a", "risk": "NO_RISK"},
                            {"condition": "default", "risk": "HIGH_RISK"},
                        ],
                    }
                ],
            }
        ],
    }
    text = json.dumps(lens).replace('"Daily"', "Infinity").replace('"d"', "NaN")
    result = lens_to_framework(text, source="lens.json")
    # read leniently, as published lenses hold bare NaNs: empty text with a warning, never a float
    q = next(q for _, q in result.framework.iter_questions("full"))
    assert [c.label for c in q.choices] == ["Q_1_a", "None of these"]
    assert (
        "choices[0] (Q_1_a).title: a bare Infinity in the JSON, not text; read as empty" in result.warnings[1]
    )


# --- CLI on odd files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir() or p, "is a directory"),
        (lambda p: p.write_bytes(b"") or p, "invalid JSON"),
        (lambda p: Path("/dev/zero"), "larger than"),
    ],
    ids=["directory", "empty", "dev-zero"],
)
def test_import_lens_on_odd_files(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path / "lens.json")  # type: ignore[operator]
    result = run("frameworks", "import-lens", str(path), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out.yaml").exists()


def test_an_answers_file_on_dev_zero_is_refused_not_read_forever() -> None:
    result = run("score", "/dev/zero")
    assert result.exit_code != 0
    assert "larger than" in result.output


def test_diff_with_a_file_extending_a_missing_base(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text("extends: nothing-here@1\nid: x\nversion: '2'\ntitle: X\n")
    result = run("frameworks", "diff", "mlops-scorecard", str(new))
    assert result.exit_code == 1
    assert f"{new}: line 1: extends: unknown framework 'nothing-here'" in result.output


def test_export_pdf_to_stdout_is_refused() -> None:
    result = run("frameworks", "export", "mlops-scorecard", "--format", "pdf")
    assert result.exit_code == 1
    assert "give -o FILE.pdf" in result.output
    assert "%PDF" not in result.output


def test_import_survey_keeps_an_existing_output_without_force(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    out.write_text("mine\n")
    survey = tmp_path / "s.csv"
    survey.write_text(f"Name,{CORE[0].text}\nAna,Yes\n")
    result = run("import-survey", str(survey), "--framework", "mlops-scorecard", "-o", str(out))
    assert result.exit_code == 1
    assert "already exists; use --force" in result.output
    assert out.read_text() == "mine\n"


# --- survey files -----------------------------------------------------------------------


def refused_survey(data: bytes, name: str = "s.csv") -> str:
    try:
        preview = preview_survey(data, source=name, framework=FW)
    except AnswersError as exc:
        message = str(exc)
    else:
        assert not preview.ok, preview
        message = "\n".join(preview.problems)
    assert message
    return message


def test_csv_with_nul_bytes() -> None:
    assert "NUL" in refused_survey(f"Name,{CORE[0].text}\nA\x00na,Yes\n".encode())


def test_csv_with_a_quote_never_closed() -> None:
    assert "row 2" in refused_survey(f'Name,{CORE[0].text}\n"Ana,Yes\n'.encode())


def test_csv_with_mixed_newlines_reads_every_row() -> None:
    data = f"Name,{CORE[0].text}\r\nAna,Yes\rBo,No\nCy,Partly\r\n".encode()
    preview = preview_survey(data, source="s.csv", framework=FW)
    assert preview.ok, preview.problems
    assert preview.respondents == 3


def test_csv_with_1001_columns() -> None:
    header = ",".join(f"c{i}" for i in range(1001))
    assert "row 1: 1,001 columns; the limit is 1,000" in refused_survey(
        (header + "\n" + "," * 1000 + "\n").encode()
    )


def test_a_formula_cell_is_a_label_that_fits_nothing() -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["Name", CORE[0].text], ["Ana", "=cmd|' /C calc'!A0"]])
    message = refused_survey(out.getvalue().encode())
    assert "=cmd|" in message


def test_an_xlsx_that_is_really_a_csv() -> None:
    assert "not an Excel workbook" in refused_survey(f"Name,{CORE[0].text}\nAna,Yes\n".encode(), "s.xlsx")


def test_a_zip_bomb_xlsx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 300_000_000)
    message = refused_survey(buf.getvalue(), "s.xlsx")
    assert "bomb" in message or "uncompressed" in message or "MiB" in message


def test_an_xlsx_with_two_sheets_reads_the_first() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", CORE[0].text])
    ws.append(["Ana", "Yes"])
    other = wb.create_sheet("Summary")
    other.append(["Colour"])
    other.append(["=SUM(1,2)"])
    buf = io.BytesIO()
    wb.save(buf)
    preview = preview_survey(buf.getvalue(), source="s.xlsx", framework=FW)
    assert preview.ok, preview.problems
    assert preview.respondents == 1
    assert preview.answers is not None
    assert preview.answers.respondents[0].answers[CORE[0].id].answer == "yes"
