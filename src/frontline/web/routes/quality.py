"""`GET /api/v1/quality/departments`: data quality by department, from the latest integration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from frontline.staff.principal import Principal
from frontline.web.department_quality import READERS, QualityOverview, department_quality
from frontline.web.deps import ConnectionDep, require_roles
from frontline.web.features import Feature
from frontline.web.problems import problem_responses

ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]


def router() -> APIRouter:
    """The data quality routes."""
    api = APIRouter(prefix="/api/v1/quality", tags=["quality"])

    @api.get("/departments", response_model=QualityOverview, responses=problem_responses(401, 403))
    def departments(connection: ConnectionDep, principal: ReaderDep) -> QualityOverview:
        """Each department's latest scores and open issues by type.

        For data stewards and administrators every department; for a department manager
        their own. `run` is null until an integration run has been published.
        """
        return department_quality(connection, principal)

    return api


def feature() -> Feature:
    """Data quality over the API."""
    return Feature(name="quality", routers=(router(),))
