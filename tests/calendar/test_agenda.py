"""Calendar entries: each change mails the user an iTIP message through the outbox (REQUEST, REQUEST
with a higher SEQUENCE, CANCEL, same UID), and the owner can download the entry's current .ics."""
from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from tests.calendar.entries import START, app_config, world  # noqa: F401  (fixtures used by name)
from tests.conftest import login, run_jobs


def _schedule(session, edition, user, ref_id=42, start=START):
    from fair.calendar.agenda import schedule_entry

    entry = schedule_entry(session, user_id=user.id, edition_id=edition.id, kind="booking", ref_id=ref_id,
                           starts_at=start, ends_at=start + dt.timedelta(minutes=20),
                           summary="Entretien avec Nordlog", description="Le recruteur vous appellera.",
                           location="Téléphone", join_url="https://visio.example.org/r/abc")
    session.commit()
    return entry


def _calendar_of(message) -> tuple[str, Calendar]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))


def _event(calendar: Calendar):
    return next(iter(calendar.walk("VEVENT")))


def test_schedule_move_cancel_send_request_update_and_cancel_with_one_uid(app, session, smtp, world):
    from fair.calendar.agenda import cancel_entry, move_entry

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    run_jobs(app)
    moved_start = START + dt.timedelta(hours=2)
    move_entry(session, entry, starts_at=moved_start, ends_at=moved_start + dt.timedelta(minutes=30),
               location="Stand 12")
    session.commit()
    run_jobs(app)
    cancel_entry(session, entry)
    session.commit()
    run_jobs(app)

    mails = smtp.wait_for("candidate@example.org", 3)
    assert len(mails) == 3
    shapes = [_calendar_of(m) for m in mails]
    methods = [method for method, _ in shapes]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    events = [_event(cal) for _, cal in shapes]
    assert [str(cal["METHOD"]) for _, cal in shapes] == methods
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert events[0].decoded("DTSTART") == START
    assert events[1].decoded("DTSTART") == moved_start
    assert str(events[1]["LOCATION"]) == "Stand 12"
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert "Annulé" in str(mails[2]["Subject"]) or "Cancelled" in str(mails[2]["Subject"])
    # The fair's local time (Paris, UTC+1 in March) is written in the French text.
    assert "10:00" in mails[0].get_body(("plain",)).get_content()


def test_the_same_change_is_mailed_once(app, session, smtp, world):
    """The outbox key is per entry and sequence: a second outbox write for the same change sends nothing more."""
    from fair.calendar.agenda import _mail_change

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    _mail_change(session, entry, "REQUEST")
    session.commit()
    run_jobs(app)
    run_jobs(app)
    assert len(smtp.wait_for("candidate@example.org", 1)) == 1
    assert len(smtp.to("candidate@example.org")) == 1


def test_moving_to_the_same_time_sends_nothing(app, session, smtp, world):
    from fair.calendar.agenda import move_entry

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    move_entry(session, entry, starts_at=START, ends_at=START + dt.timedelta(minutes=20))
    session.commit()
    assert entry.sequence == 0
    run_jobs(app)
    smtp.wait_for("candidate@example.org", 1)
    assert len(smtp.to("candidate@example.org")) == 1


def test_times_out_of_order_are_refused_and_change_nothing(app, session, world):
    from fair.calendar.agenda import EntryError, schedule_entry
    from fair.calendar.models import CalendarEntry
    from fair.mail.models import OutboxMessage

    edition, candidate = world
    with pytest.raises(EntryError):
        schedule_entry(session, user_id=candidate.id, edition_id=edition.id, kind="booking", ref_id=1,
                       starts_at=START, ends_at=START, summary="x", description="", location="")
    session.rollback()
    assert session.query(CalendarEntry).count() == 0
    assert session.query(OutboxMessage).count() == 0


def test_the_owner_downloads_the_current_ics_and_others_get_404(app, session, factory, world):
    from fair.calendar.agenda import move_entry

    edition, candidate = world
    other = factory.user(email="other@example.org")
    entry = _schedule(session, edition, candidate)
    move_entry(session, entry, starts_at=START + dt.timedelta(days=1), ends_at=START + dt.timedelta(days=1, hours=1))
    session.commit()

    owner = app.test_client()
    login(owner, "candidate@example.org")
    response = owner.get(f"/calendar/entries/{entry.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == START + dt.timedelta(days=1)

    stranger = app.test_client()
    login(stranger, other.email)
    assert stranger.get(f"/calendar/entries/{entry.id}.ics").status_code == 404
    assert stranger.get("/calendar/entries/999999.ics").status_code == 404
    assert app.test_client().get(f"/calendar/entries/{entry.id}.ics").status_code == 302


def test_scheduling_again_after_a_cancel_keeps_the_uid_and_raises_the_sequence(app, session, world):
    from fair.calendar.agenda import cancel_entry
    from fair.calendar.models import EntryStatus

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    uid = entry.uid
    cancel_entry(session, entry)
    session.commit()
    again = _schedule(session, edition, candidate)
    assert again.id == entry.id and again.uid == uid
    assert again.sequence == 2 and again.status == EntryStatus.active


def _ical_js(ics: bytes, tmp_path) -> dict:
    """What Mozilla's ical.js (Thunderbird's reader) understands of a calendar file."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    node_dir = Path(__file__).resolve().parents[1] / "node"
    node = shutil.which("node")
    if node is None or not (node_dir / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is missing: run `make e2e-node` (npm ci in tests/node)")
    path = tmp_path / "entry.ics"
    path.write_bytes(ics)
    answer = json.loads(subprocess.run([node, str(node_dir / "read_ics.mjs"), str(path)], cwd=node_dir,
                                       capture_output=True, check=True, text=True).stdout)
    assert "error" not in answer, answer
    return answer


def test_ical_js_reads_the_mailed_request_update_and_cancel_of_an_entry(app, session, smtp, world, tmp_path):
    from fair.calendar.agenda import cancel_entry, move_entry

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    moved_start = START + dt.timedelta(days=1)
    move_entry(session, entry, starts_at=moved_start, ends_at=moved_start + dt.timedelta(minutes=20))
    cancel_entry(session, entry)
    session.commit()
    run_jobs(app)
    read = []
    for message in smtp.wait_for("candidate@example.org", 3):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        read.append(_ical_js(part.get_payload(decode=True), tmp_path))
    assert [r["method"] for r in read] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({r["events"][0]["uid"] for r in read}) == 1
    assert [r["events"][0]["sequence"] for r in read] == [0, 1, 2]
    assert read[0]["events"][0]["dtstart"] == {"iso": "2030-03-12T09:00:00.000Z", "utc": True}
    assert read[1]["events"][0]["dtstart"]["iso"] == "2030-03-13T09:00:00.000Z"
    assert read[2]["events"][0]["status"] == "CANCELLED"
    assert read[0]["events"][0]["attendees"][0]["value"] == "mailto:candidate@example.org"
    # Item 16: the organiser is the no-reply address, so no calendar is asked to send a reply there.
    assert all(r["events"][0]["attendees"][0]["rsvp"] == "FALSE" for r in read)
    assert all(r["events"][0]["attendees"][0]["partstat"] == "ACCEPTED" for r in read)


def test_invitations_ask_for_no_reply_the_no_reply_organiser_would_never_read(app, session, smtp, world):
    """Item 16: RSVP=FALSE and PARTSTAT=ACCEPTED on every ATTENDEE, METHOD:REQUEST kept so calendars import it."""
    from fair.calendar.agenda import move_entry

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    moved_start = START + dt.timedelta(hours=3)
    move_entry(session, entry, starts_at=moved_start, ends_at=moved_start + dt.timedelta(minutes=20))
    session.commit()
    run_jobs(app)
    mails = smtp.wait_for("candidate@example.org", 2)
    for message in mails:
        method, calendar = _calendar_of(message)
        assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
        vevent = _event(calendar)
        attendees = vevent["ATTENDEE"]
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == ["mailto:candidate@example.org"]
        for attendee in attendees:
            assert attendee.params["RSVP"] == "FALSE"
            assert attendee.params["PARTSTAT"] == "ACCEPTED"
