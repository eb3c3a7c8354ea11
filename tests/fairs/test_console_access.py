"""Who may use the console: organisers only, and only for the editions of their own organisation."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token, login
from tests.fairs.helpers import VALID_EDITION, count, page_text


def _pages_of(edition_id: int, invitation_id: int) -> list[tuple[str, str]]:
    base = f"/console/editions/{edition_id}"
    return [
        ("GET", base),
        ("GET", f"{base}?page=2"),
        ("GET", f"{base}/edit"),
        ("POST", f"{base}/edit"),
        ("POST", f"{base}/status"),
        ("GET", f"{base}/invitations"),
        ("POST", f"{base}/invitations"),
        ("POST", f"{base}/invitations/{invitation_id}/resend"),
    ]


def _invitation(session, edition):
    import datetime as dt

    from fair.db import utcnow
    from fair.fairs.models import Invitation, InvitationKind

    invitation = Invitation(edition_id=edition.id, kind=InvitationKind.company, email="rh@example.org",
                            organisation_name="Transports Rapides", expires_at=utcnow() + dt.timedelta(days=3))
    session.add(invitation)
    session.commit()
    return invitation


def test_an_organiser_of_another_organisation_gets_404_everywhere_and_changes_nothing(client, session, world):
    from fair.fairs.models import Edition, EditionStatus, Invitation

    invitation = _invitation(session, world.edition_f)
    login(client, "organiser.g@example.org")
    token = csrf_token(client, "/console/editions/new")
    posted = {
        "csrf_token": token, "status": "published", "kind": "company", "email": "intrus@example.org",
        "organisation_name": "Entreprise intruse", **{k: v for k, v in VALID_EDITION.items() if k != "slug"},
        "slug": "pris-par-g",
    }
    for method, path in _pages_of(world.edition_f.id, invitation.id):
        response = client.get(path) if method == "GET" else client.post(path, data=posted)
        assert response.status_code == 404, (method, path)
        assert "Page introuvable" in page_text(response)
    session.expire_all()
    edition = session.get(Edition, world.edition_f.id)
    assert edition.status == EditionStatus.draft and edition.slug == "salon-f"
    assert count(session, Invitation) == 1
    listing = page_text(client.get("/console/"))
    assert "Salon de la Ville" in listing and "Salon de la Métropole" not in listing


def test_an_invitation_of_another_edition_is_not_found_through_mine(client, session, world):
    invitation = _invitation(session, world.edition_g)
    login(client, "organiser.f@example.org")
    path = f"/console/editions/{world.edition_f.id}/invitations/{invitation.id}/resend"
    token = csrf_token(client, f"/console/editions/{world.edition_f.id}/invitations")
    assert client.post(path, data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("email", ["candidate@example.org", "recruiter@example.org"])
def test_candidates_and_recruiters_get_404_on_console_pages(client, world, recruiter, candidate, email):
    login(client, email)
    edition_id = world.edition_f.id
    for path in ("/console/", "/console/editions/new", f"/console/editions/{edition_id}",
                 f"/console/editions/{edition_id}/edit", f"/console/editions/{edition_id}/invitations"):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/account")
    assert client.post(f"/console/editions/{edition_id}/status",
                       data={"csrf_token": token, "status": "published"}).status_code == 404
    assert "Espace organisateur" not in page_text(client.get("/"))


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for path in ("/console/", "/console/editions/new", f"/console/editions/{world.edition_f.id}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_an_organiser_of_two_organisations_chooses_which_one_organises(client, session, world, factory):
    from sqlalchemy import select

    from fair.accounts.models import Membership
    from fair.fairs.models import Edition
    from tests.conftest import post_form

    session.add(Membership(user_id=world.person_f.id, organisation_id=world.organiser_g.id))
    session.commit()
    login(client, "organiser.f@example.org")
    form = client.get("/console/editions/new").get_data(as_text=True)
    assert "Ville Voisine" in form and "Métropole Emploi" in form
    response = post_form(client, "/console/editions/new",
                         dict(VALID_EDITION, organiser_id=str(world.organiser_g.id)))
    assert response.status_code == 302
    session.expire_all()
    edition = session.execute(select(Edition).where(Edition.slug == VALID_EDITION["slug"])).scalar_one()
    assert edition.organiser_id == world.organiser_g.id

    other = factory.organisation("organiser", name="Organisation inconnue")
    response = post_form(client, "/console/editions/new",
                         dict(VALID_EDITION, slug="autre", organiser_id=str(other.id)))
    assert response.status_code == 422
    assert "Choisissez une de vos organisations." in page_text(response)
    assert count(session, Edition, Edition.organiser_id == other.id) == 0


def test_the_edition_page_leads_to_its_other_pages(client, world):
    """Pages reachable only by typing their address do not exist for an organiser."""
    login(client, "organiser.f@example.org")
    base = f"/console/editions/{world.edition_f.id}"
    body = client.get(base).get_data(as_text=True)
    for path, heading in ((f"{base}/interviews", "Entretiens : taux de remplissage par stand et par heure"),
                          (f"{base}/report", "Rapport : de l’inscription à l’emploi, par public, entreprise"),
                          (f"{base}/bulk-invitations", "Inviter des candidats à partir d'une liste (CSV)"),
                          (f"{base}/reminders", "Rappels avant les rendez-vous"),
                          (f"{base}/mail", "Courriels non distribués")):
        assert f'href="{path}"' in body
        assert heading in body
        assert client.get(path).status_code == 200
