"""The REST API (/api/v1) and an organisation's API tokens page.

API views are thin: `api_view(scope)` reads the bearer token (no session cookie, no CSRF), checks its
scope and rate limit, then the view finds the object among what the token reaches
(`fair.api.access`), checks the body against the OpenAPI schemas (`fair.api.spec.check_body`) and
calls a service. Every refusal is a problem details answer (`fair.api.problems`).

The tokens page (`/organisations/<id>/api-tokens`) sits beside the webhooks page: members read the
tokens, owners make and revoke them; a new token's secret is shown in the answer that made it, once.
"""
from __future__ import annotations

import time
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import false
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from fair import web
from fair.access import owned_or_404
from fair.accounts.models import MembershipRole
from fair.api import access, problems, serializers, services, spec, writes
from fair.api.forms import SCOPE_LABELS, TokenForm
from fair.api.models import ApiToken
from fair.api.problems import Problem
from fair.candidates.models import Application, ApplicationStatus
from fair.clock import now
from fair.companies.models import Offer
from fair.extensions import csrf, db, limiter
from fair.forms import ConfirmForm, FieldErrors
from fair.jobdating.models import Booking, BookingStatus
from fair.outcomes.models import Outcome
from fair.security import hash_token
from fair.webhooks.access import webhook_membership

bp = Blueprint("api", __name__)

API_PREFIX = "/api/v1/"
PUBLIC_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


def _is_api_call() -> bool:
    return request.path.startswith(API_PREFIX) and request.path not in PUBLIC_PATHS


# ---------------------------------------------------------------- authentication, scopes, limits

def _bearer() -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _limit_key() -> str:
    """One budget per token (by its secret's digest: no database read before the limit), else per address."""
    secret = _bearer()
    return "api-token:" + hash_token(secret) if secret else "api-address:" + (request.remote_addr or "")


def _rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


api_limit = limiter.shared_limit(_rate, scope="api", key_func=_limit_key)


def api_view(scope: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            token = services.authenticate(db.session, _bearer())
            db.session.commit()  # the token's last use, if it was written; nothing else is pending
            if token is None:
                raise problems.unauthorized()
            if not token.allows(scope):
                raise problems.missing_scope(scope)
            g.api_token = token
            return view(token, **kwargs)

        return csrf.exempt(api_limit(wrapped))

    return decorator


def _body(schema_name: str) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise problems.not_json()
    errors = spec.check_body(body, schema_name)
    if errors:
        raise problems.invalid(errors)
    return body


def _page_args() -> tuple[int, int]:
    """`limit` and the id after which the page starts (from the signed `cursor`)."""
    errors = {}
    raw = request.args.get("limit", "")
    limit = spec.PAGE_DEFAULT
    if raw:
        limit = int(raw) if raw.isdigit() else 0
        if not 1 <= limit <= spec.PAGE_MAX:
            errors["#/limit"] = _("Enter a number between %(min)s and %(max)s.", min=1, max=spec.PAGE_MAX)
    after = services.cursor_position(request.args.get("cursor", ""), request.endpoint)
    if after is None:
        errors["#/cursor"] = _("This cursor is not valid: start again from the first page.")
    if errors:
        raise problems.invalid(errors)
    return limit, after


def _page(statement, model, serialise: Callable[..., dict], *, with_profiles: bool = False) -> dict:
    limit, after = _page_args()
    rows = list(db.session.execute(statement.where(model.id > after).order_by(model.id).limit(limit + 1))
                .scalars().unique())
    more = len(rows) > limit
    rows = rows[:limit]
    if with_profiles:  # the people's profiles in one query
        profiles = serializers.profiles_of(row.candidate_id for row in rows)
        data = [serialise(row, profiles=profiles) for row in rows]
    else:
        data = [serialise(row) for row in rows]
    return {"data": data,
            "next_cursor": services.cursor_for(rows[-1].id, request.endpoint) if more else None}


def _status_filter(statement, column, enum_type):
    raw = request.args.get("status")
    if raw is None:
        return statement
    if raw not in {member.value for member in enum_type}:
        raise problems.invalid({"#/status": _("Choose one of: %(values)s.",
                                              values=", ".join(member.value for member in enum_type))})
    return statement.where(column == enum_type(raw))


def _found(statement, model, object_id: Any):
    found = access.one(statement, model, object_id)
    if found is None:
        raise problems.not_found()
    return found


def _writable(token: ApiToken, statement):
    """Only a company's token changes anything, and only its own booths' objects."""
    return statement if access.can_write(token) else statement.where(false())


@bp.errorhandler(Problem)
def _problem(problem: Problem):
    db.session.rollback()
    return problems.problem_response(problem)


def _http_error(error: HTTPException):
    """Routing, limiter and server errors under /api/v1 as problem details (fair.web hands them here)."""
    db.session.rollback()
    retry_after = None
    if error.code == 429 and limiter.current_limit is not None:
        retry_after = int(limiter.current_limit.reset_at - time.time()) + 1
    allowed = sorted(error.valid_methods or []) if isinstance(error, MethodNotAllowed) else None
    return problems.problem_response(problems.from_http_error(error.code or 500, allowed=allowed,
                                                              retry_after=retry_after))


web.ERROR_FORMATS.append((_is_api_call, _http_error))


@bp.after_request
def _headers(response):
    if not _is_api_call():
        return response
    current = limiter.current_limit
    if current is not None:
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
        response.headers["RateLimit-Reset"] = str(max(0, int(current.reset_at - time.time()) + 1))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Authorization, Accept-Language"
    return response


# ---------------------------------------------------------------- the description and its page

@bp.route("/api/v1/openapi.json")
def openapi():
    return spec.document(request.host_url.rstrip("/"))


@bp.route("/api/v1/docs")
def docs():
    return render_template("api/docs.html", document=spec.document(request.host_url.rstrip("/")),
                           scope_labels=SCOPE_LABELS)


# ---------------------------------------------------------------- offers

@bp.route("/api/v1/offers")
@api_view("offers:read")
def offers(token: ApiToken):
    return _page(access.offers(token), Offer, serializers.offer)


@bp.route("/api/v1/offers", methods=["POST"])
@api_view("offers:write")
def create_offer(token: ApiToken):
    body = _body("OfferCreate")
    booth = access.company_booth(token, body["booth_id"])
    if booth is None:
        raise problems.not_found()
    offer = writes.create_offer(booth, body)
    db.session.commit()
    return serializers.offer(offer), 201, {"Location": url_for(".offer", offer_id=offer.id)}


@bp.route("/api/v1/offers/<int:offer_id>")
@api_view("offers:read")
def offer(token: ApiToken, offer_id: int):
    return serializers.offer(_found(access.offers(token), Offer, offer_id))


@bp.route("/api/v1/offers/<int:offer_id>", methods=["PATCH"])
@api_view("offers:write")
def update_offer(token: ApiToken, offer_id: int):
    found = _found(_writable(token, access.offers(token)), Offer, offer_id)
    writes.update_offer(found, _body("OfferUpdate"))
    db.session.commit()
    return serializers.offer(found)


# ---------------------------------------------------------------- applications

@bp.route("/api/v1/applications")
@api_view("applications:read")
def applications(token: ApiToken):
    statement = _status_filter(access.applications(token), Application.status, ApplicationStatus)
    names = access.sees_names(token)
    return _page(statement, Application,
                 lambda row, profiles: serializers.application(row, sees_names=names, profiles=profiles),
                 with_profiles=True)


@bp.route("/api/v1/applications/<int:application_id>")
@api_view("applications:read")
def application(token: ApiToken, application_id: int):
    found = _found(access.applications(token), Application, application_id)
    return serializers.application(found, sees_names=access.sees_names(token))


@bp.route("/api/v1/applications/<int:application_id>", methods=["PATCH"])
@api_view("applications:write")
def update_application(token: ApiToken, application_id: int):
    found = _found(_writable(token, access.applications(token)), Application, application_id)
    writes.move_application(found, _body("ApplicationUpdate"))
    db.session.commit()
    return serializers.application(found, sees_names=access.sees_names(token))


# ---------------------------------------------------------------- bookings

@bp.route("/api/v1/bookings")
@api_view("bookings:read")
def bookings(token: ApiToken):
    statement = _status_filter(access.bookings(token), Booking.status, BookingStatus)
    return _page(statement, Booking, serializers.booking, with_profiles=True)


@bp.route("/api/v1/bookings/<int:booking_id>")
@api_view("bookings:read")
def booking(token: ApiToken, booking_id: int):
    return serializers.booking(_found(access.bookings(token), Booking, booking_id))


@bp.route("/api/v1/bookings/<int:booking_id>/cancel", methods=["POST"])
@api_view("bookings:write")
def cancel_booking(token: ApiToken, booking_id: int):
    found = _found(_writable(token, access.bookings(token)), Booking, booking_id)
    writes.cancel_booking(token, found, _body("BookingCancel")["reason"])
    db.session.commit()
    return serializers.booking(found)


# ---------------------------------------------------------------- outcomes

@bp.route("/api/v1/outcomes")
@api_view("outcomes:read")
def outcomes(token: ApiToken):
    return _page(access.outcomes(token), Outcome, serializers.outcome)


@bp.route("/api/v1/outcomes", methods=["POST"])
@api_view("outcomes:write")
def record_outcome(token: ApiToken):
    body = _body("OutcomeCreate")
    if ("booking_id" in body) == ("application_id" in body):
        message = _("Give either booking_id or application_id.")
        raise problems.invalid({"#/booking_id": message, "#/application_id": message})
    booking = application = None
    if "booking_id" in body:
        booking = _found(_writable(token, access.bookings(token)), Booking, body["booking_id"])
    else:
        application = _found(_writable(token, access.applications(token)), Application, body["application_id"])
    outcome, created = writes.record_hire(token, body, booking=booking, application=application)
    db.session.commit()
    return serializers.outcome(outcome), 201 if created else 200, {"Location": url_for(".outcome",
                                                                                        outcome_id=outcome.id)}


@bp.route("/api/v1/outcomes/<int:outcome_id>")
@api_view("outcomes:read")
def outcome(token: ApiToken, outcome_id: int):
    return serializers.outcome(_found(access.outcomes(token), Outcome, outcome_id))


# ---------------------------------------------------------------- the tokens page

def _tokens_page(membership, *, form: TokenForm | None = None, secret: str | None = None,
                 created: ApiToken | None = None, status: int = 200):
    is_owner = membership.role == MembershipRole.owner
    return render_template(
        "api/tokens.html", organisation=membership.organisation, is_owner=is_owner,
        tokens=services.tokens_of(db.session, membership.organisation_id), secret=secret, created=created,
        form=form or (TokenForm(formdata=None) if is_owner else None), confirm_form=ConfirmForm(formdata=None),
        scope_labels=SCOPE_LABELS, now=now(),
    ), status


@bp.route("/organisations/<int:organisation_id>/api-tokens")
@login_required
def tokens(organisation_id: int):
    return _tokens_page(owned_or_404(webhook_membership(organisation_id, current_user.id)))


@bp.route("/organisations/<int:organisation_id>/api-tokens", methods=["POST"])
@login_required
def create_token(organisation_id: int):
    membership = owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = services.create_token(db.session, membership.organisation, name=form.name.data or "",
                                                  scopes=form.scopes.data or [], created_by=current_user,
                                                  expires_on=form.expires_on.data)
            db.session.commit()
        except FieldErrors as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                getattr(form, name).errors = list(messages)
        else:
            flash(_("The token is made. Copy it now: it will not be shown again."), "success")
            membership = owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
            return _tokens_page(membership, secret=secret, created=token, status=201)
    membership = owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
    return _tokens_page(membership, form=form, status=422)


@bp.route("/organisations/<int:organisation_id>/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(organisation_id: int, token_id: int):
    owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
    token = owned_or_404(services.token_of(db.session, organisation_id, token_id))
    if ConfirmForm().validate_on_submit():
        services.revoke(db.session, token, by=current_user)
        db.session.commit()
        flash(_("The token is revoked: it is refused from now on."), "success")
    else:
        flash(_("The form has expired: please try again."), "error")
    return redirect(url_for(".tokens", organisation_id=organisation_id))
