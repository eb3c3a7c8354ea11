"""Issue 18 item 3: recruitment needs. A company posts a need to its network; member structures propose
people from their files (each with consent to the network); the company answers each proposal once from
one list; the proposing structure sees the answer; a need becomes interviews the proposed people are
invited to book. Bad input is a French message and changes nothing; other networks' needs answer 404.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.audit import AuditEntry
from fair.fairs.models import BookingPolicy
from fair.jobdating import services as jobdating
from fair.jobdating.models import Slot
from fair.mail.models import OutboxMessage
from fair.needs.models import NeedProposal, ProposalStatus, RecruitmentNeed
from tests.conftest import count, page_text, post_form
from tests.needs.helpers import post, union_world
from tests.webinars.helpers import signed_in_client

NEED = {"job_title": "Agent de propreté", "rome_code": "k2204", "posts": "4", "starts_on": "2030-03-01",
        "ends_on": "2030-06-30", "place": "Lille", "requirements": "Permis B apprécié",
        "training_possible": "y", "social_clause": "y"}


@pytest.fixture
def w(app, session, factory):
    return union_world(app, session, factory)


def _as(app, user):
    """A client signed in as this person (a server-side session, as after logging in)."""
    return signed_in_client(app, user)


def _propose(client, need, *people, note=""):
    return post_form(client, f"/needs/{need.id}/proposals",
                     {"candidate": [str(p.id) for p in people], "note": note}, form_page=f"/needs/{need.id}")


def test_a_member_company_posts_a_need_and_bad_input_changes_nothing(app, session, w):
    client = _as(app, w.recruiter)
    listing = page_text(client.get("/needs"))
    assert "Publier un besoin auprès de Union Insertion Nord" in listing

    path = f"/networks/{w.union.id}/needs/new"
    bad = post_form(client, path, {**NEED, "company": str(w.company.id), "posts": "0", "rome_code": "12",
                                   "ends_on": "2030-01-01"})
    assert bad.status_code == 422
    text = page_text(bad)
    assert "Entre 1 et 500 postes." in text
    assert "Un code ROME est composé d'une lettre suivie de 4 chiffres" in text
    assert "La date de fin ne peut pas précéder la date de début." in text
    assert count(session, RecruitmentNeed) == 0

    done = post_form(client, path, {**NEED, "company": str(w.company.id)})
    assert done.status_code == 302
    need = session.execute(select(RecruitmentNeed)).scalar_one()
    assert (need.company_id, need.network_id, need.posts, need.rome_code) == (w.company.id, w.union.id, 4, "K2204")
    assert need.training_possible and need.social_clause and need.posted_by_id == w.recruiter.id
    page = page_text(client.get(done.headers["Location"]))
    assert "Agent de propreté" in page and "Clause sociale Oui" in page and "du 1 mars 2030 au 30 juin 2030" in page

    # Someone outside the network finds no such page; an adviser posts for no company.
    assert _as(app, w.stranger).get(path).status_code == 404
    assert _as(app, w.adviser1).get(path).status_code == 404


def test_a_coordinator_posts_on_behalf_of_a_member_company(app, session, w):
    client = _as(app, w.coordinator)
    done = post_form(client, f"/networks/{w.union.id}/needs/new", {**NEED, "company": str(w.company.id)})
    assert done.status_code == 302
    need = session.execute(select(RecruitmentNeed)).scalar_one()
    assert need.company_id == w.company.id and need.posted_by_id == w.coordinator.id
    # An organisation that is no member of the network is refused from the list of employers.
    refused = post_form(client, f"/networks/{w.union.id}/needs/new", {**NEED, "company": str(w.outsider.id)})
    assert refused.status_code == 422 and "Choisissez dans la liste." in page_text(refused)


def test_advisers_propose_several_people_each_once_with_consent(app, session, w):
    need = post(session, w.union, w.company, w.recruiter)
    adviser = _as(app, w.adviser1)
    form = page_text(adviser.get(f"/needs/{need.id}"))
    assert "Inès Morel" in form and "Léa Dubois (n’a pas accepté d’être nommé·e à ce réseau)" in form

    refused = _propose(adviser, need, w.ines, w.lea)
    assert refused.status_code == 422
    assert ("Ces personnes n’ont pas accepté d’être nommées à ce réseau, elles ne peuvent donc pas être "
            "proposées : Léa Dubois.") in page_text(refused)
    assert count(session, NeedProposal) == 0  # all or none: Inès was not proposed either

    done = _propose(adviser, need, w.ines, w.jules, note="Très motivés")
    assert done.status_code == 302
    proposals = session.execute(select(NeedProposal).order_by(NeedProposal.candidate_id)).scalars().all()
    assert {(p.candidate_id, p.structure_id, p.adviser_id, p.note) for p in proposals} == {
        (w.ines.id, w.tremplin.id, w.adviser1.id, "Très motivés"), (w.jules.id, w.tremplin.id, w.adviser1.id,
                                                                     "Très motivés")}

    # A colleague of the same structure proposes Inès again: refused, named, nothing written.
    again = _propose(_as(app, w.colleague1), need, w.ines)
    assert again.status_code == 422 and "Déjà proposées pour ce besoin : Inès Morel." in page_text(again)
    # Someone the structure does not follow cannot be proposed by it.
    other = _propose(adviser, need, w.karim)
    assert other.status_code == 422 and "Seules les personnes que votre structure accompagne" in page_text(other)
    assert count(session, NeedProposal) == 2

    # The probation service proposes its own person.
    assert _propose(_as(app, w.adviser2), need, w.karim).status_code == 302
    assert count(session, NeedProposal) == 3

    # Whoever posted the need hears of each batch, the sensitive structure unnamed.
    told = session.execute(select(OutboxMessage).where(OutboxMessage.template == "need_proposals")
                           .order_by(OutboxMessage.id)).scalars().all()
    assert [(m.to_address, m.subject) for m in told] == [
        (w.recruiter.email, "2 personnes proposées pour « Agent de propreté »"),
        (w.recruiter.email, "1 personne proposée pour « Agent de propreté »")]
    assert "Association Tremplin propose 2 personnes pour votre besoin" in told[0].text_body
    assert "Un partenaire propose 1 personne" in told[1].text_body and "SPIP" not in told[1].text_body


def test_one_proposal_per_person_and_need_is_a_database_constraint(app, session, w):
    need = post(session, w.union, w.company, w.recruiter)
    session.add(NeedProposal(need_id=need.id, candidate_id=w.ines.id, structure_id=w.tremplin.id))
    session.commit()
    session.add(NeedProposal(need_id=need.id, candidate_id=w.ines.id, structure_id=w.spip.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert count(session, NeedProposal) == 1


def test_the_company_answers_each_proposal_once_from_one_list(app, session, w):
    need = post(session, w.union, w.company, w.recruiter)
    _propose(_as(app, w.adviser1), need, w.ines, w.jules)
    _propose(_as(app, w.adviser2), need, w.karim)
    ines, jules, karim = (session.execute(select(NeedProposal).where(NeedProposal.candidate_id == p.id))
                          .scalar_one() for p in (w.ines, w.jules, w.karim))

    company = _as(app, w.recruiter)
    listing = page_text(company.get(f"/needs/{need.id}"))
    assert "3 propositions" in listing
    assert "Inès Morel" in listing and "Jules Petit" in listing and "Karim Benali" in listing
    assert "Proposé·e par Association Tremplin" in listing
    assert "Proposé·e par un partenaire" in listing and "SPIP" not in listing  # a sensitive structure
    assert "3 en attente de votre réponse" in listing
    assert "3 en attente de votre réponse" in page_text(company.get("/needs"))
    assert "en attente de votre réponse" not in page_text(_as(app, w.adviser1).get("/needs"))
    by_structure = page_text(company.get(f"/needs/{need.id}?order=structure"))
    assert by_structure.index("Association Tremplin") < by_structure.index("un partenaire")
    assert by_structure.index("Karim Benali") > by_structure.index("Jules Petit")
    by_date = page_text(company.get(f"/needs/{need.id}?order=date"))
    assert by_date.index("Inès Morel") < by_date.index("Karim Benali")

    answer = f"/needs/{need.id}/proposals/{{}}/answer"
    missing_reason = post_form(company, answer.format(jules.id), {"decision": "decline"},
                               form_page=f"/needs/{need.id}")
    assert missing_reason.status_code == 422 and "Choisissez le motif du refus." in page_text(missing_reason)
    assert post_form(company, answer.format(ines.id), {"decision": "accept"},
                     form_page=f"/needs/{need.id}").status_code == 302
    assert post_form(company, answer.format(jules.id), {"decision": "decline", "reason": "experience"},
                     form_page=f"/needs/{need.id}").status_code == 302
    twice = post_form(company, answer.format(ines.id), {"decision": "decline", "reason": "location"},
                      form_page=f"/needs/{need.id}")
    assert twice.status_code == 422 and "Cette proposition a déjà reçu une réponse." in page_text(twice)
    rows = {p.id: p for p in session.execute(select(NeedProposal).execution_options(populate_existing=True))
            .scalars()}
    assert [rows[p.id].status for p in (ines, jules, karim)] == [ProposalStatus.accepted, ProposalStatus.declined,
                                                                 ProposalStatus.proposed]
    assert rows[ines.id].answered_by_id == w.recruiter.id and rows[jules.id].decline_reason.value == "experience"
    logged = session.execute(select(AuditEntry.action, AuditEntry.object_id, AuditEntry.actor_id)
                             .where(AuditEntry.action == "need.answer").order_by(AuditEntry.id)).all()
    assert logged == [("need.answer", ines.id, w.recruiter.id), ("need.answer", jules.id, w.recruiter.id)]

    # Every adviser of the proposing structure is told by mail, once per answer, and sees it on the page.
    mails = session.execute(select(OutboxMessage).where(OutboxMessage.template == "need_answer")
                            .order_by(OutboxMessage.id)).scalars().all()
    assert sorted((m.to_address, m.idempotency_key) for m in mails) == sorted([
        (w.adviser1.email, f"need-answer:{ines.id}:{w.adviser1.id}"),
        (w.colleague1.email, f"need-answer:{ines.id}:{w.colleague1.id}"),
        (w.adviser1.email, f"need-answer:{jules.id}:{w.adviser1.id}"),
        (w.colleague1.email, f"need-answer:{jules.id}:{w.colleague1.id}")])
    assert "Propreté Services accepte Inès Morel" in mails[0].subject
    declined = next(m for m in mails if m.idempotency_key == f"need-answer:{jules.id}:{w.colleague1.id}")
    assert "Propreté Services ne retient pas Jules Petit, que votre structure a proposé·e" in declined.text_body
    assert "Motif indiqué : L'expérience demandée ne correspond pas." in declined.text_body
    seen = page_text(_as(app, w.colleague1).get(f"/needs/{need.id}"))
    assert "Inès Morel" in seen and "Acceptée" in seen and "Non retenue" in seen and "Karim" not in seen
    probation = page_text(_as(app, w.adviser2).get(f"/needs/{need.id}"))
    assert "Karim Benali" in probation and "En attente de la réponse de l’entreprise" in probation
    assert "Inès" not in probation

    # Karim withdraws his consent to the union: the company no longer reads his name; his adviser does.
    with app.test_request_context():
        consent.withdraw(session, w.karim.id, ConsentPurpose.network, organisation_id=w.union.id)
        session.commit()
    hidden = page_text(company.get(f"/needs/{need.id}"))
    assert "Karim" not in hidden and f"Une personne qui ne souhaite plus être nommée (n° {karim.id})" in hidden
    done = post_form(company, answer.format(karim.id), {"decision": "accept"}, form_page=f"/needs/{need.id}")
    assert "Karim" not in page_text(company.get(done.headers["Location"]))
    assert "Karim Benali" in page_text(_as(app, w.adviser2).get(f"/needs/{need.id}"))


def test_a_need_becomes_interviews_the_accepted_people_are_invited_to_book(app, session, factory, w):
    organiser = factory.organisation("organiser", "Métropole")
    edition = factory.edition(organiser, booking_policy=BookingPolicy.invitation)
    booth = factory.booth(edition, w.company)
    need = post(session, w.union, w.company, w.recruiter)
    for person, adviser, structure in ((w.ines, w.adviser1, w.tremplin), (w.jules, w.adviser1, w.tremplin),
                                       (w.karim, w.adviser2, w.spip)):
        session.add(NeedProposal(need_id=need.id, candidate_id=person.id, structure_id=structure.id,
                                 adviser_id=adviser.id))
    session.commit()
    for accepted in (w.ines, w.karim):
        session.execute(select(NeedProposal).where(NeedProposal.candidate_id == accepted.id)).scalar_one().status = \
            ProposalStatus.accepted
    # Karim chose text messages: his invitation goes by SMS.
    w.karim.phone, w.karim.notify_by = "+33612345678", "sms"
    session.commit()
    with app.test_request_context():
        consent.give(session, w.karim.id, ConsentPurpose.sms, "SMS consent as shown", "test-1")
        session.commit()

    company = _as(app, w.recruiter)
    assert "Les rencontrer en job dating" in page_text(company.get(f"/needs/{need.id}"))
    path = f"/needs/{need.id}/job-dating?booth={booth.id}"
    form = {"booth": str(booth.id), "whom": "accepted", "day": "2030-03-12", "start": "10:00", "end": "11:00",
            "mode": "phone", "slot_minutes": "20", "buffer_minutes": "0"}
    bad = post_form(company, path, {**form, "end": "09:00"})
    assert bad.status_code == 422 and count(session, Slot) == 0
    assert count(session, NeedProposal, NeedProposal.invited_at.is_not(None)) == 0
    done = post_form(company, path, form)
    assert done.status_code == 302
    assert count(session, Slot, Slot.booth_id == booth.id) == 3
    invited = session.execute(select(NeedProposal).where(NeedProposal.invited_at.is_not(None))
                              .execution_options(populate_existing=True)).scalars().all()
    assert {p.candidate_id for p in invited} == {w.ines.id, w.karim.id}
    assert {p.invited_booth_id for p in invited} == {booth.id}
    sent = session.execute(select(OutboxMessage).where(OutboxMessage.template == "need_invitation")
                           .order_by(OutboxMessage.channel)).scalars().all()
    assert [(m.channel, m.to_address) for m in sent] == [("mail", w.ines.email), ("sms", "+33612345678")]
    assert all(f"/booths/{booth.id}" in m.text_body for m in sent)
    assert sent[1].text_body.startswith("Propreté Services veut vous rencontrer (Agent de propreté).")
    assert "Invitation à réserver un entretien envoyée le" in page_text(_as(app, w.adviser1).get(f"/needs/{need.id}"))

    # The invitation lets her book under the edition's "invited only" policy; Jules was not invited.
    slots = session.execute(select(Slot).where(Slot.booth_id == booth.id).order_by(Slot.starts_at)).scalars().all()
    with app.test_request_context():
        jobdating.book(session, slot_id=slots[0].id, candidate_id=w.ines.id)
        session.commit()
        with pytest.raises(jobdating.BookingError):
            jobdating.book(session, slot_id=slots[1].id, candidate_id=w.jules.id)
        session.rollback()

    # Nobody left to invite: a translated message, nothing opened.
    again = post_form(company, path, {**form, "start": "12:00", "end": "13:00"})
    assert again.status_code == 422 and "Personne à inviter" in page_text(again)
    assert count(session, Slot, Slot.booth_id == booth.id) == 3


def test_another_networks_needs_answer_404(app, session, factory, w):
    other_union = factory.organisation("network", "Union du Sud")
    other_company = factory.organisation("company", "Sud Logistique")
    other_recruiter = factory.person("sud@example.org", "Sud RH", other_company)
    need = post(session, other_union, other_company, other_recruiter)
    proposal = NeedProposal(need_id=need.id, candidate_id=w.ines.id, structure_id=w.tremplin.id)
    session.add(proposal)
    session.commit()
    for user in (w.recruiter, w.adviser1, w.coordinator, w.stranger):
        client = _as(app, user)
        assert client.get(f"/needs/{need.id}").status_code == 404
        assert _propose(client, need, w.ines).status_code == 404
        assert post_form(client, f"/needs/{need.id}/proposals/{proposal.id}/answer", {"decision": "accept"},
                         form_page="/account").status_code == 404
        assert post_form(client, f"/needs/{need.id}/close", {}, form_page="/account").status_code == 404
        assert client.get(f"/networks/{other_union.id}/needs/new").status_code == 404
    assert count(session, NeedProposal) == 1


def test_a_closed_need_takes_no_more_proposals(app, session, w):
    need = post(session, w.union, w.company, w.recruiter)
    company = _as(app, w.recruiter)
    assert post_form(company, f"/needs/{need.id}/close", {}, form_page=f"/needs/{need.id}").status_code == 302
    adviser = _as(app, w.adviser1)
    page = page_text(adviser.get(f"/needs/{need.id}"))
    assert "Clôturé" in page and "Proposer les personnes cochées" not in page
    refused = post_form(adviser, f"/needs/{need.id}/proposals", {"candidate": [str(w.ines.id)]},
                        form_page="/account")
    assert refused.status_code == 422
    assert "Ce besoin est clôturé : il ne reçoit plus de propositions." in page_text(refused)
    assert count(session, NeedProposal) == 0


def test_a_group_of_employers_member_of_the_union_posts_a_need(app, session, factory, w):
    from fair.networks.models import NetworkMember

    group = factory.organisation("network", "Groupement d’employeurs du BTP")
    session.add(NetworkMember(network_id=w.union.id, member_id=group.id))
    session.commit()
    member = factory.person("geiq@example.org", "Gaëlle Groupement", group)
    client = _as(app, member)
    form = page_text(client.get(f"/networks/{w.union.id}/needs/new"))
    assert "Groupement d’employeurs du BTP" in form and "Propreté Services" not in form
    assert post_form(client, f"/networks/{w.union.id}/needs/new", {**NEED, "company": str(group.id)}).status_code == 302
    need = session.execute(select(RecruitmentNeed)).scalar_one()
    assert need.company_id == group.id
    assert "Groupement d’employeurs du BTP" in page_text(_as(app, w.adviser1).get(f"/needs/{need.id}"))
