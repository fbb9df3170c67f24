"""The rank of a survivorship candidate, packed into one HUGEINT (smaller ranks first).

Ranking ten million candidates by a row of eight values makes DuckDB compare structs; one
integer compares in a cycle. The bits, most significant first:

====================  ====  ===========================================================
three rule slots      3×17  the declared rules in the field's order (see ``METRICS``)
method                2     identifier, review, then probabilistic or rule links
confidence            17    no confidence (an identifier link) first, then the higher
source                7     the source key's place among the entity type's sources
file                  16    the file name's place among the records' file names
row                   32    the row number
====================  ====  ===========================================================

Every part is a non-negative integer below its width, so comparing ranks compares the parts
in order: exactly the order the rules declare, then the tie-breaks. The agreement slot is
left empty in a candidate's *base* rank — agreement is known only once candidates are grouped
by value — and added by :func:`with_agreement`; within one value's group it is the same for
every candidate, so the best base rank there is the best full rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Rule = Literal["priority", "recency", "agreement"]

SLOT_BITS = 17
MAX_SOURCES = 127
MAX_FILES = 1 << 16
MAX_ROW = (1 << 32) - 1

_ROW, _FILE, _SOURCE, _CONFIDENCE, _METHOD = 0, 32, 48, 55, 72
_SLOTS = (108, 91, 74)
"""Bit offsets of the first, second and third rule slots."""

METRICS: dict[Rule, str] = {
    # Higher priority first (priorities are 0..100).
    "priority": "(100 - priority)",
    # Later as-of first; none last. Days since 1900, clamped into the slot.
    "recency": (
        "(100000 - greatest(least(coalesce(date_diff('day', DATE '1900-01-01', as_of), -1), "
        "99999), -1) - 1)"
    ),
    # More agreeing sources first: filled in by `with_agreement`.
    "agreement": "0",
}


def _shifted(expression: str, bit: int) -> str:
    return f"(CAST({expression} AS HUGEINT) << {bit})" if bit else f"CAST({expression} AS HUGEINT)"


def base_rank(orders: dict[str, tuple[Rule, ...]], default: tuple[Rule, ...]) -> str:
    """SQL for a candidate's rank without agreement, over columns ``field``, ``priority``,
    ``as_of``, ``method``, ``confidence``, ``source_index``, ``file_index`` and ``row``.

    ``orders``: fields whose rule order differs from ``default``.
    """
    parts = []
    for position, bit in enumerate(_SLOTS):
        fallback = _metric(default, position)
        cases = [
            f"WHEN field = '{name}' THEN {_metric(order, position)}"
            for name, order in orders.items()
            if _metric(order, position) != fallback
        ]
        slot = f"CASE {' '.join(cases)} ELSE {fallback} END" if cases else fallback
        parts.append(_shifted(slot, bit))
    method = "CASE method WHEN 'identifier' THEN 0 WHEN 'review' THEN 1 ELSE 2 END"
    confidence = "CASE WHEN confidence IS NULL THEN 0 ELSE 1 + round((1 - confidence) * 100000) END"
    parts += [
        _shifted(method, _METHOD),
        _shifted(f"greatest(least({confidence}, 131071), 0)", _CONFIDENCE),
        _shifted("source_index", _SOURCE),
        _shifted("file_index", _FILE),
        _shifted("row", _ROW),
    ]
    return " + ".join(parts)


def with_agreement(
    rank: str, agreement: str, orders: dict[str, tuple[Rule, ...]], default: tuple[Rule, ...]
) -> str:
    """SQL adding the agreement (``agreement``: how many sources offer the value) to a base
    ``rank`` in the slot the field's order gives it."""

    def term(order: Sequence[Rule]) -> str:
        if "agreement" not in order:
            return "0"
        return _shifted(f"({MAX_SOURCES} - {agreement})", _SLOTS[list(order).index("agreement")])

    fallback = term(default)
    cases = [
        f"WHEN field = '{name}' THEN {term(order)}"
        for name, order in orders.items()
        if term(order) != fallback
    ]
    added = f"CASE {' '.join(cases)} ELSE {fallback} END" if cases else fallback
    return f"({rank}) + {added}"


def _metric(order: Sequence[Rule], position: int) -> str:
    return METRICS[order[position]] if position < len(order) else "0"
