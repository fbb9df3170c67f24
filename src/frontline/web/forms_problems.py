"""The forms services' refusals as problem details, in the reader's language.

Two problems carry more than a title and a detail:

- `/problems/submission-invalid` (422) lists every wrong answer in `errors`, each with its
  `path` (`phone`, `household[1].member_name`, `attachments[0]`), `code` and `message` — and,
  so that it reads like every other invalid request, `location`, `field` and `type` as well;
- `/problems/form-invalid` (422) lists every problem of an uploaded spreadsheet in `problems`,
  each at its `sheet`, `row` (as Excel numbers it) and `column`, with its `message`.

`/problems/form-outdated` (409) names the form's current version in `current_version`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, Field

from frontline.access.reading import AccessRefused
from frontline.forms.errors import FormError
from frontline.forms.refusals import (
    MESSAGES,
    FormsRefused,
    Refusal,
    SubmissionInvalid,
    VersionOutdated,
)
from frontline.forms.validation import FieldError as AnswerFault
from frontline.web.access_problems import refusal
from frontline.web.catalogue import Catalogue, Language, Text
from frontline.web.problems import FieldError, Problem, ProblemDetails, ProblemType
from frontline.web.task_problems import TASK_NOT_FOUND

T = TypeVar("T")

FORM_INVALID = ProblemType("form-invalid", 422)
PROBLEMS = {
    reason: TASK_NOT_FOUND
    if reason is Refusal.TASK_NOT_FOUND
    else ProblemType(reason.slug, reason.message.status)
    for reason in Refusal
}
"""The problem type of each refusal (a missing task is the tasks API's `task-not-found`)."""


class AnswerError(FieldError):
    """One wrong answer of a submission."""

    path: str = Field(description="The answer: `phone`, `household[1].member_name`, …")
    code: str = Field(
        description="required, type, choice, constraint, unknown, range, size, "
        "repeat_count or attachment."
    )


class AnswersProblemDetails(ProblemDetails):
    """A submission refused for its answers: every error, where it is."""

    errors: list[AnswerError] | None = None  # type: ignore[assignment]


class FormProblemOut(BaseModel):
    """One problem of an uploaded spreadsheet, at its cell."""

    sheet: str | None
    row: int | None = Field(description="As Excel numbers rows: the header is row 1.")
    column: str | None
    message: str


class FormProblemDetails(ProblemDetails):
    """A spreadsheet refused: every problem found, at its cell."""

    filename: str
    problems: list[FormProblemOut]


class OutdatedProblemDetails(ProblemDetails):
    """A submission of a form version out of use: which version is current."""

    current_version: str | None


class AnswersProblem(Problem):
    """`submission-invalid`, with the errors in the reader's language."""

    def __init__(self, refused: SubmissionInvalid) -> None:
        super().__init__(PROBLEMS[Refusal.SUBMISSION_INVALID], values=dict(refused.values))
        self.faults = refused.errors

    def details(self, catalogue: Catalogue, language: Language) -> ProblemDetails:
        base = super().details(catalogue, language)
        return AnswersProblemDetails(
            **base.model_dump(exclude={"errors"}),
            errors=[_answer_error(fault, language) for fault in self.faults],
        )


class SpreadsheetProblem(Problem):
    """`form-invalid`, with the spreadsheet's problems in the reader's language."""

    def __init__(self, error: FormError) -> None:
        super().__init__(FORM_INVALID, values={"count": len(error.problems)})
        self.error = error

    def details(self, catalogue: Catalogue, language: Language) -> ProblemDetails:
        base = super().details(catalogue, language)
        return FormProblemDetails(
            **base.model_dump(),
            filename=self.error.filename,
            problems=[
                FormProblemOut(
                    sheet=p.sheet,
                    row=p.row,
                    column=p.column,
                    message=p.message_zh if language == "zh" else p.message_en,
                )
                for p in self.error.problems
            ],
        )


class OutdatedProblem(Problem):
    """`form-outdated`, naming the current version."""

    def __init__(self, refused: VersionOutdated) -> None:
        super().__init__(PROBLEMS[Refusal.FORM_OUTDATED], values=dict(refused.values))
        self.current = refused.current

    def details(self, catalogue: Catalogue, language: Language) -> ProblemDetails:
        base = super().details(catalogue, language)
        return OutdatedProblemDetails(**base.model_dump(), current_version=self.current)


def forms_problem(refused: FormsRefused) -> Problem:
    """The problem a refused forms operation is answered with."""
    if isinstance(refused, SubmissionInvalid):
        return AnswersProblem(refused)
    if isinstance(refused, VersionOutdated):
        return OutdatedProblem(refused)
    detail = "forms.task_not_found" if refused.reason is Refusal.TASK_NOT_FOUND else None
    return Problem(PROBLEMS[refused.reason], detail=detail, values=dict(refused.values))


def _answer_error(fault: AnswerFault, language: Language) -> AnswerError:
    location, _, _ = fault.path.partition("[")
    field = fault.path if location == "attachments" else f"answers.{fault.path}".rstrip(".")
    return AnswerError(
        location="body",
        field=field,
        type=fault.code,
        message=fault.message_zh if language == "zh" else fault.message_en,
        path=fault.path,
        code=fault.code,
    )


def messages() -> dict[str, Text]:
    """The titles and details of the forms problems."""
    found: dict[str, Text] = {
        "problem.form-invalid.title": Text("表单文件有误", "The form has problems"),
        "problem.form-invalid.detail": Text(
            "表单文件有 {count} 处问题，请按 problems 所列的表、行、列逐一修改后重新上传。",
            "The form has {count} problem(s); correct each at the sheet, row and column "
            "`problems` names, then upload it again.",
        ),
    }
    for reason, message in MESSAGES.items():
        if reason is Refusal.TASK_NOT_FOUND:
            found["forms.task_not_found"] = Text(message.detail_zh, message.detail_en)
            continue
        found[f"problem.{reason.slug}.title"] = Text(message.title_zh, message.title_en)
        found[f"problem.{reason.slug}.detail"] = Text(message.detail_zh, message.detail_en)
    return found


def refusing(work: Callable[[], T]) -> T:
    """`work()`, its refusals answered as problems (an access refusal keeps its audit event):
    for the forms API and the console's Review page alike."""
    try:
        return work()
    except FormsRefused as refused:
        raise forms_problem(refused) from None
    except AccessRefused as refused:
        raise refusal(refused.reason) from None
