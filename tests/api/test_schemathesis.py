"""Property-based API fuzzing from the OpenAPI document: no 5xx, no schema violation."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from approxlab.app import create_app
from approxlab.scenes.registry import SCENES

#: The offline-demo downloads (tag "export") each build a file from up to 101 scene
#: results: far too slow to fuzz; tests/api/test_standalone_export.py covers their answers.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app()).exclude(tag="export")

#: Scenes whose params models validate more than a JSON schema can express (a custom
#: expression must parse; a combination of parameters may exceed a documented cost limit):
#: schema-valid queries may rightly get 422 there.
SEMANTIC = {
    f"/api/v1/scenes/{sid}"
    for sid, scene in SCENES.items()
    if scene.params.__pydantic_decorators__.field_validators
    or scene.params.__pydantic_decorators__.model_validators
}


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    # POST /api/v1/pieces and /regions: layer shapes must chain, which a JSON schema cannot
    # express, so schema-valid bodies may rightly get 422 (every other check still applies);
    # a scene's
    # networks routes parse the scene's params (SEMANTIC as the scene) and answer 422 when
    # the networks exceed the export limit (250,000 parameters), which no schema states
    path = case.operation.path
    posted = path in ("/api/v1/pieces", "/api/v1/regions")
    semantic = posted or path in SEMANTIC or "/networks" in path
    excluded = [positive_data_acceptance] if semantic else []
    case.call_and_validate(excluded_checks=excluded)
