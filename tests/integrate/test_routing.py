from typing import Any

from frontline.integrate.fields import PERSON
from frontline.integrate.routing import route_records
from tests.integrate.test_normalise import ROW, normalised


def _route(*rows: tuple[str | None, ...], disposition: str | None = None) -> list[dict[str, Any]]:
    con = normalised(rows, disposition)
    route_records(con, PERSON, ["norm"], "records")
    cursor = con.execute("SELECT _outcome, _reason, _entity_key FROM records ORDER BY _row")
    return [dict(zip(["outcome", "reason", "key"], r, strict=True)) for r in cursor.fetchall()]


def test_valid_and_repaired_identifiers_link_directly() -> None:
    rows = _route(ROW, ("11010519491231002x", *ROW[1:]), ("110105491231002", *ROW[1:]))
    assert [r["outcome"] for r in rows] == ["identifier"] * 3
    assert {r["key"] for r in rows} == {"11010519491231002X"}


def test_broken_or_missing_identifiers_go_to_the_residue_with_a_reason() -> None:
    rows = _route(("11010519491231003X", *ROW[1:]), ("", *ROW[1:]))
    assert [(r["outcome"], r["reason"], r["key"]) for r in rows] == [
        ("residue", "identifier_invalid_checksum", None),
        ("residue", "identifier_missing", None),
    ]


def test_a_contradicted_identifier_is_not_trusted() -> None:
    rows = _route((*ROW[:3], "1950-12-31", *ROW[4:]), (ROW[0], ROW[1], "男", *ROW[3:]))
    assert [(r["outcome"], r["reason"]) for r in rows] == [
        ("residue", "identifier_contradicted_birth_date"),
        ("residue", "identifier_contradicted_sex"),
    ]


def test_no_identifier_and_no_name_is_quarantined() -> None:
    rows = _route(("", "", *ROW[2:]))
    assert rows == [{"outcome": "quarantined", "reason": "no_identity", "key": None}]


def test_reader_dispositions_pass_through() -> None:
    rows = _route(ROW, disposition="skipped")
    assert rows == [{"outcome": "skipped", "reason": None, "key": None}]
