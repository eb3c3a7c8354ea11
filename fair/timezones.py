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
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_ZONE = "Europe/Paris"

WallTimeChange = Literal["skipped", "repeated"]


class HasTimezone(Protocol):
    timezone: str | None


def zone_named(name: str | ZoneInfo | None) -> ZoneInfo:
    """The zone called `name` (the default zone when none is given)."""
    if isinstance(name, ZoneInfo):
        return name
    return ZoneInfo(name or DEFAULT_ZONE)


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
