"""What the dispatcher asks of a format reader, and where the reader puts the rows.

A format reader gets a :class:`FileRequest` and hands its rows to a :data:`Sink` as one SQL
``SELECT`` (or several, for a reader that streams in batches). The select yields ``_row``
(BIGINT, 1-based within the file) and one text column per wanted source column, named ``v0``,
``v1`` … in the order of ``FileRequest.columns``. The sink adds the source, the file, the
disposition and the workspace names, so every format is accounted for the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from frontline.integrate.readers.error import ReadError
from frontline.integrate.sources.spec import SourceSpec

Sink = Callable[[str, Sequence[object]], None]
"""``sink(select_sql, parameters)`` inserts the rows of one select into the source's table."""


@dataclass(frozen=True)
class FileRequest:
    """One file of a source, to be read into the workspace."""

    spec: SourceSpec
    path: Path
    """The file to read; for text formats, a UTF-8 copy when the original is not UTF-8."""
    name: str
    """The file as named in messages and in ``_file``: relative to the data folder."""
    columns: tuple[str, ...]
    """The source columns wanted, in output order (``v0``, ``v1`` …)."""
    store: Engine | None = None
    """The serving database the run publishes to: what a ``store: true`` table is read from."""

    def error(self, problem: str, hint: str = "") -> ReadError:
        """A :class:`ReadError` about this file."""
        return ReadError(self.spec.key, self.name, problem, hint)

    def purposes(self, column: str) -> str:
        """What a source column is read for, for messages: ``name, sex`` or ``skip``."""
        uses = [name for name, source in self.spec.columns().items() if source == column]
        uses += ["skip"] * any(rule.column == column for rule in self.spec.skip)
        uses += ["only"] * (self.spec.only is not None and self.spec.only.column == column)
        return ", ".join(dict.fromkeys(uses))


def scratch_name(kind: str) -> str:
    """A unique name for a temporary DuckDB object (a registered Arrow table, a staging table)."""
    return f"_frontline_{kind}_{uuid.uuid4().hex}"
