"""The quality issue types the integration engine raises, and the four score dimensions.

One registry, read by the engine (which issue to raise, at which severity) and by the
report (how to name and explain it to the department that must act). Each description
says what the issue means and what the department should do, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""From most to least urgent."""


@dataclass(frozen=True)
class Label:
    """A name in Chinese (shown first) and English."""

    zh: str
    en: str


SEVERITY_LABELS: Mapping[str, Label] = MappingProxyType(
    {
        "error": Label("错误", "error"),
        "warning": Label("警告", "warning"),
        "info": Label("提示", "info"),
    }
)


@dataclass(frozen=True)
class IssueType:
    """One kind of quality issue."""

    key: str
    severity: Severity
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str


INVALID_IDENTIFIER = IssueType(
    "invalid_identifier",
    "error",
    "标识码无效",
    "Invalid identifier",
    "记录填写了公民身份号码或统一社会信用代码，但未通过校验（位数、校验码、地区码或出生日期不合法），"
    "无法据此关联；请核对原始证件并更正。",
    "The record has a resident ID or credit code that fails its check (length, check digit, "
    "area code or birth date), so it cannot be linked by it; check the original document and "
    "correct it.",
)
MISSING_IDENTIFIER = IssueType(
    "missing_identifier",
    "warning",
    "缺少标识码",
    "Missing identifier",
    "记录没有填写公民身份号码或统一社会信用代码，只能按姓名等信息概率匹配；请补录标识码。",
    "The record has no resident ID or credit code, so it can only be matched by name and other "
    "details; add the identifier.",
)
IDENTIFIER_MISMATCH = IssueType(
    "identifier_mismatch",
    "error",
    "身份信息与证件号不符",
    "Identifier mismatch",
    "记录的出生日期或性别与其公民身份号码中包含的信息相矛盾；请核对证件，更正出生日期、性别或号码。",
    "The record's birth date or sex contradicts what its resident ID number encodes; check the "
    "ID card and correct the date, the sex or the number.",
)
UNLINKED = IssueType(
    "unlinked",
    "warning",
    "未能关联",
    "Unlinked record",
    "记录未能关联到任何实体（无匹配、待人工复核或缺少可识别信息），已被隔离、未进入主题数据库；"
    "请补全或更正身份信息。",
    "The record could not be linked to any entity (no match, awaiting review, or too little to "
    "identify it) and is held in quarantine outside the golden records; complete or correct its "
    "identifying details.",
)
CONFLICT = IssueType(
    "conflict",
    "warning",
    "与标准值冲突",
    "Conflict with golden value",
    "本部门某字段的值与从其他部门选定的标准值不一致；请核实，如本部门的值已过时请更新。",
    "The department's value of a field differs from the golden value chosen from another "
    "department; verify it, and update it if yours is out of date.",
)
ALIVE_AFTER_DEATH = IssueType(
    "alive_after_death",
    "error",
    "死亡后仍在办理业务",
    "Active after death",
    "卫生健康部门已登记死亡，但本部门在死亡日期之后仍将此人记为正常状态（如仍在发放养老金）；"
    "请立即核查并停止相关业务。",
    "Health has registered the person's death, but this department still records them as "
    "active after the death date (e.g. a pension still paid); check at once and stop the "
    "service.",
)
DUPLICATE = IssueType(
    "duplicate",
    "warning",
    "重复记录",
    "Duplicate record",
    "同一实体在同一数据源中出现多次；请合并或删除重复的记录。",
    "The same entity appears more than once in one source; merge or remove the duplicates.",
)
STALE = IssueType(
    "stale",
    "info",
    "数据过期",
    "Stale record",
    "记录早于时效期限，可能已不反映现状；请在下次报送时更新。",
    "The record is older than the staleness limit and may no longer be current; refresh it in "
    "the next delivery.",
)

ISSUE_TYPES: Mapping[str, IssueType] = MappingProxyType(
    {
        t.key: t
        for t in (
            INVALID_IDENTIFIER,
            MISSING_IDENTIFIER,
            IDENTIFIER_MISMATCH,
            UNLINKED,
            CONFLICT,
            ALIVE_AFTER_DEATH,
            DUPLICATE,
            STALE,
        )
    }
)
"""Every issue type, by key, in the order reports list them."""

UNLINKED_REASONS: Mapping[str, Label] = MappingProxyType(
    {
        "unmatched": Label("无匹配", "no match"),
        "review_pending": Label("待人工复核", "awaiting review"),
        "no_identity": Label("缺少可识别信息", "too little to identify"),
    }
)
"""The values of `detail.reason` of an `unlinked` issue (also the sources' quarantine reasons)."""


def issue_type(key: str) -> IssueType:
    """The registered issue type `key`; an unknown key is reported as a warning named by itself.

    A store may hold issues of a type this version does not know (a newer engine wrote them):
    they are still shown, never dropped.
    """
    known = ISSUE_TYPES.get(key)
    if known is not None:
        return known
    return IssueType(key, "warning", key, key, "", "")


@dataclass(frozen=True)
class ScoreDimension:
    """One of the four scores measured per department, each between 0 and 1."""

    key: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str


SCORE_DIMENSIONS: tuple[ScoreDimension, ...] = (
    ScoreDimension(
        "completeness",
        "完整性",
        "Completeness",
        "已映射字段中有值的比例。",
        "The share of mapped field values that are present.",
    ),
    ScoreDimension(
        "validity",
        "有效性",
        "Validity",
        "有值的字段中通过校验（标识码、日期、电话等）的比例。",
        "The share of present values that pass their check (identifiers, dates, phones, …).",
    ),
    ScoreDimension(
        "consistency",
        "一致性",
        "Consistency",
        "已关联记录的字段值与标准值一致的比例。",
        "The share of linked values that agree with the golden value.",
    ),
    ScoreDimension(
        "timeliness",
        "及时性",
        "Timeliness",
        "在时效期限内且没有过期字段值的记录所占比例。",
        "The share of records within the staleness limit and without stale values.",
    ),
)
"""In the order of `frontline.store.quality.SCORE_DIMENSIONS` (the score columns)."""
