"""The message catalogue and the navigation registry: what features build on."""

from __future__ import annotations

import re

import pytest

from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.web import NavEntry, Text, default_features
from frontline.web.catalogue import Catalogue, CatalogueError
from frontline.web.console.pages import TEMPLATES
from frontline.web.messages import core_messages
from frontline.web.navigation import Navigation, NavigationError


def _catalogue() -> Catalogue:
    catalogue = Catalogue(core_messages())
    for feature in default_features():
        catalogue.add(feature.messages)
    return catalogue


def test_every_message_has_both_languages() -> None:
    catalogue = _catalogue()
    for key in catalogue.known():
        text = catalogue.get(key)
        assert text.zh.strip(), key
        assert text.en.strip(), key
        # The same placeholders in both languages, so either can be filled from one call.
        assert set(re.findall(r"{(\w+)}", text.zh)) == set(re.findall(r"{(\w+)}", text.en)), key


def test_every_key_the_templates_use_exists() -> None:
    catalogue = _catalogue()
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", template.read_text("utf-8")))
    assert used
    assert sorted(used - set(catalogue.known())) == []


def test_a_key_is_defined_once() -> None:
    catalogue = Catalogue({"a.b": Text("甲", "A")})
    with pytest.raises(CatalogueError, match=r"a\.b"):
        catalogue.add({"a.b": Text("乙", "B")})
    with pytest.raises(CatalogueError):
        catalogue.get("missing")
    assert catalogue.text("a.b", "en") == "A"


def _member(*roles: Role) -> Principal:
    return Principal(1, "u", "U", "civil_affairs", frozenset(roles), "330106", "s")


def test_navigation_shows_entries_by_role_in_order() -> None:
    navigation = Navigation(
        [
            NavEntry("audit", Text("审计", "Audit"), "/console/audit",
                     frozenset({Role.AUDITOR}), order=60),
            NavEntry("home", Text("首页", "Home"), "/console", order=0),
            NavEntry("tasks", Text("工单", "Tasks"), "/console/tasks",
                     frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}), order=10),
        ]
    )  # fmt: skip
    keys = [e.key for e in navigation.visible_to(_member(Role.ADMINISTRATOR))]
    assert keys == ["home", "tasks"]
    assert [e.key for e in navigation.visible_to(_member(Role.AUDITOR))] == ["home", "audit"]


@pytest.mark.parametrize(
    "entry",
    [
        NavEntry("home", Text("重复", "Again"), "/console/again"),
        NavEntry("other", Text("重复", "Again"), "/console"),
        NavEntry("outside", Text("外部", "Outside"), "/api/v1/me"),
        NavEntry("lookalike", Text("外部", "Outside"), "/consolex"),
    ],
)
def test_navigation_refuses_clashes_and_outside_paths(entry: NavEntry) -> None:
    navigation = Navigation([NavEntry("home", Text("首页", "Home"), "/console")])
    with pytest.raises(NavigationError):
        navigation.add(entry)
