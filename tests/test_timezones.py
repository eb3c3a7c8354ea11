"""The one rule for wall-clock times around a daylight-saving change, and the one clock tests move.

Europe/Paris, 2026: on Sunday 29 March clocks jump from 02:00 to 03:00 (02:30 never happens); on
Sunday 25 October they go back from 03:00 to 02:00 (02:30 happens twice, first in summer time).
"""
from __future__ import annotations

import datetime as dt

import pytest

UTC = dt.timezone.utc
SPRING = dt.date(2026, 3, 29)
AUTUMN = dt.date(2026, 10, 25)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


@pytest.mark.parametrize("wall, instant", [
    (at(SPRING, 1, 30), dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),   # winter time, before the jump
    (at(SPRING, 2, 30), dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),   # skipped: read as 03:30 summer time
    (at(SPRING, 3, 30), dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),   # summer time
    (at(AUTUMN, 1, 30), dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),  # summer time
    (at(AUTUMN, 2, 30), dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # repeated: the first, summer time
    (at(AUTUMN, 3, 30), dt.datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),  # winter time
])
def test_a_wall_clock_time_of_paris_names_one_instant(wall, instant):
    from fair.timezones import local_to_utc

    assert local_to_utc(wall, "Europe/Paris") == instant
    assert local_to_utc(wall, None) == instant  # the default zone is the fair's usual one


def test_a_skipped_time_is_shown_back_an_hour_later_and_a_repeated_one_as_typed():
    from fair.timezones import local_to_utc, utc_to_local

    assert utc_to_local(local_to_utc(at(SPRING, 2, 30), "Europe/Paris"), "Europe/Paris") == at(SPRING, 3, 30)
    assert utc_to_local(local_to_utc(at(AUTUMN, 2, 30), "Europe/Paris"), "Europe/Paris") == at(AUTUMN, 2, 30)
    assert utc_to_local(None, "Europe/Paris") is None


def test_an_aware_time_is_only_converted():
    from fair.timezones import local_to_utc

    new_york = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert local_to_utc(new_york, "Europe/Paris") == dt.datetime(2026, 3, 29, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("wall, change", [
    (at(SPRING, 2, 0), "skipped"), (at(SPRING, 2, 59), "skipped"), (at(SPRING, 3, 0), None),
    (at(SPRING, 1, 59), None), (at(AUTUMN, 2, 0), "repeated"), (at(AUTUMN, 2, 59), "repeated"),
    (at(AUTUMN, 3, 0), None), (at(AUTUMN, 1, 59), None), (at(dt.date(2026, 6, 1), 2, 30), None),
])
def test_the_times_a_change_makes_odd_are_told_apart(wall, change):
    from fair.timezones import wall_time_change

    assert wall_time_change(wall, "Europe/Paris") == change


def test_the_days_of_the_changes_last_23_and_25_hours():
    from fair.timezones import local_day_bounds

    start, end = local_day_bounds(SPRING, "Europe/Paris")
    assert (start, end - start) == (dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC), dt.timedelta(hours=23))
    start, end = local_day_bounds(AUTUMN, "Europe/Paris")
    assert (start, end - start) == (dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC), dt.timedelta(hours=25))


def test_a_fair_s_zone_is_its_own_or_paris_and_unknown_names_are_told():
    from types import SimpleNamespace

    from fair.timezones import fair_zone, is_known_timezone

    assert fair_zone(SimpleNamespace(timezone="America/Montreal")).key == "America/Montreal"
    assert fair_zone(SimpleNamespace(timezone=None)).key == "Europe/Paris"
    assert is_known_timezone("Europe/Paris") and not is_known_timezone("Europe/Atlantis")
    assert not is_known_timezone("") and not is_known_timezone(None)


def test_a_slot_series_across_both_changes_keeps_real_minutes_and_distinct_instants():
    """Cut in UTC from the converted ends: 01:00–04:00 is two real hours in March, four in October."""
    from fair.jobdating.services import cut_slots
    from fair.timezones import local_to_utc, utc_to_local

    for day, hours in ((SPRING, 2), (AUTUMN, 4)):
        start, end = local_to_utc(at(day, 1), "Europe/Paris"), local_to_utc(at(day, 4), "Europe/Paris")
        slots = cut_slots(start, end, 30, 0)
        assert len(slots) == hours * 2
        assert len({s for s, _e in slots}) == len(slots)
        assert all(e - s == dt.timedelta(minutes=30) for s, e in slots)
        # Nothing lost between two slots (each slot with the next: the shifted list is one shorter).
        assert all(b[0] == a[1] for a, b in zip(slots, slots[1:], strict=False))
    spring = cut_slots(local_to_utc(at(SPRING, 1), "Europe/Paris"), local_to_utc(at(SPRING, 4), "Europe/Paris"),
                       30, 0)
    assert [utc_to_local(s, "Europe/Paris").strftime("%H:%M") for s, _e in spring] == [
        "01:00", "01:30", "03:00", "03:30"]


def test_the_clock_is_the_wall_clock_unless_a_test_moves_it():
    from fair import clock

    before = dt.datetime.now(UTC)
    assert before <= clock.now() <= dt.datetime.now(UTC) and clock.now().tzinfo is not None
    moment = dt.datetime(2030, 3, 12, 9, 0, tzinfo=UTC)
    with clock.frozen_at(moment):
        assert clock.now() == moment
        with clock.frozen_at(moment + dt.timedelta(hours=1)):
            assert clock.now() == moment + dt.timedelta(hours=1)
        assert clock.now() == moment
    assert clock.now() >= before and clock.now() != moment

    ticks = iter([moment, moment + dt.timedelta(seconds=1)])
    clock.set_clock(lambda: next(ticks))
    try:
        assert [clock.now(), clock.now()] == [moment, moment + dt.timedelta(seconds=1)]
    finally:
        clock.set_clock(None)
    assert clock.now() >= before
    with pytest.raises(ValueError):
        with clock.frozen_at(dt.datetime(2030, 3, 12, 9, 0)):
            pass
