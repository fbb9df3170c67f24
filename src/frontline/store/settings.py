"""Where the serving database is: one URL, read from the environment when asked.

SQLite (a file) is the default so a deployment runs with nothing installed; production
points `FRONTLINE_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user:pw@host/db`).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import make_url

DATABASE_URL_VARIABLE = "FRONTLINE_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///var/frontline.db"


def database_url(env: Mapping[str, str]) -> str:
    """The database URL configured in `env` (e.g. `os.environ`), else the SQLite default.

    The default is relative to the working directory, like the rest of a deployment folder.
    """
    return env.get(DATABASE_URL_VARIABLE, "").strip() or DEFAULT_DATABASE_URL


def safe_url(url: str) -> str:
    """`url` with its password masked, for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)
