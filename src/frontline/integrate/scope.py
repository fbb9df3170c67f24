"""What an incremental run must judge again: the records and entities a change touches.

After linking, the run compares every record's link — the columns routing and linking set
(`frontline.integrate.routing.ROUTING`) — with the workspace's previous run, and the content
of the records of the sources it read again, by a hash of the whole row. The other sources'
rows are the same rows as before, kept in place (`reroute_records`), so only their links can
differ, and hashing them would only cost time. *Touched* rows are those that differ (new,
vanished, edited, or linked differently); *affected* entities are those any touched row
belongs to, before or after. A re-delivered file in which a few rows changed touches only
those rows. Survivorship is
decided per entity and an issue depends only on its record and its entity's records, so
rebuilding the golden records of the affected entities and judging again every record of
theirs, plus the touched rows, gives exactly what a full rebuild would.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.routing import ROUTING
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.integrate.workspace import has_table

_LINK = ("_source", "_file", "_row", *ROUTING, "_digest")


def _links(records: str) -> str:
    """Each record's key, link, and for a record of a source read again (the list parameter)
    a hash of the whole row."""
    return (
        f"SELECT _source, _file, _row, {', '.join(ROUTING)}, "
        f"CASE WHEN list_contains(?, _source) THEN hash(r) END AS _digest FROM {q(records)} r"
    )


def remember_links(
    con: duckdb.DuckDBPyConnection, entity_type: str, changed: Collection[str]
) -> bool:
    """Keep the previous run's links of ``records_<type>`` as ``prev_records_<type>`` before
    the run rebuilds it, with the content of the rows of the ``changed`` sources; False when
    there was no previous run."""
    records = f"records_{entity_type}"
    if not has_table(con, records):
        con.execute(f"DROP TABLE IF EXISTS {q(f'prev_records_{entity_type}')}")
        return False
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {q(f'prev_records_{entity_type}')} AS {_links(records)}",
        [sorted(changed)],
    )
    return True


def mark_touched(
    con: duckdb.DuckDBPyConnection, entity_type: str, changed: Collection[str]
) -> tuple[int, int]:
    """Create ``affected_<type>`` (entity keys) and ``rejudge_<type>`` (rows to judge again)
    from the run's links and the previous run's (`remember_links`, with the same ``changed``
    sources); return (affected entities, rows to judge)."""
    records, previous = q(f"records_{entity_type}"), q(f"prev_records_{entity_type}")
    affected, rejudge = q(f"affected_{entity_type}"), q(f"rejudge_{entity_type}")
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    link = ", ".join(_LINK)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __current AS {_links(f'records_{entity_type}')}",
        [sorted(changed)],
    )
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
        CREATE OR REPLACE TEMP TABLE {affected} AS
        SELECT _entity_key AS entity_key FROM {records}
        WHERE _outcome IN ({linked}) AND (_source, _file, _row) IN (SELECT * FROM __touched)
        UNION
        SELECT _entity_key FROM {previous}
        WHERE _outcome IN ({linked}) AND (_source, _file, _row) IN (SELECT * FROM __touched)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {rejudge} AS
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
