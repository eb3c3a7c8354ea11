"""Item 7 of issue 14: in an anonymised fair the CV as uploaded, the free-text message and the words of
the accessibility needs stay closed to recruiters until an interview with their booth is booked."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fair.candidates.models import Application, CandidateCv, CandidateProfile, CvKind
from tests.candidates.helpers import pdf_bytes
from tests.conftest import login, page_text

MESSAGE = "Je suis disponible dès lundi, ma voisine peut garder mes enfants."
NEEDS = "Je me déplace en fauteuil roulant depuis mon accident de 2019."


def _seed(world, session, *, anonymised: bool = True) -> Application:
    from fair.candidates import storage

    world.edition.anonymised_applications = anonymised
    session.add(CandidateProfile(user=world.candidate, skills="CACES 3", situations=[], needs_interpreter=True,
                                 accessibility_needs=NEEDS))
    cv = CandidateCv(user=world.candidate, kind=CvKind.pdf, original_name="Camille_Candidate_CV.pdf",
                     storage_name=storage.store(pdf_bytes()), size=len(pdf_bytes()), sha256="0" * 64)
    session.add(cv)
    session.flush()
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, cv_id=cv.id,
                              message=MESSAGE)
    session.add(application)
    session.commit()
    return application


def _book(factory, session, world) -> None:
    from fair.jobdating import services as jobdating
    from fair.jobdating.models import Slot

    factory.slot_range(world.booth_a, world.recruiter_a, dt.date(2030, 3, 12), "10:00", "10:20")
    slot = session.execute(select(Slot).where(Slot.booth_id == world.booth_a.id)).scalars().first()
    jobdating.book(session, slot_id=slot.id, candidate_id=world.candidate.id,
                   now=dt.datetime(2030, 3, 1, tzinfo=dt.timezone.utc))
    session.commit()


def test_the_cv_and_message_open_only_once_an_interview_is_booked(app, client, world, factory, session):
    application = _seed(world, session)
    login(client, world.recruiter_a.email)
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications"
    assert client.get(f"{inbox}/{application.id}/cv").status_code == 404
    for page in (inbox, f"{inbox}/{application.id}"):
        text = page_text(client.get(page))
        assert "disponible dès lundi" not in text and "fauteuil" not in text
        assert "/cv" not in client.get(page).get_data(as_text=True)
    detail = page_text(client.get(f"{inbox}/{application.id}"))
    assert "A des besoins d'accessibilité" in detail and "A besoin d'un interprète" in detail

    _book(factory, session, world)
    assert client.get(f"{inbox}/{application.id}/cv").status_code == 200
    detail = page_text(client.get(f"{inbox}/{application.id}"))
    assert "disponible dès lundi" in detail and "fauteuil" in detail


def test_a_booking_at_another_booth_opens_nothing(app, client, world, factory, session):
    application = _seed(world, session)
    other = Application(candidate_id=world.candidate.id, offer_id=world.offer_b.id, cv_id=application.cv_id,
                        message=MESSAGE)
    session.add(other)
    session.commit()
    _book(factory, session, world)  # at booth A
    login(client, world.recruiter_b.email)
    inbox = f"/recruiter/booths/{world.booth_b.id}/applications"
    assert client.get(f"{inbox}/{other.id}/cv").status_code == 404
    assert "disponible dès lundi" not in page_text(client.get(f"{inbox}/{other.id}"))


def test_a_fair_that_is_not_anonymised_shows_them_at_once(app, client, world, session):
    application = _seed(world, session, anonymised=False)
    login(client, world.recruiter_a.email)
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications"
    assert client.get(f"{inbox}/{application.id}/cv").status_code == 200
    detail = page_text(client.get(f"{inbox}/{application.id}"))
    assert "disponible dès lundi" in detail and "fauteuil" in detail
