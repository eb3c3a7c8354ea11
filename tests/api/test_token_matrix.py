"""The token matrix: every API route × (no token, a revoked token, a token without the route's scope,
another organisation's token, the right token), with the answer each must get. A new API route without
a line here fails, as a new page without a line in the permission matrix does (tests/test_permissions.py,
where session cookies get 401 from every API route: tests/api/permission_rules.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from fair.accounts.models import Organisation, User
from fair.api import services as tokens
from fair.api.models import SCOPES
from tests.api.world import bearer, make_token


@dataclass
class Route:
    method: str
    path: Callable[[object], str]
    scope: str
    right: int            # what the right token gets
    other: int = 404      # what another organisation's token (with every scope) gets
    body: dict | None = None


OFFER = {"title": "Préparateur", "contract_type": "cdi", "place": "Lille", "description": "Entrepôt"}

MATRIX: dict[str, Route] = {
    "api.offers": Route("GET", lambda i: "/api/v1/offers", "offers:read", 200, other=200),
    "api.create_offer": Route("POST", lambda i: "/api/v1/offers", "offers:write", 201,
                              body=lambda i: {**OFFER, "booth_id": i.booth_a}),
    "api.offer": Route("GET", lambda i: f"/api/v1/offers/{i.offer_a}", "offers:read", 200),
    "api.update_offer": Route("PATCH", lambda i: f"/api/v1/offers/{i.offer_a}", "offers:write", 200,
                              body=lambda i: {"positions": 2}),
    "api.applications": Route("GET", lambda i: "/api/v1/applications", "applications:read", 200, other=200),
    "api.application": Route("GET", lambda i: f"/api/v1/applications/{i.application_a}", "applications:read", 200),
    "api.update_application": Route("PATCH", lambda i: f"/api/v1/applications/{i.application_a}",
                                    "applications:write", 200, body=lambda i: {"status": "shortlisted"}),
    "api.bookings": Route("GET", lambda i: "/api/v1/bookings", "bookings:read", 200, other=200),
    "api.booking": Route("GET", lambda i: f"/api/v1/bookings/{i.booking}", "bookings:read", 200),
    "api.cancel_booking": Route("POST", lambda i: f"/api/v1/bookings/{i.booking}/cancel", "bookings:write", 200,
                                body=lambda i: {"reason": "Poste pourvu"}),
    "api.outcomes": Route("GET", lambda i: "/api/v1/outcomes", "outcomes:read", 200, other=200),
    "api.record_outcome": Route("POST", lambda i: "/api/v1/outcomes", "outcomes:write", 201,
                                body=lambda i: {"application_id": i.application_a, "contract": "cdi",
                                                "starts_on": HIRED_ON, "weekly_hours": 35,
                                                "job_title": "Cariste"}),
    "api.outcome": Route("GET", lambda i: f"/api/v1/outcomes/{i.outcome}", "outcomes:read", 200),
}
PUBLIC = {"api.openapi", "api.docs"}
HIRED_ON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_every_api_route_is_in_the_token_matrix(app):
    served = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert served - PUBLIC == set(MATRIX)


def test_token_matrix(client, session, world):
    alpha, rita = session.get(Organisation, world.i.alpha), session.get(User, world.i.rita)
    revoked_secret = make_token(session, alpha, by=rita, name="Old")
    revoked = tokens.authenticate(session, revoked_secret)
    tokens.revoke(session, revoked, by=rita)
    session.commit()
    right = {scope: make_token(session, alpha, [scope], by=rita, name=scope) for scope in SCOPES}
    # Everything but the route's resource: a write scope reads too, so both are left out.
    wrong = {scope: make_token(session, alpha, [s for s in SCOPES if s.split(":")[0] != scope.split(":")[0]],
                               by=rita, name=f"not {scope}") for scope in SCOPES}
    conditions = {
        "no token": (lambda r: {}, lambda r: 401),
        "revoked token": (lambda r: bearer(revoked_secret), lambda r: 401),
        "wrong scope": (lambda r: bearer(wrong[r.scope]), lambda r: 403),
        "other organisation": (lambda r: bearer(world.beta_token), lambda r: r.other),
        "right token": (lambda r: bearer(right[r.scope]), lambda r: r.right),
    }
    failures = []
    for endpoint, route in MATRIX.items():
        for condition, (headers, expected) in conditions.items():
            body = route.body(world.i) if route.body else None
            response = client.open(route.path(world.i), method=route.method, headers=headers(route), json=body)
            want = expected(route)
            if response.status_code != want:
                failures.append(f"{route.method} {route.path(world.i)} [{endpoint}] with {condition}: "
                                f"got {response.status_code}, expected {want}")
            elif want >= 400 and response.mimetype != "application/problem+json":
                failures.append(f"{endpoint} with {condition}: {response.mimetype}, not problem details")
            if condition == "other organisation" and want == 200:
                listed = {item["id"] for item in response.get_json()["data"]}
                alphas = {"api.offers": world.i.offer_a, "api.applications": world.i.application_a,
                          "api.bookings": world.i.booking, "api.outcomes": world.i.outcome}[endpoint]
                if alphas in listed:
                    failures.append(f"{endpoint}: Beta's token lists Alpha's object {alphas}")
    assert not failures, "\n".join(failures)
