"""XPath's three conversions — ``string()``, ``number()``, ``boolean()`` — as the forms use them.

Values in an expression are text, numbers (IEEE doubles) or booleans; dates are text in ISO
form (``2026-11-30``). The rules, which the app's JavaScript evaluator follows to the letter:

- number → text: as JavaScript's ``Number.prototype.toString`` writes it (integers without
  ``.0``: ``3``, ``2.5``, ``1e+21``, ``NaN``, ``Infinity``; ``-0`` is ``0``).
- text → number: surrounding spaces, tabs and line breaks dropped, then ``-?digits[.digits]``
  (no ``+``, no exponent) is that number; an ISO date ``YYYY-MM-DD`` of a real day is its
  count of days since 1970-01-01; anything else, the empty text included, is NaN.
- boolean → number 1 or 0; → text ``true`` or ``false``.
- to boolean: text is true when not empty; a number when neither 0 nor NaN.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

Value = str | float | bool
"""What an expression evaluates to."""

EPOCH = date(1970, 1, 1)
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
XPATH_SPACE = " \t\r\n"


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    return value


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = value.strip(XPATH_SPACE)
    if _NUMBER.fullmatch(text):
        return float(text)
    day = parse_date(text)
    if day is not None:
        return float((day - EPOCH).days)
    return math.nan


def to_boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def parse_date(text: str) -> date | None:
    """The day an ISO ``YYYY-MM-DD`` text names, or None (also for 2026-02-30)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_from_days(days: float) -> str:
    """The ISO text of the day ``days`` after 1970-01-01 (whole days, rounded down), or ''."""
    if not math.isfinite(days):
        return ""
    try:
        return (EPOCH + timedelta(days=math.floor(days))).isoformat()
    except OverflowError:
        return ""


def number_text(number: float) -> str:
    """``number`` as JavaScript's ``String(number)`` writes it."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that read back to the same double, as JavaScript does.
    mantissa, _, exponent_text = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    leading = len(all_digits) - len(all_digits.lstrip("0"))
    digits = all_digits.strip("0")
    # The value is 0.<digits> × 10^n.
    n = len(whole) + int(exponent_text or 0) - leading
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        exponent = n - 1
        mark = "+" if exponent >= 0 else "-"
        head = digits[0] if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{head}e{mark}{abs(exponent)}"
    return sign + text
