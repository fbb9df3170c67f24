"""The schema's migrations, packaged inside `frontline.store` — no alembic.ini needed.

The Alembic configuration is built in code; its script location is the `migrations`
folder of this package, found through importlib.resources wherever it is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

from frontline.store.engine import begin_write, create_engine_for


@contextmanager
def alembic_config(
    connection: Connection | None = None, metadata: MetaData | None = None
) -> Iterator[Config]:
    """An Alembic configuration for the packaged migrations, run on `connection`.

    `metadata` is what autogenerate compares against; it defaults to `Base.metadata`
    (every table whose module has been imported).
    """
    with resources.as_file(resources.files("frontline.store") / "migrations") as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        config.set_main_option("path_separator", "os")
        config.attributes["connection"] = connection
        config.attributes["target_metadata"] = metadata
        yield config


def upgrade(target: Engine | str, revision: str = "head") -> None:
    """Migrate the database at `target` (an engine or a URL) to `revision`."""
    engine = create_engine_for(target) if isinstance(target, str) else target
    try:
        with (
            engine.connect() as connection,
            begin_write(connection),
            alembic_config(connection) as config,
        ):
            command.upgrade(config, revision)
    finally:
        if isinstance(target, str):
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision the package ships."""
    with alembic_config() as config:
        head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError("the packaged migrations have no head revision")
    return head
