"""The booth chat in Chromium against `python wsgi.py` (PostgreSQL), under the site's CSP: a link in a
message is clickable and opens a new tab, a typed `<script>` is shown as text and never runs, a new
message arrives live, a recruiter hides a message from the live desk and it leaves the candidate's
page; axe-core on the booth page and the desk with the chat; screenshots at 390×844 in French."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

from tests.conftest import Factory
from tests.e2e.conftest import ARTIFACTS, axe_violations, browser, describe  # noqa: F401 (fixture)
from tests.live.server import WebProcess, session_cookie

pytestmark = pytest.mark.e2e


@pytest.fixture
def database_url(postgresql_url) -> str:
    """Browser tests are slow: PostgreSQL, the production database, only."""
    return postgresql_url


@pytest.fixture(scope="module")
def server(postgresql_url, valkey, smtp, tmp_path_factory) -> Iterator[WebProcess]:
    with WebProcess(postgresql_url, valkey.url, mail_url=smtp.url,
                    log_path=tmp_path_factory.mktemp("chat-browser") / "server.log") as process:
        yield process


def _context(browser, app, server, user, *, bypass_csp: bool = False):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=bypass_csp)
    context.set_default_timeout(15_000)
    if user is not None:
        name, value = session_cookie(app, user).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return context


def _person(session, email: str, full_name: str, organisation=None):
    """A user without a password (the clients carry a signed session): no hashing cost per person."""
    return Factory(session).person(email, full_name, organisation, signed_in_only=True)


def test_the_chat_shows_links_and_never_runs_what_people_type(app, session, factory, server, browser):  # noqa: F811
    from fair.db import utcnow
    from fair.live.chat import ChatMessage, ChatRole

    organiser = factory.organisation("organiser", name="Métropole Emploi")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser, status="live", starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company = factory.organisation("company", name="Transports Rapides")
    booth = factory.booth(edition, company)
    karim = _person(session, "karim@example.org", "Karim Benali")
    organiser_user = _person(session, "orga@example.org", "Olivia Organisatrice", organiser)
    recruiter = _person(session, "ra@example.org", "Rachid Recruteur", company)
    session.add_all([
        ChatMessage(booth_id=booth.id, author_id=karim.id, role=ChatRole.candidate,
                    text="<script>document.title='piraté'</script><img src=x onerror=\"document.title='piraté'\">"),
        ChatMessage(booth_id=booth.id, author_id=recruiter.id, role=ChatRole.recruiter,
                    text="Toutes nos offres : https://emploi.example.org/offres?ville=lille&type=cdi"),
    ])
    session.commit()
    booth_path = f"/fairs/{edition.slug}/booths/{booth.id}"

    candidate_context = _context(browser, app, server, karim)
    recruiter_context = _context(browser, app, server, recruiter)
    try:
        candidate = candidate_context.new_page()
        candidate.goto(server.url + booth_path)
        chat = candidate.locator("[data-chat]")
        chat.get_by_role("heading", name="Questions et réponses").wait_for()
        link = chat.get_by_role("link", name="https://emploi.example.org/offres?ville=lille&type=cdi")
        assert link.get_attribute("href") == "https://emploi.example.org/offres?ville=lille&type=cdi"
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "nofollow noopener ugc"
        assert chat.get_by_text("Réponse du stand").count() == 1
        script_message = chat.locator(".chat-text", has_text="<script>")
        assert "<img src=x onerror=" in script_message.inner_text()
        assert chat.locator("script:not([type='application/json']), img").count() == 0
        assert candidate.title() != "piraté"

        # A message sent from the form arrives live, under the first name and initial.
        candidate.get_by_label("Votre message").fill("Bonjour, où se trouve le dépôt ? https://example.org/plan")
        candidate.get_by_role("button", name="Envoyer").click()
        mine = chat.locator(".chat-message", has_text="où se trouve le dépôt")
        mine.wait_for()
        assert "Karim B." in mine.inner_text() and "Benali" not in chat.inner_text()
        assert mine.get_by_role("link", name="https://example.org/plan").count() == 1

        # The recruiter hides the script message from the live desk; it leaves the candidate's page.
        desk = recruiter_context.new_page()
        desk.goto(f"{server.url}/live/booths/{booth.id}/desk")
        desk_chat = desk.locator("[data-chat]")
        desk_chat.locator(".chat-message", has_text="où se trouve le dépôt").wait_for()
        desk_chat.locator(".chat-message", has_text="<script>").get_by_role("button", name="Masquer").click()
        script_message.wait_for(state="detached")

        # Karim wrote on the chat: the recruiter writes to him privately, he answers.
        desk_chat.locator(".chat-message", has_text="où se trouve le dépôt").get_by_role(
            "button", name="Écrire en privé").click()
        desk.get_by_label("Votre réponse à Karim B.").fill("Au 12 rue du Port, entrée B.")
        desk.locator(".chat-thread").get_by_role("button", name="Envoyer").click()
        thread = candidate.locator(".chat-thread")
        thread.get_by_role("heading", name="Conversation privée avec Rachid Recruteur (Transports Rapides)").wait_for()
        thread.get_by_text("Au 12 rue du Port, entrée B.").wait_for()
        candidate.get_by_label("Votre réponse à Rachid Recruteur (Transports Rapides)").fill("Merci, à tout de suite !")
        thread.get_by_role("button", name="Envoyer").click()
        desk.locator(".chat-thread").get_by_text("Merci, à tout de suite !").wait_for()
        desk.screenshot(path=str(ARTIFACTS / "chat-desk-390.png"), full_page=True)
        candidate.screenshot(path=str(ARTIFACTS / "chat-booth-390.png"), full_page=True)
    finally:
        candidate_context.close()
        recruiter_context.close()

    # The fair's organiser moderates from the public booth page (no private chat: that is the recruiters').
    organiser_context = _context(browser, app, server, organiser_user, bypass_csp=True)
    try:
        page = organiser_context.new_page()
        page.goto(server.url + booth_path)
        chat = page.locator("[data-chat]")
        karims = chat.locator(".chat-message", has_text="où se trouve le dépôt")
        karims.get_by_role("button", name="Retirer la parole 15 minutes").click()
        chat.locator(".chat-mutes").get_by_text("Karim B.").wait_for()
        assert karims.get_by_role("button", name="Écrire en privé").count() == 0
        violations = axe_violations(page)
        assert not violations, describe(violations)
        chat.locator(".chat-mutes").get_by_role("button").click()
        chat.locator(".chat-mutes").get_by_text("Personne n'est privé de parole sur ce stand.").wait_for()
    finally:
        organiser_context.close()

    # A visitor who is not signed in reads the chat (from the page itself) and is invited to log in.
    visitor_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(server.url + booth_path)
        chat = visitor.locator("[data-chat]")
        assert chat.get_by_role("link", name="https://emploi.example.org/offres?ville=lille&type=cdi").count() == 1
        assert chat.get_by_text("<script>").count() == 0  # hidden by the recruiter
        assert chat.get_by_role("link", name="Connectez-vous pour poser une question").count() == 1
        assert chat.get_by_label("Votre message").count() == 0
    finally:
        visitor_context.close()

    # axe-core (injected, hence a context that lets the test inject it) on both pages with their chat.
    for user, path in ((karim, booth_path), (recruiter, f"/live/booths/{booth.id}/desk"), (None, booth_path)):
        context = _context(browser, app, server, user, bypass_csp=True)
        try:
            page = context.new_page()
            page.goto(server.url + path)
            page.locator("[data-chat] .chat-message").first.wait_for()
            violations = axe_violations(page)
            assert not violations, describe(violations)
        finally:
            context.close()


ARTIFACTS.mkdir(exist_ok=True)
