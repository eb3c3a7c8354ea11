"""Scheduling from the console and the recruiter pages (translated errors, nothing saved), joining
(window, attendance, provider address), the organiser's registrations and their CSV."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import count, page_text
from tests.exports.helpers import fetch_export
from tests.webinars.conftest import START, make_webinar
from tests.webinars.helpers import form_token, page_path, signed_in_client

FORM = {"title": "Les métiers du transport", "speaker": "Awa Diallo", "description": "Une heure pour découvrir",
        "day": "2030-03-12", "start": "14:30", "duration_minutes": "45", "capacity": "30", "language": "fr",
        "provider": "jitsi", "room": "", "external_url": ""}


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": form_token(client, path)})


def test_the_organiser_schedules_a_webinar_in_the_fair_s_time(app, session, world):
    from fair.webinars.models import Provider, Webinar

    client = signed_in_client(app, world.organiser)
    path = f"/console/editions/{world.edition.id}/webinars/new"
    response = _post(client, path, FORM)
    assert response.status_code == 302
    webinar = session.query(Webinar).filter_by(title="Les métiers du transport").one()
    assert webinar.starts_at == dt.datetime(2030, 3, 12, 13, 30, tzinfo=dt.timezone.utc)  # 14:30 in Paris
    assert webinar.booth_id is None and webinar.provider == Provider.jitsi
    assert webinar.room.startswith(f"fair-webinar-{webinar.id}-")
    listing = page_text(client.get(f"/console/editions/{world.edition.id}/webinars"))
    assert "Les métiers du transport" in listing and "0 places prises sur 30, 0 en attente, 0 connectés" in listing


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Ce champ est obligatoire."),
    ({"capacity": "0"}, "Entre 1 et 10000."),
    ({"provider": "zoom"}, "Choisissez dans la liste."),
    ({"provider": "external", "external_url": "http://example.org/live"},
     "Saisissez une adresse web complète commençant par https://"),
    ({"provider": "bbb"}, "BigBlueButton n’est pas configuré sur cette plateforme : choisissez un autre service."),
    ({"room": "a b"}, "Utilisez de 3 à 100 lettres, chiffres, tirets ou tirets bas."),
    ({"day": "2020-03-12"}, "Choisissez une heure de début à venir."),
])
def test_bad_input_is_refused_in_french_and_nothing_is_saved(app, session, world, changes, message):
    from fair.webinars.models import Webinar

    client = signed_in_client(app, world.organiser)
    response = _post(client, f"/console/editions/{world.edition.id}/webinars/new", {**FORM, **changes})
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(session, Webinar) == 1  # the world's webinar only


def test_capacity_cannot_drop_below_the_confirmed_seats_and_a_larger_one_promotes(app, session, world):
    from fair.webinars.services import register
    from tests.webinars.helpers import statuses

    for user in (world.candidate, world.other, world.third):
        register(session, world.webinar.id, user)
    session.commit()
    client = signed_in_client(app, world.organiser)
    path = f"/console/webinars/{world.webinar.id}/edit"
    data = {**FORM, "day": "2030-03-12", "start": "10:00", "duration_minutes": "60", "room": "salon-logistique"}
    response = _post(client, path, {**data, "capacity": "1"})
    assert response.status_code == 422
    assert "2 personnes ont déjà une place : le nombre de places ne peut pas être inférieur." in page_text(response)
    session.expire_all()
    assert session.get(type(world.webinar), world.webinar.id).capacity == 2
    assert _post(client, path, {**data, "capacity": "3"}).status_code == 302
    assert statuses(session, world.webinar.id)[world.third.id] == "confirmed"


def test_a_company_schedules_for_its_own_booth_only(app, session, world):
    from fair.webinars.models import Webinar

    client = signed_in_client(app, world.recruiter_a)
    assert _post(client, f"/recruiter/booths/{world.booth_a.id}/webinars/new", FORM).status_code == 302
    webinar = session.query(Webinar).filter_by(title="Les métiers du transport").one()
    assert webinar.booth_id == world.booth_a.id
    assert "Transports Rapides" in page_text(client.get(f"/recruiter/booths/{world.booth_a.id}/webinars"))
    assert client.get(f"/recruiter/booths/{world.booth_b.id}/webinars").status_code == 404
    assert client.get(f"/recruiter/webinars/{world.webinar.id}/edit").status_code == 404  # the organiser's
    other = signed_in_client(app, world.recruiter_b)
    assert other.get(f"/recruiter/webinars/{webinar.id}/edit").status_code == 404
    # The candidate sees it on the fair's list, with its company.
    listing = page_text(app.test_client().get(f"/fairs/{world.edition.slug}/webinars"))
    assert "Les métiers du transport" in listing and "Transports Rapides" in listing


def test_cancelling_a_webinar_tells_the_registered_people(app, session, world):
    from fair.calendar.models import CalendarEntry, EntryStatus
    from fair.webinars.services import register

    register(session, world.webinar.id, world.candidate)
    session.commit()
    client = signed_in_client(app, world.organiser)
    token = form_token(client, f"/console/editions/{world.edition.id}/webinars")
    response = client.post(f"/console/webinars/{world.webinar.id}/cancel", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Le webinaire est annulé ; 1 personnes inscrites sont prévenues." in page_text(response)
    assert count(session, CalendarEntry, CalendarEntry.status == EntryStatus.cancelled) == 1
    candidate_page = signed_in_client(app, world.candidate).get(page_path(world.webinar))
    assert "Ce webinaire a été annulé." in page_text(candidate_page)


def test_joining_needs_a_seat_and_the_window_then_records_attendance(app, session, world):
    from fair import clock
    from fair.webinars.models import WebinarRegistration
    from fair.webinars.services import register

    register(session, world.webinar.id, world.candidate)
    register(session, world.webinar.id, world.other)
    register(session, world.webinar.id, world.third)  # waitlisted
    session.commit()
    organiser_id = world.organiser.id
    # Each signs in when they act: a session lives on the (frozen) clock like any other.
    with clock.frozen_at(START - dt.timedelta(minutes=31)):
        candidate, waiting_client = signed_in_client(app, world.candidate), signed_in_client(app, world.third)
    stranger, company_b = signed_in_client(app, factory_user(session)), signed_in_client(app, world.recruiter_b)
    ids = {"candidate": world.candidate.id, "other": world.other.id, "third": world.third.id}
    path = f"/webinars/{world.webinar.id}/join"
    with clock.frozen_at(START - dt.timedelta(minutes=30)):
        early = candidate.get(path, follow_redirects=True)
        assert "Le webinaire ouvre 15 minutes avant son début." in page_text(early)
    with clock.frozen_at(START - dt.timedelta(minutes=10)):
        response = candidate.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "https://meet.jit.si/salon-logistique"
        waiting = waiting_client.get(path, follow_redirects=True)
        assert "You need a confirmed seat to join this webinar." in page_text(waiting)  # in English
    with clock.frozen_at(START + dt.timedelta(minutes=20)):
        assert candidate.get(path).status_code == 302
    with clock.frozen_at(START + dt.timedelta(minutes=61)):
        assert "Ce webinaire est terminé." in page_text(candidate.get(path, follow_redirects=True))
    session.expire_all()
    joined = {r.user_id: r.joined_at for r in session.query(WebinarRegistration)}
    assert joined[ids["candidate"]] == START - dt.timedelta(minutes=10)  # the first join counts
    assert joined[ids["other"]] is None and joined[ids["third"]] is None
    # Someone with no registration at all, and another company: 404. The organiser hosts: always in.
    assert stranger.get(path).status_code == 404
    assert company_b.get(path).status_code == 404
    with clock.frozen_at(START - dt.timedelta(days=3)):
        from fair.accounts.models import User

        assert signed_in_client(app, session.get(User, organiser_id)).get(path).status_code == 302


def factory_user(session):
    from tests.webinars.conftest import person

    return person(session, "stranger@example.org", "Stranger")


def test_jitsi_hosts_get_a_moderator_token_when_the_app_secret_is_set(app, session, world):
    import base64
    import json

    app.config.update(JITSI_BASE_URL="https://meet.example.org", JITSI_APP_ID="fair", JITSI_APP_SECRET="s3cret")
    location = signed_in_client(app, world.organiser).get(f"/webinars/{world.webinar.id}/join").headers["Location"]
    token = parse_qs(urlsplit(location).query)["jwt"][0]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["moderator"] is True and claims["context"]["user"]["email"] == "organiser@example.org"
    assert claims["room"] == "salon-logistique" and claims["sub"] == "meet.example.org"


class _FakeBigBlueButton(BaseHTTPRequestHandler):
    """A BigBlueButton API endpoint on loopback that checks each call's checksum as the real one does."""

    secret = "bbb-secret"
    calls: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        call = parts.path.rsplit("/", 1)[-1]
        query, _, checksum = parts.query.rpartition("&checksum=")
        self.calls.append(call)
        good = checksum == hashlib.sha1(f"{call}{query}{self.secret}".encode()).hexdigest()
        code = "SUCCESS" if good else "FAILED"
        body = f"<response><returncode>{code}</returncode></response>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_bigbluebutton_creates_the_meeting_then_joins_as_viewer_or_moderator(app, session, world):
    from fair import clock
    from fair.webinars.services import register

    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeBigBlueButton)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/bigbluebutton/api"
        app.config.update(BBB_URL=base, BBB_SECRET="bbb-secret", BBB_CHECKSUM="sha1")
        webinar = make_webinar(session, world.edition, provider="bbb", room="salon-bbb", title="Webinaire BBB")
        register(session, webinar.id, world.candidate)
        session.commit()
        with clock.frozen_at(START):
            location = signed_in_client(app, world.candidate).get(f"/webinars/{webinar.id}/join").headers["Location"]
        assert _FakeBigBlueButton.calls[-1] == "create"
        assert location.startswith(f"{base}/join?")
        query, _, checksum = urlsplit(location).query.rpartition("&checksum=")
        assert checksum == hashlib.sha1(f"join{query}bbb-secret".encode()).hexdigest()
        assert parse_qs(query)["role"] == ["VIEWER"] and parse_qs(query)["meetingID"] == ["salon-bbb"]
        host = signed_in_client(app, world.organiser).get(f"/webinars/{webinar.id}/join").headers["Location"]
        assert parse_qs(urlsplit(host).query)["role"] == ["MODERATOR"]
        # A wrong secret: BigBlueButton refuses create, the person is told to try again, no attendance.
        app.config["BBB_SECRET"] = "wrong"
        with clock.frozen_at(START):
            refused = signed_in_client(app, world.candidate).get(f"/webinars/{webinar.id}/join", follow_redirects=True)
        assert "Le service de visioconférence ne répond pas. Réessayez dans un instant." in page_text(refused)
    finally:
        server.shutdown()
        server.server_close()


def test_registrations_page_and_csv_neutralise_formulas(app, session, world):
    from fair import clock
    from fair.webinars.services import register

    world.other.full_name = "=HYPERLINK(\"http://evil\")"
    session.commit()
    for user in (world.candidate, world.other, world.third):
        register(session, world.webinar.id, user)
    session.commit()
    with clock.frozen_at(START):
        signed_in_client(app, world.candidate).get(f"/webinars/{world.webinar.id}/join")
    client = signed_in_client(app, world.organiser)
    page = page_text(client.get(f"/console/webinars/{world.webinar.id}/registrations"))
    assert "2 places prises sur 2, 1 en attente, 1 connectés" in page
    assert "Sur la liste d’attente (n° 1)" in page
    registrations = f"/console/webinars/{world.webinar.id}/registrations"
    response = fetch_export(app, client, f"{registrations}.csv", registrations)
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Nom;E-mail;Statut;Rang sur la liste d’attente;Inscription le;Connexion à"
    assert lines[1].startswith("Candidate One;candidate@example.org;Place confirmée;;")
    assert lines[1].endswith("12/03/2030 10:00")
    assert lines[2].startswith('"\'=HYPERLINK(')  # a leading quote: the spreadsheet shows text, runs nothing
    assert lines[3].startswith("Candidate Three;third@example.org;Sur la liste d’attente;1;")
    other = signed_in_client(app, world.other_organiser)
    assert fetch_export(app, other, f"{registrations}.csv", "/console/").status_code == 404


def test_the_fair_the_console_and_the_recruiter_dashboard_link_to_the_webinars(app, world):
    fair = app.test_client().get(f"/fairs/{world.edition.slug}").get_data(as_text=True)
    assert f'href="/fairs/{world.edition.slug}/webinars"' in fair
    console = signed_in_client(app, world.organiser).get(f"/console/editions/{world.edition.id}")
    assert f'href="/console/editions/{world.edition.id}/webinars"' in console.get_data(as_text=True)
    dashboard = signed_in_client(app, world.recruiter_a).get("/recruiter/")
    assert f'href="/recruiter/booths/{world.booth_a.id}/webinars"' in dashboard.get_data(as_text=True)


def test_moving_a_webinar_updates_the_calendars_of_the_confirmed_people(app, session, world):
    from fair.calendar.models import CalendarEntry
    from fair.mail.models import OutboxMessage
    from fair.webinars.services import register

    for user in (world.candidate, world.other, world.third):
        register(session, world.webinar.id, user)
    session.commit()
    client = signed_in_client(app, world.organiser)
    data = {**FORM, "title": "Découvrir la logistique", "day": "2030-03-12", "start": "11:30",
            "duration_minutes": "60", "capacity": "2", "room": "salon-logistique"}
    assert _post(client, f"/console/webinars/{world.webinar.id}/edit", data).status_code == 302
    session.expire_all()
    entries = session.query(CalendarEntry).filter_by(kind="webinar", ref_id=world.webinar.id).all()
    assert sorted(e.user_id for e in entries) == sorted([world.candidate.id, world.other.id])  # not the waitlist
    assert {(e.starts_at, e.sequence) for e in entries} == {
        (dt.datetime(2030, 3, 12, 10, 30, tzinfo=dt.timezone.utc), 1)}
    updates = session.query(OutboxMessage).filter_by(template="calendar_update").all()
    assert sorted(m.to_address for m in updates) == ["candidate@example.org", "other@example.org"]


@pytest.mark.parametrize("day, stored, shown", [
    # 31 March 2030, clocks go from 02:00 to 03:00: 02:30 never happens and is read as 03:30.
    ("2030-03-31", dt.datetime(2030, 3, 31, 1, 30, tzinfo=dt.timezone.utc), "03:30"),
    # 27 October 2030, clocks go from 03:00 back to 02:00: 02:30 is the first one, summer time.
    ("2030-10-27", dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.timezone.utc), "02:30"),
])
def test_a_webinar_at_02_30_on_a_change_night_is_stored_by_the_one_rule(app, session, world, day, stored, shown):
    from fair.webinars.models import Webinar

    client = signed_in_client(app, world.organiser)
    data = {**FORM, "title": "Webinaire de nuit", "day": day, "start": "02:30"}
    assert _post(client, f"/console/editions/{world.edition.id}/webinars/new", data).status_code == 302
    webinar = session.query(Webinar).filter_by(title="Webinaire de nuit").one()
    assert webinar.starts_at == stored and webinar.ends_at - webinar.starts_at == dt.timedelta(minutes=45)
    edit = client.get(f"/console/webinars/{webinar.id}/edit").get_data(as_text=True)
    assert f'value="{day}"' in edit and f'value="{shown}"' in edit
