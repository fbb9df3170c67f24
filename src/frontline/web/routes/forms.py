"""The forms API: form versions (`/api/v1/forms`), submissions from phones
(`/api/v1/device/submissions`, with the device's DPoP proof), change requests for reviewers
(`/api/v1/changes`) and exports. Routes parse and shape; `frontline.forms` decides.
See docs/forms.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from sqlalchemy import Connection

from frontline.devices.errors import DeviceError
from frontline.forms.changes import MAX_PAGE
from frontline.forms.errors import FormError
from frontline.forms.exports import export_submissions
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.registry import (
    MAX_UPLOAD_BYTES,
    UPLOADERS,
    form_document,
    form_history,
    list_forms,
    register_form,
)
from frontline.forms.review import accept_change, reject_change, review_change, review_page
from frontline.forms.submissions import (
    SubmissionOutcome,
    SubmissionReceipt,
    record_submission,
    record_submissions,
)
from frontline.staff.principal import Principal
from frontline.web.audit_signer import AuditSignerDep
from frontline.web.deps import (
    BearerDep,
    ConnectionDep,
    EngineDep,
    NowDep,
    PrincipalDep,
    request_principal,
    require_roles,
    run_in_transaction,
)
from frontline.web.device_auth import device_problem
from frontline.web.features import Feature
from frontline.web.forms_models import (
    FORM_ID,
    VERSION,
    AcceptIn,
    ChangeList,
    ChangeOut,
    ChangeStatus,
    DecisionOut,
    FormList,
    FormRegistered,
    FormVersionOut,
    FormVersions,
    RejectIn,
    SubmissionBatchIn,
    SubmissionBatchOut,
    SubmissionIn,
    SubmissionOut,
    SubmissionResultOut,
)
from frontline.web.forms_problems import SpreadsheetProblem, forms_problem, messages, refusing
from frontline.web.language import of_page
from frontline.web.problems import problem_responses

T = TypeVar("T")
FormIdParam = Annotated[str, Path(max_length=64, pattern=FORM_ID, description="The form's id.")]
VersionParam = Annotated[str, Path(max_length=64, pattern=VERSION, description="A version.")]
ChangeIdParam = Annotated[int, Path(ge=1, le=2**31 - 1, description="The change request's id.")]
UploaderDep = Annotated[Principal, Depends(require_roles(*UPLOADERS))]
NO_STORE = {"Cache-Control": "no-store"}
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def router() -> APIRouter:
    """The forms routes."""
    api = APIRouter(prefix="/api/v1", tags=["forms"])
    _forms(api)
    _exports(api)
    _submissions(api)
    _submission_batches(api)
    _changes(api)
    return api


def _forms(api: APIRouter) -> None:
    @api.post(
        "/forms",
        status_code=201,
        response_model=FormRegistered,
        responses={200: {"description": "Registered before with this content: nothing changed."},
                   **problem_responses(401, 403, 409, 422)},
    )  # fmt: skip
    def upload(
        file: Annotated[UploadFile, File(description="An XLSForm spreadsheet (.xlsx, .xls).")],
        response: Response,
        connection: ConnectionDep,
        principal: UploaderDep,
        now: NowDep,
    ) -> FormRegistered:
        """Register a form version from its XLSForm spreadsheet (at most 2 MB): checked
        completely, and against the scenarios whose `forms:` list names it. An
        administrator, or a manager of the department of a scenario naming the form, uploads
        it. The same content again changes nothing (200); a new version retires the one
        before; a version registered once never changes (409)."""
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        name = file.filename or "form.xlsx"
        try:
            done = refusing(
                lambda: register_form(connection, data, name, now=now, uploaded_by=principal)
            )
        except FormError as error:
            raise SpreadsheetProblem(error) from None
        if not done.added:
            response.status_code = 200
        return FormRegistered.registered(done)

    @api.get("/forms", response_model=FormList, responses=problem_responses(401))
    def forms(connection: ConnectionDep, principal: PrincipalDep) -> FormList:
        """Each form's latest version: the active one, else the newest retired."""
        return FormList(items=[FormVersionOut.of(f) for f in list_forms(connection)])

    @api.get(
        "/forms/{form_id}", response_model=FormVersions, responses=problem_responses(401, 404, 422)
    )
    def versions(
        form_id: FormIdParam, connection: ConnectionDep, principal: PrincipalDep
    ) -> FormVersions:
        """Every registered version of a form, newest first."""
        found = form_history(connection, form_id)
        if not found:
            raise forms_problem(FormsRefused(Refusal.FORM_UNKNOWN, form_id=form_id))
        return FormVersions(form_id=form_id, items=[FormVersionOut.of(f) for f in found])

    @api.get(
        "/forms/{form_id}/versions/{version}",
        response_model=dict[str, object],
        responses=problem_responses(401, 404, 422),
    )
    def definition(
        form_id: FormIdParam,
        version: VersionParam,
        connection: ConnectionDep,
        principal: PrincipalDep,
    ) -> dict[str, object]:
        """One version's definition document: what the app renders (docs/forms.md)."""
        found = form_document(connection, form_id, version)
        if found is None:
            raise forms_problem(FormsRefused(Refusal.FORM_UNKNOWN, form_id=form_id))
        return found


def _exports(api: APIRouter) -> None:
    for fmt in ("csv", "xlsx"):
        _export_route(api, fmt)


def _export_route(api: APIRouter, fmt: Literal["csv", "xlsx"]) -> None:
    def export(
        form_id: FormIdParam,
        connection: ConnectionDep,
        principal: UploaderDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> Response:
        done = refusing(
            lambda: export_submissions(connection, principal, form_id, fmt, now=now, signer=signer)
        )
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{done.filename}"'}
        return Response(done.content, media_type=done.media_type, headers=headers)

    export.__doc__ = (
        f"The form's submissions as {fmt.upper()}: one row per submission, one column per "
        "question, Chinese headers"
        + (" (UTF-8 with a byte order mark; a repeat as JSON text)" if fmt == "csv" else
           " (a repeat as a count, and a sheet of its own)")
        + ". For department managers and administrators of the department whose scenario "
        "uses the form; only subjects inside your area scope; each subject exported is audited."
    )  # fmt: skip
    api.add_api_route(
        f"/forms/{{form_id}}/submissions.{fmt}",
        export,
        methods=["GET"],
        response_class=Response,
        responses={
            200: {"content": {EXPORT_TYPES[fmt]: {}}, "description": f"The {fmt.upper()} file."},
            **problem_responses(401, 403, 404, 422),
        },
        name=f"form_submissions_{fmt}",
    )


def _submissions(api: APIRouter) -> None:
    @api.post(
        "/device/submissions",
        status_code=201,
        response_model=SubmissionOut,
        responses={200: {"description": "Stored before (a retry): the same answer."},
                   **problem_responses(401, 403, 404, 409, 422)},
    )  # fmt: skip
    async def submit(
        body: SubmissionIn,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        signer: AuditSignerDep,
        _: BearerDep,
    ) -> SubmissionOut:
        """A filled-in form from the worker's phone (its DPoP proof, as every device call),
        stored exactly once: the same `client_id` again answers the stored submission (200,
        `duplicate`), with other content `submission-conflict` (409). Validated on the server
        against the form version named, which must be current (`form-outdated`); answers
        that differ from the record become change requests for review."""

        def work(connection: Connection) -> SubmissionReceipt:
            principal = _phone(connection, request, now)
            return refusing(
                lambda: record_submission(
                    connection, principal, body.body(), now=now, signer=signer
                )
            )

        # All of it in one thread, the commit included: the submission's audit event holds
        # the chain's head until the commit, and a hop back to the event loop between the
        # two would keep every other submission waiting for it.
        receipt = await run_in_transaction(request, engine, work, statements_only=False)
        if receipt.duplicate:
            response.status_code = 200
        response.headers.update(NO_STORE)
        return SubmissionOut.of(receipt)


def _phone(connection: Connection, request: Request, now: datetime) -> Principal:
    """The worker signed in on the enrolled phone that made this request."""
    principal = request_principal(connection, request, now)
    if principal.device_id is None:
        raise device_problem(DeviceError("device_unknown"))
    return principal


def _submission_batches(api: APIRouter) -> None:
    @api.post(
        "/device/submissions/batch",
        response_model=SubmissionBatchOut,
        responses=problem_responses(401, 403, 422),
    )
    async def submit_batch(
        body: SubmissionBatchIn,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        signer: AuditSignerDep,
        _: BearerDep,
    ) -> SubmissionBatchOut:
        """Several filled-in forms without photos from the worker's phone, in one request (its
        DPoP proof): each is taken as `POST /device/submissions` takes it alone — stored
        once, or refused on its own without holding back the others — and answered in
        `results`, in the order sent, with the status and body it would get alone."""

        def work(connection: Connection) -> list[SubmissionOutcome]:
            principal = _phone(connection, request, now)
            bodies = [item.body() for item in body.submissions]
            return record_submissions(connection, principal, bodies, now=now, signer=signer)

        # In one thread with its commit, as a single submission is (see `submit`).
        outcomes = await run_in_transaction(request, engine, work, statements_only=False)
        catalogue, language = request.app.state.catalogue, of_page(request)
        results = []
        for outcome in outcomes:
            if outcome.receipt is not None:
                stored = SubmissionOut.of(outcome.receipt)
                status = 200 if stored.duplicate else 201
                results.append(SubmissionResultOut(
                    client_id=outcome.client_id, status=status, submission=stored, problem=None
                ))  # fmt: skip
                continue
            details = forms_problem(outcome.refusal()).details(catalogue, language)
            results.append(SubmissionResultOut(
                client_id=outcome.client_id, status=details.status, submission=None,
                problem=details.model_dump(mode="json", exclude_none=True),
            ))  # fmt: skip
        response.headers.update(NO_STORE)
        return SubmissionBatchOut(results=results)


def _changes(api: APIRouter) -> None:
    @api.get("/changes", response_model=ChangeList, responses=problem_responses(401, 403, 422))
    def changes(
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
        status: ChangeStatus | None = None,
        field: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> ChangeList:
        """Change requests of your department's scenarios in your area scope (department
        managers): pending ones oldest first, the others newest first. Each shows the
        field's old, proposed and current value — a read of personal data, audited with the
        purpose `review`."""
        page = refusing(
            lambda: review_page(
                connection, principal, status=status, field=field, limit=limit, offset=offset,
                now=now, signer=signer,
            )
        )  # fmt: skip
        return ChangeList(
            items=[ChangeOut.reviewed(r) for r in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            withheld=page.withheld,
        )

    @api.get(
        "/changes/{change_id}",
        response_model=ChangeOut,
        responses=problem_responses(401, 403, 404, 422),
    )
    def change(
        change_id: ChangeIdParam,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> ChangeOut:
        """One change request with its values (audited with the purpose `review`)."""
        read = refusing(
            lambda: review_change(connection, principal, change_id, now=now, signer=signer)
        )
        return ChangeOut.reviewed(read)

    @api.post(
        "/changes/{change_id}/accept",
        response_model=DecisionOut,
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    def accept(
        change_id: ChangeIdParam,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
        body: AcceptIn | None = None,
    ) -> DecisionOut:
        """Accept a pending change: the golden record takes the value, with provenance
        `frontline` (worker, task, submission, change, reviewer), and the other pending
        requests for the field are superseded. When the record changed since the request was
        made, refused with `change-stale` (409) unless `confirm_current` names its value now."""
        confirm = body.confirm_current if body is not None else None
        done = refusing(
            lambda: accept_change(
                connection, principal, change_id, confirm_current=confirm, now=now, signer=signer
            )
        )
        return DecisionOut.decided(done)

    @api.post(
        "/changes/{change_id}/reject",
        response_model=DecisionOut,
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    def reject(
        change_id: ChangeIdParam,
        body: RejectIn,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> DecisionOut:
        """Reject a pending change with a reason (kept, and read by the worker); the record
        stays as it is."""
        done = refusing(
            lambda: reject_change(
                connection, principal, change_id, reason=body.reason, now=now, signer=signer
            )
        )
        return DecisionOut.decided(done)


def feature() -> Feature:
    """Field data collection over the API."""
    return Feature(name="forms", routers=(router(),), messages=messages())
