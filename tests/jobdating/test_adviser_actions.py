"""Advisers acting for the people their structure follows, tried as a new adviser would: book several
people at a booth, cancel several interviews with a reason, move one, read each person's agenda and
the structure's; another structure's people answer 404 and bad input changes nothing."""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from tests.conftest import login, page_text, post_form, run_jobs
from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import active_bookings, open_range

AFTER = dt.datetime(2030, 3, 12, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def structure(factory, session, world):
    """Mission locale follows Candidate One (referred by Adviser One) and Candidate Two and Candidate
    Three (referred by Adviser Colleague); another association follows the outsider."""
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    partner = factory.organisation("partner", name="Mission locale", partner_type=PartnerType.mission_locale)
    referring = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    colleague = factory.member(partner, email="colleague@example.org", full_name="Adviser Colleague")
    elsewhere = factory.organisation("partner", name="Association du Sud", partner_type=PartnerType.association)
    outside_adviser = factory.member(elsewhere, email="outside.adviser@example.org", full_name="Adviser Outside")
    third = factory.user(email="third@example.org", full_name="Candidate Three")
    outsider = factory.user(email="outsider@example.org", full_name="Candidate Outside")

    def follow(adviser, org, person):
        session.add(Referral(adviser_id=adviser.id, partner_id=org.id, candidate_id=person.id,
                             status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))

    follow(referring, partner, world.candidate)
    follow(colleague, partner, world.other)
    follow(colleague, partner, third)
    follow(outside_adviser, elsewhere, outsider)
    session.commit()
    return SimpleNamespace(partner=partner, referring=referring, colleague=colleague, third=third,
                           outsider=outsider, outside_adviser=outside_adviser)


def _book_page(world) -> str:
    return f"/adviser/booths/{world.booth_a.id}/book"


def test_an_adviser_books_several_people_and_reads_what_happened_to_each(app, session, smtp, world, structure):
    from fair.jobdating.services import book

    slots = world.slots
    book(session, slot_id=slots[1].id, candidate_id=structure.outsider.id)
    session.commit()
    client = app.test_client()
    login(client, structure.referring.email)
    page = client.get(_book_page(world))
    assert page.status_code == 200
    text = page_text(page)
    for name in ("Candidate One", "Candidate Two", "Candidate Three"):  # the structure's people, whoever referred
        assert name in text
    assert "Candidate Outside" not in text
    link = client.get(f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews")
    assert "Inscrire plusieurs personnes que je suis" in page_text(link)

    response = post_form(client, _book_page(world), {
        "candidate_id": [world.candidate.id, world.other.id, structure.third.id],
        f"slot_{world.candidate.id}": slots[1].id,  # already taken by the outsider
        f"slot_{world.other.id}": "",  # the next free slot
        f"slot_{structure.third.id}": slots[3].id,
    })
    assert response.status_code == 200
    text = page_text(response)
    assert ("Candidate One : pas d’inscription. Ce créneau vient d’être réservé par quelqu’un d’autre.") in text
    assert "Candidate Two : inscrit·e à 09:00 (mardi 12 mars 2030) ; la personne reçoit la confirmation." in text
    assert "Candidate Three : inscrit·e à 10:00 (mardi 12 mars 2030)" in text
    assert active_bookings(session, candidate_id=world.candidate.id) == []
    [two] = active_bookings(session, candidate_id=world.other.id)
    [three] = active_bookings(session, candidate_id=structure.third.id)
    assert (two.slot_id, two.booked_by_id) == (slots[0].id, structure.referring.id)
    assert (three.slot_id, three.booked_by_id) == (slots[3].id, structure.referring.id)
    # Each person gets their invitation with its .ics through the usual calendar job.
    run_jobs(app)
    run_jobs(app)
    for address in ("other@example.org", "third@example.org"):
        [message] = smtp.wait_for(address)
        assert any(part.get_content_type() == "text/calendar" for part in message.walk()), address
    assert smtp.to("candidate@example.org") == []


def test_the_next_free_slot_passes_over_one_that_clashes_with_the_person_s_day(app, session, world, structure):
    from fair.jobdating.services import book

    other_range = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:00", "09:20")
    session.commit()
    book(session, slot_id=other_range.slots[0].id, candidate_id=world.candidate.id)
    session.commit()
    client = app.test_client()
    login(client, structure.colleague.email)
    response = post_form(client, _book_page(world), {"candidate_id": [world.candidate.id]})
    assert "Candidate One : inscrit·e à 09:20" in page_text(response)
    [booking] = active_bookings(session, candidate_id=world.candidate.id, booth_id=world.booth_a.id)
    assert booking.slot_id == world.slots[1].id


def test_the_edition_s_booking_policy_holds_for_each_person_booked_by_an_adviser(app, session, world, structure):
    from fair.candidates.models import Application, ApplicationStatus
    from fair.fairs.models import BookingPolicy

    world.edition.booking_policy = BookingPolicy.invitation
    session.add(Application(offer_id=world.offer_a.id, candidate_id=world.other.id, status=ApplicationStatus.invited))
    session.commit()
    client = app.test_client()
    login(client, structure.referring.email)
    response = post_form(client, _book_page(world), {"candidate_id": [world.candidate.id, world.other.id]})
    text = page_text(response)
    assert ("Candidate One : pas d’inscription. Seuls les candidats invités par cette entreprise peuvent réserver "
            "ses entretiens.") in text
    assert "Candidate Two : inscrit·e à 09:00" in text
    assert active_bookings(session, candidate_id=world.candidate.id) == []
    assert len(active_bookings(session, candidate_id=world.other.id)) == 1


def test_bad_input_or_another_structure_s_person_books_nobody(app, session, world, structure):
    other_booth = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00")
    session.commit()
    other_slot = other_booth.slots[0].id
    client = app.test_client()
    login(client, structure.referring.email)
    response = post_form(client, _book_page(world), {
        "candidate_id": [world.candidate.id, world.other.id],
        f"slot_{world.candidate.id}": world.slots[2].id,
        f"slot_{world.other.id}": other_slot,  # not a slot of this booth
    })
    assert response.status_code == 422
    assert "Rien n'a été modifié" in page_text(response)
    assert "Choisissez un créneau dans la liste." in page_text(response)
    response = post_form(client, _book_page(world), {}, form_page=_book_page(world))
    assert response.status_code == 422 and "Choisissez au moins une personne." in page_text(response)
    response = post_form(client, _book_page(world), {"candidate_id": [world.candidate.id, structure.outsider.id]})
    assert response.status_code == 404
    assert active_bookings(session) == []
    # The outside structure's adviser cannot book the Mission locale's people either.
    outside = app.test_client()
    login(outside, structure.outside_adviser.email)
    response = post_form(outside, _book_page(world), {"candidate_id": [world.candidate.id]})
    assert response.status_code == 404
    assert active_bookings(session) == []


def test_an_adviser_cancels_several_interviews_with_a_reason(app, session, smtp, world, structure):
    from fair.jobdating.models import Booking, BookingStatus
    from fair.jobdating.services import book

    one = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id)
    two = book(session, slot_id=world.slots[2].id, candidate_id=world.other.id)
    outside = book(session, slot_id=world.slots[4].id, candidate_id=structure.outsider.id)
    session.commit()
    ids = (one.id, two.id, outside.id)
    run_jobs(app)  # the invitations go out
    client = app.test_client()
    login(client, structure.colleague.email)
    agenda = "/adviser/interviews"
    response = post_form(client, "/adviser/interviews/cancel", {"booking_id": [ids[0], ids[1]], "reason": " "},
                         form_page=agenda)
    assert response.status_code == 422 and "Donnez un motif au candidat." in page_text(response)
    response = post_form(client, "/adviser/interviews/cancel", {"booking_id": [], "reason": "x"}, form_page=agenda)
    assert response.status_code == 422 and "Choisissez au moins un entretien." in page_text(response)
    response = post_form(client, "/adviser/interviews/cancel",
                         {"booking_id": [ids[0], ids[2]], "reason": "Rendez-vous médical"}, form_page=agenda)
    assert response.status_code == 404
    assert len(active_bookings(session)) == 3

    response = post_form(client, "/adviser/interviews/cancel",
                         {"booking_id": [ids[0], ids[1]], "reason": "Rendez-vous médical"}, form_page=agenda,
                         follow_redirects=True)
    text = page_text(response)
    assert "Candidate One : l’entretien avec Transports Rapides à 09:00 est annulé." in text
    assert "Candidate Two : l’entretien avec Transports Rapides à 09:40 est annulé." in text
    session.expire_all()
    cancelled = [session.get(Booking, i) for i in ids[:2]]
    assert {(b.status, b.cancelled_by_id, b.cancel_reason) for b in cancelled} == {
        (BookingStatus.cancelled, structure.colleague.id, "Rendez-vous médical")}
    assert session.get(Booking, ids[2]).status == BookingStatus.active
    # The person is told who cancelled and why, in their calendar and on their day.
    run_jobs(app)
    run_jobs(app)
    subjects = [m["Subject"] for m in smtp.wait_for("candidate@example.org", 2)]
    assert ("Annulé : Entretien — Transports Rapides — annulé par votre conseiller·ère : Rendez-vous médical"
            in subjects)
    candidate = app.test_client()
    login(candidate, world.candidate.email)
    day = page_text(candidate.get("/interviews/my-day"))
    assert "Annulé par votre conseiller·ère" in day and "Annulé par l’entreprise" not in day


def test_bulk_actions_emit_each_booking_s_webhook_once(app, session, world, structure):
    from sqlalchemy import select

    from fair.jobdating.models import Booking
    from fair.webhooks import services as webhooks
    from fair.webhooks.models import WebhookDelivery

    webhooks.subscribe(session, structure.partner, url="https://hooks.example.org/fair",
                       events=["booking.created", "booking.cancelled"])
    session.commit()
    client = app.test_client()
    login(client, structure.referring.email)
    post_form(client, _book_page(world), {"candidate_id": [world.candidate.id, world.other.id]})
    booked = [b.id for b in active_bookings(session)]
    assert len(booked) == 2
    post_form(client, "/adviser/interviews/cancel", {"booking_id": booked, "reason": "Malade"},
              form_page="/adviser/interviews")
    session.expire_all()
    events = sorted((d.event_type, json.loads(d.body)["data"]["id"])
                    for d in session.execute(select(WebhookDelivery)).scalars())
    assert events == sorted([("booking.created", i) for i in booked] + [("booking.cancelled", i) for i in booked])
    assert len(session.execute(select(Booking)).scalars().all()) == 2


def test_an_adviser_moves_an_interview_to_another_free_slot(app, session, smtp, world, structure):
    from fair.jobdating.services import book

    booking = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id)
    outside = book(session, slot_id=world.slots[4].id, candidate_id=structure.outsider.id)
    other_booth = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00")
    session.commit()
    booking_id, outside_id, other_slot = booking.id, outside.id, other_booth.slots[0].id
    first, last = world.slots[0].id, world.slots[5].id
    run_jobs(app)
    client = app.test_client()
    login(client, structure.colleague.email)
    path = f"/adviser/interviews/{booking_id}/move"
    assert client.get(f"/adviser/interviews/{outside_id}/move").status_code == 404
    response = post_form(client, path, {"slot_id": "x"})
    assert response.status_code == 422 and "Choisissez un créneau dans la liste." in page_text(response)
    response = post_form(client, path, {"slot_id": other_slot})
    assert response.status_code == 422
    assert "Choisissez un autre créneau de la même entreprise." in page_text(response)
    assert active_bookings(session, candidate_id=world.candidate.id)[0].slot_id == first
    response = post_form(client, path, {"slot_id": last}, follow_redirects=True)
    assert "L’entretien de Candidate One a été déplacé à 10:40." in page_text(response)
    assert active_bookings(session, candidate_id=world.candidate.id)[0].slot_id == last
    run_jobs(app)
    run_jobs(app)
    subjects = [m["Subject"] for m in smtp.wait_for("candidate@example.org", 2)]
    assert len(subjects) == 2 and subjects[0] != subjects[1]


def test_each_person_s_agenda_and_the_structure_s_filtered_agenda(app, session, world, structure):
    from fair import clock
    from fair.jobdating.models import Attendance, Booking
    from fair.jobdating.services import book
    from fair.webinars.models import Provider, RegistrationStatus, Webinar, WebinarRegistration

    missed = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id)
    book(session, slot_id=world.slots[3].id, candidate_id=world.candidate.id)
    book(session, slot_id=world.slots[1].id, candidate_id=world.other.id)
    book(session, slot_id=world.slots[2].id, candidate_id=structure.outsider.id)
    webinar = Webinar(edition_id=world.edition.id, title="Réussir son entretien", speaker="Organiser",
                      starts_at=world.slots[6].starts_at, duration_minutes=30, capacity=1, provider=Provider.jitsi)
    session.add(webinar)
    session.flush()
    session.add(WebinarRegistration(webinar_id=webinar.id, user_id=world.candidate.id,
                                    status=RegistrationStatus.waitlisted))
    session.commit()
    missed_id = missed.id
    client = app.test_client()
    login(client, structure.colleague.email)
    agenda = f"/adviser/people/{world.candidate.id}/agenda"
    text = page_text(client.get(agenda))
    assert "Agenda de Candidate One" in text
    assert "Entretiens à venir" in text and "09:00" in text and "10:00" in text
    assert "11:00 — Réussir son entretien (Métropole Emploi) · Sur la liste d’attente" in text
    assert client.get(f"/adviser/people/{structure.outsider.id}/agenda").status_code == 404
    session.get(Booking, missed_id).attendance = Attendance.no_show
    session.commit()
    with clock.frozen_at(AFTER):  # the evening of the fair: a new sign-in, the day's interviews are past
        later = app.test_client()
        login(later, structure.colleague.email)
        text = page_text(later.get(agenda))
    assert "Aucun entretien à venir." in text
    assert "Entretiens passés et annulés" in text and "Absent" in text

    everyone = page_text(client.get("/adviser/interviews"))
    assert "Candidate One" in everyone and "Candidate Two" in everyone and "Candidate Outside" not in everyone
    mine = page_text(client.get(f"/adviser/interviews?adviser={structure.colleague.id}"))
    assert "Candidate Two" in mine and "Candidate One" not in mine
    other_day = page_text(client.get("/adviser/interviews?day=2030-03-13"))
    assert "Candidate One" not in other_day and "Candidate Two" not in other_day
    fair_day = page_text(client.get(f"/adviser/interviews?day={FAIR_DAY.isoformat()}"))
    assert "Candidate One" in fair_day and "Candidate Two" in fair_day
    bad = client.get(f"/adviser/interviews?day=12/03/2030&adviser={structure.outside_adviser.id}")
    assert bad.status_code == 200
    text = page_text(bad)
    assert "Saisissez une date valide." in text and "Choisissez un·e conseiller·ère dans la liste." in text
    assert "Candidate One" in text and "Candidate Two" in text


def test_an_outcome_recorded_elsewhere_reaches_the_structure_but_not_its_author(app, session, world, structure):
    from fair.mail.models import OutboxMessage
    from fair.outcomes.models import ContractType, RecordedAs
    from fair.outcomes.services import HireDetails, record

    details = HireDetails(contract=ContractType.cdi, starts_on=dt.date(2030, 4, 1), weekly_hours=35,
                          job_title="Chauffeur")
    hire = record(session, candidate_id=world.candidate.id, details=details, recorded_as=RecordedAs.recruiter,
                  recorded_by_id=world.recruiter_a.id, edition_id=world.edition.id,
                  company_id=world.booth_a.company_id)
    session.commit()
    record(session, candidate_id=world.candidate.id, details=details, recorded_as=RecordedAs.recruiter,
           recorded_by_id=world.recruiter_a.id, existing=hire)  # changed later: no second notice
    session.commit()
    rows = session.query(OutboxMessage).filter_by(template="outcome_adviser").order_by(OutboxMessage.id).all()
    assert sorted(r.to_address for r in rows) == ["adviser@example.org", "colleague@example.org"]
    assert rows[0].subject == "Candidate One : CDI chez Transports Rapides à partir du 1 avril 2030"

    by_adviser = record(session, candidate_id=world.other.id, details=HireDetails(
        contract=ContractType.apprenticeship, starts_on=dt.date(2030, 5, 2), weekly_hours=None,
        employer_name="Garage Martin"), recorded_as=RecordedAs.adviser, recorded_by_id=structure.colleague.id)
    session.commit()
    rows = session.query(OutboxMessage).filter(OutboxMessage.idempotency_key.like(
        f"outcome-recorded:{by_adviser.id}:%")).all()
    assert [r.to_address for r in rows] == ["adviser@example.org"]
