"""The sentences of the console's access pages, in Chinese and English."""

from __future__ import annotations

from frontline.web.catalogue import Text

MESSAGES = {
    "access.report.title": Text("公民数据访问报告", "Citizen access report"),
    "access.report.intro": Text(
        "输入公民身份号码，列出该公民的个人数据被访问的全部记录：哪个部门、什么角色、出于什么用途、"
        "查看了哪些字段、在什么时间。生成报告本身也会记入审计日志。",
        "Enter a resident ID number to list every access to that person's data: which "
        "department, which role, for what purpose, which fields, when. Producing the report "
        "is itself recorded in the audit log.",
    ),
    "access.report.id_number": Text("公民身份号码", "Resident ID number"),
    "access.report.submit": Text("生成报告", "Produce the report"),
    "access.report.print": Text(
        "使用浏览器的打印功能即可打印或另存为 PDF。",
        "Use the browser's print command to print it or save it as PDF.",
    ),
    "access.report.heading": Text("个人数据访问记录", "Record of access to personal data"),
    "access.report.subject": Text("公民身份号码", "Resident ID number"),
    "access.report.generated": Text("生成时间", "Produced"),
    "access.report.count": Text("共 {count} 次访问", "{count} access(es)"),
    "access.report.none": Text(
        "没有任何访问该公民个人数据的记录。", "Nobody has accessed this person's data."
    ),
    "access.report.unknown": Text(
        "主题数据库中没有这个身份证号码的人员，因此也没有任何访问记录。",
        "The thematic store holds no person with this ID number, so there is no access.",
    ),
    "access.report.when": Text("时间", "When"),
    "access.report.who": Text("部门、角色", "Department, role"),
    "access.report.purpose": Text("用途", "Purpose"),
    "access.report.fields": Text("查看的字段", "Fields"),
    "access.report.break_glass": Text("紧急授权（已提交审核）", "break-glass (reviewed)"),
    "access.report.footer": Text(
        "本报告依据不可篡改的审计日志生成，记录了经由本平台对您个人数据的每一次访问。",
        "This report comes from the tamper-evident audit log, which records every access "
        "to your personal data through this platform.",
    ),
    "access.report.again": Text("查询另一个号码", "Another number"),
    "access.audit.title": Text("审计链状态", "Audit chain status"),
    "access.audit.intro": Text(
        "审计日志逐条以哈希相连，并定期由密钥签名形成检查点；任何修改、插入或删除都会在验证中被发现。",
        "The audit log links every event to the one before by its hash, and a key signs "
        "checkpoints regularly; verification finds any edit, insertion or deletion.",
    ),
    "access.audit.head": Text("链头", "Head"),
    "access.audit.events": Text("事件数", "Events"),
    "access.audit.algorithm": Text("哈希算法", "Hash algorithm"),
    "access.audit.last_hash": Text("最新哈希", "Latest hash"),
    "access.audit.checkpoint": Text("最新检查点", "Latest checkpoint"),
    "access.audit.checkpoints": Text("最近的签名检查点", "Newest signed checkpoints"),
    "access.audit.no_checkpoints": Text("还没有签名检查点。", "No signed checkpoint yet."),
    "access.audit.seq": Text("序号", "Seq"),
    "access.audit.signed_at": Text("签名时间", "Signed"),
    "access.audit.key": Text("密钥", "Key"),
    "access.audit.hash": Text("哈希", "Hash"),
    "access.audit.last_verification": Text("最近一次验证", "Last verification"),
    "access.audit.never": Text("还没有验证过。", "Never verified yet."),
    "access.audit.ok": Text(
        "完整：{events} 条事件全部通过，第 1 至 {proven} 条由签名检查点证明。",
        "Intact: all {events} events pass; 1 to {proven} are proven by signed checkpoints.",
    ),
    "access.audit.ok_unsigned": Text(
        "完整：{events} 条事件的哈希链全部通过；还没有签名检查点，链尾尚无签名证明。",
        "Intact: all {events} events' hash links pass; no signed checkpoint proves them yet.",
    ),
    "access.audit.broken": Text(
        "发现问题：从第 {seq} 条起审计日志不完整。", "Problems found: the log breaks at seq {seq}."
    ),
    "access.audit.verified_by": Text("验证人 {actor}，{at}", "by {actor}, {at}"),
    "access.audit.verify": Text("立即验证", "Verify now"),
    "access.audit.verify_hint": Text(
        "逐条重新计算全部哈希并核对检查点签名；一百万条事件约需数秒。",
        "Recomputes every hash and checks every checkpoint signature; seconds per million.",
    ),
    "access.audit.problem_kind": Text("问题类型", "Kind"),
    "access.audit.problem_count": Text("数量", "Count"),
    "access.bg.title": Text("紧急授权审核", "Break-glass review"),
    "access.bg.intro": Text(
        "紧急授权由工作人员本人在紧急情况下申请，立即生效、最长 4 小时，事后必须由审计员逐一审核。",
        "Members grant themselves break-glass access in an emergency: it works at once, for "
        "at most 4 hours, and an auditor reviews every grant afterwards.",
    ),
    "access.bg.pending": Text("待审核", "Waiting for review"),
    "access.bg.none_pending": Text("没有待审核的紧急授权。", "No grant is waiting for review."),
    "access.bg.reviewed": Text("最近已审核", "Recently reviewed"),
    "access.bg.who": Text("申请人", "Member"),
    "access.bg.subject": Text("对象", "Subject"),
    "access.bg.scenario": Text("服务事项", "Scenario"),
    "access.bg.justification": Text("理由", "Justification"),
    "access.bg.period": Text("有效期", "Valid"),
    "access.bg.reads": Text("查看次数", "Reads"),
    "access.bg.active": Text("生效中", "active"),
    "access.bg.expired": Text("已过期", "expired"),
    "access.bg.verdict": Text("结论", "Verdict"),
    "access.bg.accepted": Text("认可", "Accepted"),
    "access.bg.questioned": Text("存疑", "Questioned"),
    "access.bg.note": Text("审核意见", "Note"),
    "access.bg.submit": Text("提交审核", "Record the verdict"),
}
