"""Reading a survey export into a table: Google Forms and Sheets CSV, Microsoft Forms
XLSX and its CSV save, and this tool's own CSV (:mod:`.csv_io`).

Layout notes (``docs/answers-format.md``, "Survey exports"): Google's Forms download
starts with ``Timestamp`` and quotes every field; the Sheets download starts with
``Timestamp`` too but quotes only where needed; Microsoft Forms starts with ``ID``,
``Start time``, ``Completion time``; Excel's "CSV UTF-8" save writes a byte order
mark, and European Excel separates with ``;``. Only the reading is here: which column
is which question is :mod:`.survey_import`'s business.

Hostile files meet limits before any work: the bytes, the rows, the columns, a cell's
size; an XLSX's uncompressed size and member count are checked from the zip directory
before openpyxl opens it (read-only, values rather than formulas, no external links).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from ..errors import AnswersError

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEET_ROWS",
    "MAX_SURVEY_BYTES",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_UNCOMPRESSED",
    "Table",
    "column_letter",
    "read_table",
]

#: The largest survey file read (a 2,000-row, 48-question export is about 1 MB).
MAX_SURVEY_BYTES = 20 * 1024 * 1024
#: Respondent rows in one file.
MAX_ROWS = 50_000
#: The last row a sheet may reach, blank rows included (Excel's own limit).
MAX_SHEET_ROWS = 1_048_576
#: Columns in one file (Microsoft Forms allows 200 questions; this tool's own CSV has up
#: to three columns a question).
MAX_COLUMNS = 1000
#: Characters in one cell (the csv module's own limit is 131,072).
MAX_CELL_CHARS = 100_000
#: What an XLSX may unpack to, and how many members it may hold: a zip bomb is refused
#: from the zip directory, before anything is decompressed.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000
#: Compression ratio above which a member is taken for a bomb (XML compresses about
#: 10:1, a sheet of repeated cells perhaps 100:1).
_MAX_RATIO = 1000

_ZIP_MAGIC = b"PK\x03\x04"
_MS_FIXED = ("id", "start time", "completion time")


@dataclass
class Table:
    """A survey file as text cells: the header and the respondent rows.

    ``row_numbers[i]`` is the spreadsheet row of ``rows[i]`` (the header is row 1), so
    that a message names the row a person sees in their spreadsheet.
    """

    layout: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def column_letter(index: int) -> str:
    """The spreadsheet letter of column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_table(data: bytes, *, source: str) -> Table:
    """Read a survey export (CSV or XLSX, told by its content) into a :class:`Table`.

    Raises :class:`AnswersError` naming ``source`` and, where it applies, the row.
    """
    if len(data) > MAX_SURVEY_BYTES:
        raise AnswersError(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_SURVEY_BYTES // 2**20} MB",
            source=source,
        )
    if not data.strip():
        raise AnswersError("the file is empty (choose a survey export: CSV or XLSX)", source=source)
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, source=source)
    if source.lower().endswith((".xlsx", ".xlsm")):
        raise AnswersError(
            "the file is named .xlsx but is not an Excel workbook (not a zip file)", source=source
        )
    return _read_csv(data, source=source)


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AnswersError(
            "the file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'",
            source=source,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # plain "CSV (Comma delimited)" from Excel is in the ANSI code page, not UTF-8
        raise AnswersError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as "
            "'CSV UTF-8 (Comma delimited)' or download it from Google Forms again",
            source=source,
        ) from None


def _delimiter(first_line: str) -> str:
    """``,``, ``;`` (European Excel) or a tab: the one the header has most of outside
    quotes (csv.Sniffer is misled by question texts that hold commas)."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _read_csv(data: bytes, *, source: str) -> Table:
    text = _decode(data, source)
    if "\x00" in text:
        raise AnswersError("the file holds NUL characters: it is not a CSV file", source=source)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    number = 0
    try:
        for record in reader:
            number += 1
            if header is None:
                header = record
                _check_columns(header, source)
                continue
            if not any(cell.strip() for cell in record):
                continue  # a blank line between rows, or at the end
            if len(rows) >= MAX_ROWS:
                raise AnswersError(f"the file has more than {MAX_ROWS:,} response rows", source=source)
            _check_row(record, header, number, source)
            rows.append(record)
            numbers.append(number)
    except csv.Error as exc:
        raise AnswersError(f"row {number + 1}: not valid CSV ({exc})", source=source) from None
    if header is None:
        raise AnswersError("the file is empty (choose a survey export: CSV or XLSX)", source=source)
    header = [h.strip() for h in header]
    quoted_header = first_line.lstrip().startswith('"')
    return Table(_csv_layout(header, quoted_header), header, rows, numbers)


def _csv_layout(header: list[str], quoted: bool) -> str:
    first = header[0].casefold() if header else ""
    if first == "timestamp":
        # the Forms download quotes every field, the Sheets download only where needed
        return "google-forms" if quoted else "google-sheets"
    if tuple(h.casefold() for h in header[:3]) == _MS_FIXED:
        return "microsoft-forms-csv"
    return "csv"


def _check_columns(header: list[str], source: str) -> None:
    if len(header) > MAX_COLUMNS:
        raise AnswersError(f"row 1: {len(header):,} columns; the limit is {MAX_COLUMNS:,}", source=source)
    for i, cell in enumerate(header):
        if len(cell) > 2000:
            raise AnswersError(
                f"row 1, column {column_letter(i)}: a header of {len(cell):,} characters", source=source
            )


def _check_row(record: list[str], header: list[str], number: int, source: str) -> None:
    if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
        raise AnswersError(
            f"row {number}, column {column_letter(len(header))}: a value beyond the last "
            f"header column ({len(header)} column{'' if len(header) == 1 else 's'})",
            source=source,
        )
    if record and max(map(len, record)) <= MAX_CELL_CHARS:
        return
    for i, cell in enumerate(record):
        if len(cell) > MAX_CELL_CHARS:
            raise AnswersError(
                f"row {number}, column {column_letter(i)}: a cell of {len(cell):,} characters; "
                f"the limit is {MAX_CELL_CHARS:,}",
                source=source,
            )


def _check_zip(data: bytes, source: str) -> zipfile.ZipInfo | None:
    """Refuse a zip bomb from the directory; the one CSV of a zip that holds a CSV (a
    Google Forms download may come zipped), ``None`` for a workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise AnswersError(f"not an Excel workbook (a broken zip file: {exc})", source=source) from None
    if len(infos) > MAX_XLSX_MEMBERS:
        raise AnswersError(f"the workbook holds {len(infos):,} parts; refused", source=source)
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > _MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED or bomb:
        raise AnswersError(
            f"the workbook would unpack to {total / 1e6:,.0f} MB (a zip bomb?); refused", source=source
        )
    if not any(i.filename.startswith("xl/worksheets/") for i in infos):
        csvs = [i for i in infos if i.filename.lower().endswith(".csv") and not i.is_dir()]
        if len(csvs) == 1:
            return csvs[0]
        raise AnswersError(
            "not an Excel workbook (no worksheet in the zip file), nor a zip file of one CSV file",
            source=source,
        )
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a rating of 3 is stored as 3.0
    return str(value)


def _read_xlsx(data: bytes, *, source: str) -> Table:
    member = _check_zip(data, source)
    if member is not None:
        if member.file_size > MAX_SURVEY_BYTES:
            raise AnswersError(
                f"{member.filename}: larger than {MAX_SURVEY_BYTES // 2**20} MB", source=source
            )
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inner = zf.read(member)
        return _read_csv(inner, source=f"{source}:{member.filename}"[-200:])
    import openpyxl  # only XLSX needs it; openpyxl takes a tenth of a second to import

    try:
        # read_only streams the sheet; data_only gives a formula's cached value, never
        # the formula; keep_links=False leaves external workbooks alone
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise AnswersError(
            f"not a readable Excel workbook ({type(exc).__name__}: {exc})", source=source
        ) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise AnswersError("the workbook has no worksheet", source=source)
        header: list[str] | None = None
        rows: list[list[str]] = []
        numbers: list[int] = []
        # the declared dimension may be wrong (openpyxl would drop the rows past it); without
        # it each row is as wide as its last cell
        ws.reset_dimensions()
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                # openpyxl yields an empty row for each one missing: one row numbered a
                # billion in a tiny file would keep it busy for hours
                raise AnswersError(f"the sheet runs past row {MAX_SHEET_ROWS:,}", source=source)
            if header is None:
                if len(values) > MAX_COLUMNS:
                    raise AnswersError(f"row 1: more than {MAX_COLUMNS:,} columns", source=source)
                header = [_cell_text(v).strip() for v in values]
                while header and not header[-1]:
                    header.pop()
                _check_columns(header, source)
                continue
            if len(values) > len(header):
                # checked before the cells are converted: a cell in column XFD of every
                # row would otherwise cost 16,384 conversions a row
                beyond = next((i for i, v in enumerate(values[len(header) :]) if _cell_text(v).strip()), None)
                if beyond is not None:
                    raise AnswersError(
                        f"row {number}, column {column_letter(len(header) + beyond)}: a value beyond "
                        f"the last header column ({len(header)} column{'' if len(header) == 1 else 's'})",
                        source=source,
                    )
                values = values[: len(header)]
            record = [_cell_text(v) for v in values]
            if not any(c.strip() for c in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise AnswersError(f"the workbook has more than {MAX_ROWS:,} response rows", source=source)
            _check_row(record, header, number, source)
            rows.append(record)
            numbers.append(number)
    except AnswersError:
        raise
    except Exception as exc:
        raise AnswersError(
            f"not a readable Excel workbook ({type(exc).__name__}: {exc})", source=source
        ) from None
    finally:
        wb.close()
    if not header:
        raise AnswersError("the workbook's first sheet is empty", source=source)
    layout = "microsoft-forms" if tuple(h.casefold() for h in header[:3]) == _MS_FIXED else "xlsx"
    return Table(layout, header, rows, numbers)
