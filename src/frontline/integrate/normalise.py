"""Normalise a source's raw rows into typed, canonical columns, in DuckDB SQL.

Input: the reader's table (every value as delivered, text). Output: one row per input row with,
for every canonical field of the entity type, the delivered text (``<field>__raw``) and the
normalised value (``<field>``); for the identifier also its status, reason and repairs (the
checks of ``frontline.ids.sql``), and for names a pinyin key. Nothing is dropped here.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from frontline.ids import sql as ids_sql
from frontline.ids.divisions import AreaRule
from frontline.integrate.fields import EntityType, Kind, entity_types
from frontline.integrate.sources import SourceSpec
from frontline.names import canonical_name, name_key

q = ids_sql.quote_identifier

# Real numbers were issued with the area code in force when the card was issued, which can be
# later than the birth year (a district created in 1983 gives its code to people born in 1950),
# so the engine accepts any code in force from the birth year on.
AREA_RULE = AreaRule.SINCE_BIRTH

DATE_FORMATS = (
    "%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)  # fmt: skip

_FULLWIDTH = "０１２３４５６７８９－"
_HALFWIDTH = "0123456789-"


def _text(column: str) -> str:
    """Trimmed text, NULL when empty."""
    return f"nullif(trim({column}), '')"


def _date(column: str) -> str:
    formats = ", ".join("'" + f + "'" for f in DATE_FORMATS)
    return f"try_strptime({_text(column)}, [{formats}])::DATE"


def _sex(column: str) -> str:
    """``male`` or ``female``, the values of ``frontline.ids.resident.Sex``."""
    value = f"lower({_text(column)})"
    return (
        f"CASE WHEN {value} IN ('男', 'm', 'male', '1') THEN 'male' "
        f"WHEN {value} IN ('女', 'f', 'female', '2') THEN 'female' END"
    )


def _phone(column: str) -> str:
    halfwidth = f"translate({_text(column)}, '{_FULLWIDTH}', '{_HALFWIDTH}')"
    digits = f"regexp_replace({halfwidth}, '[\\s\\-()（）]', '', 'g')"
    national = f"regexp_replace({digits}, '^(\\+?86)(1\\d{{10}})$', '\\2')"
    return (
        f"CASE WHEN regexp_full_match({national}, '1[3-9]\\d{{9}}') "
        f"OR regexp_full_match({national}, '0\\d{{9,11}}') THEN {national} END"
    )


def _address(column: str) -> str:
    halfwidth = f"translate({_text(column)}, '{_FULLWIDTH}', '{_HALFWIDTH}')"
    return f"nullif(regexp_replace({halfwidth}, '\\s', '', 'g'), '')"


def _field_sql(kind: Kind, raw: str, name: str) -> list[str]:
    """SELECT items for one mapped field, given the quoted raw column."""
    out = [f"{raw} AS {q(name + '__raw')}"]
    if kind is Kind.RESIDENT_ID:
        out += [
            f"{ids_sql.resident_number(raw, AREA_RULE)} AS {q(name)}",
            f"{ids_sql.resident_status(raw, AREA_RULE)} AS {q(name + '__status')}",
            f"{ids_sql.resident_reason(raw, AREA_RULE)} AS {q(name + '__reason')}",
            f"{ids_sql.resident_repairs(raw)} AS {q(name + '__repairs')}",
            f"{ids_sql.resident_birth_date(raw, AREA_RULE)} AS {q(name + '__birth_date')}",
            f"{ids_sql.resident_sex(raw, AREA_RULE)} AS {q(name + '__sex')}",
        ]
    elif kind is Kind.CREDIT_CODE:
        out += [
            f"{ids_sql.credit_code_number(raw)} AS {q(name)}",
            f"{ids_sql.credit_code_status(raw)} AS {q(name + '__status')}",
            f"{ids_sql.credit_code_reason(raw)} AS {q(name + '__reason')}",
            f"{ids_sql.credit_code_repairs(raw)} AS {q(name + '__repairs')}",
        ]
    elif kind is Kind.DATE:
        out.append(f"{_date(raw)} AS {q(name)}")
    elif kind is Kind.SEX:
        out.append(f"{_sex(raw)} AS {q(name)}")
    elif kind is Kind.PHONE:
        out.append(f"{_phone(raw)} AS {q(name)}")
    elif kind is Kind.ADDRESS:
        out.append(f"{_address(raw)} AS {q(name)}")
    else:  # NAME and TEXT: names get their canonical form in a second step (Python)
        out.append(f"{_text(raw)} AS {q(name)}")
    return out


def _missing_sql(kind: Kind, name: str) -> list[str]:
    """SELECT items for a canonical field the source does not map: typed NULLs."""
    typed = "DATE" if kind is Kind.DATE else "VARCHAR"
    out = [f"NULL::VARCHAR AS {q(name + '__raw')}", f"NULL::{typed} AS {q(name)}"]
    if kind in (Kind.RESIDENT_ID, Kind.CREDIT_CODE):
        out += [
            f"'invalid' AS {q(name + '__status')}",
            f"'empty' AS {q(name + '__reason')}",
            f"[]::VARCHAR[] AS {q(name + '__repairs')}",
        ]
        if kind is Kind.RESIDENT_ID:
            out += [
                f"NULL::DATE AS {q(name + '__birth_date')}",
                f"NULL::VARCHAR AS {q(name + '__sex')}",
            ]
    return out


def normalise_source(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, raw_table: str, out_table: str
) -> None:
    """Create ``out_table`` from the reader's ``raw_table`` of ``spec``.

    The identifier macros must be registered on ``con`` first (``frontline.ids.sql.register``;
    once per connection, it takes a noticeable fraction of a second).
    """
    entity = entity_types()[spec.entity]
    items = ["_source", "_file", "_row", "_disposition", "?::VARCHAR AS _department"]
    items.append("?::DATE AS _as_of")
    params: list[object] = [spec.department_key, spec.as_of]
    for field in entity.fields:
        if field.name in spec.fields:
            items += _field_sql(field.kind, q(field.name), field.name)
        else:
            items += _missing_sql(field.kind, field.name)
    if spec.attributes:
        items.append(
            f"json_object({', '.join(f'?, {q(k)}' for k in spec.attributes)}) AS _attributes"
        )
        params += list(spec.attributes)
    else:
        items.append("NULL::JSON AS _attributes")
    select = ", ".join(items)
    con.execute(
        f"CREATE OR REPLACE TABLE {q(out_table)} AS SELECT {select} FROM {q(raw_table)}", params
    )
    _canonical_names(con, entity, out_table)


def _canonical_names(con: duckdb.DuckDBPyConnection, entity: EntityType, table: str) -> None:
    """Replace names by their canonical form and add a pinyin key, computed once per distinct
    name in Python (traditional → simplified, dots and spaces unified)."""
    for field in entity.fields:
        if field.kind is not Kind.NAME:
            continue
        column = q(field.name)
        distinct = [r[0] for r in con.execute(
            f"SELECT DISTINCT {column} FROM {q(table)} WHERE {column} IS NOT NULL"
        ).fetchall()]  # fmt: skip
        canonical = [canonical_name(n) for n in distinct]
        lookup = pa.table(
            {
                "raw": pa.array(distinct, pa.string()),
                "canonical": pa.array(canonical, pa.string()),
                "key": pa.array([name_key(n) or None for n in canonical], pa.string()),
            }
        )
        view = f"__names_{table}_{field.name}"
        con.register(view, lookup)
        canonical_column = f"nullif(n.canonical, '') AS {column}"
        key_column = f"n.key AS {q(field.name + '__key')}"
        con.execute(
            f"CREATE OR REPLACE TABLE {q(table)} AS "
            f"SELECT t.* REPLACE ({canonical_column}), {key_column} "
            f"FROM {q(table)} t LEFT JOIN {q(view)} n ON t.{column} = n.raw"
        )
        con.unregister(view)
