"""Which encoding a text file is in: declared and checked, or detected.

Declared encodings are used strictly. Without one, a file is taken as

1. UTF-8 with a BOM (``utf-8-sig``) when it starts with one;
2. UTF-8 when all of it decodes as UTF-8;
3. otherwise GB18030, a superset of GBK (so every GBK file decodes the same way and rare
   characters such as 𠮷 survive), reported as ``gb18030 (detected)``.

GB18030 decodes many non-Chinese byte sequences without error, so before accepting it the
lines around the first non-UTF-8 byte go to charset-normalizer: when GB18030 is not among its
plausible encodings (Big5, Shift-JIS, Latin-1 text…) the file is refused rather than read as
nonsense. UTF-16 and UTF-32 files and files with NUL bytes are refused outright.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from frontline.integrate.readers import transcoding
from frontline.integrate.readers.error import ReadError
from frontline.integrate.readers.request import FileRequest
from frontline.integrate.readers.transcoding import UndecodableError

UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
_GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz"}
_TO_UTF8 = "convert the file to UTF-8 (or GBK/GB18030) and read it again"


@dataclass(frozen=True)
class TextFile:
    """A text file as DuckDB can read it, and how its bytes were decoded."""

    path: Path
    """UTF-8 (possibly with a BOM): the file itself, or a transcoded copy in the scratch folder."""
    encoding: str
    detected: bool


def as_utf8(request: FileRequest, scratch: Path) -> TextFile:
    """The file of ``request`` readable as UTF-8, transcoding into ``scratch`` when needed."""
    path, declared = request.path, request.spec.encoding
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    _refuse_wide(request, head)
    if declared is None:
        return _detect(request, head, scratch)
    if declared in ("utf-8", "utf-8-sig"):
        _strict(request, "utf-8", declared)
        return TextFile(path, declared, detected=False)
    if head.startswith(UTF8_BOM):
        raise request.error(
            f"the file starts with a UTF-8 byte-order mark but the source declares {declared}",
            "declare encoding: utf-8-sig, or leave encoding out to detect it",
        )
    copy = scratch / f"{uuid.uuid4().hex}.utf8"
    _strict(request, declared, declared, copy)
    return TextFile(copy, declared, detected=False)


def _refuse_wide(request: FileRequest, head: bytes) -> None:
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            raise request.error(f"the file is {name} text, which is not supported", _TO_UTF8)
    if b"\x00" in head:
        raise request.error(
            "the file holds NUL bytes: it is UTF-16/UTF-32 text or not text at all", _TO_UTF8
        )


def _detect(request: FileRequest, head: bytes, scratch: Path) -> TextFile:
    path = request.path
    try:
        transcoding.decode(path, "utf-8")
    except UndecodableError as not_utf8:
        guess = _guess(path, not_utf8.offset)
        if guess is not None:
            raise request.error(
                f"the encoding is neither UTF-8 ({_where(not_utf8)}) nor GBK/GB18030: "
                f"the text looks like {guess}",
                _TO_UTF8,
            ) from None
        copy = scratch / f"{uuid.uuid4().hex}.utf8"
        try:
            transcoding.transcode(path, "gb18030", copy)
        except UndecodableError as not_gb:
            raise request.error(
                f"the encoding is neither UTF-8 ({_where(not_utf8)}) nor GB18030 "
                f"({_where(not_gb)})",
                _TO_UTF8,
            ) from None
        return TextFile(copy, "gb18030", detected=True)
    encoding = "utf-8-sig" if head.startswith(UTF8_BOM) else "utf-8"
    return TextFile(path, encoding, detected=True)


def _guess(path: Path, offset: int) -> str | None:
    """None when the text around ``offset`` is plausibly GBK/GB18030, else what it looks like."""
    matches = charset_normalizer.from_bytes(transcoding.sample(path, offset))
    if {m.encoding for m in matches} & _GB_FAMILY:
        return None
    best = matches.best()
    return best.encoding if best is not None else "binary data or an unknown encoding"


def _strict(request: FileRequest, codec: str, declared: str, copy: Path | None = None) -> None:
    """Decode (and transcode to ``copy``) strictly, or fail saying what would decode it."""
    try:
        if copy is None:
            transcoding.decode(request.path, codec)
        else:
            transcoding.transcode(request.path, codec, copy)
    except UndecodableError as failure:
        raise _undecodable(request, declared, failure) from None


def _undecodable(request: FileRequest, declared: str, failure: UndecodableError) -> ReadError:
    problem = f"the file is not valid {declared}: {_where(failure)}"
    path = request.path
    if declared == "gbk" and transcoding.decodes(path, "gb18030"):
        hint = (
            "it decodes as GB18030, the superset of GBK that also holds rare characters "
            "(such as 𠮷): declare encoding: gb18030"
        )
    elif declared not in ("utf-8", "utf-8-sig") and transcoding.decodes(path, "utf-8"):
        hint = "it decodes as UTF-8: declare encoding: utf-8, or leave encoding out to detect it"
    elif (
        declared in ("utf-8", "utf-8-sig")
        and _guess(path, failure.offset) is None
        and transcoding.decodes(path, "gb18030")
    ):
        hint = (
            "it decodes as GB18030 (which includes GBK): declare encoding: gb18030, "
            "or leave encoding out to detect it"
        )
    else:
        guess = _guess(path, failure.offset) or "GBK/GB18030 with damaged bytes"
        hint = f"no supported encoding decodes it; the text looks like {guess}: {_TO_UTF8}"
    return request.error(problem, hint)


def _where(failure: UndecodableError) -> str:
    return f"invalid byte sequence at byte offset {failure.offset}, line {failure.line}"
