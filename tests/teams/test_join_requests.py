"""Edition invitations are bound to their address, and putting a person into a company that already
has owners waits for one of them: the hole where an organiser invited themself into a company of
their edition and read its applications."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import count, login, page_text, post_form, run_jobs
from tests.fairs.helpers import mail_link, normalise
from tests.teams.conftest import audit_actions, logout


def _edition_invite(client, edition_id, email, **data):
    return post_form(client, f"/console/editions/{edition_id}/invitations",
                     {"kind": "company", "organisation_id": "0", "partner_type": "", "organisation_name": "",
                      "email": email, **data})


def _rows(session):
    from fair.accounts.models import JoinRequest, Membership, Organisation
    from fair.companies.models import Booth

    return {model.__name__: count(session, model) for model in (Organisation, Membership, Booth, JoinRequest)}


def _setup(factory, team, booth=True):
    organiser = factory.organisation("organiser", name="Métropole Emploi")
    factory.member(organiser, email="organiser@metropole.example", full_name="Orla Organiser")
    edition = factory.edition(organiser, slug="salon", title="Salon de la Métropole",
                              starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc))
    booth_id = factory.booth(edition, team.company).id if booth else None
    if not booth:  # the company takes part in another edition of this organiser, so it can be chosen
        factory.booth(factory.edition(organiser, slug="salon-2"), team.company)
    return edition.id, booth_id


def test_an_organiser_inviting_themself_into_an_existing_company_gets_nothing_until_an_owner_approves(
        app, client, session, team, factory, smtp):
    from fair.accounts.models import JoinRequest, JoinRequestStatus, Membership, MembershipRole, User

    edition_id, booth_id = _setup(factory, team)
    login(client, "organiser@metropole.example")
    assert _edition_invite(client, edition_id, "organiser@metropole.example",
                           organisation_id=str(team.company_id)).status_code == 302
    run_jobs(app)
    link = mail_link(smtp.wait_for("organiser@metropole.example")[0], "/invitations/")
    applications = f"/recruiter/booths/{booth_id}/applications"
    assert client.get(applications).status_code == 404
    before = _rows(session)
    response = post_form(client, link, {})
    assert response.status_code == 302
    assert "attend l'accord de l'un de ses responsables" in page_text(client.get(response.headers["Location"]))
    assert _rows(session) == dict(before, JoinRequest=before["JoinRequest"] + 1)  # no membership, no booth
    join_request = session.execute(select(JoinRequest)).scalar_one()
    assert join_request.status == JoinRequestStatus.pending and join_request.invitation_id is not None
    assert join_request.requested_by_id is not None
    assert client.get(applications).status_code == 404
    assert client.get(team.path).status_code == 404
    # Opening the link again says the request waits, not that the person is a member.
    again = client.get(link)
    assert again.status_code == 410
    assert "votre demande pour la rejoindre attend" in page_text(again)
    assert "vous êtes membre" not in page_text(again)

    # The owner is told by mail and approves on the team page.
    run_jobs(app)
    [message] = smtp.wait_for("owner@transports.example")
    assert "Orla Organiser a invité Orla Organiser (organiser@metropole.example) dans Transports Rapides" in \
        normalise(message.get_body(("plain",)).get_content())
    logout(client)
    login(client, "owner@transports.example")
    text = page_text(client.get(team.path))
    assert "En attente de votre accord (1)" in text and "organiser@metropole.example" in text
    response = post_form(client, f"{team.path}/join-requests/{join_request.id}/approve", {}, form_page=team.path)
    assert response.status_code == 302
    after = _rows(session)
    assert after["Membership"] == before["Membership"] + 1 and after["Booth"] == before["Booth"]
    logout(client)
    login(client, "organiser@metropole.example")
    assert client.get(applications).status_code == 200
    session.expire_all()
    assert session.get(JoinRequest, join_request.id).status == JoinRequestStatus.approved
    role = session.execute(select(Membership.role).join(User, User.id == Membership.user_id)
                           .where(User.email == "organiser@metropole.example",
                                  Membership.organisation_id == team.company_id)).scalar_one()
    assert role == MembershipRole.member
    assert audit_actions(session, team.company_id) == ["team.join_request", "team.join_approve"]


def test_approval_brings_the_booth_the_invitation_named_and_refusal_brings_nothing(app, client, session, team,
                                                                                  factory, smtp):
    from fair.accounts.models import JoinRequest, JoinRequestStatus
    from fair.companies.models import Booth

    edition_id, _ = _setup(factory, team, booth=False)
    factory.user(email="newcomer@example.org", full_name="Nina Newcomer")
    factory.user(email="second@example.org", full_name="Sam Second")
    from fair.db import utcnow
    from fair.fairs.models import Invitation, InvitationKind
    from fair.fairs.services import invitation_token

    for email in ("newcomer@example.org", "second@example.org"):
        session.add(Invitation(edition_id=edition_id, kind=InvitationKind.company, email=email,
                               organisation_name="Transports Rapides", organisation_id=team.company_id,
                               expires_at=utcnow() + dt.timedelta(days=3)))
    session.commit()
    tokens = {i.email: invitation_token(i.id) for i in session.execute(select(Invitation)).scalars()}
    for email in tokens:
        login(client, email)
        assert post_form(client, f"/invitations/{tokens[email]}", {}).status_code == 302
        logout(client)
    assert count(session, Booth, Booth.edition_id == edition_id) == 0
    requests = {r.user.email: r.id for r in session.execute(select(JoinRequest)).scalars()}
    login(client, "owner@transports.example")
    post_form(client, f"{team.path}/join-requests/{requests['second@example.org']}/refuse", {}, form_page=team.path)
    assert count(session, Booth, Booth.edition_id == edition_id) == 0
    post_form(client, f"{team.path}/join-requests/{requests['newcomer@example.org']}/approve", {},
              form_page=team.path)
    assert count(session, Booth, Booth.edition_id == edition_id, Booth.company_id == team.company_id) == 1
    session.expire_all()
    assert session.get(JoinRequest, requests["second@example.org"]).status == JoinRequestStatus.refused
    # An answered request can't be answered again.
    response = post_form(client, f"{team.path}/join-requests/{requests['second@example.org']}/approve", {},
                         form_page=team.path)
    assert response.status_code == 404
    text = page_text(client.get(team.path))
    assert "Nina Newcomer" in text and "Sam Second" not in text


def test_an_edition_invitation_accepted_with_another_address_is_refused_and_creates_nothing(
        app, client, session, team, factory, smtp):
    edition_id, _ = _setup(factory, team)
    login(client, "organiser@metropole.example")
    assert _edition_invite(client, edition_id, "rh@logistique.example",
                           organisation_name="Logistique du Nord").status_code == 302
    run_jobs(app)
    link = mail_link(smtp.wait_for("rh@logistique.example")[0], "/invitations/")
    logout(client)
    login(client, "outsider@example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert ("Cette invitation a été envoyée à rh@logistique.example, et vous êtes connecté en tant que "
            "outsider@example.org.") in page_text(page)
    before = _rows(session)
    assert post_form(client, link, {}, form_page="/account").status_code == 403
    assert _rows(session) == before
