from __future__ import annotations

import pytest

from frontline.names.script import (
    MIDDLE_DOT,
    canonical_name,
    has_han,
    to_simplified,
    to_traditional,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("王芳", "王芳"),
        (" 王\u3000芳 ", "王芳"),
        ("單國華", "单国华"),
        ("买买提•艾力", f"买买提{MIDDLE_DOT}艾力"),
        ("买买提・艾力", f"买买提{MIDDLE_DOT}艾力"),
        ("买买提．艾力", f"买买提{MIDDLE_DOT}艾力"),
        ("买买提. 艾力", f"买买提{MIDDLE_DOT}艾力"),
        ("买买提··艾力·", f"买买提{MIDDLE_DOT}艾力"),
        ("  Shan   Guohua ", "Shan Guohua"),
        ("ＳＨＡＮ", "SHAN"),
        ("", ""),
    ],
)
def test_canonical_name(raw: str, canonical: str) -> None:
    assert canonical_name(raw) == canonical


def test_simplified_keeps_characters_whose_reading_would_change() -> None:
    # Plain OpenCC t2s turns 乾 (qian) into 干 (gan); a name must keep it.
    assert to_simplified("乾坤") == "乾坤"
    assert to_simplified("幹部") == "干部"


def test_traditional_round_trip() -> None:
    assert to_traditional("单国华") == "單國華"
    assert to_simplified(to_traditional("单国华")) == "单国华"


def test_has_han() -> None:
    assert has_han("a王")
    assert not has_han("Wang Fang")
    assert not has_han("")
