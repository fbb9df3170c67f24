"""The app of a worker process: `uvicorn frontline.web.factory:app_from_environment --factory`.

`frontline serve --workers N` starts N such processes; each builds the app from the
`FRONTLINE_*` variables the command sets for them (`Settings.as_environment`).
"""

from __future__ import annotations

from fastapi import FastAPI

from frontline.settings import Settings
from frontline.web.app import create_app


def app_from_environment() -> FastAPI:
    """The app for the settings in the environment (and .env)."""
    return create_app(Settings())
