"""The team page, colleagues invited by email (real SMTP), invitations bound to their address, and
the rules that keep an organisation with an owner."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from tests.conftest import count, login, page_text, post_form, run_jobs
from tests.fairs.helpers import field_errors, input_value, mail_link, normalise
from tests.teams.conftest import audit_actions, logout


def _invite(client, team, email, role="member"):
    return post_form(client, f"{team.path}/invitations", {"email": email, "role": role}, form_page=team.path)


def _invitation(session, email):
    from fair.accounts.models import TeamInvitation

    session.expire_all()
    return session.execute(select(TeamInvitation).where(TeamInvitation.email == email)).scalar_one()


def _membership(session, organisation_id, email):
    from fair.accounts.models import Membership, User

    session.expire_all()
    return session.execute(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id, User.email == email)
    ).scalars().first()


def _invited_link(app, client, smtp, team, email, role="member"):
    login(client, "owner@transports.example")
    assert _invite(client, team, email, role).status_code == 302
    logout(client)
    run_jobs(app)
    return mail_link(smtp.wait_for(email)[-1], "/team-invitations/")


def test_members_see_the_team_owners_also_see_invitations_and_outsiders_get_404(client, session, team, factory):
    factory.user(email="x@example.org")
    login(client, "member@transports.example")
    page = client.get(team.path)
    assert page.status_code == 200
    text = page_text(page)
    assert "Olivia Owner" in text and "Marc Member" in text and "Responsable" in text
    assert "Inviter un collègue" not in text and "Retirer de l'équipe" not in text
    logout(client)
    login(client, "outsider@example.org")
    assert client.get(team.path).status_code == 404
    assert client.get(f"/organisations/{team.other.id}/team").status_code == 404
    logout(client)
    login(client, "owner@transports.example")
    text = page_text(client.get(team.path))
    assert "Inviter un collègue" in text and "Invitations en attente de réponse (0)" in text
    # The account page links each membership to its team page.
    assert f'href="/organisations/{team.company_id}/team"' in client.get("/account").get_data(as_text=True)


def test_an_owner_invites_a_colleague_the_mail_arrives_and_the_link_makes_them_a_member_once(
        app, client, session, team, smtp, factory):
    from fair.accounts.models import Membership, MembershipRole

    link = _invited_link(app, client, smtp, team, "camille@transports.example", role="owner")
    [message] = smtp.to("camille@transports.example")
    assert normalise(message["Subject"]) == "Rejoignez Transports Rapides sur fair"
    text = normalise(message.get_body(("plain",)).get_content())
    assert "Olivia Owner vous invite à rejoindre Transports Rapides sur fair." in text
    assert link in message.get_body(("html",)).get_content()
    invitation = _invitation(session, "camille@transports.example")
    token = link.rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert token not in invitation.token_hash
    assert dt.timedelta(days=13) < invitation.expires_at - invitation.created_at <= dt.timedelta(days=14)

    # Not signed in: what it is, and log in or register with that address, coming back here.
    page = client.get(link)
    assert page.status_code == 200
    text = page_text(page)
    assert "Invitation à rejoindre Transports Rapides" in text and "Rôle Responsable" in text
    body = page.get_data(as_text=True)
    assert f'href="/login?next={link}"' in body
    register = f"/register?next={link}&amp;email=camille@transports.example"
    assert f'href="{register}"' in body
    form = client.get(register.replace("&amp;", "&"))
    assert input_value(form, "email") == "camille@transports.example"

    # The address is compared normalised and without case.
    factory.user(email="Camille@Transports.EXAMPLE", full_name="Camille Colleague")
    response = post_form(client, f"/login?next={link}", {"email": "camille@transports.example",
                                                         "password": _password()}, form_page="/login")
    assert response.headers["Location"].endswith(link)
    memberships = count(session, Membership)
    response = post_form(client, link, {})
    assert response.status_code == 302 and response.headers["Location"] == team.path
    assert count(session, Membership) == memberships + 1
    assert _membership(session, team.company_id, "Camille@Transports.EXAMPLE").role == MembershipRole.owner
    again = client.get(link)
    assert again.status_code == 410 and "Vous l'avez déjà acceptée" in page_text(again)
    assert post_form(client, link, {}, form_page="/account").status_code == 410
    assert count(session, Membership) == memberships + 1
    assert audit_actions(session, team.company_id) == ["team.invite", "team.accept"]


def _password():
    from tests.conftest import PASSWORD

    return PASSWORD


def test_an_invitation_accepted_by_a_signed_in_person_with_another_address_is_refused(app, client, session, team,
                                                                                      smtp):
    from fair.accounts.models import Membership

    link = _invited_link(app, client, smtp, team, "camille@transports.example")
    login(client, "outsider@example.org")
    page = client.get(link)
    assert page.status_code == 200
    text = page_text(page)
    assert ("Cette invitation a été envoyée à camille@transports.example, et vous êtes connecté en tant que "
            "outsider@example.org.") in text
    assert "Accepter l'invitation" not in text
    before = count(session, Membership)
    response = post_form(client, link, {}, form_page="/account")
    assert response.status_code == 403
    assert count(session, Membership) == before
    assert _membership(session, team.company_id, "outsider@example.org") is None
    assert _invitation(session, "camille@transports.example").accepted_at is None


@pytest.mark.parametrize("email, message", [
    ("pas-une-adresse", "Indiquez une adresse e-mail valide, comme nom@exemple.fr."),
    ("MEMBER@transports.example", "Cette personne est déjà membre de Transports Rapides."),
], ids=["invalid", "already a member"])
def test_a_bad_invitation_is_explained_and_creates_nothing(app, client, session, team, smtp, email, message):
    from fair.accounts.models import TeamInvitation

    login(client, "owner@transports.example")
    response = _invite(client, team, email)
    assert response.status_code == 422
    assert field_errors(response, "email") == [message]
    assert count(session, TeamInvitation) == 0
    assert audit_actions(session, team.company_id) == []


def test_a_second_pending_invitation_to_the_same_address_is_refused(client, session, team):
    from fair.accounts.models import TeamInvitation

    login(client, "owner@transports.example")
    assert _invite(client, team, "camille@transports.example").status_code == 302
    response = _invite(client, team, "Camille@TRANSPORTS.example")
    assert response.status_code == 422
    assert field_errors(response, "email") == [
        "Une invitation à cette adresse attend déjà une réponse. Vous pouvez la renvoyer depuis la liste "
        "ci-dessous."]
    assert count(session, TeamInvitation) == 1


def test_a_member_who_is_not_an_owner_cannot_invite_nor_manage(client, session, team):
    from fair.accounts.models import TeamInvitation

    login(client, "member@transports.example")
    response = post_form(client, f"{team.path}/invitations", {"email": "x@example.org", "role": "member"},
                         form_page="/account")
    assert response.status_code == 404
    owner_membership = _membership(session, team.company_id, "owner@transports.example")
    assert post_form(client, f"{team.path}/members/{owner_membership.id}/remove", {},
                     form_page="/account").status_code == 404
    assert count(session, TeamInvitation) == 0


def test_expired_revoked_and_resent_links_get_a_clear_page_and_create_nothing(app, client, session, team, smtp,
                                                                              factory):
    from fair.accounts.models import Membership
    from fair.db import utcnow

    link = _invited_link(app, client, smtp, team, "camille@transports.example")
    factory.user(email="camille@transports.example")
    invitation = _invitation(session, "camille@transports.example")
    invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
    session.commit()
    login(client, "camille@transports.example")
    before = count(session, Membership)
    page = client.get(link)
    assert page.status_code == 410 and "Cette invitation a expiré" in page_text(page)
    assert post_form(client, link, {}, form_page="/account").status_code == 410
    logout(client)

    # The owner sends it again: a new link, the old one no longer works.
    login(client, "owner@transports.example")
    assert "Expirée" in page_text(client.get(team.path))
    response = post_form(client, f"{team.path}/invitations/{invitation.id}/resend", {}, form_page=team.path)
    assert response.status_code == 302
    run_jobs(app)
    new_link = mail_link(smtp.wait_for("camille@transports.example", count=2)[-1], "/team-invitations/")
    assert new_link != link and client.get(link).status_code == 404
    # ...then withdraws it.
    response = post_form(client, f"{team.path}/invitations/{invitation.id}/revoke", {}, form_page=team.path)
    assert response.status_code == 302
    logout(client)
    login(client, "camille@transports.example")
    page = client.get(new_link)
    assert page.status_code == 410 and "Cette invitation a été retirée" in page_text(page)
    assert post_form(client, new_link, {}, form_page="/account").status_code == 410
    assert count(session, Membership) == before
    assert audit_actions(session, team.company_id) == ["team.invite", "team.invitation_resend",
                                                       "team.invitation_revoke"]


def test_a_removed_member_loses_the_team_and_their_old_link_brings_nothing_back(app, client, session, team, smtp,
                                                                                factory):
    link = _invited_link(app, client, smtp, team, "camille@transports.example")
    factory.user(email="camille@transports.example", full_name="Camille Colleague")
    login(client, "camille@transports.example")
    assert post_form(client, link, {}).status_code == 302
    membership = _membership(session, team.company_id, "camille@transports.example")
    logout(client)
    login(client, "owner@transports.example")
    response = post_form(client, f"{team.path}/members/{membership.id}/remove", {}, form_page=team.path)
    assert response.status_code == 302
    assert "Camille Colleague ne fait plus partie de l'équipe." in page_text(client.get(team.path))
    logout(client)
    login(client, "camille@transports.example")
    assert client.get(team.path).status_code == 404
    page = client.get(link)
    assert page.status_code == 410
    assert "Chaque lien d'invitation ne sert qu'une fois" in page_text(page)
    assert post_form(client, link, {}, form_page="/account").status_code == 410
    assert _membership(session, team.company_id, "camille@transports.example") is None
    assert audit_actions(session, team.company_id) == ["team.invite", "team.accept", "team.remove"]


def test_the_last_owner_cannot_leave_be_removed_or_be_demoted(client, session, team):
    from fair.accounts.models import MembershipRole

    owner = _membership(session, team.company_id, "owner@transports.example").id
    member = _membership(session, team.company_id, "member@transports.example").id
    login(client, "owner@transports.example")
    message = "Le dernier responsable ne peut pas partir : nommez d'abord un autre responsable."
    response = post_form(client, f"{team.path}/leave", {}, form_page=team.path)
    assert message in page_text(client.get(response.headers["Location"]))
    response = post_form(client, f"{team.path}/members/{owner}/remove", {}, form_page=team.path)
    assert ("Le dernier responsable ne peut pas être retiré : nommez d'abord un autre responsable."
            in page_text(client.get(response.headers["Location"])))
    response = post_form(client, f"{team.path}/members/{owner}/role", {f"m{owner}-role": "member"},
                         form_page=team.path)
    assert ("Le dernier responsable ne peut pas devenir simple membre : nommez d'abord un autre responsable."
            in page_text(client.get(response.headers["Location"])))
    assert _membership(session, team.company_id, "owner@transports.example").role == MembershipRole.owner
    assert audit_actions(session, team.company_id) == []

    # With a second owner, the first may step down, then leave.
    response = post_form(client, f"{team.path}/members/{member}/role", {f"m{member}-role": "owner"},
                         form_page=team.path)
    assert "Marc Member est désormais : Responsable." in page_text(client.get(response.headers["Location"]))
    post_form(client, f"{team.path}/members/{owner}/role", {f"m{owner}-role": "member"}, form_page=team.path)
    assert _membership(session, team.company_id, "owner@transports.example").role == MembershipRole.member
    assert client.get(team.path).status_code == 200  # still a member, no longer an owner
    response = post_form(client, f"{team.path}/leave", {}, form_page=team.path)
    assert response.headers["Location"] == "/account"
    assert _membership(session, team.company_id, "owner@transports.example") is None
    logout(client)
    login(client, "member@transports.example")
    response = post_form(client, f"{team.path}/leave", {}, form_page=team.path)
    assert message in page_text(client.get(response.headers["Location"]))
    assert audit_actions(session, team.company_id) == ["team.role_change", "team.role_change", "team.leave"]


def test_the_invite_service_the_admin_console_calls(app, session, team, smtp):
    """An administrator's console invites an organisation's first owner with this very call."""
    from fair.accounts.models import MembershipRole, TeamInvitation
    from fair.teams.services import TeamError, invite

    empty = team.other
    with app.test_request_context():
        invitation = invite(session, empty, " First.Owner@Example.org ", role=MembershipRole.owner)
        session.commit()
        assert isinstance(invitation, TeamInvitation) and invitation.role == MembershipRole.owner
        assert invitation.email == "First.Owner@example.org" and invitation.invited_by_id is None
        with pytest.raises(TeamError) as refused:
            invite(session, empty, "first.owner@EXAMPLE.org")
        assert "email" in refused.value.errors
        session.rollback()
    run_jobs(app)
    [message] = smtp.wait_for("first.owner@example.org")
    assert "Vous êtes invité à rejoindre Autre Entreprise sur fair." in normalise(
        message.get_body(("plain",)).get_content())


def test_accepting_a_team_invitation_confirms_the_invited_address(app, client, session, team, smtp, factory):
    """Issue 14 item 4: the link reached that mailbox, so the address is proven."""
    from fair.accounts.models import User

    link = _invited_link(app, client, smtp, team, "camille@transports.example")
    person = factory.user(email="camille@transports.example", confirmed=False)
    login(client, person.email)
    assert post_form(client, link, {}).status_code == 302
    session.expire_all()
    assert session.get(User, person.id).email_confirmed_at is not None
