"""The access API: reading a task's subject, counter lookups, break-glass, the citizen access
report and the audit chain's status.

Every read goes through `frontline.access` (the one decision point), which audits it; a
refusal answers with a problem whose type names the reason, and its audit event is kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Connection, Engine

from frontline.access.break_glass import (
    BreakGlassError,
    list_grants,
    read_under_grant,
    request_grant,
    review_grant,
)
from frontline.access.chain_status import chain_status, verify_and_record
from frontline.access.citizen_report import InvalidIdNumber, OutOfScope, citizen_report
from frontline.access.purposes import TaskFacts, TaskPurpose
from frontline.access.reading import AccessRefused, counter_lookup, read_subject
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.tasks import find_task
from frontline.web.access_models import (
    AccessReportOut,
    AuditStatusOut,
    BreakGlassIn,
    CounterLookupIn,
    GrantList,
    GrantOut,
    IdNumberBody,
    ReviewIn,
    SubjectRead,
    VerificationOut,
    access_report_out,
    grant_out,
    status_out,
    subject_read,
    verification_out,
)
from frontline.web.access_problems import (
    REFUSALS,
    break_glass_problem,
    messages,
    refusal,
    task_not_found,
)
from frontline.web.audit_signer import AuditSignerDep, AuditWriterDep, app_signer, app_writer
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
from frontline.web.features import Feature
from frontline.web.problems import Problem, problem_responses
from frontline.web.task_reads import read_in_event_loop

REPORT_READERS = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})
"""Who produces citizen access reports."""
CHAIN_READERS = frozenset({Role.AUDITOR})
"""Who reads the audit chain's status and verifies it."""
REVIEWERS = frozenset({Role.AUDITOR})
"""Who reviews break-glass grants (and lists every member's)."""
MAX_ID = 2**31 - 1
TASK_PATTERN = r"^(?:[0-9]{1,9}|T[0-9]{8,10})$"

ReportReaderDep = Annotated[Principal, Depends(require_roles(*REPORT_READERS))]
ChainReaderDep = Annotated[Principal, Depends(require_roles(*CHAIN_READERS))]
ReviewerDep = Annotated[Principal, Depends(require_roles(*REVIEWERS))]
GrantId = Annotated[int, Path(ge=1, le=MAX_ID, description="The grant's id.")]
READ_REFUSALS = (401, 403, 404, 422)


def router() -> APIRouter:
    """The access routes."""
    api = APIRouter(prefix="/api/v1", tags=["access"])

    @api.get(
        "/tasks/{task_id}/subject",
        response_model=SubjectRead,
        responses=problem_responses(*READ_REFUSALS),
    )
    async def task_subject(
        request: Request,
        _: BearerDep,
        now: NowDep,
        task_id: Annotated[
            str, Path(pattern=TASK_PATTERN, description="The task's id or reference.")
        ],
    ) -> SubjectRead:
        """The subject of a task assigned to you: the scenario's fields, masked as declared.

        Allowed while the task is assigned or in progress, for its assignee, inside their
        area scope. Every read and every refusal is recorded in the audit log.
        """
        # The busiest route, so it takes no dependency it does not need every time: what
        # only the full path uses comes from the app in the worker thread.
        reference = int(task_id) if task_id.isdigit() else task_id
        allowed = await read_in_event_loop(request, reference, now)
        if allowed is not None:  # the common case, on PostgreSQL
            return subject_read(allowed)
        writer = app_writer(request)

        def read(connection: Connection) -> SubjectRead:
            principal = request_principal(connection, request, now)
            task = find_task(connection, reference)
            if task is None:
                raise task_not_found()
            facts = TaskFacts.of(task)
            try:
                record = read_subject(
                    connection,
                    principal,
                    TaskPurpose(facts),
                    facts.subject,
                    now=now,
                    signer=app_signer(request),
                    writer=writer,
                )
            except AccessRefused as refused:
                raise refusal(refused.reason) from None
            return subject_read(record)

        # The full path: the work in one thread, and with the audit writer appending (a
        # server database) its statements are reads that need no transaction block.
        engine: Engine = request.app.state.engine
        return await run_in_transaction(request, engine, read, statements_only=writer is not None)

    @api.post(
        "/counter/lookups",
        response_model=SubjectRead,
        responses=problem_responses(*READ_REFUSALS),
    )
    def lookup(
        body: CounterLookupIn,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
        writer: AuditWriterDep,
    ) -> SubjectRead:
        """A window clerk looks a person up by resident ID number, for a counter scenario.

        The number goes in the body, never in the URL. Only the scenario's fields are
        returned, masked as declared; the lookup is recorded, and so is a refusal (without
        the number when it matches nobody).
        """
        try:
            record = counter_lookup(
                connection,
                principal,
                body.id_number,
                body.scenario,
                now=now,
                signer=signer,
                writer=writer,
            )
        except AccessRefused as refused:
            raise refusal(refused.reason) from None
        return subject_read(record)

    @api.post(
        "/break-glass",
        response_model=GrantOut,
        status_code=201,
        responses=problem_responses(401, 403, 404, 422),
    )
    def request(
        body: BreakGlassIn,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> GrantOut:
        """Grant yourself emergency access to one subject, with a justification.

        Lasts at most four hours; the scenario's fields and masking and your area scope
        still apply. Every read under it is recorded, and an auditor reviews every grant.
        """
        try:
            grant = request_grant(
                connection,
                principal,
                subject_id=body.subject_id,
                scenario_key=body.scenario,
                justification=body.justification,
                duration=timedelta(minutes=body.minutes),
                now=now,
                signer=signer,
            )
        except AccessRefused as refused:
            raise refusal(refused.reason) from None
        except BreakGlassError as error:
            raise break_glass_problem(error) from None
        return grant_out(grant, now)

    @api.get("/break-glass", response_model=GrantList, responses=problem_responses(401, 422))
    def grants(
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        state: Annotated[Literal["pending", "accepted", "questioned"] | None, Query()] = None,
    ) -> GrantList:
        """Break-glass grants: auditors see every member's (pending ones are the review
        queue, oldest first); everyone else sees their own."""
        mine = None if REVIEWERS & principal.roles else principal.staff_id
        found = list_grants(connection, state=state, staff_id=mine)
        return GrantList(items=[grant_out(g, now) for g in found])

    @api.get(
        "/break-glass/{grant_id}/subject",
        response_model=SubjectRead,
        responses=problem_responses(*READ_REFUSALS),
    )
    def grant_subject(
        grant_id: GrantId,
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
        signer: AuditSignerDep,
        writer: AuditWriterDep,
    ) -> SubjectRead:
        """The subject of your own unexpired grant (recorded with purpose break_glass)."""
        try:
            record = read_under_grant(
                connection, principal, grant_id, now=now, signer=signer, writer=writer
            )
        except AccessRefused as refused:
            raise refusal(refused.reason) from None
        return subject_read(record)

    @api.post(
        "/break-glass/{grant_id}/review",
        response_model=GrantOut,
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    def review(
        grant_id: GrantId,
        body: ReviewIn,
        connection: ConnectionDep,
        principal: ReviewerDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> GrantOut:
        """An auditor's verdict on a grant: accepted, or questioned (with a note)."""
        try:
            grant = review_grant(
                connection,
                principal,
                grant_id,
                verdict=body.verdict,
                note=body.note,
                now=now,
                signer=signer,
            )
        except BreakGlassError as error:
            raise break_glass_problem(error) from None
        return grant_out(grant, now)

    @api.post(
        "/access-reports",
        response_model=AccessReportOut,
        responses=problem_responses(401, 403, 422),
    )
    def access_report(
        body: IdNumberBody,
        connection: ConnectionDep,
        principal: ReportReaderDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> AccessReportOut:
        """The citizen access report: every access to the person's data — department,
        role, purpose, fields, time — newest first. The ID number goes in the body."""
        try:
            report = citizen_report(connection, principal, body.id_number, now=now, signer=signer)
        except (InvalidIdNumber, OutOfScope) as error:
            raise Problem(REFUSALS[error.reason]) from None
        return access_report_out(report)

    @api.get("/audit/status", response_model=AuditStatusOut, responses=problem_responses(401, 403))
    def audit_status(connection: ConnectionDep, principal: ChainReaderDep) -> AuditStatusOut:
        """The audit chain's head, its newest signed checkpoints and the last verification."""
        return status_out(chain_status(connection))

    @api.post(
        "/audit/verifications",
        response_model=VerificationOut,
        status_code=201,
        responses=problem_responses(401, 403),
    )
    def audit_verify(
        engine: EngineDep,
        connection: ConnectionDep,
        principal: ChainReaderDep,
        now: NowDep,
        signer: AuditSignerDep,
    ) -> VerificationOut:
        """Verify the whole audit log now (every hash, link and checkpoint signature with
        the service's public key) and record the outcome in the log."""
        found = verify_and_record(
            engine,
            connection,
            principal,
            public_keys={signer.key_id: signer.public_key},
            now=now,
            signer=signer,
        )
        return verification_out(found)

    return api


def feature() -> Feature:
    """The access policy over the API."""
    return Feature(name="access", routers=(router(),), messages=messages())
