"""Inline SVG charts for the quality report, drawn in Python: nothing to fetch, prints as seen.

Every chart is a standalone, well-formed SVG element (it parses as XML), sized in CSS pixels
with a `viewBox`, so it scales down on a narrow screen or an A4 page. Text is escaped here;
callers pass plain strings. Text widths are estimated (CJK characters are one em wide, Latin
about 0.6 em) to size label columns and to shorten what would not fit.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from frontline.quality.issue_types import SEVERITIES

SEVERITY_COLOURS: Mapping[str, str] = {
    "error": "#c0392b",
    "warning": "#d4820b",
    "info": "#2f7bbf",
}
OTHER_COLOUR = "#7b8794"

# Score bands: a department at 96% is not "almost perfect" when every value must be right,
# so the colours change at the thresholds a manager acts on, not along a linear ramp.
SCORE_BANDS: tuple[tuple[float, str, str, str], ...] = (
    # (lower bound in %, fill, text colour, legend)
    (99.0, "#1b7a43", "#ffffff", "≥ 99%"),
    (95.0, "#8fd19e", "#12361f", "95–99%"),
    (90.0, "#f6d55c", "#3d3000", "90–95%"),
    (80.0, "#f29e4c", "#3d1f00", "80–90%"),
    (0.0, "#c8443a", "#ffffff", "< 80%"),
)
NO_SCORE = ("#eceff3", "#5f6b7a")

TEXT = "#1f2933"
MUTED = "#5f6b7a"
GRID = "#d9dee5"


def text_width(text: str, size: float) -> float:
    """The estimated width of `text` at font size `size`, in pixels."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char in "il.,:;·'|! ":
            width += 0.32
        elif char.isupper() or char in "mwMW%":
            width += 0.72
        else:
            width += 0.58
    return width * size


def fit(text: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, size: float, width: float, lines: int = 2) -> list[str]:
    """`text` broken into at most `lines` lines of `width` (the last one cut if need be).

    Chinese breaks between any two characters; Latin text at spaces where it can.
    """
    result: list[str] = []
    rest = text
    while rest and len(result) < lines - 1 and text_width(rest, size) > width:
        cut = len(rest)
        while cut > 1 and text_width(rest[:cut], size) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and not _is_wide(rest[cut - 1]):
            cut = space
        result.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        result.append(fit(rest, size, width))
    return result


def percent(value: float) -> str:
    """A share as a percentage with one decimal, never rounded up to 100.0%."""
    return f"{_tenths(value) / 10:.1f}%"


def score_colours(value: float | None) -> tuple[str, str]:
    """(fill, text colour) of a score's band."""
    if value is None:
        return NO_SCORE
    tenths = _tenths(value)
    for lower, fill, ink, _ in SCORE_BANDS:
        if tenths >= lower * 10:
            return fill, ink
    return SCORE_BANDS[-1][1], SCORE_BANDS[-1][2]


@dataclass(frozen=True)
class Bilingual:
    """A chart label: Chinese on top, English below in smaller, muted type."""

    zh: str
    en: str = ""


@dataclass(frozen=True)
class ScoreRow:
    label: Bilingual
    scores: Sequence[float | None]
    """One per column, in `score_heatmap`'s column order; None when not scored."""
    rows: int | None


def score_heatmap(columns: Sequence[Bilingual], rows: Sequence[ScoreRow], title: str) -> str:
    """Departments × score dimensions, each cell coloured by its band and labelled in %."""
    cell_w, cell_h, gap, header_h, rows_w = 132, 44, 4, 48, 96
    label_w = max([150.0, *(_label_width(r.label) for r in rows)]) + 16
    width = label_w + len(columns) * (cell_w + gap) + rows_w
    height = header_h + len(rows) * (cell_h + gap) + 4
    svg = _Svg(width, height, title)
    for j, column in enumerate(columns):
        x = label_w + j * (cell_w + gap) + cell_w / 2
        svg.label(x, 20, column, anchor="middle", size=14, bold=True)
    svg.text(width - 8, 20, "行数", anchor="end", size=13, bold=True)
    svg.text(width - 8, 36, "rows", anchor="end", size=11, fill=MUTED)
    for i, row in enumerate(rows):
        y = header_h + i * (cell_h + gap)
        svg.label(0, y + 19, row.label, size=14)
        for j, value in enumerate(row.scores):
            x = label_w + j * (cell_w + gap)
            fill, ink = score_colours(value)
            svg.rect(x, y, cell_w, cell_h, fill)
            shown = "—" if value is None else percent(value)
            svg.text(x + cell_w / 2, y + cell_h / 2 + 5, shown, anchor="middle", size=15, fill=ink)
        rows_text = "—" if row.rows is None else f"{row.rows:,}"
        svg.text(width - 8, y + cell_h / 2 + 5, rows_text, anchor="end", size=14)
    return svg.render()


@dataclass(frozen=True)
class Bar:
    label: Bilingual
    value: int
    severity: str


def issue_bars(bars: Sequence[Bar], title: str) -> str:
    """Horizontal bars, one per issue type, coloured by severity, with the count at the end."""
    row_h, gap, bar_max, count_w = 36, 8, 480, 90
    label_w = max([180.0, *(_label_width(b.label) for b in bars)]) + 28
    width = label_w + bar_max + count_w
    height = len(bars) * (row_h + gap) + 4
    largest = max([1, *(b.value for b in bars)])
    svg = _Svg(width, height, title)
    for i, bar in enumerate(bars):
        y = i * (row_h + gap)
        colour = SEVERITY_COLOURS.get(bar.severity, OTHER_COLOUR)
        svg.rect(0, y + 6, 10, 10, colour, radius=2)
        svg.label(18, y + 15, bar.label, size=14)
        svg.line(label_w - 1, y, label_w - 1, y + row_h, GRID)
        length = bar_max * bar.value / largest
        if bar.value:
            svg.rect(label_w, y + 4, max(length, 2), row_h - 8, colour)
        svg.text(
            label_w + max(length, 0) + 8,
            y + row_h / 2 + 5,
            f"{bar.value:,}",
            size=14,
            bold=bool(bar.value),
            fill=TEXT if bar.value else MUTED,
        )
    return svg.render()


@dataclass(frozen=True)
class Cell:
    count: int
    parts: Sequence[tuple[str, int]]
    """What the count is made of (e.g. field label → conflicts), largest first."""


def conflict_matrix(
    rows: Sequence[Bilingual],
    columns: Sequence[Bilingual],
    cells: Mapping[tuple[int, int], Cell],
    axes: tuple[Bilingual, Bilingual],
    title: str,
) -> str:
    """A matrix of counts: row i, column j → `cells[i, j]`, shaded by count (log scale).

    `axes`: what the rows are (written above the row labels) and what the columns are
    (written above the column labels).
    """
    cell_w, cell_h, gap = 150, 58, 4
    label_w = max([180.0, *(_label_width(r) for r in rows)]) + 16
    lines = max([1, *(len(wrap(c.zh, 13, cell_w - 8)) for c in columns)])
    top = 40  # the columns' axis title
    header_h = top + 16 * lines + 22
    width = label_w + len(columns) * (cell_w + gap)
    height = header_h + len(rows) * (cell_h + gap) + 4
    largest = max([1, *(c.count for c in cells.values())])
    svg = _Svg(width, height, title)
    down, across = axes
    svg.label(label_w, 16, Bilingual(across.zh, across.en), size=13, bold=True)
    svg.line(label_w, top - 6, width - gap, top - 6, GRID)
    svg.label(0, header_h - 22, down, size=13, bold=True)
    for j, column in enumerate(columns):
        x = label_w + j * (cell_w + gap) + cell_w / 2
        names = wrap(column.zh, 13, cell_w - 8)
        for k, line in enumerate(names):
            svg.text(x, top + 12 + 16 * k, line, anchor="middle", size=13, bold=True)
        en = fit(column.en, 11, cell_w - 8)
        svg.text(x, top + 12 + 16 * len(names), en, anchor="middle", size=11, fill=MUTED)
    for i, row in enumerate(rows):
        y = header_h + i * (cell_h + gap)
        svg.label(0, y + 24, row, size=14)
        for j in range(len(columns)):
            x = label_w + j * (cell_w + gap)
            cell = cells.get((i, j))
            if cell is None or cell.count == 0:
                svg.rect(x, y, cell_w, cell_h, "#f7f8fa", stroke=GRID)
                continue
            shade = math.log1p(cell.count) / math.log1p(largest)
            fill = _mix("#dce9f7", "#1d4f8c", shade)
            ink = "#ffffff" if shade > 0.55 else TEXT
            svg.rect(x, y, cell_w, cell_h, fill)
            count = f"{cell.count:,}"
            svg.text(x + cell_w / 2, y + 24, count, anchor="middle", size=16, bold=True, fill=ink)
            parts = _parts_text(cell.parts, 11, cell_w - 10)
            svg.text(x + cell_w / 2, y + 44, parts, anchor="middle", size=11, fill=ink)
    return svg.render()


def _parts_text(parts: Sequence[tuple[str, int]], size: float, width: float) -> str:
    """As many `label count` parts as fit, then `+N` for the rest."""
    shown: list[str] = []
    for k, (label, count) in enumerate(parts):
        candidate = " · ".join([*shown, f"{label} {count:,}"])
        rest = len(parts) - k - 1
        suffix = f" +{rest}" if rest else ""
        if text_width(candidate + suffix, size) > width and shown:
            return " · ".join(shown) + f" +{len(parts) - k}"
        shown.append(f"{label} {count:,}")
    return fit(" · ".join(shown), size, width)


def _label_width(label: Bilingual) -> float:
    return max(text_width(label.zh, 14), text_width(label.en, 11))


def _tenths(value: float) -> int:
    # Truncated, not rounded: 99.96% is shown as 99.9%, so 100.0% means every value.
    return math.floor(value * 1000 + 1e-6)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _mix(low: str, high: str, t: float) -> str:
    a = [int(low[k : k + 2], 16) for k in (1, 3, 5)]
    b = [int(high[k : k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


class _Svg:
    """Collects SVG elements; every attribute value and text is escaped."""

    def __init__(self, width: float, height: float, title: str) -> None:
        self.width = width
        self.height = height
        self.title = title
        self.parts: list[str] = []

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        fill: str,
        *,
        radius: float = 3,
        stroke: str | None = None,
    ) -> None:
        outline = f' stroke="{escape(stroke)}"' if stroke else ""
        self.parts.append(
            f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
            f'height="{_number(height)}" rx="{_number(radius)}" fill="{escape(fill)}"{outline}/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str) -> None:
        self.parts.append(
            f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" '
            f'y2="{_number(y2)}" stroke="{escape(stroke)}"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 14,
        anchor: str = "start",
        bold: bool = False,
        fill: str = TEXT,
    ) -> None:
        weight = ' font-weight="600"' if bold else ""
        self.parts.append(
            f'<text x="{_number(x)}" y="{_number(y)}" font-size="{_number(size)}" '
            f'text-anchor="{escape(anchor)}" fill="{escape(fill)}"{weight}>{escape(text)}</text>'
        )

    def label(
        self,
        x: float,
        y: float,
        label: Bilingual,
        *,
        size: float = 14,
        anchor: str = "start",
        bold: bool = False,
    ) -> None:
        """Chinese at baseline `y`, English on the line below."""
        self.text(x, y, label.zh, size=size, anchor=anchor, bold=bold)
        if label.en:
            small = max(size - 3, 10)
            self.text(x, y + small + 4, label.en, size=small, anchor=anchor, fill=MUTED)

    def render(self) -> str:
        width, height = _number(self.width), _number(self.height)
        return (
            f'<svg class="chart" role="img" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{escape(self.title)}</title>{''.join(self.parts)}</svg>"
        )


def severity_order(severity: str) -> int:
    """Position of `severity` from most to least urgent (unknown ones last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def unique(values: Iterable[str]) -> list[str]:
    """`values` without repeats, in first-seen order."""
    return list(dict.fromkeys(values))
