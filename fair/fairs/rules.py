"""Rules of an edition that other domains enforce: when candidates may register, apply and book
(its registration window), when recruiters may receive them (its opening hours), and which brand
colours keep white text readable.

One function per rule, so that candidates, job dating and the public page all say the same thing.
"""
from __future__ import annotations

import datetime as dt
import enum
import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from fair.access import organisations_of
from fair.accounts.models import OrganisationKind
from fair.fairs.models import Edition, EditionOrganiser
from fair.timezones import fair_zone, local_time_text

# ---------------------------------------------------------------- who runs an edition


def editions_run_by(user_id: int) -> Select:
    """The ids of the editions this person organises, as lead or co-organiser, as a subquery for `in_()`.

    Every place that asks "may this organiser see this edition" uses it, so a co-organiser's
    members see and manage the edition wherever the lead's members do.
    """
    mine = organisations_of(user_id, OrganisationKind.organiser)
    co_organised = select(EditionOrganiser.edition_id).where(EditionOrganiser.organisation_id.in_(mine))
    return select(Edition.id).where(or_(Edition.organiser_id.in_(mine), Edition.id.in_(co_organised)))


# ---------------------------------------------------------------- registration window


class RegistrationState(str, enum.Enum):
    not_yet = "not_yet"
    open = "open"
    closed = "closed"


def registration_state(edition: Edition, now: dt.datetime) -> RegistrationState:
    """Where `now` falls in [registration_opens_at, registration_closes_at)."""
    if now < edition.registration_opens_at:
        return RegistrationState.not_yet
    if now >= edition.registration_closes_at:
        return RegistrationState.closed
    return RegistrationState.open


def _locale() -> str:
    return str(get_locale() or "fr")


def registration_message(edition: Edition, now: dt.datetime) -> str | None:
    """What a candidate is told when the window is not open ("Registration opens on …"), else None."""
    state = registration_state(edition, now)
    if state == RegistrationState.not_yet:
        return str(_l("Registration opens on %(date)s.",
                      date=local_time_text(edition.registration_opens_at, edition.timezone, _locale())))
    if state == RegistrationState.closed:
        return str(_l("Registration closed on %(date)s.",
                      date=local_time_text(edition.registration_closes_at, edition.timezone, _locale())))
    return None


class RegistrationClosed(Exception):
    """Outside the edition's registration window: candidates may not apply, book or wait for a slot."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_registration_open(edition: Edition, now: dt.datetime) -> None:
    message = registration_message(edition, now)
    if message is not None:
        raise RegistrationClosed(message)


# ---------------------------------------------------------------- opening hours


def opening_hours_problem(edition: Edition, starts_at: dt.datetime, ends_at: dt.datetime) -> str | None:
    """Why [starts_at, ends_at) is not within the edition's days and hours, or None if it is.

    The hours are the local time of day of `starts_at` to that of `ends_at`, on every local day from
    the first to the last, in the edition's time zone.
    """
    tz = fair_zone(edition)
    first, last = edition.starts_at.astimezone(tz), edition.ends_at.astimezone(tz)
    open_at, close_at = first.time().replace(tzinfo=None), last.time().replace(tzinfo=None)
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    hours = {"start": open_at.strftime("%H:%M"), "end": close_at.strftime("%H:%M")}
    if local_start.date() < first.date() or local_end.date() > last.date():
        return str(_l("Choose times on the days of the fair."))
    if open_at >= close_at:  # a fair running through the night: its days are the only bound
        return None
    within = (local_start.date() == local_end.date()
              and open_at <= local_start.time().replace(tzinfo=None)
              and local_end.time().replace(tzinfo=None) <= close_at)
    if not within:
        return str(_l("Choose times within the fair’s opening hours, %(start)s to %(end)s each day.", **hours))
    return None


# ---------------------------------------------------------------- brand colour

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of white text on `colour` (#rrggbb): (1.05) / (L + 0.05)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def brand_colour_or_default(colour: str | None) -> str:
    """A colour safe to write into a stylesheet or a mail: validated, else the house blue."""
    return colour.lower() if colour and COLOUR_RE.match(colour) else "#1d4f91"


# ---------------------------------------------------------------- short addresses

RESERVED_SLUGS = frozenset({
    "admin", "api", "console", "static", "login", "logout", "register", "f", "fairs", "account", "accounts",
    "dev", "health", "metrics", "invitations", "team-invitations", "recruiter", "adviser", "candidate",
    "organisations", "organisation", "interviews", "live", "webinars", "calendar", "agenda", "mail", "socket-io",
    "password", "reset", "new", "edit", "help", "legal", "privacy", "accessibility", "about", "www",
})


def is_reserved_slug(slug: str) -> bool:
    return slug in RESERVED_SLUGS
