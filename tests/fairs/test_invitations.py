"""Invitations: the organiser sends them, the mail arrives (real SMTP), the link brings the company or
partner in exactly once; bad, expired or reused links create nothing."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from tests.conftest import login, post_form, run_jobs
from tests.fairs.helpers import count, field_errors, mail_link, normalise, page_text


def _invite(client, edition_id, **data):
    path = f"/console/editions/{edition_id}/invitations"
    return post_form(client, path, {"kind": "company", "organisation_id": "0", "partner_type": "", **data})


def _rows(session):
    from fair.accounts.models import Membership, Organisation
    from fair.companies.models import Booth
    from fair.fairs.models import EditionPartner

    return {model.__name__: count(session, model) for model in (Organisation, Membership, Booth, EditionPartner)}


def _invitation(session, email):
    from fair.fairs.models import Invitation

    session.expire_all()
    return session.execute(select(Invitation).where(Invitation.email == email)).scalar_one()


def test_a_company_invitation_mail_arrives_and_its_link_brings_the_company_in_once(app, client, session, world,
                                                                                   smtp, factory):
    from fair.accounts.models import Membership, MembershipRole, Organisation
    from fair.companies.models import Booth

    login(client, "organiser.f@example.org")
    response = _invite(client, world.edition_f.id, organisation_name="Logistique du Nord",
                       email="rh@logistique-nord.example")
    assert response.status_code == 302
    listing = page_text(client.get(response.headers["Location"]))
    assert "L'invitation a été envoyée à rh@logistique-nord.example." in listing
    assert "Logistique du Nord (Entreprise) rh@logistique-nord.example En attente de réponse" in listing
    assert smtp.to("rh@logistique-nord.example") == []  # sent by the worker, not by the request

    run_jobs(app)
    [message] = smtp.wait_for("rh@logistique-nord.example")
    assert normalise(message["Subject"]) == "Invitation à participer à « Salon de la Métropole »"
    text = normalise(message.get_body(("plain",)).get_content())
    assert "Métropole Emploi invite Logistique du Nord à participer à « Salon de la Métropole »" in text
    assert "12 mars 2030, 09:00" in text  # 08:00 UTC shown in Paris time
    link = mail_link(message, "/invitations/")
    html_part = message.get_body(("html",)).get_content()
    assert link in html_part

    # Someone who is not logged in learns what it is and how to go on.
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    page = client.get(link)
    assert page.status_code == 200
    text = page_text(page)
    assert "Invitation à « Salon de la Métropole »" in text and "Logistique du Nord" in text
    body = page.get_data(as_text=True)
    assert f'href="/login?next={link}"' in body
    # The account to create is the one the invitation was sent to.
    assert f'href="/register?next={link}&amp;email=rh@logistique-nord.example"' in body
    before = _rows(session)
    response = client.post(link, data={"csrf_token": _csrf(client, "/login")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/invitations/")
    assert _rows(session) == before

    # The invitee logs in with the invited address and comes back to the link, then accepts.
    invitee = factory.user(email="rh@logistique-nord.example", full_name="Demo Recruiter Invited")
    response = post_form(client, f"/login?next={link}", {"email": invitee.email, "password": _password()},
                         form_page=f"/login?next={link}")
    assert response.headers["Location"].endswith(link)
    page = page_text(client.get(link))
    assert ("Vous êtes connecté en tant que Demo Recruiter Invited (rh@logistique-nord.example). "
            "En acceptant, ce compte rejoint Logistique du Nord.") in page
    response = post_form(client, link, {})
    assert response.status_code == 302
    after = _rows(session)
    assert after["Organisation"] == before["Organisation"] + 1
    assert after["Membership"] == before["Membership"] + 1
    assert after["Booth"] == before["Booth"] + 1
    session.expire_all()
    company = session.execute(select(Organisation).where(Organisation.name == "Logistique du Nord")).scalar_one()
    assert company.kind.value == "company"
    membership = session.execute(select(Membership).where(Membership.organisation_id == company.id)).scalar_one()
    assert membership.user_id == invitee.id and membership.role == MembershipRole.owner
    booth = session.execute(select(Booth).where(Booth.company_id == company.id)).scalar_one()
    assert booth.edition_id == world.edition_f.id
    invitation = _invitation(session, "rh@logistique-nord.example")
    assert invitation.accepted_by_id == invitee.id and invitation.organisation_id == company.id

    # A second click (or another person with the same link) creates nothing more.
    again = client.get(link)
    assert again.status_code == 410
    assert "Vous l'avez déjà acceptée" in page_text(again)
    assert post_form(client, link, {}, form_page="/account").status_code == 410
    assert _rows(session) == after

    # The organiser sees it accepted, with the booth on the edition page.
    client.post("/logout", data={"csrf_token": _csrf(client, "/account")})
    login(client, "organiser.f@example.org")
    listing = page_text(client.get(f"/console/editions/{world.edition_f.id}/invitations"))
    assert "Acceptée" in listing and "Renvoyer" not in listing
    assert "Logistique du Nord 0" in page_text(client.get(f"/console/editions/{world.edition_f.id}"))


def _csrf(client, path):
    from tests.conftest import csrf_token

    return csrf_token(client, path)


def _password():
    from tests.conftest import PASSWORD

    return PASSWORD


def _accept(client, link):
    return post_form(client, link, {})


def test_a_second_person_of_a_company_joins_it_as_member_and_reuses_its_booth(app, client, session, world,
                                                                               recruiter, smtp, factory):
    from fair.accounts.models import Membership, MembershipRole
    from fair.companies.models import Booth

    factory.booth(world.edition_f, world.company)
    login(client, "organiser.f@example.org")
    form = client.get(f"/console/editions/{world.edition_f.id}/invitations").get_data(as_text=True)
    assert "Transports Rapides (Entreprise)" in form
    assert _invite(client, world.edition_f.id, organisation_id=str(world.company.id), organisation_name="",
                   email="second@transports.example").status_code == 302
    run_jobs(app)
    link = mail_link(smtp.wait_for("second@transports.example")[0], "/invitations/")
    factory.user(email="second@transports.example")
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    login(client, "second@transports.example")
    before = _rows(session)
    assert _accept(client, link).status_code == 302
    after = _rows(session)
    assert after == dict(before, Membership=before["Membership"] + 1)  # no new company, no new booth
    session.expire_all()
    membership = session.execute(
        select(Membership).join(Membership.user).where(Membership.organisation_id == world.company.id)
        .order_by(Membership.id.desc())
    ).scalars().first()
    assert membership.role == MembershipRole.member
    assert count(session, Booth, Booth.company_id == world.company.id) == 1


def test_an_invitation_accepted_by_a_signed_in_person_with_another_address_is_refused(app, client, session,
                                                                                      world, smtp, factory):
    login(client, "organiser.f@example.org")
    link = _create_invitation(client, app, smtp, world)
    factory.user(email="camille.rh@logistique-nord.example")
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    login(client, "camille.rh@logistique-nord.example")
    assert "Seule la personne à qui elle a été envoyée peut l'accepter." in page_text(client.get(link))
    before = _rows(session)
    assert _accept(client, link).status_code == 403
    assert _rows(session) == before
    assert _invitation(session, "rh@logistique-nord.example").accepted_at is None


def test_a_partner_invitation_lists_the_partner_in_the_edition(app, client, session, world, smtp, factory):
    from fair.accounts.models import Organisation, PartnerType
    from fair.fairs.models import EditionPartner

    login(client, "organiser.f@example.org")
    response = _invite(client, world.edition_f.id, kind="partner", organisation_name="Mission locale Nord",
                       partner_type="mission_locale", email="conseil@ml-nord.example")
    assert response.status_code == 302
    run_jobs(app)
    [message] = smtp.wait_for("conseil@ml-nord.example")
    assert "Mission locale Nord à participer à « Salon de la Métropole » en tant que partenaire" in normalise(
        message.get_body(("plain",)).get_content())
    link = mail_link(message, "/invitations/")
    factory.user(email="conseil@ml-nord.example")
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    login(client, "conseil@ml-nord.example")
    assert _accept(client, link).status_code == 302
    session.expire_all()
    partner = session.execute(select(Organisation).where(Organisation.name == "Mission locale Nord")).scalar_one()
    assert partner.kind.value == "partner" and partner.partner_type == PartnerType.mission_locale
    assert count(session, EditionPartner, EditionPartner.organisation_id == partner.id,
                 EditionPartner.edition_id == world.edition_f.id) == 1


@pytest.mark.parametrize("changes, field_id, message", [
    ({"email": ""}, "email", "Indiquez l'adresse e-mail de la personne à inviter."),
    ({"email": "pas-une-adresse"}, "email", "Indiquez une adresse e-mail valide, comme nom@exemple.fr."),
    ({"organisation_name": ""}, "organisation_name", "Indiquez le nom de l'organisation."),
    ({"kind": "partner"}, "partner_type", "Choisissez le type de partenaire."),
], ids=["no email", "bad email", "no name", "partner without type"])
def test_a_bad_invitation_is_explained_and_nothing_is_sent(app, client, session, world, smtp, changes, field_id,
                                                           message):
    from fair.accounts.models import Organisation
    from fair.fairs.models import Invitation

    login(client, "organiser.f@example.org")
    organisations = count(session, Organisation)
    response = _invite(client, world.edition_f.id,
                       **{"organisation_name": "Logistique du Nord", "email": "rh@logistique-nord.example",
                          **changes})
    assert response.status_code == 422
    assert field_errors(response, field_id) == [message]
    assert count(session, Invitation) == 0 and count(session, Organisation) == organisations
    run_jobs(app)
    time.sleep(0.2)
    assert smtp.messages == []


def test_a_second_pending_invitation_to_the_same_address_is_refused(client, session, world):
    from fair.fairs.models import Invitation

    login(client, "organiser.f@example.org")
    data = {"organisation_name": "Logistique du Nord", "email": "rh@logistique-nord.example"}
    assert _invite(client, world.edition_f.id, **data).status_code == 302
    response = _invite(client, world.edition_f.id, **dict(data, email="RH@Logistique-Nord.example"))
    assert field_errors(response, "email") == [
        "Une invitation à cette adresse attend déjà une réponse. Vous pouvez la renvoyer depuis la liste "
        "ci-dessous."]
    assert count(session, Invitation) == 1


def _create_invitation(client, app, smtp, world, email="rh@logistique-nord.example"):
    assert _invite(client, world.edition_f.id, organisation_name="Logistique du Nord", email=email).status_code == 302
    run_jobs(app)
    return mail_link(smtp.wait_for(email)[-1], "/invitations/")


def test_a_tampered_link_is_refused_and_creates_nothing(app, client, session, world, smtp, factory):
    login(client, "organiser.f@example.org")
    link = _create_invitation(client, app, smtp, world)
    factory.user(email="someone@example.org")
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    login(client, "someone@example.org")
    before = _rows(session)
    token = link.rsplit("/", 1)[1]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nimportequoi", token + "x"):
        page = client.get(f"/invitations/{bad}")
        assert page.status_code == 404
        assert "Ce lien d'invitation n'est pas valide" in page_text(page)
        assert client.post(f"/invitations/{bad}", data={"csrf_token": _csrf(client, "/account")}).status_code == 404
    # A well signed token naming another invitation id is still refused.
    from fair.fairs.services import invitation_token

    assert client.get(f"/invitations/{invitation_token(999999)}").status_code == 404
    assert _rows(session) == before
    assert _invitation(session, "rh@logistique-nord.example").accepted_at is None


def test_an_expired_invitation_is_refused_and_creates_nothing(app, client, session, world, smtp, factory):
    from fair.db import utcnow

    login(client, "organiser.f@example.org")
    link = _create_invitation(client, app, smtp, world)
    invitation = _invitation(session, "rh@logistique-nord.example")
    invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
    session.commit()
    factory.user(email="late@example.org")
    client.post("/logout", data={"csrf_token": _csrf(client, "/console/")})
    login(client, "late@example.org")
    before = _rows(session)
    page = client.get(link)
    assert page.status_code == 410
    text = page_text(page)
    assert "Cette invitation a expiré" in text
    assert "Demandez à l'organisateur de « Salon de la Métropole » (Métropole Emploi)" in text
    assert client.post(link, data={"csrf_token": _csrf(client, "/account")}).status_code == 410
    assert _rows(session) == before


def test_a_link_older_than_the_maximum_age_is_refused_even_if_the_row_was_renewed(app, client, session, world,
                                                                                  smtp):
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    login(client, "organiser.f@example.org")
    _create_invitation(client, app, smtp, world)
    invitation = _invitation(session, "rh@logistique-nord.example")

    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - app.config["INVITATION_MAX_AGE"] - 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="invitation", signer=SignedLongAgo)
    page = client.get(f"/invitations/{old.dumps(invitation.id)}")
    assert page.status_code == 410 and "Cette invitation a expiré" in page_text(page)


def test_resending_mails_the_link_again_and_revives_an_expired_invitation(app, client, session, world, smtp):
    from fair.db import utcnow

    login(client, "organiser.f@example.org")
    _create_invitation(client, app, smtp, world)
    invitation = _invitation(session, "rh@logistique-nord.example")
    invitation.expires_at = utcnow() - dt.timedelta(days=1)
    session.commit()
    path = f"/console/editions/{world.edition_f.id}/invitations"
    assert "Expirée" in page_text(client.get(path))
    response = post_form(client, f"{path}/{invitation.id}/resend", {}, form_page=path)
    assert response.status_code == 302
    assert "L'invitation a été renvoyée à rh@logistique-nord.example." in page_text(client.get(path))
    assert _invitation(session, "rh@logistique-nord.example").expires_at > utcnow() + dt.timedelta(days=29)
    run_jobs(app)
    messages = smtp.wait_for("rh@logistique-nord.example", count=2)
    link = mail_link(messages[-1], "/invitations/")
    assert client.get(link).status_code == 200


def test_a_retried_send_job_does_not_mail_twice(app, client, session, world, smtp):
    from fair.jobs import get_queue

    login(client, "organiser.f@example.org")
    _create_invitation(client, app, smtp, world)
    invitation_id = _invitation(session, "rh@logistique-nord.example").id
    for _attempt in range(2):  # the same job run again, as RQ does when it retries
        get_queue("mail").enqueue("fair.fairs.jobs.send_invitation", invitation_id, job_id="invitation-retry")
        run_jobs(app)
    time.sleep(0.2)
    assert len(smtp.to("rh@logistique-nord.example")) == 2  # the first send, then one for this job


def test_an_invitation_accepted_before_its_mail_is_sent_is_not_mailed(app, client, session, world, factory,
                                                                     smtp):
    from fair.fairs.services import accept_invitation

    edition_id, recruiter_id = world.edition_f.id, factory.user(email="rh@logistique-nord.example").id
    login(client, "organiser.f@example.org")
    assert _invite(client, edition_id, organisation_name="Logistique du Nord",
                   email="rh@logistique-nord.example").status_code == 302
    invitation = _invitation(session, "rh@logistique-nord.example")
    accept_invitation(invitation.id, recruiter_id)
    session.commit()
    run_jobs(app)
    time.sleep(0.2)
    assert smtp.to("rh@logistique-nord.example") == []
    path = f"/console/editions/{edition_id}/invitations"
    response = post_form(client, f"{path}/{invitation.id}/resend", {}, form_page=path)
    assert "Cette invitation a déjà été acceptée" in page_text(client.get(response.headers["Location"]))


def test_accepting_without_csrf_token_is_refused(app, client, session, world, smtp, factory):
    login(client, "organiser.f@example.org")
    link = _create_invitation(client, app, smtp, world)
    before = _rows(session)
    assert client.post(link).status_code == 400
    assert _rows(session) == before


def test_two_tabs_accepting_the_same_link_at_once_make_one_membership(app, client, session, world, smtp,
                                                                      factory):
    """Both requests race for the invitation; the database lets exactly one of them claim it. (Only the
    invited address may accept, so the race is one person's two tabs.)"""
    import threading

    from fair.accounts.models import Membership
    from fair.companies.models import Booth

    login(client, "organiser.f@example.org")
    link = _create_invitation(client, app, smtp, world)
    clients = []
    factory.user(email="rh@logistique-nord.example")
    for _tab in range(2):
        other = app.test_client()
        login(other, "rh@logistique-nord.example")
        clients.append((other, _csrf(other, link)))
    memberships, booths = count(session, Membership), count(session, Booth)
    session.remove()
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def accept(other, token):
        barrier.wait()
        statuses.append(other.post(link, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=accept, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [302, 410]
    assert count(session, Membership) == memberships + 1
    assert count(session, Booth) == booths + 1


def test_accepting_an_edition_invitation_confirms_the_invited_address(app, client, session, world, factory):
    """Issue 14 item 4: the link reached that mailbox, so the address is proven."""
    from fair.accounts.models import User
    from fair.fairs.services import accept_invitation

    person = factory.user(email="rh@logistique-nord.example", confirmed=False)
    other = factory.user(email="other@logistique-nord.example", confirmed=False)
    login(client, "organiser.f@example.org")
    assert _invite(client, world.edition_f.id, organisation_name="Logistique du Nord",
                   email="rh@logistique-nord.example").status_code == 302
    accept_invitation(_invitation(session, "rh@logistique-nord.example").id, person.id)
    session.commit()
    session.expire_all()
    assert session.get(User, person.id).email_confirmed_at is not None
    assert session.get(User, other.id).email_confirmed_at is None
