"""The privacy notice is worked out from the instance's real settings: every retention period in
force (the administrator changes one, the notice follows; an organiser's own period shows on its
fairs' notice only), the contact, the edition's own purposes, and the administrator's text after."""
from __future__ import annotations

import re

from tests.conftest import login, page_text, post_form
from tests.privacy.consent_world import world  # noqa: F401  (fixture used by name)


def _period(text: str, label_start: str) -> str:
    """The period shown on the row whose label starts with `label_start`."""
    match = re.search(re.escape(label_start) + r"[^0-9]*?(\d+ jours?|conservées)", text)
    assert match, f"no row {label_start!r} in {text[:2000]}"
    return match.group(1)


INSTANCE_FORM = {"name": "Emploi Métropole", "logo_url": "", "contact_email": "contact@example.org",
                 "legal_notice": "", "privacy_notice": "Notre DPO tient un registre des traitements.",
                 "accessibility_statement": "", "privacy_contact": ""}


def test_the_notice_lists_every_period_in_force_and_follows_the_admin(app, client, session, factory, world):
    from fair.audit import AuditEntry
    from fair.instance import forget

    text = page_text(client.get("/privacy"))
    assert _period(text, "Les candidatures non retenues") == "92 jours"
    assert _period(text, "Les profils du vivier") == "730 jours"
    assert _period(text, "Les comptes inutilisés") == "730 jours"
    assert _period(text, "Leurs titulaires sont prévenus") == "30 jours"
    assert _period(text, "Le texte des courriels") == "30 jours"
    assert _period(text, "La trace des consultations") == "365 jours"
    assert _period(text, "Les discussions des stands") == "30 jours"  # LIVE_CHAT_RETENTION_DAYS
    for words in ("Ce qui est gardé", "Pourquoi", "Qui peut les lire", "réclamation à la CNIL", "/account/export",
                  "/account/delete", "/account/consents"):
        assert words in text or words in client.get("/privacy").get_data(as_text=True)

    admin = factory.user(email="admin@example.org", is_admin=True)
    login(client, admin.email)
    refused = post_form(client, "/admin/instance", {**INSTANCE_FORM, "days_mail_bodies": "0"})
    assert refused.status_code == 422
    assert "Saisissez un nombre de jours entre 1 et 365." in page_text(refused)
    forget()
    assert _period(page_text(client.get("/privacy")), "Le texte des courriels") == "30 jours"  # nothing saved

    saved = post_form(client, "/admin/instance", {**INSTANCE_FORM, "days_mail_bodies": "14",
                                                  "privacy_contact": "dpo@example.org"})
    assert saved.status_code == 302
    forget()
    page = client.get("/privacy").get_data(as_text=True)
    text = page_text(client.get("/privacy"))
    assert _period(text, "Le texte des courriels") == "14 jours"
    assert _period(text, "Les candidatures non retenues") == "92 jours"
    assert 'href="mailto:dpo@example.org"' in page
    assert "Compléments de Emploi Métropole" in text and "Notre DPO tient un registre des traitements." in text
    entry = session.query(AuditEntry).filter_by(action="instance.update").one()
    assert set(entry.details["changed"]) >= {"retention", "privacy_contact"}


def test_an_organisers_own_period_shows_on_its_fairs_notice_only(app, client, session, factory, world):
    from fair.audit import AuditEntry

    login(client, world.owner.email)
    team = client.get(f"/organisations/{world.organiser.id}/team").get_data(as_text=True)
    assert f"/organisations/{world.organiser.id}/retention" in team
    form = client.get(f"/organisations/{world.organiser.id}/retention").get_data(as_text=True)
    assert 'name="days_application_after_edition"' in form and 'name="days_inactive_account"' not in form

    refused = post_form(client, f"/organisations/{world.organiser.id}/retention",
                        {"days_application_after_edition": "trois mois", "days_talent_pool_after_contact": ""})
    assert refused.status_code == 422 and "Saisissez un nombre de jours entre 1 et 730." in page_text(refused)
    saved = post_form(client, f"/organisations/{world.organiser.id}/retention",
                      {"days_application_after_edition": "45", "days_talent_pool_after_contact": ""})
    assert saved.status_code == 302
    assert session.query(AuditEntry).filter_by(action="organisation.retention").count() == 1

    edition_text = page_text(client.get(f"/privacy?edition={world.edition.slug}"))
    assert _period(edition_text, "Les candidatures non retenues") == "45 jours"
    assert "fixée par l’organisateur de ce salon" in edition_text
    assert _period(edition_text, "Les profils du vivier") == "730 jours"
    assert _period(page_text(client.get("/privacy")), "Les candidatures non retenues") == "92 jours"

    # Another organiser's fair keeps the instance's period; a member who is not an owner gets 404.
    other = factory.organisation("organiser", name="Autre organisateur")
    factory.edition(other, status="published", slug="autre-salon")
    assert _period(page_text(client.get("/privacy?edition=autre-salon")), "Les candidatures non retenues") == "92 jours"
    member = factory.member(world.organiser, email="member@example.org")
    colleague = app.test_client()
    login(colleague, member.email)
    assert colleague.get(f"/organisations/{world.organiser.id}/retention").status_code == 404
    assert client.get(f"/organisations/{other.id}/retention").status_code == 404


def test_an_editions_purposes_show_on_its_notice_and_its_page_links_to_it(app, client, session, world):
    world.edition.privacy_purposes = "Une enquête de satisfaction après le salon\n\nUn annuaire des participants"
    session.commit()
    text = page_text(client.get(f"/privacy?edition={world.edition.slug}"))
    assert "Finalités de « Rencontres pour l'emploi »" in text
    assert "Une enquête de satisfaction après le salon" in text and "Un annuaire des participants" in text
    assert "Une enquête de satisfaction" not in page_text(client.get("/privacy"))
    fair_page = client.get(f"/fairs/{world.edition.slug}").get_data(as_text=True)
    assert f"/privacy?edition={world.edition.slug}" in fair_page
    assert client.get("/privacy?edition=no-such-fair").status_code == 404


def test_the_edition_form_edits_the_purposes(app, client, session, world):
    from tests.fairs.helpers import VALID_EDITION

    login(client, world.owner.email)
    path = f"/console/editions/{world.edition.id}/edit"
    response = post_form(client, path, {**VALID_EDITION, "organiser_id": str(world.organiser.id),
                                        "privacy_purposes": "Une enquête après le salon"})
    assert response.status_code in (302, 303), page_text(response)[:500]
    assert response.headers["Location"].endswith(f"/console/editions/{world.edition.id}"), response.headers["Location"]
    from sqlalchemy import select

    from fair.fairs.models import Edition

    stored = session.execute(select(Edition.privacy_purposes).where(Edition.id == world.edition.id)).scalar_one()
    assert stored == "Une enquête après le salon"


def test_registration_links_to_the_notice_next_to_its_button(client):
    page = client.get("/register").get_data(as_text=True)
    form = page[page.index("<form"):page.index("</form>")]
    assert 'href="/privacy"' in form
    assert 'href="/privacy"' in page[page.index("</form>"):]  # and the footer keeps its link
