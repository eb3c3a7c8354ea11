"""The API in the permission matrix. A signed-in session is no API credential: every /api/v1 route
answers 401 to every role, cookie or not (tokens are checked in tests/api/test_token_matrix.py). The
description and its page are public. The API tokens page is read by an organisation's members and
changed by its owners (recruiter A owns Company A in the matrix's world); everyone else gets 404."""
from __future__ import annotations

from fair.api import services as tokens
from fair.companies.models import Booth
from tests.matrix import Check, everyone, only

RA = "recruiter_a"
T = "/organisations/{api_company_a}/api-tokens"


def _api(method: str, path: str) -> list[Check]:
    return [Check(method, lambda i: path.format(**i), everyone(401))]


EXPECTED: dict[str, list[Check]] = {
    "api.openapi": [Check("GET", lambda i: "/api/v1/openapi.json", everyone(200))],
    "api.docs": [Check("GET", lambda i: "/api/v1/docs", everyone(200))],
    "api.offers": _api("GET", "/api/v1/offers"),
    "api.create_offer": _api("POST", "/api/v1/offers"),
    "api.offer": _api("GET", "/api/v1/offers/{offer_a}"),
    "api.update_offer": _api("PATCH", "/api/v1/offers/{offer_a}"),
    "api.applications": _api("GET", "/api/v1/applications"),
    "api.application": _api("GET", "/api/v1/applications/1"),
    "api.update_application": _api("PATCH", "/api/v1/applications/1"),
    "api.bookings": _api("GET", "/api/v1/bookings"),
    "api.booking": _api("GET", "/api/v1/bookings/1"),
    "api.cancel_booking": _api("POST", "/api/v1/bookings/1/cancel"),
    "api.outcomes": _api("GET", "/api/v1/outcomes"),
    "api.outcome": _api("GET", "/api/v1/outcomes/1"),
    "api.record_outcome": _api("POST", "/api/v1/outcomes"),
    "api.tokens": [
        Check("GET", lambda i: T.format(**i), only({RA: 200})),
        Check("GET", lambda i: "/organisations/{api_organiser_f}/api-tokens".format(**i), only({"organiser_f": 200})),
    ],
    "api.create_token": [Check("POST", lambda i: T.format(**i), only({RA: 201}),
                               data={"name": "ATS", "scopes": ["offers:read"]})],
    "api.revoke_token": [
        Check("POST", lambda i: (T + "/{api_token_a}/revoke").format(**i), only({RA: 302})),
        # Company B's address with Company A's token: found nowhere.
        Check("POST", lambda i: "/organisations/{api_company_b}/api-tokens/{api_token_a}/revoke".format(**i),
              only({})),
    ],
}

RUN_LAST = ["api.revoke_token"]


def build(factory, session, world) -> None:
    booth_a, booth_b = session.get(Booth, world.ids["booth_a"]), session.get(Booth, world.ids["booth_b"])
    token, _secret = tokens.create_token(session, booth_a.company, name="Matrix", scopes=["offers:read"],
                                         created_by=None)
    session.flush()
    world.ids.update(api_company_a=booth_a.company_id, api_company_b=booth_b.company_id, api_token_a=token.id,
                     api_organiser_f=booth_a.edition.organiser_id)
