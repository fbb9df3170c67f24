"""Strict, streamed decoding of text files, and transcoding them to UTF-8 for DuckDB.

DuckDB reads only UTF-8, so a GBK or GB18030 file is decoded here and written as a UTF-8 copy.
Files are processed in chunks, so memory stays flat. A file is first decoded in one pass with an
incremental decoder (which carries a character split between chunks over to the next one); only
when that fails is it decoded again in chunks cut after a newline, to find where: the byte 0x0A
never occurs inside a UTF-8, GBK or GB18030 character, so each such piece decodes on its own and
a failure knows its byte offset and line. The first pass is the common case and costs less:
it neither copies pieces nor counts lines.
"""

from __future__ import annotations

import codecs
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

    Raises :class:`UndecodableError` at the first invalid byte sequence (``out`` may then
    hold part of the text).
    """
    if _decoded(path, encoding, out):
        return
    _locate(path, encoding)
    # Both passes apply the same strict codec to the same bytes, so this is not reached.
    raise UndecodableError(encoding, 0, 1)  # pragma: no cover


def _decoded(path: Path, encoding: str, out: BinaryIO | None) -> bool:
    """Decode in one streaming pass (writing UTF-8 to ``out``); False at the first error."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                text = decoder.decode(chunk)
                if out is not None:
                    out.write(text.encode("utf-8"))
            text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    if out is not None:
        out.write(text.encode("utf-8"))
    return True


def _locate(path: Path, encoding: str) -> None:
    """Decode piece by piece, raising :class:`UndecodableError` where a piece fails."""
    for offset, newlines, piece in _pieces(path):
        try:
            piece.decode(encoding)
        except UnicodeDecodeError as error:
            line = newlines + piece.count(b"\n", 0, error.start) + 1
            raise UndecodableError(encoding, offset + error.start, line) from None


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
