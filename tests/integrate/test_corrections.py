"""Corrections accepted in review enter every later run as a source of their own, ranked by
the one survivorship: the later of a correction and a department's value wins. On SQLite and
PostgreSQL, through the forms services and a real integration run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from sqlalchemy import Engine, select

from frontline.forms.changes import changes_of_submission
from frontline.forms.registry import register_folder
from frontline.forms.review import accept_change
from frontline.forms.submissions import record_submission
from frontline.integrate.pipeline import run_integration
from frontline.integrate.sources import SourceSpec
from frontline.store import allocate_entity_ids, write_transaction
from frontline.store.golden import GoldenRecord
from tests.access.world import PEOPLE, T0, build_world
from tests.forms_store.factories import FORMS, phone_of, submission, visit_task

CORRECTED = "13900001111"
ACCEPTED = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
"""After the pension roster's extract (2026-06-30), before its next one (2026-08-31)."""


def pensions(folder: Path, phone: str, as_of: date) -> SourceSpec:
    """A pension roster holding the world's first resident with `phone`, extracted `as_of`."""
    number = PEOPLE["P000000001"][0]
    (folder / "pensions.csv").write_text(
        f"GMSFHM,XM,LXDH\n{number},王建国,{phone}\n", encoding="utf-8"
    )
    return SourceSpec.model_validate(
        {
            "key": "pensions",
            "department": "人力资源和社会保障局",
            "department_key": "human_resources",
            "entity": "person",
            "format": "csv",
            "location": "pensions.csv",
            "as_of": as_of,
            "fields": {
                "id_number": "GMSFHM",
                "name": "XM",
                "phone": {"column": "LXDH", "priority": 50},
            },
        }
    )


def golden_phone(engine: Engine) -> tuple[str, dict[str, object]]:
    with engine.connect() as connection:
        values, provenance = connection.execute(
            select(GoldenRecord.values, GoldenRecord.provenance).where(
                GoldenRecord.entity_id == "P000000001"
            )
        ).one()
    return values["phone"], provenance["phone"]


def test_an_accepted_correction_outlives_older_data_and_yields_to_newer(
    engine: Engine, tmp_path: Path
) -> None:
    world = build_world(engine)
    allocate_entity_ids(engine, "person", len(PEOPLE))  # the world wrote its ids itself
    with write_transaction(engine) as connection:
        register_folder(connection, FORMS, now=T0)
    worker = phone_of(engine, world["worker_a"])
    task = visit_task(engine, world)
    with write_transaction(engine) as connection:
        receipt = record_submission(connection, worker, submission(task, phone=CORRECTED), now=T0)
        (change,) = changes_of_submission(connection, receipt.submission_id)
        accept_change(connection, world["manager"], change.id, now=ACCEPTED)
    assert golden_phone(engine)[0] == CORRECTED

    # A run with the roster extracted before the acceptance: the correction stays.
    older = pensions(tmp_path, "13812345678", date(2026, 6, 30))
    result = run_integration([older], tmp_path, duckdb.connect(), store=engine)
    read = {a.key: a.rows_read for a in result.sources}
    assert read == {"pensions": 1, "frontline_person": 1}
    phone, provenance = golden_phone(engine)
    assert phone == CORRECTED
    assert (provenance["source"], provenance["as_of"]) == ("frontline_person", "2026-07-15")
    assert provenance["department"] == "frontline"

    # The roster's next extract, taken after the acceptance, says otherwise: it wins.
    newer = pensions(tmp_path, "13700002222", date(2026, 8, 31))
    run_integration([newer], tmp_path, duckdb.connect(), store=engine)
    phone, provenance = golden_phone(engine)
    assert (phone, provenance["source"]) == ("13700002222", "pensions")
