"""The HTML page: well-formed, self-contained, escaped, Chinese first."""

import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontline.quality import Report, build_report, render_html
from frontline.store import RunSummary, Scope, publish, start_run
from tests.quality.factories import DEPARTMENTS, City, publish_city

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Checker(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    assert checker.open == []
    return checker


def report_of(engine: Engine, city: City) -> Report:
    publish_city(engine, city)
    with Session(engine) as session:
        return build_report(session)


@pytest.fixture
def hostile(engine: Engine) -> Report:
    """A city whose configuration holds markup: a department name and a note."""
    names = DEPARTMENTS | {"health": "<b>&卫生健康委员会", "tax": '税务局" onload="x'}
    notes = ["<script>alert(1)</script> 注意 & note"]
    return report_of(engine, City(0.01, names=names, notes=notes))


def test_the_page_is_well_formed_chinese_first_html(hostile: Report) -> None:
    html = render_html(hostile)
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="zh-CN">' in html
    assert '<meta charset="utf-8">' in html
    checker = check(html)
    assert {"svg", "table", "rect", "text", "style"} <= checker.seen
    text = "".join(checker.text)
    assert text.index("数据质量报告") < text.index("Data quality report")
    for heading in ("各部门质量评分", "待处理问题", "部门间数据冲突", "数据源行数核对", "说明"):
        assert heading in text


def test_the_charts_are_well_formed_svg(hostile: Report) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", render_html(hostile), re.S)
    assert len(svgs) == 3  # scores, issues by type, conflicts
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 (our own output)
        assert root.find("title") is not None
        assert root.iter("rect")


def test_nothing_is_fetched_from_anywhere(hostile: Report) -> None:
    html = render_html(hostile)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<(script|link|img|iframe|object)\b", html, re.I)
    assert "@import" not in html
    assert "url(" not in html
    assert "@font-face" not in html


def test_every_configured_value_is_escaped(hostile: Report) -> None:
    html = render_html(hostile)
    assert "<b>&卫生" not in html
    assert "&lt;b&gt;&amp;卫生健康委员会" in html
    assert 'onload="x' not in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 注意 &amp; note" in html
    text = "".join(check(html).text)
    assert "<b>&卫生健康委员会" in text


def test_numbers_have_separators_and_scores_one_decimal(engine: Engine) -> None:
    report = report_of(engine, City(0.05))
    html = render_html(report)
    assert f"{report['totals']['rows_read']:,}" in html
    assert report["totals"]["rows_read"] > 9999
    assert "99.6%" in html  # public_security's completeness, 0.9968
    assert "100.0%" in html  # market_regulation's, 1.0
    assert "74.3%" in html
    assert html.count('<span class="ok">✓</span>') == len(report["sources"]) + 1  # and the total


def test_a_source_that_does_not_balance_is_marked(engine: Engine) -> None:
    report = report_of(engine, City(0.01))
    report["sources"][0]["balanced"] = False
    report["sources"][0]["accounted"] = 12_345
    html = render_html(report)
    assert "✗ 12,345" in html


def test_an_empty_run_renders(engine: Engine) -> None:
    run_id = start_run(engine, "digest")
    publish(engine, RunSummary(run_id, Scope(), summary={}), replace=True)
    with Session(engine) as session:
        html = render_html(build_report(session))
    text = "".join(check(html).text)
    assert "没有部门" in text
    assert "没有部门间冲突" in text
    assert "没有待处理的问题" in text


def test_times_are_shown_in_local_time_with_the_offset(
    hostile: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile["run"]["finished_at"] = "2026-06-30T14:03:09+00:00"
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        html = render_html(hostile)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "2026-06-30 22:03 (UTC+08:00)" in html
