"""The ground truth written beside the department datasets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from frontline.synth.addresses import format_addresses
from frontline.synth.city import City
from frontline.synth.grids import household_grid_codes
from frontline.synth.households import RELATIONS

SourceRows = dict[str, list[object]]


def write_truth(city: City, rows: SourceRows, folder: Path) -> dict[str, int]:
    """Write every truth table into ``folder``; returns the row count of each file."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    tables = {
        "persons.parquet": _persons(city),
        "households.parquet": _households(city),
        "enterprises.parquet": _enterprises(city),
        "source_rows.parquet": pa.table(rows),
        "planted_cases.parquet": pa.table(
            {
                "case": [c.case for c in city.planted],
                "entity_id": [c.entity_id for c in city.planted],
                "related_id": [c.related_id for c in city.planted],
                "detail": [c.detail for c in city.planted],
            }
        ),
    }
    for name, table in tables.items():
        pq.write_table(table, folder / name, compression="zstd")
        counts[name] = table.num_rows
    return counts


def _persons(city: City) -> pa.Table:
    pop = city.population
    pp = pop.people
    return pa.table(
        {
            "person_id": pop.person_id,
            "name": pop.name,
            "id_number": pop.id_number,
            "sex": np.where(pp.is_male, "M", "F"),
            "birth_date": pop.birth_date.astype("datetime64[D]"),
            "ethnicity": pop.ethnicity,
            "household_id": pop.household_id[pp.household],
            "relation": np.array(RELATIONS)[pp.relation],
            "phone": pop.phone,
            "alive": pop.alive,
            "death_date": pop.death_date,
            "migrant": pop.migrant,
        }
    )


def _households(city: City) -> pa.Table:
    pop = city.population
    dw = pop.dwellings
    index = np.arange(len(pop.household_id), dtype=np.int64)
    communities = city.communities
    path = city.district.path
    return pa.table(
        {
            "household_id": pop.household_id,
            "migrant": pop.migrant_household,
            "street_code": [communities[c].street_code for c in dw.community.tolist()],
            "community_code": [communities[c].code for c in dw.community.tolist()],
            "grid_code": household_grid_codes(city),
            "address": format_addresses(dw, index, communities, path, "full"),
            "previous_address": format_addresses(
                pop.previous_dwellings, index, communities, path, "full"
            ),
        }
    )


def _enterprises(city: City) -> pa.Table:
    ent = city.enterprises
    return pa.table(
        {
            "enterprise_id": ent.enterprise_id,
            "credit_code": ent.credit_code,
            "name": ent.name,
            "kind": ent.kind,
            "legal_rep_person_id": city.population.person_id[ent.legal_rep],
            "established": ent.established.astype("datetime64[D]"),
            "status": ent.status,
        }
    )
