import datetime as dt
import random

import duckdb
import pytest

from frontline.integrate.evaluation import pair_scores
from frontline.integrate.generic import (
    GenericResult,
    GenericSettings,
    Kind,
    _block_comparisons,
    _prepare_sql,
    link_records,
)

COLUMNS = {
    "given": Kind.NAME,
    "surname": Kind.NAME,
    "born": Kind.DATE,
    "street": Kind.TEXT,
    "number": Kind.CODE,
    "postcode": Kind.POSTCODE,
    "sex": Kind.CATEGORY,
}
FAST = GenericSettings(u_sample_pairs=1e5)
GIVEN = ["anna", "ben", "carla", "dan", "eva", "felix", "greta", "hugo", "ida", "jonas", "karl",
         "lena", "max", "nina", "otto", "paula", "rosa"]  # fmt: skip
SURNAMES = ["adler", "bauer", "berger", "brandt", "fischer", "frank", "hahn", "hartmann", "jung",
            "keller", "klein", "koch", "krause", "lang", "lorenz", "maier", "meyer", "neumann",
            "peters", "richter", "roth", "schmid", "schulz", "schwarz", "sommer", "vogel", "wagner",
            "walter", "weber", "winter", "wolf", "zimmermann"]  # fmt: skip
STREETS = ["bahnhofstrasse", "gartenweg", "hauptstrasse", "kirchgasse", "lindenallee", "muehlweg",
           "rosenweg"]  # fmt: skip
Linked = tuple[duckdb.DuckDBPyConnection, GenericResult]


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("aeiourstn") + text[i + 1 :]


def _people(
    seed: int, persons: int, copies: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Originals and their corrupted copies (id, entity, given, surname, born, street, number,
    postcode, sex): each copy has one or two fields mistyped, swapped or missing."""
    rng = random.Random(seed)
    originals, duplicates = [], []
    for entity in range(persons):
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(80 * 365))
        row: list[object] = [
            f"o{entity}", entity, rng.choice(GIVEN), rng.choice(SURNAMES), born,
            f"{rng.randrange(1, 90)} {rng.choice(STREETS)}", f"{rng.randrange(10**7):07d}",
            f"{rng.randrange(10000, 10040)}", rng.choice(["f", "m"]),
        ]  # fmt: skip
        originals.append(tuple(row))
        if entity >= copies:
            continue
        copy = [f"d{entity}", *row[1:]]
        for field in rng.sample(range(2, 9), rng.choice([1, 2])):
            value = copy[field]
            if rng.random() < 0.2:
                copy[field] = None
            elif isinstance(value, dt.date):
                if value.day <= 12 and value.day != value.month:
                    copy[field] = value.replace(month=value.day, day=value.month)
                else:
                    copy[field] = value + dt.timedelta(days=1)
            elif isinstance(value, str):
                copy[field] = _typo(rng, value)
        duplicates.append(tuple(copy))
    return originals, duplicates


def _load(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[object, ...]]) -> None:
    con.execute(
        f"CREATE TABLE {table} (id VARCHAR, entity INTEGER, given VARCHAR, surname VARCHAR, "
        "born DATE, street VARCHAR, number VARCHAR, postcode VARCHAR, sex VARCHAR)"
    )
    con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: S608


def _f1(con: duckdb.DuckDBPyConnection, tables: list[str], output: str) -> float:
    union = " UNION ALL ".join(f"SELECT '{t}' AS dataset, id, entity FROM {t}" for t in tables)  # noqa: S608
    con.execute(
        f"""
        CREATE OR REPLACE TABLE scored AS
        SELECT c.cluster_id AS predicted, u.entity AS truth, FALSE AS residue FROM ({union}) u
        JOIN {output} c ON c.dataset = u.dataset AND c.unique_id = u.id
        """  # noqa: S608
    )
    return pair_scores(con, "scored").f1


@pytest.fixture(scope="module")
def deduped() -> Linked:
    con = duckdb.connect()
    originals, duplicates = _people(seed=5, persons=300, copies=200)
    _load(con, "people", originals + duplicates)
    before = {row[2] for row in con.execute("SHOW ALL TABLES").fetchall()}
    # 500 records: 17 given names, 34 surnames and 40 postcodes each make more pairs of records
    # sharing a value than this cap allows.
    settings = GenericSettings(u_sample_pairs=1e5, max_block_comparisons=2_500)
    result = link_records(con, "people", COLUMNS, unique_id="id", settings=settings, output="out")
    after = {row[2] for row in con.execute("SHOW ALL TABLES").fetchall()}
    assert after - before == {"out"}, "Splink's working tables and views are dropped"
    return con, result


def test_dedupe_finds_the_copies(deduped: Linked) -> None:
    con, result = deduped
    assert result.table == "out"
    assert _f1(con, ["people"], "out") > 0.95
    # One row per input record, named by its table.
    rows = con.execute("SELECT dataset, count(*), count(DISTINCT unique_id) FROM out GROUP BY ALL")
    assert rows.fetchall() == [("people", 500, 500)]


def test_the_result_describes_the_run(deduped: Linked) -> None:
    con, result = deduped
    assert result.records == 500
    assert 300 <= result.clusters <= 330
    clusters = con.execute("SELECT count(DISTINCT cluster_id) FROM out").fetchall()
    assert clusters == [(result.clusters,)]
    # Blocking follows the kinds (codes, dates, names, postcodes; never the category), less the
    # rules over the cap.
    assert result.blocking == ["l.number = r.number", "l.born = r.born"]
    assert result.dropped_blocking == [
        "l.given = r.given", "l.surname = r.surname", "l.postcode = r.postcode",
    ]  # fmt: skip
    assert set(result.seconds) == {"prepare", "train", "predict", "cluster"}


def test_values_are_cleaned_by_kind() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (id INTEGER, name VARCHAR, born DATE, code VARCHAR, born_text VARCHAR, "
        "seen TIMESTAMP)"
    )
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
        [
            (1, "  Anna  Maria ", dt.date(1980, 2, 29), " 12 34 ", "19800229",
             dt.datetime(1980, 2, 29, 10)),
            (2, "", None, "", "1980/02/29", None),
            (3, None, None, None, "1980-2-9", None),
        ],
    )  # fmt: skip
    kinds = {"name": Kind.NAME, "born": Kind.DATE, "code": Kind.CODE, "born_text": Kind.DATE,
             "seen": Kind.DATE}  # fmt: skip
    rows = con.execute(_prepare_sql("t", kinds, "id") + " ORDER BY unique_id").fetchall()
    assert rows == [
        ("1", "anna maria", "19800229", "1234", "19800229", "19800229"),
        ("2", None, None, None, "19800229", None),
        ("3", None, None, None, None, None),  # a one-digit day is not year-month-day text
    ]


def test_block_comparisons_count_pairs() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE a AS SELECT * FROM (VALUES ('x'), ('x'), ('x'), ('y'), (NULL)) v(c)")
    con.execute("CREATE TABLE b AS SELECT * FROM (VALUES ('x'), ('y'), ('y'), (NULL)) v(c)")
    assert _block_comparisons(con, ["a"], "c") == 3  # x: 3 pairs within a
    assert _block_comparisons(con, ["a", "b"], "c") == 3 * 1 + 1 * 2  # across a and b only


def test_the_kinds_must_allow_blocking_and_training() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS id, 'ann' AS name, 'x' AS code FROM range(3)")
    with pytest.raises(ValueError, match="two of the kinds"):
        link_records(con, "t", {"name": Kind.NAME, "street": Kind.TEXT}, unique_id="id")
    nothing = GenericSettings(max_block_comparisons=1)
    kinds = {"name": Kind.NAME, "code": Kind.CODE}
    with pytest.raises(ValueError, match=r"no column to block on.*\(code, name had more\)"):
        link_records(con, "t", kinds, unique_id="id", settings=nothing)
    assert {row[2] for row in con.execute("SHOW ALL TABLES").fetchall()} == {"t"}
