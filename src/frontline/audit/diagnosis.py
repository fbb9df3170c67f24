"""Telling apart what broke a link: an inserted event, a moved one, or a missing one.

The verifier's first pass finds the events whose `prev_hash` is not the hash of the event
stored before them. This second pass finds, for each, the event it does follow (by its hash),
and reads the pattern:

- it follows an event stored *after* it: it was moved (`reordered`);
- it follows an event further back, and nothing else links to the events in between: those
  events are not part of the chain (`inserted`);
- it follows an event further back, and the events in between are linked to from elsewhere:
  they were moved (`reordered`);
- it follows no event in the log: the event before it was rewritten with a recomputed hash,
  or events were deleted and the rest renumbered (`unlinked`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence

from frontline.audit.chain import GENESIS_HASH
from frontline.audit.problems import Findings

MAX_SPAN = 1000
"""Beyond this many events between an event and its predecessor, call it a move."""


class Gaps:
    """The seq ranges missing from the log (from the first pass)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        """Record that `start`..`end` (inclusive) are missing; ranges come in ascending order."""
        self.starts.append(start)
        self.ends.append(end)

    def __contains__(self, seq: object) -> bool:
        if not isinstance(seq, int):
            return False
        i = bisect.bisect_right(self.starts, seq) - 1
        return i >= 0 and seq <= self.ends[i]


def classify_breaks(
    breaks: Sequence[tuple[int, str]],
    hashes: Iterable[tuple[int, str]],
    gaps: Gaps,
    findings: Findings,
) -> None:
    """Add a finding for every broken link `(seq, prev_hash)`, reading `(seq, hash)` once."""
    wanted: dict[str, list[int]] = {prev: [] for _, prev in breaks}
    for seq, stored in hashes:
        holders = wanted.get(stored)
        if holders is not None:
            holders.append(seq)
    predecessors = {seq: _predecessor(seq, prev, wanted[prev]) for seq, prev in breaks}
    # Which broken events link to each event: an event linked to from outside a span is not
    # an insertion but a piece of the chain stored elsewhere.
    linked_from: defaultdict[int, list[int]] = defaultdict(list)
    for seq, predecessor in predecessors.items():
        if predecessor is not None:
            linked_from[predecessor].append(seq)
    for seq, predecessor in sorted(predecessors.items()):
        if predecessor is None:
            findings.add(
                seq,
                "unlinked",
                f"event {seq} does not follow event {seq - 1}, and the event it follows "
                "is not in the log",
            )
        elif predecessor > seq:
            findings.add(
                seq, "reordered", f"event {seq} follows event {predecessor}, stored after it"
            )
        elif predecessor < seq - 1:
            _span(seq, predecessor, linked_from, gaps, findings)


def _predecessor(seq: int, prev_hash: str, holders: list[int]) -> int | None:
    if prev_hash == GENESIS_HASH:
        return 0
    others = [h for h in holders if h != seq]
    before = [h for h in others if h < seq]
    if before:
        return max(before)
    return min(others, default=None)


def _span(
    seq: int,
    predecessor: int,
    linked_from: defaultdict[int, list[int]],
    gaps: Gaps,
    findings: Findings,
) -> None:
    between = range(predecessor + 1, seq)
    present = [x for x in between if x not in gaps] if len(between) <= MAX_SPAN else None
    if present == []:
        return  # only deleted events in between: the gap is reported already
    if present is not None and all(
        source in between for x in present for source in linked_from.get(x, ())
    ):
        for x in present:
            findings.add(
                x,
                "inserted",
                f"event {x} is not part of the chain: event {seq} follows event {predecessor}",
            )
        return
    after = "the start of the chain" if predecessor == 0 else f"event {predecessor}"
    findings.add(seq, "reordered", f"event {seq} follows {after}, not event {seq - 1}")
