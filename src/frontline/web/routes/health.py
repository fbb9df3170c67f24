"""`GET /healthz`: whether the service can reach its database (for load balancers and probes)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from frontline import __version__
from frontline.web.deps import EngineDep
from frontline.web.features import Feature
from frontline.web.problems import UNAVAILABLE, Problem, problem_responses


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    version: str


def router() -> APIRouter:
    """The health check."""
    api = APIRouter(tags=["health"])

    @api.get("/healthz", response_model=Health, responses=problem_responses(503))
    def healthz(engine: EngineDep) -> Health:
        """`ok` when the database answers; a 503 problem when it does not."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            raise Problem(UNAVAILABLE) from None
        return Health(status="ok", database="ok", version=__version__)

    return api


def feature() -> Feature:
    """The health check."""
    return Feature(name="health", routers=(router(),))
