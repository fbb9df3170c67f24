"""The one error a reader raises: it names the source, the file and what is wrong."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


class ReadError(ValueError):
    """A source that cannot be read as described.

    The message reads ``<source>: <file>: <problem>. Hint: <hint>``. It never quotes a value
    from the data: cells hold personal data, and error messages end up in logs.
    """

    def __init__(self, source: str, file: str, problem: str, hint: str = "") -> None:
        self.source, self.file, self.problem, self.hint = source, file, problem, hint
        message = f"{source}: {file}: {problem}"
        super().__init__(f"{message}. Hint: {hint}" if hint else message)


def close_matches(name: str, candidates: Sequence[str]) -> list[str]:
    """Candidates that look like ``name``: same letters in another case first, then similar."""
    folded = [c for c in candidates if c.casefold() == name.casefold() and c != name]
    similar = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    return list(dict.fromkeys(folded + similar))


def listing(names: Sequence[str], limit: int = 40) -> str:
    """Names for a message, quoted, shortened when there are many."""
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")
