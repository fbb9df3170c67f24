"""The console's navigation: entries that features register, shown to the roles they name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.web.catalogue import Text


@dataclass(frozen=True, slots=True)
class NavEntry:
    """One entry of the console's navigation.

    `roles`: who sees it (any one of them suffices); empty means every signed-in member.
    Seeing an entry is a convenience, not a permission: the page checks roles itself.
    """

    key: str
    label: Text
    path: str
    roles: frozenset[Role] = frozenset()
    description: Text | None = None
    """One line for the home page's card; entries without one are not shown there."""
    order: int = 100
    """Position in the navigation, lowest first (the home page is 0)."""

    def visible_to(self, principal: Principal) -> bool:
        """Whether `principal` holds a role that sees this entry."""
        return not self.roles or bool(self.roles & principal.roles)


class NavigationError(ValueError):
    """Two entries share a key or a path, or a path is outside the console."""


class Navigation:
    """The entries of one app, in display order."""

    def __init__(self, entries: Iterable[NavEntry] = ()) -> None:
        self._entries: list[NavEntry] = []
        for entry in entries:
            self.add(entry)

    def add(self, entry: NavEntry) -> None:
        """Register `entry`; its key and path must be new, its path under /console."""
        if entry.path != "/console" and not entry.path.startswith("/console/"):
            raise NavigationError(f"navigation entry {entry.key!r} must point under /console")
        for known in self._entries:
            if entry.key == known.key or entry.path == known.path:
                raise NavigationError(f"navigation entry {entry.key!r} clashes with {known.key!r}")
        self._entries.append(entry)
        self._entries.sort(key=lambda e: (e.order, e.key))

    def entries(self) -> list[NavEntry]:
        """Every entry, in display order."""
        return list(self._entries)

    def visible_to(self, principal: Principal) -> list[NavEntry]:
        """The entries `principal` sees, in display order."""
        return [e for e in self._entries if e.visible_to(principal)]
