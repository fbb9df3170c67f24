"""The area files a street office hands over, read and checked.

``communities.csv`` (street_code, street_name, community_code, community_name, rural),
``grids.csv`` (grid_code, community_code, grid_name, households) and ``address_grid.csv``
(address, grid_code), UTF-8 with or without BOM. Every problem is reported with its file,
line and column, before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from frontline.areas.codes import AreaLevel, area_level

COMMUNITIES = "communities.csv"
GRIDS = "grids.csv"
ADDRESSES = "address_grid.csv"
_COLUMNS = {
    COMMUNITIES: ("street_code", "street_name", "community_code", "community_name", "rural"),
    GRIDS: ("grid_code", "community_code", "grid_name"),
    ADDRESSES: ("address", "grid_code"),
}
_FULLWIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")
_SPACE = re.compile(r"\s")  # Python's \s includes the ideographic space U+3000


class AreaFileError(ValueError):
    """An area file that cannot be imported; the message names the file, line and column."""

    def __init__(self, path: Path, line: int | None, column: str, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {column}: {message}" if column else f"{where}: {message}")


@dataclass(frozen=True)
class Community:
    """A community (社区) or village (村) and the street or town above it."""

    code: str
    name: str
    street_code: str
    street_name: str
    rural: bool


@dataclass(frozen=True)
class Grid:
    """A grid (网格) of a community."""

    code: str
    community_code: str
    name: str


@dataclass(frozen=True)
class AreaFiles:
    """The checked content of one folder of area files."""

    communities: tuple[Community, ...]
    grids: tuple[Grid, ...]
    addresses: tuple[tuple[str, str], ...]
    """(normalised address, grid code), one per address."""
    digest: str
    """SHA-256 over the three files' bytes."""

    @property
    def streets(self) -> dict[str, str]:
        """Street code → name."""
        return {c.street_code: c.street_name for c in self.communities}

    @property
    def districts(self) -> list[str]:
        """The 6-digit district codes the files cover."""
        return sorted({c.street_code[:6] for c in self.communities})


def normalise_address(address: str) -> str:
    """An address as the integration engine normalises it: half-width digits, no spaces."""
    return _SPACE.sub("", address.translate(_FULLWIDTH))


def _rows(path: Path, data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AreaFileError(path, None, "", "the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in _COLUMNS[path.name] if c not in (reader.fieldnames or [])]
    if missing:
        raise AreaFileError(path, 1, "", f"missing column(s): {', '.join(missing)}")
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _code(path: Path, line: int, column: str, value: str, level: AreaLevel) -> str:
    try:
        found = area_level(value)
    except ValueError as error:
        raise AreaFileError(path, line, column, str(error)) from None
    if found is not level:
        raise AreaFileError(path, line, column, f"{value} is not a {level} code")
    return value


def read_area_files(folder: Path) -> AreaFiles:
    """Read and check ``communities.csv``, ``grids.csv`` and ``address_grid.csv``."""
    paths = {name: folder / name for name in _COLUMNS}
    for path in paths.values():
        if not path.is_file():
            raise AreaFileError(path, None, "", "file not found")
    data = {name: path.read_bytes() for name, path in paths.items()}
    communities = _communities(paths[COMMUNITIES], data[COMMUNITIES])
    grids = _grids(paths[GRIDS], data[GRIDS], {c.code for c in communities})
    addresses = _addresses(paths[ADDRESSES], data[ADDRESSES], {g.code for g in grids})
    digest = hashlib.sha256()
    for name in _COLUMNS:
        digest.update(hashlib.sha256(data[name]).digest())
    return AreaFiles(tuple(communities), tuple(grids), tuple(addresses), digest.hexdigest())


def _communities(path: Path, data: bytes) -> list[Community]:
    out: dict[str, Community] = {}
    street_names: dict[str, str] = {}
    for line, row in _rows(path, data):
        street = _code(path, line, "street_code", row["street_code"], AreaLevel.STREET)
        code = _code(path, line, "community_code", row["community_code"], AreaLevel.COMMUNITY)
        if code[:9] != street[:9]:
            raise AreaFileError(path, line, "community_code", f"{code} is not in street {street}")
        for column in ("street_name", "community_name"):
            if not row[column]:
                raise AreaFileError(path, line, column, "empty")
        if street_names.setdefault(street, row["street_name"]) != row["street_name"]:
            message = f"street {street} is named {street_names[street]} on an earlier line"
            raise AreaFileError(path, line, "street_name", message)
        if code in out:
            raise AreaFileError(path, line, "community_code", f"{code} is listed twice")
        if row["rural"] not in ("0", "1", ""):
            raise AreaFileError(path, line, "rural", "write 1 for a village, 0 for a community")
        out[code] = Community(
            code, row["community_name"], street, row["street_name"], row["rural"] == "1"
        )
    if not out:
        raise AreaFileError(path, None, "", "no communities")
    return list(out.values())


def _grids(path: Path, data: bytes, communities: set[str]) -> list[Grid]:
    out: dict[str, Grid] = {}
    for line, row in _rows(path, data):
        code = _code(path, line, "grid_code", row["grid_code"], AreaLevel.GRID)
        if row["community_code"] != code[:12]:
            message = f"grid {code} belongs to community {code[:12]}"
            raise AreaFileError(path, line, "community_code", message)
        if code[:12] not in communities:
            message = f"community {code[:12]} is not in {COMMUNITIES}"
            raise AreaFileError(path, line, "community_code", message)
        if not row["grid_name"]:
            raise AreaFileError(path, line, "grid_name", "empty")
        if code in out:
            raise AreaFileError(path, line, "grid_code", f"{code} is listed twice")
        out[code] = Grid(code, code[:12], row["grid_name"])
    return list(out.values())


def _addresses(path: Path, data: bytes, grids: set[str]) -> list[tuple[str, str]]:
    out: dict[str, str] = {}
    for line, row in _rows(path, data):
        address = normalise_address(row["address"])
        if not address:
            raise AreaFileError(path, line, "address", "empty")
        grid = row["grid_code"]
        if grid not in grids:
            raise AreaFileError(path, line, "grid_code", f"grid {grid!r} is not in {GRIDS}")
        if out.setdefault(address, grid) != grid:
            message = f"the address is also given grid {out[address]} on an earlier line"
            raise AreaFileError(path, line, "grid_code", message)
    return list(out.items())
