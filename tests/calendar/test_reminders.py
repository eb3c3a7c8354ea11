"""Reminders follow their calendar entry: planned at 24 h and 1 h before (or the edition's own
offsets) with RQ's `enqueue_at`, moved when the entry moves, withdrawn when it is cancelled, and a
live notice 5 minutes before. Time is moved with a clock the test controls: jobs due at that time
are taken from RQ's scheduled registry exactly as RQ's scheduler does, then run for real."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.calendar.entries import START, app_config, world  # noqa: F401  (fixtures used by name)
from tests.conftest import login, run_jobs


def _schedule(session, edition, user, start=START):
    from fair.calendar.agenda import schedule_entry

    entry = schedule_entry(session, user_id=user.id, edition_id=edition.id, kind="booking", ref_id=7,
                           starts_at=start, ends_at=start + dt.timedelta(minutes=20),
                           summary="Entretien avec Nordlog", description="", location="Stand 4")
    session.commit()
    return entry


def scheduled(app) -> dict[str, dt.datetime]:
    """Job id → planned time, as RQ's scheduled registry of the reminder queue holds them."""
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    registry = ScheduledJobRegistry("default", connection=get_redis())
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids() if _ours(job_id)}


def _ours(job_id: str) -> bool:
    return job_id.startswith(("reminder-", "notice-"))


def advance_clock(app, when: dt.datetime) -> list[str]:
    """Enqueue the jobs due at `when` (what RQ's scheduler does when its clock reaches it), run them."""
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    redis = get_redis()
    registry = ScheduledJobRegistry("default", connection=redis)
    due = [job_id for job_id in registry.get_jobs_to_schedule(int(when.timestamp())) if _ours(job_id)]
    queue = Queue("default", connection=redis)
    for job_id in due:
        queue._enqueue_job(Job.fetch(job_id, connection=redis))
        registry.remove(job_id)
    run_jobs(app)
    return due


def test_reminders_are_planned_at_24h_1h_and_a_notice_5_minutes_before(app, session, world):
    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    assert sorted(scheduled(app).values()) == [START - dt.timedelta(hours=24), START - dt.timedelta(hours=1),
                                               START - dt.timedelta(minutes=5)]
    assert all(job_id.endswith(tuple("0123456789")) and str(entry.id) in job_id for job_id in scheduled(app))


def test_redis_restarted_empty_the_reconcile_plans_the_reminders_of_future_entries_again_once(app, session, world):
    from fair.calendar.jobs import reconcile_reminders
    from fair.redis_conn import get_redis

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    planned = scheduled(app)
    assert len(planned) == 3 and all(str(entry.id) in job_id for job_id in planned)

    get_redis().flushdb()  # a Redis restart without persistence: every scheduled job is gone
    assert scheduled(app) == {}
    assert reconcile_reminders() == 3
    assert scheduled(app) == planned  # the same jobs at the same times
    assert reconcile_reminders() == 0  # once: a second run finds them all
    assert scheduled(app) == planned
    assert len(advance_clock(app, START - dt.timedelta(hours=24))) == 1  # and they still run


def test_reminders_move_when_the_entry_moves_and_vanish_when_it_is_cancelled(app, session, smtp, world):
    from fair.calendar.agenda import cancel_entry, move_entry

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    later = START + dt.timedelta(days=2, hours=3)
    move_entry(session, entry, starts_at=later, ends_at=later + dt.timedelta(minutes=20))
    session.commit()
    assert sorted(scheduled(app).values()) == [later - dt.timedelta(hours=24), later - dt.timedelta(hours=1),
                                               later - dt.timedelta(minutes=5)]

    # The clock reaches the old 24 h mark: nothing is due any more.
    assert advance_clock(app, START - dt.timedelta(hours=24)) == []
    # At the new one, the reminder mail goes (after the two calendar mails).
    assert len(advance_clock(app, later - dt.timedelta(hours=24))) == 1
    mails = smtp.wait_for("candidate@example.org", 3)
    assert "Entretien avec Nordlog" in str(mails[-1]["Subject"])
    assert not any(p.get_content_type() == "text/calendar" for p in mails[-1].walk())

    cancel_entry(session, entry)
    session.commit()
    assert scheduled(app) == {}
    assert advance_clock(app, later) == []
    smtp.wait_for("candidate@example.org", 4)  # the CANCEL mail only
    assert len(smtp.to("candidate@example.org")) == 4


def test_a_reminder_job_checks_the_entry_before_sending(app, session, smtp, world):
    """A job that escaped re-planning (say, Redis lost the deletion) finds the entry moved and sends nothing."""
    from fair.calendar.agenda import move_entry
    from fair.calendar.jobs import send_reminder
    from fair.mail.models import OutboxMessage

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    old_start = entry.starts_at.isoformat()
    move_entry(session, entry, starts_at=START + dt.timedelta(hours=1), ends_at=START + dt.timedelta(hours=2))
    session.commit()
    assert send_reminder(entry.id, old_start, 60) is False
    assert send_reminder(entry.id, entry.starts_at.isoformat(), 60) is True
    assert send_reminder(entry.id, entry.starts_at.isoformat(), 60) is True  # run twice…
    session.expire_all()
    reminders = [m for m in session.query(OutboxMessage).all() if m.template == "reminder"]
    assert len(reminders) == 1  # …queued once


def test_an_edition_may_set_its_own_offsets(app, session, world):
    from fair.calendar.reminders import set_reminder_offsets

    edition, candidate = world
    set_reminder_offsets(session, edition.id, [30, 180])
    session.commit()
    _schedule(session, edition, candidate)
    assert sorted(scheduled(app).values()) == [START - dt.timedelta(minutes=180), START - dt.timedelta(minutes=30),
                                               START - dt.timedelta(minutes=5)]


def test_reminders_already_past_are_not_planned(app, session, world):
    from fair.db import utcnow

    edition, candidate = world
    soon = (utcnow() + dt.timedelta(minutes=30)).replace(microsecond=0)
    _schedule(session, edition, candidate, start=soon)
    assert sorted(scheduled(app).values()) == [soon - dt.timedelta(minutes=5)]


def test_the_notice_is_emitted_live_to_the_users_room(app, session, valkey, world):
    from fair.redis_conn import get_redis

    edition, candidate = world
    entry = _schedule(session, edition, candidate)
    pubsub = get_redis().pubsub()
    pubsub.subscribe("flask-socketio")
    try:
        assert len(advance_clock(app, START - dt.timedelta(minutes=5))) == 3  # both mails' jobs and the notice
        published = []
        while (message := pubsub.get_message(timeout=1.0)) is not None:
            if message["type"] == "message":  # not the subscription's confirmation
                published.append(json.loads(message["data"]))
    finally:
        pubsub.close()
    notices = [p for p in published if p.get("event") == "notice"]
    assert len(notices) == 1
    assert notices[0]["room"] == f"user:{candidate.id}"
    assert notices[0]["data"][0]["entry"] == entry.id


def test_signed_in_users_join_their_own_room_and_anonymous_sockets_are_refused(app_config, app, world):
    """Flask-SocketIO's test client needs a server without message queue: the same app, built without one."""
    from fair import create_app
    from fair.extensions import socketio

    _edition, candidate = world
    # init_app keeps the previous app's queue manager in its options unless told otherwise.
    queueless = create_app({**app_config, "REDIS_URL": ""})
    anonymous = socketio.test_client(queueless, flask_test_client=queueless.test_client())
    assert not anonymous.is_connected()

    client = queueless.test_client()
    with queueless.app_context():
        login(client, candidate.email)
    signed_in = socketio.test_client(queueless, flask_test_client=client)
    try:
        assert signed_in.is_connected()
        assert f"user:{candidate.id}" in socketio.server.manager.rooms["/"]
        assert f"user:{candidate.id + 1}" not in socketio.server.manager.rooms["/"]
    finally:
        signed_in.disconnect()


def test_an_organiser_sets_the_reminder_times_and_booked_entries_follow(app, session, factory, world):
    from tests.conftest import post_form

    edition, candidate = world
    factory.member(edition.organiser, email="organiser@example.org")
    _schedule(session, edition, candidate)
    client = app.test_client()
    login(client, "organiser@example.org")
    path = f"/console/editions/{edition.id}/reminders"
    assert 'value="24, 1"' in client.get(path).get_data(as_text=True)

    refused = post_form(client, path, {"hours": "24, demain"})
    assert refused.status_code == 422
    assert "« demain » n’est pas un nombre d’heures" in refused.get_data(as_text=True)
    assert post_form(client, path, {"hours": "0"}).status_code == 422
    assert sorted(scheduled(app).values())[0] == START - dt.timedelta(hours=24)  # unchanged

    assert post_form(client, path, {"hours": "48; 0,5"}).status_code == 302
    assert sorted(scheduled(app).values()) == [START - dt.timedelta(hours=48), START - dt.timedelta(minutes=30),
                                               START - dt.timedelta(minutes=5)]
    assert 'value="48, 0.5"' in client.get(path).get_data(as_text=True)

    assert post_form(client, path, {"hours": ""}).status_code == 302  # no reminder mail, the notice stays
    assert list(scheduled(app).values()) == [START - dt.timedelta(minutes=5)]


def test_parse_offsets():
    from fair.calendar.reminders import OffsetsError, parse_offsets

    assert parse_offsets("24, 1") == [1440, 60]
    assert parse_offsets("1, 24, 1") == [1440, 60]
    assert parse_offsets(" ") == []
    for bad in ("nan", "inf", "-1", "0.01", "721", "1,2,3,4,5,6"):
        with pytest.raises(OffsetsError):
            parse_offsets(bad)


@pytest.mark.parametrize("start, reminder_wall_clock", [
    # Sunday 31 March 2030 10:00 in Paris (summer time since 03:00): 24 real hours before is
    # Saturday 09:00, winter time.
    (dt.datetime(2030, 3, 31, 8, 0, tzinfo=dt.timezone.utc), "2030-03-30 09:00"),
    # Sunday 27 October 2030 10:00 in Paris (winter time since 03:00): Saturday 11:00, summer time.
    (dt.datetime(2030, 10, 27, 9, 0, tzinfo=dt.timezone.utc), "2030-10-26 11:00"),
    # Monday 28 October 2030 10:00: the change lies in the night before, Sunday 10:00 is 24 real hours.
    (dt.datetime(2030, 10, 28, 9, 0, tzinfo=dt.timezone.utc), "2030-10-27 10:00"),
])
def test_across_a_daylight_saving_change_the_reminders_come_in_real_hours(app, session, smtp, world, start,
                                                                          reminder_wall_clock):
    """The mail says "tomorrow" and the hour of the appointment: it comes 24 real hours before, which
    on the wall clock of Paris is an hour off when a change lies in between."""
    from fair.timezones import utc_to_local

    edition, candidate = world
    _schedule(session, edition, candidate, start=start)
    planned = sorted(scheduled(app).values())
    assert planned == [start - dt.timedelta(hours=24), start - dt.timedelta(hours=1), start - dt.timedelta(minutes=5)]
    assert utc_to_local(planned[0], "Europe/Paris").strftime("%Y-%m-%d %H:%M") == reminder_wall_clock

    assert advance_clock(app, start - dt.timedelta(hours=24, seconds=1)) == []
    assert len(advance_clock(app, start - dt.timedelta(hours=24))) == 1
    reminder = smtp.wait_for("candidate@example.org", 2)[-1]
    assert str(reminder["Subject"]).startswith("Rappel, demain")
    assert "10:00 – 10:20 (heure de Paris)" in reminder.get_body(("plain",)).get_content()
