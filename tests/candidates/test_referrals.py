"""Referral by advisers: an emailed link records the candidate's consent; the adviser then follows
their applications (and no one else's), may apply on their behalf; the candidate can revoke."""
from __future__ import annotations

import re

from fair.accounts.models import User
from fair.candidates.models import Application, Referral, ReferralStatus
from tests.candidates.helpers import count
from tests.companies.helpers import field_errors, page_text
from tests.conftest import csrf_token, login, post_form, run_jobs


def refer(client, email: str, name: str, partner_id: int):
    return post_form(client, "/adviser/referrals/new", {"email": email, "full_name": name,
                                                        "partner_id": str(partner_id), "note": "Suivi RSA"})


def emailed_link(app, smtp, address: str) -> str:
    run_jobs(app)
    [message] = smtp.wait_for(address)
    assert message["Subject"] == "Adviser One vous propose de suivre vos candidatures"
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://fair\.test(/referrals/confirm/\S+)", body).group(1)


def test_an_adviser_refers_a_new_candidate_who_agrees_through_the_emailed_link(app, client, world, session, smtp):
    login(client, world.adviser.email)
    response = refer(client, "sam.nouveau@example.org", "Sam Nouveau", world.partner.id)
    assert response.status_code == 302
    candidate = session.query(User).filter_by(email="sam.nouveau@example.org").one()
    assert candidate.is_candidate and candidate.email_confirmed_at is None
    referral = session.query(Referral).one()
    assert referral.status is ReferralStatus.pending and referral.consent_text is None
    # Nothing is shown before the candidate agrees.
    assert "pas encore donné son accord" in page_text(client.get(f"/adviser/referrals/{referral.id}"))

    link = emailed_link(app, smtp, "sam.nouveau@example.org")
    visitor = app.test_client()
    page = page_text(visitor.get(link))
    assert "J'accepte que Adviser One, de Mission locale de Lille, suive mes candidatures" in page
    token = csrf_token(visitor, link)
    assert visitor.post(link, data={"csrf_token": token}).status_code == 302
    session.expire_all()
    referral = session.get(Referral, referral.id)
    assert referral.status is ReferralStatus.confirmed and referral.confirmed_at is not None
    assert referral.consent_text.startswith("J'accepte que Adviser One, de Mission locale de Lille")
    assert session.get(User, candidate.id).email_confirmed_at is not None
    assert "Vous avez accepté le" in page_text(visitor.get(link))
    # The link is single use: posting again changes nothing.
    visitor.post(link, data={"csrf_token": token})
    session.expire_all()
    assert session.get(Referral, referral.id).confirmed_at == referral.confirmed_at


def test_a_tampered_link_is_404(app, client, world):
    assert client.get("/referrals/confirm/abc.def.ghi").status_code == 404


def _confirmed(session, world, candidate=None) -> Referral:
    from fair.db import utcnow

    referral = Referral(adviser_id=world.adviser.id, partner_id=world.partner.id,
                        candidate_id=(candidate or world.candidate).id, status=ReferralStatus.confirmed,
                        confirmed_at=utcnow(), consent_text="ok")
    session.add(referral)
    session.commit()
    return referral


def test_the_adviser_sees_the_statuses_of_their_candidates_only(app, client, world, session):
    referral = _confirmed(session, world)
    session.add_all([
        Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message="", status="shortlisted"),
        Application(candidate_id=world.other_candidate.id, offer_id=world.offer_b.id, message=""),
    ])
    session.commit()
    login(client, world.adviser.email)
    home = page_text(client.get("/adviser/"))
    assert "Camille Candidate" in home and "Conducteur poids lourd" in home and "Présélectionnée" in home
    assert "Dominique Other" not in home and "Boulanger" not in home
    assert "Présélectionnée" in page_text(client.get(f"/adviser/referrals/{referral.id}"))


def test_the_adviser_applies_on_the_candidates_behalf(app, client, world, session):
    referral = _confirmed(session, world)
    login(client, world.adviser.email)
    path = f"/adviser/referrals/{referral.id}"
    response = post_form(client, path, {"offer_id": str(world.offer_b.id), "message": "Je l'accompagne."})
    assert response.status_code == 302
    application = session.query(Application).one()
    assert (application.candidate_id, application.offer_id, application.applied_by_id) == (
        world.candidate.id, world.offer_b.id, world.adviser.id)
    again = post_form(client, path, {"offer_id": str(world.offer_b.id)})
    assert again.status_code == 302 and count(session, Application) == 1
    assert "Camille Candidate a déjà candidaté à cette offre." in page_text(client.get(path))


def test_refusals_when_referring(app, client, world, session):
    _confirmed(session, world)
    login(client, world.adviser.email)
    response = refer(client, world.candidate.email, "Camille", world.partner.id)
    assert field_errors(response, "email") == ["Vous suivez déjà ce candidat."]
    response = refer(client, world.recruiter_a.email, "Recruiter", world.partner.id)
    assert response.status_code == 302  # answered as any address (issue 14, item 8), nothing done
    response = refer(client, "not-an-email", "X", world.partner.id)
    assert field_errors(response, "email") == ["Saisissez une adresse e-mail valide."]
    response = refer(client, "x@example.org", "X", world.other_partner.id)
    assert field_errors(response, "partner_id") == ["Choisissez dans la liste."]
    assert count(session, Referral) == 1


def test_the_candidate_revokes_and_the_adviser_sees_nothing_more(app, client, world, session):
    referral = _confirmed(session, world)
    session.add(Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message=""))
    session.commit()
    login(client, world.candidate.email)
    assert "Adviser One" in page_text(client.get("/candidate/referrals"))
    response = client.post(f"/candidate/referrals/{referral.id}/revoke",
                           data={"csrf_token": csrf_token(client, "/candidate/referrals")})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is ReferralStatus.revoked
    adviser = app.test_client()
    login(adviser, world.adviser.email)
    assert "Conducteur poids lourd" not in page_text(adviser.get("/adviser/"))
    assert "a mis fin à ce suivi" in page_text(adviser.get(f"/adviser/referrals/{referral.id}"))
    token = csrf_token(adviser, "/adviser/referrals/new")
    assert adviser.post(f"/adviser/referrals/{referral.id}",
                        data={"csrf_token": token, "offer_id": str(world.offer_b.id)}).status_code == 404


def test_the_adviser_is_told_of_a_new_status_by_mail(app, client, world, session, smtp):
    _confirmed(session, world)
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message="")
    other = Application(candidate_id=world.other_candidate.id, offer_id=world.offer_a.id, message="")
    session.add_all([application, other])
    session.commit()
    login(client, world.recruiter_a.email)
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications"
    token = csrf_token(client, inbox)
    client.post(f"{inbox}/{application.id}/shortlist", data={"csrf_token": token})
    client.post(f"{inbox}/{other.id}/shortlist", data={"csrf_token": token})  # not followed by this adviser
    run_jobs(app)
    [message] = smtp.wait_for(world.adviser.email)
    assert message["Subject"] == "Camille Candidate : Présélectionnée"
    body = message.get_body(("plain",)).get_content()
    assert "La candidature de Camille Candidate à « Conducteur poids lourd » (Transports Rapides)" in body
    assert smtp.to(world.other_adviser.email) == []


def test_referring_answers_the_same_for_a_candidate_a_staff_or_an_unknown_address(app, client, world, session,
                                                                                    smtp):
    """Issue 14, item 8: the answer names only what the adviser typed, and is the same whatever the
    address holds; no page or mail to the adviser shows the stored name before the candidate agrees."""
    from fair.mail.models import OutboxMessage

    login(client, world.adviser.email)
    answers = []
    for email in (world.candidate.email, world.recruiter_a.email, "personne.inconnue@example.org"):
        response = refer(client, email, "Nom Tapé", world.partner.id)
        followed = client.get(response.headers["Location"])
        text = page_text(followed).replace(email, "<address>")
        # The adviser's list differs only by the pending referral's line (the typed address).
        flash = re.search(r"Si cette adresse peut le recevoir[^.]*\.", text).group(0)
        answers.append((response.status_code, response.headers["Location"], flash))
    assert answers[0] == answers[1] == answers[2], answers
    assert answers[0][0] == 302 and answers[0][2].startswith("Si cette adresse peut le recevoir, nous avons envoyé")
    stored = ("Camille Candidate", "Recruiter A")
    for page in ["/adviser/"] + [f"/adviser/referrals/{r.id}" for r in session.query(Referral).all()]:
        text = page_text(client.get(page))
        assert not any(name in text for name in stored), page
    run_jobs(app)
    to_adviser = session.query(OutboxMessage).filter(OutboxMessage.to_address == world.adviser.email).all()
    assert not any(name in f"{m.subject} {m.text_body} {m.html_body}" for m in to_adviser for name in stored)
    smtp.wait_for("personne.inconnue@example.org")
    assert smtp.to(world.recruiter_a.email) == [] and smtp.to(world.adviser.email) == []
    # Only the candidate and the unknown address got a referral (and a link); the staff account none.
    assert {r.candidate.email for r in session.query(Referral).all()} == {world.candidate.email,
                                                                         "personne.inconnue@example.org"}
