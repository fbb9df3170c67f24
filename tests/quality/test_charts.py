"""The SVG charts and the number formats of the report."""

import xml.etree.ElementTree as ET

import pytest

from frontline.quality.charts import (
    Bar,
    Bilingual,
    Cell,
    ScoreRow,
    conflict_matrix,
    fit,
    issue_bars,
    percent,
    score_colours,
    score_heatmap,
    text_width,
    wrap,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1.0, "100.0%"), (0.99999, "99.9%"), (0.9996, "99.9%"), (0.955, "95.5%"), (0.0, "0.0%"),
     (0.123, "12.3%")],
)  # fmt: skip
def test_percent_has_one_decimal_and_never_rounds_up_to_100(value: float, shown: str) -> None:
    assert percent(value) == shown


def test_score_bands() -> None:
    assert score_colours(1.0) == score_colours(0.99)
    assert score_colours(0.9899) != score_colours(0.99)
    assert score_colours(0.5) == score_colours(0.0)
    assert score_colours(None)[0] != score_colours(0.0)[0]


def test_text_is_measured_wrapped_and_cut() -> None:
    assert text_width("公安局", 10) == 30
    assert text_width("abc", 10) < 30
    assert wrap("人力资源和社会保障局", 13, 80) == ["人力资源和社", "会保障局"]
    assert wrap("公安局", 13, 80) == ["公安局"]
    assert wrap("human resources and social security", 11, 110)[0] == "human resources"
    assert fit("人力资源和社会保障局", 10, 50).endswith("…")
    assert text_width(fit("人力资源和社会保障局", 10, 50), 10) <= 50


def test_charts_are_well_formed_svg_with_escaped_text() -> None:
    name = Bilingual("<b>&部门", "a&b")
    charts = [
        score_heatmap([Bilingual("完整性", "Completeness")], [ScoreRow(name, [0.5], 10)], "t<"),
        issue_bars([Bar(name, 1234, "error"), Bar(Bilingual("x"), 0, "other")], "t&"),
        conflict_matrix(
            [name], [name], {(0, 0): Cell(5, [("住址", 3), ("电话", 2)])}, (name, name), "t>"
        ),
    ]
    for svg in charts:
        root = ET.fromstring(svg)  # noqa: S314 (our own output)
        assert root.tag == "svg"
        texts = [t.text for t in root.iter("text")]
        assert "<b>&部门" in texts
        assert "<b>" not in svg
    assert "1,234" in charts[1]
    assert "住址 3 · 电话 2" in charts[2]
