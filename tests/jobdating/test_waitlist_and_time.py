"""The waitlist (a freed slot held for the next person, passed on when unanswered, through RQ's
scheduled job and a controllable clock) and a fair across the last Sunday of October in Paris."""
from __future__ import annotations

import datetime as dt

from tests.conftest import login, page_text, post_form, run_jobs
from tests.jobdating.helpers import active_bookings, candidates, local

EARLY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def _scheduled_offers():
    from rq.registry import ScheduledJobRegistry

    from fair.redis_conn import get_redis

    registry = ScheduledJobRegistry("default", connection=get_redis())
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()
            if job_id.startswith("waitlist-offer-")}


def _run_due(app, when: dt.datetime) -> list[str]:
    """What RQ's scheduler does when its clock reaches `when`: enqueue the due offer jobs, run them."""
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from fair import clock
    from fair.redis_conn import get_redis

    redis = get_redis()
    registry = ScheduledJobRegistry("default", connection=redis)
    due = [j for j in registry.get_jobs_to_schedule(int(when.timestamp())) if j.startswith("waitlist-offer-")]
    queue = Queue("default", connection=redis)
    for job_id in due:
        queue._enqueue_job(Job.fetch(job_id, connection=redis))
        registry.remove(job_id)
    with clock.frozen_at(when):
        run_jobs(app, queues=("default",))
    return due


def _fill_booth(session, world, people):
    from fair.jobdating.services import book

    for slot, person in zip(world.slots, people, strict=True):
        book(session, slot_id=slot.id, candidate_id=person.id, now=EARLY)
    session.commit()


def test_a_freed_slot_is_held_for_the_next_person_then_passed_on(app, session, world):
    from fair import clock
    from fair.jobdating.models import Slot, WaitlistEntry, WaitlistStatus
    from fair.jobdating.services import BookingError, book, cancel_booking, join_waitlist

    people = candidates(session, 9, prefix="full")
    _fill_booth(session, world, people)
    other_id = world.other.id
    first = join_waitlist(session, world.booth_a, world.candidate.id, now=EARLY)
    second = join_waitlist(session, world.booth_a, world.other.id, now=EARLY + dt.timedelta(minutes=1))
    session.commit()
    freed = world.slots[3]
    freed_id, first_id, second_id = freed.id, first.id, second.id
    with clock.frozen_at(EARLY):
        cancel_booking(session, active_bookings(session, slot_id=freed.id)[0], by_user_id=people[3].id)
        session.commit()
    session.refresh(first)
    assert (first.status, first.offered_slot_id) == (WaitlistStatus.offered, freed.id)
    hold_end = EARLY + dt.timedelta(minutes=30)
    assert first.offer_expires_at == hold_end
    assert [t.replace(tzinfo=dt.timezone.utc) for t in _scheduled_offers().values()] == [hold_end]
    # Held: nobody else may take it meanwhile.
    try:
        book(session, slot_id=freed_id, candidate_id=other_id, now=EARLY + dt.timedelta(minutes=5))
        raise AssertionError("a held slot was booked by someone else")
    except BookingError as error:
        assert "liste d’attente" in str(error.message) or "waiting list" in str(error.message)
        session.rollback()
    # Nothing happens before the time; at the time the job passes the offer to the next person.
    assert _run_due(app, hold_end - dt.timedelta(minutes=1)) == []
    assert len(_run_due(app, hold_end)) == 1
    session.expire_all()
    assert session.get(WaitlistEntry, first_id).status == WaitlistStatus.expired
    second = session.get(WaitlistEntry, second_id)
    assert (second.status, second.offered_slot_id) == (WaitlistStatus.offered, freed_id)
    assert session.get(Slot, freed_id).held_for_id == other_id


def test_the_person_offered_a_slot_takes_it_from_my_day(app, session, world):
    from fair import clock
    from fair.jobdating.models import WaitlistEntry, WaitlistStatus
    from fair.jobdating.services import cancel_booking, join_waitlist

    people = candidates(session, 9, prefix="full")
    _fill_booth(session, world, people)
    entry = join_waitlist(session, world.booth_a, world.candidate.id, now=EARLY)
    session.commit()
    entry_id, freed_id = entry.id, world.slots[2].id
    cancel_booking(session, active_bookings(session, slot_id=freed_id)[0], by_user_id=people[2].id)
    session.commit()
    client = app.test_client()
    login(client, world.candidate.email)
    page = client.get("/interviews/my-day").get_data(as_text=True)
    assert "Un créneau vous est gardé" in page and "Transports Rapides à 09:40" in page
    response = post_form(client, f"/interviews/waitlist/{entry_id}/accept", {}, form_page="/interviews/my-day")
    assert response.status_code == 302
    [booking] = active_bookings(session, slot_id=freed_id)
    assert booking.candidate_id == world.candidate.id
    assert session.get(WaitlistEntry, entry_id).status == WaitlistStatus.booked
    # The expiry job, run later, finds the offer answered and does nothing.
    with clock.frozen_at(dt.datetime(2030, 3, 12, 0, 0, tzinfo=dt.timezone.utc)):
        run_jobs(app, queues=("default",))
    assert len(active_bookings(session, slot_id=freed_id)) == 1


def test_a_full_booth_offers_its_waiting_list_on_the_page(app, session, world):
    people = candidates(session, 9, prefix="full")
    _fill_booth(session, world, people)
    client = app.test_client()
    login(client, world.candidate.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    text = client.get(page).get_data(as_text=True)
    assert "Aucun créneau libre pour le moment." in text and "Tous les créneaux sont pris." in text
    response = post_form(client, f"/interviews/booths/{world.booth_a.id}/waitlist", {}, form_page=page)
    assert response.status_code == 302
    assert "Vous êtes sur la liste d’attente de cette entreprise." in client.get(page).get_data(as_text=True)


def test_slots_across_the_last_sunday_of_october_in_paris_keep_their_wall_clock_times(app, session, factory, world):
    """25 October 2026: at 03:00 summer time clocks go back to 02:00. A fair from Saturday 24 to
    Monday 26, open from 00:00 to 23:30 each day (so that a night range is within its hours): 10:00
    is 08:00 UTC on Saturday and 09:00 UTC on Sunday; the night range 01:00–04:00 lasts four real
    hours and shows the repeated hour twice."""
    from fair.jobdating.services import edition_overview
    from tests.jobdating.helpers import open_range

    organiser = session.get(type(world.edition.organiser), world.edition.organiser_id)
    edition = factory.edition(organiser, slug="automne", title="Salon d'automne",
                              starts_at=dt.datetime(2026, 10, 23, 22, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2026, 10, 26, 22, 30, tzinfo=dt.timezone.utc),
                              registration_closes_at=dt.datetime(2026, 10, 26, 12, 0, tzinfo=dt.timezone.utc),
                              default_slot_minutes=30)
    company = factory.organisation("company", name="Autumn Jobs")
    recruiter = factory.member(company, email="autumn@example.org", full_name="Autumn Recruiter")
    booth = factory.booth(edition, company)
    saturday = open_range(session, booth, recruiter, dt.date(2026, 10, 24), "10:00", "11:00")
    sunday = open_range(session, booth, recruiter, dt.date(2026, 10, 25), "10:00", "11:00")
    night = open_range(session, booth, recruiter, dt.date(2026, 10, 25), "01:00", "04:00")
    session.commit()
    utc = dt.timezone.utc
    assert saturday.slots[0].starts_at == dt.datetime(2026, 10, 24, 8, 0, tzinfo=utc)
    assert sunday.slots[0].starts_at == dt.datetime(2026, 10, 25, 9, 0, tzinfo=utc)
    assert local(dt.date(2026, 10, 24), "10:00") == saturday.slots[0].starts_at
    # 01:00 CEST = 23:00 UTC; 04:00 CET = 03:00 UTC: four real hours, eight 30-minute slots.
    assert len(night.slots) == 8
    booth_id, slug = booth.id, edition.slug
    organiser_email = factory.member(organiser, email="autumn.organiser@example.org").email
    rates = edition_overview(session, edition)
    assert [r.label for r in rates["hours"]] == [
        "24/10 10:00", "25/10 01:00", "25/10 02:00 (UTC+02:00)", "25/10 02:00 (UTC+01:00)", "25/10 03:00",
        "25/10 10:00"]
    from fair import clock

    client = app.test_client()
    with clock.frozen_at(dt.datetime(2026, 10, 20, 12, 0, tzinfo=utc)):
        page = client.get(f"/fairs/{slug}/booths/{booth_id}/interviews").get_data(as_text=True)
    for shown in ("01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "10:00", "10:30"):
        assert f"<strong>{shown}</strong>" in page
    # The repeated hour is offered twice (02:00 and 02:30 of summer time, then of winter time).
    assert page.count("<strong>02:00</strong>") == 2 and page.count("<strong>02:30</strong>") == 2
    assert "samedi 24 octobre 2026" in page and "dimanche 25 octobre 2026" in page
    login(client, organiser_email)
    overview = client.get(f"/console/editions/{edition.id}/interviews").get_data(as_text=True)
    assert "25/10 02:00 (UTC+02:00)" in overview and "25/10 02:00 (UTC+01:00)" in overview


def test_a_recruiter_s_ranges_on_both_change_days_keep_real_minutes_and_show_the_typed_times(app, session, factory,
                                                                                               world):
    """Typed on the recruiter's page. 29 March 2026, clocks go from 02:00 to 03:00: a time in the
    skipped hour is read an hour later, slots are cut in real minutes and none shares an instant.
    25 October 2026, clocks go from 03:00 back to 02:00: 02:30 is the first one, summer time, and the
    range to 03:00 holds the repeated half hour twice."""
    from fair import clock
    from fair.jobdating.models import Availability
    from fair.timezones import utc_to_local

    utc = dt.timezone.utc
    organiser = session.get(type(world.edition.organiser), world.edition.organiser_id)
    company = factory.organisation("company", name="Night Shift")
    recruiter = factory.member(company, email="night@example.org", full_name="Night Recruiter")
    booths = {}
    for day in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        edition = factory.edition(organiser, slug=f"nuit-{day.month}", title="Salon de nuit", status="published",
                                  starts_at=dt.datetime.combine(day, dt.time(0, 0), tzinfo=utc) - dt.timedelta(days=1),
                                  ends_at=dt.datetime.combine(day, dt.time(20, 0), tzinfo=utc),
                                  default_slot_minutes=30)
        booths[day] = factory.booth(edition, company)
    session.commit()
    client = app.test_client()
    login(client, recruiter.email)

    def opened(day: dt.date, start: str, end: str) -> list[dt.datetime]:
        path = f"/recruiter/booths/{booths[day].id}/availability"
        with clock.frozen_at(dt.datetime(2026, 1, 5, 9, 0, tzinfo=utc)):
            response = post_form(client, path, {"day": day.isoformat(), "start": start, "end": end, "mode": "onsite",
                                                "slot_minutes": "30", "buffer_minutes": "0", "location": "Salle 1"})
        assert response.status_code == 302, response.get_data(as_text=True)
        session.expire_all()
        found = session.query(Availability).filter_by(booth_id=booths[day].id).order_by(Availability.id.desc()).first()
        return [slot.starts_at for slot in sorted(found.slots, key=lambda s: s.starts_at)]

    # 01:00–02:30 then 02:30–04:30: 02:30 does not exist that night, both read it as 03:30, so the
    # two ranges meet without overlapping and every slot keeps its 30 real minutes.
    before = opened(dt.date(2026, 3, 29), "01:00", "02:30")
    after = opened(dt.date(2026, 3, 29), "02:30", "04:30")
    assert before + after == [dt.datetime(2026, 3, 29, 0, 0, tzinfo=utc) + dt.timedelta(minutes=30 * i)
                              for i in range(5)]
    assert [utc_to_local(s, "Europe/Paris").strftime("%H:%M") for s in before] == ["01:00", "01:30", "03:00"]
    assert [utc_to_local(s, "Europe/Paris").strftime("%H:%M") for s in after] == ["03:30", "04:00"]

    autumn = opened(dt.date(2026, 10, 25), "02:30", "03:00")
    assert autumn == [dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc), dt.datetime(2026, 10, 25, 1, 0, tzinfo=utc),
                      dt.datetime(2026, 10, 25, 1, 30, tzinfo=utc)]
    assert [utc_to_local(s, "Europe/Paris").strftime("%H:%M") for s in autumn] == ["02:30", "02:00", "02:30"]
    # The recruiter's page shows the ranges back in the fair's time, the skipped 02:30 as 03:30.
    with clock.frozen_at(dt.datetime(2026, 1, 5, 9, 0, tzinfo=utc)):
        shown = {day: page_text(client.get(f"/recruiter/booths/{booth.id}/availability"))
                 for day, booth in booths.items()}
    assert "01:00 – 03:30" in shown[dt.date(2026, 3, 29)] and "03:30 – 04:30" in shown[dt.date(2026, 3, 29)]
    assert "02:30 – 03:00" in shown[dt.date(2026, 10, 25)]
