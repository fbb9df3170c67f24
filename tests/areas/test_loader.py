from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from frontline.areas import (
    AreaFileError,
    AreaImportError,
    AreaImportReport,
    AreaLevel,
    area,
    area_path,
    load_areas,
    subtree,
)
from frontline.areas.models import AddressGrid, Area, AreaImport
from frontline.store import write_transaction
from tests.areas.factories import ADDRESSES, COMMUNITIES, GRIDS, write_areas

JUNE, JULY, AUGUST = date(2026, 6, 30), date(2026, 7, 15), date(2026, 8, 1)


def _load(engine: Engine, folder: Path, as_of: date) -> AreaImportReport:
    with write_transaction(engine) as connection:
        return load_areas(connection, folder, as_of=as_of)


def _codes(
    engine: Engine, scope: str, on: date | None = None, level: AreaLevel | None = None
) -> list[str]:
    with engine.connect() as connection:
        return [n.code for n in subtree(connection, scope, on=on, level=level)]


def _book(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(AddressGrid.address, AddressGrid.grid_code))
        return dict(rows.all())


def test_the_first_import_builds_the_tree(engine: Engine, tmp_path: Path) -> None:
    report = _load(engine, write_areas(tmp_path), JUNE)
    assert report.divisions.counts()["opened"] == {"province": 1, "city": 1, "district": 1}
    assert report.tree.counts()["opened"] == {"street": 2, "community": 3, "grid": 4}
    assert report.grids_opened == sorted(g for g, _ in GRIDS)
    assert report.grids_closed == []
    assert (report.addresses.added, report.addresses.moved) == (len(ADDRESSES), 0)
    with engine.connect() as connection:
        path = area_path(connection, "330106001001002")
        stored = connection.execute(select(AreaImport.as_of, AreaImport.report)).one()
    assert [(n.level, n.name) for n in path] == [
        (AreaLevel.PROVINCE, "浙江省"),
        (AreaLevel.CITY, "杭州市"),
        (AreaLevel.DISTRICT, "西湖区"),
        (AreaLevel.STREET, "北山街道"),
        (AreaLevel.COMMUNITY, "宝石社区"),
        (AreaLevel.GRID, "宝石社区第2网格"),
    ]
    assert all(n.valid_from == JUNE and n.valid_to is None for n in path)
    assert stored.as_of == JUNE
    assert stored.report["grids_opened"] == report.grids_opened
    assert _codes(engine, "330106001000", level=AreaLevel.GRID) == [
        "330106001001001", "330106001001002", "330106001002001"
    ]  # fmt: skip
    assert len(_codes(engine, "330000")) == 3 + 2 + 3 + 4
    assert _codes(engine, "330106", on=date(2026, 6, 29)) == []  # not yet in force
    assert _book(engine)[ADDRESSES[0][0]] == ADDRESSES[0][1]


def test_importing_the_same_files_again_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_areas(tmp_path)
    _load(engine, folder, JUNE)
    report = _load(engine, folder, JULY)
    assert report.tree.counts() == {"opened": {}, "closed": {}, "changed": {}}
    assert report.addresses.unchanged == len(ADDRESSES)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Area)).scalar_one() == 12
        imports = connection.execute(select(AddressGrid.import_id).distinct()).scalars().all()
    assert imports == [1]  # unchanged addresses keep the import they came with


def test_a_redraw_closes_and_opens_grids_and_moves_addresses(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, write_areas(tmp_path / "june"), JUNE)
    # 宝石社区 is redrawn: grid 2 is merged into grid 1, and a new grid 3 takes a dwelling.
    grids = [g for g in GRIDS if g[0] != "330106001001002"] + [("330106001001003", "新3网格")]
    addresses = [
        (ADDRESSES[0][0], "330106001001003"),
        (ADDRESSES[1][0], "330106001001001"),
        (ADDRESSES[2][0], "330106001001001"),
        *ADDRESSES[3:],
    ]
    report = _load(engine, write_areas(tmp_path / "july", grids=grids, addresses=addresses), JULY)
    assert report.grids_closed == ["330106001001002"]
    assert report.grids_opened == ["330106001001003"]
    changes = report.addresses
    assert (changes.added, changes.removed, changes.moved, changes.unchanged) == (0, 0, 2, 3)
    grids_in = "330106001001"
    before = _codes(engine, grids_in, on=JUNE, level=AreaLevel.GRID)
    after = _codes(engine, grids_in, on=JULY, level=AreaLevel.GRID)
    assert before == ["330106001001001", "330106001001002"]
    assert after == ["330106001001001", "330106001001003"]
    assert _codes(engine, grids_in, level=AreaLevel.GRID) == after
    with engine.connect() as connection:
        closed = area(connection, "330106001001002", on=JUNE)
        assert area(connection, "330106001001002") is None  # history is kept, not current
    assert closed is not None
    assert (closed.valid_from, closed.valid_to) == (JUNE, JULY)
    assert _book(engine)[ADDRESSES[0][0]] == "330106001001003"


def test_a_rename_closes_the_old_version(engine: Engine, tmp_path: Path) -> None:
    _load(engine, write_areas(tmp_path / "a"), JUNE)
    renamed = [(s, c, "宝石山社区" if n == "宝石社区" else n, r) for s, c, n, r in COMMUNITIES]
    report = _load(engine, write_areas(tmp_path / "b", communities=renamed), JULY)
    assert report.tree.changed == {"330106001001": AreaLevel.COMMUNITY}
    with engine.connect() as connection:
        old = area(connection, "330106001001", on=JUNE)
        new = area(connection, "330106001001")
    assert old is not None
    assert (old.name, old.valid_to) == ("宝石社区", JULY)
    assert new is not None
    assert (new.name, new.valid_from) == ("宝石山社区", JULY)


def test_a_same_day_correction_leaves_no_seam(engine: Engine, tmp_path: Path) -> None:
    original = write_areas(tmp_path / "original")
    _load(engine, original, JUNE)
    grids = [g for g in GRIDS if g[0] != "330106001002001"] + [("330106001002002", "x")]
    addresses = [(a, "330106001002002" if g == "330106001002001" else g) for a, g in ADDRESSES]
    mistake = write_areas(tmp_path / "mistake", grids=grids, addresses=addresses)
    _load(engine, mistake, JULY)
    report = _load(engine, original, JULY)  # the same day, the right files again
    assert report.grids_opened == ["330106001002001"]
    assert report.grids_closed == ["330106001002002"]
    with engine.connect() as connection:
        versions = connection.execute(
            select(Area.code, Area.valid_from, Area.valid_to).where(Area.level == "grid")
        ).all()
    # The mistaken grid was never in force for a day: it is gone, and the grid it replaced
    # is one version again, never closed.
    assert sorted(versions) == [(g, JUNE, None) for g, _ in GRIDS]


def test_an_older_import_is_refused_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_areas(tmp_path)
    _load(engine, folder, JULY)
    with pytest.raises(AreaImportError, match="changed on 2026-07-15"):
        _load(engine, folder, JUNE)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(AreaImport)).scalar_one() == 1


def test_a_street_office_imports_its_own_streets_only(engine: Engine, tmp_path: Path) -> None:
    _load(engine, write_areas(tmp_path / "all"), JUNE)
    cuiyuan = [c for c in COMMUNITIES if c[0] == "330106004000"]
    redrawn = [("330106004001002", "翠苑一区社区第2网格")]
    addresses = [(ADDRESSES[4][0], "330106004001002")]
    folder = write_areas(tmp_path / "cuiyuan", communities=cuiyuan, grids=redrawn,
                         addresses=addresses)  # fmt: skip
    report = _load(engine, folder, AUGUST)
    assert report.streets == ["330106004000"]
    assert report.grids_closed == ["330106004001001"]
    assert _codes(engine, "330106001000", level=AreaLevel.GRID) == [
        "330106001001001", "330106001001002", "330106001002001"
    ]  # fmt: skip
    book = _book(engine)
    assert len(book) == len(ADDRESSES)
    assert book[ADDRESSES[4][0]] == "330106004001002"
    # Another street's dwelling cannot be taken over by this street's import.
    taken = [*addresses, (ADDRESSES[0][0], "330106004001002")]
    folder = write_areas(tmp_path / "grab", communities=cuiyuan, grids=redrawn, addresses=taken)
    with pytest.raises(AreaImportError, match="outside the imported streets"):
        _load(engine, folder, AUGUST)
    assert _book(engine)[ADDRESSES[0][0]] == ADDRESSES[0][1]


def test_a_district_unknown_to_the_division_table_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    communities = [("330199001000", "330199001001", "x社区", "0")]
    folder = write_areas(tmp_path, communities=[], grids=[], addresses=[])
    (folder / "communities.csv").write_text(
        "street_code,street_name,community_code,community_name,rural\n"
        + "".join(f"{s},某街道,{c},{n},{r}\n" for s, c, n, r in communities),
        encoding="utf-8",
    )
    with pytest.raises(AreaFileError, match="330199 is not a division code"):
        _load(engine, folder, JUNE)
