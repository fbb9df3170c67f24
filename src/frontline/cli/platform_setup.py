"""The demo's platform step: areas and grids, scenarios and their forms, staff, the audit key
and tasks.

Everything here is idempotent, so running the demo again over the same folder changes
nothing but the demo accounts' passwords (issued afresh each time, shown once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from frontline.areas import load_areas, place_subjects
from frontline.audit import Signer
from frontline.devices.enrolment import issue_enrolment_code
from frontline.forms.registry import register_folder
from frontline.scenarios import load_scenarios, register_scenarios
from frontline.staff import accounts
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.store.base import utc_now
from frontline.tasks.demo import seed_demo_tasks


@dataclass(frozen=True)
class Deployment:
    """The folders a deployment keeps its declarations in."""

    scenarios: Path
    staff: Path
    forms: Path | None = None
    """The XLSForm spreadsheets its scenarios name; default `forms/` beside `scenarios/`."""

    @property
    def forms_folder(self) -> Path | None:
        """The forms folder, when there is one."""
        folder = self.forms if self.forms is not None else self.scenarios.parent / "forms"
        return folder if folder.is_dir() else None


def set_up(
    engine: Engine,
    deployment: Deployment,
    areas_folder: Path,
    signer: Signer,
    as_of: date,
    console: Console,
    *,
    today: date | None = None,
) -> dict[str, str]:
    """Load the areas (valid from `as_of`) and place the residents, register the scenarios
    and their forms, load the staff and seed the demo's tasks as of `today` (default `as_of`;
    their transitions audited and checkpointed with `signer`); return the staff's initial
    passwords (username → password)."""
    with write_transaction(engine) as connection:
        imported = load_areas(connection, areas_folder, as_of=as_of)
        placed = place_subjects(connection)
        registered = register_scenarios(connection, load_scenarios(deployment.scenarios))
        folder = deployment.forms_folder
        forms = register_folder(connection, folder, now=utc_now()) if folder else []
        staff = accounts.apply_staff_file(connection, accounts.load_staff_file(deployment.staff))
        passwords = accounts.issue_initial_passwords(connection, reset=True)
        tasks = seed_demo_tasks(connection, today=today or as_of, signer=signer)
    grids = sum(1 for _ in imported.grids_opened)
    console.print(
        f"网格 grids: {grids} opened 新建; 居民 residents: {placed.placed_total:,} of "
        f"{placed.subjects:,} placed in a grid 已落入网格"
        + (f" (unplaced 未落格: {placed.unplaced})" if placed.unplaced else "")
    )
    console.print(
        f"服务事项 scenarios: {len(registered.added)} registered 新登记, "
        f"{len(registered.unchanged)} unchanged 未变; 表单 forms: "
        f"{sum(1 for _, r in forms if r.added)} registered 新登记, "
        f"{sum(1 for _, r in forms if not r.added)} unchanged 未变; "
        f"人员 staff: {len(staff.staff_added)} added "
        f"新增; 工单 tasks: {sum(tasks.created.values())} created 新建, {tasks.assigned} "
        f"assigned 已派发"
    )
    return passwords


def show_accounts(engine: Engine, passwords: dict[str, str], console: Console) -> None:
    """The demo accounts, one per role, with the passwords just issued (one line each, so a
    narrow terminal never cuts a password short)."""
    with engine.connect() as connection:
        members = accounts.list_staff(connection)
    console.print("演示账号 demo accounts (passwords shown once 密码仅显示一次):")
    for member in members:
        roles = ", ".join(f"{r.label_zh} {r.value}" for r in sorted(member.roles))
        console.print(
            f"  {escape(member.username):<8} {escape(passwords.get(member.username, '—'))}  "
            f"[dim]{escape(roles)} · {escape(member.department)} · {escape(member.area)}[/dim]",
            soft_wrap=True,
        )


def show_enrolment(engine: Engine, console: Console, port: int, *, as_of: datetime) -> None:
    """An enrolment code for the first demo worker's phone, issued by the first demo
    administrator, with the link the app opens it with."""
    with write_transaction(engine) as connection:
        members = accounts.list_staff(connection)
        admin = next((m for m in members if Role.ADMINISTRATOR in m.roles), None)
        worker = next((m for m in members if Role.WORKER in m.roles), None)
        if admin is None or worker is None:
            return
        issuer = Principal(
            staff_id=admin.id,
            username=admin.username,
            display_name=admin.display_name,
            department=admin.department,
            roles=admin.roles,
            area=admin.area,
            session_id="demo",
        )
        issued = issue_enrolment_code(connection, issuer, staff_id=worker.id, now=as_of)
    console.print(
        f"手机绑定码 phone enrolment code for {escape(worker.username)}: "
        f"[bold]{issued.code}[/bold] (valid 24 h 24 小时内有效) → "
        f"http://localhost:{port}/app/?enrol={issued.code}",
        soft_wrap=True,
    )
