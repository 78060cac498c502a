"""Reading, parsing and writing data files; error messages with file, line and place."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from mlops_scorecard import datafiles
from mlops_scorecard.datafiles import (
    atomic_write_bytes,
    atomic_write_text,
    parse_document,
    parse_plain_document,
    read_document,
)
from mlops_scorecard.errors import AnswersError, FrameworkError, ScorecardError

Write = Callable[[str, str], Path]


def test_error_message_prefixes_every_problem_with_the_source() -> None:
    err = ScorecardError(["a: bad", "b: worse"], source="f.yaml")
    assert str(err) == "f.yaml: a: bad\nf.yaml: b: worse"
    assert err.problems == ["a: bad", "b: worse"]
    assert str(ScorecardError("plain")) == "plain"


def test_read_yaml_and_json(write: Write) -> None:
    data, text = read_document(write("a.yaml", "a: 1\nb: [x, y]\n"))
    assert data == {"a": 1, "b": ["x", "y"]}
    assert text.startswith("a: 1")
    data, _ = read_document(write("a.json", '{"a": 1}'))
    assert data == {"a": 1}


def test_unquoted_yes_is_a_boolean_in_yaml() -> None:
    # the reason answers and scales map True/False back to "yes"/"no"
    assert parse_document("a: yes\nb: no\n", source="x") == {"a": True, "b": False}


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match=r"nope\.yaml: file not found"):
        read_document(tmp_path / "nope.yaml", error=FrameworkError)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="is a directory"):
        read_document(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScorecardError, match=r"latin1\.yaml: not UTF-8 text .* at byte 9"):
        read_document(path)


def test_too_large_file(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datafiles, "MAX_FILE_BYTES", 10)
    with pytest.raises(ScorecardError, match="larger than"):
        read_document(write("big.yaml", "x: " + "a" * 20))


def test_bad_yaml_gives_line_and_column(write: Write) -> None:
    path = write("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(AnswersError) as info:
        read_document(path, error=AnswersError)
    message = str(info.value)
    assert message.startswith(f"{path}: line ")
    assert "invalid YAML" in message


def test_bad_yaml_value_is_a_user_error(write: Write) -> None:
    # PyYAML's constructors raise plain ValueError for these; they must not escape
    for text in ("d: 2026-02-30\n", "n: !!int abc\n"):
        path = write("v.yaml", text)
        with pytest.raises(AnswersError, match=r"v\.yaml: invalid YAML value: "):
            read_document(path, error=AnswersError)


def test_bad_json_gives_line(write: Write) -> None:
    path = write("bad.json", '{\n  "a": 1,\n  "b": [1,]\n}\n')
    with pytest.raises(ScorecardError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{path}: line 3: invalid JSON: ")


def test_json_suffix_is_parsed_strictly_as_json(write: Write) -> None:
    # YAML would accept this; a .json file must be JSON
    with pytest.raises(ScorecardError, match="invalid JSON"):
        read_document(write("a.json", "a: 1\n"))


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second é")
    assert path.read_text(encoding="utf-8") == "second é"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_failure_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.bin"
    atomic_write_bytes(path, b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_atomic_write_gives_the_usual_mode_and_keeps_an_existing_one(tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    atomic_write_text(new, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write_text(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_text() == "new"


# --- plain documents: the shape is checked before anything is built ----------------------


def test_plain_document_refuses_deep_nesting() -> None:
    with pytest.raises(ScorecardError, match=r"line 2: the file is nested more than 32 levels deep"):
        parse_plain_document("a:\n" + "- " * 40 + "x\n", source="f")
    with pytest.raises(ScorecardError, match=r"the file is nested more than 32 levels deep"):
        parse_plain_document('{"a": ' + "[" * 40 + "]" * 40 + "}", source="f", as_json=True)
    for as_json in (False, True):
        assert parse_plain_document('{"a": [[["x"]]]}', source="f", as_json=as_json) == {"a": [[["x"]]]}


def test_plain_document_is_linear_on_strings_full_of_escaped_quotes() -> None:
    # a scanner that restarts a string at every escaped quote takes hours on this (2 MiB)
    text = '"' + '\\"' * 1_000_000
    with pytest.raises(ScorecardError, match="invalid JSON"):
        parse_plain_document(text, source="f", as_json=True)
    text = json.dumps({"comment": "[" * 100 + '\\" {{{ "' + "{" * 100})
    assert parse_plain_document(text, source="f", as_json=True) == json.loads(text)


def test_plain_document_refuses_aliases_before_expanding_them() -> None:
    # each level doubles: 2**30 strings if the aliases were followed
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    with pytest.raises(ScorecardError, match=r"line 2: YAML aliases \(\*a0\) are not supported"):
        parse_plain_document("\n".join(lines), source="f")
    assert parse_plain_document("a: &x 1\n", source="f") == {"a": 1}  # an anchor alone is harmless


def test_plain_document_limits_containers() -> None:
    with pytest.raises(ScorecardError, match="more than 3 mappings and lists"):
        parse_plain_document("[[], [], [], []]", source="f", as_json=True, max_containers=3)
    with pytest.raises(ScorecardError, match="more than 3 mappings and lists"):
        parse_plain_document("- []\n- []\n- []\n", source="f", max_containers=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a: "x\\0y"', "NUL"),
        ("a: !!binary AA==", "binary"),
        ('"\\0": 1', "NUL"),  # keys are text too
        ("a: 1\nb: x\x00y\n", "line 2: the file contains a NUL character"),
    ],
)
def test_plain_document_refuses_what_no_database_stores(text: str, message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        parse_plain_document(text, source="f")
    with pytest.raises(ScorecardError, match="surrogate"):
        parse_plain_document('{"a": "\\ud800"}', source="f", as_json=True)


def test_deep_json_is_a_user_error_even_without_the_shape_check() -> None:
    with pytest.raises(ScorecardError, match="nested too deeply"):
        parse_document("[" * 100_000 + "]" * 100_000, source="f", as_json=True)
