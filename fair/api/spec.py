"""The OpenAPI 3.1 description of /api/v1, written by hand as one dict, and the checker of request
bodies against its schemas.

Why by hand: the API is small, its schemas are plain JSON Schema (which OpenAPI 3.1 is), and no
schema library is among the project's dependencies. The same dicts serve three readers: the document
at /api/v1/openapi.json, the page at /api/v1/docs, and `check_body`, which refuses a body that does
not match before any service sees it. schemathesis (tests/api) then checks that every answer matches
the document, so the code cannot drift from it unnoticed.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fair.api.models import SCOPES
from fair.candidates.models import ApplicationStatus, RejectionReason
from fair.companies.models import ContractType, RemoteMode
from fair.jobdating.models import Attendance, BookingStatus, SlotMode
from fair.jobdating.models import Outcome as InterviewOutcome
from fair.outcomes.models import ContractType as OutcomeContract
from fair.outcomes.models import RecordedAs

PAGE_MAX = 100
PAGE_DEFAULT = 50


def _values(enum_type) -> list[str]:
    return [member.value for member in enum_type]


def _nullable(schema: dict) -> dict:
    if "enum" in schema:
        return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1}

OFFER_FIELDS = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "contract_type": {"type": "string", "enum": [c.value for c in ContractType if c is not ContractType.other]},
    "positions": {"type": "integer", "minimum": 1, "maximum": 500},
    "place": {"type": "string", "minLength": 1, "maxLength": 120},
    "remote": {"type": "string", "enum": _values(RemoteMode)},
    "description": {"type": "string", "minLength": 1, "maxLength": 10000},
    "requirements": {"type": "string", "maxLength": 10000},
    "rome_code": {"type": ["string", "null"], "pattern": "^[A-Z][0-9]{4}$"},
    "open_to_beginners": BOOLEAN,
    "is_published": BOOLEAN,
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; title and detail in the language of Accept-Language.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": STRING, "title": STRING, "status": INTEGER, "detail": STRING, "instance": STRING,
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["pointer", "detail"],
                "properties": {"pointer": STRING, "detail": STRING}}},
        },
    },
    "Offer": {
        "type": "object",
        "required": ["id", "booth_id", "edition_id", "company_id", "title", "contract_type", "positions", "place",
                     "remote", "description", "requirements", "rome_code", "open_to_beginners", "is_published",
                     "created_at", "updated_at"],
        "properties": {
            "id": ID, "booth_id": ID, "edition_id": ID, "company_id": ID,
            **OFFER_FIELDS,
            "title": STRING, "place": STRING, "description": STRING, "requirements": STRING,
            "contract_type": {"type": "string", "enum": _values(ContractType)},
            "positions": INTEGER, "rome_code": _nullable(STRING),
            "created_at": DATETIME, "updated_at": DATETIME,
        },
    },
    "OfferCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["booth_id", "title", "contract_type", "place", "description"],
        "properties": {"booth_id": ID, **OFFER_FIELDS},
    },
    "OfferUpdate": {"type": "object", "additionalProperties": False, "properties": OFFER_FIELDS},
    "Candidate": {
        "type": "object",
        "description": "Who applied or booked. In an anonymised edition until an interview is booked, and for a "
                       "withdrawn application, only `label` is given and every other field is null.",
        "required": ["anonymised", "label", "name", "email", "phone", "postcode", "city", "birth_year"],
        "properties": {
            "anonymised": BOOLEAN, "label": STRING, "name": _nullable(STRING), "email": _nullable(STRING),
            "phone": _nullable(STRING), "postcode": _nullable(STRING), "city": _nullable(STRING),
            "birth_year": _nullable(INTEGER),
        },
    },
    "Application": {
        "type": "object",
        "required": ["id", "offer_id", "booth_id", "edition_id", "status", "rejection_reason", "message",
                     "created_at", "status_changed_at", "interview_booked_at", "candidate"],
        "properties": {
            "id": ID, "offer_id": ID, "booth_id": ID, "edition_id": ID,
            "status": {"type": "string", "enum": _values(ApplicationStatus)},
            "rejection_reason": _nullable({"type": "string", "enum": _values(RejectionReason)}),
            "message": _nullable(STRING), "created_at": DATETIME, "status_changed_at": DATETIME,
            "interview_booked_at": _nullable(DATETIME), "candidate": {"$ref": "#/components/schemas/Candidate"},
        },
    },
    "ApplicationUpdate": {
        "type": "object", "additionalProperties": False, "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["shortlisted", "invited", "rejected"]},
            "rejection_reason": _nullable({"type": "string", "enum": _values(RejectionReason)}),
        },
    },
    "Booking": {
        "type": "object",
        "required": ["id", "booth_id", "edition_id", "status", "mode", "starts_at", "ends_at", "confirmed_at",
                     "cancelled_at", "cancel_reason", "attendance", "outcome", "created_at", "candidate"],
        "properties": {
            "id": ID, "booth_id": ID, "edition_id": ID,
            "status": {"type": "string", "enum": _values(BookingStatus)},
            "mode": {"type": "string", "enum": _values(SlotMode)},
            "starts_at": DATETIME, "ends_at": DATETIME, "confirmed_at": _nullable(DATETIME),
            "cancelled_at": _nullable(DATETIME), "cancel_reason": _nullable(STRING),
            "attendance": _nullable({"type": "string", "enum": _values(Attendance)}),
            "outcome": _nullable({"type": "string", "enum": _values(InterviewOutcome)}),
            "created_at": DATETIME, "candidate": {"$ref": "#/components/schemas/Candidate"},
        },
    },
    "BookingCancel": {
        "type": "object", "additionalProperties": False, "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000,
                                  "description": "Told to the candidate."}},
    },
    "Outcome": {
        "type": "object",
        "description": "What became of a person: it names no one (read the application or booking it cites).",
        "required": ["id", "edition_id", "company_id", "employer_name", "booking_id", "application_id", "contract",
                     "job_title", "starts_on", "weekly_hours", "social_clause", "recorded_as", "created_at",
                     "updated_at"],
        "properties": {
            "id": ID, "edition_id": _nullable(INTEGER), "company_id": _nullable(INTEGER), "employer_name": STRING,
            "booking_id": _nullable(INTEGER), "application_id": _nullable(INTEGER),
            "contract": {"type": "string", "enum": _values(OutcomeContract)}, "job_title": STRING,
            "starts_on": {"type": "string", "format": "date"}, "weekly_hours": _nullable({"type": "number"}),
            "social_clause": BOOLEAN, "recorded_as": {"type": "string", "enum": _values(RecordedAs)},
            "created_at": DATETIME, "updated_at": DATETIME,
        },
    },
    "OutcomeCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["contract", "starts_on", "weekly_hours", "job_title"],
        "description": "A hire from one of the company's interviews (marked hired on the interview day) or "
                       "applications: exactly one of `booking_id` and `application_id`. Recording it again changes it.",
        "properties": {
            "booking_id": ID, "application_id": ID,
            "contract": {"type": "string", "enum": _values(OutcomeContract)},
            "starts_on": {"type": "string", "format": "date"},
            "job_title": {"type": "string", "minLength": 1, "maxLength": 200},
            "weekly_hours": {"type": "number", "minimum": 1, "maximum": 48},
            "social_clause": BOOLEAN,
            "social_clause_contract": {"type": "string", "maxLength": 200},
        },
    },
}

for _name in ("Offer", "Application", "Booking", "Outcome"):
    SCHEMAS[_name + "Page"] = {
        "type": "object", "required": ["data", "next_cursor"],
        "properties": {"data": {"type": "array", "items": {"$ref": f"#/components/schemas/{_name}"}},
                       "next_cursor": {**_nullable(STRING), "description": "Pass it as `cursor` for the next page; "
                                                                           "null on the last page."}},
    }


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(schema: str, description: str = "OK") -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


COMMON = {"401": _problem("No token, or an unknown, revoked or expired one."),
          "403": _problem("The token lacks the scope."),
          "405": _problem("Method not allowed."),
          "429": _problem("Too many requests: wait `Retry-After` seconds.")}


def _operation(summary: Any, scope: str, responses: dict, *, parameters: list | None = None,
               body: str | None = None) -> dict:
    operation: dict[str, Any] = {
        "summary": summary, "security": [{"bearer": [scope]}],
        "responses": {**responses, **COMMON, "400": _problem("The body is not JSON.")} if body else
        {**responses, **COMMON},
        "x-scope": scope,
    }
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return operation


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PAGE_PARAMETERS = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_DEFAULT}},
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The `next_cursor` of the previous page (opaque and signed)."},
]


def _status_filter(enum_type) -> dict:
    return {"name": "status", "in": "query", "required": False,
            "schema": {"type": "string", "enum": _values(enum_type)}}


NOT_FOUND = {"404": _problem("Not found, or not this organisation's.")}
INVALID = {"422": _problem("Invalid fields (`errors`), or a change the object's state refuses.")}


def _list(summary: Any, resource: str, schema: str, extra: list | None = None) -> dict:
    return _operation(summary, f"{resource}:read", {"200": _json(schema + "Page"), **INVALID},
                      parameters=PAGE_PARAMETERS + (extra or []))


PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/offers": {
        "get": _list(_l("The offers of the organisation's booths (a company) or editions (an organiser)."),
                     "offers", "Offer"),
        "post": _operation(_l("Publish an offer on one of the company's booths."), "offers:write",
                           {"201": _json("Offer", "Created"), **NOT_FOUND, **INVALID}, body="OfferCreate"),
    },
    "/api/v1/offers/{offer_id}": {
        "get": _operation(_l("One offer."), "offers:read", {"200": _json("Offer"), **NOT_FOUND},
                          parameters=[_id("offer_id")]),
        "patch": _operation(_l("Change some fields of an offer, or publish or withdraw it."), "offers:write",
                            {"200": _json("Offer"), **NOT_FOUND, **INVALID}, parameters=[_id("offer_id")],
                            body="OfferUpdate"),
    },
    "/api/v1/applications": {
        "get": _list(_l("Applications to the organisation's offers, oldest first."), "applications", "Application",
                     [_status_filter(ApplicationStatus)]),
    },
    "/api/v1/applications/{application_id}": {
        "get": _operation(_l("One application."), "applications:read", {"200": _json("Application"), **NOT_FOUND},
                          parameters=[_id("application_id")]),
        "patch": _operation(_l("Shortlist, invite or decline (with a reason) an application; the candidate is told "
                            "as from the recruiter's pages."), "applications:write",
                            {"200": _json("Application"), **NOT_FOUND, **INVALID},
                            parameters=[_id("application_id")], body="ApplicationUpdate"),
    },
    "/api/v1/bookings": {
        "get": _list(_l("Interviews booked at the organisation's booths."), "bookings", "Booking",
                     [_status_filter(BookingStatus)]),
    },
    "/api/v1/bookings/{booking_id}": {
        "get": _operation(_l("One interview booking."), "bookings:read", {"200": _json("Booking"), **NOT_FOUND},
                          parameters=[_id("booking_id")]),
    },
    "/api/v1/bookings/{booking_id}/cancel": {
        "post": _operation(_l("Cancel an interview, with a reason told to the candidate."), "bookings:write",
                           {"200": _json("Booking"), **NOT_FOUND, **INVALID}, parameters=[_id("booking_id")],
                           body="BookingCancel"),
    },
    "/api/v1/outcomes": {
        "get": _list(_l("Outcomes (hires, trainings) the organisation recorded or that name it."), "outcomes",
                     "Outcome"),
        "post": _operation(_l("Record a hire from one of the company's interviews or applications; the person is "
                              "then asked how it goes, as from the recruiter's pages."), "outcomes:write",
                           {"200": _json("Outcome", "Changed"), "201": _json("Outcome", "Created"), **NOT_FOUND,
                            **INVALID}, body="OutcomeCreate"),
    },
    "/api/v1/outcomes/{outcome_id}": {
        "get": _operation(_l("One outcome."), "outcomes:read", {"200": _json("Outcome"), **NOT_FOUND},
                          parameters=[_id("outcome_id")]),
    },
}


def _plain(value: Any) -> Any:
    """The document with its lazy texts worded now, in the reader's language."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def document(server_url: str) -> dict:
    """The OpenAPI 3.1 document, with this instance's address as its server; its summaries are in the
    reader's language (Accept-Language), like the API's errors."""
    return _plain({
        "openapi": "3.1.0",
        "info": {"title": "fair API", "version": "1",
                 "description": _l("Read and change an organisation's offers, applications, interview bookings and "
                                   "outcomes with a token made on the organisation's API tokens page. Errors are RFC "
                                   "9457 problem details in the language of Accept-Language (French by default).")},
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Scopes: " + ", ".join(SCOPES)}},
        },
    })


# ---------------------------------------------------------------- request bodies

_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}


def _is(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def _field_problem(value: Any, schema: dict) -> str | None:
    """What is wrong with one value (translated), or None. Only the keywords our schemas use."""
    kinds = schema["type"] if isinstance(schema.get("type"), list) else [schema.get("type")]
    if not any(_is(value, kind) for kind in kinds):
        return _("Expected a value of type %(type)s.", type=" or ".join(kinds))
    if value is None:
        return None
    if "enum" in schema and value not in schema["enum"]:
        return _("Choose one of: %(values)s.", values=", ".join(str(v) for v in schema["enum"] if v is not None))
    if isinstance(value, str):
        if "\x00" in value:  # PostgreSQL stores no NUL character in text
            return _("This text contains a character that is not allowed (NUL).")
        if len(value.strip()) < schema.get("minLength", 0):
            return _("This field is required.")
        if len(value) > schema.get("maxLength", len(value)):
            return _("At most %(max)d characters.", max=schema["maxLength"])
    if isinstance(value, (int, float)) and ("minimum" in schema or "maximum" in schema):
        low, high = schema.get("minimum", -2**31), schema.get("maximum", 2**31 - 1)
        if not low <= value <= high:
            return _("Enter a number between %(min)s and %(max)s.", min=low, max=high)
    return None


def check_body(body: Any, schema_name: str) -> dict[str, str]:
    """Problems of a JSON body against one of SCHEMAS, as {JSON pointer: translated message}."""
    schema = SCHEMAS[schema_name]
    if not isinstance(body, dict):
        return {"#": _("The body must be a JSON object.")}
    problems: dict[str, str] = {}
    for name in schema.get("required", []):
        if name not in body:
            problems[f"#/{name}"] = _("This field is required.")
    for name, value in body.items():
        field = schema["properties"].get(name)
        if field is None:
            problems[f"#/{name}"] = _("Unknown field.")
            continue
        problem = _field_problem(value, field)
        if problem:
            problems[f"#/{name}"] = problem
    return problems
