from pathlib import Path

import pytest

from frontline.areas import AreaFileError, normalise_address, read_area_files
from tests.areas.factories import ADDRESSES, COMMUNITIES, GRIDS, write_areas


def test_a_good_folder_reads_with_normalised_addresses(tmp_path: Path) -> None:
    spaced = ("浙江省杭州市西湖区 北山街道宝石社区金都花园１幢１单元１０３室", "330106001001001")
    files = read_area_files(write_areas(tmp_path, addresses=[*ADDRESSES, spaced]))
    assert files.districts == ["330106"]
    assert files.streets == {"330106001000": "北山街道", "330106004000": "翠苑街道"}
    assert len(files.communities) == 3
    assert len(files.grids) == 4
    assert files.addresses[-1] == (
        "浙江省杭州市西湖区北山街道宝石社区金都花园1幢1单元103室",
        "330106001001001",
    )
    assert len(files.digest) == 64


def test_the_digest_changes_with_the_content(tmp_path: Path) -> None:
    first = read_area_files(write_areas(tmp_path / "a")).digest
    assert read_area_files(write_areas(tmp_path / "b")).digest == first
    assert read_area_files(write_areas(tmp_path / "c", addresses=ADDRESSES[:-1])).digest != first


def test_normalise_address() -> None:
    assert normalise_address(" 文华苑３幢\u30002单元 301室－1 ") == "文华苑3幢2单元301室-1"


@pytest.mark.parametrize(
    ("edit", "file", "line", "column", "message"),
    [
        ({"communities": [("330106001000", "330106002001", "x社区", "0")]}, "communities.csv",
         2, "community_code", "not in street"),
        ({"communities": [("330106001000", "330106001001", "宝石社区", "2")]}, "communities.csv",
         2, "rural", "village"),
        ({"communities": [*COMMUNITIES, COMMUNITIES[0]]}, "communities.csv", 5,
         "community_code", "listed twice"),
        ({"grids": [("330106001001000", "x")]}, "grids.csv", 2, "grid_code", "1..999"),
        ({"grids": [*GRIDS, ("330106001003001", "x")]}, "grids.csv", 6, "community_code",
         "not in communities.csv"),
        ({"grids": [("330106001001001", "")]}, "grids.csv", 2, "grid_name", "empty"),
        ({"addresses": [("甲", "330106001001009")]}, "address_grid.csv", 2, "grid_code",
         "not in grids.csv"),
        ({"addresses": [("甲", "330106001001001"), ("甲 ", "330106001001002")]},
         "address_grid.csv", 3, "grid_code", "also given grid 330106001001001"),
        ({"addresses": [(" ", "330106001001001")]}, "address_grid.csv", 2, "address", "empty"),
    ],
)  # fmt: skip
def test_errors_name_file_line_and_column(
    tmp_path: Path, edit: dict[str, object], file: str, line: int, column: str, message: str
) -> None:
    folder = write_areas(tmp_path, **edit)  # type: ignore[arg-type]
    with pytest.raises(AreaFileError) as caught:
        read_area_files(folder)
    error = caught.value
    assert (error.path, error.line, error.column) == (folder / file, line, column)
    assert message in error.message
    assert str(error).startswith(f"{folder / file}:{line}: {column}: ")


def test_missing_files_and_columns(tmp_path: Path) -> None:
    folder = write_areas(tmp_path)
    (folder / "grids.csv").write_text("grid_code,grid_name\n", encoding="utf-8")
    with pytest.raises(AreaFileError, match="missing column"):
        read_area_files(folder)
    (folder / "grids.csv").unlink()
    with pytest.raises(AreaFileError, match="file not found"):
        read_area_files(folder)


def test_a_generated_city_reads(city_areas: Path) -> None:
    files = read_area_files(city_areas)
    assert files.districts == ["330106"]
    assert len(files.addresses) > 100
    assert {g for _, g in files.addresses} <= {g.code for g in files.grids}
