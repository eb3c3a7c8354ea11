"""The calendar subscription feed: a secret address per user showing their current active entries;
making a new address makes the old one answer 404."""
from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import select

from tests.calendar.entries import START, app_config  # noqa: F401  (a fixture used by name)
from tests.conftest import login, post_form


def _entry(session, edition, user, ref_id, start):
    from fair.calendar.agenda import schedule_entry

    return schedule_entry(session, user_id=user.id, edition_id=edition.id, kind="booking", ref_id=ref_id,
                          starts_at=start, ends_at=start + dt.timedelta(minutes=20),
                          summary=f"Entretien {ref_id}", description="", location="Stand 1")


def _feed_path(client) -> str:
    page = client.get("/calendar/").get_data(as_text=True)
    match = re.search(r'value="http://fair\.test(/calendar/[^"]+\.ics)"', page)
    assert match, "no feed address on the page"
    assert "webcal://fair.test/calendar/" in page
    return match.group(1)


def test_the_feed_shows_current_active_entries_and_a_new_address_revokes_the_old(app, session, factory):
    from fair.calendar.agenda import cancel_entry, move_entry

    organiser = factory.organisation("organiser")
    edition = factory.edition(organiser)
    candidate = factory.user(email="candidate@example.org")
    other = factory.user(email="other@example.org")
    kept = _entry(session, edition, candidate, 1, START)
    moved = _entry(session, edition, candidate, 2, START + dt.timedelta(hours=1))
    cancelled = _entry(session, edition, candidate, 3, START + dt.timedelta(hours=2))
    _entry(session, edition, other, 4, START)
    session.commit()
    move_entry(session, moved, starts_at=START + dt.timedelta(days=1), ends_at=START + dt.timedelta(days=1, hours=1))
    cancel_entry(session, cancelled)
    session.commit()

    client = app.test_client()
    login(client, candidate.email)
    assert "webcal://" not in client.get("/calendar/").get_data(as_text=True)
    assert post_form(client, "/calendar/feed", {}, form_page="/calendar/").status_code == 302
    path = _feed_path(client)
    # Shown once: the database keeps only the secret's SHA-256, and the page no longer shows it.
    from fair.calendar.models import CalendarFeed
    from fair.security import hash_token

    session.expire_all()
    stored = session.execute(select(CalendarFeed).where(CalendarFeed.user_id == candidate.id)).scalar_one()
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    again = client.get("/calendar/").get_data(as_text=True)
    assert secret not in again and "affichée qu'une fois" in again

    anonymous = app.test_client()  # a calendar application has no session
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {kept.uid, moved.uid}
    assert events[moved.uid].decoded("DTSTART") == START + dt.timedelta(days=1)
    assert int(events[moved.uid]["SEQUENCE"]) == 1

    assert post_form(client, "/calendar/feed", {}, form_page="/calendar/").status_code == 302
    new_path = _feed_path(client)
    assert new_path != path
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(new_path).status_code == 200


def test_the_calendar_page_lists_entries_with_their_download_link(app, session, factory):
    organiser = factory.organisation("organiser")
    edition = factory.edition(organiser)
    candidate = factory.user(email="candidate@example.org")
    entry = _entry(session, edition, candidate, 1, START)
    session.commit()
    client = app.test_client()
    login(client, candidate.email)
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Entretien 1" in page
    assert f"/calendar/entries/{entry.id}.ics" in page
    assert client.post("/calendar/feed").status_code == 400  # no CSRF token: nothing made
    assert "webcal://" not in client.get("/calendar/").get_data(as_text=True)
