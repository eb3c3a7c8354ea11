"""In Chromium against `python wsgi.py`: a page opens one Socket.IO connection, whatever the number
of live modules on it. A signed-in candidate on a live booth page (presence and queue, chat, and the
"starting soon" notice every signed-in page carries) makes one Engine.IO handshake, the queue answers
through it and the reminder worker's notice arrives through it; an anonymous visitor connects nowhere."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def is_handshake(url: str) -> bool:
    """The first request of an Engine.IO session (WebSocket or long-polling): it carries no `sid` yet.
    A WebSocket upgrade of a polling session, and every later poll, name their session's `sid`."""
    address = urlparse(url)
    return address.path.startswith("/socket.io/") and "sid" not in parse_qs(address.query)


def test_a_live_page_opens_one_connection_that_carries_the_queue_and_the_notice(live_server, page, browser,
                                                                                factory, session):
    from fair.calendar.agenda import schedule_entry
    from fair.calendar.jobs import send_notice
    from fair.db import utcnow
    from tests.live.conftest import make_person

    organiser = factory.organisation("organiser", "Métropole de Lille")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser, status="live", slug="salon-une-connexion", title="Salon en direct",
                              starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company = factory.organisation("company", "Transports Rapides")
    booth = factory.booth(edition, company)
    candidate = make_person(session, "une.connexion@example.org", "Inès Connexion")
    soon = utcnow() + dt.timedelta(minutes=5)
    entry = schedule_entry(session, user_id=candidate.id, edition_id=edition.id, kind="booking", ref_id=1,
                           starts_at=soon, ends_at=soon + dt.timedelta(minutes=20),
                           summary="Entretien avec Transports Rapides", description="", location="Stand 7",
                           join_url="https://visio.example.org/r/une")
    session.commit()

    log_in(page, live_server, "une.connexion@example.org")
    page.goto("about:blank")  # the page after logging in has its own connection: count from here
    handshakes: list[str] = []
    page.on("websocket", lambda ws: handshakes.append(ws.url) if is_handshake(ws.url) else None)
    page.on("request", lambda request: handshakes.append(request.url)
            if "transport=polling" in request.url and is_handshake(request.url) else None)

    page.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}")
    page.wait_for_selector("body[data-notices=connected]")
    # The booth's queue answers through the same connection.
    page.get_by_role("button", name="Rejoindre la file").click()
    page.locator("[data-queue-status]").filter(has_text="Vous êtes numéro 1 dans la file").wait_for()

    assert send_notice(entry.id, entry.starts_at.isoformat())
    notice = page.get_by_role("alert").filter(has_text="Ça commence bientôt")
    notice.wait_for()
    assert "Ça commence bientôt : Entretien avec Transports Rapides" in notice.inner_text()
    assert page.get_by_role("link", name="Rejoindre maintenant").get_attribute("href") == "https://visio.example.org/r/une"
    assert len(handshakes) == 1, handshakes
    assert not axe_violations(page), describe(axe_violations(page))

    # An anonymous visitor loads no Socket.IO client on a page without live parts (the notices are for
    # signed-in users), and opens no connection on the live booth page either.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    visitor.set_default_timeout(15_000)
    try:
        anonymous = visitor.new_page()
        requested: list[str] = []
        anonymous.on("request", lambda request: requested.append(request.url))
        anonymous.goto(f"{live_server}/")
        anonymous.wait_for_load_state("networkidle")
        assert not [url for url in requested if url.endswith(".js") or "/socket.io" in url], requested
        anonymous.goto(f"{live_server}/fairs/{edition.slug}/booths/{booth.id}")
        anonymous.locator("[data-live-booth]").wait_for()
        anonymous.wait_for_load_state("networkidle")
        assert not [url for url in requested if "/socket.io/" in url], requested
        assert anonymous.locator("#notice-words").count() == 0
    finally:
        visitor.close()
