"""In Chromium against `python wsgi.py`: a candidate who is second in a booth's queue sees their
place become the first when a recruiter, in another browser, calls the person ahead; then their own
turn comes and accepting takes them to the call room; the booth's card on the fair page follows live.
axe-core checks the booth page with the queue,
the recruiter's desk and the organiser's dashboard; each page is kept as a phone-sized screenshot."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def _context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"live-{name}.png"), full_page=True)


def test_the_second_in_line_moves_up_when_the_recruiter_calls_the_person_ahead(live_server, page, browser,
                                                                                  factory, session):
    from fair.db import utcnow
    from fair.live import services
    from tests.live.conftest import make_person

    organiser_org = factory.organisation("organiser", "Métropole de Lille")
    organiser = make_person(session, "organisation@example.org", "Équipe salon", organiser_org)
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", slug="salon-direct", title="Salon de l'emploi en direct",
                              starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company = factory.organisation("company", "Transports Rapides")
    make_person(session, "recrutement@example.org", "Responsable recrutement", company)
    booth = factory.booth(edition, company)
    first = make_person(session, "premier@example.org", "Karim Premier")
    make_person(session, "seconde@example.org", "Samira Seconde")
    services.join(session, booth, first, utcnow())
    session.commit()

    # the candidate, second in line
    log_in(page, live_server, "seconde@example.org")
    page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}")
    status = page.locator("[data-queue-status]")
    page.get_by_role("button", name="Rejoindre la file").click()
    status.filter(has_text="Vous êtes numéro 2 dans la file").wait_for()
    assert page.get_by_role("button", name="Quitter la file").is_visible()
    assert "1 personne en attente" in page.locator("[data-presence]").inner_text() or \
        "2 personnes en attente" in page.locator("[data-presence]").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    _shot(page, "booth-page")

    # the fair page, in another tab: the booth's card follows the booth live
    fair_tab = page.context.new_page()
    fair_tab.goto(f"{live_server}/fairs/{edition.slug}")
    card = fair_tab.locator(f'[data-presence-booth="{booth.id}"]')
    card.filter(has_text="0 recruteur disponible · 2 personnes en attente").wait_for()

    # the recruiter, in another browser
    recruiter = _context(browser)
    desk = recruiter.new_page()
    try:
        log_in(desk, live_server, "recrutement@example.org")
        desk.goto(f"{live_server}/live/booths/{booth.id}/desk")
        desk.locator("[data-queue-list]").filter(has_text="Samira Seconde").wait_for()
        desk.get_by_label("Je suis disponible pour parler avec des candidats").check()
        page.locator("[data-presence]").filter(has_text="1 recruteur disponible").wait_for()
        card.filter(has_text="1 recruteur disponible · 2 personnes en attente · environ 10 min").wait_for()
        fair_tab.close()
        desk.get_by_role("button", name="Appeler la personne suivante").click()
        desk.locator("[data-desk-message]").filter(has_text="Karim Premier").wait_for()

        # the candidate sees their place change without reloading
        status.filter(has_text="Vous êtes numéro 1 dans la file").wait_for()
        violations = axe_violations(desk)
        assert not violations, describe(violations)
        _shot(desk, "desk")

        # their own turn: accepting opens the call room
        desk.get_by_role("button", name="Appeler la personne suivante").click()
        page.get_by_role("button", name="Accepter l'appel").wait_for()
        assert "C'est votre tour" in page.locator("[data-turn]").inner_text()
        _shot(page, "booth-your-turn")
        page.get_by_role("button", name="Accepter l'appel").click()
        page.wait_for_url("**/call/**", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Entretien avec Transports Rapides").wait_for()
        # This browser has no camera or microphone: the page still finishes loading. (Its own video
        # used to get an empty stream, which holds a page's `load` event for ever when it comes first.)
        page.wait_for_load_state("load", timeout=10_000)
        desk.locator("[data-call-list]").filter(has_text="Samira Seconde").wait_for()
    finally:
        recruiter.close()

    # the organiser's dashboard
    organiser_context = _context(browser)
    board = organiser_context.new_page()
    try:
        log_in(board, live_server, organiser.email)
        board.goto(f"{live_server}/console/editions/{edition.id}/live")
        board.locator('[data-figure="calls"]').filter(has_text="1").wait_for()
        board.get_by_label("Annonce").fill("Les stands ferment à 17 h.")
        board.get_by_role("button", name="Envoyer l'annonce").click()
        board.locator("[data-announcements]").filter(has_text="Les stands ferment à 17 h.").wait_for()
        violations = axe_violations(board)
        assert not violations, describe(violations)
        _shot(board, "dashboard")
    finally:
        organiser_context.close()

    # the fair page shows the booth's figures and the announcement
    page.goto(f"{live_server}/fairs/{edition.slug}")
    page.locator("[data-announcements]").filter(has_text="Les stands ferment à 17 h.").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    _shot(page, "fair-page")


def test_a_page_says_it_is_offline_and_shows_the_current_place_after_the_server_restarts(app, browser, factory,
                                                                                        session, valkey, tmp_path):
    """The queue is in the database: a restarted web process knows it, and the page that reconnects
    asks for the state as it is now (the person ahead left meanwhile), not for a replay."""
    from flask import current_app

    from fair.db import utcnow
    from fair.live import services
    from fair.redis_conn import redis_for
    from tests.live.conftest import make_person
    from tests.live.server import WebProcess, session_cookie
    from tests.servers import wait_until

    organiser_org = factory.organisation("organiser", "Métropole de Lille")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", slug="salon-reprise", title="Salon en direct",
                              starts_at=start, ends_at=start + dt.timedelta(hours=8))
    booth = factory.booth(edition, factory.organisation("company", "Transports Rapides"))
    ahead = make_person(session, "devant@example.org", "Karim Devant")
    me = make_person(session, "moi@example.org", "Samira Moi")
    services.join(session, booth, ahead, utcnow())
    services.join(session, booth, me, utcnow())
    session.commit()
    url = current_app.config["DATABASE_URL"]

    web = WebProcess(url, valkey.url, log_path=tmp_path / "first.log").start()
    context = _context(browser)
    try:
        context.add_cookies([{"name": "session", "value": session_cookie(app, me).split("=", 1)[1], "url": web.url}])
        page = context.new_page()
        page.goto(f"{web.url}/fairs/{edition.slug}/booths/{booth.id}")
        status = page.locator("[data-queue-status]")
        status.filter(has_text="Vous êtes numéro 2 dans la file").wait_for()
        offline = page.locator(".live-booth [data-offline]")
        assert offline.is_hidden()
        # That text comes with the HTML: wait until the page's socket is connected (the server records
        # it in Redis), or a server stopped before it would leave nothing to lose.
        sockets = redis_for(valkey.url)
        wait_until(lambda: sockets.scard(f"fair:sockets:user:{me.id}") > 0, 30, "the page's socket connected")

        web.stop()
        offline.wait_for(state="visible", timeout=30_000)
        assert "hors ligne" in offline.inner_text()
        services.leave(session, booth.id, ahead.id, utcnow())  # meanwhile, the person ahead leaves
        session.commit()

        web = WebProcess(url, valkey.url, log_path=tmp_path / "second.log", port=web.port).start()
        status.filter(has_text="Vous êtes numéro 1 dans la file").wait_for(timeout=30_000)
        offline.wait_for(state="hidden")
    finally:
        context.close()
        web.stop()
