"""Co-organisers: the lead organiser's members add another organiser organisation, whose members then
see and manage the edition everywhere the lead's do; a third organiser still gets 404."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, post_form
from tests.fairs.helpers import field_errors, page_text


def _links(session, edition_id):
    from fair.fairs.models import EditionOrganiser

    session.expire_all()
    return list(session.execute(select(EditionOrganiser.organisation_id)
                                .where(EditionOrganiser.edition_id == edition_id)).scalars())


def _audit(session, action):
    from fair.audit import AuditEntry

    return list(session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


def _as(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_a_co_organisers_member_manages_the_edition_and_a_third_organiser_gets_404(app, session, world, factory):
    agency = factory.organisation("organiser", name="Agence France Travail Lille")
    factory.member(agency, email="agency@example.org")
    third = factory.organisation("organiser", name="Troisième Ville")
    factory.member(third, email="third@example.org")
    edition_id = world.edition_f.id
    paths = [f"/console/editions/{edition_id}", f"/console/editions/{edition_id}/edit",
             f"/console/editions/{edition_id}/invitations", f"/console/editions/{edition_id}/interviews",
             f"/console/editions/{edition_id}/report", f"/console/editions/{edition_id}/bulk-invitations",
             f"/console/editions/{edition_id}/webinars", "/fairs/salon-f"]

    agency_client, lead, third_client = (_as(app, e) for e in ("agency@example.org", "organiser.f@example.org",
                                                                "third@example.org"))
    assert [agency_client.get(p).status_code for p in paths] == [404] * len(paths)

    client = lead
    page = client.get(f"/console/editions/{edition_id}").get_data(as_text=True)
    assert "Agence France Travail Lille" in page and "Métropole Emploi</option>" not in page
    response = post_form(client, f"/console/editions/{edition_id}/co-organisers", {"organisation_id": agency.id})
    assert response.status_code == 302
    assert _links(session, edition_id) == [agency.id]
    [entry] = _audit(session, "edition.co_organiser_add")
    assert entry.object_id == edition_id and entry.actor_email == "organiser.f@example.org"
    assert entry.details["co_organiser_id"] == agency.id

    assert [agency_client.get(p).status_code for p in paths] == [200] * len(paths)
    assert "Salon de la Métropole" in page_text(agency_client.get("/console/"))
    # A co-organiser manages the edition but does not choose the co-organisers.
    assert post_form(agency_client, f"/console/editions/{edition_id}/co-organisers",
                     {"organisation_id": third.id}, form_page=f"/console/editions/{edition_id}").status_code == 404

    assert [third_client.get(p).status_code for p in paths] == [404] * len(paths)

    link_id = _link_id(session, edition_id)
    response = post_form(client, f"/console/editions/{edition_id}/co-organisers/{link_id}/remove", {},
                         form_page=f"/console/editions/{edition_id}")
    assert response.status_code == 302
    assert _links(session, edition_id) == []
    assert len(_audit(session, "edition.co_organiser_remove")) == 1
    assert agency_client.get(f"/console/editions/{edition_id}").status_code == 404


def _link_id(session, edition_id):
    from fair.fairs.models import EditionOrganiser

    return session.execute(select(EditionOrganiser.id).where(EditionOrganiser.edition_id == edition_id)).scalar_one()


def test_only_an_active_organiser_other_than_the_lead_can_be_added(client, session, world, factory):
    closed = factory.organisation("organiser", name="Agence fermée", is_active=False)
    edition_id = world.edition_f.id
    login(client, "organiser.f@example.org")
    for chosen in (closed.id, world.organiser_f.id, world.company.id, 0, "abc"):
        response = post_form(client, f"/console/editions/{edition_id}/co-organisers", {"organisation_id": chosen})
        assert response.status_code == 422, chosen
        assert field_errors(response, "organisation_id") == [
            "Choisissez une organisation organisatrice active dans la liste."]
    assert _links(session, edition_id) == []
    assert _audit(session, "edition.co_organiser_add") == []
