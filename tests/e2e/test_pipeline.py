"""In Chromium against `python wsgi.py`: a recruiter records an interview's outcome with a rating, a
next step and a note, and finds the person in the company's pipeline; a colleague sees the note there
and at the desk; axe-core checks the pages. PIPELINE_SHOTS=<folder> keeps screenshots at 390 and
1280 pixels wide, to look at (they are not committed)."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations, check_and_shoot, describe, log_in, open_menu

pytestmark = pytest.mark.e2e



def test_a_recruiter_rates_a_person_after_an_interview_and_finds_them_in_the_pipeline(
        live_server, page, browser, factory, session):
    from fair.db import utcnow
    from fair.jobdating.models import Booking
    from fair.live.models import QueueEntry, QueueStatus
    from tests.jobdating.helpers import open_range

    yesterday = (utcnow() - dt.timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-logistique", title="Job dating logistique",
                              status="live", starts_at=yesterday, ends_at=yesterday + dt.timedelta(hours=10))
    company = factory.organisation("company", "Transports Rapides")
    factory.member(company, email="recrutement@example.org", full_name="Responsable recrutement")
    colleague = factory.member(company, email="collegue@example.org", full_name="Collègue du recrutement")
    booth = factory.booth(edition, company)
    samira = factory.user(email="samira@example.org", full_name="Samira Benali")
    karim = factory.user(email="karim@example.org", full_name="Karim Haddad")
    availability = open_range(session, booth, colleague, yesterday.date(), "09:00", "10:00")
    recruiter = session.query(type(colleague)).filter_by(email="recrutement@example.org").one()
    availability.recruiter_id = recruiter.id
    for slot in availability.slots:
        slot.recruiter_id = recruiter.id
    slot = availability.slots[0]
    session.add(Booking(slot_id=slot.id, booth_id=booth.id, edition_id=edition.id, candidate_id=samira.id,
                        booked_by_id=samira.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    ended = yesterday + dt.timedelta(hours=3)
    session.add(QueueEntry(booth_id=booth.id, edition_id=edition.id, candidate_id=karim.id, ticket=1,
                           status=QueueStatus.done, joined_at=ended, started_at=ended,
                           ended_at=ended + dt.timedelta(minutes=7)))
    session.commit()

    log_in(page, live_server, "recrutement@example.org")
    open_menu(page)
    page.get_by_role("link", name="Mes entretiens").click()
    page.wait_for_load_state()
    card = page.locator("li.agenda-item", has_text="Samira Benali")
    card.get_by_label("Présence").select_option("attended")
    card.get_by_label("Évaluation").select_option("4")
    card.get_by_label("Prochaine étape").select_option("second_interview")
    card.get_by_label("Note pour vos collègues").fill("Très à l’aise avec les chariots, disponible tout de suite.")
    check_and_shoot(page, "pipeline-interview-day")
    card.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "La suite donnée est enregistrée." in page.locator("main").inner_text()

    open_menu(page)
    page.get_by_role("link", name="Mes stands").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Le suivi des candidats de votre entreprise", exact=False).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Suivi des candidats — Transports Rapides").is_visible()
    person = page.locator("li.card", has_text="Samira Benali")
    assert "Évaluation : 4/5" in person.inner_text() and "Prochaine étape : Second entretien" in person.inner_text()
    assert "Karim Haddad" in page.locator("main").inner_text()
    person.locator("summary").click()
    assert "Très à l’aise avec les chariots" in person.inner_text()
    assert "Responsable recrutement" in person.inner_text()
    check_and_shoot(page, "pipeline-pipeline")

    page.get_by_role("link", name="À faire (1 sans prochaine étape)").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Karim Haddad" in main and "Samira Benali" not in main and "1 personne" in main
    violations = axe_violations(page)
    assert not violations, describe(violations)

    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True).new_page()
    try:
        log_in(other, live_server, "collegue@example.org")
        other.goto(f"{live_server}/live/booths/{booth.id}/desk")
        met = other.locator("[data-pipeline-met]")
        met.get_by_label("Évaluation").select_option("3")
        met.get_by_label("Note pour vos collègues").fill("Passé au stand, à rappeler.")
        met.get_by_role("button", name="Enregistrer").click()
        other.locator("[data-pipeline-met] [role=status]", has_text="Enregistré pour vos collègues.").wait_for()
        assert "Passé au stand, à rappeler." in other.locator("[data-pipeline-met]").inner_text()
        assert other.url.endswith("/desk")  # saved in the background: the desk stayed open
        check_and_shoot(other, "pipeline-desk")

        # without the desk's script (a form sent as is), a refused rating gets a page of its own
        # wait for the navigation the submission starts, not for the load state of the page still shown
        with other.expect_navigation(timeout=60_000):
            other.evaluate("""() => {
                const select = document.querySelector("[data-pipeline-met] select[name=rating]");
                select.add(new Option("9", "9", true, true));
                select.form.submit();
            }""")
        assert "Choisissez une évaluation de 1 à 5." in other.locator("main").inner_text()
        assert other.get_by_role("link", name="Retour au poste du salon en direct").is_visible()
        check_and_shoot(other, "pipeline-desk-refused")
    finally:
        other.context.close()
