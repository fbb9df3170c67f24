"""The app's expression evaluator (forms/expressions.js) in real Chromium, on the corpus the
server's evaluator runs too: every case of tests/forms/expression_cases.json, and what the
parser refuses."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page

from frontline.forms import Context, evaluate, parse, to_string
from frontline.web import mobile
from tests.web.test_browser import CHROMIUM, browser, serving

__all__ = ["browser"]  # the fixture used below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "forms" / "expression_cases.json").read_text(encoding="utf-8")
)
MODULE = "/app/static/js/forms/expressions.js"

# Runs every case in the page: {type, value} (non-finite numbers as their text) or {error}.
RUN = """async ([module, cases]) => {
    const x = await import(module);
    return cases.map((c) => {
        try {
            const repeats = new Map();
            for (const [name, value] of Object.entries(c.values)) {
                if (Array.isArray(value) && value.every((item) => item && typeof item === "object"
                        && !Array.isArray(item))) {
                    repeats.set(name, new Set(value.flatMap((item) => Object.keys(item))));
                }
            }
            const ctx = x.context({today: c.today, values: c.values, current: c.current,
                repeats, instance: c.instance || null});
            const result = x.evaluate(x.parse(c.expression), ctx);
            const finite = typeof result !== "number" || Number.isFinite(result);
            return {type: typeof result, value: finite ? result : String(result)};
        } catch (error) {
            return {error: String(error)};
        }
    });
}"""


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    app = FastAPI()
    app.include_router(mobile.router())
    with serving(app) as base:
        context = browser.new_context()
        opened = context.new_page()
        opened.goto(base + "/app/static/app.css")  # any page of the app's origin
        yield opened
        context.close()


def test_every_case_of_the_shared_corpus_passes(page: Page) -> None:
    assert len(CASES) >= 178
    results: list[dict[str, Any]] = page.evaluate(RUN, [MODULE, CASES])
    assert len(results) == len(CASES)
    failed = []
    for case, result in zip(CASES, results, strict=True):
        expected = case["expected"]
        kind = (
            "boolean"
            if isinstance(expected, bool)
            else "string"
            if isinstance(expected, str)
            else "number"
        )
        if result.get("type") != kind or result.get("value") != expected:
            failed.append(f"{case['expression']!r}: expected {expected!r}, got {result}")
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("${a} +", "ends too early"),
        ("foo", "write ${foo}"),
        ("1 / 2", "XPath paths"),
        ("unknown(1)", "unknown function"),
        ("concat()", "takes 1+ arguments"),
        ("round(1, 2, 3)", "takes 1–2 arguments"),
        ("count('x')", "is a reference"),
        ("regex(., ${p})", "quoted pattern"),
        ("(1 + 2", "never closed"),
        ("true", "write true()"),
        ("'open", "no closing"),
        ("(" * 49 + "1" + ")" * 49, "nests deeper"),
    ],
)
def test_the_parser_refuses_what_the_server_refuses(
    page: Page, expression: str, message: str
) -> None:
    error = page.evaluate(
        """async ([module, text]) => {
            const x = await import(module);
            try { x.parse(text); return null; } catch (error) { return error.message; }
        }""",
        [MODULE, expression],
    )
    assert error is not None
    assert message in error, error


def differential_expressions() -> list[str]:
    """Expressions whose text results must agree to the character between the server's
    evaluator and the app's: number formatting, rounding, dates, conversions, substrings."""
    chance = random.Random(20261130)
    numbers = ["0", "1", "0.5", "2.5", "1.005", "123.456", "0.000001", "0.0000001", "1e21"]
    numbers += [f"{chance.uniform(-1e6, 1e6):.{chance.randint(0, 9)}f}" for _ in range(30)]
    found: list[str] = []
    for number in numbers:
        literal = f"number('{number}')" if "e" in number else number
        found.append(f"string({literal})")
        found.append(f"string(-{literal} * 3 div 7)")
        for digits in (-3, -1, 0, 1, 2, 5, 16):
            found.append(f"string(round({literal}, {digits}))")
        found.append(f"string(int({literal} div 3))")
        found.append(f"string({literal} mod 7)")
    for days in [0, -1, 59, 11016, 2932896, 2932897, -719162, -719163, 20787.9, -0.5]:
        found.append(f"date({days})")
    for text in [
        "2024-02-29",
        "2023-02-29",
        "0001-01-01",
        "0000-01-01",
        "9999-12-31",
        " 7 ",
        "-.5",
    ]:
        found.append(f"string(number('{text}'))")
    for start, end in [(0, 2), (-1, 99), (2.7, 4.2), ("''", 3), (5, 1)]:
        found.append(f"substr('浙江省杭州市西湖区', {start}, {end})")
    found.append("string(1 div 3 + 2 div 3)")
    found.append("string(0.1 + 0.2)")
    found.append("string(1000000 * 1000000 * 1000000 * 1000)")
    return found


def test_the_app_and_the_server_agree_to_the_character(page: Page) -> None:
    expressions = differential_expressions()
    context = Context(today=date(2026, 11, 30), values={})
    expected = [to_string(evaluate(parse(text), context)) for text in expressions]
    cases: list[dict[str, Any]] = [
        {"expression": text, "values": {}, "current": None, "today": "2026-11-30"}
        for text in expressions
    ]
    results: list[dict[str, Any]] = page.evaluate(RUN, [MODULE, cases])
    differ = [
        f"{text}: server {want!r}, app {got}"
        for text, want, got in zip(expressions, expected, results, strict=True)
        if got.get("value") != want
    ]
    assert not differ, "\n".join(differ)
