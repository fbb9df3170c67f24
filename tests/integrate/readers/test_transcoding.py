from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.integrate.readers import transcoding
from frontline.integrate.readers.transcoding import UndecodableError

TEXT = "姓名,地址\n王𠮷,杭州市西湖区\n\n张三,文三路1号\n"


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few bytes, so characters and lines straddle every chunk boundary."""
    monkeypatch.setattr(transcoding, "CHUNK_BYTES", 5)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_transcode_keeps_every_character(tmp_path: Path, encoding: str) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(TEXT.encode(encoding))
    transcoding.transcode(source, encoding, target)
    assert target.read_bytes() == TEXT.encode("utf-8")


def test_a_failure_names_byte_offset_and_line(tmp_path: Path) -> None:
    data = "a,b\n1,2\n张三,3\n".encode("gbk")
    path = tmp_path / "gbk.csv"
    path.write_bytes(data)
    with pytest.raises(UndecodableError) as caught:
        transcoding.decode(path, "utf-8")
    assert (caught.value.offset, caught.value.line) == (data.index("张".encode("gbk")), 3)


def test_a_truncated_last_character_is_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes("a\n张".encode()[:-1])
    assert not transcoding.decodes(path, "utf-8")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.text(st.characters(codec="gb18030", exclude_characters="\r"), max_size=60))
def test_any_gb18030_text_survives(tmp_path: Path, text: str) -> None:
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_bytes(text.encode("gb18030"))
    transcoding.transcode(source, "gb18030", target)
    assert target.read_bytes().decode("utf-8") == text


def test_sample_is_whole_lines_around_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"".join(b"line %05d\n" % i for i in range(10_000)))
    window = transcoding.sample(path, 50_000, size=100)
    assert window.startswith(b"line ")
    assert window.endswith(b"\n")
    assert b"line %05d" % (50_000 // 11) in window  # 11 bytes a line


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(
    st.sampled_from(["utf-8", "gbk", "gb18030"]),
    st.lists(
        st.one_of(
            st.text(st.characters(codec="gbk", exclude_characters="\r"), max_size=8).map(
                lambda t: t.encode("gbk")
            ),
            st.text(max_size=8).map(lambda t: t.encode("utf-8")),
            st.binary(max_size=3),
            st.just(b"\n"),
        ),
        max_size=12,
    ).map(b"".join),
)
def test_decoding_agrees_with_decoding_all_at_once(
    tmp_path: Path, encoding: str, data: bytes
) -> None:
    # The fast pass decides, the piecewise pass locates: both must agree with bytes.decode.
    path, target = tmp_path / "any.txt", tmp_path / "out.txt"
    path.write_bytes(data)
    start = _first_error(data, encoding)
    if start is None:
        transcoding.transcode(path, encoding, target)
        assert target.read_bytes() == data.decode(encoding).encode("utf-8")
        assert transcoding.decodes(path, encoding)
        return
    with pytest.raises(UndecodableError) as caught:
        transcoding.transcode(path, encoding, target)
    assert caught.value.offset == start
    assert caught.value.line == data.count(b"\n", 0, start) + 1
    assert not transcoding.decodes(path, encoding)


def _first_error(data: bytes, encoding: str) -> int | None:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return error.start
    return None
