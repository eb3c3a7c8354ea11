"""Errors of the API as RFC 9457 problem details (`application/problem+json`), worded in the language
of the caller's Accept-Language (French by default: `fair.extensions.select_locale`)."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _


class Problem(Exception):
    """Raised by the API's views; answered by `problem_response`."""

    def __init__(self, status: int, slug: str, title: str, detail: str, *,
                 errors: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors, self.headers = errors, headers or {}


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": url_for("api.docs") + "#problem-" + problem.slug,
        "title": problem.title, "status": problem.status, "detail": problem.detail, "instance": request.path,
    }
    if problem.errors:
        body["errors"] = [{"pointer": pointer, "detail": detail} for pointer, detail in problem.errors.items()]
    response = jsonify(body)
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    response.headers.update(problem.headers)
    return response


def unauthorized() -> Problem:
    # The same answer for no token, a wrong one, a revoked or an expired one: nothing to learn from it.
    return Problem(401, "unauthorized", _("Authentication required"),
                   _("Send a valid API token in the Authorization header: Bearer followed by the token."),
                   headers={"WWW-Authenticate": 'Bearer realm="fair"'})


def missing_scope(scope: str) -> Problem:
    return Problem(403, "missing-scope", _("Missing permission"),
                   _("This token does not have the permission %(scope)s.", scope=scope),
                   headers={"WWW-Authenticate": f'Bearer realm="fair", error="insufficient_scope", scope="{scope}"'})


def not_found() -> Problem:
    return Problem(404, "not-found", _("Not found"),
                   _("This object does not exist or is not available to this token."))


def invalid(errors: dict[str, str]) -> Problem:
    return Problem(422, "invalid", _("Invalid request"), _("Some fields are not valid: see the list of errors."),
                   errors=errors)


def refused(detail: str) -> Problem:
    return Problem(422, "refused", _("Not possible"), detail)


def not_json() -> Problem:
    return Problem(400, "not-json", _("Bad request"), _("The body must be a JSON object."))


def from_http_error(code: int, *, allowed: list[str] | None = None, retry_after: int | None = None) -> Problem:
    """A routing or limiter error (404, 405, 429, 500...) in the API's words."""
    if code == 404:
        return not_found()
    if code == 405:
        return Problem(405, "method-not-allowed", _("Method not allowed"),
                       _("This address does not accept the method %(method)s.", method=request.method),
                       headers={"Allow": ", ".join(allowed or [])})
    if code == 429:
        wait = max(1, retry_after or 60)
        return Problem(429, "too-many-requests", _("Too many requests"),
                       _("This token made too many requests: try again in %(seconds)d seconds.", seconds=wait),
                       headers={"Retry-After": str(wait)})
    if code == 400:
        return not_json()
    if code == 413:
        return Problem(413, "too-large", _("Too large"), _("What you sent is too large."))
    return Problem(500, "server-error", _("Something went wrong"),
                   _("Something went wrong on our side. Please try again later."))
