"""Corrections accepted in review, as sources: what grid workers confirmed in the field, a
department reviewer accepted, and the golden record took at once, every later run weighs again.

Field forms propose changes to golden records; an accepted change is written to the record with
its provenance (`frontline.forms`). The next run rebuilds the record from the sources, so the
accepted values must be a source too, or the run would undo them: the serving database shows
them one view per entity type (``frontline_<type>_corrections``, one row per accepted change,
only its field filled), and this module describes each view that holds a row as a source of its
own. Its rows link by identifier, like any department's, and the one survivorship ranks them:

- each row is dated by the day it was accepted (``as_of_column``: recency);
- each field has the highest priority any department's source gives it, so between a
  correction and a department's value the later one wins: a correction outranks an extract
  taken before it, and a department's newer extract outranks the correction.

A deployment declares nothing for this; a run that publishes to a store with accepted
corrections reads them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, inspect, text

from frontline.integrate.fields import entity_types
from frontline.integrate.sources import SourceSpec

DEPARTMENT = "一线采集（经审核）"
"""The name the corrections' rows carry as their department: collected in the field, reviewed."""
DEPARTMENT_KEY = "frontline"


def view_name(entity_type: str) -> str:
    """The serving database's view of the accepted corrections of `entity_type`."""
    return f"frontline_{entity_type}_corrections"


def correction_sources(specs: Sequence[SourceSpec], store: Engine) -> list[SourceSpec]:
    """A source for each entity type of `specs` whose corrections view in `store` holds a row."""
    found = []
    with store.connect() as connection:
        views = set(inspect(connection).get_view_names())
        for entity_type in sorted({spec.entity for spec in specs}):
            view = view_name(entity_type)
            if view not in views:
                continue
            # The view's name is one of ours, never input: safe to place in the statement.
            held = connection.execute(text(f"SELECT 1 FROM {view} LIMIT 1")).first()
            if held is not None:
                found.append(_source(specs, entity_type, view))
    return found


def _source(specs: Sequence[SourceSpec], entity_type: str, view: str) -> SourceSpec:
    entity = entity_types()[entity_type]
    priorities: dict[str, int] = {}
    latest = max(spec.as_of for spec in specs if spec.entity == entity_type)
    for spec in specs:
        if spec.entity != entity_type:
            continue
        for name, mapping in spec.fields.items():
            if not mapping.match_only:
                priorities[name] = max(priorities.get(name, 0), mapping.priority)
    identifier = entity.identifier.name
    fields: dict[str, object] = {identifier: identifier}
    fields.update(
        {
            field.name: {"column": field.name, "priority": priorities.get(field.name, 0),
                         "optional": True}
            for field in entity.fields
            if not field.identifier
        }
    )  # fmt: skip
    return SourceSpec.model_validate(
        {
            "key": f"frontline_{entity_type}",
            "department": DEPARTMENT,
            "department_key": DEPARTMENT_KEY,
            "entity": entity_type,
            "format": "table",
            "table": {"store": True, "table": view},
            # Every row has its own day; this is only the source's nominal date, the
            # departments' latest, so the run's reference date for staleness stays theirs.
            "as_of": latest,
            "as_of_column": "decided_on",
            "one_row_per_entity": False,
            "fields": fields,
            "attributes": {"change_id": "change_id", "reviewing_department": "department"},
        }
    )
