"""A later part adds a page to the console the way the tasks pages do: one `Feature`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, Request
from sqlalchemy import Engine
from starlette.responses import Response

from frontline.staff.roles import Role
from frontline.web import Feature, NavEntry, Text, create_app, default_features
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import ConsoleUser, console_roles
from tests.web.client import Client
from tests.web.conftest import SESSION_SETTINGS, Clock, add_members, settings_for
from tests.web.test_console import console_sign_in

MANAGERS = frozenset({Role.DEPARTMENT_MANAGER})


def _visits_feature(templates: Path) -> Feature:
    (templates / "visits").mkdir(parents=True)
    (templates / "visits" / "list.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ t("visits.title") }}{% endblock %}'
        '{% block content %}<h1>{{ t("visits.title") }}</h1><p>{{ count }}</p>{% endblock %}',
        encoding="utf-8",
    )
    console = APIRouter(prefix="/console")

    @console.get("/visits")
    def visits(
        request: Request,
        pages: PagesDep,
        user: Annotated[ConsoleUser, Depends(console_roles(*MANAGERS))],
    ) -> Response:
        return pages.render(request, "visits/list.html", user=user, count=3)

    return Feature(
        name="visits",
        routers=(console,),
        navigation=(
            NavEntry(
                "visits",
                Text("走访", "Visits"),
                "/console/visits",
                MANAGERS,
                description=Text("创建和分派走访。", "Create and assign visits."),
                order=10,
            ),
        ),
        messages={"visits.title": Text("走访管理", "Visit management")},
        templates=templates,
    )


@pytest.fixture
def extended(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Client]:
    add_members(engine)
    app = create_app(
        settings_for(database_url, tmp_path / "var"),
        features=[*default_features(), _visits_feature(tmp_path / "templates")],
        clock=Clock(),
        session_settings=SESSION_SETTINGS,
    )
    with Client(app) as client:
        yield client


def test_a_feature_adds_a_page_its_navigation_and_its_messages(extended: Client) -> None:
    console_sign_in(extended, "manager")
    home = extended.get("/console")
    # In the navigation after home (order 10) and before quality (order 50), and as a card.
    nav = home.text[home.text.index('class="main-nav"') :]
    assert nav.index("/console/visits") < nav.index("/console/quality")
    assert "创建和分派走访。" in home.text
    page = extended.get("/console/visits?lang=en")
    assert page.status_code == 200
    assert "<h1>Visit management</h1>" in page.text
    assert 'href="/console/visits" aria-current="page"' in page.text


def test_the_features_page_checks_roles_itself(extended: Client) -> None:
    console_sign_in(extended, "worker")
    assert "/console/visits" not in extended.get("/console").text
    assert extended.get("/console/visits").status_code == 403
