"""Answer types: what a submission may send for each question type, and its cleaned form.

A submission is arbitrary JSON from a device, so every value is checked for its exact shape
before anything evaluates it: integers are not booleans, numbers are finite, dates are real
days, choices exist. ``clean_answer`` returns the typed value, or None when the value counts
as no answer ('' , blank text, an empty selection), or raises ``InvalidAnswerError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping

from frontline.forms.conversions import parse_date

MAX_TEXT = 2_000
"""Characters of a text answer."""
MAX_INTEGER = 2**53 - 1
"""The largest integer a phone's JavaScript holds exactly."""
MAX_REPEATS = 100
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

_DIGEST = re.compile(r"[0-9a-f]{64}")
# C0 controls other than tab and line breaks: PostgreSQL refuses NUL, and the rest are noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidAnswerError(Exception):
    """Why a value is not an answer of its type; the code is a ``FieldError`` code."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def clean_answer(question_type: str, value: object, choices: Collection[str] = ()) -> object:
    """The typed answer of a ``question_type`` question, None for no answer."""
    if value is None:
        return None
    cleaner = _CLEANERS.get(question_type)
    if cleaner is None:
        return None
    return cleaner(value, choices)


def _type(zh: str, en: str) -> InvalidAnswerError:
    return InvalidAnswerError("type", f"应为{zh}", f"expected {en}")


def _number(value: object) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type("数字", "a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _type("有限的数字", "a finite number")
    return value


def _text(value: object, _: Collection[str]) -> str | None:
    if not isinstance(value, str):
        raise _type("文字", "text")
    if not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise InvalidAnswerError(
            "size", f"不能超过 {MAX_TEXT} 个字", f"at most {MAX_TEXT} characters, not {len(value)}"
        )
    if _CONTROL.search(value):
        raise _type("不含控制字符的文字", "text without control characters")
    return value


def _integer(value: object, _: Collection[str]) -> int:
    number = _number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise _type("整数", "a whole number")
        number = int(number)
    if abs(number) > MAX_INTEGER:
        raise InvalidAnswerError("range", "数值过大", f"at most {MAX_INTEGER} in size")
    return number


def _decimal(value: object, _: Collection[str]) -> int | float:
    number = _number(value)
    if isinstance(number, int) and abs(number) > MAX_INTEGER:
        raise InvalidAnswerError("range", "数值过大", f"at most {MAX_INTEGER} in size")
    return number


def _date(value: object, _: Collection[str]) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or parse_date(value) is None:
        raise _type("日期（如 2026-11-30）", "a date such as 2026-11-30")
    return value


def _select_one(value: object, choices: Collection[str]) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str):
        raise _type("一个选项", "one choice")
    if value not in choices:
        raise InvalidAnswerError("choice", "不是可选的选项", "not one of the choices")
    return value


def _select_multiple(value: object, choices: Collection[str]) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _type("选项列表", "a list of choices")
    if not value:
        return None
    for item in value:
        if item not in choices:
            raise InvalidAnswerError(
                "choice", "含有不可选的选项", "a selection is not one of the choices"
            )
    if len(set(value)) != len(value):
        raise InvalidAnswerError("choice", "同一选项选了两次", "a choice is selected twice")
    return list(value)


def _geopoint(value: object, _: Collection[str]) -> dict[str, float | None]:
    if not isinstance(value, Mapping) or not {"latitude", "longitude"} <= set(value):
        raise _type("位置（纬度和经度）", "a location with latitude and longitude")
    if set(value) - {"latitude", "longitude", "accuracy"}:
        raise _type("位置（只含纬度、经度和精度）", "a location of latitude, longitude, accuracy")
    latitude = float(_number(value["latitude"]))
    longitude = float(_number(value["longitude"]))
    accuracy = value.get("accuracy")
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise InvalidAnswerError(
            "range",
            "位置超出范围（纬度 −90～90，经度 −180～180）",
            "latitude is -90 to 90 and longitude -180 to 180",
        )
    if accuracy is not None:
        accuracy = float(_number(accuracy))
        if accuracy < 0:
            raise InvalidAnswerError("range", "定位精度不能为负数", "accuracy cannot be negative")
    return {"latitude": latitude, "longitude": longitude, "accuracy": accuracy}


def _photo(value: object, _: Collection[str]) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != {"attachment", "content_type"}:
        raise _type("照片（附件及其类型）", "a photo: attachment and content_type")
    attachment, content_type = value["attachment"], value["content_type"]
    if not isinstance(attachment, str) or not _DIGEST.fullmatch(attachment.lower()):
        raise _type("照片附件的 SHA-256 摘要", "the photo attachment's SHA-256 digest")
    if content_type not in PHOTO_TYPES:
        raise _type("JPEG、PNG 或 WebP 照片", "a JPEG, PNG or WebP photo")
    return {"attachment": attachment.lower(), "content_type": str(content_type)}


_CLEANERS = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "geopoint": _geopoint,
    "photo": _photo,
}


def calculated_answer(value: str | float | bool) -> object:
    """A calculate's result as an answer: numbers as numbers (whole ones as ints), '' as none."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) <= MAX_INTEGER:
            return int(value)
        return value
    return value if value != "" else None
