"""Survey import: Google Forms (Forms and Sheets downloads), Microsoft Forms (XLSX and its
CSV save), synonyms, mapping files, every refusal with its row and column, and hostile
files (wrong encoding, huge cells, formulas, zip bombs, a .xlsx that is no zip)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from mlops_scorecard.answers.survey_import import (
    import_survey,
    match_columns,
    preview_survey,
)
from mlops_scorecard.answers.survey_layouts import MAX_SURVEY_BYTES, column_letter, read_table
from mlops_scorecard.answers.survey_mapping import normalize, read_mapping
from mlops_scorecard.errors import AnswersError
from mlops_scorecard.framework import Framework


def core(framework: Framework) -> list[tuple[str, str]]:
    return [(q.id, q.text) for _, q in framework.iter_questions("core")]


def google_forms(header: list[str], rows: list[list[str]]) -> bytes:
    """The Forms download: every field quoted, LF row ends."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def sheets_csv(header: list[str], rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    """The Sheets download (minimal quoting) or Excel's CSV UTF-8 save (BOM, CRLF)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if bom else "\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def two_people(framework: Framework) -> tuple[list[str], list[list[str]]]:
    qs = core(framework)
    header = ["Timestamp", "Email Address", *[text for _, text in qs]]
    rows = [
        ["2022/11/30 10:39:41 PM GMT+1", "ana@example.com", *["Yes"] * len(qs)],
        ["2022/12/01 3:08:44 PM GMT+1", "", "Partly", "no", "Don't know", "N/A", *[""] * (len(qs) - 4)],
    ]
    return header, rows


def test_google_forms_download(framework: Framework) -> None:
    header, rows = two_people(framework)
    preview = preview_survey(google_forms(header, rows), source="f.csv", framework=framework)
    assert preview.layout == "google-forms"
    assert preview.ok, preview.problems
    assert preview.answers is not None
    ana, anon = preview.answers.respondents
    assert ana.name == "ana@example.com"
    assert {a.answer for a in ana.answers.values()} == {"yes"}
    assert len(ana.answers) == len(core(framework))
    ids = [qid for qid, _ in core(framework)]
    assert anon.name == ""
    assert {k: a.answer for k, a in anon.answers.items()} == dict(
        zip(ids[:4], ["partly", "no", "unknown", "na"], strict=True)
    )
    kinds = {c.column: (c.kind, c.how) for c in preview.columns}
    assert kinds["A"] == ("metadata", "layout")
    assert kinds["B"] == ("email", "layout")
    assert kinds["C"] == ("question", "text")
    assert preview.never_answered == []


def test_google_sheets_download_with_reworded_headers(framework: Framework) -> None:
    qs = core(framework)
    # numbering, a section prefix, curly quotes, case and the missing "?" all normalize away
    header = ["Timestamp", "Email address", "Your name", "Role"]
    header += [f"{i}. [Section] {text.upper().rstrip('?')}" for i, (_, text) in enumerate(qs, 1)]
    rows = [["8/31/2023 19:08:16", "x@example.com", "Ana", "ml-engineer", *["Do not know"] * len(qs)]]
    preview = preview_survey(sheets_csv(header, rows), source="s.csv", framework=framework)
    assert preview.layout == "google-sheets"
    assert preview.ok, preview.problems
    assert preview.answers is not None
    person = preview.answers.respondents[0]
    assert (person.name, person.role) == ("Ana", "ml-engineer")
    assert {a.answer for a in person.answers.values()} == {"unknown"}


def test_google_grid_rows_match_by_row_label(framework: Framework) -> None:
    qs = core(framework)[:3]
    header = ["Timestamp", *[f"Governance [{text}]" for _, text in qs]]
    preview = preview_survey(
        google_forms(header, [["t", "Yes", "No", "Partly"]]), source="g.csv", framework=framework
    )
    assert [c.how for c in preview.columns[1:]] == ["grid row"] * 3
    assert preview.answers is not None
    assert [a.answer for a in preview.answers.respondents[0].answers.values()] == ["yes", "no", "partly"]


def test_microsoft_forms_xlsx(framework: Framework) -> None:
    qs = core(framework)
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += [text for _, text in qs]
    import datetime as dt

    when = dt.datetime(2025, 8, 20, 12, 51, 45)
    data = xlsx(
        [
            header,
            [1, when, when, "anonymous", None, None, *["Yes"] * len(qs)],
            [2, when, when, "b@example.com", "Bo Li", None, "not applicable", *[None] * (len(qs) - 1)],
        ]
    )
    preview = preview_survey(data, source="ms.xlsx", framework=framework)
    assert preview.layout == "microsoft-forms"
    assert preview.ok, preview.problems
    assert preview.answers is not None
    first, second = preview.answers.respondents
    assert first.name == ""  # "anonymous" is nobody
    assert second.name == "Bo Li"
    assert [a.answer for a in second.answers.values()] == ["na"]


def test_microsoft_forms_csv_save_with_bom_and_semicolons(framework: Framework) -> None:
    qs = core(framework)
    header = ["ID", "Start time", "Completion time", "Email", "Name", *[text for _, text in qs]]
    rows = [["1", "7/2/20 11:00:22", "7/2/20 11:05:00", "anonymous", "Anonymous", *["Partly"] * len(qs)]]
    data = sheets_csv(header, rows, delimiter=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbfID;")
    preview = preview_survey(data, source="ms.csv", framework=framework)
    assert preview.layout == "microsoft-forms-csv"
    assert preview.ok, preview.problems
    assert preview.answers is not None
    assert preview.answers.respondents[0].name == ""
    assert len(preview.answers.respondents[0].answers) == len(qs)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Yes, fully", "yes"),
        ("YES", "yes"),
        ("Partially", "partly"),
        ("Not at all", "no"),
        ("Not applicable", "na"),
        ("n/a", "na"),
        ("Don\u2019t know", "unknown"),
        ("I don't know", "unknown"),
        ("not sure", "unknown"),
    ],
)
def test_synonyms(framework: Framework, label: str, key: str) -> None:
    qid, text = core(framework)[0]
    answers = import_survey(sheets_csv([text], [[label]]), source="x.csv", framework=framework)
    assert answers.respondents[0].answers[qid].answer == key


def test_a_custom_scale_reads_its_own_labels(framework: Framework) -> None:
    from mlops_scorecard.framework import ScaleChoice

    scale = {
        "yes": ScaleChoice(label="Automated", value=1.0),
        "partly": ScaleChoice(label="Done manually", value=0.5),
        "no": ScaleChoice(label="Not done", value=0.0),
    }
    custom = framework.model_copy(update={"scale": scale})
    qid, text = core(framework)[0]
    answers = import_survey(sheets_csv([text], [["done manually"]]), source="x.csv", framework=custom)
    assert answers.respondents[0].answers[qid].answer == "partly"
    # "Don't know" is not on this scale, so it is not taken for one
    with pytest.raises(AnswersError, match=r'row 2, column A .*"Don\'t know" is not an answer'):
        import_survey(sheets_csv([text], [["Don't know"]]), source="x.csv", framework=custom)


def test_mapping_file_by_header_and_letter(framework: Framework, tmp_path: Path) -> None:
    (q1, _), (q2, _) = core(framework)[:2]
    mapping = read_mapping(
        f"""
columns:
  "Question one, reworded beyond recognition": {q1}
  C: {q2}
  "Department": role
  "Any other thoughts?": ignore
  "Why?": comment:{q1}
labels:
  Mostly: partly
  3: yes
  Sí: yes
""",
        source="map.yaml",
    )
    header = [
        "Question one, reworded beyond recognition",
        "Department",
        "Something else",
        "Any other thoughts?",
        "Why?",
    ]
    rows = [["Mostly", "data", "3", "lots", "because"], ["Sí", "ops", "no", "", ""]]
    preview = preview_survey(sheets_csv(header, rows), source="x.csv", framework=framework, mapping=mapping)
    assert preview.ok, preview.problems
    assert [c.how for c in preview.columns] == ["mapping"] * 5
    assert preview.answers is not None
    first, second = preview.answers.respondents
    assert first.role == "data"
    assert first.answers[q1].answer == "partly"
    assert first.answers[q1].comment == "because"
    assert first.answers[q2].answer == "yes"
    assert second.answers[q1].answer == "yes"


def test_mapping_file_problems_are_named(framework: Framework) -> None:
    mapping = read_mapping("columns: {A: no-such-question}\nlabels: {Mostly: sometimes}\n", source="m.yaml")
    preview = preview_survey(sheets_csv(["x"], [["y"]]), source="x.csv", framework=framework, mapping=mapping)
    assert any("columns.A: 'no-such-question' is not a question id" in p for p in preview.problems)
    assert any("labels.Mostly: 'sometimes' is not an answer key" in p for p in preview.problems)
    with pytest.raises(AnswersError, match=r"m\.yaml: line 2, column 1: invalid YAML"):
        read_mapping("columns: [a\n", source="m.yaml")
    with pytest.raises(AnswersError, match="unknown: Extra inputs"):
        read_mapping("unknown: 1\n", source="m.yaml")


def test_unmatched_labels_and_columns_list_every_cell(framework: Framework) -> None:
    (q1, t1), (_, t2) = core(framework)[:2]
    header = ["Timestamp", t1, "Favourite colour", t2]
    rows = [["t", "Yes", "blue", "Mostly"], ["t", "Maybe", "", "Mostly"], ["t", "no", "", "Mostly"]]
    preview = preview_survey(google_forms(header, rows), source="x.csv", framework=framework)
    assert not preview.ok
    assert preview.answers is None
    assert [c.column for c in preview.unmatched_columns] == ["C"]
    labels = {(p.label, p.column): p.cells for p in preview.unmatched_labels}
    assert labels == {("Maybe", "B"): ["B3"], ("Mostly", "D"): ["D2", "D3", "D4"]}
    text = "\n".join(preview.problems)
    assert 'column C ("Favourite colour"): matches no question' in text
    assert 'row 3, column B ("Does the organization have a clear ML' in text
    assert "'Mostly' is not an answer on the scale" in text
    assert "(also rows 3, 4)" in text
    with pytest.raises(AnswersError) as info:
        import_survey(google_forms(header, rows), source="x.csv", framework=framework)
    assert len(info.value.problems) == 3
    # leaving the unmatched column out still refuses the labels
    ignored = preview_survey(
        google_forms(header, rows), source="x.csv", framework=framework, ignore_unmatched=True
    )
    assert len(ignored.problems) == 2
    assert q1 in {p.question_id for p in ignored.unmatched_labels}


def test_an_empty_unmatched_column_is_listed_not_refused(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    preview = preview_survey(sheets_csv([t1, "Notes"], [["Yes", ""]]), source="x.csv", framework=framework)
    assert preview.ok
    assert [c.header for c in preview.unmatched_columns] == ["Notes"]


def test_ambiguous_and_duplicate_columns(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    preview = preview_survey(sheets_csv([t1, t1 + "?"], [["Yes", "No"]]), source="x.csv", framework=framework)
    assert any("column B" in p and "is already column A" in p for p in preview.problems)
    twins = framework.model_copy(deep=True)
    dims = [d.model_copy(update={"questions": list(d.questions)}) for d in twins.dimensions]
    q = dims[0].questions[1].model_copy(update={"text": dims[0].questions[0].text})
    dims[0].questions[1] = q
    twins = Framework.model_validate({**framework.model_dump(), "dimensions": [d.model_dump() for d in dims]})
    preview = preview_survey(sheets_csv([t1], [["Yes"]]), source="x.csv", framework=twins)
    assert preview.columns[0].kind == "ambiguous"
    assert "matches several questions" in preview.problems[0]


def test_question_outside_the_set(framework: Framework) -> None:
    extended = next(q for _, q in framework.iter_questions("full") if q.set == "extended")
    preview = preview_survey(
        sheets_csv([f"{extended.id}: x"], [["Yes"]]), source="x.csv", framework=framework
    )
    assert "is not in the set" in preview.problems[0]
    full = import_survey(
        sheets_csv([extended.text], [["Yes"]]), source="x.csv", framework=framework, question_set="full"
    )
    assert full.respondents[0].answers[extended.id].answer == "yes"


def test_a_later_response_replaces_an_earlier_one(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    header = ["Timestamp", "Email Address", t1]
    rows = [["1", "a@x.org", "No"], ["2", "b@x.org", "No"], ["3", "a@x.org", "Yes"]]
    preview = preview_survey(google_forms(header, rows), source="x.csv", framework=framework)
    assert preview.ok
    assert preview.superseded == [(2, 4, "a@x.org")]
    assert preview.answers is not None
    assert [(r.name, next(iter(r.answers.values())).answer) for r in preview.answers.respondents] == [
        ("a@x.org", "yes"),
        ("b@x.org", "no"),
    ]


def test_comment_without_answer_and_too_long_cells(framework: Framework) -> None:
    qid, text = core(framework)[0]
    header = ["Name", f"{qid}: {text}", f"{qid}: comment"]
    preview = preview_survey(sheets_csv(header, [["Ana", "", "why"]]), source="x.csv", framework=framework)
    assert preview.problems == [
        f'row 2, column C ("{qid}: comment"): a comment or evidence on a question not answered'
    ]
    preview = preview_survey(
        sheets_csv(header, [["Ana", "Yes", "w" * 5001]]), source="x.csv", framework=framework
    )
    assert "row 2, column C" in preview.problems[0]
    assert "5,001 characters" in preview.problems[0]
    preview = preview_survey(
        sheets_csv(header, [["A" * 201, "Yes", ""]]), source="x.csv", framework=framework
    )
    assert 'row 2, column A ("Name"): a name of 201 characters' in preview.problems[0]


# --- hostile and broken files ------------------------------------------------------------


def test_wrong_encodings(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    latin1 = f"Name,{t1}\nJosé,Yes\n".encode("cp1252")
    with pytest.raises(AnswersError, match=r"x\.csv: not UTF-8 text .* at byte \d+\); save it as 'CSV UTF-8"):
        import_survey(latin1, source="x.csv", framework=framework)
    utf16 = f"Name\t{t1}\nJosé\tYes\n".encode("utf-16")
    with pytest.raises(AnswersError, match="UTF-16"):
        import_survey(utf16, source="x.csv", framework=framework)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"Name,Role\n", None),
        (b"a,b\0c\n", "NUL"),
    ],
)
def test_empty_and_header_only(framework: Framework, data: bytes, message: str | None) -> None:
    if message is None:
        preview = preview_survey(data, source="x.csv", framework=framework)
        assert preview.ok
        assert preview.respondents == 0
        assert len(preview.never_answered) == len(core(framework))
        return
    with pytest.raises(AnswersError, match=message):
        preview_survey(data, source="x.csv", framework=framework)


def test_a_one_megabyte_cell_is_refused_with_its_row(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    data = sheets_csv(["Name", t1], [["a", "Yes"], ["b", "x" * 1_000_000]])
    with pytest.raises(AnswersError, match=r"row 3: not valid CSV \(field larger than field limit"):
        import_survey(data, source="x.csv", framework=framework)
    data = sheets_csv(["Name", t1], [["a", "Yes"], ["b", "x" * 120_000]])
    with pytest.raises(AnswersError, match=r"row 3, column B: a cell of 120,000 characters"):
        import_survey(data, source="x.csv", framework=framework)


def test_too_large_and_broken_csv(framework: Framework) -> None:
    with pytest.raises(AnswersError, match="the limit is 20 MB"):
        import_survey(b"x" * (MAX_SURVEY_BYTES + 1), source="x.csv", framework=framework)
    with pytest.raises(AnswersError, match="row 2: not valid CSV"):
        import_survey(b'Name,x\n"a"b,c\n', source="x.csv", framework=framework)
    with pytest.raises(AnswersError, match="row 2, column C: a value beyond the last header column"):
        import_survey(b"Name,x\na,Yes,extra\n", source="x.csv", framework=framework)


def test_formula_cells(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    # in a CSV a formula is text, and not an answer
    with pytest.raises(AnswersError, match=r"row 2, column B .*'=HYPERLINK\(\"x\"\)' is not an answer"):
        import_survey(
            sheets_csv(["Name", t1], [["a", '=HYPERLINK("x")']]), source="x.csv", framework=framework
        )
    # in a workbook the cached value is read, never the formula: a formula without one is blank
    data = xlsx([["Name", t1, "Notes"], ["a", '=IF(1,"Yes","No")', "=1+1"]])
    preview = preview_survey(data, source="f.xlsx", framework=framework)
    assert preview.ok, preview.problems
    assert preview.answers is not None
    assert preview.answers.respondents[0].answers == {}


def test_a_zip_bomb_workbook_is_refused_before_unpacking(framework: Framework) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        # 300 MB of zeros compress to about 300 KB
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                fh.write(block)
    data = buf.getvalue()
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(
        AnswersError, match=r"bomb.xlsx: the workbook would unpack to 315 MB \(a zip bomb\?\)"
    ):
        import_survey(data, source="bomb.xlsx", framework=framework)


def test_xlsx_that_is_not_a_zip_and_broken_zips(framework: Framework) -> None:
    with pytest.raises(AnswersError, match=r"named \.xlsx but is not an Excel workbook"):
        import_survey(b"Name,x\n", source="f.xlsx", framework=framework)
    with pytest.raises(AnswersError, match="broken zip file"):
        import_survey(b"PK\x03\x04garbage", source="f.xlsx", framework=framework)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(AnswersError, match="no worksheet"):
        import_survey(buf.getvalue(), source="f.xlsx", framework=framework)
    # a zip of one CSV, as a Google Forms download may come
    _, t1 = core(framework)[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Survey (Responses).csv", google_forms(["Timestamp", t1], [["t", "Yes"]]))
    preview = preview_survey(buf.getvalue(), source="responses.zip", framework=framework)
    assert preview.layout == "google-forms"
    assert preview.ok
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<not-a-workbook")
    with pytest.raises(AnswersError, match="not a readable Excel workbook"):
        import_survey(buf.getvalue(), source="f.xlsx", framework=framework)


def test_a_workbook_row_a_billion_rows_down_stops_at_excels_last_row(framework: Framework) -> None:
    # openpyxl yields an empty row for each one missing before a row's number
    _, t1 = core(framework)[0]
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["Name", t1], ["a", "Yes"]]))) as src,
        zipfile.ZipFile(buf, "w") as out,
    ):
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                far = b'<row r="999999999">'
                body = body.replace(b'<row r="2">', far).replace(b'r="A2"', b'r="A999999999"')
                body = body.replace(b'r="B2"', b'r="B999999999"')
                body = body.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:B999999999" />')
                assert far in body
            out.writestr(info, body)
    with pytest.raises(AnswersError, match="the sheet runs past row 1,048,576"):
        import_survey(buf.getvalue(), source="rows.xlsx", framework=framework)


def test_a_wrong_dimension_drops_no_row_and_a_far_cell_is_named(framework: Framework) -> None:
    qid, t1 = core(framework)[0]

    def patched(rows: list[list[object]], old: bytes, new: bytes) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(xlsx(rows))) as src, zipfile.ZipFile(buf, "w") as out:
            for info in src.infolist():
                body = src.read(info)
                if info.filename.startswith("xl/worksheets/"):
                    assert old in body
                    body = body.replace(old, new)
                out.writestr(info, body)
        return buf.getvalue()

    # a generator that declares one row too few: every row is still read
    data = patched(
        [["Name", t1], ["a", "Yes"], ["b", "No"]], b'<dimension ref="A1:B3" />', b'<dimension ref="A1:B2" />'
    )
    answers = import_survey(data, source="dim.xlsx", framework=framework)
    assert [r.answers[qid].answer for r in answers.respondents] == ["yes", "no"]
    far = patched([["Name", t1], ["a", "Yes"]], b'r="B2"', b'r="XFD2"')
    with pytest.raises(AnswersError, match="row 2, column XFD: a value beyond the last header column"):
        import_survey(far, source="far.xlsx", framework=framework)


def test_duplicate_headers_in_a_workbook(framework: Framework) -> None:
    _, t1 = core(framework)[0]
    data = xlsx([["Name", t1, t1], ["a", "Yes", "No"]])
    preview = preview_survey(data, source="d.xlsx", framework=framework)
    qid = core(framework)[0][0]
    assert len(preview.problems) == 1
    assert preview.problems[0].startswith('column C ("Does the organization')
    assert preview.problems[0].endswith(
        f"{qid!r} is already column B; map one of them to 'ignore' in a mapping file"
    )


# --- the pieces ------------------------------------------------------------------------


def test_normalize_and_letters() -> None:
    assert normalize("  Is there a \u201cdesignated\u201d team?  ") == "is there a designated team"
    assert normalize("Don\u2019t  know") == normalize("don't know") == "dont know"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_read_table_row_numbers_skip_blank_lines() -> None:
    table = read_table(b"a,b\n1,2\n\n,\n3,4\n", source="x.csv")
    assert table.row_numbers == [2, 5]
    assert table.rows == [["1", "2"], ["3", "4"]]


def test_match_columns_prefers_the_mapping(framework: Framework) -> None:
    (q1, t1), (q2, _) = core(framework)[:2]
    mapping = read_mapping(f"columns: {{'{t1}': {q2}}}\n", source="m.yaml")
    assert match_columns([t1], framework, "core", mapping)[0].question_id == q2
    assert match_columns([t1], framework, "core")[0].question_id == q1
