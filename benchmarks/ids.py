"""Benchmark: checking resident ID numbers and credit codes, four ways side by side.

    python benchmarks/ids.py --rows 1000000 --repeat 3 [--json]

For each kind (resident ID numbers, unified social credit codes) it times

- ``stdnum_is_valid``: python-stdnum's ``is_valid`` (the reference) in a Python loop,
- ``python_parse``: Frontline's ``parse`` in a Python loop,
- ``duckdb_sql_status``: the DuckDB SQL status and reason of every row,
- ``duckdb_sql_full``: the DuckDB SQL full output (status, reason, number, repairs, and for
  resident IDs birth date, sex and area code; for credit codes area and organisation code).

The corpus is drawn with a seeded numpy generator as the synthetic city draws its identifiers
(`frontline.synth.identities`, `frontline.synth.defects.corrupt_identifiers`): mostly valid
numbers over every county in force in the birth year, and about 1 % each of digit typos,
transpositions, wrong check characters, full-width characters, spaces or dashes, lower-case
letters, 15-digit numbers (resident IDs only) and empty values.

The two Python loops run on a seeded random subsample (``--sample``, default 100,000 rows);
the SQL runs over all ``--rows`` rows, already loaded into a DuckDB table from a pyarrow table.
The SQL timing covers only ``CREATE OR REPLACE TEMP TABLE ... AS SELECT ...``: the results are
materialised inside DuckDB, not fetched into Python. Every measurement is repeated ``--repeat``
times (the methods take turns) and the median is reported, as one JSON object per measurement
and, unless ``--json``, a table.

On the subsample the script also checks that the SQL and python-stdnum agree on validity for
every row. python-stdnum does not repair layout the way Frontline does (it keeps inner spaces
and dashes in resident IDs, does not map a full-width X and does not upgrade 15-digit numbers),
so it is compared as in ``tests/ids/reference.py``: on the value after Frontline's
normalisation. The raw disagreements are printed too, by planted defect. The script exits
with status 1 if any disagreement remains after normalisation, or between SQL and ``parse``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import string
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from stdnum.cn import ric, uscc

from frontline.ids import credit_code, resident, sql
from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.divisions import load_divisions
from frontline.ids.normalization import CREDIT_CODE_NORMALIZER, RESIDENT_NORMALIZER
from frontline.synth.config import DefectRates
from frontline.synth.defects import corrupt_identifiers
from frontline.synth.identities import birth_areas, credit_codes, resident_ids

Kind = Literal["resident", "credit_code"]

# About 1 % of the rows each; ``id_lowercase_x`` applies to the ~1/11 of numbers ending in X.
RESIDENT_RATES = DefectRates(
    id_digit_typo=0.01,
    id_transposition=0.01,
    id_wrong_check=0.01,
    id_fullwidth=0.01,
    id_spaces=0.01,
    id_missing=0.01,
    id_lowercase_x=0.11,
)
CREDIT_CODE_RATES = DefectRates(
    id_digit_typo=0.01,
    id_transposition=0.01,
    id_wrong_check=0.01,
    id_fullwidth=0.01,
    id_spaces=0.01,
    id_missing=0.01,
    id_lowercase_x=0.0,  # credit codes get whole-code lower case instead, below
)
OLD_15_DIGIT_SHARE = 0.01
CREDIT_CODE_LOWERCASE_SHARE = 0.01
# Leading two characters (registering authority, entity type) and their shares.
CREDIT_CODE_KINDS = {
    "91": 0.62,
    "92": 0.25,
    "93": 0.03,
    "12": 0.04,
    "11": 0.02,
    "51": 0.015,
    "52": 0.015,
    "53": 0.005,
    "31": 0.005,
}
FIRST_BIRTH = np.datetime64("1930-01-01", "D")
LAST_BIRTH = np.datetime64("2024-12-31", "D")

RAW = sql.quote_identifier("raw")
ROW = sql.quote_identifier("row")


@dataclass
class Corpus:
    """The values of one kind and, per row, the defect planted in it (``valid`` if none)."""

    kind: Kind
    values: list[str]
    defects: list[str]


@dataclass
class Method:
    """One way of checking a corpus and the seconds of each of its runs."""

    name: str
    rows: int
    subsample: bool
    timed: str
    run: Callable[[], float]
    seconds: list[float] = field(default_factory=list)


# ---------------------------------------------------------------- corpus


@cache
def _county_codes(year: int) -> npt.NDArray[np.int64]:
    codes = [int(d.code) for d in load_divisions().counties_valid_in(year)]
    return np.array(codes, dtype=np.int64)


def _labels(markers: list[list[str]]) -> list[str]:
    return ["+".join(m.removeprefix("id_") for m in marks) or "valid" for marks in markers]


def resident_corpus(rng: np.random.Generator, rows: int) -> Corpus:
    """Valid numbers over all counties in force in the birth year, with planted defects."""
    span = int((LAST_BIRTH - FIRST_BIRTH).astype(np.int64)) + 1
    birth_dates = FIRST_BIRTH + rng.integers(0, span, rows).astype("timedelta64[D]")
    years = birth_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    areas = birth_areas(rng, years, np.zeros(rows, np.bool_), _county_codes, _county_codes)
    is_male = rng.random(rows) < 0.5
    values: list[str] = resident_ids(rng, areas, birth_dates, is_male).tolist()
    markers: list[list[str]] = [[] for _ in range(rows)]
    # Old 15-digit numbers belong to people born before 2000 (issued 1984-1999).
    eligible = years < 2000
    share = OLD_15_DIGIT_SHARE / max(float(eligible.mean()), 1e-9)
    for i in np.flatnonzero(eligible & (rng.random(rows) < share)).tolist():
        values[i] = values[i][:6] + values[i][8:17]
        markers[i].append("15_digit")
    # corrupt_identifiers leaves 15-digit values alone: they have no check digit to break.
    values = corrupt_identifiers(values, markers, rng, RESIDENT_RATES)
    return Corpus("resident", values, _labels(markers))


def credit_code_corpus(rng: np.random.Generator, rows: int) -> Corpus:
    """Valid codes registered in counties in force in 2024, with planted defects."""
    areas = _county_codes(2024)
    kinds = np.array(list(CREDIT_CODE_KINDS))
    shares = np.array(list(CREDIT_CODE_KINDS.values()))
    row_kinds = kinds[rng.choice(len(kinds), rows, p=shares / shares.sum())]
    row_areas = areas[rng.integers(0, len(areas), rows)]
    codes = np.empty(rows, dtype="<U18")
    order = np.argsort(row_areas, kind="stable")
    bounds = np.flatnonzero(np.diff(row_areas[order])) + 1
    for group in np.split(order, bounds):
        codes[group] = credit_codes(rng, int(row_areas[group[0]]), row_kinds[group])
    values: list[str] = codes.tolist()
    markers: list[list[str]] = [[] for _ in range(rows)]
    values = corrupt_identifiers(
        values, markers, rng, CREDIT_CODE_RATES, 1.0, CREDIT_CODE_ALPHABET, CREDIT_CODE_ALPHABET
    )
    lower = rng.random(rows) < CREDIT_CODE_LOWERCASE_SHARE
    for i in np.flatnonzero(lower).tolist():
        if not markers[i] and any(c in string.ascii_uppercase for c in values[i]):
            values[i] = values[i].lower()
            markers[i].append("lowercase")
    return Corpus("credit_code", values, _labels(markers))


# ---------------------------------------------------------------- methods


def _stdnum_resident(value: str) -> bool:
    # python-stdnum 2.2 raises KeyError (not a ValidationError) for an unknown county under a
    # known province; tests/ids/reference.py maps that to birth_area, i.e. invalid.
    try:
        return bool(ric.is_valid(value))
    except KeyError:
        return False


def _stdnum_credit_code(value: str) -> bool:
    return bool(uscc.is_valid(value))


def _python_resident(value: str) -> bool:
    return resident.parse(value).is_valid


def _python_credit_code(value: str) -> bool:
    return credit_code.parse(value).is_valid


def _checks(kind: Kind) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """The python-stdnum and the Frontline ``parse`` check of one kind."""
    if kind == "resident":
        return _stdnum_resident, _python_resident
    return _stdnum_credit_code, _python_credit_code


def _loop(check: Callable[[str], object], values: Sequence[str]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        for value in values:
            check(value)
        return time.perf_counter() - started

    return run


def _columns(kind: Kind, full: bool) -> list[str]:
    if kind == "resident":
        columns = [sql.resident_status(RAW), sql.resident_reason(RAW)]
        if full:
            columns += [
                sql.resident_number(RAW),
                sql.resident_birth_date(RAW),
                sql.resident_sex(RAW),
                sql.resident_area_code(RAW),
                sql.resident_repairs(RAW),
            ]
    else:
        columns = [sql.credit_code_status(RAW), sql.credit_code_reason(RAW)]
        if full:
            columns += [
                sql.credit_code_number(RAW),
                sql.credit_code_area_code(RAW),
                sql.credit_code_organization_code(RAW),
                sql.credit_code_repairs(RAW),
            ]
    return columns


def _select(kind: Kind, full: bool, table: str, with_row: bool = False) -> str:
    columns = ", ".join(f"{c} AS c{i}" for i, c in enumerate(_columns(kind, full)))
    if with_row:
        columns = f"{ROW}, {columns}"
    # S608: the text is built only from the sql builders on a quoted column name and a fixed
    # table name; the data reach DuckDB as a registered pyarrow table, never as SQL text.
    return f"SELECT {columns} FROM {table}"  # noqa: S608


def load_table(con: duckdb.DuckDBPyConnection, table: str, values: Sequence[str]) -> None:
    """Create the native DuckDB table ``table(row BIGINT, raw VARCHAR)`` from a pyarrow table."""
    arrow = pa.table(
        {
            "row": pa.array(np.arange(len(values), dtype=np.int64)),
            "raw": pa.array(values, type=pa.string()),
        }
    )
    con.register("benchmark_input", arrow)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM benchmark_input")  # noqa: S608 - fixed name
    con.unregister("benchmark_input")


def _sql(con: duckdb.DuckDBPyConnection, kind: Kind, full: bool, table: str) -> Callable[[], float]:
    statement = f"CREATE OR REPLACE TEMP TABLE benchmark_out AS {_select(kind, full, table)}"

    def run() -> float:
        started = time.perf_counter()
        con.execute(statement)
        seconds = time.perf_counter() - started
        produced = _table_rows(con, "benchmark_out")
        con.execute("DROP TABLE benchmark_out")
        assert produced == _table_rows(con, table)
        return seconds

    return run


def _table_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses new work while a result is unfinished.
    [(count,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608 - fixed name
    return int(count)


def methods(
    con: duckdb.DuckDBPyConnection, corpus: Corpus, sample: list[str], table: str
) -> list[Method]:
    stdnum_check, python_check = _checks(corpus.kind)
    loop = "Python loop over a list of str, results discarded"
    query = (
        "CREATE OR REPLACE TEMP TABLE benchmark_out AS SELECT ... FROM a native DuckDB table "
        "(results materialised in DuckDB, not fetched)"
    )
    n = len(corpus.values)
    return [
        Method("stdnum_is_valid", len(sample), True, loop, _loop(stdnum_check, sample)),
        Method("python_parse", len(sample), True, loop, _loop(python_check, sample)),
        Method("duckdb_sql_status", n, False, query, _sql(con, corpus.kind, False, table)),
        Method("duckdb_sql_full", n, False, query, _sql(con, corpus.kind, True, table)),
    ]


# ---------------------------------------------------------------- agreement


def agreement(
    con: duckdb.DuckDBPyConnection, kind: Kind, sample: list[str], defects: list[str]
) -> dict[str, object]:
    """Compare SQL validity with python-stdnum (raw and normalised) and with ``parse``."""
    load_table(con, "benchmark_sample", sample)
    rows = con.execute(
        f"{_select(kind, False, 'benchmark_sample', True)} ORDER BY {ROW}"
    ).fetchall()
    raw_disagree: Counter[str] = Counter()
    normalised_disagree: Counter[str] = Counter()
    explained: Counter[str] = Counter()
    parse_disagree: Counter[str] = Counter()
    for value, defect, (_, status, reason) in zip(sample, defects, rows, strict=True):
        sql_valid = status != "invalid"
        if kind == "resident":
            raw = _stdnum_resident(value)
            normalised = _stdnum_resident(_resident_candidate(value))
            parsed = resident.parse(value)
            expected = (parsed.status.value, parsed.reason.value if parsed.reason else None)
        else:
            raw = _stdnum_credit_code(value)
            normalised = _stdnum_credit_code(CREDIT_CODE_NORMALIZER.normalize(value)[0])
            checked = credit_code.parse(value)
            expected = (checked.status.value, checked.reason.value if checked.reason else None)
        label = f"{defect}: sql {status}"
        if raw != sql_valid:
            raw_disagree[f"{label}, stdnum {'valid' if raw else 'invalid'}"] += 1
        if normalised != sql_valid:
            # stdnum does not check the organisation code embedded in a credit code; Frontline
            # does (documented in tests/ids/reference.py), so that reason alone may differ.
            counter = explained if reason == "organization_checksum" else normalised_disagree
            counter[f"{label} {reason}, stdnum {'valid' if normalised else 'invalid'}"] += 1
        if (status, reason) != expected:
            parse_disagree[f"{label} {reason}, parse {expected[0]} {expected[1]}"] += 1
    return {
        "benchmark": "ids",
        "kind": kind,
        "check": "agreement",
        "rows": len(sample),
        "sql_vs_stdnum_raw_disagreements": sum(raw_disagree.values()),
        "sql_vs_stdnum_raw_by_defect": dict(sorted(raw_disagree.items())),
        "sql_vs_stdnum_normalised_disagreements": sum(normalised_disagree.values()),
        "sql_vs_stdnum_normalised_by_defect": dict(sorted(normalised_disagree.items())),
        "sql_vs_stdnum_normalised_explained_organization_checksum": sum(explained.values()),
        "sql_vs_python_parse_disagreements": sum(parse_disagree.values()),
        "sql_vs_python_parse_by_defect": dict(sorted(parse_disagree.items())),
        "defects_in_sample": dict(sorted(Counter(defects).items())),
    }


def _resident_candidate(value: str) -> str:
    """Frontline's normalisation and 15 -> 18 upgrade, as ``tests/ids/reference.py`` does."""
    cleaned = RESIDENT_NORMALIZER.normalize(value)[0]
    if len(cleaned) == 15 and cleaned.isascii() and cleaned.isdigit():
        return resident.upgrade(cleaned)
    return cleaned


# ---------------------------------------------------------------- main


def run_kind(
    con: duckdb.DuckDBPyConnection, corpus: Corpus, sample_size: int, repeat: int, seed: int
) -> tuple[list[dict[str, object]], dict[str, object]]:
    table = f"benchmark_{corpus.kind}"
    load_table(con, table, corpus.values)
    pick = np.random.default_rng(seed + 1).choice(
        len(corpus.values), min(sample_size, len(corpus.values)), replace=False
    )
    index = np.sort(pick).tolist()
    sample = [corpus.values[i] for i in index]
    sample_defects = [corpus.defects[i] for i in index]
    chosen = methods(con, corpus, sample, table)
    # Warm up: load the division table and python-stdnum's database before timing.
    for check in _checks(corpus.kind):
        _loop(check, sample[:1000])()
    for _ in range(repeat):  # the methods take turns, so noise on the machine is shared
        for method in chosen:
            method.seconds.append(method.run())
    base = len(sample) / statistics.median(chosen[0].seconds)
    results: list[dict[str, object]] = []
    for method in chosen:
        median = statistics.median(method.seconds)
        rate = method.rows / median
        results.append(
            {
                "benchmark": "ids",
                "kind": corpus.kind,
                "method": method.name,
                "rows": method.rows,
                "corpus_rows": len(corpus.values),
                "subsample": method.subsample,
                "timed": method.timed,
                "repeat": repeat,
                "seconds_median": round(median, 4),
                "seconds_all": [round(s, 4) for s in method.seconds],
                "rows_per_second": round(rate),
                "ratio_vs_stdnum": round(rate / base, 2),
            }
        )
    return results, agreement(con, corpus.kind, sample, sample_defects)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="corpus rows per kind")
    parser.add_argument("--sample", type=int, default=100_000, help="rows for the two Python loops")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only JSON lines")
    args = parser.parse_args()

    con = duckdb.connect()
    sql.register(con)
    [(threads,)] = con.execute("SELECT current_setting('threads')").fetchall()
    setup = {
        "benchmark": "ids",
        "setup": True,
        "rows": args.rows,
        "sample": min(args.sample, args.rows),
        "repeat": args.repeat,
        "seed": args.seed,
        "duckdb": duckdb.__version__,
        "duckdb_threads": threads,
        "python": sys.version.split()[0],
    }
    print(json.dumps(setup), flush=True)
    results: list[dict[str, object]] = []
    checks: list[dict[str, object]] = []
    for build in (resident_corpus, credit_code_corpus):
        corpus = build(np.random.default_rng(args.seed), args.rows)
        measured, check = run_kind(con, corpus, args.sample, args.repeat, args.seed)
        for line in (*measured, check):
            print(json.dumps(line, ensure_ascii=False), flush=True)
        results += measured
        checks.append(check)
    if not args.json:
        print()
        print(
            f"{'kind':<12} {'method':<18} {'rows':>9} {'median s':>9} {'rows/s':>11} {'×stdnum':>8}"
        )
        for r in results:
            print(
                f"{r['kind']!s:<12} {r['method']!s:<18} {r['rows']!s:>9} "
                f"{r['seconds_median']!s:>9} {r['rows_per_second']:>11,} "
                f"{r['ratio_vs_stdnum']!s:>8}"
            )
        print()
        for c in checks:
            print(
                f"{c['kind']}: {c['rows']} sample rows; SQL vs stdnum on the normalised value "
                f"{c['sql_vs_stdnum_normalised_disagreements']} disagreements, on the raw value "
                f"{c['sql_vs_stdnum_raw_disagreements']} (Frontline's repairs); SQL vs parse "
                f"{c['sql_vs_python_parse_disagreements']}"
            )
    failed = any(
        c["sql_vs_stdnum_normalised_disagreements"] or c["sql_vs_python_parse_disagreements"]
        for c in checks
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
