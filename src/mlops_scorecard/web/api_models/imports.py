"""API bodies of survey imports: the preview of a survey export and what an import added."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .responses import RespondentOut

__all__ = ["LabelOut", "PreviewColumn", "SupersededOut", "SurveyImportOut", "SurveyPreviewOut"]


class PreviewColumn(BaseModel):
    """How one column of the file was read."""

    column: str = Field(examples=["D"], description="the spreadsheet column letter")
    header: str
    kind: str = Field(
        description="question, comment, evidence, name, role, email, metadata, ignored, unmatched or ambiguous"
    )
    question_id: str | None = None
    how: str | None = Field(default=None, description="text, grid row, grid title, id, mapping or layout")
    candidates: list[str] = Field(
        default_factory=list, description="the questions an ambiguous column matches"
    )
    note: str | None = None


class LabelOut(BaseModel):
    """A cell value that is not an answer on the scale, and where it is."""

    label: str
    column: str
    question_id: str
    cells: list[str] = Field(examples=[["D7", "D9"]])


class SupersededOut(BaseModel):
    """A response replaced by a later one of the same respondent."""

    row: int
    kept_row: int
    respondent: str


class SurveyPreviewOut(BaseModel):
    """How a survey export reads against the assessment's framework and question set."""

    source: str
    layout: str = Field(examples=["google-forms"])
    framework: str
    question_set: str
    respondents: int
    columns: list[PreviewColumn]
    unmatched_labels: list[LabelOut]
    never_answered: list[str]
    superseded: list[SupersededOut]
    problems: list[str] = Field(description="why the file cannot be imported as it is; empty when it can")
    ok: bool


class SurveyImportOut(BaseModel):
    """The preview, and on import the respondents added."""

    dry_run: bool
    imported: int
    respondents: list[RespondentOut]
    preview: SurveyPreviewOut
