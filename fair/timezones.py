"""Time zones: stored instants are aware UTC; people type and read the wall-clock time of the fair's zone.

The one rule for wall-clock times that a daylight-saving change makes odd (`local_to_utc`):

- a repeated time (end of summer time: in Europe/Paris on the last Sunday of October, 02:30 happens
  once in summer time, then again an hour later in winter time) is its **first occurrence**, the
  summer-time one. It is the one a person reaches first and the one a clock on the wall shows first;
  the screens that list such a day show the UTC offset beside the repeated hour so both can be told apart;
- a skipped time (start of summer time: in Europe/Paris on the last Sunday of March, clocks jump
  from 02:00 to 03:00, so 02:30 never happens) is **moved forward by the gap**: 02:30 becomes 03:30,
  what a wall clock that was not put forward would have shown at that instant.

Every other time names exactly one instant. A series of slots is cut in UTC from the two converted
ends of its range (`fair.jobdating.services.cut_slots`), never by converting each slot's wall-clock
time: real minutes apart, so no two slots of a series land on the same instant and none is lost
when the range crosses a change. Screens that must not guess (an edition's dates) first ask
`wall_time_change` and refuse a repeated or skipped time with their own words.

Kernel module: imports nothing of `fair`.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_time, get_timezone_location

DEFAULT_ZONE = "Europe/Paris"

WallTimeChange = Literal["skipped", "repeated"]


class HasTimezone(Protocol):
    timezone: str | None


def zone_named(name: str | ZoneInfo | None) -> ZoneInfo:
    """The zone called `name` (the default zone when none is given)."""
    if isinstance(name, ZoneInfo):
        return name
    return ZoneInfo(name or DEFAULT_ZONE)


def checked_zone(name: str) -> ZoneInfo:
    """The zone called `name`, or ValueError saying it is not an IANA zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"not an IANA time zone: {name!r}") from error


def fair_zone(edition: HasTimezone) -> ZoneInfo:
    """The zone a fair's times are typed and shown in."""
    return zone_named(edition.timezone)


_ZONES: frozenset[str] | None = None


def is_known_timezone(name: str | None) -> bool:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return bool(name) and name in _ZONES


def wall_time_change(value: dt.datetime, zone: str | ZoneInfo) -> WallTimeChange | None:
    """Whether a naive wall-clock time is skipped or repeated in `zone` by a daylight-saving change."""
    tz = zone_named(zone)
    first, second = value.replace(tzinfo=tz, fold=0), value.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None)
    return "repeated" if round_trip == value else "skipped"


def local_to_utc(value: dt.datetime, zone: str | ZoneInfo) -> dt.datetime:
    """The aware UTC instant of a wall-clock time of `zone` (an aware `value` is only converted).

    A repeated time is its first occurrence (summer time); a skipped time moves forward by the gap
    (02:30 → 03:30). Python's `fold=0` gives both: for a skipped time it applies the offset in force
    before the change, which lands the gap's length later.
    """
    if value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc)
    return value.replace(tzinfo=zone_named(zone), fold=0).astimezone(dt.timezone.utc)


def utc_to_local(value: dt.datetime | None, zone: str | ZoneInfo) -> dt.datetime | None:
    """The naive wall-clock time of an instant in `zone`, as a `datetime-local` input shows it."""
    if value is None:
        return None
    return value.astimezone(zone_named(zone)).replace(tzinfo=None)


def local_day_bounds(day: dt.date, zone: str | ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[midnight, next midnight) of a local day, in UTC: 23 or 25 hours on a daylight-saving change."""
    return (local_to_utc(dt.datetime.combine(day, dt.time(0, 0)), zone),
            local_to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0)), zone))


__all__ = ["DEFAULT_ZONE", "WallTimeChange", "zone_named", "fair_zone", "is_known_timezone", "wall_time_change",
           "local_to_utc", "utc_to_local", "local_day_bounds"]


# ---------------------------------------------------------------- the fair's local time, in words

def local_time_text(moment: dt.datetime, zone: str, locale: str) -> str:
    """"lundi 10 juin 2030, 10:15 (heure de Paris)" / "Monday, June 10, 2030, 10:15 AM (Paris time)".

    `moment` is aware; it is shown in `zone` (IANA), the fair's zone, in `locale`'s words.
    """
    local = _local(moment, zone, locale)
    return f"{local[0]}, {local[1]} ({zone_label(zone, locale)})"


def local_span_text(starts_at: dt.datetime, ends_at: dt.datetime, zone: str, locale: str) -> str:
    """"lundi 10 juin 2030, 10:15 – 10:45 (heure de Paris)"; both dates when it spans two days."""
    start_day, start_time = _local(starts_at, zone, locale)
    end_day, end_time = _local(ends_at, zone, locale)
    if start_day == end_day:
        return f"{start_day}, {start_time} – {end_time} ({zone_label(zone, locale)})"
    return f"{start_day}, {start_time} – {end_day}, {end_time} ({zone_label(zone, locale)})"


def zone_label(zone: str, locale: str) -> str:
    """"heure de Paris", "heure de La Réunion", "Paris time": the zone's main city, as people say it."""
    tz = checked_zone(zone)
    if zone in {"UTC", "Etc/UTC", "Etc/GMT", "GMT"}:
        return "UTC"
    city = get_timezone_location(tz, locale=locale, return_city=True)
    language = locale.replace("-", "_").split("_")[0].lower()
    if language == "fr":
        return f"heure d’{city}" if city[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"heure de {city}"
    if language == "en":
        return f"{city} time"
    return get_timezone_location(tz, locale=locale)


def _local(moment: dt.datetime, zone: str, locale: str) -> tuple[str, str]:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware dt.datetime is needed, not naive {moment!r}")
    local = moment.astimezone(checked_zone(zone))
    return format_date(local, "full", locale=locale), format_time(local, "short", locale=locale)
