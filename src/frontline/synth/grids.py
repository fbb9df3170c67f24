"""The area files a street office would hand over: communities, grids and address → grid."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from frontline.ids.grid import grid_code
from frontline.synth.addresses import format_addresses
from frontline.synth.city import City


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> int:
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)


def household_grid_codes(city: City) -> list[str]:
    """The 15-digit grid code of every household's dwelling."""
    dw = city.population.dwellings
    pairs = dw.community * 1000 + dw.grid
    unique, inverse = np.unique(pairs, return_inverse=True)
    codes = [grid_code(city.communities[int(p) // 1000].code, int(p) % 1000) for p in unique]
    return [codes[i] for i in inverse.tolist()]


def write_areas(city: City, folder: Path) -> dict[str, int]:
    """Write communities, grids and the address → grid table; returns row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    communities = city.communities
    dw = city.population.dwellings
    codes = household_grid_codes(city)
    unique, counts = np.unique(np.array(codes), return_counts=True)
    by_code = {c.code: c for c in communities}
    grid_rows: list[list[object]] = []
    for code, households in zip(unique.tolist(), counts.tolist(), strict=True):
        community = by_code[code[:12]]
        grid_rows.append(
            [code, community.code, f"{community.name}第{int(code[12:])}网格", households]
        )
    index = np.arange(len(dw.community), dtype=np.int64)
    addresses = format_addresses(dw, index, communities, city.district.path, "full")
    order = np.argsort(np.array(addresses), kind="stable")
    return {
        "communities.csv": _write_csv(
            folder / "communities.csv",
            ["street_code", "street_name", "community_code", "community_name", "rural"],
            [[c.street_code, c.street_name, c.code, c.name, int(c.rural)] for c in communities],
        ),
        "grids.csv": _write_csv(
            folder / "grids.csv",
            ["grid_code", "community_code", "grid_name", "households"],
            grid_rows,
        ),
        "address_grid.csv": _write_csv(
            folder / "address_grid.csv",
            ["address", "grid_code"],
            [[addresses[i], codes[i]] for i in order.tolist()],
        ),
    }
