"""Schemathesis against the spec, signed in: no server errors, every answer as declared.

Each operation gets generated requests (valid and invalid) with a data steward's token; the
checks are schemathesis' defaults — status codes, content types and bodies as the spec says.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.checks import CheckFunction
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from sqlalchemy import Engine

from tests.quality.factories import City, publish_city
from tests.web.client import Client
from tests.web.conftest import sign_in

# Sign-in and refresh need credentials no generator can guess: a well-formed request that is
# refused (401) is right there, not a bug.
CREDENTIAL_ROUTES = ("/api/v1/auth/sign-in", "/api/v1/auth/refresh")


@pytest.fixture
def token(client: Client, engine: Engine) -> str:
    publish_city(engine, City(scale=0.01))
    return str(sign_in(client, "steward")["access_token"])


def test_the_api_answers_as_its_spec_says(app: FastAPI, token: str) -> None:
    # The operations are looped over here rather than parametrized (schemathesis' pytest
    # plugin does not load on this pytest), each with its own Hypothesis run.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 6
    for operation in operations:
        excluded = (
            [checks.positive_data_acceptance]
            if operation.path in CREDENTIAL_ROUTES and operation.method.upper() == "POST"
            else []
        )
        bearer = token
        if operation.path == "/api/v1/auth/sign-out":
            # Signing out would end the token every other operation uses.
            excluded.append(checks.ignored_auth)
            bearer = "not-a-token"
        _answers_as_declared(operation, bearer, excluded)


def _answers_as_declared(
    operation: APIOperation[Any, Any, Any, Any], bearer: str, excluded: list[CheckFunction]
) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def answers(case: Case[Any]) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {bearer}"}, excluded_checks=excluded
        )

    answers()
