"""Walk-in queue rules, through the services, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from fair.db import utcnow
from fair.live import services
from fair.live.models import QueueEntry, QueueStatus
from fair.live.services import QueueRefused


def _join(session, booth, user, now=None):
    entry = services.join(session, booth, user, now or utcnow())
    session.commit()
    return entry


def test_positions_follow_the_order_of_arrival_and_move_up_when_someone_leaves(app, session, live_world):
    w = live_world
    for c in w.candidates:
        _join(session, w.booth_a, c)
    now = utcnow()
    assert [services.me(session, w.booth_a.id, c.id, now)["position"] for c in w.candidates] == [1, 2, 3]
    services.leave(session, w.booth_a.id, w.candidates[0].id, now)
    session.commit()
    assert services.me(session, w.booth_a.id, w.candidates[0].id, now)["position"] is None
    assert [services.me(session, w.booth_a.id, c.id, now)["position"] for c in w.candidates[1:]] == [1, 2]
    presence = services.booth_presence(session, w.booth_a, now)
    assert presence["waiting"] == 2 and presence["open"] is True
    # two waiting, nobody available, five minutes a call by default: about ten minutes
    assert presence["wait_min"] == 10


def test_a_candidate_queues_once_per_booth_and_only_while_the_fair_is_live(app, session, live_world):
    w = live_world
    c = w.candidates[0]
    _join(session, w.booth_a, c)
    with pytest.raises(QueueRefused) as again:
        services.join(session, w.booth_a, c, utcnow())
    assert again.value.code == "already"
    session.rollback()
    _join(session, w.booth_b, c)  # another booth is fine
    w.edition.status = w.edition.status.__class__("published")
    session.commit()
    with pytest.raises(QueueRefused) as closed:
        services.join(session, w.booth_a, w.candidates[1], utcnow())
    assert closed.value.code == "closed"
    session.rollback()


def test_recruiters_cannot_queue_and_a_full_or_closed_queue_refuses(app, session, live_world):
    w = live_world
    with pytest.raises(QueueRefused) as recruiter:
        services.join(session, w.booth_a, w.recruiter_b, utcnow())
    assert recruiter.value.code == "not_candidate"
    session.rollback()
    app.config["LIVE_QUEUE_MAX"] = 2
    _join(session, w.booth_a, w.candidates[0])
    _join(session, w.booth_a, w.candidates[1])
    with pytest.raises(QueueRefused) as full:
        services.join(session, w.booth_a, w.candidates[2], utcnow())
    assert full.value.code == "full"
    session.rollback()
    services.set_queue_open(session, w.booth_b, False)
    session.commit()
    with pytest.raises(QueueRefused) as closed:
        services.join(session, w.booth_b, w.candidates[2], utcnow())
    assert closed.value.code == "closed"
    session.rollback()
    assert session.execute(select(QueueEntry).where(QueueEntry.candidate_id == w.candidates[2].id)).first() is None


def test_call_next_gives_the_turn_to_the_first_in_line_who_accepts_into_a_call_room(app, session, live_world):
    from fair.video.models import CallRoom, CallSource

    w = live_world
    first, second = w.candidates[0], w.candidates[1]
    _join(session, w.booth_a, first)
    _join(session, w.booth_a, second)
    now = utcnow()
    entry, skipped = services.call_next(session, w.booth_a, w.recruiter_a.id, now)
    session.commit()
    assert entry.candidate_id == first.id and skipped == []
    mine = services.me(session, w.booth_a.id, first.id, now)
    assert mine["status"] == "called" and mine["turn_expires_at"]
    assert services.me(session, w.booth_a.id, second.id, now)["position"] == 1

    with pytest.raises(QueueRefused) as not_yours:
        services.accept(session, w.booth_a.id, second.id, now)
    assert not_yours.value.code == "not_called"
    session.rollback()

    accepted = services.accept(session, w.booth_a.id, first.id, now + dt.timedelta(seconds=10))
    session.commit()
    room = session.get(CallRoom, accepted.room_id)
    assert room.source == CallSource.queue and room.candidate_id == first.id and room.recruiter_id == w.recruiter_a.id
    assert accepted.room_path == f"/call/{room.token}"
    assert services.me(session, w.booth_a.id, first.id, now)["room"] == accepted.room_path
    staff = services.staff_state(session, w.booth_a, w.recruiter_a.id, now)
    assert [c["entry"] for c in staff["calls"]] == [accepted.id]
    assert [q["position"] for q in staff["queue"]] == [1]

    later = now + dt.timedelta(minutes=12)
    services.finish(session, accepted, later)
    session.commit()
    assert accepted.status == QueueStatus.done and room.ended_at is not None
    # the booth learnt that a call lasts about twelve minutes
    assert services.booth_presence(session, w.booth_a, later)["wait_min"] == 12


def test_an_unanswered_turn_is_skipped_when_the_booth_is_next_touched_and_by_the_job(app, session, live_world):
    w = live_world
    _join(session, w.booth_a, w.candidates[0])
    _join(session, w.booth_a, w.candidates[1])
    now = utcnow()
    first, _ = services.call_next(session, w.booth_a, w.recruiter_a.id, now)
    session.commit()
    late = now + dt.timedelta(seconds=app.config["LIVE_TURN_SECONDS"] + 1)
    # reads already treat it as over
    assert services.me(session, w.booth_a.id, w.candidates[0].id, late)["status"] is None
    with pytest.raises(QueueRefused) as expired:
        services.accept(session, w.booth_a.id, w.candidates[0].id, late)
    assert expired.value.code == "expired"
    session.rollback()
    second, skipped = services.call_next(session, w.booth_a, w.recruiter_a.id, late)
    session.commit()
    assert [s.id for s in skipped] == [first.id] and second.candidate_id == w.candidates[1].id
    session.refresh(first)
    assert first.status == QueueStatus.skipped
    # the job finds the second turn unanswered later on, and skips it; run again, it does nothing
    later = late + dt.timedelta(seconds=app.config["LIVE_TURN_SECONDS"] + 1)
    assert services.expire_turn(session, second.id, late) is None
    assert services.expire_turn(session, second.id, later).status == QueueStatus.skipped
    session.commit()
    assert services.expire_turn(session, second.id, later) is None
    # a skipped candidate may join again, at the end of the line
    again = _join(session, w.booth_a, w.candidates[0], later)
    assert again.ticket > second.ticket


def test_the_end_of_a_turn_is_scheduled_with_rq(app, session, live_world):
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    w = live_world
    _join(session, w.booth_a, w.candidates[0])
    entry, _ = services.call_next(session, w.booth_a, w.recruiter_a.id, utcnow())
    session.commit()
    registry = ScheduledJobRegistry(queue=Queue("default", connection=get_redis()))
    jobs = [Queue("default", connection=get_redis()).fetch_job(job_id) for job_id in registry.get_job_ids()]
    assert [(j.func_name, j.args) for j in jobs] == [("fair.live.jobs.expire_turn", (entry.id,))]


def test_staff_see_a_number_instead_of_a_name_in_an_anonymised_fair(app, session, live_world):
    w = live_world
    entry = _join(session, w.booth_a, w.candidates[0])
    assert services.staff_state(session, w.booth_a, None, utcnow())["queue"][0]["label"] == "Candidate 1"
    w.edition.anonymised_applications = True
    session.commit()
    label = services.staff_state(session, w.booth_a, None, utcnow())["queue"][0]["label"]
    assert "Candidate 1" not in label and f"{entry.id:05d}" in label


def test_announcements_to_the_fair_and_to_one_booth(app, session, live_world):
    w = live_world
    now = utcnow()
    services.announce(session, w.edition, None, w.organiser.id, "  Ouverture des stands !  ", now)
    services.announce(session, w.edition, w.booth_a.id, w.organiser.id, "Pause à 12 h", now + dt.timedelta(seconds=1))
    session.commit()
    assert [a["text"] for a in services.announcements(session, w.edition.id)] == ["Ouverture des stands !"]
    assert [a["text"] for a in services.announcements(session, w.edition.id, w.booth_a.id)] == [
        "Pause à 12 h", "Ouverture des stands !"]
    assert [a["text"] for a in services.announcements(session, w.edition.id, w.booth_b.id)] == [
        "Ouverture des stands !"]
    for text, code in (("   ", "empty"), ("x" * 1001, "too_long")):
        with pytest.raises(QueueRefused) as refused:
            services.announce(session, w.edition, None, w.organiser.id, text, now)
        assert refused.value.code == code
        session.rollback()


def test_dashboard_counts_queues_calls_and_flags_booths_left_without_recruiter(app, session, live_world):
    w = live_world
    _join(session, w.booth_a, w.candidates[0])
    _join(session, w.booth_a, w.candidates[1])
    entry, _ = services.call_next(session, w.booth_a, w.recruiter_a.id, utcnow())
    services.accept(session, w.booth_a.id, w.candidates[0].id, utcnow())
    services.set_available(session, w.booth_b, w.recruiter_b.id, "sid-b", True, utcnow())
    session.commit()
    state = services.dashboard_state(session, w.edition, utcnow() + dt.timedelta(minutes=1))
    rows = {r["booth"]: r for r in state["booths"]}
    assert state["waiting"] == 1 and state["calls"] == 1
    # booth A never had a recruiter available since the fair opened an hour ago; booth B has one
    assert rows[w.booth_a.id]["idle"] is True and rows[w.booth_a.id]["idle_minutes"] >= 60
    assert rows[w.booth_b.id]["idle"] is False and rows[w.booth_b.id]["recruiters"] == 1


def test_a_queue_change_reads_the_booth_s_live_row_once_under_its_lock(app, session, live_world):
    """Every join and leave at a busy booth pays for its statements while holding the booth's lock:
    the live row locked at the start is the one the broadcasts after the commit are built from."""
    from fair.extensions import db

    w = live_world
    _join(session, w.booth_a, w.candidates[0])  # the booth's live row exists from here on
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _join(session, w.booth_a, w.candidates[1])
        services.leave(session, w.booth_a.id, w.candidates[0].id, utcnow())
        session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM live_booths" in s]
    assert len(reads) == 2, reads  # one per change: the lock
    assert [services.me(session, w.booth_a.id, c.id, utcnow())["position"] for c in w.candidates[:2]] == [None, 1]
