"""Write-back: an accepted change request written into the golden record, with provenance,
and the value it replaces kept in the record's history.

    version = apply_change(connection, change, reviewer_id=7, now=now)

One function, in the caller's transaction, so whatever accepts a change — a reviewer in the
console, or the integration engine replaying accepted changes — writes it the same way.

Provenance says where the value came from, as the integration engine's does (keys sorted):
`source` and `method` `frontline`, the scenario's `department`, the decision's date as
`as_of`, and the `worker`, `task`, `submission`, `change` and `reviewer` behind it.

History follows the publisher's rule (`frontline.store.merge.record_golden_history`): the
replaced value held from its last recorded change (else the entity's first run) up to, not
including, `valid_to_run`. A change accepted between integration runs has no run of its own,
so it is recorded with the latest published run's id (the record's own `updated_run` when
none is recorded): the earlier value is then said to end at that run, and the new one to
begin there.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, func, insert, null, select, update

from frontline.forms.changes import ChangeInfo
from frontline.store.entities import Entity
from frontline.store.golden import GoldenHistory, GoldenRecord
from frontline.store.runs import IntegrationRun

SOURCE = "frontline"
CHINA = timezone(timedelta(hours=8))
"""The deployment's calendar: a decision's date is the date in China (no daylight saving)."""


class NoGoldenRecord(LookupError):  # noqa: N818 - named after what the caller answers
    """The entity has no golden record to write into."""


def apply_change(
    connection: Connection,
    change: ChangeInfo,
    *,
    reviewer_id: int,
    now: datetime,
    entity_id: str | None = None,
) -> int:
    """Write `change.new_value` into the golden record of `entity_id` (default: the change's
    subject; a merged subject's survivor when the caller resolved one) and return the record's
    new version. The record's row is locked first (PostgreSQL; SQLite's write lock is the
    caller's `write_transaction`)."""
    target = entity_id or change.subject_id
    record = connection.execute(
        select(GoldenRecord.values, GoldenRecord.provenance, GoldenRecord.version)
        .where(GoldenRecord.entity_id == target)
        .with_for_update()
    ).one_or_none()
    if record is None:
        raise NoGoldenRecord(target)
    run = _run_now(connection, target)
    values: dict[str, Any] = dict(record.values)
    provenance: dict[str, Any] = dict(record.provenance)
    connection.execute(
        insert(GoldenHistory).values(
            entity_id=target,
            field=change.field,
            # "No value until now" is SQL NULL, as the publisher writes it.
            value=_or_null(values.get(change.field)),
            provenance=_or_null(provenance.get(change.field)),
            valid_from_run=_since(connection, target, change.field),
            valid_to_run=run,
        )
    )
    values[change.field] = change.new_value
    provenance[change.field] = change_provenance(change, reviewer_id=reviewer_id, now=now)
    version = int(record.version) + 1
    connection.execute(
        update(GoldenRecord)
        .where(GoldenRecord.entity_id == target)
        .values(values=values, provenance=provenance, version=version, updated_run=run)
    )
    return version


def change_provenance(change: ChangeInfo, *, reviewer_id: int, now: datetime) -> dict[str, Any]:
    """The provenance of a value written back from `change` (keys sorted, as the store
    compares documents as text)."""
    found: dict[str, Any] = {
        "as_of": now.astimezone(CHINA).date().isoformat(),
        "change": change.id,
        "department": change.department,
        "method": SOURCE,
        "reviewer": reviewer_id,
        "source": SOURCE,
        "submission": change.submission_id,
        "task": change.task_reference,
        "worker": change.staff_id,
    }
    return dict(sorted(found.items()))


def _or_null(value: object) -> object:
    return null() if value is None else value


def _run_now(connection: Connection, entity_id: str) -> int:
    latest = connection.execute(
        select(func.max(IntegrationRun.id)).where(IntegrationRun.status == "published")
    ).scalar_one_or_none()
    if latest is not None:
        return int(latest)
    updated = connection.execute(
        select(GoldenRecord.updated_run).where(GoldenRecord.entity_id == entity_id)
    ).scalar_one()
    return int(updated)


def _since(connection: Connection, entity_id: str, field: str) -> int:
    """When the field's current value began: its last recorded change, else the entity's
    first run (the publisher's rule)."""
    last = connection.execute(
        select(func.max(GoldenHistory.valid_to_run)).where(
            GoldenHistory.entity_id == entity_id, GoldenHistory.field == field
        )
    ).scalar_one_or_none()
    if last is not None:
        return int(last)
    born = connection.execute(
        select(Entity.created_run).where(Entity.entity_id == entity_id)
    ).scalar_one()
    return int(born)
