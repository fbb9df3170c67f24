"""The console's access pages: the citizen access report (a printable page), the audit
chain's status with verification on demand, and the break-glass review list.

No scripts (the console's CSP allows none): forms post and the server answers with a page.
The ID number of a report is posted, never put in a URL.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from sqlalchemy import Connection
from starlette.responses import Response

from frontline.access.break_glass import BreakGlassError, list_grants, review_grant
from frontline.access.chain_status import ChainStatus, chain_status, verify_and_record
from frontline.access.citizen_report import InvalidIdNumber, OutOfScope, citizen_report
from frontline.audit import PROBLEM_KINDS
from frontline.staff.accounts import get_staff
from frontline.web.access_messages import MESSAGES
from frontline.web.access_problems import break_glass_problem
from frontline.web.audit_signer import AuditSignerDep
from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUser, console_roles
from frontline.web.deps import ConnectionDep, EngineDep, NowDep
from frontline.web.features import Feature
from frontline.web.navigation import NavEntry
from frontline.web.routes.access import CHAIN_READERS, MAX_ID, REPORT_READERS, REVIEWERS

ReportReaderDep = Annotated[ConsoleUser, Depends(console_roles(*REPORT_READERS))]
ChainReaderDep = Annotated[ConsoleUser, Depends(console_roles(*CHAIN_READERS))]
ReviewerDep = Annotated[ConsoleUser, Depends(console_roles(*REVIEWERS))]
_FORM_LIMIT = 2048


def router() -> APIRouter:
    """`/console/access-report`, `/console/audit`, `/console/break-glass`."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/access-report")
    def report_form(request: Request, pages: PagesDep, user: ReportReaderDep) -> Response:
        """The form: a resident ID number."""
        return pages.render(request, "access/report_form.html", user=user, error=None)

    @console.post("/access-report")
    def report(
        request: Request,
        pages: PagesDep,
        user: ReportReaderDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        id_number: Annotated[str, Form(max_length=64)] = "",
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """The printable report of every access to the person's data."""
        pages.check_csrf(request, csrf_token)
        try:
            found = citizen_report(connection, user.principal, id_number, now=now, signer=signer)
        except (InvalidIdNumber, OutOfScope) as error:
            return pages.render(
                request,
                "access/report_form.html",
                user=user,
                status=error.reason.status,
                error=f"problem.{error.reason.slug}.detail",
            )
        return pages.render(request, "access/report.html", user=user, report=found)

    @console.get("/audit")
    def audit(
        request: Request, pages: PagesDep, user: ChainReaderDep, connection: ConnectionDep
    ) -> Response:
        """The chain's head, newest checkpoints and last verification; a verify button."""
        status = chain_status(connection)
        return pages.render(
            request,
            "access/audit.html",
            user=user,
            chain=status,
            kinds=PROBLEM_KINDS,
            verifier=_verifier(connection, status),
        )

    @console.post("/audit/verify")
    def verify(
        request: Request,
        pages: PagesDep,
        user: ChainReaderDep,
        engine: EngineDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Verify the whole log now, then show the status page with the result."""
        pages.check_csrf(request, csrf_token)
        verify_and_record(
            engine,
            connection,
            user.principal,
            public_keys={signer.key_id: signer.public_key},
            now=now,
            signer=signer,
        )
        return pages.redirect(request, f"{CONSOLE_PATH}/audit")

    @console.get("/break-glass")
    def grants(
        request: Request,
        pages: PagesDep,
        user: ReviewerDep,
        connection: ConnectionDep,
        now: NowDep,
    ) -> Response:
        """The review queue (oldest first) and the latest reviewed grants."""
        pending = list_grants(connection, state="pending")
        reviewed = [g for g in list_grants(connection, limit=50) if g.review_state != "pending"]
        return pages.render(
            request,
            "access/break_glass.html",
            user=user,
            pending=pending,
            reviewed=reviewed,
            now=now,
        )

    @console.post("/break-glass/{grant_id}/review")
    def review(
        request: Request,
        pages: PagesDep,
        user: ReviewerDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        grant_id: Annotated[int, Path(ge=1, le=MAX_ID)],
        verdict: Annotated[Literal["accepted", "questioned"], Form()],
        note: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Record a verdict, then back to the list."""
        pages.check_csrf(request, csrf_token)
        try:
            review_grant(
                connection, user.principal, grant_id, verdict=verdict, note=note, now=now,
                signer=signer,
            )  # fmt: skip
        except BreakGlassError as error:
            raise break_glass_problem(error) from None
        return pages.redirect(request, f"{CONSOLE_PATH}/break-glass")

    return console


def feature() -> Feature:
    """The access pages of the console."""
    return Feature(
        name="console-access",
        routers=(router(),),
        navigation=(
            NavEntry(
                "access-report",
                Text("公民访问报告", "Access reports"),
                f"{CONSOLE_PATH}/access-report",
                REPORT_READERS,
                description=Text(
                    "按身份证号列出谁在何时、为何访问了某人的数据。",
                    "Who accessed a person's data, when and why, by ID number.",
                ),
                order=70,
            ),
            NavEntry(
                "break-glass",
                Text("紧急授权审核", "Break-glass review"),
                f"{CONSOLE_PATH}/break-glass",
                REVIEWERS,
                description=Text(
                    "审核紧急授权：理由、时长和授权下的查看次数。",
                    "Review break-glass grants: justification, duration, reads made.",
                ),
                order=75,
            ),
            NavEntry(
                "audit",
                Text("审计链", "Audit chain"),
                f"{CONSOLE_PATH}/audit",
                CHAIN_READERS,
                description=Text(
                    "审计日志的哈希链、签名检查点和完整性验证。",
                    "The audit log's hash chain, signed checkpoints and verification.",
                ),
                order=80,
            ),
        ),
        messages=MESSAGES,
    )


def _verifier(connection: Connection, status: ChainStatus) -> str | None:
    """Who ran the last verification, by name (the event records the staff id)."""
    last = status.last_verification
    if last is None or last.actor_id is None:
        return None
    account = get_staff(connection, int(last.actor_id)) if last.actor_id.isdigit() else None
    return account.display_name if account is not None else last.actor_id
