"""The self-service page in Chromium at phone width, signed in as nobody, as a person opens it from
an SMS: the interview is shown, confirmed, moved to another time and cancelled with a reason; the
link then says it was withdrawn. axe-core finds no A/AA violation on each page; screenshots at 390
and 1280 px are left in test-artifacts/."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import check_and_shoot

pytestmark = pytest.mark.e2e


def test_a_person_confirms_moves_and_cancels_from_the_link(live_server, page, factory, session):
    from fair.jobdating.models import Booking, BookingStatus
    from fair.jobdating.services import book
    from fair.selfservice.links import booking_link

    lead = factory.organisation("organiser", "Métropole emploi")
    edition = factory.edition(lead, slug="selfservice-e2e", title="Forum de l’emploi de Roubaix")
    company = factory.organisation("company", "Alpha Logistique")
    recruiter = factory.member(company, email="rh.selfservice@example.org")
    booth = factory.booth(edition, company, stand_number="12")
    slots = list(factory.slot_range(booth, recruiter, dt.date(2030, 3, 12), "09:00", "10:00", mode="onsite",
                                    slot_minutes=20, location="Salle 3").slots)
    person = factory.user(email="ana.selfservice@example.org", full_name="Ana Lima")
    booking = book(session, slot_id=slots[0].id, candidate_id=person.id)
    session.flush()
    path = booking_link(session, booking).removeprefix("http://fair.test")
    session.commit()

    page.goto(f"{live_server}{path}")
    assert page.get_by_role("heading", name="Mon entretien", level=1).is_visible()
    assert "mardi 12 mars 2030, 09:00 – 09:20" in page.inner_text("main")
    check_and_shoot(page, "selfservice-page")

    page.get_by_role("button", name="Confirmer : je serai là").click()
    page.wait_for_load_state()
    assert "Vous avez confirmé votre présence." in page.inner_text("main")

    page.locator("label", has_text="09:40").click()
    page.get_by_role("button", name="Déplacer mon entretien").click()
    page.wait_for_load_state()
    assert "mardi 12 mars 2030, 09:40 – 10:00" in page.inner_text("main")

    page.get_by_label("Motif (facultatif)").fill("Un rendez-vous médical")
    page.get_by_role("button", name="Annuler mon entretien").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Votre entretien est annulé").is_visible()
    check_and_shoot(page, "selfservice-cancelled")
    session.expire_all()
    assert session.get(Booking, booking.id).status == BookingStatus.cancelled

    page.goto(f"{live_server}{path}")
    assert "Ce lien a été retiré" in page.inner_text("main")
    check_and_shoot(page, "selfservice-refused")
