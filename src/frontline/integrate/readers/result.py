"""What reading a source did: files, encodings and row counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileRead:
    """One file (or database table) read for a source."""

    file: str
    """The path relative to the data folder (``schema.table`` for a database table)."""
    rows: int
    """Rows read from this file, whatever their disposition."""
    encoding: str | None
    """The encoding its bytes were decoded with; None for binary formats and tables."""
    detected: bool = False
    """Whether the encoding was detected rather than declared by the source."""

    @property
    def encoding_label(self) -> str:
        """The encoding as shown to people, e.g. ``gb18030 (detected)``."""
        if self.encoding is None:
            return "-"
        return f"{self.encoding} (detected)" if self.detected else self.encoding


@dataclass(frozen=True)
class ReadResult:
    """The outcome of :func:`read_source`.

    Every row read is accounted for: ``rows_read == records + rows_skipped + rows_other_source``.
    """

    source: str
    table: str
    """The DuckDB table holding the rows."""
    files: tuple[FileRead, ...]
    rows_read: int
    rows_skipped: int
    """Rows matched by a ``skip`` rule (totals and the like)."""
    rows_other_source: int
    """Rows left out by ``only``: they belong to another source reading the same file."""
    seconds: float

    @property
    def records(self) -> int:
        """Rows to integrate (disposition NULL)."""
        return self.rows_read - self.rows_skipped - self.rows_other_source

    @property
    def encodings(self) -> dict[str, str]:
        """The encoding label of each file read."""
        return {f.file: f.encoding_label for f in self.files}
