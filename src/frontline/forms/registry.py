"""The registry of form versions: spreadsheets checked against the scenarios that name them,
stored as definitions, one version of each form active at a time.

    with write_transaction(engine) as connection:
        registered = register_form(connection, data, "elderly_visit_record.xlsx", now=now)
        registered.added, registered.version.version, registered.retired

A form belongs to the scenarios whose `forms:` list names its `form_id`; they give it its
entity type. A bound question must be a field those scenarios deliver unmasked (`full`), or
one they do not deliver at all (the app then pre-fills nothing, and the server compares the
answer with the golden record) — a binding to a masked field is refused: the worker would see
only the mask, and any answer would differ from it.

Registering the same content again changes nothing; a new version retires the one before,
which still takes submissions for `GRACE` (tasks already out with it); a version string once
registered never changes content.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path, PurePath
from typing import Any, Generic, TypeVar

from pyxform.xls2json_backends import get_xlsform  # type: ignore[import-untyped]
from sqlalchemy import Connection, Select, bindparam, func, insert, select, update

from frontline.access.masking import MaskRule
from frontline.forms.definition import FormDefinition
from frontline.forms.errors import FormError, FormProblem
from frontline.forms.models import FormVersion
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.xlsform import EXTENSIONS, FORM_ID, MAX_FORM_BYTES, read_xlsform
from frontline.scenarios import Scenario, list_scenarios
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store.hot import fetch_one

T = TypeVar("T")
GRACE = timedelta(days=7)
"""How long a retired version still takes submissions of tasks issued with it."""
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""The largest spreadsheet taken over the API (the demo's forms are about 10 KB)."""
UPLOADERS = frozenset({Role.ADMINISTRATOR, Role.DEPARTMENT_MANAGER})


@dataclass(frozen=True, slots=True)
class FormVersionInfo:
    """A registered form version, without its definition."""

    id: int
    form_id: str
    version: str
    title: str
    entity_type: str
    scenario_keys: tuple[str, ...]
    digest: str
    filename: str | None
    uploaded_by: int | None
    uploaded_at: datetime
    status: str
    retired_at: datetime | None

    def takes_submissions(self, now: datetime, task_created_at: datetime) -> bool:
        """Whether a submission of a task created at `task_created_at` may use this version
        at `now`: always while active; once retired, for `GRACE` and only for tasks that
        existed before (a task created later was never issued with it)."""
        if self.retired_at is None:
            return True
        return now < self.retired_at + GRACE and task_created_at < self.retired_at


@dataclass(frozen=True, slots=True)
class Registration:
    """What registering a spreadsheet did."""

    version: FormVersionInfo
    added: bool
    """False: the same version with the same content was registered already."""
    retired: str | None = None
    """The version this one retired, if any."""


def register_form(
    connection: Connection,
    data: bytes,
    filename: str,
    *,
    now: datetime,
    uploaded_by: Principal | None = None,
) -> Registration:
    """Check a spreadsheet against the scenarios naming its form and register it, in the
    caller's transaction (on SQLite take the write lock first: `write_transaction`).

    Raises `FormError` with every problem found (the spreadsheet itself, no scenario naming
    it, a binding to a masked field), `FormsRefused` — `form_not_yours` when `uploaded_by`
    may not register it, `form_version_taken` when its version is registered with other
    content. `uploaded_by` None is the deployment itself (set-up, the command line).
    """
    name = PurePath(filename).name or "form.xlsx"
    if uploaded_by is not None and not UPLOADERS & uploaded_by.roles:
        raise FormsRefused(Refusal.NOT_AN_UPLOADER)
    if len(data) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // 1024 // 1024
        raise FormError(
            name,
            [FormProblem(None, None, None, f"文件超过 {limit} MB", f"the file exceeds {limit} MB")],
        )
    form_id = declared_form_id(data, name)
    if form_id is None:
        # The settings sheet does not say which form this is: the full check says why.
        read_xlsform(data, name, entity_type=None)
        raise FormError(name, [_settings_problem("缺少 form_id", "the form_id is missing")])
    scenarios = [s for s in list_scenarios(connection) if form_id in s.forms]
    if not scenarios:
        raise FormError(
            name,
            [
                _settings_problem(
                    f"没有服务事项使用表单 {form_id}：请先把它写进服务事项的 forms 列表",
                    f"no scenario names the form {form_id}: list it in a scenario's forms first",
                )
            ],
        )
    if uploaded_by is not None and not _may_upload(uploaded_by, scenarios):
        raise FormsRefused(Refusal.FORM_NOT_YOURS, form_id=form_id)
    entity_types = sorted({s.entity_type for s in scenarios})
    if len(entity_types) > 1:
        keys = ", ".join(s.key for s in scenarios)
        raise FormError(
            name,
            [
                _settings_problem(
                    f"使用表单 {form_id} 的服务事项（{keys}）针对不同类型的对象",
                    f"the scenarios naming {form_id} ({keys}) are about different entity types",
                )
            ],
        )
    definition = read_xlsform(data, name, entity_type=entity_types[0])
    problems = masked_bindings(definition, scenarios)
    if problems:
        raise FormError(name, problems)
    return _store(connection, definition, scenarios, name, uploaded_by, now)


def _store(
    connection: Connection,
    definition: FormDefinition,
    scenarios: Sequence[Scenario],
    filename: str,
    uploaded_by: Principal | None,
    now: datetime,
) -> Registration:
    form_id, version = definition.form_id, definition.version
    if connection.dialect.name == "postgresql":
        # Registrations of one form take turns (SQLite's write lock does this there): two
        # new versions at once would each retire the old one and both claim to be current.
        connection.execute(select(func.pg_advisory_xact_lock(_lock_key(form_id))))
    existing = connection.execute(
        select(FormVersion.id, FormVersion.digest).where(
            FormVersion.form_id == form_id, FormVersion.version == version
        )
    ).one_or_none()
    if existing is not None:
        if existing.digest != definition.digest:
            raise FormsRefused(
                Refusal.FORM_VERSION_TAKEN,
                form_id=form_id,
                version=version,
                suggestion=_next_version(version),
            )
        found = form_version(connection, form_id, version)
        if found is None:  # read in this transaction: only a broken store loses it
            raise LookupError(f"form {form_id} version {version} vanished")
        return Registration(found, added=False)
    retired = connection.execute(
        update(FormVersion)
        .where(FormVersion.form_id == form_id, FormVersion.current.is_(True))
        .values(status="retired", current=None, retired_at=now)
        .returning(FormVersion.version)
    ).scalar_one_or_none()
    connection.execute(
        insert(FormVersion).values(
            form_id=form_id,
            version=version,
            scenario_keys=sorted(s.key for s in scenarios),
            definition=definition.to_document(),
            digest=definition.digest,
            entity_type=definition.entity_type or scenarios[0].entity_type,
            title=definition.title["zh"][:200],
            filename=filename[:255],
            uploaded_by=uploaded_by.staff_id if uploaded_by is not None else None,
            uploaded_at=now,
            status="active",
            current=True,
            retired_at=None,
        )
    )
    found = form_version(connection, form_id, version)
    if found is None:  # written in this transaction: only a broken store loses it
        raise LookupError(f"form {form_id} version {version} vanished")
    return Registration(found, added=True, retired=retired)


def register_folder(
    connection: Connection, folder: Path, *, now: datetime
) -> list[tuple[str, Registration]]:
    """Register every spreadsheet of a deployment's forms folder (`*.xlsx`, `*.xls`), by file
    name; the first that cannot be registered raises (`FormError`, `FormsRefused`)."""
    return [
        (path.name, register_form(connection, path.read_bytes(), path.name, now=now))
        for path in form_files(folder)
    ]


def form_files(folder: Path) -> list[Path]:
    """The spreadsheets of a forms folder, by name (other files, such as a README, are not
    forms)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS)


def masked_bindings(definition: FormDefinition, scenarios: Iterable[Scenario]) -> list[FormProblem]:
    """A problem for every bound question whose field a scenario naming the form masks."""
    problems: list[FormProblem] = []
    for question in definition.bound_questions():
        field = question.bind or ""
        for scenario in scenarios:
            rule = scenario.fields.get(field)
            if rule is None or rule == MaskRule.FULL:
                continue
            problems.append(
                FormProblem(
                    "survey",
                    question.row,
                    "golden_field",
                    f"服务事项 {scenario.key} 以“{rule.value}”方式遮蔽字段 {field}，网格员只能看到"
                    "遮蔽后的值，不能绑定：请去掉绑定，或让服务事项完整提供该字段",
                    f"the scenario {scenario.key} masks {field} ({rule.value}), so the worker "
                    "sees only the mask: remove the binding, or have the scenario deliver the "
                    "field in full",
                )
            )
    return problems


def declared_form_id(data: bytes, filename: str) -> str | None:
    """The `form_id` a spreadsheet's settings sheet declares, when it is readable and valid:
    the scenarios naming it decide the entity type the form is read with."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS or len(data) > MAX_FORM_BYTES:
        return None
    try:
        workbook = get_xlsform(data, file_type=suffix)
    except Exception:  # pyxform and its readers raise many kinds; all mean unreadable
        return None
    rows = workbook.settings or []
    value = str(rows[0].get("form_id") or "").strip() if rows else ""
    return value if FORM_ID.fullmatch(value) else None


def _may_upload(principal: Principal, scenarios: Iterable[Scenario]) -> bool:
    if principal.has(Role.ADMINISTRATOR):
        return True
    return principal.has(Role.DEPARTMENT_MANAGER) and any(
        s.department == principal.department for s in scenarios
    )


def _lock_key(form_id: str) -> int:
    digest = hashlib.sha256(f"frontline.forms:{form_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _settings_problem(zh: str, en: str) -> FormProblem:
    return FormProblem("settings", 2, "form_id", zh, en)


def _next_version(version: str) -> str:
    """A version after `version` to suggest: its last number plus one, else `-2` added."""
    found = re.search(r"(\d+)$", version)
    if found is None:
        return f"{version}-2"
    number = found.group(1)
    return version[: found.start()] + str(int(number) + 1).zfill(len(number))


# -- reading ------------------------------------------------------------------------------


def _info(row: Any) -> FormVersionInfo:
    return FormVersionInfo(
        id=row.id,
        form_id=row.form_id,
        version=row.version,
        title=row.title,
        entity_type=row.entity_type,
        scenario_keys=tuple(row.scenario_keys),
        digest=row.digest,
        filename=row.filename,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        status=row.status,
        retired_at=row.retired_at,
    )


_COLUMNS = (
    FormVersion.id,
    FormVersion.form_id,
    FormVersion.version,
    FormVersion.title,
    FormVersion.entity_type,
    FormVersion.scenario_keys,
    FormVersion.digest,
    FormVersion.filename,
    FormVersion.uploaded_by,
    FormVersion.uploaded_at,
    FormVersion.status,
    FormVersion.retired_at,
)


def form_version(connection: Connection, form_id: str, version: str) -> FormVersionInfo | None:
    """One registered version, or None."""
    row = fetch_one(connection, _one_version(), {"form_id": form_id, "version": version})
    return None if row is None else _info(row)


@cache
def _one_version() -> Select[*tuple[Any, ...]]:
    """The statement of `form_version`, built once: every submission runs it, and building
    it costs more than running it."""
    return select(*_COLUMNS).where(
        FormVersion.form_id == bindparam("form_id"), FormVersion.version == bindparam("version")
    )


def current_version(connection: Connection, form_id: str) -> FormVersionInfo | None:
    """The active version of a form, or None."""
    row = connection.execute(
        select(*_COLUMNS).where(FormVersion.form_id == form_id, FormVersion.current.is_(True))
    ).one_or_none()
    return None if row is None else _info(row)


def form_history(connection: Connection, form_id: str) -> list[FormVersionInfo]:
    """Every registered version of a form, newest first."""
    query = (
        select(*_COLUMNS)
        .where(FormVersion.form_id == form_id)
        .order_by(FormVersion.uploaded_at.desc(), FormVersion.id.desc())
    )
    return [_info(row) for row in connection.execute(query)]


def list_forms(connection: Connection) -> list[FormVersionInfo]:
    """Each form's latest version — the active one, else the newest retired — by form id."""
    latest: dict[str, FormVersionInfo] = {}
    query = select(*_COLUMNS).order_by(
        FormVersion.form_id, FormVersion.uploaded_at.desc(), FormVersion.id.desc()
    )
    for row in connection.execute(query):
        info = _info(row)
        known = latest.get(info.form_id)
        if known is None or (known.status != "active" and info.status == "active"):
            latest[info.form_id] = info
    return [latest[key] for key in sorted(latest)]


def form_document(connection: Connection, form_id: str, version: str) -> dict[str, Any] | None:
    """The definition document of one version (what the app renders), or None."""
    found = connection.execute(
        select(FormVersion.definition).where(
            FormVersion.form_id == form_id, FormVersion.version == version
        )
    ).scalar_one_or_none()
    return None if found is None else dict(found)


def active_documents(connection: Connection, form_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The definition documents of the active versions of `form_ids`, in that order (a form
    with no registered version is left out): what a task's package carries.

    Every package asks this, so only ids and digests are read; a document is read once per
    digest and kept (a version never changes)."""
    if not form_ids:
        return []
    rows = connection.execute(_active(), {"forms": list(form_ids)}).all()
    digests = {row.form_id: (row.id, row.digest) for row in rows}
    cache = _documents()
    found: list[dict[str, Any]] = []
    for form_id in form_ids:
        known = digests.get(form_id)
        if known is None:
            continue
        document = cache.get(known[1])
        if document is None:
            stored = connection.execute(
                select(FormVersion.definition).where(FormVersion.id == known[0])
            ).scalar_one()
            document = cache.put(known[1], stored)
        found.append(dict(document))
    return found


@cache
def _active() -> Select[int, str, str]:
    """The statement of `active_documents`, built once."""
    return select(FormVersion.id, FormVersion.form_id, FormVersion.digest).where(
        FormVersion.form_id.in_(bindparam("forms", expanding=True)),
        FormVersion.current.is_(True),
    )


def definition_of(connection: Connection, version_id: int, digest: str) -> FormDefinition:
    """The parsed definition of a stored version (parsed once per digest, then shared)."""
    parsed = _definitions().get(digest)
    if parsed is not None:
        return parsed
    stored = connection.execute(
        select(FormVersion.definition).where(FormVersion.id == version_id)
    ).scalar_one()
    definition = FormDefinition.from_document(stored)
    if definition.digest == digest:  # a row edited behind the registry's back is never shared
        _definitions().put(digest, definition)
    return definition


class _Kept(Generic[T]):
    """Values by digest, at most `limit` of them, shared by a process's threads."""

    def __init__(self, limit: int = 64) -> None:
        self._limit = limit
        self._by_digest: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> T | None:
        return self._by_digest.get(digest)

    def put(self, digest: str, value: T) -> T:
        with self._lock:
            if len(self._by_digest) >= self._limit:
                self._by_digest.clear()
            self._by_digest[digest] = value
        return value


@cache
def _documents() -> _Kept[Mapping[str, Any]]:
    return _Kept()


@cache
def _definitions() -> _Kept[FormDefinition]:
    return _Kept()
