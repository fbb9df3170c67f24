"""Features: how the service is assembled, and how later parts add their pages to it.

A feature bundles what one part of the product adds — API routers, console routers,
navigation entries, messages and templates. The built-in parts are features like any other
(`default_features`); a later issue adds its own to that list:

    def feature() -> Feature:
        return Feature(
            name="tasks",
            routers=(api_router(), console_router()),
            navigation=(NavEntry("tasks", Text("工单", "Tasks"), "/console/tasks",
                                 frozenset({Role.DEPARTMENT_MANAGER})),),
            messages={"tasks.title": Text("工单", "Tasks")},
            templates=Path(__file__).parent / "templates",
        )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter

from frontline.web.catalogue import Text
from frontline.web.navigation import NavEntry


@dataclass(frozen=True)
class Feature:
    """What one part of the product adds to the service."""

    name: str
    routers: Sequence[APIRouter] = ()
    """Included as they are: API routers carry the `/api/v1/...` prefix, console ones `/console`."""
    navigation: Sequence[NavEntry] = ()
    messages: Mapping[str, Text] = field(default_factory=dict)
    templates: Path | None = None
    """A folder of Jinja templates; name them `<feature>/<page>.html` so features never clash."""


def default_features() -> list[Feature]:
    """The features of a standard Frontline service, in the order they are installed."""
    from frontline.web import mobile
    from frontline.web.console import (
        access_pages,
        devices_page,
        home,
        quality_page,
        review_page,
        scenarios_page,
        sign_in,
        tasks_page,
    )
    from frontline.web.routes import access, auth, devices, forms, health, quality

    # The access API first: a request's path is matched against each router in turn, and a
    # worker's read of a task's subject is the busiest route of all.
    return [
        access.feature(),
        devices.feature(),
        forms.feature(),
        health.feature(),
        auth.feature(),
        sign_in.feature(),
        home.feature(),
        quality.feature(),
        quality_page.feature(),
        tasks_page.feature(),
        scenarios_page.feature(),
        access_pages.feature(),
        devices_page.feature(),
        review_page.feature(),
        mobile.feature(),
    ]
