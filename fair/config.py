"""Settings, all read from the environment so that production replaces every embedded default."""
from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the app must refuse to start, with a message an operator can act on."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path() -> Path:
    return Path(os.environ.get("FAIR_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def load_config(overrides: dict | None = None) -> dict:
    env = os.environ
    instance = instance_path()
    production = env.get("FAIR_ENV", "development") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'fair.sqlite3'}"
    secret = env.get("SECRET_KEY")
    config = {
        "ENV_NAME": "production" if production else "development",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "REDIS_URL": env.get("REDIS_URL") or "",
        "MAIL_URL": env.get("MAIL_URL") or "",
        "MAIL_FROM": env.get("MAIL_FROM") or "fair <no-reply@fair.localhost>",
        # Text messages (fair/sms): smpp://id:password@host:port?source=…, an aggregator's https://…, or
        # unset (development: kept for the dev mail viewer).
        "SMS_URL": env.get("SMS_URL") or "",
        # A mailbox someone reads, offered as the second way to unsubscribe from bulk mail (List-Unsubscribe).
        "UNSUBSCRIBE_MAILTO": env.get("UNSUBSCRIBE_MAILTO") or "",
        "BASE_URL": (env.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        # Server-side sessions (fair/accounts/sessions.py): a session ends after N minutes without a
        # request or socket event, and N hours after login whatever happens; shorter for staff
        # (administrators, organisers, recruiters, advisers).
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES") or 24 * 60),
        "SESSION_ABSOLUTE_HOURS": int(env.get("SESSION_ABSOLUTE_HOURS") or 14 * 24),
        "STAFF_SESSION_IDLE_MINUTES": int(env.get("STAFF_SESSION_IDLE_MINUTES") or 120),
        "STAFF_SESSION_ABSOLUTE_HOURS": int(env.get("STAFF_SESSION_ABSOLUTE_HOURS") or 12),
        # A socket asks the database whether its session still lives at most every N seconds.
        "SOCKET_SESSION_CHECK_SECONDS": float(env.get("SOCKET_SESSION_CHECK_SECONDS") or 3),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "5 per minute",
        # Registrations per address (normalised) and per client network (IPv4 /24, IPv6 /64).
        "REGISTER_RATE_LIMIT": env.get("REGISTER_RATE_LIMIT") or "3 per hour",
        "REGISTER_NETWORK_RATE_LIMIT": env.get("REGISTER_NETWORK_RATE_LIMIT") or "30 per hour",
        # Sign-in codes by SMS (phone-only accounts): sent at most so often per number and per network.
        "PHONE_CODE_RATE_LIMIT": env.get("PHONE_CODE_RATE_LIMIT") or "3 per 15 minutes",
        "PHONE_CODE_NETWORK_RATE_LIMIT": env.get("PHONE_CODE_NETWORK_RATE_LIMIT") or "20 per hour",
        # Requests per client address to the survey links (which need no sign-in).
        "SURVEY_RATE_LIMIT": env.get("SURVEY_RATE_LIMIT") or "30 per minute",
        # Self-service links (/r/<token>, no sign-in): requests per client address, and links refused
        # (unknown, expired, used up...) per address, past which the address gets 429 for a while.
        "SELFSERVICE_RATE_LIMIT": env.get("SELFSERVICE_RATE_LIMIT") or "60 per minute",
        "SELFSERVICE_REFUSED_LIMIT": env.get("SELFSERVICE_REFUSED_LIMIT") or "10 per 10 minutes",
        # Roles that must use two-step verification (TOTP): any of admin, organiser, recruiter, adviser;
        # empty: offered to staff, required of nobody.
        "MFA_REQUIRED_ROLES": env.get("MFA_REQUIRED_ROLES", "admin,organiser"),
        "PASSWORD_RESET_MAX_AGE": int(env.get("PASSWORD_RESET_MAX_AGE") or 3600),
        "EMAIL_CONFIRM_MAX_AGE": int(env.get("EMAIL_CONFIRM_MAX_AGE") or 7 * 24 * 3600),
        "INVITATION_MAX_AGE": int(env.get("INVITATION_MAX_AGE") or 30 * 24 * 3600),
        # A colleague's invitation into an organisation's team (seconds).
        "TEAM_INVITATION_MAX_AGE": int(env.get("TEAM_INVITATION_MAX_AGE") or 14 * 24 * 3600),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "PAGE_SIZE": 20,
        # Candidates' CVs, never under static/: empty means <instance folder>/uploads.
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or "",
        "CV_MAX_BYTES": 5 * 1024 * 1024,
        # What one candidate may keep: this many CVs, this many bytes in all.
        "CV_MAX_COUNT": int(env.get("CV_MAX_COUNT") or 5),
        "CV_MAX_TOTAL_BYTES": int(env.get("CV_MAX_TOTAL_BYTES") or 15 * 1024 * 1024),
        # Reminder mails, in minutes before a calendar entry (an edition may override them).
        "REMINDER_OFFSETS": tuple(int(m) for m in (env.get("REMINDER_OFFSETS") or "1440,60").split(",") if m.strip()),
        "SMS_REMINDER_OFFSETS": tuple(int(m) for m in (env.get("SMS_REMINDER_OFFSETS") or "1440,120").split(",")
                                      if m.strip()),
        "REMINDER_NOTICE_MINUTES": int(env.get("REMINDER_NOTICE_MINUTES") or 5),
        "BULK_BATCH_SIZE": int(env.get("BULK_BATCH_SIZE") or 50),
        # A send job owns the outbox rows it claimed for N seconds, renewed while it sends; a row whose
        # lease ran out (its worker died) is given to another job by the sweeper.
        "OUTBOX_LEASE_SECONDS": float(env.get("OUTBOX_LEASE_SECONDS") or 300),
        # A job that raises runs again after each of these delays (seconds), then is kept as failed.
        "JOB_RETRY_DELAYS": tuple(int(s) for s in (env.get("JOB_RETRY_DELAYS") or "10,60,300,1800").split(",")
                                  if s.strip()),
        # Job dating: booking closes N minutes before a slot; cancel / reschedule until a cut-off;
        # a freed slot is held for the next person of the waitlist for a set time.
        "BOOKING_CLOSES_MINUTES": int(env.get("BOOKING_CLOSES_MINUTES") or 30),
        "BOOKING_CHANGE_CUTOFF_MINUTES": int(env.get("BOOKING_CHANGE_CUTOFF_MINUTES") or 120),
        "WAITLIST_HOLD_MINUTES": int(env.get("WAITLIST_HOLD_MINUTES") or 30),
        "NO_SHOW_FLAG_COUNT": int(env.get("NO_SHOW_FLAG_COUNT") or 2),
        # Socket.IO: origins allowed to open a socket (comma-separated); unset, the page's own origin.
        # Rate limits stay on (in memory, per node) while Redis is down, instead of failing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Operations (fair/ops): proxies in front of the app (1 behind nginx), who may read /metrics.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or 0),
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or "",
        "SOCKETIO_ALLOWED_ORIGINS": [o.strip() for o in (env.get("SOCKETIO_ALLOWED_ORIGINS") or "").split(",")
                                     if o.strip()] or None,
        # Sockets one person may hold at once (tabs, devices); the one beyond is refused. 0: no cap.
        "SOCKETS_PER_USER": int(env.get("SOCKETS_PER_USER") or 8),
        # New sockets a web process takes in at once (from the handshake to the end of the connect:
        # the user and the session read); the next ones wait their turn, at most N of them for at most
        # N seconds, and the others are answered 503 and come back after the page's backoff, so that a
        # reconnection storm goes through at the process's pace instead of stalling it. 0: no limit.
        "SOCKET_CONNECTS_AT_ONCE": int(env.get("SOCKET_CONNECTS_AT_ONCE") or 50),
        "SOCKET_CONNECTS_WAITING": int(env.get("SOCKET_CONNECTS_WAITING") or 1000),
        "SOCKET_CONNECT_WAIT_SECONDS": float(env.get("SOCKET_CONNECT_WAIT_SECONDS") or 3),
        # Each web node beats in Redis every N seconds (0: never); a node silent for 3 beats is taken
        # for dead and its sockets forgotten (presence, call rooms). NODE_NAME names it in logs.
        "SOCKET_NODE_HEARTBEAT_SECONDS": float(env.get("SOCKET_NODE_HEARTBEAT_SECONDS") or 10),
        "NODE_NAME": env.get("NODE_NAME") or "",
        # Live fair: a called candidate has LIVE_TURN_SECONDS to accept; a booth's queue holds at most
        # LIVE_QUEUE_MAX people; a queue call room lives LIVE_CALL_MINUTES; the estimated wait assumes
        # LIVE_AVERAGE_CALL_MINUTES per call until a booth has ended calls of its own; the dashboard
        # flags booths with no available recruiter for more than LIVE_IDLE_BOOTH_MINUTES.
        "LIVE_TURN_SECONDS": int(env.get("LIVE_TURN_SECONDS") or 60),
        "LIVE_QUEUE_MAX": int(env.get("LIVE_QUEUE_MAX") or 50),
        "LIVE_CALL_MINUTES": int(env.get("LIVE_CALL_MINUTES") or 30),
        "LIVE_AVERAGE_CALL_MINUTES": int(env.get("LIVE_AVERAGE_CALL_MINUTES") or 5),
        "LIVE_IDLE_BOOTH_MINUTES": int(env.get("LIVE_IDLE_BOOTH_MINUTES") or 10),
        # Booth chats (public, private, mutes) are deleted N days after their fair ends (0: kept).
        "LIVE_CHAT_RETENTION_DAYS": int(env.get("LIVE_CHAT_RETENTION_DAYS") or 30),
        # Video calls: ICE servers given to both browsers (comma-separated URLs). TURN credentials are
        # time-limited, computed from TURN_SECRET as coturn's `use-auth-secret` expects.
        "STUN_URLS": [u.strip() for u in (env.get("STUN_URLS") or "").split(",") if u.strip()],
        "TURN_URLS": [u.strip() for u in (env.get("TURN_URLS") or "").split(",") if u.strip()],
        "TURN_SECRET": env.get("TURN_SECRET") or "",
        "TURN_TTL_SECONDS": int(env.get("TURN_TTL_SECONDS") or 4 * 3600),
        # With TURN configured: media only through the relay, so neither participant learns the other's
        # address (the browsers gather relay candidates only, and the signalling drops any other).
        "FORCE_TURN_RELAY": _bool(env.get("FORCE_TURN_RELAY")),
        # A job-dating video room opens N minutes before its slot and closes N minutes after its end.
        "CALL_OPENS_MINUTES_BEFORE": int(env.get("CALL_OPENS_MINUTES_BEFORE") or 10),
        "CALL_CLOSES_MINUTES_AFTER": int(env.get("CALL_CLOSES_MINUTES_AFTER") or 15),
        # Webhooks (fair/webhooks): receivers on loopback or private addresses, and plain http to loopback,
        # are refused in production (server-side request forgery) unless this is set; allowed otherwise.
        "WEBHOOKS_ALLOW_LOCAL": _bool(env.get("WEBHOOKS_ALLOW_LOCAL"), not production),
        "WEBHOOKS_TIMEOUT_SECONDS": float(env.get("WEBHOOKS_TIMEOUT_SECONDS") or 5),
        "WEBHOOKS_DISABLE_AFTER_DAYS": float(env.get("WEBHOOKS_DISABLE_AFTER_DAYS") or 3),
        # REST API (fair/api): requests one token may make (a Flask-Limiter rate, shared by every endpoint).
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT") or "300 per minute",
        # Webinars: Jitsi Meet (a JWT signed with the app secret when both are set) and BigBlueButton.
        "JITSI_BASE_URL": (env.get("JITSI_BASE_URL") or "https://meet.jit.si").rstrip("/"),
        "JITSI_APP_ID": env.get("JITSI_APP_ID") or "",
        "JITSI_APP_SECRET": env.get("JITSI_APP_SECRET") or "",
        "BBB_URL": (env.get("BBB_URL") or "").rstrip("/"),
        "BBB_SECRET": env.get("BBB_SECRET") or "",
        "BBB_CHECKSUM": (env.get("BBB_CHECKSUM") or "sha1").lower(),
        # The national address API that places addresses in or out of a QPV (fair/territory/geocoding.py),
        # e.g. https://data.geopf.fr/geocodage; empty: no geocoding, the person's own answer stands.
        "GEOCODER_URL": (env.get("GEOCODER_URL") or "").rstrip("/"),
        "GEOCODER_MIN_SCORE": float(env.get("GEOCODER_MIN_SCORE") or 0.5),
        "GEOCODER_TIMEOUT": float(env.get("GEOCODER_TIMEOUT") or 5),
        "GEOCODER_RETRIES": int(env.get("GEOCODER_RETRIES") or 3),
        "GEOCODER_RATE": int(env.get("GEOCODER_RATE") or 40),
        "GEOCODER_MAX_WAIT": float(env.get("GEOCODER_MAX_WAIT") or 30),
        "GEOCODER_CACHE_DAYS": float(env.get("GEOCODER_CACHE_DAYS") or 30),
        # France Travail's "Offres d'emploi v2" API (fair/francetravail): no client id, no import.
        "FRANCE_TRAVAIL_CLIENT_ID": env.get("FRANCE_TRAVAIL_CLIENT_ID") or "",
        "FRANCE_TRAVAIL_CLIENT_SECRET": env.get("FRANCE_TRAVAIL_CLIENT_SECRET") or "",
        "FRANCE_TRAVAIL_TOKEN_URL": env.get("FRANCE_TRAVAIL_TOKEN_URL")
        or "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire",
        "FRANCE_TRAVAIL_API_URL": (env.get("FRANCE_TRAVAIL_API_URL")
                                   or "https://api.francetravail.io/partenaire/offresdemploi/v2").rstrip("/"),
        "FRANCE_TRAVAIL_TIMEOUT": float(env.get("FRANCE_TRAVAIL_TIMEOUT") or 10),
        "FRANCE_TRAVAIL_RETRIES": int(env.get("FRANCE_TRAVAIL_RETRIES") or 3),
        "FRANCE_TRAVAIL_BACKOFF": float(env.get("FRANCE_TRAVAIL_BACKOFF") or 0.5),
        "FRANCE_TRAVAIL_MAX_WAIT": float(env.get("FRANCE_TRAVAIL_MAX_WAIT") or 30),
        "FRANCE_TRAVAIL_MIN_INTERVAL": float(env.get("FRANCE_TRAVAIL_MIN_INTERVAL") or 0.25),
        # Sign-in with OpenID Connect (fair/oidc, docs/openid-connect.md): a JSON list of providers, each
        # {"name", "label", "issuer", "client_id", "client_secret", "scopes", "acr_values", "trust_email",
        # "kind"}; empty: passwords only. OIDC_TIMEOUT: seconds for each call to a provider.
        "OIDC_PROVIDERS": oidc_providers(env.get("OIDC_PROVIDERS") or ""),
        "OIDC_TIMEOUT": float(env.get("OIDC_TIMEOUT") or 10),
    }
    if overrides:
        config.update(overrides)
    if config["SESSION_COOKIE_SECURE"]:
        # Over HTTPS the cookies take the __Host- prefix: the browser then keeps them only if Secure,
        # Path=/ and without Domain, so a sibling subdomain cannot plant or overwrite them.
        config.setdefault("SESSION_COOKIE_NAME", "__Host-session")
        config.setdefault("REMEMBER_COOKIE_NAME", "__Host-remember_token")
        config["SESSION_COOKIE_DOMAIN"] = None
        config["REMEMBER_COOKIE_DOMAIN"] = None
        config["SESSION_COOKIE_PATH"] = "/"
        config["REMEMBER_COOKIE_PATH"] = "/"
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production (FAIR_ENV=production) fair refuses to start "
                "without it: set SECRET_KEY to a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        config["SECRET_KEY"] = _development_secret(instance)
    return config


_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def oidc_providers(raw: str) -> list[dict]:
    """OIDC_PROVIDERS read and checked: the app refuses to start on a list it cannot use."""
    if not raw.strip():
        return []
    try:
        providers = json.loads(raw)
    except ValueError as error:
        raise ConfigError(f"OIDC_PROVIDERS is not valid JSON ({error}): see docs/openid-connect.md.") from None
    if isinstance(providers, dict):
        providers = [providers]
    if not isinstance(providers, list) or not all(isinstance(p, dict) for p in providers):
        raise ConfigError("OIDC_PROVIDERS must be a JSON list of objects: see docs/openid-connect.md.")
    names = set()
    for provider in providers:
        name = str(provider.get("name") or "")
        if not _PROVIDER_NAME.match(name) or name in names:
            raise ConfigError(f"OIDC_PROVIDERS: each provider needs a distinct name of lowercase letters, "
                              f"digits and hyphens (got {name!r}).")
        names.add(name)
        for key in ("issuer", "client_id"):
            if not provider.get(key):
                raise ConfigError(f"OIDC_PROVIDERS: provider {name!r} has no {key}.")
        if not str(provider["issuer"]).startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ConfigError(f"OIDC_PROVIDERS: the issuer of {name!r} must be an https:// address.")
    return providers


def _development_secret(instance: Path) -> str:
    """A random key kept under instance/, so that development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
