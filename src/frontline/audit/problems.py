"""What `verify` can find wrong, and how each finding is named in Chinese and English."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

PROBLEM_KINDS: dict[str, tuple[str, str]] = {
    "edited": ("内容被修改", "the event's content no longer matches its hash"),
    "deleted": ("记录被删除", "events are missing: a gap in the sequence"),
    "inserted": ("记录被插入", "an event that is not part of the chain"),
    "reordered": ("顺序被调换", "the event follows another event than the one stored before it"),
    "unlinked": (
        "链接断开",
        "the event the previous one should be is not in the log: rewritten, or events "
        "deleted and the rest renumbered",
    ),
    "truncated": ("末尾被截断", "events the head or a checkpoint covers are missing at the end"),
    "head": ("链头不符", "the chain's head row disagrees with the events"),
    "checkpoint_mismatch": ("检查点不符", "a signed checkpoint names another hash for its event"),
    "bad_signature": ("签名无效", "a checkpoint's signature does not verify"),
    "unknown_key": ("未知签名密钥", "a checkpoint is signed by a key that was not given"),
    "missing_checkpoint": ("检查点缺失", "a checkpoint the others refer to is missing"),
    "anchor": ("与留存值不符", "the hash at a seq differs from the one kept outside the database"),
}
"""Each kind: its Chinese label and what it means."""

# Where several findings fall on one event, the one that explains it best is reported: an
# event that is not part of the chain at all is that, whatever its own hash says.
_EVENT_PRIORITY = ("inserted", "edited", "reordered", "unlinked")
_EVENT_KINDS = frozenset((*_EVENT_PRIORITY, "deleted"))


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding: the seq it is at, its kind (a key of `PROBLEM_KINDS`), what was seen.

    Messages give seqs and counts only, never an event's content.
    """

    seq: int
    kind: str
    message: str


class Findings:
    """Problems as they are found: all counted, the first `limit` of each kind kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self._kept: dict[str, list[Problem]] = {}
        self._event_kinds: dict[int, str] = {}

    def add(self, seq: int, kind: str, message: str) -> None:
        """Record a problem; an event gets one event-level kind, the best explanation."""
        if kind in _EVENT_PRIORITY:
            known = self._event_kinds.get(seq)
            if known is not None and _EVENT_PRIORITY.index(known) <= _EVENT_PRIORITY.index(kind):
                return
            if known is not None:
                self._drop(seq, known)
            if len(self._event_kinds) < 4 * self.limit:
                self._event_kinds[seq] = kind
        self.counts[kind] += 1
        kept = self._kept.setdefault(kind, [])
        if len(kept) < self.limit:
            kept.append(Problem(seq, kind, message))

    def kind_at(self, seq: int) -> str | None:
        """The event-level kind already recorded at `seq`, if any."""
        return self._event_kinds.get(seq)

    def first_event_problem(self) -> int | None:
        """The lowest seq with an event-level problem (edited, deleted, inserted, …)."""
        return min((p.seq for k in _EVENT_KINDS for p in self._kept.get(k, [])), default=None)

    def sorted(self) -> tuple[Problem, ...]:
        """The kept problems by seq (the event's own finding first), at most `limit`."""
        every = sorted(
            (p for kept in self._kept.values() for p in kept),
            key=lambda p: (p.seq, p.kind not in _EVENT_KINDS, p.kind),
        )
        return tuple(every[: self.limit])

    def _drop(self, seq: int, kind: str) -> None:
        self.counts[kind] -= 1
        if not self.counts[kind]:
            del self.counts[kind]
        self._kept[kind] = [p for p in self._kept.get(kind, []) if p.seq != seq]
