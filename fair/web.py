"""What every page shares: the signed-in user, locale and time-zone display, errors, headers."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, abort, g, make_response, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from fair import instance
from fair.accounts import sessions
from fair.accounts.models import OrganisationKind
from fair.accounts.reach import phone_text
from fair.extensions import db, login_manager, read_user
from fair.security import safe_next_url
from fair.timezones import zone_named as _zone


def no_store(response):
    """A page reached through a secret link (fair.links): the secret is in the address, so the page
    stays out of shared caches and history and its links tell no other site where they came from."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The user, only while the server-side session named by the cookie's secret lives
        (fair/accounts/sessions.py): a logout or "end all sessions" refuses a copied cookie at once."""
        user_id, _, stamp = session_id.partition(":")
        if not user_id.isdigit():
            return None
        row = sessions.signed_in(db.session, int(user_id), flask_session.get(sessions.SESSION_TOKEN_KEY))
        user = row.user if row is not None else None
        if user is None or user.security_stamp != stamp or not user.is_active:
            return None
        if getattr(request, "sid", None) is None:  # a socket's activity is recorded by its node's watch
            sessions.touch(row)
        g.user_session = row  # what this request's session gave (e.g. its second factor)
        return user

    app.jinja_env.filters["local_dt"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["phone"] = phone_text
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "fr")

    @app.route("/lang/<code>")
    def set_language(code: str):
        target = safe_next_url(request.args.get("next")) or url_for("public.home")
        response = make_response(redirect(target))
        if code in app.config["LANGUAGES"]:
            response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: browsers never try plain HTTP again
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        return response

    @app.before_request
    def refuse_nul_characters():
        """A NUL character in a form or query value (never typed by a person) is refused before any page
        reads it: PostgreSQL stores none in text and would turn the save into a 500; SQLite the same way.
        An edge with its own error format (the REST API) checks its input itself, field by field."""
        if any(concerns() for concerns, _answer in ERROR_FORMATS):
            return
        values = list(request.args.listvalues())
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.listvalues())
        if any("\x00" in value for group in values for value in group):
            abort(400)

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)

    @app.context_processor
    def inject_navigation():
        return {"nav_roles": _nav_roles(), "instance": instance.current(db.session)}


_ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("You are not allowed to do this.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This action is not possible here.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("Something went wrong on our side. Please try again later.")),
}


# Requests whose errors another edge answers in its own format, by a test on the request (the REST API
# registers its problem details here): one set of handlers for every error, whoever answers it.
ERROR_FORMATS: list[tuple[Callable[[], bool], Callable]] = []


def _error_page(error):
    for concerns, answer in ERROR_FORMATS:
        if concerns():
            return answer(error)
    code = getattr(error, "code", 500) or 500
    title, text = _ERROR_TEXT.get(code, _ERROR_TEXT[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(text)}, code
    return render_template("error.html", title=title, text=text, code=code), code


def _csrf_error(error):
    title = _l("Form expired")
    text = _l("The form was out of date or incomplete. Please go back, reload the page and try again.")
    return render_template("error.html", title=title, text=text, code=400), 400


def _nav_roles() -> dict[str, bool]:
    """The signed-in person's roles for the header; none when the database cannot tell (error pages).

    base.html reads these, never `current_user`, which Flask-Login hands to templates before this
    runs: a page about a database failure would ask the database again.
    """
    return read_user(lambda user: {
        "signed_in": True,
        "organiser": user.is_organiser,
        "recruiter": user.is_recruiter,
        "adviser": user.is_adviser,
        "network": bool(user.organisations_of_kind(OrganisationKind.network)),
        "candidate": user.is_candidate,
        "admin": user.is_admin,
    }, {})


def local_datetime(value: dt.datetime | None, tz: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=fmt, tzinfo=_zone(tz), locale=str(get_locale() or "fr"))


def local_date(value: dt.datetime | None, tz: str | None = None, fmt: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value.astimezone(_zone(tz)).date(), format=fmt, locale=str(get_locale() or "fr"))


def local_time(value: dt.datetime | None, tz: str | None = None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_time(value, format=fmt, tzinfo=_zone(tz), locale=str(get_locale() or "fr"))


__all__ = ["init_app", "select"]
