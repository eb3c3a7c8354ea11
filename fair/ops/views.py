"""Probes, metrics, request ids and the "retry later" page: what operators and proxies need.

The blueprint's `record_once` installs the app-wide parts (logging, request ids, metrics, ProxyFix,
the 503 handler) when create_app registers it, so nothing else in the app has to know about them.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from fair.extensions import csrf, db, limiter, login_manager
from fair.ops import logs
from fair.ops.metrics import Metrics
from fair.ops.probes import check_database, check_redis

log = logging.getLogger("fair.ops")
bp = Blueprint("ops", __name__)

RETRY_AFTER_SECONDS = 10
UNAVAILABLE_TITLE = _l("Service briefly unavailable")
UNAVAILABLE_TEXT = _l("We could not complete your request because a part of the service is restarting. "
                      "Nothing was changed: please try again in a few seconds.")


@bp.record_once
def _install(state) -> None:
    app: Flask = state.app
    logs.configure(app.config)
    proxies = _trusted_proxies(app)
    if proxies:
        # Exactly the proxies we run (nginx): client address, scheme, host and port come from its
        # X-Forwarded-* headers, so the Socket.IO Origin check and external URLs are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    metrics = Metrics(app)
    app.extensions["fair_metrics"] = metrics

    @app.before_request
    def _request_started() -> None:
        g.request_id = logs.new_request_id(request.headers.get(logs.REQUEST_ID_HEADER))
        metrics.started()

    @app.after_request
    def _request_finished(response: Response) -> Response:
        response.headers[logs.REQUEST_ID_HEADER] = g.get("request_id") or logs.new_request_id(None)
        metrics.finished(response.status_code)
        return response


def _trusted_proxies(app: Flask) -> int:
    """TRUSTED_PROXIES: how many proxies stand in front of the app (1 behind our nginx, 0 without)."""
    value = app.config.get("TRUSTED_PROXIES", os.environ.get("TRUSTED_PROXIES") or 0)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        log.warning("TRUSTED_PROXIES=%r is not a number: no proxy is trusted", value)
        return 0


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """The process answers: no database, no Redis (a dependency outage must not restart every node)."""
    return {"status": "ok"}


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Take traffic only when the database and Redis answer; say which one does not."""
    checks: dict[str, str] = {}
    try:
        check_database(db.engine)
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("readiness: database unavailable: %s", exc)
        checks["database"] = "unavailable"
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            check_redis(redis_url)
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("readiness: Redis unavailable: %s", exc)
            checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    if ready:
        return body
    failed = [name for name, value in checks.items() if value != "ok"]
    body["failed"] = failed
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.route("/metrics")
@limiter.exempt
@csrf.exempt
def metrics():
    """Prometheus text format, for a scraper on the node itself or one holding METRICS_TOKEN."""
    if not _may_scrape():
        abort(404)
    registry = current_app.extensions["fair_metrics"].registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or os.environ.get("METRICS_TOKEN") or ""
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- "retry later"

_UNAVAILABLE = (OperationalError, DisconnectionError, RedisConnectionError, RedisTimeoutError)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(DisconnectionError)
@bp.app_errorhandler(RedisConnectionError)
@bp.app_errorhandler(RedisTimeoutError)
def service_unavailable(error: Exception):
    """A lost database or Redis connection mid-request: 503 and Retry-After, never a stack trace.

    The session is rolled back (nothing half-done is kept) and the pool drops the dead connection
    (SQLAlchemy invalidates it; pool_pre_ping checks the others), so the next request succeeds as
    soon as the server is back. The page is rendered without the site's navigation, which would
    ask the database for the signed-in user again.
    """
    log.warning("request failed, a dependency is unavailable: %s", _short(error))
    try:
        db.session.rollback()
    except Exception:
        pass
    if "_login_user" not in g:  # the user was not loaded yet: loading them would need the database

        g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(UNAVAILABLE_TEXT), "retry_after": RETRY_AFTER_SECONDS}, 503, headers
    template = current_app.jinja_env.get_template("errors/503.html")
    body = template.render(title=UNAVAILABLE_TITLE, text=UNAVAILABLE_TEXT, retry_after=RETRY_AFTER_SECONDS,
                           locale=_locale())
    return body, 503, headers


def _locale() -> str:
    try:
        return str(get_locale() or "fr")
    except Exception:
        return "fr"


def _short(error: Exception) -> str:
    if isinstance(error, DBAPIError) and error.orig is not None:
        return f"{type(error.orig).__name__}: {str(error.orig).strip().splitlines()[0] if str(error.orig) else ''}"
    return f"{type(error).__name__}: {error}"
