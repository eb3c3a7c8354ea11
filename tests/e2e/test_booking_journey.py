"""In Chromium against `python wsgi.py`: a candidate books an interview slot from a company's booth
and finds it in "my day"; the recruiter finds it in their day; axe-core checks the pages they see."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations, describe, log_in, open_menu

pytestmark = pytest.mark.e2e


def test_a_candidate_books_a_slot_and_both_see_it_in_their_day(live_server, page, browser, factory, session):
    from fair.jobdating.models import Booking
    from tests.jobdating.helpers import open_range

    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-logistique", title="Job dating logistique",
                              starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc))
    company = factory.organisation("company", "Transports Rapides")
    recruiter = factory.member(company, email="recrutement@example.org", full_name="Responsable recrutement")
    booth = factory.booth(edition, company)
    open_range(session, booth, recruiter, dt.date(2030, 3, 12), "09:00", "10:00",
               location="https://visio.example.org/transports")
    session.commit()
    factory.user(email="candidate@example.org", full_name="Samira Candidate")

    log_in(page, live_server, "candidate@example.org")
    page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}")
    page.get_by_role("link", name="Entretiens avec Transports Rapides").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Entretiens avec Transports Rapides").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("09:20").check()
    page.get_by_role("button", name="Réserver ce créneau").click()
    page.wait_for_load_state()

    assert page.url.endswith("/interviews/my-day")
    main = page.locator("main").inner_text()
    assert "Votre entretien avec Transports Rapides est réservé à 09:20." in main
    assert "09:20 – 09:40" in main and "Transports Rapides" in main
    assert page.get_by_role("link", name="Rejoindre l’entretien en visio").get_attribute("href") == \
        "https://visio.example.org/transports"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    [booking] = session.query(Booking).all()
    assert booking.candidate.email == "candidate@example.org"

    recruiter_page = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                     bypass_csp=True).new_page()
    try:
        log_in(recruiter_page, live_server, "recrutement@example.org")
        open_menu(recruiter_page)
        recruiter_page.get_by_role("link", name="Mes entretiens").click()
        recruiter_page.wait_for_load_state()
        agenda = recruiter_page.locator("main").inner_text()
        assert "mardi 12 mars 2030" in agenda
        assert "Samira Candidate" in agenda and "09:20 – 09:40" in agenda
        violations = axe_violations(recruiter_page)
        assert not violations, describe(violations)
    finally:
        recruiter_page.context.close()
