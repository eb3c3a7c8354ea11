"""Each person is reached as they chose: a booking's confirmation, change, cancellation and reminders,
and a held waitlist place, go by SMS, by mail or both (fair.accounts.reach), read from the outbox rows
the real jobs wrote (the SMS transport itself is tested with the SMS channel). The fair is on
12 March 2030; Candidate One books its first slot, 09:00 in Paris (08:00 UTC)."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from tests.conftest import run_jobs
from tests.jobdating.helpers import active_bookings
from tests.notify.conftest import MOBILE, choose, rows, templates

EARLY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
START = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)  # the first slot: 09:00 in Paris
PARIS = ZoneInfo("Europe/Paris")
LINK = r"http://fair\.test/r/[A-Za-z0-9_-]{43}"
# The GSM 03.38 basic alphabet: a text made of these is sent 160 characters a segment.
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")


def _book(app, session, world, now=EARLY):
    from fair.jobdating.services import book

    booking = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=now)
    session.commit()
    run_jobs(app)  # the calendar job: invitations (mail and/or SMS) and reminders
    return booking.id


def _scheduled(prefix: str) -> dict[str, dt.datetime]:
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    registry = ScheduledJobRegistry("default", connection=get_redis())
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()
            if job_id.startswith(prefix)}


def _fire(app, when: dt.datetime) -> list[str]:
    """What RQ's scheduler does when its clock reaches `when`: enqueue the reminder jobs due, run them."""
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    redis = get_redis()
    registry = ScheduledJobRegistry("default", connection=redis)
    due = [job_id for job_id in registry.get_jobs_to_schedule(int(when.timestamp()))
           if job_id.startswith(("reminder-", "sms-reminder-"))]
    queue = Queue("default", connection=redis)
    for job_id in due:
        queue._enqueue_job(Job.fetch(job_id, connection=redis))
        registry.remove(job_id)
    run_jobs(app)
    return due


def _wall(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def test_sms_only_gets_the_confirmation_and_the_reminders_as_sms_and_no_mail(app, session, world):
    choose(session, world.candidate, "sms")
    _book(app, session, world)

    [booked] = rows(session, to=MOBILE)
    assert (booked.channel, booked.template) == ("sms", "appointment_booked")
    assert re.fullmatch(rf"RDV pris : entretien avec Transports Rapides, mar\. 12 mars 09:00\. "
                        rf"Annuler ou déplacer : {LINK}", booked.text_body), booked.text_body
    assert len(booked.text_body) <= 160 and set(booked.text_body) <= GSM7  # one segment
    assert rows(session, to=world.candidate.email) == []  # no invitation mail
    assert templates(session, world.recruiter_a.email) == [("mail", "calendar_request")]  # the recruiter's stays

    # SMS reminders the day before and two hours before, in the fair's zone; the mail ones send nothing.
    sms_jobs = _scheduled("sms-reminder-")
    assert sorted(_wall(at) for at in sms_jobs.values()) == ["2030-03-11 09:00", "2030-03-12 07:00"]
    assert _fire(app, START - dt.timedelta(hours=24))
    [reminder] = rows(session, to=MOBILE, template="appointment_reminder")
    assert re.fullmatch(rf"Rappel : entretien avec Transports Rapides, mar\. 12 mars 09:00\. "
                        rf"Confirmer ou annuler : {LINK}", reminder.text_body), reminder.text_body
    assert reminder.idempotency_key.endswith(":sms")
    _fire(app, START - dt.timedelta(hours=1))  # the 2 h SMS and the 1 h mail reminder
    assert len(rows(session, to=MOBILE, template="appointment_reminder")) == 2
    assert rows(session, to=world.candidate.email) == []


def test_both_gets_mail_and_sms_and_email_only_gets_no_sms(app, session, world):
    choose(session, world.candidate, "both")
    _book(app, session, world)
    assert templates(session, MOBILE) == [("sms", "appointment_booked")]
    assert templates(session, world.candidate.email) == [("mail", "calendar_request")]
    _fire(app, START - dt.timedelta(hours=1))
    assert templates(session, MOBILE) == [("sms", "appointment_booked"), ("sms", "appointment_reminder"),
                                          ("sms", "appointment_reminder")]
    assert [t for _c, t in templates(session, world.candidate.email)].count("reminder") == 2


def test_email_only_gets_no_sms_and_no_sms_reminder_is_planned(app, session, world):
    world.candidate.phone = MOBILE  # a mobile number alone is no choice of SMS
    session.commit()
    _book(app, session, world)
    assert rows(session, channel="sms") == []
    assert templates(session, world.candidate.email) == [("mail", "calendar_request")]
    assert _scheduled("sms-reminder-") == {}


def test_a_withdrawn_consent_brings_mail_back_at_once(app, session, world):
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.calendar.jobs import send_reminder, send_sms_reminder
    from fair.calendar.models import CalendarEntry
    from fair.jobdating.services import reschedule

    choose(session, world.candidate, "sms")
    booking_id = _book(app, session, world)
    consent.withdraw(session, world.candidate.id, ConsentPurpose.sms)  # notify_by still says "sms"
    session.commit()
    entry = session.query(CalendarEntry).filter_by(user_id=world.candidate.id).one()
    start, entry_id = entry.starts_at.isoformat(), entry.id
    assert send_sms_reminder(entry_id, start, 120) is False  # a reminder planned before: no SMS now
    assert send_reminder(entry_id, start, 60) is True  # the mail one goes instead

    from fair.jobdating.models import Booking

    reschedule(session, session.get(Booking, booking_id), world.slots[3].id, now=EARLY)
    session.commit()
    run_jobs(app)
    assert [t for c, t in templates(session, world.candidate.email)] == ["reminder", "calendar_update"]
    assert templates(session, MOBILE) == [("sms", "appointment_booked")]  # nothing more by SMS


def test_sms_changes_and_cancellations_with_a_link_only_while_there_is_something_to_do(app, session, world):
    from fair.jobdating.models import Booking
    from fair.jobdating.services import cancel_booking, reschedule

    choose(session, world.candidate, "sms")
    booking_id = _book(app, session, world)
    reschedule(session, session.get(Booking, booking_id), world.slots[3].id, now=EARLY)
    session.commit()
    run_jobs(app)
    [moved] = rows(session, to=MOBILE, template="appointment_moved")
    assert re.fullmatch(rf"Changement : entretien avec Transports Rapides, désormais mar\. 12 mars 10:00\. "
                        rf"Annuler ou déplacer : {LINK}", moved.text_body), moved.text_body
    cancel_booking(session, active_bookings(session, slot_id=world.slots[3].id)[0], by_user_id=world.candidate.id,
                   now=EARLY)
    session.commit()
    run_jobs(app)
    [cancelled] = rows(session, to=MOBILE, template="appointment_cancelled")
    assert cancelled.text_body == "Annulé : entretien avec Transports Rapides, mar. 12 mars 10:00."
    assert rows(session, to=world.candidate.email) == []


def test_english_sms_and_a_person_without_email_gets_sms(app, session, world):
    from fair.calendar.agenda import sms_message
    from fair.calendar.models import CalendarEntry

    world.candidate.locale, world.candidate.email = "en", ""  # a phone-only account
    session.commit()
    choose(session, world.candidate, "email")  # whatever they chose: SMS is the only way
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose

    consent.give(session, world.candidate.id, ConsentPurpose.sms, "SMS consent as shown", "test-1")
    session.commit()
    _book(app, session, world)
    [booked] = rows(session, to=MOBILE)
    assert re.fullmatch(rf"Booked: interview with Transports Rapides, Tue 12 Mar 9:00 AM\. "
                        rf"Cancel or move: {LINK}", booked.text_body), booked.text_body
    assert rows(session, channel="mail", to="") == []
    entry = session.query(CalendarEntry).filter_by(user_id=world.candidate.id).one()
    assert sms_message(session, entry, "appointment_reminder") is not None


def test_a_job_run_twice_sends_once(app, session, world):
    from fair.calendar.jobs import send_sms_reminder
    from fair.calendar.models import CalendarEntry
    from fair.jobdating.jobs import sync_booking_calendar

    choose(session, world.candidate, "sms")
    booking_id = _book(app, session, world)
    assert sync_booking_calendar(booking_id) == []  # already in line: nothing more
    entry = session.query(CalendarEntry).filter_by(user_id=world.candidate.id).one()
    start, entry_id = entry.starts_at.isoformat(), entry.id
    assert send_sms_reminder(entry_id, start, 1440) is True
    assert send_sms_reminder(entry_id, start, 1440) is True  # the same key: the same row
    assert [t for _c, t in templates(session, MOBILE)] == ["appointment_booked", "appointment_reminder"]


def test_a_held_waitlist_place_goes_by_sms_with_its_link(app, session, world):
    from fair import clock
    from fair.jobdating.services import book, cancel_booking, join_waitlist

    choose(session, world.candidate, "sms")
    freed_id = world.slots[0].id
    book(session, slot_id=freed_id, candidate_id=world.other.id, now=EARLY)
    join_waitlist(session, world.booth_a, world.candidate.id, now=EARLY)
    session.commit()
    with clock.frozen_at(EARLY):
        cancel_booking(session, active_bookings(session, slot_id=freed_id)[0], by_user_id=world.other.id)
        session.commit()
    [offer] = rows(session, to=MOBILE, template="waitlist_offer")
    # held 30 minutes from 09:00 UTC on 1 March: until 10:30 in Paris
    assert re.fullmatch(rf"Place libre : Transports Rapides, mar\. 12 mars 09:00\. Gardée pour vous jusqu'à "
                        rf"10:30 : {LINK}", offer.text_body), offer.text_body
    assert len(offer.text_body) <= 160 and set(offer.text_body) <= GSM7
    assert rows(session, to=world.candidate.email, template="waitlist_hold") == []



def test_an_edition_whose_sms_budget_is_spent_sends_the_mail_instead(app, session, world):
    choose(session, world.candidate, "sms")
    world.edition.sms_segment_budget = 0
    session.commit()
    _book(app, session, world)

    assert rows(session, to=MOBILE) == []  # nothing texted past the budget
    assert templates(session, world.candidate.email) == [("mail", "calendar_request")]  # but the person knows
