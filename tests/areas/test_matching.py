import pyarrow as pa
import pytest

from frontline.areas.matching import address_keys, match_subjects
from frontline.integrate.addresses import address_key
from tests.areas.factories import ADDRESSES, COMMUNITIES, GRIDS, LEAD, STREETS

VILLAGE_GRID = "330106101002001"
BOOK = [
    *ADDRESSES,
    # 金都花园 also stands in 保俶社区: its key 金都花园1-1-101 names two dwellings.
    (f"{LEAD}北山街道保俶社区金都花园1幢1单元101室", "330106001002001"),
    (f"{LEAD}三墩镇墩余村1组7号", VILLAGE_GRID),
]


def _grid_names() -> pa.Table:
    communities = {c: (STREETS[s], name) for s, c, name, _ in COMMUNITIES}
    communities["330106101002"] = ("三墩镇", "墩余村")
    rows = [(g, *communities[g[:12]]) for g in [*(g for g, _ in GRIDS), VILLAGE_GRID]]
    return pa.table(
        {
            "grid_code": [g for g, _, _ in rows],
            "province": ["浙江省"] * len(rows),
            "city": ["杭州市"] * len(rows),
            "district": ["西湖区"] * len(rows),
            "street": [s for _, s, _ in rows],
            "community": [c for _, _, c in rows],
        }
    )


def _place(addresses: list[str | None]) -> list[tuple[str | None, str, str | None]]:
    book = pa.table(
        {
            "address": [a for a, _ in BOOK],
            "address_key": address_keys([a for a, _ in BOOK]),
            "grid_code": [g for _, g in BOOK],
        }
    )
    ids = [f"P{i:09d}" for i in range(len(addresses))]
    subjects = pa.table({"entity_id": ids, "address": addresses})
    result = match_subjects(subjects, book, _grid_names())
    assert result.column("entity_id").to_pylist() == ids
    return list(
        zip(
            result.column("grid_code").to_pylist(),
            result.column("method").to_pylist(),
            result.column("reason").to_pylist(),
            strict=True,
        )
    )


def test_keys_are_the_integration_engines_keys() -> None:
    addresses = [a for a, _ in BOOK] + ["金都花园1-1-101", "西湖区", "杭州市西湖区三墩镇"]
    assert address_keys(addresses) == [address_key(a) for a in addresses]


CASES: list[tuple[str | None, tuple[str | None, str, str | None]]] = [
    # The exact address of the table.
    (ADDRESSES[3][0], ("330106001002001", "address", None)),
    # The same dwelling written from the city, from the district, or only its key.
    ("杭州市西湖区北山街道香樟苑3幢2单元301室", ("330106001002001", "dwelling_key", None)),
    ("西湖区香樟苑3幢2单元301室", ("330106001002001", "dwelling_key", None)),
    ("香樟苑3-2-301", ("330106001002001", "dwelling_key", None)),
    ("杭州市西湖区翠苑街道翠苑一区社区居委会文华苑3幢2单元301室",
     ("330106004001001", "dwelling_key", None)),
    # A village dwelling: the village is the community.
    ("西湖区墩余村1组7号", (VILLAGE_GRID, "dwelling_key", None)),
    ("杭州市西湖区三墩镇墩余村1组7号", (VILLAGE_GRID, "dwelling_key", None)),
    # Two dwellings share the key: the community named decides, or nothing does.
    ("北山街道宝石社区金都花园1幢1单元101室", ("330106001001001", "dwelling_key", None)),
    ("保俶社区金都花园1幢1单元101室", ("330106001002001", "dwelling_key", None)),
    ("杭州市西湖区北山街道金都花园1幢1单元101室", (None, "unplaced", "ambiguous")),
    ("金都花园1-1-101", (None, "unplaced", "ambiguous")),
    # The address names another street, community, district or city than the dwelling's.
    ("杭州市西湖区翠苑街道香樟苑3幢2单元301室", (None, "unplaced", "conflict")),
    ("翠苑一区社区香樟苑3幢2单元301室", (None, "unplaced", "conflict")),
    ("杭州市上城区香樟苑3幢2单元301室", (None, "unplaced", "conflict")),
    ("南昌市西湖区香樟苑3幢2单元301室", (None, "unplaced", "conflict")),
    # No such dwelling, or no address at all.
    ("杭州市西湖区北山街道香樟苑3幢2单元302室", (None, "unplaced", "no_match")),
    ("西湖区", (None, "unplaced", "no_match")),
    ("", (None, "unplaced", "no_address")),
    (None, (None, "unplaced", "no_address")),
]  # fmt: skip


@pytest.fixture(scope="module")
def placed() -> dict[str | None, tuple[str | None, str, str | None]]:
    """Every case placed in one call (compiling the address patterns takes a second)."""
    addresses = [address for address, _ in CASES]
    return dict(zip(addresses, _place(addresses), strict=True))


@pytest.mark.parametrize(("address", "expected"), CASES)
def test_placement_of_one_address(
    placed: dict[str | None, tuple[str | None, str, str | None]],
    address: str | None,
    expected: tuple[str | None, str, str | None],
) -> None:
    assert placed[address] == expected


def test_many_subjects_at_once_keep_their_order() -> None:
    addresses: list[str | None] = [a for a, _ in ADDRESSES] * 3 + [None]
    placed = _place(addresses)
    assert [g for g, _, _ in placed] == [g for _, g in ADDRESSES] * 3 + [None]


def test_no_subjects_and_an_empty_book() -> None:
    empty = pa.table({"entity_id": pa.array([], pa.string()), "address": pa.array([], pa.string())})
    book = pa.table({c: pa.array([], pa.string()) for c in ("address", "address_key", "grid_code")})
    assert match_subjects(empty, book, _grid_names()).num_rows == 0
    one = pa.table({"entity_id": ["P1"], "address": [ADDRESSES[0][0]]})
    assert match_subjects(one, book, _grid_names()).column("reason").to_pylist() == ["no_match"]
