"""The quality report as one self-contained HTML page: Chinese first, English below.

Nothing is fetched when the page opens — no script, font, stylesheet or image from anywhere
(government networks are often air-gapped); the charts are inline SVG from `charts`. Every
value from the report is escaped: department names and notes come from configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from frontline.integrate.fields import BUILT_IN
from frontline.quality import charts
from frontline.quality.charts import Bar, Bilingual, Cell, ScoreRow, percent
from frontline.quality.document import (
    Conflict,
    Department,
    IssueTypeEntry,
    Report,
    Scores,
    SourceEntry,
)
from frontline.quality.issue_types import SEVERITIES, SEVERITY_LABELS, UNLINKED_REASONS, Label

_CSS = """
:root { --text: #1f2933; --muted: #5f6b7a; --grid: #d9dee5; --head: #f0f3f7; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #f4f6f9; color: var(--text);
  font: 14px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.en { color: var(--muted); font-weight: normal; font-size: 0.78em; margin-left: 0.5em; }
p { margin: 4px 0 10px; }
.hint { color: var(--muted); font-size: 13px; }
.hint .en, td .en, th .en { display: block; margin-left: 0; font-size: 12px; }
.meta { color: var(--muted); font-size: 13px; }
.meta b { color: var(--text); font-weight: 600; }
section { background: #fff; border: 1px solid var(--grid); border-radius: 8px;
  padding: 18px 22px; margin: 16px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--grid); border-radius: 6px; padding: 10px 12px; }
.card .name { font-size: 13px; font-weight: 600; }
.card .name .en { display: block; margin-left: 0; font-size: 11px; }
.card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { font-size: 12px; color: var(--muted); }
figure { margin: 10px 0; break-inside: avoid; overflow-x: auto; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font-family: inherit; }
.legend { font-size: 12px; color: var(--muted); margin: 6px 0; }
.legend span { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  vertical-align: -1px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.narrow { max-width: 820px; }
th, td { border-bottom: 1px solid var(--grid); padding: 6px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--head); font-weight: 600; font-size: 13px; }
.num { text-align: right; }
th.num { min-width: 4.5em; }
td.num, td.nowrap { white-space: nowrap; }
.zero { color: #a3acb9; }
.small { font-size: 12px; color: var(--muted); }
tfoot td { font-weight: 600; border-top: 2px solid var(--grid); }
.ok { color: #1b7a43; font-weight: 600; }
.bad { color: #c0392b; font-weight: 600; }
.mark { display: inline-block; border-top: 3px solid; padding-top: 2px; }
.kind { min-width: 11em; }
.sev { display: inline-block; border-radius: 3px; padding: 0 6px; color: #fff; font-size: 12px;
  white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
@media print {
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 0 0 16px; }
  figure { overflow: visible; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3, .hint, .legend { break-after: avoid; }
  /* One page per part: a heading is never left at the foot of a page without its chart. */
  #issues, #conflicts, #sources, #definitions { break-before: page; }
}
@page { size: A4; margin: 14mm 12mm; }
"""

_ENTITY_LABELS = {"person": "人员", "enterprise": "市场主体"}


def render_html(report: Report) -> str:
    """The report as a complete HTML document (UTF-8 text)."""
    names = {d["key"]: d["name"] for d in report["departments"]}
    body = "".join(
        [
            _header(report),
            _totals(report),
            _scores(report),
            _issues(report),
            _conflicts(report["conflicts"], names, _entities(report["sources"])),
            _sources(report["sources"]),
            _notes(report["notes"]),
            _definitions(report),
            _footer(report),
        ]
    )
    title = f"数据质量报告 Data quality report — 运行 run {report['run']['id']}"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _header(report: Report) -> str:
    run = report["run"]
    parts = [f"运行 run <b>#{run['id']}</b>"]
    if run["as_of"]:
        parts.append(f"数据截至 as of <b>{_e(run['as_of'])}</b>")
    if run["finished_at"]:
        parts.append(f"发布于 published <b>{_e(_when(run['finished_at']))}</b>")
    parts.append(f"配置摘要 config <code>{_e(run['config_digest'][:16])}</code>")
    return (
        f"<header>\n<h1>数据质量报告{_en('Data quality report')}</h1>\n"
        f'<p class="meta">{" · ".join(parts)}</p>\n'
        + _hint(
            "各部门数据在最近一次整合中的质量：评分、待处理问题、部门间冲突，以及每一行数据的去向。",
            "The quality of each department's data in the latest integration: scores, open "
            "issues, conflicts between departments, and where every row went.",
        )
        + "</header>\n"
    )


def _totals(report: Report) -> str:
    t = report["totals"]
    read = t["rows_read"]
    kinds = _ordered(t["entities"], list(_ENTITY_LABELS))
    entities = " · ".join(f"{_ENTITY_LABELS.get(k, k)} {t['entities'][k]:,}" for k in kinds)
    severities = " · ".join(
        f"{SEVERITY_LABELS[s].zh} {t['issues_by_severity'].get(s, 0):,}" for s in SEVERITIES
    )
    sources = f"{t['sources']:,} 个数据源 · {t['departments']:,} 个部门"
    elsewhere = f"跳过 {t['skipped']:,} · 属其他源 {t['other_source']:,}"
    own = t["linked"] + t["quarantined"]
    cards = [
        ("读取行数", "rows read", f"{read:,}", sources),
        ("已关联", "linked", f"{t['linked']:,}", f"关联率 {_share(t['linked'], own)}"),
        ("已隔离", "quarantined", f"{t['quarantined']:,}", f"占 {_share(t['quarantined'], own)}"),
        (
            "跳过及属其他源",
            "skipped, other source",
            f"{t['skipped'] + t['other_source']:,}",
            elsewhere,
        ),
        ("实体", "entities", f"{t['entities_total']:,}", entities or "—"),
        ("待处理问题", "open issues", f"{t['issues']:,}", severities),
    ]
    html = "".join(
        f'<div class="card"><div class="name">{_e(zh)}{_en(en)}</div>'
        f'<div class="value">{_e(value)}</div><div class="sub">{_e(sub)}</div></div>'
        for zh, en, value, sub in cards
    )
    return f'<section id="totals">\n<div class="cards">{html}</div>\n</section>\n'


def _scores(report: Report) -> str:
    head = _h2("scores", "各部门质量评分", "Quality scores by department")
    dims = report["dimensions"]
    run_id = report["run"]["id"]
    rows = []
    for d in report["departments"]:
        s = d["scores"]
        values: list[float | None] = [None] * len(dims)
        note = d["key"]
        if s is not None:
            values = [_score(s, dim["key"]) for dim in dims]
            if s["run_id"] != run_id:
                note += f" · 评分于运行 run {s['run_id']}"
        shown_rows = s["rows"] if s is not None else (d["rows_read"] or None)
        rows.append(ScoreRow(_dept_label(d, note), values, shown_rows))
    if not rows:
        return head + _empty("没有部门。", "No departments.") + "</section>\n"
    columns = [Bilingual(d["label_zh"], d["label_en"]) for d in dims]
    chart = charts.score_heatmap(columns, rows, "各部门质量评分 Quality scores by department")
    bands = [(fill, text) for _, fill, _, text in charts.SCORE_BANDS]
    legend = _legend([*bands, (charts.NO_SCORE[0], "— 未评分 not scored")])
    return (
        head
        + _hint(
            "四项评分均为 0–100%，越高越好，定义见文末；百分比截断到一位小数，100.0% 即全部符合。",
            "Four scores, each 0–100%, higher is better; defined at the end. Percentages are cut "
            "(not rounded) to one decimal: 100.0% means every value.",
        )
        + f"<figure>{chart}</figure>\n{legend}</section>\n"
    )


def _issues(report: Report) -> str:
    kinds = sorted(
        report["issue_types"], key=lambda k: (charts.severity_order(k["severity"]), -k["count"])
    )
    bars = [Bar(Bilingual(k["label_zh"], k["label_en"]), k["count"], k["severity"]) for k in kinds]
    chart = charts.issue_bars(bars, "待处理问题 Open issues by type")
    legend = _legend(
        [(charts.SEVERITY_COLOURS[s], f"{SEVERITY_LABELS[s].zh} {SEVERITY_LABELS[s].en}")
         for s in SEVERITIES]
    )  # fmt: skip
    return (
        _h2("issues", "待处理问题（按类型）", "Open issues by type")
        + _hint(
            "每个问题都已分派给拥有该数据的部门处理；各类型的含义与处理办法见文末。",
            "Each issue is routed to the department that owns the data; what each type means "
            "and what to do is explained at the end.",
        )
        + f"{legend}<figure>{chart}</figure>\n"
        + _issue_table(report["departments"], [k for k in kinds if k["count"]])
        + "</section>\n"
    )


def _issue_table(departments: Sequence[Department], kinds: Sequence[IssueTypeEntry]) -> str:
    head = f"<h3>各部门的问题{_en('Issues by department')}</h3>\n"
    if not kinds:
        return head + _empty("没有待处理的问题。", "No open issues.")
    columns = "".join(
        f'<th class="num"><span class="mark" style="border-color:{_colour(k["severity"])}">'
        f"{_e(k['label_zh'])}</span>{_en(k['label_en'])}</th>"
        for k in kinds
    )
    rows = []
    for d in departments:
        if d["issues_total"]:
            cells = "".join(_count_cell(d["issues"].get(k["key"], 0)) for k in kinds)
            rows.append(
                f'<tr><td class="nowrap">{_e(d["name"])}{_en(d["key"])}</td>{cells}'
                f'<td class="num"><b>{d["issues_total"]:,}</b></td></tr>\n'
            )
    totals = "".join(f'<td class="num">{k["count"]:,}</td>' for k in kinds)
    total = sum(k["count"] for k in kinds)
    return (
        f"{head}<table>\n<thead><tr>{_th('部门', 'department')}{columns}"
        f"{_th('合计', 'total', num=True)}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n"
        f"<tfoot><tr><td>合计{_en('total')}</td>{totals}"
        f'<td class="num">{total:,}</td></tr></tfoot>\n</table>\n'
    )


def _conflicts(
    conflicts: Sequence[Conflict], names: dict[str, str], entities: dict[str, set[str]]
) -> str:
    head = _h2("conflicts", "部门间数据冲突", "Conflicts between departments")
    if not conflicts:
        return (
            head + _empty("没有部门间冲突。", "No conflicts between departments.") + "</section>\n"
        )
    order = list(names)
    losers = _ordered((c["department_key"] for c in conflicts), order)
    winners = _ordered((c["golden_department_key"] for c in conflicts), order)
    by_cell: dict[tuple[int, int], dict[str, int]] = {}
    for c in conflicts:
        i, j = losers.index(c["department_key"]), winners.index(c["golden_department_key"])
        fields = by_cell.setdefault((i, j), {})
        label = _field_label(c["field"], entities.get(c["department_key"], ()))
        fields[label] = fields.get(label, 0) + c["count"]
    cells = {
        ij: Cell(sum(fields.values()), sorted(fields.items(), key=lambda p: -p[1]))
        for ij, fields in by_cell.items()
    }
    corner = (
        Bilingual("值未被采用的部门 ↓", "department whose value lost"),
        Bilingual("标准值来自 →", "golden value taken from"),
    )
    chart = charts.conflict_matrix(
        [_key_label(k, names) for k in losers],
        [_key_label(k, names) for k in winners],
        cells,
        corner,
        "部门间数据冲突 Conflicts between departments",
    )
    rows = "".join(
        f"<tr><td>{_e(_field_label(c['field'], entities.get(c['department_key'], ())))} "
        f'<code class="small">{_e(c["field"])}</code></td>'
        f"<td>{_e(names.get(c['department_key'], c['department_key']))}</td>"
        f"<td>{_e(names.get(c['golden_department_key'], c['golden_department_key']))}</td>"
        f'<td class="num">{c["count"]:,}</td></tr>\n'
        for c in conflicts
    )
    header = (
        _th("字段", "field")
        + _th("值未被采用的部门", "department whose value lost")
        + _th("标准值来自", "golden value taken from")
        + _th("冲突数", "conflicts", num=True)
    )
    return (
        head
        + _hint(
            "每行是值未被采用的部门，每列是标准值（黄金记录）所取自的部门；格中为冲突数及主要字段。",
            "Each row is a department whose value lost; each column, the department whose value "
            "the golden record took; a cell gives the conflicts and their main fields.",
        )
        + f"<figure>{chart}</figure>\n"
        + f"<h3>冲突明细{_en('Conflicts by field')}</h3>\n"
        + f'<table class="narrow">\n<thead><tr>{header}</tr></thead>\n'
        + f"<tbody>\n{rows}</tbody>\n</table>\n</section>\n"
    )


def _sources(sources: Sequence[SourceEntry]) -> str:
    head = _h2("sources", "数据源行数核对", "Row accounting by source")
    if not sources:
        return (
            head
            + _empty("本次运行没有报告数据源。", "The run reported no sources.")
            + "</section>\n"
        )
    rows = "".join(_source_row(s) for s in sources)
    totals = [
        sum(s["rows_read"] for s in sources),
        sum(s["linked"] for s in sources),
        sum(s["repaired"] for s in sources),
        sum(s["linked_residue"] for s in sources),
        sum(s["quarantined_total"] for s in sources),
        sum(s["skipped"] for s in sources),
        sum(s["other_source"] for s in sources),
    ]
    footer = "".join(f'<td class="num">{n:,}</td>' for n in totals)
    balanced = all(s["balanced"] for s in sources)
    header = (
        _th("数据源", "source")
        + _th("部门", "department")
        + _th("读取", "read", num=True)
        + _th("关联", "linked", num=True)
        + _th("含修复标识码", "ID repaired", num=True)
        + _th("含无标识码匹配", "matched without ID", num=True)
        + _th("隔离", "quarantined", num=True)
        + _th("跳过", "skipped", num=True)
        + _th("属其他源", "other source", num=True)
        + _th("核对", "check", num=True)
    )
    return (
        head
        + _hint(
            "读取行数 = 关联 + 隔离 + 跳过 + 属其他源；两边相等标 ✓，表示每一行都有去向。"
            "关联数包含修复了标识码的记录和无标识码而按姓名等匹配的记录；"
            "百分比为关联率，即关联 ÷（关联 + 隔离）。",
            "Rows read = linked + quarantined + skipped + other source; ✓ when the two agree: "
            "no row was lost. Linked includes records whose identifier was repaired and records "
            "matched without one; the percentage is the linked rate, linked ÷ (linked + "
            "quarantined).",
        )
        + f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}</tbody>\n"
        + f'<tfoot><tr><td colspan="2">合计{_en("total")}</td>{footer}'
        + f'<td class="num">{_check(balanced)}</td></tr></tfoot>\n</table>\n</section>\n'
    )


def _source_row(s: SourceEntry) -> str:
    reasons = "".join(
        f'<div class="small">{_e(_reason(r).zh)} {n:,}</div>'
        for r, n in sorted(s["quarantined"].items(), key=lambda p: -p[1])
        if n
    )
    entity = _ENTITY_LABELS.get(s["entity"], s["entity"])
    detail = " · ".join(x for x in (entity, s["encoding"] or "") if x)
    linked_share = _share(s["linked"], s["linked"] + s["quarantined_total"])
    check = _check(s["balanced"], "" if s["balanced"] else f" {s['accounted']:,}")
    return (
        f'<tr><td><code>{_e(s["key"])}</code><div class="small">{_e(detail)}</div></td>'
        f'<td class="nowrap">{_e(s["department"])}</td>'
        f'<td class="num">{s["rows_read"]:,}</td>'
        f'<td class="num">{s["linked"]:,}<div class="small">{_e(linked_share)}</div></td>'
        f"{_count_cell(s['repaired'])}{_count_cell(s['linked_residue'])}"
        f'<td class="num">{_zero(s["quarantined_total"])}{reasons}</td>'
        f"{_count_cell(s['skipped'])}{_count_cell(s['other_source'])}"
        f'<td class="num">{check}</td></tr>\n'
    )


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>\n" for n in notes)
    return f"{_h2('notes', '运行说明', 'Notes from the run')}<ul>\n{items}</ul>\n</section>\n"


def _definitions(report: Report) -> str:
    kinds = "".join(
        f"<tr><td>{_severity_tag(k['severity'])}</td>"
        f'<td class="kind"><b>{_e(k["label_zh"])}</b>{_en(k["label_en"])}'
        f'<div class="small"><code>{_e(k["key"])}</code></div></td>'
        f"<td>{_e(k['description_zh'])}{_en(k['description_en'])}</td></tr>\n"
        for k in report["issue_types"]
    )
    dims = "".join(
        f"<tr><td><b>{_e(d['label_zh'])}</b>{_en(d['label_en'])}</td>"
        f"<td>{_e(d['description_zh'])}{_en(d['description_en'])}</td></tr>\n"
        for d in report["dimensions"]
    )
    kinds_head = (
        _th("级别", "severity") + _th("类型", "type") + _th("含义与处理", "meaning, what to do")
    )
    dims_head = _th("维度", "dimension") + _th("定义", "definition")
    return (
        _h2("definitions", "说明", "Definitions")
        + f"<h3>问题类型{_en('Issue types')}</h3>\n"
        + f"<table>\n<thead><tr>{kinds_head}</tr></thead>\n<tbody>\n{kinds}</tbody>\n</table>\n"
        + f"<h3>评分维度{_en('Score dimensions')}</h3>\n"
        + f"<table>\n<thead><tr>{dims_head}</tr></thead>\n<tbody>\n{dims}</tbody>\n</table>\n"
        + "</section>\n"
    )


def _footer(report: Report) -> str:
    when = _e(_when(report["generated_at"]))
    return (
        f"<footer>由 <code>frontline quality report</code> 生成于 {when} · "
        f"generated by <code>frontline quality report</code> · 报告格式 format "
        f"{report['format']}</footer>\n"
    )


# -- pieces -------------------------------------------------------------------------------


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _en(text: str) -> str:
    return f'<span class="en" lang="en">{_e(text)}</span>'


def _h2(anchor: str, zh: str, en: str) -> str:
    """Opens a section with its title."""
    return f'<section id="{_e(anchor)}">\n<h2>{_e(zh)}{_en(en)}</h2>\n'


def _hint(zh: str, en: str) -> str:
    return f'<p class="hint">{_e(zh)}{_en(en)}</p>\n'


def _empty(zh: str, en: str) -> str:
    return f"<p>{_e(zh)}{_en(en)}</p>\n"


def _th(zh: str, en: str, *, num: bool = False) -> str:
    align = ' class="num"' if num else ""
    return f"<th{align}>{_e(zh)}{_en(en)}</th>"


def _legend(entries: Iterable[tuple[str, str]]) -> str:
    items = "".join(
        f'<span><i class="swatch" style="background:{_e(fill)}"></i>{_e(text)}</span>'
        for fill, text in entries
    )
    return f'<div class="legend">{items}</div>\n'


def _colour(severity: str) -> str:
    return charts.SEVERITY_COLOURS.get(severity, charts.OTHER_COLOUR)


def _check(ok: bool, extra: str = "") -> str:
    return '<span class="ok">✓</span>' if ok else f'<span class="bad">✗{_e(extra)}</span>'


def _count_cell(n: int) -> str:
    return f'<td class="num">{_zero(n)}</td>'


def _zero(n: int) -> str:
    return f"{n:,}" if n else '<span class="zero">0</span>'


def _share(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


def _when(iso: str) -> str:
    """An ISO timestamp in the local time of the machine making the report, with its offset.

    `2026-06-30 22:03 (UTC+08:00)`: the report is made where the city is, and read there.
    """
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("", "+0000") else "UTC"
    return f"{moment:%Y-%m-%d %H:%M} ({zone})"


def _severity_tag(severity: str) -> str:
    label = SEVERITY_LABELS.get(severity)
    text = f"{label.zh} {label.en}" if label else severity
    return f'<span class="sev" style="background:{_colour(severity)}">{_e(text)}</span>'


def _entities(sources: Sequence[SourceEntry]) -> dict[str, set[str]]:
    """The entity types each department delivers."""
    found: dict[str, set[str]] = {}
    for s in sources:
        found.setdefault(s["department_key"], set()).add(s["entity"])
    return found


def _score(scores: Scores, key: str) -> float | None:
    values = {
        "completeness": scores["completeness"],
        "validity": scores["validity"],
        "consistency": scores["consistency"],
        "timeliness": scores["timeliness"],
    }
    return values.get(key)


def _reason(key: str) -> Label:
    return UNLINKED_REASONS.get(key, Label(key, key))


def _dept_label(department: Department, note: str) -> Bilingual:
    return Bilingual(department["name"], note if department["name"] != note else "")


def _key_label(key: str, names: dict[str, str]) -> Bilingual:
    name = names.get(key, key)
    return Bilingual(name, key if name != key else "")


def _ordered(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """Distinct `keys` in the given order, the others after them by key."""
    distinct = charts.unique(keys)
    return sorted(distinct, key=lambda k: (order.index(k) if k in order else len(order), k))


def _field_label(field: str, entities: Iterable[str] = ()) -> str:
    """A canonical field's Chinese label (`address` → 住址), else the field itself.

    `entities`: the entity types the department delivers, to tell a person's 住址 from an
    enterprise's 住所; with none or several, every label the field has is given.
    """
    types = [t for t in BUILT_IN if t.name in set(entities)] or list(BUILT_IN)
    labels = charts.unique(f.label_zh for t in types for f in t.fields if f.name == field)
    return "/".join(labels) or field
