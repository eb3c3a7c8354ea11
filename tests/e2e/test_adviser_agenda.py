"""In Chromium against `python wsgi.py`: an adviser books two people their structure follows at a
booth, reads what happened to each, cancels one interview from the structure's agenda with a reason,
and opens a person's agenda and the move page. axe-core checks each page; screenshots at 390 and
1280 px are left in test-artifacts/ to be looked at."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_an_adviser_books_cancels_and_reads_agendas(live_server, page, factory, session):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from tests.jobdating.helpers import open_range

    day = (utcnow() + dt.timedelta(days=10)).replace(hour=7, minute=0, second=0, microsecond=0)
    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-logistique", title="Job dating de la logistique",
                              starts_at=day, ends_at=day + dt.timedelta(hours=10))
    company = factory.organisation("company", "Entrepôts du Nord")
    recruiter = factory.member(company, email="rh@entrepots.example", full_name="Responsable RH")
    booth = factory.booth(edition, company)
    open_range(session, booth, recruiter, day.date(), "09:00", "11:00")
    mission = factory.organisation("partner", "Mission locale de Tourcoing", partner_type=PartnerType.mission_locale)
    adviser = factory.member(mission, email="conseil@tourcoing.example", full_name="Conseillère Emploi")
    colleague = factory.member(mission, email="collegue@tourcoing.example", full_name="Conseiller Jeunes")
    first = factory.user(email="premiere.personne@example.org", full_name="Première Personne")
    second = factory.user(email="seconde.personne@example.org", full_name="Seconde Personne")
    for who, person in ((adviser, first), (colleague, second)):
        session.add(Referral(adviser_id=who.id, partner_id=mission.id, candidate_id=person.id,
                             status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    first_id = first.id

    log_in(page, live_server, "conseil@tourcoing.example")
    page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}/interviews")
    page.get_by_role("link", name="Inscrire plusieurs personnes que je suis").click()
    page.wait_for_load_state()
    check_and_shoot(page, "adviser-book-several-form")
    page.get_by_label("Première Personne", exact=True).check()
    page.get_by_label("Seconde Personne", exact=True).check()
    page.get_by_label("Créneau pour Seconde Personne").select_option(index=3)
    page.get_by_role("button", name="Inscrire les personnes cochées").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Première Personne : inscrit·e à 09:00" in main  # the next free slot
    assert "Seconde Personne : inscrit·e à 09:40" in main  # the slot chosen for her
    check_and_shoot(page, "adviser-book-several-results")

    page.goto(f"{live_server}/adviser/interviews")
    assert "Seconde Personne" in page.inner_text("main")  # referred by the colleague: the structure follows her
    check_and_shoot(page, "adviser-structure-agenda")
    page.get_by_role("button", name="Annuler les entretiens choisis").click()
    page.wait_for_load_state()
    assert "Choisissez au moins un entretien." in page.inner_text("main")
    check_and_shoot(page, "adviser-structure-agenda-error")
    page.get_by_label("Choisir l’entretien de Seconde Personne", exact=False).check()
    page.get_by_label("Motif de l’annulation").fill("Elle commence une formation lundi")
    page.get_by_role("button", name="Annuler les entretiens choisis").click()
    page.wait_for_load_state()
    assert "Seconde Personne : l’entretien avec Entrepôts du Nord" in page.inner_text("main")

    page.goto(f"{live_server}/adviser/people/{first_id}/agenda")
    assert page.get_by_role("heading", name="Agenda de Première Personne", level=1).is_visible()
    check_and_shoot(page, "adviser-person-agenda")
    page.get_by_role("link", name="Déplacer").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Déplacer l’entretien de Première Personne", level=1).is_visible()
    check_and_shoot(page, "adviser-move")
    page.locator("input[name=slot_id]").last.check(force=True)
    page.get_by_role("button", name="Déplacer l’entretien").click()
    page.wait_for_load_state()
    assert "L’entretien de Première Personne a été déplacé à 10:40." in page.inner_text("main")
