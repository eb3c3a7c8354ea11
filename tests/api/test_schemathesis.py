"""The API fuzzed from its own OpenAPI description by schemathesis, against the real app (its WSGI
side) and a real database: for each operation, cases drawn from the schemas (and broken on purpose),
sent with a token holding exactly the operation's scope. No answer may be a server error, and every
answer must match the description: its status, content type, headers and body schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from fair.api import spec
from fair.api.models import SCOPES
from tests.api.world import build, make_token

EXAMPLES = 25  # per operation and mode
# Left out: negative_data_rejection, which wants unknown query parameters refused; the API ignores them
# on purpose (a client written for a later version keeps working).
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.unsupported_method,
          checks.missing_required_header]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "API_RATE_LIMIT": "100000 per minute"}


class FreshContext:
    """Each request in its own app context, as in production (see tests/conftest.py: _OwnContextClient)."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return list(self.app.wsgi_app(environ, start_response))


@pytest.fixture
def fuzzed(app, factory, session):
    world = build(factory, session)
    from fair.accounts.models import Organisation, User

    alpha, rita = session.get(Organisation, world.i.alpha), session.get(User, world.i.rita)
    world.own_ids = {"offer_id": world.i.offer_a, "application_id": world.i.application_a,
                     "booking_id": world.i.booking, "outcome_id": world.i.outcome}
    world.by_scope = {scope: make_token(session, alpha, [scope], by=rita, name=scope) for scope in SCOPES}
    return world


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_the_api_keeps_its_description(app, fuzzed, mode):
    """Positive cases (valid by the schemas) and negative ones (broken on purpose), per operation."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContext(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in spec.PATHS.values())
    for operation in operations:
        scope = spec.PATHS[operation.path][operation.method.lower()]["x-scope"]
        headers = {"Authorization": f"Bearer {fuzzed.by_scope[scope]}"}
        _fuzz(operation.as_strategy(mode), headers)
        if mode is GenerationMode.POSITIVE and "{" in operation.path:
            # Random ids mostly find nothing (404): also aim at Alpha's own objects, so that valid bodies
            # reach the services (offers changed, applications moved, interviews cancelled).
            _fuzz(operation.as_strategy(mode, path_parameters=fuzzed.own_ids), headers)


def _fuzz(strategy, headers: dict[str, str]) -> None:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
