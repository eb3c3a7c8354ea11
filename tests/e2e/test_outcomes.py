"""In Chromium against `python wsgi.py`: a recruiter records a hire from the interview day, then a
training cohort; the hired person answers the follow-up from a phone without signing in; the adviser
reads the answer on the person's page. axe-core checks each page; screenshots at 390 and 1280 px are
left in test-artifacts/ to be looked at."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_a_hire_is_recorded_and_its_follow_up_answered_from_a_phone(live_server, page, browser, factory, session):
    from fair import links
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance, Booking, Outcome
    from fair.outcomes.models import FollowUp
    from tests.jobdating.helpers import open_range

    yesterday = (utcnow() - dt.timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-btp", title="Job dating du bâtiment", status="closed",
                              starts_at=yesterday, ends_at=yesterday + dt.timedelta(hours=10))
    company = factory.organisation("company", "Bâtiments du Nord")
    recruiter = factory.member(company, email="rh@batiments.example", full_name="Responsable RH")
    booth = factory.booth(edition, company)
    samira = factory.user(email="samira.hired@example.org", full_name="Samira Benali")
    mission = factory.organisation("partner", "Mission locale de Roubaix", partner_type=PartnerType.association)
    adviser = factory.member(mission, email="conseil@mission.example", full_name="Awa Diallo")
    slot = open_range(session, booth, recruiter, yesterday.date(), "09:00", "09:30").slots[0]
    referral = Referral(adviser_id=adviser.id, partner_id=mission.id, candidate_id=samira.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add_all([referral, Booking(slot_id=slot.id, booth_id=booth.id, edition_id=edition.id,
                                       candidate_id=samira.id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                                       attendance=Attendance.attended, outcome=Outcome.hired)])
    session.commit()

    log_in(page, live_server, "rh@batiments.example")
    page.goto(f"{live_server}/recruiter/interviews?day={yesterday.date().isoformat()}")
    page.get_by_role("link", name="Contrat et début de l’embauche").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Enregistrer une embauche", level=1).is_visible()
    page.get_by_label("Contrat").select_option("cdd_long")
    page.get_by_label("Intitulé du poste").fill("Maçonne coffreuse")
    page.get_by_label("Date de début").fill((utcnow() + dt.timedelta(days=7)).date().isoformat())
    page.get_by_label("Heures par semaine").fill("60")
    page.get_by_label("Le poste compte au titre d’une clause sociale").check()
    page.get_by_role("button", name="Enregistrer l’embauche").click()
    page.wait_for_load_state()
    assert "Entre 1 et 48 heures par semaine." in page.inner_text("main")
    check_and_shoot(page, "outcomes-hire-form")
    page.get_by_label("Heures par semaine").fill("35")
    page.get_by_label("Quel marché public").fill("Rénovation du collège Jean-Macé, lot 2")
    page.get_by_role("button", name="Enregistrer l’embauche").click()
    page.wait_for_load_state()
    assert "L’embauche est enregistrée." in page.inner_text("main")

    page.goto(f"{live_server}/cohorts")
    page.get_by_label("Nom de la promotion").fill("POEC coffreurs")
    page.get_by_label("Premier jour").fill("2027-01-04")
    page.get_by_label("Dernier jour").fill("2027-02-26")
    page.get_by_role("button", name="Créer la promotion").click()
    page.wait_for_load_state()
    page.get_by_label("Adresse e-mail du stagiaire").fill("samira.hired@example.org")
    page.get_by_role("button", name="Ajouter le stagiaire").click()
    page.wait_for_load_state()
    assert "Samira Benali est stagiaire de cette promotion." in page.inner_text("main")
    check_and_shoot(page, "outcomes-cohort")

    session.expire_all()
    follow_up = session.query(FollowUp).filter_by(months=0).one()
    token = links.issue(session, "follow_up", user_id=samira.id, ttl=dt.timedelta(days=30),
                        subject_type="follow_up", subject_id=follow_up.id, max_uses=5)
    session.commit()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    person = phone.new_page()
    person.goto(f"{live_server}/follow-up/{token}/other")  # the tap in the mail; nobody is signed in
    assert person.get_by_label("Oui, un autre contrat").is_checked()
    check_and_shoot(person, "outcomes-follow-up")
    person.get_by_label("Quel contrat avez-vous maintenant ?").select_option("cdi")
    person.get_by_role("button", name="Enregistrer ma réponse").click()
    person.wait_for_load_state()
    assert "Merci : votre réponse est enregistrée" in person.inner_text("main")
    phone.close()

    page.context.clear_cookies()
    log_in(page, live_server, "conseil@mission.example")
    page.goto(f"{live_server}/adviser/")
    page.get_by_role("link", name="Sorties et suivi").click()
    page.wait_for_load_state()
    assert "Oui, un autre contrat" in page.inner_text("main")
    check_and_shoot(page, "outcomes-adviser-person")
