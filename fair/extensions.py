"""The Flask extensions, created unbound and attached in create_app()."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app, g, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect
from sqlalchemy.exc import SQLAlchemyError

from fair.db import db  # noqa: F401  (re-exported: one place to import extensions from)

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
socketio = SocketIO()
babel = Babel()

T = TypeVar("T")


def read_user(read: Callable[[object], T], default: T) -> T:
    """What `read` answers of the signed-in user; `default` for an anonymous visitor, or when the
    database cannot load the user.

    Every page asks for the user (locale, navigation), error pages included, and a page saying the
    database is down must not need the database: the first failure makes the rest of the request
    anonymous, so that nothing else tries again and the page renders.
    """
    try:
        user = current_user._get_current_object()
        if user is None or not user.is_authenticated:
            return default
        return read(user)
    except SQLAlchemyError:
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass
        g._login_user = login_manager.anonymous_user()
        return default


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    # The REST API speaks the caller's Accept-Language (its page, /api/v1/docs, follows the rules of pages).
    if request and request.path.startswith("/api/v1/") and request.path != "/api/v1/docs":
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get("lang") if request else None
    if chosen in languages:
        return chosen
    preferred = read_user(lambda user: user.locale, None)
    if preferred in languages:
        return preferred
    return current_app.config["BABEL_DEFAULT_LOCALE"]
