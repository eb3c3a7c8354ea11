"""Running a fair again: the copy has the settings, partners, co-organisers and organiser webinars of the
old edition at the same local hours on its new days, its companies are invited again by mail, and
nothing personal (applications, bookings, waitlists, queues, chats, referrals, registrations…) follows."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import login, page_text, post_form, run_jobs
from tests.e2e.conftest import (  # noqa: F401  (fixtures: browser, page)
    ARTIFACTS,
    axe_violations,
    browser,
    describe,
    log_in,
    page,
)
from tests.fairs.helpers import count, field_errors, normalise

PARIS = "Europe/Paris"


def _local(instant: dt.datetime) -> dt.datetime:
    from fair.timezones import utc_to_local

    return utc_to_local(instant, PARIS)


def _personal_models():
    from fair.calendar.models import CalendarEntry
    from fair.candidates.models import Application, Referral
    from fair.companies.models import Booth, BoothDocument, BoothStaff, Offer
    from fair.fairs.models import BulkInvitation, BulkRecipient
    from fair.jobdating.models import Availability, Booking, Slot, WaitlistEntry
    from fair.live.chat import ChatMessage, ChatMute, PrivateMessage
    from fair.live.models import Announcement, QueueEntry
    from fair.webinars.models import WebinarQuestion, WebinarRegistration, WebinarVote

    return (Booth, BoothDocument, BoothStaff, Offer, Application, Referral, Availability, Slot, Booking,
            WaitlistEntry, QueueEntry, Announcement, ChatMessage, ChatMute, PrivateMessage, BulkInvitation,
            BulkRecipient, CalendarEntry, WebinarRegistration, WebinarQuestion, WebinarVote)


def _counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: count(session, model) for model in _personal_models()}


@pytest.fixture
def rich(world, factory, session):
    """Edition F (12 March 2030, 09:00–17:00 Paris, winter time) with everything a fair gathers."""
    from fair.accounts.models import Membership, MembershipRole
    from fair.calendar.models import CalendarEntry
    from fair.calendar.reminders import set_reminder_offsets
    from fair.candidates.models import Application, Referral
    from fair.companies.models import BoothStaff
    from fair.fairs.models import BookingPolicy, BulkInvitation, EditionFormat, EditionOrganiser, EditionPartner
    from fair.jobdating.models import Booking, WaitlistEntry
    from fair.live.chat import ChatMessage, ChatRole
    from fair.live.models import QueueEntry
    from fair.webinars.models import (
        Provider,
        RegistrationStatus,
        Webinar,
        WebinarQuestion,
        WebinarRegistration,
        WebinarStatus,
        WebinarVote,
    )
    from tests.jobdating.helpers import local

    edition = world.edition_f
    edition.description = "Le job dating mensuel des employeurs solidaires."
    edition.audiences, edition.languages = ["youth_under_26", "priority_neighbourhoods"], ["fr", "en"]
    edition.format, edition.venue = EditionFormat.hybrid, "Maison de l'emploi, Roubaix"
    edition.logo_url, edition.banner_url = "https://cdn.example.org/logo.png", "https://cdn.example.org/banner.png"
    edition.brand_colour = "#123456"
    edition.booking_policy, edition.default_slot_minutes = BookingPolicy.shortlisted, 30
    edition.max_bookings_per_candidate, edition.anonymised_applications = 5, True
    agency = factory.organisation("organiser", name="France Travail Roubaix")
    partner = factory.organisation("partner", name="Mission locale de Roubaix", partner_type="mission_locale")
    session.add_all([EditionOrganiser(edition_id=edition.id, organisation_id=agency.id),
                     EditionPartner(edition_id=edition.id, organisation_id=partner.id)])
    set_reminder_offsets(session, edition.id, [2880, 60])
    session.commit()

    # Company A: a member who joined first, then the owner; company B: only a member.
    recruiter_a = factory.member(world.company, email="early.member@transports.example")
    owner_a = factory.member(world.company, email="owner@transports.example", role="owner")
    company_b = factory.organisation("company", name="Boulangerie Solidaire")
    member_b = factory.member(company_b, email="contact@boulangerie.example")
    booth_a, booth_b = factory.booth(edition, world.company), factory.booth(edition, company_b)
    offer = factory.offer(booth_a, title="Chauffeur livreur")
    factory.offer(booth_b, title="Vendeur")
    session.add_all([BoothStaff(booth_id=booth_a.id, user_id=recruiter_a.id),
                     BoothStaff(booth_id=booth_b.id, user_id=member_b.id)])

    candidate = factory.user(email="candidate@example.org")
    adviser = factory.member(partner, email="adviser@mission-locale.example")
    availability = factory.slot_range(booth_a, recruiter_a, dt.date(2030, 3, 12), "10:00", "11:00")
    slot = availability.slots[0]
    session.add_all([
        Application(candidate_id=candidate.id, offer_id=offer.id),
        Booking(slot_id=slot.id, booth_id=booth_a.id, edition_id=edition.id, candidate_id=candidate.id,
                starts_at=slot.starts_at, ends_at=slot.ends_at),
        WaitlistEntry(booth_id=booth_b.id, candidate_id=candidate.id),
        QueueEntry(booth_id=booth_a.id, edition_id=edition.id, candidate_id=candidate.id, ticket=1),
        ChatMessage(booth_id=booth_a.id, author_id=candidate.id, role=ChatRole.candidate, text="Bonjour"),
        Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id),
        BulkInvitation(edition_id=edition.id, filename="liste.csv"),
        CalendarEntry(uid="booking-1@fair.test", user_id=candidate.id, edition_id=edition.id, kind="booking",
                      ref_id=1, starts_at=slot.starts_at, ends_at=slot.ends_at, summary="Entretien"),
    ])
    ours = Webinar(edition_id=edition.id, title="Préparer son entretien", speaker="Conseillère",
                   description="Les bons réflexes.", starts_at=local(dt.date(2030, 3, 12), "14:00"),
                   duration_minutes=45, capacity=80, language="fr", provider=Provider.jitsi,
                   room="fair-webinar-old-room", status=WebinarStatus.scheduled)
    theirs = Webinar(edition_id=edition.id, booth_id=booth_a.id, title="Le métier de chauffeur", speaker="RH",
                     starts_at=local(dt.date(2030, 3, 12), "15:00"), duration_minutes=30, capacity=20,
                     provider=Provider.jitsi, room="fair-webinar-company")
    dropped = Webinar(edition_id=edition.id, title="Annulé", speaker="X",
                      starts_at=local(dt.date(2030, 3, 12), "16:00"),
                      duration_minutes=30, capacity=20, provider=Provider.external,
                      external_url="https://visio.example.org/x", status=WebinarStatus.cancelled)
    session.add_all([ours, theirs, dropped])
    session.flush()
    question = WebinarQuestion(webinar_id=ours.id, author_id=candidate.id, text="Faut-il un CV ?")
    session.add_all([WebinarRegistration(webinar_id=ours.id, user_id=candidate.id,
                                         status=RegistrationStatus.confirmed), question])
    session.flush()
    session.add(WebinarVote(question_id=question.id, user_id=candidate.id))
    session.commit()
    assert session.execute(select(Membership.role).where(Membership.user_id == owner_a.id)).scalar_one() \
        == MembershipRole.owner
    return world


def _copy(client, edition_id, **data):
    return post_form(client, f"/console/editions/{edition_id}/copy",
                     {"title": "Job dating de juillet", "slug": "job-dating-juillet", "starts_on": "2030-07-09",
                      **data})


def test_a_copy_has_the_settings_partners_and_webinars_at_the_same_local_hours_and_nothing_personal(
        app, client, session, rich, smtp):
    from fair.audit import AuditEntry
    from fair.calendar.models import ReminderOffsets
    from fair.fairs.models import Edition, EditionStatus, Invitation
    from fair.webinars.models import Webinar, WebinarRegistration

    old_id = rich.edition_f.id
    company_id = rich.company.id
    before = _counts(session)
    empty = {"BoothDocument", "Announcement", "ChatMute", "PrivateMessage", "BulkRecipient"}
    assert all(n for name, n in before.items() if name not in empty), before  # something of each kind

    login(client, "organiser.f@example.org")
    page = client.get(f"/console/editions/{old_id}")
    assert "Organiser à nouveau ce salon" in page_text(page)
    response = _copy(client, old_id)
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    new = session.execute(select(Edition).where(Edition.slug == "job-dating-juillet")).scalar_one()
    old = session.get(Edition, old_id)
    assert response.headers["Location"] == f"/console/editions/{new.id}"

    assert (new.status, new.title, new.copied_from_id, new.organiser_id) == \
        (EditionStatus.draft, "Job dating de juillet", old.id, old.organiser_id)
    settings = ("description", "timezone", "audiences", "languages", "format", "venue", "logo_url", "banner_url",
                "brand_colour", "booking_policy", "default_slot_minutes", "max_bookings_per_candidate",
                "anonymised_applications")
    assert {name: getattr(new, name) for name in settings} == {name: getattr(old, name) for name in settings}

    # March is winter time (UTC+1), July summer time (UTC+2): the same wall-clock hours, not the same UTC.
    assert _local(old.starts_at) == dt.datetime(2030, 3, 12, 9, 0)
    assert _local(new.starts_at) == dt.datetime(2030, 7, 9, 9, 0)
    assert new.starts_at == dt.datetime(2030, 7, 9, 7, 0, tzinfo=dt.timezone.utc)
    days = dt.timedelta(days=119)
    for name in ("ends_at", "registration_opens_at", "registration_closes_at"):
        assert _local(getattr(new, name)) == _local(getattr(old, name)) + days, name

    assert sorted(c.organisation_id for c in new.co_organisers) == sorted(c.organisation_id for c in old.co_organisers)
    assert sorted(p.organisation_id for p in new.partners) == sorted(p.organisation_id for p in old.partners)
    assert session.get(ReminderOffsets, new.id).minutes == [2880, 60]

    [webinar] = session.execute(select(Webinar).where(Webinar.edition_id == new.id)).scalars().all()
    assert (webinar.title, webinar.booth_id, webinar.capacity, webinar.duration_minutes) == \
        ("Préparer son entretien", None, 80, 45)
    assert _local(webinar.starts_at) == dt.datetime(2030, 7, 9, 14, 0)
    assert webinar.room and webinar.room != "fair-webinar-old-room"
    assert count(session, WebinarRegistration, WebinarRegistration.webinar_id == webinar.id) == 0

    # Nothing personal was created, nothing of the old edition was touched.
    assert _counts(session) == before
    assert count(session, Webinar, Webinar.edition_id == old.id) == 3

    invitations = session.execute(select(Invitation).where(Invitation.edition_id == new.id)
                                  .order_by(Invitation.organisation_name)).scalars().all()
    assert [(i.organisation_name, i.organisation_id, i.email, i.kind.value) for i in invitations] == [
        ("Boulangerie Solidaire", invitations[0].organisation_id, "contact@boulangerie.example", "company"),
        ("Transports Rapides", company_id, "owner@transports.example", "company"),
    ]
    assert invitations[0].organisation_id is not None

    [entry] = session.execute(select(AuditEntry).where(AuditEntry.action == "edition.copy")).scalars().all()
    assert (entry.object_id, entry.details, entry.organisation_id, entry.actor_email) == \
        (new.id, {"from": old.id}, old.organiser_id, "organiser.f@example.org")

    assert smtp.to("owner@transports.example") == []  # mailed by the worker, after the commit
    run_jobs(app)
    [mail] = smtp.wait_for("owner@transports.example")
    assert "Job dating de juillet" in normalise(mail["Subject"])
    smtp.wait_for("contact@boulangerie.example")
    assert smtp.to("early.member@transports.example") == []


def test_copying_to_a_winter_day_keeps_the_local_hours_too(app, session, world, factory):
    from fair.fairs.copy import copy_edition

    summer = factory.edition(world.organiser_f, slug="ete", title="Été", timezone=PARIS,
                             starts_at=dt.datetime(2030, 6, 4, 7, 30, tzinfo=dt.timezone.utc))
    with app.test_request_context():
        copied = copy_edition(session, summer, title="Hiver", slug="hiver", starts_on=dt.date(2030, 12, 3),
                              by=world.person_f)
        session.commit()
    assert _local(copied.starts_at) == dt.datetime(2030, 12, 3, 9, 30)
    assert copied.starts_at == dt.datetime(2030, 12, 3, 8, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("data,field,message", [
    ({"title": ""}, "title", "Indiquez le titre du salon."),
    ({"slug": "Pas Valide!"}, "slug", None),
    ({"slug": "salon-g"}, "slug", "Cette adresse web est déjà utilisée par un autre salon. Choisissez-en une autre."),
    ({"starts_on": ""}, "starts_on", "Saisissez le premier jour du nouveau salon."),
    ({"starts_on": "09/07/2030x"}, "starts_on", "Indiquez une date, par exemple 27/10/2030."),
])
def test_bad_input_is_refused_with_a_message_and_creates_nothing(client, session, rich, data, field, message):
    from fair.audit import AuditEntry
    from fair.fairs.models import Edition, Invitation
    from fair.webinars.models import Webinar

    edition_id = rich.edition_f.id
    login(client, "organiser.f@example.org")
    tables = (Edition, Invitation, Webinar, AuditEntry)
    before = {model.__name__: count(session, model) for model in tables}
    response = _copy(client, edition_id, **data)
    assert response.status_code == 422
    errors = field_errors(response, field)
    assert errors, page_text(response)
    if message:
        assert errors == [message]
    assert "Erreur" in page_text(response)
    session.expire_all()
    assert {model.__name__: count(session, model) for model in tables} == before


def test_another_organiser_gets_404_and_the_form_suggests_the_title(client, rich):
    edition_id, other_id = rich.edition_f.id, rich.edition_g.id
    login(client, "organiser.g@example.org")
    assert client.get(f"/console/editions/{edition_id}/copy").status_code == 404
    response = client.post(f"/console/editions/{edition_id}/copy",
                           data={"csrf_token": _token(client, other_id), "title": "x", "starts_on": "2030-07-09"})
    assert response.status_code == 404

    client.post("/logout", data={"csrf_token": _token(client, other_id)})
    login(client, "organiser.f@example.org")
    page = client.get(f"/console/editions/{edition_id}/copy")
    assert page.status_code == 200
    assert 'value="Salon de la Métropole"' in page.get_data(as_text=True)


def _token(client, edition_id):
    from tests.conftest import csrf_token

    return csrf_token(client, f"/console/editions/{edition_id}/copy")


@pytest.mark.e2e
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_copy_form_is_accessible_on_a_phone_and_a_desktop(live_server, page, factory, world,  # noqa: F811
                                                             tmp_path, database_url):
    edition_id = world.edition_f.id
    log_in(page, live_server, "organiser.f@example.org")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/console/editions/{edition_id}/copy")
        assert not axe_violations(page), describe(axe_violations(page))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"copy-form-{width}.png"), full_page=True)
    page.get_by_label("Titre").fill("")
    page.get_by_role("button", name="Créer le nouveau salon").click()
    page.wait_for_load_state()
    assert not axe_violations(page), describe(axe_violations(page))
    page.screenshot(path=str(ARTIFACTS / "copy-form-errors.png"), full_page=True)
