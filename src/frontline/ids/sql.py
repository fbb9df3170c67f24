"""DuckDB forms of the resident-ID and credit-code checks, for millions of rows.

`register(con)` creates, per connection, a temporary `frontline_divisions` table and
temporary SQL macros named `frontline_*` (see `macros.py`). The builders below
return SQL text calling those macros on a column expression, so the integration
engine can write

    f"SELECT {resident_status(quote_identifier('id_raw'))} AS status FROM rows"

The column argument must already be a safe SQL expression (use `quote_identifier`
for a name); no data value is ever put into SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from frontline.ids.divisions import AreaRule, DivisionTable, load_divisions
from frontline.ids.macros import DIVISIONS_TABLE, credit_code_macros, resident_macros

__all__ = ["DIVISIONS_TABLE"]


def quote_identifier(name: str) -> str:
    """Quote a column or table name for DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A DuckDB string literal for a name from the configuration (a source key, an attribute
    name), never for data: data goes in as parameters."""
    return "'" + text.replace("'", "''") + "'"


def column_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, tuple[str, Sequence[object]]]
) -> None:
    """Create (or replace) the temporary table ``name`` from Python lists: per column its
    DuckDB type and values, all of one length.

    Not through pyarrow: its first conversion of Python values imports pandas, about a second
    of every run spent on a library nothing else here needs.
    """
    lengths = {len(values) for _, values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of {name} differ in length: {sorted(lengths)}")
    selects = ", ".join(
        f"unnest(?::{kind}[]) AS {quote_identifier(column)}"
        for column, (kind, _) in columns.items()
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote_identifier(name)} AS SELECT {selects}",
        [list(values) for _, values in columns.values()],
    )


def register_divisions(
    con: duckdb.DuckDBPyConnection, divisions: DivisionTable | None = None
) -> None:
    """Create (or replace) the temporary `frontline_divisions` table on `con`.

    `divisions` defaults to the packaged table. Columns: code, name, level, province,
    prefecture, valid_from, valid_to, as in `divisions.csv`.
    """
    rows = (divisions or load_divisions()).divisions
    columns: dict[str, tuple[str, list[str | int | None]]] = {
        "code": ("VARCHAR", [d.code for d in rows]),
        "name": ("VARCHAR", [d.name for d in rows]),
        "level": ("VARCHAR", [d.level.value for d in rows]),
        "province": ("VARCHAR", [d.province for d in rows]),
        "prefecture": ("VARCHAR", [d.prefecture for d in rows]),
        "valid_from": ("INTEGER", [d.valid_from for d in rows]),
        "valid_to": ("INTEGER", [d.valid_to for d in rows]),
    }
    column_table(con, DIVISIONS_TABLE, columns)


def register(con: duckdb.DuckDBPyConnection, divisions: DivisionTable | None = None) -> None:
    """Create the division table and all `frontline_*` macros on `con` (temporary objects)."""
    register_divisions(con, divisions)
    # Macros call macros defined before them, so the order of the dictionaries matters.
    for name, (parameters, body) in {**resident_macros(), **credit_code_macros()}.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {name}({parameters}) AS ({body})")


def _since(rule: AreaRule) -> str:
    return "true" if AreaRule(rule) is AreaRule.SINCE_BIRTH else "false"


def _resident(macro: str, column: str, area_rule: AreaRule) -> str:
    return f"frontline_resident_{macro}({column}, {_since(area_rule)})"


def resident_check_digit(body: str) -> str:
    """SQL for the check character of an expression holding a 17-digit body."""
    return f"frontline_resident_check({body})"


def resident_upgrade(old15: str) -> str:
    """SQL converting an expression holding 15 ASCII digits to the 18-digit number."""
    return f"frontline_resident_upgrade({old15})"


def resident_normalized(column: str) -> str:
    """SQL for the normalised value (upgraded to 18 digits if it had 15), valid or not."""
    return f"frontline_resident_normalized({column})"


def resident_repairs(column: str) -> str:
    """SQL VARCHAR[] of repair codes, in the order the Python `parse` reports them."""
    return f"frontline_resident_repairs({column})"


def resident_reason(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL for the reason code ('empty', 'length', ...), NULL when valid."""
    return _resident("reason", column, area_rule)


def resident_status(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL for 'valid', 'repaired' or 'invalid'."""
    return _resident("status", column, area_rule)


def resident_number(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL for the normalised 18-digit number, NULL when invalid."""
    return _resident("number", column, area_rule)


def resident_birth_date(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL DATE of birth, NULL when invalid."""
    return _resident("birth_date", column, area_rule)


def resident_sex(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL for 'male' or 'female', NULL when invalid."""
    return _resident("sex", column, area_rule)


def resident_area_code(column: str, area_rule: AreaRule = AreaRule.AT_BIRTH) -> str:
    """SQL for the 6-digit area code, NULL when invalid."""
    return _resident("area_code", column, area_rule)


def credit_code_check_char(body: str) -> str:
    """SQL for the mod-31 check character of an expression holding a 17-character body."""
    return f"frontline_credit_code_check({body})"


def organization_check_char(body: str) -> str:
    """SQL for the GB 11714 check character of an expression holding an 8-character body."""
    return f"frontline_organization_check({body})"


def credit_code_normalized(column: str) -> str:
    """SQL for the normalised value, valid or not."""
    return f"frontline_credit_code_clean({column})"


def credit_code_repairs(column: str) -> str:
    """SQL VARCHAR[] of repair codes, in the order the Python `parse` reports them."""
    return f"frontline_credit_code_repairs({column})"


def credit_code_reason(column: str) -> str:
    """SQL for the reason code, NULL when valid."""
    return f"frontline_credit_code_reason({column})"


def credit_code_status(column: str) -> str:
    """SQL for 'valid', 'repaired' or 'invalid'."""
    return f"frontline_credit_code_status({column})"


def credit_code_number(column: str) -> str:
    """SQL for the normalised code, NULL when invalid."""
    return f"frontline_credit_code_number({column})"


def credit_code_area_code(column: str) -> str:
    """SQL for the embedded 6-digit registering area code, NULL when invalid."""
    return f"frontline_credit_code_area_code({column})"


def credit_code_organization_code(column: str) -> str:
    """SQL for the embedded 9-character organisation code, NULL when invalid."""
    return f"frontline_credit_code_organization_code({column})"
