"""The access policy's refusals as problem details: one problem type per reason.

`/problems/task-not-assigned-to-you`, `/problems/out-of-your-area`, … — a machine reads the
reason from the type, a person from the title and detail (the policy's own sentences).
"""

from __future__ import annotations

from frontline.access.break_glass import BreakGlassError
from frontline.access.refusals import Reason
from frontline.web.catalogue import Text
from frontline.web.problems import FORBIDDEN, NOT_FOUND, Problem, ProblemType

REFUSALS = {reason: ProblemType(reason.slug, reason.status) for reason in Reason}
BREAK_GLASS_INVALID = ProblemType("break-glass-invalid", 422)
GRANT_REVIEWED = ProblemType("grant-reviewed", 409)


def refusal(reason: Reason) -> Problem:
    """The problem for a refusal; the refusal's audit event is kept (committed)."""
    return Problem(REFUSALS[reason], keep_changes=True)


def break_glass_problem(error: BreakGlassError) -> Problem:
    """The problem for a break-glass request or review that cannot be taken."""
    if error.code == "not_found":
        return Problem(REFUSALS[Reason.GRANT_UNKNOWN])
    if error.code == "own_grant":
        return Problem(FORBIDDEN, detail="access.break_glass.own_grant")
    if error.code == "reviewed":
        return Problem(GRANT_REVIEWED)
    return Problem(BREAK_GLASS_INVALID, detail=f"access.break_glass.{error.code}")


def task_not_found() -> Problem:
    """No task with that id or reference."""
    return Problem(NOT_FOUND, detail="access.task_not_found")


def messages() -> dict[str, Text]:
    """The titles and details of these problems."""
    found: dict[str, Text] = {}
    for reason in Reason:
        message = reason.message
        found[f"problem.{reason.slug}.title"] = Text(message.title_zh, message.title_en)
        found[f"problem.{reason.slug}.detail"] = Text(message.detail_zh, message.detail_en)
    found.update(
        {
            "problem.break-glass-invalid.title": Text("紧急授权申请有误", "Request not valid"),
            "problem.break-glass-invalid.detail": Text(
                "请检查后重新提交。", "Check the request and send it again."
            ),
            "problem.grant-reviewed.title": Text("已审核", "Already reviewed"),
            "problem.grant-reviewed.detail": Text(
                "该紧急授权已经审核过，审核结论不能更改。",
                "The grant is reviewed already; a verdict is final.",
            ),
            "access.break_glass.justification": Text(
                "请说明紧急情况和必须立即查看的理由（10 至 1000 个字）。",
                "Describe the emergency and why it cannot wait (10 to 1,000 characters).",
            ),
            "access.break_glass.duration": Text(
                "紧急授权的时长为 5 分钟至 4 小时。", "A grant lasts from 5 minutes to 4 hours."
            ),
            "access.break_glass.verdict": Text(
                "审核结论只能是“认可”或“存疑”。", "The verdict is accepted or questioned."
            ),
            "access.break_glass.note": Text(
                "请填写审核意见（2 至 1000 个字）。", "Write a review note (2 to 1,000 characters)."
            ),
            "access.break_glass.own_grant": Text(
                "不能审核自己的紧急授权，请由其他审计员审核。",
                "Nobody reviews their own grant; another auditor must.",
            ),
            "access.task_not_found": Text(
                "没有这个工单。请核对工单编号。", "There is no such task. Check its number."
            ),
        }
    )
    return found
