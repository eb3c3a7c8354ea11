"""The structure's shared file on a person: its advisers see everyone it follows, read one timeline,
write notes only they read, and hand a person to a colleague without losing anything of the file."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from fair.audit import AuditEntry
from fair.candidates.models import AdviserNote, Application, ApplicationStatus, Referral, ReferralStatus
from fair.db import utcnow
from fair.jobdating.models import Attendance, Booking, Slot
from fair.outcomes.models import ContractType, Outcome, RecordedAs
from tests.candidates.helpers import count
from tests.companies.helpers import page_text
from tests.conftest import login, post_form, run_jobs


def _confirmed(session, adviser, partner, candidate, days_ago: int = 10) -> Referral:
    referral = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id,
                        status=ReferralStatus.confirmed, consent_text="ok",
                        created_at=utcnow() - dt.timedelta(days=days_ago),
                        confirmed_at=utcnow() - dt.timedelta(days=days_ago - 1))
    session.add(referral)
    session.commit()
    return referral


def _history(session, factory, world):
    """An application declined, an interview the person missed, and a hire recorded."""
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id,
                              created_at=utcnow() - dt.timedelta(days=8), status=ApplicationStatus.rejected,
                              status_changed_at=utcnow() - dt.timedelta(days=7))
    session.add(application)
    factory.slot_range(world.booth_b, world.recruiter_b, dt.date(2030, 3, 12), "10:00", "10:30", slot_minutes=30)
    slot = session.execute(select(Slot).where(Slot.booth_id == world.booth_b.id)).scalars().first()
    session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                        candidate_id=world.candidate.id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                        created_at=utcnow() - dt.timedelta(days=6), attendance=Attendance.no_show))
    session.add(Outcome(candidate_id=world.candidate.id, company_id=world.company_a.id, contract=ContractType.cdi,
                        job_title="Cariste", starts_on=dt.date(2030, 4, 1), recorded_as=RecordedAs.recruiter,
                        created_at=utcnow() - dt.timedelta(days=2)))
    session.commit()


def timeline(client, candidate_id: int) -> list[str]:
    response = client.get(f"/adviser/people/{candidate_id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    block = re.search(r'<ol class="cand-list timeline" id="timeline">(.*?)</ol>', body, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in re.findall(r"<li.*?</li>", block, re.S)]


def test_every_adviser_of_the_structure_sees_the_people_it_follows_with_their_adviser(client, world, factory,
                                                                                         session):
    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    _confirmed(session, world.adviser, world.partner, world.candidate)
    _confirmed(session, world.other_adviser, world.other_partner, world.other_candidate)
    login(client, colleague.email)
    home = page_text(client.get("/adviser/"))
    assert "Camille Candidate" in home and "Suivie par Adviser One" in home
    assert "Dominique Other" not in home  # another structure's person
    page = page_text(client.get(f"/adviser/people/{world.candidate.id}"))
    assert "Dossier de Camille Candidate" in page and "Orientée par Adviser One (Mission locale de Lille)." in page
    # Another structure's person, someone nobody follows, and nonsense: not found.
    assert client.get(f"/adviser/people/{world.other_candidate.id}").status_code == 404
    assert client.get(f"/adviser/people/{world.recruiter_a.id}").status_code == 404
    assert client.get("/adviser/people/99999999").status_code == 404


def test_the_timeline_tells_the_path_newest_first(client, world, factory, session):
    _confirmed(session, world.adviser, world.partner, world.candidate)
    _history(session, factory, world)
    login(client, world.adviser.email)
    lines = timeline(client, world.candidate.id)
    wanted = ["Suite enregistrée : Cariste chez Transports Rapides.",
              "Absente à l’entretien avec Boulangerie du Nord.",
              "Entretien réservé avec Boulangerie du Nord.",
              "Candidature à « Conducteur poids lourd » chez Transports Rapides : Non retenue.",
              "Candidature à « Conducteur poids lourd » chez Transports Rapides.",
              "La personne a accepté d’être suivie par Mission locale de Lille.",
              "Orientée par Adviser One (Mission locale de Lille)."]
    # The no-show is dated at the interview (2030), the rest by when it happened: each line is there once.
    for text in wanted:
        assert sum(text in line for line in lines) == 1, (text, lines)
    positions = [next(i for i, line in enumerate(lines) if text in line) for text in wanted[2:]]
    assert positions == sorted(positions)


def test_notes_are_read_by_the_structure_only_and_bad_input_changes_nothing(client, app, world, factory, session):
    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    _confirmed(session, world.adviser, world.partner, world.candidate)
    login(client, world.adviser.email)
    path = f"/adviser/people/{world.candidate.id}"
    empty = post_form(client, f"{path}/notes", {"text": "  ", "partner_id": str(world.partner.id)}, form_page=path)
    assert empty.status_code == 422 and "Ce champ est obligatoire." in page_text(empty)
    wrong = post_form(client, f"{path}/notes", {"text": "Rappeler lundi", "partner_id": str(world.other_partner.id)},
                      form_page=path)
    assert wrong.status_code == 422 and "Choisissez dans la liste." in page_text(wrong)
    assert count(session, AdviserNote) == 0
    done = post_form(client, f"{path}/notes", {"text": "Rappeler lundi : permis en cours",
                                               "partner_id": str(world.partner.id)}, form_page=path)
    assert done.status_code == 302
    other = app.test_client()
    login(other, colleague.email)
    assert "Note de Adviser One. Rappeler lundi : permis en cours" in " ".join(timeline(other, world.candidate.id))
    # Another structure's adviser cannot reach the file, nor write on it.
    stranger = app.test_client()
    login(stranger, world.other_adviser.email)
    assert stranger.get(path).status_code == 404
    assert post_form(stranger, f"{path}/notes", {"text": "x", "partner_id": str(world.partner.id)},
                     form_page="/adviser/").status_code == 404
    # Nor does the company the person applied to.
    recruiter = app.test_client()
    login(recruiter, world.recruiter_a.email)
    assert recruiter.get(path).status_code == 404
    assert count(session, AdviserNote) == 1


def test_handing_a_person_over_keeps_their_timeline_whole(client, app, world, factory, session, smtp):
    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    referral = _confirmed(session, world.adviser, world.partner, world.candidate)
    _history(session, factory, world)
    login(client, world.adviser.email)
    path = f"/adviser/people/{world.candidate.id}"
    assert post_form(client, f"{path}/notes", {"text": "Mobilité : vélo", "partner_id": str(world.partner.id)},
                     form_page=path).status_code == 302
    before = timeline(client, world.candidate.id)

    response = post_form(client, f"{path}/handover", {"referral_id": str(referral.id), "to_id": str(colleague.id)},
                         form_page=path)
    assert response.status_code == 302

    after = timeline(client, world.candidate.id)
    [handover] = [line for line in after if "Transmise de" in line]
    assert "Transmise de Adviser One à Colleague Deux par Adviser One." in handover
    assert [line for line in after if line != handover] == before  # the same, plus the handover line
    # Newest first: only the interview's no-show, dated at the interview (in 2030), comes before it.
    assert after.index(handover) == 1 and "Absente à l’entretien" in after[0]
    session.expire_all()
    assert session.get(Referral, referral.id).adviser_id == colleague.id
    assert session.get(Referral, referral.id).status is ReferralStatus.confirmed
    [entry] = session.execute(select(AuditEntry).where(AuditEntry.action == "referral.handover")).scalars()
    assert entry.details == {"from": world.adviser.id, "to": colleague.id}
    assert entry.organisation_id == world.partner.id
    run_jobs(app)
    [message] = smtp.wait_for(world.candidate.email)
    assert message["Subject"] == "Colleague Deux vous suit désormais à Mission locale de Lille"
    assert "Désormais, Colleague Deux, de Mission locale de Lille, suit vos candidatures" in \
        message.get_body(("plain",)).get_content()
    # The new adviser reads the same file; the old one still does, as an adviser of the structure.
    other = app.test_client()
    login(other, colleague.email)
    assert timeline(other, world.candidate.id) == after


def test_a_handover_to_someone_outside_the_structure_is_refused_and_changes_nothing(client, world, factory, session):
    referral = _confirmed(session, world.adviser, world.partner, world.candidate)
    login(client, world.adviser.email)
    path = f"/adviser/people/{world.candidate.id}"
    response = post_form(client, f"{path}/handover", {"referral_id": str(referral.id),
                                                      "to_id": str(world.other_adviser.id)}, form_page=path)
    assert response.status_code == 422 and "Choisissez dans la liste." in page_text(response)
    same = post_form(client, f"{path}/handover", {"referral_id": str(referral.id), "to_id": str(world.adviser.id)},
                     form_page=path)
    assert same.status_code == 422 and "Adviser One suit déjà cette personne." in page_text(same)
    session.expire_all()
    assert session.get(Referral, referral.id).adviser_id == world.adviser.id
    assert count(session, AdviserNote) == 0
    assert count(session, AuditEntry, AuditEntry.action == "referral.handover") == 0


def test_an_owner_hands_over_everyone_a_leaving_adviser_follows(client, app, world, factory, session, smtp):
    owner = factory.member(world.partner, email="owner@example.org", full_name="Owner Trois", role="owner")
    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    first = _confirmed(session, world.adviser, world.partner, world.candidate)
    second = _confirmed(session, world.adviser, world.partner, world.other_candidate)
    path = f"/adviser/structures/{world.partner.id}/handover"
    # A member who is not an owner does not find the page.
    login(client, colleague.email)
    assert client.get(path).status_code == 404
    manager = app.test_client()
    login(manager, owner.email)
    assert "Adviser One (2)" in page_text(manager.get(path))
    response = post_form(manager, path, {"from_id": str(world.adviser.id), "to_id": str(colleague.id)})
    assert response.status_code == 302
    assert "2 personnes transmises à Colleague Deux" in page_text(manager.get(path))
    session.expire_all()
    assert {session.get(Referral, r.id).adviser_id for r in (first, second)} == {colleague.id}
    assert count(session, AuditEntry, AuditEntry.action == "referral.handover") == 2
    run_jobs(app)
    smtp.wait_for(world.candidate.email)
    smtp.wait_for(world.other_candidate.email)
    # Another structure's owner page is not found.
    assert manager.get(f"/adviser/structures/{world.other_partner.id}/handover").status_code == 404


def test_erasing_a_person_deletes_the_notes_about_them_and_only_those(client, app, world, factory, session):
    from fair.privacy.erasure import erase

    referral = _confirmed(session, world.adviser, world.partner, world.candidate)
    login(client, world.adviser.email)
    path = f"/adviser/people/{world.candidate.id}"
    post_form(client, f"{path}/notes", {"text": "Permis B en cours", "partner_id": str(world.partner.id)},
              form_page=path)
    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    post_form(client, f"{path}/handover", {"referral_id": str(referral.id), "to_id": str(colleague.id)},
              form_page=path)
    kept = _confirmed(session, world.adviser, world.partner, world.other_candidate)
    post_form(client, f"/adviser/people/{world.other_candidate.id}/notes",
              {"text": "Autre personne", "partner_id": str(world.partner.id)},
              form_page=f"/adviser/people/{world.other_candidate.id}")
    assert count(session, AdviserNote) == 3
    erase(session, session.get(type(world.candidate), world.candidate.id), actor=None, how="self")
    session.commit()
    assert count(session, AdviserNote, AdviserNote.candidate_id == world.candidate.id) == 0
    assert count(session, AdviserNote, AdviserNote.candidate_id == kept.candidate_id) == 1


def test_the_team_page_leads_an_owner_to_hand_over_a_member_s_people(client, app, world, factory, session):
    owner = factory.member(world.partner, email="owner@example.org", full_name="Owner Trois", role="owner")
    _confirmed(session, world.adviser, world.partner, world.candidate)
    login(client, owner.email)
    team = client.get(f"/organisations/{world.partner.id}/team").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Transmettre les personnes suivies à un collègue<span class="visually-hidden">'
                     r' — Adviser One</span>', team).group(1)
    assert link == f"/adviser/structures/{world.partner.id}/handover?from={world.adviser.id}"
    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.adviser.id}">Adviser One \(1\)</option>', page)
    # A company's team page offers nothing of the kind.
    recruiter_owner = factory.member(world.company_a, email="boss@example.org", role="owner")
    company = app.test_client()
    login(company, recruiter_owner.email)
    assert "Transmettre les personnes suivies" not in company.get(
        f"/organisations/{world.company_a.id}/team").get_data(as_text=True)


def test_a_person_reached_by_text_message_hears_of_the_handover_by_sms(client, world, factory, session):
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.mail.models import OutboxMessage

    colleague = factory.member(world.partner, email="colleague@example.org", full_name="Colleague Deux")
    person = factory.user(email=None, mobile="+33612345678", phone="+33612345678", full_name="Lou Mobile",
                          notify_by="sms")
    consent.give(session, person.id, ConsentPurpose.sms, "SMS ok", "v1")
    session.commit()
    referral = _confirmed(session, world.adviser, world.partner, person)
    login(client, world.adviser.email)
    path = f"/adviser/people/{person.id}"
    assert post_form(client, f"{path}/handover", {"referral_id": str(referral.id), "to_id": str(colleague.id)},
                     form_page=path).status_code == 302
    session.expire_all()
    [sms] = session.execute(select(OutboxMessage).where(OutboxMessage.channel == "sms")).scalars()
    assert sms.to_address == "+33612345678"
    assert "Désormais, Colleague Deux (Mission locale de Lille) suit vos candidatures au salon." in sms.text_body
    assert count(session, OutboxMessage, OutboxMessage.channel == "mail") == 0


def test_the_timeline_tells_each_step_of_an_application(client, app, world, session):
    _confirmed(session, world.adviser, world.partner, world.candidate)
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id)
    session.add(application)
    session.commit()
    recruiter = app.test_client()
    login(recruiter, world.recruiter_a.email)
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}"
    assert post_form(recruiter, f"{inbox}/shortlist", {}, form_page=inbox).status_code == 302
    assert post_form(recruiter, f"{inbox}/reject", {"reason": "position_filled"}, form_page=inbox).status_code == 302
    login(client, world.adviser.email)
    lines = timeline(client, world.candidate.id)
    steps = [line for line in lines if "Candidature à « Conducteur poids lourd » chez Transports Rapides" in line]
    endings = [step.split("Transports Rapides")[1].strip() for step in steps]
    assert endings == [": Non retenue.", ": Présélectionnée.", "."]


def test_a_moved_interview_keeps_its_first_time_and_says_who_moved_it(client, world, factory, session):
    from fair.jobdating import services as jobdating

    _confirmed(session, world.adviser, world.partner, world.candidate)
    factory.slot_range(world.booth_b, world.recruiter_b, dt.date(2030, 3, 12), "10:00", "11:00", slot_minutes=30)
    first, second = session.execute(select(Slot).where(Slot.booth_id == world.booth_b.id)
                                    .order_by(Slot.starts_at)).scalars().all()
    booking = jobdating.book(session, slot_id=first.id, candidate_id=world.candidate.id)
    session.commit()
    login(client, world.adviser.email)
    page = f"/adviser/interviews/{booking.id}/move"
    assert post_form(client, page, {"slot_id": str(second.id)}, form_page=page).status_code == 302

    lines = timeline(client, world.candidate.id)
    [booked] = [line for line in lines if "Entretien réservé avec Boulangerie du Nord." in line]
    [moved] = [line for line in lines if "Entretien avec Boulangerie du Nord déplacé par Adviser One." in line]
    assert "12 mars 2030, 10:00" in booked and "10:30" not in booked  # the time it was first set
    assert "12 mars 2030, 10:30" in moved
    assert lines.index(moved) < lines.index(booked)  # newest first
