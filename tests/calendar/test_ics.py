"""Calendar files, read back by two independent parsers: Python's icalendar and Mozilla's ical.js.

Pure: no app, no database. ical.js runs in one Node process per test module (tests/node).
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fair.calendar.ics import Attendee, CalendarEvent, cancel_ics, clean_name, clean_text, feed_ics, request_ics
from fair.timezones import local_span_text, local_time_text, zone_label

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
STAMP = datetime(2030, 5, 2, 9, 30, tzinfo=UTC)


class IcalJs:
    """One `node read_ics.mjs --lines` process: a JSON line in, what ical.js read as a JSON line out."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None or not (NODE_DIR / "node_modules" / "ical.js").is_dir():
            pytest.fail("ical.js is missing: run `make e2e-node` (npm ci in tests/node)")
        self.process = subprocess.Popen(
            [node, str(NODE_DIR / "read_ics.mjs"), "--lines"], cwd=NODE_DIR, text=True,
            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def read(self, ics: bytes) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(ics.decode("utf-8")) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "ical.js stopped answering"
        answer = json.loads(line)
        assert "error" not in answer, answer
        return answer

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def ical_js() -> Iterator[IcalJs]:
    reader = IcalJs()
    yield reader
    reader.close()


def make_event(**changes: Any) -> CalendarEvent:
    start = datetime(2030, 6, 10, 10, 15, tzinfo=PARIS)
    values: dict[str, Any] = dict(
        uid="booking-42@fair.example",
        sequence=0,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        timezone="Europe/Paris",
        summary="Entretien avec Boulangerie Martin",
        description="Le recruteur vous appelle au numéro de votre profil.\n"
                    + local_time_text(start, "Europe/Paris", "fr"),
        location="Par téléphone",
        organiser=Attendee("salon@fair.example", "Salon de l'emploi de Lyon"),
        attendees=(
            Attendee("candidate@example.org", "A candidate"),
            Attendee("recruiter@example.com", "A recruiter", role="OPT-PARTICIPANT",
                     partstat="ACCEPTED", rsvp=False),
        ),
        url="https://fair.example/bookings/42",
        stamp=STAMP,
    )
    values.update(changes)
    return CalendarEvent(**values)


def parse(ics: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- REQUEST ---------------------------------------------------------------------------------

def test_request_carries_the_itip_fields_both_parsers_read(ical_js):
    event = make_event()
    ics = request_ics(event)

    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VCALENDAR\r\n")
    assert b"DTSTART:20300610T081500Z\r\n" in ics and b"DTEND:20300610T084500Z\r\n" in ics
    assert b"DTSTAMP:20300502T093000Z\r\n" in ics
    assert b"TZID" not in ics and b"VTIMEZONE" not in ics

    calendar, vevent = parse(ics)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//fair//")
    assert calendar["UID"] and calendar["UID"] != vevent["UID"]
    assert vevent["UID"] == "booking-42@fair.example"
    assert vevent["SEQUENCE"] == 0
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent.decoded("DTSTART") == datetime(2030, 6, 10, 8, 15, tzinfo=UTC)
    assert vevent.decoded("DTSTART").tzinfo.utcoffset(None) == timedelta(0)
    assert vevent.decoded("DTEND") == datetime(2030, 6, 10, 8, 45, tzinfo=UTC)
    assert vevent.decoded("DTSTAMP") == STAMP
    assert vevent["LOCATION"] == "Par téléphone"
    assert vevent["DESCRIPTION"] == ("Le recruteur vous appelle au numéro de votre profil.\n"
                                     "lundi 10 juin 2030, 10:15 (heure de Paris)")
    assert vevent["URL"] == "https://fair.example/bookings/42"

    organiser = vevent["ORGANIZER"]
    assert str(organiser) == "mailto:salon@fair.example"
    assert organiser.params["CN"] == "Salon de l'emploi de Lyon"
    candidate, recruiter = vevent["ATTENDEE"]
    assert str(candidate) == "mailto:candidate@example.org"
    assert dict(candidate.params) == {"CN": "A candidate", "ROLE": "REQ-PARTICIPANT",
                                      "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    assert dict(recruiter.params) == {"CN": "A recruiter", "ROLE": "OPT-PARTICIPANT",
                                      "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"}

    (alarm,) = vevent.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
    assert b"TRIGGER:-PT15M\r\n" in ics

    seen = ical_js.read(ics)
    assert seen["component"] == "vcalendar"
    assert (seen["method"], seen["version"], seen["uid"]) == ("REQUEST", "2.0", str(calendar["UID"]))
    (js_event,) = seen["events"]
    assert js_event["uid"] == "booking-42@fair.example"
    assert js_event["sequence"] == 0
    assert js_event["status"] == "CONFIRMED"
    assert js_event["dtstart"] == {"iso": "2030-06-10T08:15:00.000Z", "utc": True}
    assert js_event["dtend"] == {"iso": "2030-06-10T08:45:00.000Z", "utc": True}
    assert js_event["dtstamp"] == {"iso": "2030-05-02T09:30:00.000Z", "utc": True}
    assert js_event["description"] == str(vevent["DESCRIPTION"])
    assert js_event["organizer"]["value"] == "mailto:salon@fair.example"
    assert js_event["organizer"]["cn"] == "Salon de l'emploi de Lyon"
    assert js_event["attendees"] == [
        {"value": "mailto:candidate@example.org", "cn": "A candidate", "role": "REQ-PARTICIPANT",
         "partstat": "NEEDS-ACTION", "rsvp": "TRUE"},
        {"value": "mailto:recruiter@example.com", "cn": "A recruiter", "role": "OPT-PARTICIPANT",
         "partstat": "ACCEPTED", "rsvp": "FALSE"},
    ]
    assert js_event["alarms"] == [{"action": "DISPLAY", "trigger": "-PT15M",
                                   "description": "Entretien avec Boulangerie Martin"}]


def test_the_same_event_gives_the_same_bytes():
    """The calendar-level UID icalendar would draw at random is derived from the event UID."""
    assert request_ics(make_event()) == request_ics(make_event())
    other = parse(request_ics(make_event(uid="booking-43@fair.example")))[0]
    assert other["UID"] != parse(request_ics(make_event()))[0]["UID"]


def test_an_update_keeps_the_uid_and_raises_the_sequence(ical_js):
    created = make_event()
    moved = dataclasses.replace(
        created, sequence=1, starts_at=created.starts_at + timedelta(days=1, hours=2),
        ends_at=created.ends_at + timedelta(days=1, hours=2), location="Stand 12, hall B",
        stamp=STAMP + timedelta(hours=3))
    first, second = ical_js.read(request_ics(created)), ical_js.read(request_ics(moved))

    assert first["method"] == second["method"] == "REQUEST"
    assert first["uid"] == second["uid"]
    assert first["events"][0]["uid"] == second["events"][0]["uid"] == "booking-42@fair.example"
    assert second["events"][0]["sequence"] == first["events"][0]["sequence"] + 1
    assert second["events"][0]["dtstart"]["iso"] == "2030-06-11T10:15:00.000Z"
    assert second["events"][0]["location"] == "Stand 12, hall B"
    assert second["events"][0]["dtstamp"]["iso"] > first["events"][0]["dtstamp"]["iso"]
    _, vevent = parse(request_ics(moved))
    assert (vevent["UID"], vevent["SEQUENCE"]) == ("booking-42@fair.example", 1)


def test_no_alarm_when_the_caller_wants_none(ical_js):
    ics = request_ics(make_event(alarm_minutes=None))
    assert b"VALARM" not in ics
    assert ical_js.read(ics)["events"][0]["alarms"] == []
    one_day = ical_js.read(request_ics(make_event(alarm_minutes=24 * 60)))["events"][0]["alarms"]
    assert one_day[0]["trigger"] == "-P1D"
    at_start = ical_js.read(request_ics(make_event(alarm_minutes=0)))["events"][0]["alarms"]
    assert at_start[0]["trigger"] == "PT0S"


def test_dtstamp_is_now_when_not_given():
    before = datetime.now(UTC).replace(microsecond=0)
    _, vevent = parse(request_ics(make_event(stamp=None)))
    after = datetime.now(UTC)
    assert before <= vevent.decoded("DTSTAMP") <= after


def test_fractions_of_a_second_are_dropped_not_rounded():
    start = datetime(2030, 6, 10, 8, 15, 0, 999_999, tzinfo=UTC)
    _, vevent = parse(request_ics(make_event(starts_at=start, ends_at=start + timedelta(hours=1))))
    assert vevent.decoded("DTSTART") == datetime(2030, 6, 10, 8, 15, tzinfo=UTC)


# --- daylight saving time in Europe/Paris ----------------------------------------------------

@pytest.mark.parametrize(("local", "utc"), [
    # the day before and the day of the spring change (CET → CEST on 31 March 2030)
    (datetime(2030, 3, 30, 10, 0, tzinfo=PARIS), datetime(2030, 3, 30, 9, 0, tzinfo=UTC)),
    (datetime(2030, 3, 31, 10, 0, tzinfo=PARIS), datetime(2030, 3, 31, 8, 0, tzinfo=UTC)),
    (datetime(2030, 3, 31, 1, 30, tzinfo=PARIS), datetime(2030, 3, 31, 0, 30, tzinfo=UTC)),
    (datetime(2030, 3, 31, 3, 30, tzinfo=PARIS), datetime(2030, 3, 31, 1, 30, tzinfo=UTC)),
    # the autumn change (27 October 2030): 02:30 happens twice
    (datetime(2030, 10, 27, 2, 30, tzinfo=PARIS), datetime(2030, 10, 27, 0, 30, tzinfo=UTC)),
    (datetime(2030, 10, 27, 2, 30, fold=1, tzinfo=PARIS), datetime(2030, 10, 27, 1, 30, tzinfo=UTC)),
    (datetime(2030, 10, 28, 10, 0, tzinfo=PARIS), datetime(2030, 10, 28, 9, 0, tzinfo=UTC)),
])
def test_dtstart_is_the_booked_instant_across_daylight_saving(ical_js, local, utc):
    # Python adds wall-clock time to aware datetimes: the end is one real hour after in UTC.
    event = make_event(starts_at=local, ends_at=utc + timedelta(hours=1))
    ics = request_ics(event)
    _, vevent = parse(ics)
    assert local.astimezone(UTC) == utc  # the table itself is right
    assert vevent.decoded("DTSTART") == utc
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=1)
    seen = ical_js.read(ics)["events"][0]
    assert seen["dtstart"] == {"iso": iso(utc), "utc": True}
    assert seen["dtend"] == {"iso": iso(utc + timedelta(hours=1)), "utc": True}


def test_an_event_over_the_spring_change_lasts_its_real_length():
    start = datetime(2030, 3, 31, 1, 30, tzinfo=PARIS)      # CET
    end = datetime(2030, 3, 31, 3, 30, tzinfo=PARIS)        # CEST: one real hour later
    _, vevent = parse(request_ics(make_event(starts_at=start, ends_at=end)))
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=1)
    assert local_span_text(start, end, "Europe/Paris", "fr") == \
        "dimanche 31 mars 2030, 01:30 – 03:30 (heure de Paris)"


# --- CANCEL ----------------------------------------------------------------------------------

def test_cancel_has_the_same_uid_a_higher_sequence_and_status_cancelled(ical_js):
    request = request_ics(make_event(sequence=1))
    cancel = cancel_ics(make_event(sequence=2))

    calendar, vevent = parse(cancel)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar["UID"] == parse(request)[0]["UID"]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["UID"] == "booking-42@fair.example"
    assert vevent["SEQUENCE"] == 2
    assert vevent.decoded("DTSTART") == datetime(2030, 6, 10, 8, 15, tzinfo=UTC)
    assert str(vevent["ORGANIZER"]) == "mailto:salon@fair.example"
    assert [str(a) for a in vevent["ATTENDEE"]] == ["mailto:candidate@example.org",
                                                   "mailto:recruiter@example.com"]
    assert all(a.params["RSVP"] == "FALSE" for a in vevent["ATTENDEE"]), "a cancellation asks no reply"
    assert not vevent.walk("VALARM"), "RFC 5546 3.2.5: no VALARM in a CANCEL"

    before, after = ical_js.read(request), ical_js.read(cancel)
    assert after["method"] == "CANCEL"
    assert after["events"][0]["status"] == "CANCELLED"
    assert after["events"][0]["uid"] == before["events"][0]["uid"]
    assert after["events"][0]["sequence"] > before["events"][0]["sequence"]
    assert after["events"][0]["alarms"] == []


def test_a_request_without_attendees_is_refused():
    with pytest.raises(ValueError, match="attendee"):
        request_ics(make_event(attendees=()))


def test_a_cancel_without_a_higher_sequence_is_refused():
    with pytest.raises(ValueError, match="SEQUENCE"):
        cancel_ics(make_event(sequence=0))


# --- feed ------------------------------------------------------------------------------------

def test_feed_publishes_current_events_in_start_order(ical_js):
    later = make_event(uid="webinar-7@fair.example", summary="Webinaire : réussir son entretien",
                       starts_at=datetime(2030, 6, 12, 14, 0, tzinfo=PARIS),
                       ends_at=datetime(2030, 6, 12, 15, 0, tzinfo=PARIS), sequence=3)
    ics = feed_ics([later, make_event()], "Mes rendez-vous ; salon, Lyon")

    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Mes rendez-vous ; salon, Lyon"
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0" and calendar["UID"]
    events = calendar.walk("VEVENT")
    assert [e["UID"] for e in events] == ["booking-42@fair.example", "webinar-7@fair.example"]
    assert [e["SEQUENCE"] for e in events] == [0, 3]
    assert all("ATTENDEE" not in e for e in events), "RFC 5546 3.2.1: no ATTENDEE in PUBLISH"
    assert all(str(e["ORGANIZER"]) == "mailto:salon@fair.example" for e in events)

    seen = ical_js.read(ics)
    assert seen["method"] == "PUBLISH"
    assert seen["calname"] == "Mes rendez-vous ; salon, Lyon"
    assert [e["dtstart"]["iso"] for e in seen["events"]] == ["2030-06-10T08:15:00.000Z",
                                                             "2030-06-12T12:00:00.000Z"]
    assert seen["events"][1]["summary"] == "Webinaire : réussir son entretien"


def test_feed_uid_is_the_callers_or_stable(ical_js):
    assert ical_js.read(feed_ics([], "Mes rendez-vous", uid="feed-9@fair.example"))["uid"] == \
        "feed-9@fair.example"
    assert feed_ics([make_event()], "Mes rendez-vous") == feed_ics([make_event()], "Mes rendez-vous")
    empty = ical_js.read(feed_ics([], "Mes rendez-vous"))
    assert empty["method"] == "PUBLISH" and empty["events"] == []


# --- escaping --------------------------------------------------------------------------------

def test_commas_semicolons_backslashes_and_new_lines_survive(ical_js):
    summary = "Entretien, poste ; « vendeur/vendeuse » \\ CDI"
    description = "Ligne 1\r\nLigne 2\rLigne 3\nLien : https://visio.example/r?a=1,2;b=3\tfin"
    location = "Stand 4, allée B; hall \"Rhône\""
    ics = request_ics(make_event(summary=summary, description=description, location=location,
                                 organiser=Attendee("salon@fair.example", 'Salon "Emploi", Lyon; 2030')))

    assert b"SUMMARY:Entretien\\, poste \\; \xc2\xab vendeur/vendeuse \xc2\xbb \\\\ CDI\r\n" in ics
    assert b"Ligne 1\\nLigne 2\\nLigne 3\\n" in ics
    _, vevent = parse(ics)
    expected_description = "Ligne 1\nLigne 2\nLigne 3\nLien : https://visio.example/r?a=1,2;b=3\tfin"
    assert (vevent["SUMMARY"], vevent["DESCRIPTION"], vevent["LOCATION"]) == \
        (summary, expected_description, location)
    assert vevent["ORGANIZER"].params["CN"] == "Salon \u201dEmploi\u201d, Lyon; 2030"
    seen = ical_js.read(ics)["events"][0]
    assert (seen["summary"], seen["description"], seen["location"]) == \
        (summary, expected_description, location)
    assert seen["organizer"]["cn"] == "Salon \u201dEmploi\u201d, Lyon; 2030"


def test_names_read_the_same_in_both_parsers(ical_js):
    """A CN parameter has no escaping: quotes, backslashes and new lines are changed before writing."""
    names = ['Boulangerie "Au bon pain"', "Agence\\Lyon;Est", "Sur deux\r\nlignes", "\\", "^caret^", "  "]
    ics = request_ics(make_event(attendees=tuple(Attendee(f"p{i}@example.org", n) for i, n in enumerate(names))))
    expected = ["Boulangerie \u201dAu bon pain\u201d", "Agence/Lyon;Est", "Sur deux lignes", "/", "^caret^", ""]
    _, vevent = parse(ics)
    assert [a.params.get("CN", "") for a in vevent["ATTENDEE"]] == expected
    assert [a["cn"] or "" for a in ical_js.read(ics)["events"][0]["attendees"]] == expected


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    ({"starts_at": datetime(2030, 6, 10, 10, 15)}, "aware"),
    ({"stamp": datetime(2030, 6, 10, 10, 15)}, "aware"),
    ({"ends_at": datetime(2030, 6, 10, 10, 15, tzinfo=PARIS)}, "after"),
    ({"timezone": "Europe/Lyon"}, "IANA"),
    ({"timezone": ""}, "IANA"),
    ({"sequence": -1}, "SEQUENCE"),
    ({"uid": ""}, "UID"),
    ({"uid": "booking\n42"}, "UID"),
    ({"uid": "booking\t42"}, "UID"),
    ({"uid": " booking-42"}, "UID"),
    ({"alarm_minutes": -5}, "alarm"),
    ({"url": "https://fair.example/a b"}, "URL"),
])
def test_bad_events_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        make_event(**changes)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"email": "not-an-address"}, "email"),
    ({"email": "a@b.fr\r\nBCC:x@y"}, "email"),
    ({"email": "a b@b.fr"}, "email"),
    ({"email": "a@b.fr\t"}, "email"),
    ({"email": "A <a@b.fr>"}, "email"),
    ({"email": "a@b.fr", "role": "GUEST"}, "ROLE"),
    ({"email": "a@b.fr", "partstat": "MAYBE"}, "PARTSTAT"),
])
def test_bad_attendees_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Attendee(**kwargs)


# --- local time in the text ------------------------------------------------------------------

def test_local_time_text_in_french_and_english():
    moment = datetime(2030, 6, 11, 8, 15, tzinfo=UTC)
    assert local_time_text(moment, "Europe/Paris", "fr") == "mardi 11 juin 2030, 10:15 (heure de Paris)"
    assert local_time_text(moment, "Europe/Paris", "fr_FR") == "mardi 11 juin 2030, 10:15 (heure de Paris)"
    assert local_time_text(moment, "Europe/Paris", "en") == "Tuesday, June 11, 2030, 10:15\u202fAM (Paris time)" \
        or local_time_text(moment, "Europe/Paris", "en") == "Tuesday, June 11, 2030, 10:15 AM (Paris time)"
    assert local_time_text(moment, "Europe/Paris", "en_GB") == "Tuesday, 11 June 2030, 10:15 (Paris time)"
    assert local_time_text(moment, "Indian/Reunion", "fr") == "mardi 11 juin 2030, 12:15 (heure de La Réunion)"
    assert local_time_text(moment, "America/Cayenne", "fr") == "mardi 11 juin 2030, 05:15 (heure de Cayenne)"
    assert zone_label("Europe/Amsterdam", "fr") == "heure d’Amsterdam"
    assert zone_label("UTC", "fr") == "UTC"


def test_local_time_text_follows_daylight_saving():
    assert local_time_text(datetime(2030, 3, 30, 9, 0, tzinfo=UTC), "Europe/Paris", "fr") == \
        "samedi 30 mars 2030, 10:00 (heure de Paris)"
    assert local_time_text(datetime(2030, 3, 31, 9, 0, tzinfo=UTC), "Europe/Paris", "fr") == \
        "dimanche 31 mars 2030, 11:00 (heure de Paris)"


def test_local_span_text_names_both_days_when_it_runs_past_midnight():
    start = datetime(2030, 6, 10, 21, 30, tzinfo=UTC)
    assert local_span_text(start, start + timedelta(hours=1), "Europe/Paris", "fr") == \
        "lundi 10 juin 2030, 23:30 – mardi 11 juin 2030, 00:30 (heure de Paris)"


def test_local_time_text_needs_an_aware_datetime():
    with pytest.raises(ValueError, match="aware"):
        local_time_text(datetime(2030, 6, 10, 10, 15), "Europe/Paris", "fr")


# --- property: any text, any instant, any zone -----------------------------------------------

ZONES = st.sampled_from(["Europe/Paris", "Indian/Reunion", "America/Guadeloupe", "Pacific/Noumea",
                         "America/Cayenne", "Europe/London", "America/New_York", "Asia/Kolkata",
                         "Australia/Lord_Howe", "UTC"])
INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31),
                        timezones=st.sampled_from([PARIS, ZoneInfo("America/New_York"), UTC]),
                        allow_imaginary=False).map(lambda d: d.replace(microsecond=0))
TEXTS = st.text(max_size=300)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=TEXTS, description=TEXTS, location=TEXTS, name=st.text(max_size=80),
       start=INSTANTS, minutes=st.integers(min_value=1, max_value=60 * 24 * 3), zone=ZONES,
       sequence=st.integers(min_value=0, max_value=10_000))
def test_round_trip_of_any_text_and_instant(ical_js, summary, description, location, name, start,
                                             minutes, zone, sequence):
    # Compared in UTC: Python calls an ambiguous local time (the repeated autumn hour) unequal to
    # every instant of another zone, and adds timedeltas to aware datetimes in wall-clock time.
    start_utc = start.astimezone(UTC)
    event = make_event(summary=summary, description=description, location=location, sequence=sequence,
                       starts_at=start, ends_at=start_utc + timedelta(minutes=minutes), timezone=zone,
                       attendees=(Attendee("candidate@example.org", name),))
    ics = request_ics(event)

    _, vevent = parse(ics)
    assert vevent["SUMMARY"] == clean_text(summary)
    assert vevent["DESCRIPTION"] == clean_text(description)
    assert vevent["LOCATION"] == clean_text(location)
    assert vevent["SEQUENCE"] == sequence
    assert vevent.decoded("DTSTART") == start_utc
    assert vevent.decoded("DTEND") == start_utc + timedelta(minutes=minutes)
    assert vevent["ATTENDEE"].params.get("CN", "") == clean_name(name)

    seen = ical_js.read(ics)["events"][0]
    assert seen["summary"] == clean_text(summary)
    assert seen["description"] == clean_text(description)
    assert seen["location"] == clean_text(location)
    assert seen["sequence"] == sequence
    assert seen["dtstart"] == {"iso": iso(start_utc), "utc": True}
    assert seen["dtend"] == {"iso": iso(start_utc + timedelta(minutes=minutes)), "utc": True}
    assert (seen["attendees"][0]["cn"] or "") == clean_name(name)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]) | st.sampled_from("\n\t")))
def test_clean_text_keeps_every_character_a_calendar_may_hold(text):
    assert clean_text(text) == text
