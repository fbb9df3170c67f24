"""Survivorship on hand-made records: each rule, the tie-breaks and the provenance."""

# ruff: noqa: S608 - column names are this module's constants; values are parameters

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from frontline.integrate.fields import PERSON
from frontline.integrate.sources import SourceSpec, load_sources
from frontline.integrate.survivorship import SurvivorshipRules, survive

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"
# Person phone priorities in the city's sources: subsidies 60, pensions and employment 50,
# household register 30. Addresses: subsidies and pensions 50, household register 40.
COLUMNS = (
    "_entity_key", "_source", "_file", "_row", "_department", "_as_of", "_outcome",
    "_confidence", "id_number", "id_number__status", "name", "sex", "birth_date", "ethnicity",
    "phone", "address", "death_date",
)  # fmt: skip


@pytest.fixture(scope="module")
def specs() -> list[SourceSpec]:
    return load_sources(SOURCES)


def record(entity: str, source: str, row: int, **values: Any) -> dict[str, Any]:
    return {
        "_entity_key": entity,
        "_source": source,
        "_file": f"{source}.csv",
        "_row": row,
        "_department": source,
        "_as_of": values.pop("as_of", date(2026, 6, 30)),
        "_outcome": values.pop("outcome", "identifier"),
        "_confidence": values.pop("confidence", None),
        "id_number__status": "valid",
        **values,
    }


def golden(
    specs: list[SourceSpec], rows: list[dict[str, Any]], rules: SurvivorshipRules | None = None
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each entity's golden values and provenance, from ``rows``."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE records_person ("
        + ", ".join(
            f"{c} {'BIGINT' if c == '_row' else 'DATE' if c == '_as_of' else 'DOUBLE' if c == '_confidence' else 'VARCHAR'}"  # noqa: E501
            for c in COLUMNS
        )
        + ")"
    )
    con.executemany(
        f"INSERT INTO records_person VALUES ({', '.join('?' for _ in COLUMNS)})",
        [[r.get(c) for c in COLUMNS] for r in rows],
    )
    survive(con, PERSON, specs, "records_person", rules)
    return {
        key: (json.loads(values), json.loads(provenance))
        for key, values, provenance in con.execute(
            "SELECT entity_key, golden_values, provenance FROM golden_person"
        ).fetchall()
    }


def test_the_higher_priority_wins_over_a_newer_value(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "household_registry", 1, phone="13800000001", as_of=date(2026, 9, 1)),
        record("A", "civil_affairs_subsidies", 7, phone="13800000002", as_of=date(2025, 1, 1)),
    ]
    values, provenance = golden(specs, rows)["A"]
    assert values["phone"] == "13800000002"
    assert provenance["phone"]["source"] == "civil_affairs_subsidies"
    assert provenance["phone"]["row"] == 7
    assert provenance["phone"]["sources"] == 2
    assert provenance["phone"]["distinct_values"] == 2
    assert provenance["phone"]["agreeing_sources"] == 1


def test_at_equal_priority_the_newer_value_wins(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "pensions", 1, phone="13800000001", as_of=date(2026, 1, 1)),
        record("A", "employment", 2, phone="13800000002", as_of=date(2026, 6, 1)),
    ]
    values, provenance = golden(specs, rows)["A"]
    assert values["phone"] == "13800000002"
    assert provenance["phone"]["as_of"] == "2026-06-01"


def test_at_equal_priority_and_date_more_agreeing_sources_win(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "pensions", 1, phone="13800000001"),
        record("A", "employment", 2, phone="13800000002"),
        record("A", "employment", 3, phone="13800000002"),  # one source twice: still one
        record("A", "household_registry", 4, phone="13800000001"),
    ]
    values, provenance = golden(specs, rows)["A"]
    # Household registry has a lower priority but agrees with pensions: 2 sources vs 1.
    assert values["phone"] == "13800000001"
    assert provenance["phone"]["agreeing_sources"] == 2
    assert provenance["phone"]["sources"] == 3


def test_a_declared_order_puts_agreement_first(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "civil_affairs_subsidies", 1, phone="13800000009"),
        record("A", "pensions", 2, phone="13800000001"),
        record("A", "household_registry", 3, phone="13800000001"),
    ]
    by_default = golden(specs, rows)["A"][0]["phone"]
    agreement_first = SurvivorshipRules(fields={"phone": ("agreement", "priority", "recency")})
    assert by_default == "13800000009"
    assert golden(specs, rows, agreement_first)["A"][0]["phone"] == "13800000001"


def test_addresses_agree_by_their_dwelling(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "civil_affairs_subsidies", 1, address="益乐府2-1-101"),
        record("A", "pensions", 2, address="西湖区益乐府2幢1单元101室"),
        record("A", "household_registry", 3, address="浙江省杭州市西湖区益乐府2幢1单元101室"),
    ]
    provenance = golden(specs, rows)["A"][1]
    assert provenance["address"]["distinct_values"] == 1
    assert provenance["address"]["agreeing_sources"] == 3


def test_ties_go_to_identifier_links_then_confidence_then_source_order(
    specs: list[SourceSpec],
) -> None:
    rows = [
        record("A", "pensions", 5, phone="13800000001", outcome="probabilistic", confidence=0.99),
        record("A", "employment", 9, phone="13800000002"),
        record("B", "pensions", 5, phone="13800000001", outcome="probabilistic", confidence=0.97),
        record("B", "employment", 9, phone="13800000002", outcome="probabilistic", confidence=0.99),
        record("C", "pensions", 5, phone="13800000001"),
        record("C", "employment", 9, phone="13800000002"),
    ]
    result = golden(specs, rows)
    assert result["A"][0]["phone"] == "13800000002"  # by identifier
    assert result["B"][0]["phone"] == "13800000002"  # higher confidence
    assert result["C"][0]["phone"] == "13800000002"  # source key: employment < pensions
    assert result["B"][1]["phone"]["method"] == "probabilistic"
    assert result["B"][1]["phone"]["confidence"] == 0.99


def test_only_an_identifier_link_vouches_for_the_number(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "household_registry", 1, id_number="330106199001011234", name="张三"),
        record("A", "pensions", 2, id_number="330106199001011235", outcome="probabilistic",
               confidence=0.98, id_number__status="invalid", name="张三"),
    ]  # fmt: skip
    values, provenance = golden(specs, rows)["A"]
    assert values["id_number"] == "330106199001011234"
    assert provenance["id_number"]["sources"] == 1


def test_a_match_only_field_offers_no_golden_value(specs: list[SourceSpec]) -> None:
    rows = [
        record("A", "household_registry", 1, name="张三"),
        record("A", "property_persons", 2, address="西湖区益乐府2幢1单元101室"),
    ]
    values, _ = golden(specs, rows)["A"]
    assert "address" not in values
    assert values["name"] == "张三"


def test_a_document_lists_its_fields_in_sorted_order(specs: list[SourceSpec]) -> None:
    con_rows = [record("A", "household_registry", 1, name="张三", sex="M", phone="13800000001")]
    values, provenance = golden(specs, con_rows)["A"]
    assert list(values) == sorted(values) == ["name", "phone", "sex"]
    assert list(provenance) == sorted(provenance)
