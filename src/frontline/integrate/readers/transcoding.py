"""Strict, streamed decoding of text files, and transcoding them to UTF-8 for DuckDB.

DuckDB reads only UTF-8, so a GBK or GB18030 file is decoded here and written as a UTF-8 copy.
Files are processed in chunks cut after a newline: the byte 0x0A never occurs inside a UTF-8,
GBK or GB18030 character, so each piece decodes on its own, memory stays flat, and a failure
knows its byte offset and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1 << 22
"""Bytes read at a time (tests shrink it to cross character boundaries)."""


class UndecodableError(Exception):
    """Bytes that are not valid in an encoding, located in the file."""

    def __init__(self, encoding: str, offset: int, line: int) -> None:
        self.encoding, self.offset, self.line = encoding, offset, line
        super().__init__(f"not valid {encoding} at byte offset {offset} (line {line})")


def _pieces(path: Path) -> Iterator[tuple[int, int, bytes]]:
    """``(byte offset, newlines before, piece)`` for pieces of the file ending after a newline."""
    offset = newlines = 0
    pending = b""
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            data = pending + chunk
            cut = data.rfind(b"\n") + 1
            if not cut:
                pending = data
                continue
            piece, pending = data[:cut], data[cut:]
            yield offset, newlines, piece
            offset, newlines = offset + cut, newlines + piece.count(b"\n")
    if pending:
        yield offset, newlines, pending


def decode(path: Path, encoding: str, out: BinaryIO | None = None) -> None:
    """Decode the whole file strictly, writing it as UTF-8 to ``out`` when given.

    Raises :class:`UndecodableError` at the first invalid byte sequence.
    """
    for offset, newlines, piece in _pieces(path):
        try:
            text = piece.decode(encoding)
        except UnicodeDecodeError as error:
            line = newlines + piece.count(b"\n", 0, error.start) + 1
            raise UndecodableError(encoding, offset + error.start, line) from None
        if out is not None:
            out.write(text.encode("utf-8"))


def decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file is valid in ``encoding``."""
    try:
        decode(path, encoding)
    except UndecodableError:
        return False
    return True


def transcode(path: Path, encoding: str, target: Path) -> None:
    """Write ``path``, decoded strictly from ``encoding``, as UTF-8 to ``target``."""
    with target.open("wb") as out:
        decode(path, encoding, out)


def sample(path: Path, offset: int, size: int = 1 << 15) -> bytes:
    """Whole lines around ``offset``, for guessing what a file's encoding really is."""
    start = max(0, offset - size // 2)
    with path.open("rb") as stream:
        stream.seek(start)
        data = stream.read(size)
    first = data.find(b"\n") + 1 if start else 0
    last = data.rfind(b"\n") + 1
    # Without newlines in reach, the window itself is the best there is.
    return data[first:last] if last > first else data
