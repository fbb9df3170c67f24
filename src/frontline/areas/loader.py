"""Importing a street office's area files into the dated tree and the address table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, update

from frontline.areas.book import AddressChanges, replace_addresses
from frontline.areas.codes import AreaLevel
from frontline.areas.files import AreaFileError, AreaFiles, read_area_files
from frontline.areas.models import AreaImport
from frontline.areas.tree import TreeChanges, Wanted, sync
from frontline.ids.divisions import DivisionTable, load_divisions
from frontline.store.base import utc_now


class AreaImportError(ValueError):
    """Area files that do not fit the tree already stored (an older date, a foreign address)."""


@dataclass
class AreaImportReport:
    """What an import changed."""

    import_id: int
    as_of: date
    districts: list[str]
    streets: list[str]
    tree: TreeChanges
    addresses: AddressChanges
    divisions: TreeChanges = field(default_factory=lambda: TreeChanges({}, {}, {}))

    @property
    def grids_opened(self) -> list[str]:
        """Grid codes opened (new, or changed and reopened) by the import, sorted."""
        opened = self.tree.opened | self.tree.changed
        return sorted(c for c, level in opened.items() if level is AreaLevel.GRID)

    @property
    def grids_closed(self) -> list[str]:
        """Grid codes closed by the import, sorted."""
        return sorted(c for c, level in self.tree.closed.items() if level is AreaLevel.GRID)

    def summary(self) -> dict[str, Any]:
        """The report as JSON values (stored with the import)."""
        return {
            "as_of": self.as_of.isoformat(),
            "districts": self.districts,
            "streets": self.streets,
            "divisions": self.divisions.counts(),
            "tree": self.tree.counts(),
            "grids_opened": self.grids_opened,
            "grids_closed": self.grids_closed,
            "addresses": vars(self.addresses),
        }


def load_areas(
    connection: Connection, folder: Path, *, as_of: date, now: datetime | None = None
) -> AreaImportReport:
    """Import ``folder``'s communities.csv, grids.csv and address_grid.csv as in force from
    ``as_of``, in the caller's transaction (on SQLite take the write lock first:
    `frontline.store.write_transaction`).

    The province, city and district come from the division table; the streets named in the
    files are the import's scope: their communities and grids not in the files are closed,
    new ones opened, and their addresses replaced. Other streets are left alone. Raises
    `AreaFileError` (file, line, column) or `AreaImportError`, having written nothing the
    caller's rollback keeps.
    """
    from frontline.areas.matching import address_keys  # DuckDB: only when importing

    files = read_area_files(folder)
    wanted_divisions = _divisions(files, load_divisions(), as_of, folder)
    streets = sorted(files.streets)
    addresses = [address for address, _ in files.addresses]
    grids = [grid for _, grid in files.addresses]
    rows = list(zip(addresses, address_keys(addresses), grids, strict=True))
    import_id = connection.execute(
        insert(AreaImport)
        .values(as_of=as_of, imported_at=now or utc_now(), digest=files.digest, report={})
        .returning(AreaImport.id)
    ).scalar_one()
    try:
        divisions = sync(connection, wanted_divisions, scope=(), as_of=as_of, close_missing=False)
        tree = sync(connection, _below_district(files), scope=[s[:9] for s in streets], as_of=as_of)
        changes = replace_addresses(connection, rows, streets=streets, import_id=import_id)
    except ValueError as error:  # history older than the files, another street's address
        raise AreaImportError(f"{folder}: {error}") from None
    report = AreaImportReport(import_id, as_of, files.districts, streets, tree, changes, divisions)
    connection.execute(
        update(AreaImport).where(AreaImport.id == import_id).values(report=report.summary())
    )
    return report


def _divisions(
    files: AreaFiles, table: DivisionTable, as_of: date, folder: Path
) -> dict[str, Wanted]:
    """Province, city and district of every district the files cover, named as in ``as_of``."""
    wanted: dict[str, Wanted] = {}
    for district in files.districts:
        division = table.lookup(district, as_of.year)
        if division is None:
            message = f"district {district} is not a division code in force in {as_of.year}"
            raise AreaFileError(folder / "communities.csv", None, "street_code", message)
        province = table.lookup(division.province or district[:2] + "0000", as_of.year)
        city = table.lookup(division.prefecture or district[:4] + "00", as_of.year)
        province_name = province.name if province is not None else district[:2] + "0000"
        # Municipalities' districts sit under a placeholder prefecture (市辖区): the city is
        # the province-level municipality itself.
        city_name = city.name if city is not None and not city.is_placeholder else province_name
        wanted[district[:2] + "0000"] = Wanted(None, AreaLevel.PROVINCE, province_name)
        wanted[district[:4] + "00"] = Wanted(district[:2] + "0000", AreaLevel.CITY, city_name)
        wanted[district] = Wanted(district[:4] + "00", AreaLevel.DISTRICT, division.name)
    return wanted


def _below_district(files: AreaFiles) -> dict[str, Wanted]:
    wanted: dict[str, Wanted] = {}
    for community in files.communities:
        street = community.street_code
        wanted[street] = Wanted(street[:6], AreaLevel.STREET, community.street_name)
        wanted[community.code] = Wanted(street, AreaLevel.COMMUNITY, community.name)
    for grid in files.grids:
        wanted[grid.code] = Wanted(grid.community_code, AreaLevel.GRID, grid.name)
    return wanted
