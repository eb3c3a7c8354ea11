"""In Chromium against `python wsgi.py`, the low-digital path of issue 17 (items 6 and 7).

An adviser opens a phone-only account and books an interview for the person, who agrees from the link
sent by SMS, signs in with the code sent by SMS (read from the SMS outbox row: that is the phone) and
finds the interview in their day. Then, in a live fair, the person asks a booth's company to call
them back and the recruiter's desk lists the request without a reload and records the call.
axe-core checks each page, at phone and desktop width.
Last, the person cancels the interview from the self-service link of the booking's SMS, without
signing in again.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.accounts.helpers import sms_code, sms_to
from tests.conftest import run_jobs
from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e

MOBILE = "+33698765432"


def test_an_adviser_opens_a_phone_only_account_and_the_person_signs_in_by_sms(live_server, page, browser,
                                                                              factory, session, app):
    from fair.accounts.models import PartnerType
    from fair.jobdating.models import Booking
    from tests.jobdating.helpers import open_range

    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-sms", title="Job dating logistique",
                              starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc))
    company = factory.organisation("company", "Transports Rapides")
    recruiter = factory.member(company, email="recrutement@example.org", full_name="Responsable recrutement")
    booth = factory.booth(edition, company)
    open_range(session, booth, recruiter, dt.date(2030, 3, 12), "09:00", "10:00")
    session.commit()
    partner = factory.organisation("partner", "Mission locale de Lille", partner_type=PartnerType.mission_locale)
    factory.member(partner, email="conseil@example.org", full_name="Conseillère Mission locale")

    log_in(page, live_server, "conseil@example.org")
    page.goto(f"{live_server}/adviser/referrals/new")
    page.get_by_label("Prénom et nom du candidat").fill("Awa Diallo")
    page.get_by_label("Ou, pour une personne sans e-mail, son numéro de mobile").fill("01 42 68 53 00")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()
    assert "Ce numéro ne peut pas recevoir de SMS" in page.locator("main").inner_text()
    check_and_shoot(page, "phone-referral-refused")
    page.get_by_label("Ou, pour une personne sans e-mail, son numéro de mobile").fill("06 98 76 54 32")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()
    assert "nous avons envoyé par SMS au 06 98 76 54 32" in page.locator("main").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True).new_page()
    try:
        [invitation] = sms_to(session, MOBILE)
        phone.goto(live_server + re.search(r"https?://[^/\s]+(/referrals/confirm/\S+)", invitation).group(1))
        phone.get_by_role("button", name="J'accepte").click()
        phone.wait_for_load_state()
        phone.get_by_role("link", name="Se connecter avec un code par SMS").click()
        phone.wait_for_load_state()

        # The adviser books while the person signs in.
        page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}/interviews")
        page.get_by_label("Candidat pour qui vous réservez").select_option(label="Awa Diallo")
        page.get_by_label("09:20").check()
        page.get_by_role("button", name="Réserver ce créneau").click()
        page.wait_for_load_state()

        check_and_shoot(phone, "phone-login")
        phone.get_by_label("Numéro de mobile").fill("06 98 76 54 32")
        phone.get_by_role("button", name="M’envoyer un code").click()
        phone.wait_for_load_state()
        check_and_shoot(phone, "phone-login-code")
        code = sms_code(session, MOBILE)
        phone.get_by_label("Code reçu par SMS").fill(code)
        phone.get_by_role("button", name="Se connecter").click()
        phone.wait_for_load_state()
        phone.goto(f"{live_server}/interviews/my-day")
        day = phone.locator("main").inner_text()
        assert "09:20 – 09:40" in day and "Transports Rapides" in day
        check_and_shoot(phone, "phone-my-day")
        phone.goto(f"{live_server}/account")
        assert "06 98 76 54 32" in phone.locator("main").inner_text()
        check_and_shoot(phone, "phone-account")

        # The worker's part (no worker runs beside this server): the booking's text with its link.
        run_jobs(app)
        booked = next(text for text in reversed(sms_to(session, MOBILE)) if "/r/" in text)
        assert booked.startswith("RDV pris : entretien avec Transports Rapides"), booked
        phone.context.clear_cookies()  # a link from a text works without being signed in
        phone.goto(live_server + re.search(r"https?://[^/\s]+(/r/\S+)", booked).group(1))
        assert "Transports Rapides" in phone.locator("main").inner_text()
        check_and_shoot(phone, "phone-self-service")
        phone.get_by_role("button", name="Annuler mon entretien").click()
        phone.wait_for_load_state()
        assert phone.get_by_role("heading", name="Votre entretien est annulé").is_visible()
        check_and_shoot(phone, "phone-self-service-cancelled")
        session.expire_all()
        assert [b.status.value for b in session.query(Booking).all()] == ["cancelled"]
    finally:
        phone.context.close()


def test_a_person_asks_to_be_called_back_and_the_desk_records_the_call(live_server, page, browser, factory):
    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.live_edition(organiser, slug="salon-rappel", title="Salon en direct")
    company = factory.organisation("company", "Boulangerie du Nord")
    recruiter = factory.member(company, email="boulangerie@example.org", full_name="Recruteuse Boulangerie")
    booth = factory.booth(edition, company)
    factory.user(email="samira@example.org", full_name="Samira Candidate")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", bypass_csp=True).new_page()
    try:
        log_in(desk, live_server, recruiter.email)
        desk.goto(f"{live_server}/live/booths/{booth.id}/desk")
        desk.wait_for_function("() => !document.querySelector('[data-offline]') || "
                               "document.querySelector('[data-offline]').hidden")
        assert "Aucune demande de rappel." in desk.locator("[data-callbacks]").inner_text()

        log_in(page, live_server, "samira@example.org")
        page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}")
        page.get_by_role("link", name="Demander à être rappelé·e").click()
        page.wait_for_load_state()
        check_and_shoot(page, "callback-request")
        page.get_by_label("Numéro de mobile à appeler").fill("06 12 34 56 78")
        page.get_by_label("J’accepte que Boulangerie du Nord reçoive mon numéro").check()
        page.get_by_role("button", name="Demander à être rappelé·e").click()
        page.wait_for_load_state()
        assert "En attente d’un appel" in page.locator("main").inner_text()
        check_and_shoot(page, "callback-waiting")

        # The desk's list follows without a reload.
        desk.locator("[data-callbacks]", has_text="06 12 34 56 78").wait_for()
        assert "Samira Candidate" in desk.locator("[data-callbacks]").inner_text()
        check_and_shoot(desk, "callback-desk")
        desk.get_by_label("Résultat de l’appel").select_option("reached")
        desk.get_by_label("Note (seuls vos collègues la voient)").fill("Rendez-vous jeudi")
        desk.get_by_role("button", name="Enregistrer le résultat").click()
        desk.wait_for_load_state()
        assert "Le résultat de l’appel est enregistré." in desk.locator("main").inner_text()
        page.reload()
        assert "Votre dernière demande\u00a0: Joint." in page.locator("main").inner_text()
    finally:
        desk.context.close()
