"""Writes the demo city's XLSForm spreadsheets (one per form its scenarios name).

    .venv/bin/python examples/city/forms/build_examples.py

The spreadsheets are committed too, so a department can open them in Excel as examples;
this script is how they are kept in step with what ``frontline.forms`` accepts. The files are
byte-for-byte reproducible (fixed document dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent

SURVEY_COLUMNS = (
    ("type", "type"),
    ("name", "name"),
    ("label::中文", "zh"),
    ("label::English (en)", "en"),
    ("hint::中文", "hint"),
    ("hint::English (en)", "hint_en"),
    ("required", "required"),
    ("constraint", "constraint"),
    ("constraint_message::中文", "message"),
    ("constraint_message::English (en)", "message_en"),
    ("relevant", "relevant"),
    ("calculation", "calculation"),
    ("default", "default"),
    ("appearance", "appearance"),
    ("golden_field", "golden_field"),
)
CHOICES_COLUMNS = ("list_name", "name", "label::中文", "label::English (en)")
SETTINGS_COLUMNS = ("form_id", "version", "form_title", "form_title::English (en)")
VERSION = "2026113001"

MOBILE = "regex(., '^1[3-9][0-9]{9}$')"
MOBILE_MESSAGE = ("请填写 11 位手机号码", "Enter an 11-digit mobile number")
NOT_FUTURE = ". <= today()"
NONE_ALONE = "not(selected(., 'none') and count-selected(.) > 1)"
NONE_ALONE_MESSAGE = ("选择“无”时不能再选其他项", "'None' cannot be combined with other answers")


def row(
    type_: str, name: str | None = None, zh: str = "", en: str = "", **cells: str
) -> dict[str, str]:
    """One survey row; keyword names are the second items of SURVEY_COLUMNS."""
    found = {"type": type_, "zh": zh, "en": en, **cells}
    if name is not None:
        found["name"] = name
    return found


def end(kind: str) -> dict[str, str]:
    return {"type": f"end {kind}"}


@dataclass
class Form:
    form_id: str
    title: tuple[str, str]
    survey: list[dict[str, str]]
    choices: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


YES_NO = [("yes", "是", "Yes"), ("no", "否", "No")]


ELDERLY_VISIT = Form(
    "elderly_visit_record",
    ("独居老人走访记录", "Home visit record: elderly resident living alone"),
    [
        row(
            "note",
            "intro",
            "已掌握的电话和住址已预填，请当面核实；如有变化请直接更正。",
            "The phone and address already held are filled in: confirm them in person and "
            "correct them if they changed.",
        ),
        row(
            "date",
            "visit_date",
            "走访日期",
            "Visit date",
            required="yes",
            default="today()",
            constraint=NOT_FUTURE,
            message="走访日期不能晚于今天",
            message_en="The visit date cannot be after today",
        ),
        row("select_one yes_no", "met", "是否见到老人本人", "Was the resident met", required="yes"),
        row(
            "select_one not_met_reason",
            "not_met_reason",
            "未见到的原因",
            "Why not met",
            required="yes",
            relevant="${met} = 'no'",
        ),
        row(
            "text",
            "not_met_detail",
            "具体情况",
            "Details",
            required="yes",
            relevant="selected(${not_met_reason}, 'other')",
        ),
        row(
            "select_one vital_status",
            "vital_status",
            "老人健在情况",
            "Is the resident alive",
            required="yes",
        ),
        row(
            "date",
            "death_date",
            "死亡日期",
            "Date of death",
            required="yes",
            relevant="${vital_status} = 'deceased'",
            constraint=NOT_FUTURE,
            message="死亡日期不能晚于今天",
            message_en="The date of death cannot be after today",
            golden_field="death_date",
            hint="请向家属或社区核实，并提醒家属办理死亡登记",
            hint_en="Confirm with the family or the community, and remind the family to "
            "register the death",
        ),
        row(
            "begin group",
            "wellbeing",
            "生活与健康",
            "Living and health",
            relevant="${met} = 'yes' and ${vital_status} = 'alive'",
        ),
        row("select_one living", "living", "居住情况", "Living situation", required="yes"),
        row("select_one health", "health", "健康状况", "Health", required="yes"),
        row(
            "select_multiple needs",
            "needs",
            "需要的帮助",
            "Help needed",
            required="yes",
            constraint=NONE_ALONE,
            message=NONE_ALONE_MESSAGE[0],
            message_en=NONE_ALONE_MESSAGE[1],
        ),
        end("group"),
        row(
            "calculate",
            "needs_follow_up",
            "需要后续帮扶",
            "Needs follow-up",
            calculation="if(${health} = 'poor' or ${health} = 'bedridden' or "
            "(count-selected(${needs}) > 0 and not(selected(${needs}, 'none'))), 'yes', 'no')",
        ),
        row(
            "begin group",
            "contact",
            "联系方式核实",
            "Contact details",
            relevant="${vital_status} = 'alive'",
        ),
        row(
            "text",
            "phone",
            "联系电话",
            "Phone",
            required="yes",
            constraint=MOBILE,
            message=MOBILE_MESSAGE[0],
            message_en=MOBILE_MESSAGE[1],
            appearance="numbers",
            golden_field="phone",
        ),
        row(
            "text",
            "address",
            "现住址",
            "Current address",
            required="yes",
            constraint="string-length(normalize-space(.)) >= 6",
            message="请填写完整地址（至少 6 个字）",
            message_en="Enter the full address",
            appearance="multiline",
            golden_field="address",
        ),
        end("group"),
        row(
            "begin repeat",
            "household",
            "在场的家庭成员或照护人",
            "Household members present",
            relevant="${met} = 'yes'",
        ),
        row("text", "member_name", "姓名", "Name", required="yes"),
        row("select_one relation", "member_relation", "与老人的关系", "Relation", required="yes"),
        end("repeat"),
        row("geopoint", "location", "走访位置", "Visit location"),
        row(
            "image",
            "photo",
            "现场照片（可选）",
            "Photo (optional)",
            hint="拍照前请征得老人同意",
            hint_en="Ask the resident's consent first",
        ),
        row("text", "remarks", "备注", "Remarks", appearance="multiline"),
    ],
    {
        "yes_no": YES_NO,
        "not_met_reason": [
            ("not_home", "不在家", "Not at home"),
            ("hospital", "住院", "In hospital"),
            ("moved", "已搬离", "Moved away"),
            ("refused", "拒绝见面", "Refused to meet"),
            ("other", "其他", "Other"),
        ],
        "vital_status": [
            ("alive", "健在", "Alive"),
            ("deceased", "已故", "Deceased"),
        ],
        "living": [
            ("alone", "独居", "Alone"),
            ("spouse", "与配偶同住", "With spouse"),
            ("children", "与子女同住", "With children"),
            ("carer", "与护工/保姆同住", "With a carer"),
            ("other", "其他", "Other"),
        ],
        "health": [
            ("good", "良好", "Good"),
            ("fair", "一般", "Fair"),
            ("poor", "较差", "Poor"),
            ("bedridden", "长期卧床", "Bedridden"),
        ],
        "needs": [
            ("meals", "助餐", "Meals"),
            ("cleaning", "助洁", "Cleaning"),
            ("medical", "就医陪护", "Medical escort"),
            ("bathing", "助浴", "Bathing"),
            ("alarm", "紧急呼叫设备", "Emergency alarm"),
            ("company", "精神慰藉", "Company"),
            ("none", "无", "None"),
        ],
        "relation": [
            ("spouse", "配偶", "Spouse"),
            ("child", "子女", "Child"),
            ("grandchild", "孙辈", "Grandchild"),
            ("relative", "其他亲属", "Other relative"),
            ("carer", "护工/保姆", "Carer"),
            ("neighbour", "邻居", "Neighbour"),
        ],
    },
)

SOCIAL_ASSISTANCE = Form(
    "social_assistance_application",
    ("社会救助申请", "Social assistance application"),
    [
        row(
            "note",
            "intro",
            "以下信息已按政府已掌握的数据预填，请与申请人当面核对，有变化的直接更正。",
            "What the government already holds is filled in: check it with the applicant and "
            "correct what changed.",
        ),
        row(
            "text",
            "applicant_name",
            "申请人姓名",
            "Applicant's name",
            required="yes",
            golden_field="name",
        ),
        row("select_one sex", "applicant_sex", "性别", "Sex", required="yes", golden_field="sex"),
        row(
            "date",
            "birth_date",
            "出生日期",
            "Date of birth",
            required="yes",
            constraint=NOT_FUTURE,
            message="出生日期不能晚于今天",
            message_en="The date of birth cannot be after today",
            golden_field="birth_date",
        ),
        row("text", "ethnicity", "民族", "Ethnicity", golden_field="ethnicity"),
        row(
            "text",
            "phone",
            "联系电话",
            "Phone",
            required="yes",
            constraint=MOBILE,
            message=MOBILE_MESSAGE[0],
            message_en=MOBILE_MESSAGE[1],
            appearance="numbers",
            golden_field="phone",
        ),
        row(
            "text",
            "address",
            "居住地址",
            "Address",
            required="yes",
            appearance="multiline",
            golden_field="address",
        ),
        row(
            "select_one assistance",
            "assistance_type",
            "申请救助类型",
            "Assistance applied for",
            required="yes",
        ),
        row(
            "integer",
            "household_size",
            "家庭共同生活人口数（含申请人）",
            "People in the household (applicant included)",
            required="yes",
            constraint=". >= 1 and . = count(${family}) + 1",
            message="人口数应为家庭成员条数加申请人本人",
            message_en="The household is the members listed plus the applicant",
        ),
        row(
            "decimal",
            "monthly_income",
            "家庭月总收入（元）",
            "Household income per month (yuan)",
            required="yes",
            constraint=". >= 0",
            message="收入不能为负数",
            message_en="Income cannot be negative",
        ),
        row(
            "calculate",
            "income_per_person",
            "人均月收入（元）",
            "Income per person (yuan)",
            calculation="if(${household_size} > 0, "
            "round(${monthly_income} div ${household_size}, 2), '')",
        ),
        row(
            "select_multiple hardship",
            "hardship",
            "困难原因",
            "Causes of hardship",
            required="yes",
        ),
        row(
            "text",
            "hardship_detail",
            "其他原因说明",
            "Other cause",
            required="yes",
            relevant="selected(${hardship}, 'other')",
        ),
        row("begin repeat", "family", "其他家庭成员", "Other household members"),
        row("text", "family_name", "姓名", "Name", required="yes"),
        row("select_one relation", "family_relation", "与申请人关系", "Relation", required="yes"),
        row(
            "integer",
            "family_age",
            "年龄",
            "Age",
            required="yes",
            constraint=". >= 0 and . <= 120",
            message="年龄应在 0 到 120 之间",
            message_en="Age is 0 to 120",
        ),
        row(
            "decimal",
            "family_income",
            "月收入（元）",
            "Income per month (yuan)",
            constraint=". >= 0",
            message="收入不能为负数",
            message_en="Income cannot be negative",
        ),
        end("repeat"),
        row(
            "select_one yes_no",
            "consent",
            "申请人同意核查家庭经济状况",
            "The applicant consents to a check of the household's finances",
            required="yes",
            constraint=". = 'yes'",
            message="未经申请人授权核查，不能受理",
            message_en="Without the applicant's consent the application cannot be taken",
        ),
        row(
            "image",
            "signed_page",
            "申请书签字页照片",
            "Photo of the signed application",
            required="yes",
        ),
        row("text", "remarks", "备注", "Remarks", appearance="multiline"),
    ],
    {
        "yes_no": YES_NO,
        "sex": [("male", "男", "Male"), ("female", "女", "Female")],
        "assistance": [
            ("dibao", "最低生活保障", "Minimum living allowance"),
            ("tekun", "特困人员供养", "Support for people in extreme poverty"),
            ("temporary", "临时救助", "Temporary assistance"),
            ("medical", "医疗救助", "Medical assistance"),
        ],
        "hardship": [
            ("illness", "因病", "Illness"),
            ("disability", "因残", "Disability"),
            ("unemployment", "失业", "Unemployment"),
            ("disaster", "灾害", "Disaster"),
            ("schooling", "子女就学", "Children's schooling"),
            ("other", "其他", "Other"),
        ],
        "relation": [
            ("spouse", "配偶", "Spouse"),
            ("child", "子女", "Child"),
            ("parent", "父母", "Parent"),
            ("grandchild", "孙辈", "Grandchild"),
            ("other", "其他", "Other"),
        ],
    },
)

SUBSIDY_RECHECK = Form(
    "subsidy_recheck_record",
    ("最低生活保障入户复核记录", "Minimum living allowance: home re-check record"),
    [
        row(
            "date",
            "visit_date",
            "复核日期",
            "Re-check date",
            required="yes",
            default="today()",
            constraint=NOT_FUTURE,
            message="复核日期不能晚于今天",
            message_en="The date cannot be after today",
        ),
        row(
            "select_one yes_no",
            "at_home",
            "户主是否在家",
            "Was the head of household in",
            required="yes",
        ),
        row(
            "text",
            "address",
            "现住址",
            "Current address",
            required="yes",
            appearance="multiline",
            golden_field="address",
        ),
        row(
            "integer",
            "household_size",
            "现有家庭人口",
            "People in the household now",
            required="yes",
            constraint=". >= 1 and . <= 20",
            message="人口数应在 1 到 20 之间",
            message_en="1 to 20 people",
        ),
        row(
            "decimal",
            "household_income",
            "家庭月总收入（元）",
            "Household income per month (yuan)",
            required="yes",
            constraint=". >= 0",
            message="收入不能为负数",
            message_en="Income cannot be negative",
        ),
        row(
            "calculate",
            "income_per_person",
            "人均月收入（元）",
            "Income per person (yuan)",
            calculation="if(${household_size} > 0, "
            "round(${household_income} div ${household_size}, 2), '')",
        ),
        row(
            "select_multiple assets",
            "assets",
            "家庭财产情况",
            "Household assets",
            required="yes",
            constraint=NONE_ALONE,
            message=NONE_ALONE_MESSAGE[0],
            message_en=NONE_ALONE_MESSAGE[1],
        ),
        row(
            "text",
            "vehicle_detail",
            "车辆情况（品牌、车牌、用途）",
            "Vehicle (make, plate, use)",
            required="yes",
            relevant="selected(${assets}, 'vehicle')",
        ),
        row(
            "select_one conclusion",
            "conclusion",
            "复核结论",
            "Conclusion",
            required="yes",
        ),
        row(
            "text",
            "conclusion_reason",
            "结论理由",
            "Reason",
            required="yes",
            relevant="${conclusion} != 'eligible'",
        ),
        row("geopoint", "location", "复核位置", "Location"),
        row("image", "photo", "现场照片（可选）", "Photo (optional)"),
        row("text", "remarks", "备注", "Remarks", appearance="multiline"),
    ],
    {
        "yes_no": YES_NO,
        "assets": [
            ("vehicle", "机动车", "Motor vehicle"),
            ("business", "经营企业或个体户", "A business"),
            ("second_home", "第二套住房", "A second home"),
            ("savings", "大额存款", "Large savings"),
            ("none", "无", "None"),
        ],
        "conclusion": [
            ("eligible", "继续符合保障条件", "Still eligible"),
            ("adjust", "需调整保障金额", "Allowance to be adjusted"),
            ("ineligible", "不再符合保障条件", "No longer eligible"),
        ],
    },
)

ENTERPRISE_INSPECTION = Form(
    "enterprise_inspection_record",
    ("市场主体现场检查记录", "Market entity inspection record"),
    [
        row(
            "date",
            "inspection_date",
            "检查日期",
            "Inspection date",
            required="yes",
            default="today()",
            constraint=NOT_FUTURE,
            message="检查日期不能晚于今天",
            message_en="The date cannot be after today",
        ),
        row(
            "text",
            "address",
            "住所（核实）",
            "Registered address (confirmed)",
            required="yes",
            appearance="multiline",
            golden_field="address",
            hint="已预填登记住所；与实际不符时请填写实际地址",
            hint_en="The registered address is filled in; correct it if it is wrong",
        ),
        row(
            "select_one yes_no",
            "premises_found",
            "在住所找到经营场所",
            "Premises found at the address",
            required="yes",
        ),
        row(
            "select_one business_state",
            "business_state",
            "经营状态",
            "Business state",
            required="yes",
        ),
        row(
            "select_one yes_no",
            "licence_displayed",
            "营业执照是否公示",
            "Business licence displayed",
            required="yes",
            relevant="${business_state} = 'operating'",
        ),
        row(
            "select_multiple findings",
            "findings",
            "检查发现的问题",
            "Findings",
            required="yes",
            constraint=NONE_ALONE,
            message=NONE_ALONE_MESSAGE[0],
            message_en=NONE_ALONE_MESSAGE[1],
        ),
        row(
            "text",
            "finding_detail",
            "问题说明",
            "Details of the findings",
            required="yes",
            relevant="count-selected(${findings}) > 0 and not(selected(${findings}, 'none'))",
            appearance="multiline",
        ),
        row(
            "integer",
            "staff_present",
            "现场从业人员数",
            "Staff present",
            constraint=". >= 0",
            message="人数不能为负数",
            message_en="Cannot be negative",
        ),
        row("text", "contact_person", "现场负责人", "Person in charge on site"),
        row(
            "text",
            "contact_phone",
            "负责人电话",
            "Their phone",
            constraint=MOBILE,
            message=MOBILE_MESSAGE[0],
            message_en=MOBILE_MESSAGE[1],
            appearance="numbers",
        ),
        row("select_one result", "result", "检查结论", "Result", required="yes"),
        row(
            "calculate",
            "follow_up",
            "需要后续处理",
            "Follow-up needed",
            calculation="if(${result} = 'compliant', 'no', 'yes')",
        ),
        row("geopoint", "location", "检查位置", "Location"),
        row("image", "premises_photo", "经营场所照片", "Photo of the premises"),
        row("text", "remarks", "备注", "Remarks", appearance="multiline"),
    ],
    {
        "yes_no": YES_NO,
        "business_state": [
            ("operating", "正常经营", "Operating"),
            ("suspended", "停业", "Suspended"),
            ("closed", "已关闭或无人经营", "Closed"),
            ("not_found", "查无此户", "Not found"),
        ],
        "findings": [
            ("licence", "执照未公示", "Licence not displayed"),
            ("address_mismatch", "实际经营地与登记住所不符", "Not at the registered address"),
            ("scope", "超范围经营", "Outside the registered scope"),
            ("safety", "安全隐患", "Safety hazard"),
            ("none", "无", "None"),
        ],
        "result": [
            ("compliant", "未发现问题", "No problems found"),
            ("rectify", "责令整改", "Ordered to rectify"),
            ("referred", "移交处理", "Referred"),
        ],
    },
)

SURVIVAL_CHECK = Form(
    "survival_check_record",
    ("养老金领取资格认证记录", "Pension survival check record"),
    [
        row(
            "date",
            "check_date",
            "认证日期",
            "Check date",
            required="yes",
            default="today()",
            constraint=NOT_FUTURE,
            message="认证日期不能晚于今天",
            message_en="The date cannot be after today",
        ),
        row("select_one method", "method", "认证方式", "How checked", required="yes"),
        row(
            "select_one yes_no",
            "person_seen",
            "是否见到本人",
            "Was the pensioner seen",
            required="yes",
        ),
        row("select_one vital_status", "vital_status", "健在情况", "Alive or not", required="yes"),
        row(
            "date",
            "death_date",
            "死亡日期",
            "Date of death",
            required="yes",
            relevant="${vital_status} = 'deceased'",
            constraint=". <= ${check_date}",
            message="死亡日期不能晚于认证日期",
            message_en="The date of death cannot be after the check",
            golden_field="death_date",
        ),
        row(
            "text",
            "death_source",
            "死亡信息来源",
            "Source of the death information",
            required="yes",
            relevant="${vital_status} = 'deceased'",
        ),
        row(
            "select_one yes_no",
            "id_checked",
            "已核对身份证件",
            "Identity card checked",
            required="yes",
            relevant="${person_seen} = 'yes'",
        ),
        row(
            "text",
            "address",
            "现住址",
            "Current address",
            appearance="multiline",
            golden_field="address",
            relevant="${vital_status} = 'alive'",
        ),
        row(
            "calculate",
            "certified",
            "认证通过",
            "Certified",
            calculation="if(${vital_status} = 'alive' and ${person_seen} = 'yes', 'yes', 'no')",
        ),
        row("geopoint", "location", "认证位置", "Location"),
        row("text", "remarks", "备注", "Remarks", appearance="multiline"),
    ],
    {
        "yes_no": YES_NO,
        "method": [
            ("home_visit", "上门见面", "Home visit"),
            ("video", "视频通话", "Video call"),
            ("documents", "其他证明材料", "Other documents"),
        ],
        "vital_status": [
            ("alive", "健在", "Alive"),
            ("deceased", "已故", "Deceased"),
            ("unknown", "无法确认", "Cannot tell"),
        ],
    },
)

FORMS = (ELDERLY_VISIT, SOCIAL_ASSISTANCE, SUBSIDY_RECHECK, ENTERPRISE_INSPECTION, SURVIVAL_CHECK)


def write(form: Form, folder: Path) -> Path:
    """Write one form's spreadsheet into ``folder``."""
    path = folder / f"{form.form_id}.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime(2026, 11, 30), "author": "Frontline"})
    bold = workbook.add_format({"bold": True})
    survey = workbook.add_worksheet("survey")
    for column, (header, _) in enumerate(SURVEY_COLUMNS):
        survey.write(0, column, header, bold)
    for number, cells in enumerate(form.survey, start=1):
        for column, (_, key) in enumerate(SURVEY_COLUMNS):
            if cells.get(key):
                survey.write_string(number, column, cells[key])
    survey.freeze_panes(1, 2)
    survey.set_column(0, 1, 24)
    survey.set_column(2, len(SURVEY_COLUMNS) - 1, 20)
    choices = workbook.add_worksheet("choices")
    for column, header in enumerate(CHOICES_COLUMNS):
        choices.write(0, column, header, bold)
    number = 1
    for list_name, items in form.choices.items():
        for name, zh, en in items:
            for column, text in enumerate((list_name, name, zh, en)):
                choices.write_string(number, column, text)
            number += 1
    choices.set_column(0, 3, 20)
    settings = workbook.add_worksheet("settings")
    for column, header in enumerate(SETTINGS_COLUMNS):
        settings.write(0, column, header, bold)
    for column, text in enumerate((form.form_id, VERSION, *form.title)):
        settings.write_string(1, column, text)
    settings.set_column(0, 3, 28)
    workbook.close()
    return path


def main() -> None:
    for form in FORMS:
        print(write(form, HERE))


if __name__ == "__main__":
    main()
