"""In Chromium against `python wsgi.py`: a candidate finds a fair's webinars, registers, asks a
question in the live Q&A that another registered candidate sees and votes for, live; the organiser
schedules one from the console (errors in French first). axe-core checks the list, the page with
its Q&A panel and the console form; screenshots of each at 390×844 are kept in test-artifacts/."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"webinars-{name}.png"), full_page=True)


def _checked(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_candidates_register_and_ask_questions_live(live_server, page, browser, factory, session):
    from fair.webinars.models import WebinarQuestion, WebinarRegistration
    from tests.webinars.conftest import make_webinar

    organiser = factory.organisation("organiser", "Métropole de Lille")
    factory.member(organiser, email="organisation@example.org", full_name="Équipe emploi")
    edition = factory.edition(organiser, slug="salon-webinaires", title="Salon de printemps",
                              starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc))
    make_webinar(session, edition, capacity=2)
    make_webinar(session, edition, capacity=50, title="Les métiers de l’aide à domicile",
                 starts_at=dt.datetime(2030, 3, 12, 13, 0, tzinfo=dt.timezone.utc))
    factory.user(email="samira@example.org", full_name="Samira Candidate")
    factory.user(email="yanis@example.org", full_name="Yanis Candidate")

    log_in(page, live_server, "samira@example.org")
    page.goto(f"{live_server}/fairs/{edition.slug}")
    page.get_by_role("link", name="Webinaires").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Webinaires", level=1).is_visible()
    assert "2 places restantes" in page.locator("main").inner_text()
    _checked(page)
    _shot(page, "list")

    page.get_by_role("link", name="Découvrir la logistique").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="M’inscrire").click()
    page.wait_for_load_state()
    assert "Votre place est confirmée. L’invitation arrive dans votre messagerie." in page.locator("main").inner_text()
    question_box = page.get_by_label("Votre question")
    page.locator("#qa[data-state=following]").wait_for()  # the panel follows the webinar's room
    assert page.get_by_text("Pas encore de question.").is_visible()
    _checked(page)

    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True).new_page()
    try:
        log_in(other, live_server, "yanis@example.org")
        other.goto(page.url)
        other.get_by_role("button", name="M’inscrire").click()
        other.wait_for_load_state()
        other.locator("#qa[data-state=following]").wait_for()

        question_box.fill("<b>Faut-il le permis ?</b>")
        page.get_by_role("button", name="Envoyer ma question").click()
        mine = page.locator("#qa-list li").first
        mine.wait_for()
        assert mine.locator(".qa-text").inner_text() == "<b>Faut-il le permis ?</b>"  # shown as text
        assert page.locator("#qa-list b").count() == 0

        theirs = other.locator("#qa-list li").first
        theirs.wait_for()  # arrived live through the room
        assert theirs.locator(".qa-text").inner_text() == "<b>Faut-il le permis ?</b>"
        theirs.get_by_role("button", name="Voter").click()
        page.locator("#qa-list li .meta", has_text="1 vote").wait_for()  # the asker sees the vote live
        _checked(page)
        _shot(page, "page-with-qa")
    finally:
        other.context.close()

    host = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True).new_page()
    try:
        log_in(host, live_server, "organisation@example.org")
        host.goto(page.url)
        host.locator("#qa[data-state=following]").wait_for()
        assert host.get_by_role("link", name="Ouvrir la salle du webinaire").is_visible()
        row = host.locator("#qa-list li").first
        row.get_by_role("button", name="Marquer comme répondue").click()
        page.locator("#qa-list li .meta", has_text="Répondue").wait_for()  # live on the candidate's page
        _checked(host)
        _shot(host, "page-host")
        host.locator("#qa-list li").first.get_by_role("button", name="Masquer").click()
        page.locator("#qa-list li").wait_for(state="detached")  # hidden for everyone, live
        assert page.get_by_text("Pas encore de question.").is_visible()
    finally:
        host.context.close()
    session.expire_all()
    assert session.query(WebinarRegistration).count() == 2
    [question] = session.query(WebinarQuestion).all()
    assert (question.text, question.answered, question.hidden) == ("<b>Faut-il le permis ?</b>", True, True)


def test_the_organiser_schedules_a_webinar_from_the_console(live_server, page, factory, session):
    from fair.webinars.models import Webinar

    organiser = factory.organisation("organiser", "Métropole de Lille")
    factory.member(organiser, email="organisation@example.org", full_name="Équipe emploi")
    edition = factory.edition(organiser, slug="salon-console", title="Salon de printemps",
                              starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc))
    log_in(page, live_server, "organisation@example.org")
    page.goto(f"{live_server}/console/editions/{edition.id}")
    page.get_by_role("link", name="Webinaires").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Programmer un webinaire").click()
    page.wait_for_load_state()
    _checked(page)
    page.get_by_role("button", name="Programmer le webinaire").click()
    page.wait_for_load_state()
    assert "Ce champ est obligatoire." in page.locator("main").inner_text()
    _checked(page)  # with its errors tied to their fields
    _shot(page, "console-form-errors")
    page.get_by_label("Titre").fill("Les métiers du transport")
    page.get_by_label("Intervenant ou intervenante").fill("Awa Diallo, cheffe d’équipe")
    page.get_by_label("Date").fill("2030-03-12")
    page.get_by_label("Heure de début").fill("14:30")
    page.get_by_role("button", name="Programmer le webinaire").click()
    page.wait_for_load_state()
    assert "Le webinaire est programmé." in page.locator("main").inner_text()
    _checked(page)
    _shot(page, "console-list")
    webinar = session.query(Webinar).one()
    assert webinar.starts_at == dt.datetime(2030, 3, 12, 13, 30, tzinfo=dt.timezone.utc)
