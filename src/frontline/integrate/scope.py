"""What an incremental run must judge again: the records and entities a change touches.

After linking, the run compares every record — its content and its link, by a hash of the
whole row — with the workspace's previous run. *Touched* rows are those that differ (new,
vanished, edited, or linked differently); *affected* entities are those any touched row
belongs to, before or after. A re-delivered file in which a few rows changed touches only
those rows. Survivorship is
decided per entity and an issue depends only on its record and its entity's records, so
rebuilding the golden records of the affected entities and judging again every record of
theirs, plus the touched rows, gives exactly what a full rebuild would.
"""

from __future__ import annotations

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.integrate.workspace import has_table

_LINK = ("_source", "_file", "_row", "_entity_key", "_outcome", "_digest")


def _links(records: str) -> str:
    """Each record's key, link and a hash of the whole row (content and link)."""
    return (
        f"SELECT _source, _file, _row, _entity_key, _outcome, hash(r) AS _digest "
        f"FROM {q(records)} r"
    )


def remember_links(con: duckdb.DuckDBPyConnection, entity_type: str) -> bool:
    """Keep the previous run's links of ``records_<type>`` as ``prev_records_<type>`` before
    the run rebuilds it; False when there was no previous run."""
    records = f"records_{entity_type}"
    if not has_table(con, records):
        con.execute(f"DROP TABLE IF EXISTS {q(f'prev_records_{entity_type}')}")
        return False
    con.execute(f"CREATE OR REPLACE TABLE {q(f'prev_records_{entity_type}')} AS {_links(records)}")
    return True


def mark_touched(con: duckdb.DuckDBPyConnection, entity_type: str) -> tuple[int, int]:
    """Create ``affected_<type>`` (entity keys) and ``rejudge_<type>`` (rows to judge again)
    from the run's links and the previous run's; return (affected entities, rows to judge)."""
    records, previous = q(f"records_{entity_type}"), q(f"prev_records_{entity_type}")
    affected, rejudge = q(f"affected_{entity_type}"), q(f"rejudge_{entity_type}")
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    link = ", ".join(_LINK)
    con.execute(f"CREATE OR REPLACE TEMP TABLE __current AS {_links(f'records_{entity_type}')}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __touched AS
        SELECT _source, _file, _row FROM (
            SELECT {link} FROM __current EXCEPT SELECT {link} FROM {previous}
        )
        UNION
        SELECT _source, _file, _row FROM (
            SELECT {link} FROM {previous} EXCEPT SELECT {link} FROM __current
        )
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {affected} AS
        SELECT _entity_key AS entity_key FROM {records}
        WHERE _outcome IN ({linked}) AND (_source, _file, _row) IN (SELECT * FROM __touched)
        UNION
        SELECT _entity_key FROM {previous}
        WHERE _outcome IN ({linked}) AND (_source, _file, _row) IN (SELECT * FROM __touched)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {rejudge} AS
        SELECT _source, _file, _row FROM {records}
        WHERE _outcome IN ({linked}) AND _entity_key IN (SELECT entity_key FROM {affected})
        UNION
        SELECT * FROM __touched
        """
    )
    counts = con.execute(
        f"SELECT (SELECT count(*) FROM {affected}), (SELECT count(*) FROM {rejudge})"
    ).fetchall()[0]
    return int(counts[0]), int(counts[1])
