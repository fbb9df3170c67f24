"""Schemathesis over the tasks and scenarios operations signed in as a department manager, with
tasks in the store: the generated requests reach the service's decisions, not only a 403."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from sqlalchemy import Engine

from frontline.store import write_transaction
from frontline.tasks import create_tasks
from frontline.web import create_app
from tests.tasks.factories import DUE, GRID_A, build_world
from tests.web.client import Client
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock, settings_for, sign_in
from tests.web.test_openapi import _answers_as_declared


def test_the_tasks_api_answers_as_its_spec_says(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    world = build_world(engine, password=PASSWORD)
    with write_transaction(engine) as connection:
        create_tasks(
            connection,
            world["manager"],
            scenario="elderly_home_visit",
            subject_ids=world.in_grid(GRID_A),
            due_on=DUE,
        )
    app = create_app(
        settings_for(database_url, tmp_path / "var"),
        clock=Clock(),
        session_settings=SESSION_SETTINGS,
    )
    with Client(app) as client:
        token = str(sign_in(client, "manager")["access_token"])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]
    mine = [o for o in operations if o.path.startswith(("/api/v1/tasks", "/api/v1/scenarios"))]
    assert len(mine) == 12  # ten task operations, two scenario ones
    for operation in mine:
        _answers_as_declared(operation, token, [])
