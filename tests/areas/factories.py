"""Small area folders written by hand, and edits of a generated city's area files."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

STREETS = {"330106001000": "北山街道", "330106004000": "翠苑街道"}
COMMUNITIES = [
    ("330106001000", "330106001001", "宝石社区", "0"),
    ("330106001000", "330106001002", "保俶社区", "0"),
    ("330106004000", "330106004001", "翠苑一区社区", "0"),
]
GRIDS = [
    ("330106001001001", "宝石社区第1网格"),
    ("330106001001002", "宝石社区第2网格"),
    ("330106001002001", "保俶社区第1网格"),
    ("330106004001001", "翠苑一区社区第1网格"),
]
LEAD = "浙江省杭州市西湖区"
ADDRESSES = [
    (f"{LEAD}北山街道宝石社区金都花园1幢1单元101室", "330106001001001"),
    (f"{LEAD}北山街道宝石社区金都花园1幢1单元102室", "330106001001001"),
    (f"{LEAD}北山街道宝石社区金都花园2幢1单元101室", "330106001001002"),
    (f"{LEAD}北山街道保俶社区香樟苑3幢2单元301室", "330106001002001"),
    (f"{LEAD}翠苑街道翠苑一区社区文华苑3幢2单元301室", "330106004001001"),
]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_areas(
    folder: Path,
    *,
    communities: Sequence[tuple[str, str, str, str]] = COMMUNITIES,
    grids: Sequence[tuple[str, str]] = GRIDS,
    addresses: Sequence[tuple[str, str]] = ADDRESSES,
) -> Path:
    """A folder of the three area files (the streets named by ``STREETS``)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        folder / "communities.csv",
        ["street_code", "street_name", "community_code", "community_name", "rural"],
        [(s, STREETS[s], c, name, rural) for s, c, name, rural in communities],
    )
    write_csv(
        folder / "grids.csv",
        ["grid_code", "community_code", "grid_name", "households"],
        [(g, g[:12], name, 1) for g, name in grids],
    )
    write_csv(folder / "address_grid.csv", ["address", "grid_code"], addresses)
    return folder


def redraw(source: Path, target: Path, old: str) -> tuple[str, list[str]]:
    """Copy a city's area files, splitting grid ``old``: its addresses from the second half
    on move to a new grid of the same community. Returns (new grid, moved addresses)."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "communities.csv").write_bytes((source / "communities.csv").read_bytes())
    grids = read_csv(source / "grids.csv")
    community = old[:12]
    mine = sorted(g["grid_code"] for g in grids if g["community_code"] == community)
    new = f"{community}{int(mine[-1][12:]) + 1:03d}"
    grids.append({"grid_code": new, "community_code": community, "grid_name": "新网格",
                  "households": "0"})  # fmt: skip
    write_csv(target / "grids.csv", list(grids[0]), [list(g.values()) for g in grids])
    rows = read_csv(source / "address_grid.csv")
    in_old = [r for r in rows if r["grid_code"] == old]
    moved = [r["address"] for r in in_old[len(in_old) // 2 :]]
    moving = set(moved)
    write_csv(
        target / "address_grid.csv",
        ["address", "grid_code"],
        [(r["address"], new if r["address"] in moving else r["grid_code"]) for r in rows],
    )
    return new, moved
