"""Who is asking: the signed-in staff member a request acts for."""

from __future__ import annotations

from dataclasses import dataclass

from frontline.staff.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in staff member, as the access policy sees them.

    ``area`` is the code of the root of their area scope (a division, street, community or
    grid code); they act only on subjects placed inside that subtree.
    """

    staff_id: int
    username: str
    display_name: str
    department: str
    roles: frozenset[Role]
    area: str
    session_id: str
    device_id: str | None = None

    def has(self, role: Role) -> bool:
        """Whether the member holds ``role``."""
        return role in self.roles
