"""Free text a person must write (a reason, a justification): what counts as written.

A character a reader sees is neither a control character nor a space of any kind. It is
spelt out rather than written as ``\\S`` because Python, JSON Schema's regular expressions and
the request validator each draw the line between spaces and control characters differently:
one pattern, used both in the API's schema and by the service, makes them agree.

    re.search(spanning(10), text)   # text holds 10 characters from one it shows to another
"""

from __future__ import annotations

VISIBLE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
"""One character a reader sees."""


def spanning(length: int) -> str:
    """A pattern found in text that holds at least `length` (≥ 2) characters from a visible
    character to a visible one: stripped of the spaces around it, such text keeps at least
    `length` characters."""
    if length < 2:
        raise ValueError("a span runs from one visible character to another")
    return VISIBLE + r"[\s\S]{" + str(length - 2) + ",}" + VISIBLE
