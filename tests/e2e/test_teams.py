"""The team page and a team invitation in Chromium: no WCAG A/AA violation found by axe-core, on a
phone and on a desktop; screenshots of the team page are kept in test-artifacts/ to look at."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def test_the_team_page_and_the_invitation_page_pass_axe(live_server, page, factory, session, app):
    from fair.accounts.models import JoinRequest, MembershipRole
    from fair.teams.services import invite

    company = factory.organisation("company", "Transports Rapides du Nord")
    owner = factory.member(company, email="olivia.owner@example.org", full_name="Olivia Propriétaire",
                           role="owner")
    factory.member(company, email="marc.membre@example.org", full_name="Marc Membre")
    joiner = factory.user(email="jade.demande@example.org", full_name="Jade Demande")
    session.add(JoinRequest(organisation_id=company.id, user_id=joiner.id))
    with app.test_request_context():
        invite(session, company, "camille.collegue@example.org", role=MembershipRole.member, invited_by=owner)
        session.commit()

    log_in(page, live_server, "olivia.owner@example.org")
    page.goto(f"{live_server}/organisations/{company.id}/team")
    assert page.get_by_role("heading", name="Inviter un collègue").is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "team-page-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    assert not axe_violations(page), describe(axe_violations(page))
    page.screenshot(path=str(ARTIFACTS / "team-page-1280.png"), full_page=True)

    # An invalid address: the message beside the field, and still no violation.
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert "Indiquez une adresse e-mail valide" in page.locator("#email-errors").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))


def test_the_invitation_page_passes_axe(live_server, page, factory, session, app):
    import datetime as dt

    from fair.accounts.models import TeamInvitation
    from fair.db import utcnow
    from fair.security import new_token

    company = factory.organisation("company", "Transports Rapides du Nord")
    token, token_hash = new_token()
    session.add(TeamInvitation(organisation_id=company.id, email="camille@example.org", token_hash=token_hash,
                               expires_at=utcnow() + dt.timedelta(days=14)))
    session.commit()
    page.goto(f"{live_server}/team-invitations/{token}")
    assert page.get_by_role("link", name="Créer un compte pour accepter").is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    factory.user(email="autre@example.org")
    log_in(page, live_server, "autre@example.org")
    page.goto(f"{live_server}/team-invitations/{token}")
    assert "Seule la personne à qui elle a été envoyée" in page.locator("[role=alert]").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))
