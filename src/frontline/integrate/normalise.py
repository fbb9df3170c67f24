"""Normalise a source's raw rows into typed, canonical columns, in DuckDB SQL.

Input: the reader's table (every value as delivered, text). Output: one row per input row with,
for every canonical field of the entity type, the delivered text (``<field>__raw``) and the
normalised value (``<field>``); for the identifier also its status, reason and repairs (the
checks of ``frontline.ids.sql``), and for names a pinyin key. Nothing is dropped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import duckdb

from frontline.ids import sql as ids_sql
from frontline.ids.divisions import AreaRule
from frontline.integrate.fields import Kind, entity_types
from frontline.integrate.sources import SourceSpec
from frontline.integrate.sources.spec import AS_OF_NAME
from frontline.names import canonical_name, name_key
from frontline.names.pinyin import given_key, surname_key
from frontline.names.plain import plain_rules
from frontline.names.script import BASIC_HAN

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
    text = _text(column)
    formats = ", ".join("'" + f + "'" for f in DATE_FORMATS)
    # Most dates are ISO: for text of that shape only the first format can parse, and one
    # format is tried about three times faster than the list.
    return (
        f"CASE WHEN regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
        f"THEN try_strptime({text}, '{DATE_FORMATS[0]}') "
        f"ELSE try_strptime({text}, [{formats}]) END::DATE"
    )


def _sex(column: str) -> str:
    """``male`` or ``female``, the values of ``frontline.ids.resident.Sex``."""
    value = f"lower({_text(column)})"
    return (
        f"CASE WHEN {value} IN ('男', 'm', 'male', '1') THEN 'male' "
        f"WHEN {value} IN ('女', 'f', 'female', '2') THEN 'female' END"
    )


def _phone(column: str) -> str:
    text = _text(column)
    halfwidth = f"translate({text}, '{_FULLWIDTH}', '{_HALFWIDTH}')"
    digits = f"regexp_replace({halfwidth}, '[\\s\\-()（）]', '', 'g')"
    national = f"regexp_replace({digits}, '^(\\+?86)(1\\d{{10}})$', '\\2')"
    # A number already in its normal form (most are) is its own result: translate and
    # regexp_replace, which are slow, would leave it as it is.
    return (
        f"CASE WHEN regexp_full_match({text}, '1[3-9]\\d{{9}}|0\\d{{9,11}}') THEN {text} "
        f"WHEN regexp_full_match({national}, '1[3-9]\\d{{9}}') "
        f"OR regexp_full_match({national}, '0\\d{{9,11}}') THEN {national} END"
    )


def _address(column: str) -> str:
    text = _text(column)
    halfwidth = f"translate({text}, '{_FULLWIDTH}', '{_HALFWIDTH}')"
    # Only text with a full-width digit or dash or a space (the ideographic space U+3000
    # included, which RE2's \s is not) changes; the rest is its own result.
    return (
        f"CASE WHEN regexp_matches({text}, '[{_FULLWIDTH}\\s\u3000]') "
        f"THEN nullif(regexp_replace({halfwidth}, '[\\s\u3000]', '', 'g'), '') ELSE {text} END"
    )


def _identifier_inputs(kind: Kind, raw: str, prefix: str) -> list[str]:
    """Inner SELECT items: an identifier's reason and normalised value, computed once per row.

    The checks are the costly part of normalising (the reason is most of it); the identifier
    macros each recompute it, and DuckDB shares no subexpression between SELECT items, so the
    columns derived from it (``_identifier_sql``) read these two instead.
    """
    if kind is Kind.RESIDENT_ID:
        reason = ids_sql.resident_reason(raw, AREA_RULE)
        value = ids_sql.resident_normalized(raw)
    else:
        reason = ids_sql.credit_code_reason(raw)
        value = ids_sql.credit_code_normalized(raw)
    return [f"{reason} AS {q(prefix + 'reason')}", f"{value} AS {q(prefix + 'value')}"]


def _identifier_sql(kind: Kind, raw: str, prefix: str, name: str) -> list[str]:
    """SELECT items for an identifier from its reason and value (``_identifier_inputs``).

    Each item is the ``frontline.ids.sql`` builder's macro (``resident_number``,
    ``resident_status`` …) written on those two columns, so the results are the macros' own
    (tests/integrate/test_normalise.py compares them on every kind of defect).
    """
    reason, value = f"t.{q(prefix + 'reason')}", f"t.{q(prefix + 'value')}"
    valid = f"{reason} IS NULL"
    status = (
        f"['valid', 'repaired', 'invalid'][1 + greatest(CAST({value} <> coalesce({raw}, '') "
        f"AS INTEGER), 2 * CAST({reason} IS NOT NULL AS INTEGER))]"
    )
    out = [
        f"CASE WHEN {valid} THEN {value} END AS {q(name)}",
        f"{status} AS {q(name + '__status')}",
        f"{reason} AS {q(name + '__reason')}",
    ]
    if kind is Kind.CREDIT_CODE:
        return [*out, f"{ids_sql.credit_code_repairs(raw)} AS {q(name + '__repairs')}"]
    birth_date = f"frontline_resident_birth_of({value}[7:14])"
    sex = f"['female', 'male'][1 + CAST({value}[17] AS INTEGER) % 2]"
    return [
        *out,
        f"{ids_sql.resident_repairs(raw)} AS {q(name + '__repairs')}",
        f"CASE WHEN {valid} THEN {birth_date} END AS {q(name + '__birth_date')}",
        f"CASE WHEN {valid} THEN {sex} END AS {q(name + '__sex')}",
    ]


def _field_sql(kind: Kind, raw: str, name: str) -> list[str]:
    """SELECT items for one mapped field other than a name or identifier, given its column."""
    out = [f"{raw} AS {q(name + '__raw')}"]
    if kind is Kind.DATE:
        out.append(f"{_date(raw)} AS {q(name)}")
    elif kind is Kind.SEX:
        out.append(f"{_sex(raw)} AS {q(name)}")
    elif kind is Kind.PHONE:
        out.append(f"{_phone(raw)} AS {q(name)}")
    elif kind is Kind.ADDRESS:
        out.append(f"{_address(raw)} AS {q(name)}")
    else:  # TEXT
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

    Columns: the bookkeeping ones (``_source``, ``_file``, ``_row``, ``_disposition``,
    ``_department``, ``_as_of``), the items of every field of the entity type in its order,
    ``_attributes``, then a ``<name>__key`` for every name field. One statement builds the
    table; names are looked up in a table of their distinct values made beforehand
    (``_name_lookup``), and temporary tables named ``__names_<out_table>_<field>…`` come and go.
    """
    entity = entity_types()[spec.entity]
    items = [f"t.{c}" for c in ("_source", "_file", "_row", "_disposition")]
    items.append("?::VARCHAR AS _department")
    if spec.as_of_column is None:
        items.append("?::DATE AS _as_of")
    else:  # a row's own date, where it holds one
        items.append(f"coalesce(TRY_CAST(t.{q(AS_OF_NAME)} AS DATE), ?::DATE) AS _as_of")
    params: list[object] = [spec.department_key, spec.as_of]
    inner: list[str] = []
    joins: list[str] = []
    keys: list[str] = []
    lookups: list[str] = []
    try:
        for i, field in enumerate(entity.fields):
            raw = f"t.{q(field.name)}"
            if field.name not in spec.fields:
                items += _missing_sql(field.kind, field.name)
                if field.kind is Kind.NAME:
                    keys.append(f"NULL::VARCHAR AS {q(field.name + '__key')}")
            elif field.kind is Kind.NAME:
                lookup = f"__names_{out_table}_{field.name}"
                lookups.append(lookup)
                _name_lookup(con, raw_table, field.name, lookup)
                alias = f"n{i}"
                joins.append(
                    f"LEFT JOIN {q(lookup)} AS {alias} "
                    f"ON {alias}.raw = {_text(f't.{q(field.name)}')}"
                )
                items += [
                    f"{raw} AS {q(field.name + '__raw')}",
                    f"{alias}.canonical AS {q(field.name)}",
                ]
                keys.append(f"{alias}.key AS {q(field.name + '__key')}")
            elif field.kind in (Kind.RESIDENT_ID, Kind.CREDIT_CODE):
                prefix = f"__frontline_{i}_"
                inner += _identifier_inputs(field.kind, q(field.name), prefix)
                items.append(f"{raw} AS {q(field.name + '__raw')}")
                items += _identifier_sql(field.kind, raw, prefix, field.name)
            else:
                items += _field_sql(field.kind, raw, field.name)
        if spec.attributes:
            pairs = ", ".join(f"?, t.{q(k)}" for k in spec.attributes)
            items.append(f"json_object({pairs}) AS _attributes")
            params += list(spec.attributes)
        else:
            items.append("NULL::JSON AS _attributes")
        source = f"(SELECT *{''.join(', ' + i for i in inner)} FROM {q(raw_table)}) AS t"
        con.execute(
            f"CREATE OR REPLACE TABLE {q(out_table)} AS "
            f"SELECT {', '.join(items + keys)} FROM {source} {' '.join(joins)}",
            params,
        )
    finally:
        for lookup in lookups:
            con.execute(f"DROP TABLE IF EXISTS {q(lookup)}")


def _plain_sql(column: str) -> str:
    """SQL: whether the name in ``column`` is plain (``frontline.names.plain``)."""
    return f"regexp_full_match({column}, '{_plain_pattern()}')"


@lru_cache(maxsize=1)
def _plain_pattern() -> str:
    """One regular expression for plain names: a first character that is neither changed nor
    a minority part's first, then one or more unchanged characters, all of the basic block."""
    rules = plain_rules()
    block = range(ord(BASIC_HAN[0]), ord(BASIC_HAN[1]) + 1)
    changed = {ord(c) for c in rules.changed}
    not_first = changed | {ord(c) for c in rules.minority_first}
    head = _char_class(c for c in block if c not in not_first)
    tail = _char_class(c for c in block if c not in changed)
    return f"{head}{tail}+"


def _char_class(codes: Iterable[int]) -> str:
    """An RE2 character class of the code points, as ranges written ``\\x{4e00}-\\x{4e8f}``."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


def _name_lookup(con: duckdb.DuckDBPyConnection, table: str, column: str, lookup: str) -> None:
    """Create the temporary table ``lookup (raw, canonical, key)`` for the distinct names of
    ``column`` in ``table``: the trimmed name as normalising reads it, its canonical form and
    its pinyin key (NULL when empty), exactly ``canonical_name`` and ``name_key``.

    Plain names (``frontline.names.plain``), nearly all of them, are found and split into
    surname and given name in SQL; their keys are joined from the keys of the distinct
    surnames and given names, computed in Python (and cached across sources). Only the other
    names are converted one by one in Python.
    """
    names, surnames, givens = (q(f"{lookup}__{part}") for part in ("all", "s", "g"))
    compounds = ", ".join("'" + c.replace("'", "''") + "'" for c in plain_rules().compounds)
    surname = (
        f"CASE WHEN length(n) >= 3 AND left(n, 2) IN ({compounds or 'NULL'}) "
        "THEN left(n, 2) ELSE left(n, 1) END"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {names} AS "
            f"SELECT n, CASE WHEN plain THEN {surname} END AS s, "
            f"CASE WHEN plain THEN substr(n, length({surname}) + 1) END AS g "
            f"FROM (SELECT n, {_plain_sql('n')} AS plain "
            f"FROM (SELECT DISTINCT {_text(q(column))} AS n FROM {q(table)}) WHERE n IS NOT NULL)"
        )
        for target, part, key in ((surnames, "s", surname_key), (givens, "g", given_key)):
            distinct = _strings(
                con, f"SELECT DISTINCT {part} FROM {names} WHERE {part} IS NOT NULL"
            )
            _create_strings(con, target, **{part: distinct, "key": [key(p) for p in distinct]})
        others = _strings(con, f"SELECT n FROM {names} WHERE s IS NULL")
        canonical = [canonical_name(n) for n in others]
        others_table = q(f"{lookup}__others")
        _create_strings(
            con,
            others_table,
            raw=others,
            canonical=[c or None for c in canonical],
            key=[name_key(c) or None for c in canonical],
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {q(lookup)} AS "
            f"SELECT a.n AS raw, a.n AS canonical, nullif(s.key || g.key, '') AS key "
            f"FROM {names} a JOIN {surnames} s ON s.s = a.s JOIN {givens} g ON g.g = a.g "
            f"UNION ALL SELECT raw, canonical, key FROM {others_table}"
        )
    finally:
        for part in ("all", "s", "g", "others"):
            con.execute(f"DROP TABLE IF EXISTS {q(f'{lookup}__{part}')}")


def _strings(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The first column of ``query`` as Python strings."""
    # One list value is the cheapest way to hand many strings to Python.
    (values,) = con.execute(f"SELECT coalesce(list(v), []) FROM ({query}) AS _q(v)").fetchall()[0]
    return [str(v) for v in values]


def _create_strings(
    con: duckdb.DuckDBPyConnection, table: str, **columns: Sequence[str | None]
) -> None:
    """Create the temporary table ``table`` (quoted) of VARCHAR ``columns`` from Python lists."""
    # List parameters zipped back by unnest(): no Arrow or pandas round trip for a few
    # hundred thousand strings at most.
    selects = ", ".join(f"unnest(?::VARCHAR[]) AS {q(name)}" for name in columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {selects}",
        [list(values) for values in columns.values()],
    )
