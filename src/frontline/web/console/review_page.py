"""The console's Review page: a department manager sees each change a field form proposes to a
golden record — the value the record had, the one the worker proposes and the one it has now,
side by side — and accepts or rejects it (a rejection with the reason the worker will read).

Every request shown is read through the access policy with the purpose `review` and audited
(`frontline.forms.review`); requests the policy withholds are counted, never shown. A request
whose record changed since it was proposed is marked, and accepting it names the value the
manager saw, so a value that changes again meanwhile is never overwritten unseen. No scripts:
forms post and the server answers with a page.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from frontline.forms.changes import same_value
from frontline.forms.review import MAX_REASON, accept_change, reject_change, review_page
from frontline.staff.roles import Role
from frontline.web.audit_signer import AuditSignerDep, AuditWriterDep
from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUser, console_roles
from frontline.web.deps import ConnectionDep, NowDep
from frontline.web.features import Feature
from frontline.web.forms_problems import refusing
from frontline.web.language import of_page
from frontline.web.navigation import NavEntry

REVIEW_PATH = f"{CONSOLE_PATH}/review"
REVIEWERS = frozenset({Role.DEPARTMENT_MANAGER})
ReviewerDep = Annotated[ConsoleUser, Depends(console_roles(*REVIEWERS))]
PAGE_SIZE = 50
_FORM_LIMIT = 2048
MAX_ID = 2**31 - 1
Status = Literal["pending", "accepted", "rejected", "superseded"]


def router() -> APIRouter:
    """`/console/review` and its two forms."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/review")
    def review(
        request: Request,
        pages: PagesDep,
        user: ReviewerDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        writer: AuditWriterDep,
        status: Status = "pending",
        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
        done: Annotated[str | None, Query(max_length=16, pattern=r"^CR[0-9]+$")] = None,
    ) -> Response:
        """The manager's change requests of one status, newest first."""
        page = review_page(
            connection,
            user.principal,
            status=status,
            limit=PAGE_SIZE,
            offset=offset,
            now=now,
            signer=signer,
            writer=writer,
        )
        lang = of_page(request)
        rows = [
            {
                "item": item,
                "label": item.change.label.get(lang) or item.change.label["zh"],
                "old": _shown(item.change.old_value),
                "new": _shown(item.change.new_value),
                "current": _shown(item.current_value),
                "moved": not same_value(item.current_value, item.change.old_value),
                "confirm": "" if item.current_value is None else str(item.current_value),
            }
            for item in page.items
        ]
        return pages.render(
            request,
            "review/page.html",
            user=user,
            page=page,
            rows=rows,
            shown=status,
            statuses=("pending", "accepted", "rejected", "superseded"),
            previous=max(0, offset - PAGE_SIZE) if offset else None,
            following=offset + PAGE_SIZE if offset + PAGE_SIZE < page.total else None,
            done=done,
            max_reason=MAX_REASON,
        )

    @console.post("/review/{change_id}/accept")
    def accept(
        request: Request,
        pages: PagesDep,
        user: ReviewerDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        change_id: Annotated[int, Path(ge=1, le=MAX_ID)],
        confirm_current: Annotated[str | None, Form(max_length=_FORM_LIMIT)] = None,
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Accept: the value goes into the golden record now, with its provenance."""
        pages.check_csrf(request, csrf_token)
        decided = refusing(
            lambda: accept_change(
                connection,
                user.principal,
                change_id,
                confirm_current=confirm_current,
                now=now,
                signer=signer,
            )
        )
        return pages.redirect(request, f"{REVIEW_PATH}?done={decided.change.reference}")

    @console.post("/review/{change_id}/reject")
    def reject(
        request: Request,
        pages: PagesDep,
        user: ReviewerDep,
        connection: ConnectionDep,
        now: NowDep,
        signer: AuditSignerDep,
        change_id: Annotated[int, Path(ge=1, le=MAX_ID)],
        reason: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Reject, with the reason the worker reads; the record stays as it is."""
        pages.check_csrf(request, csrf_token)
        decided = refusing(
            lambda: reject_change(
                connection, user.principal, change_id, reason=reason, now=now, signer=signer
            )
        )
        return pages.redirect(request, f"{REVIEW_PATH}?done={decided.change.reference}")

    return console


def _shown(value: Any) -> str | None:
    """A value as the page prints it; None for no value."""
    return None if value is None or value == "" else str(value)


def feature() -> Feature:
    """The Review page of the console."""
    return Feature(
        name="console-review",
        routers=(router(),),
        navigation=(
            NavEntry(
                "review",
                Text("采集审核", "Review"),
                REVIEW_PATH,
                REVIEWERS,
                description=Text(
                    "网格员在走访中更正的档案信息：核对原值与新值，采纳或驳回。",
                    "Corrections workers made in the field: compare the values, accept or reject.",
                ),
                order=55,
            ),
        ),
        messages=messages(),
    )


def messages() -> dict[str, Text]:
    """The page's words."""
    return {
        "review.title": Text("采集审核", "Review of field corrections"),
        "review.intro": Text(
            "网格员在走访表单中更正了档案信息。请核对原值、新值和档案现值：采纳后新值立即写入档案"
            "并注明来源；驳回须说明理由，网格员将看到。每次查看和决定都记入审计日志。",
            "Workers corrected records in their visit forms. Compare the value the record had, "
            "the one proposed and the one it has now: an accepted value goes into the record "
            "at once, with where it came from; a rejection needs a reason the worker will "
            "read. Every view and decision is in the audit log.",
        ),
        "review.status.pending": Text("待审核", "Pending"),
        "review.status.accepted": Text("已采纳", "Accepted"),
        "review.status.rejected": Text("已驳回", "Rejected"),
        "review.status.superseded": Text("已被取代", "Superseded"),
        "review.none": Text("没有这一类的更正。", "No correction of this kind."),
        "review.done": Text("已处理 {reference}。", "{reference} is decided."),
        "review.withheld": Text(
            "另有 {count} 条因对象已不在您的管辖范围内而未显示。",
            "{count} more are not shown: their subjects are no longer in your area.",
        ),
        "review.change": Text("编号", "Request"),
        "review.subject": Text("对象", "Subject"),
        "review.field": Text("字段", "Field"),
        "review.old": Text("原值", "Was"),
        "review.new": Text("新值", "Proposed"),
        "review.current": Text("档案现值", "Now"),
        "review.source": Text("来源", "From"),
        "review.empty": Text("（空）", "(empty)"),
        "review.moved": Text(
            "提出更正后档案值已改变，请核对现值。", "The record changed since; check its value now."
        ),
        "review.conflict": Text(
            "同一字段另有待审核的不同新值。", "Another pending request proposes another value."
        ),
        "review.accept": Text("采纳", "Accept"),
        "review.accept_moved": Text("仍采纳新值", "Accept anyway"),
        "review.reason": Text("驳回理由", "Reason"),
        "review.reject": Text("驳回", "Reject"),
        "review.decided_by": Text("决定", "Decided"),
        "review.previous": Text("上一页", "Previous"),
        "review.next": Text("下一页", "Next"),
    }
