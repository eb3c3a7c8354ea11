"""fair: online recruitment fairs and job dating."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gevent import monkey

from fair import (
    cli,
    extensions,
    models,  # noqa: F401  (every table in the metadata)
    sockets,
    web,
)
from fair.accounts.views import bp as accounts_bp
from fair.admin.views import bp as admin_bp
from fair.api.views import bp as api_bp
from fair.calendar.views import bp as calendar_bp
from fair.callbacks.views import bp as callbacks_bp
from fair.candidates.views import bp as candidates_bp
from fair.checkin.views import bp as checkin_bp
from fair.companies.views import bp as companies_bp
from fair.config import PROJECT_ROOT, load_config
from fair.exports.views import bp as export_files_bp
from fair.extensions import babel, csrf, limiter, login_manager, select_locale, socketio
from fair.fairs import sockets as fairs_sockets
from fair.fairs.views import bp as fairs_bp
from fair.francetravail.views import bp as francetravail_bp
from fair.health.views import bp as health_bp
from fair.jobdating.views import bp as jobdating_bp
from fair.live import sockets as live_sockets
from fair.live.views import bp as live_bp
from fair.mail.views import bp as mail_bp
from fair.needs.views import bp as needs_bp
from fair.networks.views import bp as networks_bp
from fair.oidc.views import bp as oidc_bp
from fair.ops.views import bp as ops_bp
from fair.outcomes.views import bp as outcomes_bp
from fair.pipeline.views import bp as pipeline_bp
from fair.privacy.erasure_views import bp as erasure_bp
from fair.privacy.export_views import bp as exports_bp
from fair.privacy.views import bp as privacy_bp
from fair.public.views import bp as public_bp
from fair.reports import files as report_files  # noqa: F401  (registers the report's export kinds)
from fair.reports.views import bp as reports_bp
from fair.selfservice.views import bp as selfservice_bp
from fair.sms import outbox as _sms_channel  # noqa: F401  (registers the outbox's "sms" channel)
from fair.sms.views import bp as sms_bp
from fair.sockets import socketio_manager
from fair.surveys.views import bp as surveys_bp
from fair.teams.views import bp as teams_bp
from fair.territory.views import bp as territory_bp
from fair.video import sockets as video_sockets
from fair.video.views import bp as video_bp
from fair.webhooks.views import bp as webhooks_bp
from fair.webinars import sockets as webinar_sockets
from fair.webinars.views import bp as webinars_bp

# Every domain package that carries its own translation catalogue.
TRANSLATION_DIRS = [
    "translations",
    "accounts/translations",
    "admin/translations",
    "api/translations",
    "calendar/translations",
    "callbacks/translations",
    "candidates/translations",
    "checkin/translations",
    "companies/translations",
    "exports/translations",
    "fairs/translations",
    "francetravail/translations",
    "health/translations",
    "jobdating/translations",
    "live/translations",
    "mail/translations",
    "needs/translations",
    "networks/translations",
    "oidc/translations",
    "ops/translations",
    "outcomes/translations",
    "pipeline/translations",
    "privacy/translations",
    "public/translations",
    "reports/translations",
    "selfservice/translations",
    "sms/translations",
    "surveys/translations",
    "teams/translations",
    "territory/translations",
    "video/translations",
    "webhooks/translations",
    "webinars/translations",
]


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    config = load_config(overrides)
    app = Flask(
        __name__,
        instance_path=config["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(PROJECT_ROOT / "fair" / d) for d in TRANSLATION_DIRS
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "fair-limits")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    extensions.db.init_app(app)  # `fair.db` is the module: the package binds no name `db`
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "UTC")
    limiter.init_app(app)
    login_manager.init_app(app)

    socketio.init_app(
        app,
        # The Redis message queue between nodes (and from workers); None: this process alone.
        client_manager=socketio_manager(app.config["REDIS_URL"]) if app.config["REDIS_URL"] else None,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE") or _async_mode(),
        # None = the page's own origin only ([] would switch the Origin check off).
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS") or None,
        max_http_buffer_size=100_000,  # one frame; each event has its own, smaller limit
    )
    app.wsgi_app = sockets.without_compression(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["SOCKET_CONNECTS_AT_ONCE"] > 0:
        admission = app.extensions[sockets.ADMISSION_KEY] = sockets.Admission(
            app.config["SOCKET_CONNECTS_AT_ONCE"], app.config["SOCKET_CONNECTS_WAITING"],
            app.config["SOCKET_CONNECT_WAIT_SECONDS"])
        app.wsgi_app = sockets.admitting(app.wsgi_app, admission)  # type: ignore[method-assign]
    sockets.frame_once(socketio.server)

    web.init_app(app)

    for blueprint in (
        public_bp,
        accounts_bp,
        fairs_bp,
        companies_bp,
        mail_bp,
        candidates_bp,
        jobdating_bp,
        calendar_bp,
        live_bp,
        video_bp,
        webinars_bp,
        ops_bp,
        teams_bp,
        admin_bp,
        health_bp,
        surveys_bp,
        checkin_bp,
        privacy_bp,
        erasure_bp,
        pipeline_bp,
        exports_bp,
        outcomes_bp,
        export_files_bp,
        selfservice_bp,
        sms_bp,
        reports_bp,
        callbacks_bp,
        territory_bp,
        francetravail_bp,
        webhooks_bp,
        networks_bp,
        oidc_bp,
        needs_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)

    sockets.register(socketio)  # connect (signed-in users only) and disconnect, shared by all domains
    fairs_sockets.register(socketio)  # bulk-send progress
    live_sockets.register(socketio)  # booths, queues, chat, announcements
    video_sockets.register(socketio)  # call rooms: signalling and in-call chat
    webinar_sockets.register(socketio)  # webinar Q&A

    cli.init_app(app)
    return app


def _async_mode() -> str:
    """gevent when the entry point has patched the standard library (wsgi.py does it first)."""
    try:
        if monkey.is_module_patched("socket"):
            return "gevent"
    except ImportError:
        pass
    return "threading"
