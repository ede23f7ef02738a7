"""Property-based API fuzzing from the OpenAPI document: no 5xx, no schema violation."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from approxlab.app import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
