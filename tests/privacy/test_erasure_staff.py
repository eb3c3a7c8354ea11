"""An administrator erases a recruiter on request (SQLite and PostgreSQL): the typed address confirms,
the erasure is audited, the audit log keeps a pseudonym where it quoted them, and no value of theirs is
left; the team rule and the last administrator hold; an erased candidate reads "Deleted account" on the
recruiter's pages."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fair.clock import frozen_at
from tests.conftest import login, page_text, post_form
from tests.privacy.erasure_world import Captured, scan_database

RECRUITER = {"name": "Théodora Xanthoulis", "email": "theodora.xanthoulis@example.org", "phone": "07 11 22 33 99",
             "chat": "réponse xanthouliste au stand", "private": "message privé xanthoulesque"}


def test_an_administrator_erases_a_recruiter_and_the_audit_keeps_a_pseudonym(app, session, factory, client):
    from fair import audit
    from fair.accounts.models import Membership, User
    from fair.audit import AuditEntry
    from fair.live import chat

    admin = factory.person("admin@example.org", "Ada Admin")
    session.get(User, admin.id).is_admin = True
    company = factory.organisation("company", "Acme")
    factory.member(company, "owner@example.org", role="owner")
    recruiter = factory.member(company, RECRUITER["email"], full_name=RECRUITER["name"], phone=RECRUITER["phone"])
    organiser = factory.organisation("organiser", "Métropole")
    edition = factory.live_edition(organiser)
    booth = factory.booth(edition, company)
    candidate = factory.person("cand@example.org", "Camille Candidate")
    chat.post(session, booth, recruiter, RECRUITER["chat"])
    chat.post(session, booth, candidate, "Bonjour")
    pair = chat.pair_for(session, booth, recruiter, chat.chat_id(booth.id, candidate.id))
    chat.send_private(session, pair, RECRUITER["private"])
    audit.record(session, "team.invite", recruiter, organisation_id=company.id, actor=admin)  # quotes the address
    audit.record(session, "booth.update", booth, actor=recruiter)  # the recruiter as actor
    session.commit()
    recruiter_id, admin_id = recruiter.id, admin.id
    assert set(scan_database(session, RECRUITER)) == set(RECRUITER)

    login(client, "admin@example.org")
    page = client.get(f"/admin/people/{recruiter_id}/erase")
    assert page.status_code == 200
    wrong = post_form(client, f"/admin/people/{recruiter_id}/erase", {"confirmation": "someone@example.org"})
    assert wrong.status_code == 422 and "Ce n’est pas l’adresse de ce compte." in page_text(wrong)
    with Captured() as logs:
        done = post_form(client, f"/admin/people/{recruiter_id}/erase", {"confirmation": RECRUITER["email"].upper()})
    assert done.status_code == 302
    assert logs.found(RECRUITER) == []

    assert scan_database(session, RECRUITER) == {}
    session.expire_all()
    assert session.execute(select(Membership).where(Membership.user_id == recruiter_id)).first() is None
    entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())
    erased = [e for e in entries if e.action == "account.erase"]
    assert len(erased) == 1 and erased[0].actor_id == admin_id and erased[0].object_id == recruiter_id
    pseudonym = erased[0].object_label
    assert pseudonym.startswith("deleted account #")
    assert [e.object_label for e in entries if e.action == "team.invite"] == [pseudonym]
    assert [e.actor_email for e in entries if e.action == "booth.update"] == [pseudonym]
    person_page = client.get(f"/admin/people/{recruiter_id}")
    assert "Compte supprimé" in page_text(person_page) and RECRUITER["name"] not in page_text(person_page)


def test_the_last_owner_and_the_last_administrator_are_refused(app, session, factory, client):
    from fair.accounts.models import User

    admin = factory.person("admin@example.org", "Ada Admin")
    session.get(User, admin.id).is_admin = True
    company = factory.organisation("company", "Acme")
    owner = factory.member(company, "owner@example.org", role="owner")
    factory.member(company, "member@example.org")
    session.commit()
    owner_id, admin_id = owner.id, admin.id

    login(client, "admin@example.org")
    refused = post_form(client, f"/admin/people/{owner_id}/erase", {"confirmation": "owner@example.org"},
                        form_page=f"/admin/people/{owner_id}/erase")
    assert refused.status_code == 422
    assert "Ce compte est le dernier propriétaire de Acme" in page_text(refused)
    session.expire_all()
    assert session.get(User, owner_id).erased_at is None

    own = client.get("/account/delete")
    assert "C’est le dernier administrateur actif de l’instance" in page_text(own)
    refused = post_form(client, "/account/delete", {"password": "correct horse battery staple"},
                        form_page="/account")
    assert refused.status_code == 422
    session.expire_all()
    assert session.get(User, admin_id).erased_at is None


def test_an_erased_candidate_reads_deleted_account_on_the_recruiters_day(app, session, factory, client):
    from fair.accounts.models import User
    from fair.jobdating.models import Attendance, Booking, Outcome, Slot
    from fair.privacy import erasure

    organiser = factory.organisation("organiser", "Métropole")
    start = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.timezone.utc)
    edition = factory.edition(organiser, status="archived", starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company = factory.organisation("company", "Acme")
    recruiter = factory.member(company, "recruiter@example.org")
    booth = factory.booth(edition, company)
    factory.slot_range(booth, recruiter, start.date(), "12:00", "13:00")
    slot = session.execute(select(Slot).where(Slot.booth_id == booth.id)).scalars().first()
    candidate = factory.person("passe@example.org", "Pascaline Passée")
    session.add(Booking(slot_id=slot.id, booth_id=booth.id, edition_id=edition.id, candidate_id=candidate.id,
                        starts_at=slot.starts_at, ends_at=slot.ends_at, attendance=Attendance.attended,
                        outcome=Outcome.not_retained))
    session.commit()
    day = slot.starts_at.date().isoformat()
    with frozen_at(start + dt.timedelta(days=2)):
        login(client, "recruiter@example.org")
        assert "Pascaline Passée" in page_text(client.get(f"/recruiter/interviews?day={day}"))
        erasure.erase(session, session.get(User, candidate.id), actor=None, how="self")
        session.commit()
        text = page_text(client.get(f"/recruiter/interviews?day={day}"))
    assert "Compte supprimé" in text and "Pascaline" not in text


def test_with_two_step_sign_in_a_code_confirms_the_deletion(app, session, factory, client):
    from fair import clock
    from fair.accounts.models import User
    from tests.accounts.test_mfa import code_at, enrol

    now = [dt.datetime.now(dt.UTC)]
    clock.set_clock(lambda: now[0])
    try:
        recruiter = factory.member(factory.organisation("company", "Solo"), "solo@example.org")
        recruiter_id = recruiter.id
        login(client, "solo@example.org")
        secret, _codes = enrol(client, now)
        page = client.get("/account/delete")
        assert "Code de votre application d’authentification, ou un code de secours" in page_text(page)
        refused = post_form(client, "/account/delete", {"code": "000000"})
        assert refused.status_code == 422 and "Ce code n’est pas correct." in page_text(refused)
        now[0] += dt.timedelta(seconds=30)
        done = post_form(client, "/account/delete", {"code": code_at(secret, now[0])})
        assert done.status_code == 302
    finally:
        clock.set_clock(None)
    session.expire_all()
    assert session.get(User, recruiter_id).erased_at is not None
    assert session.get(User, recruiter_id).totp_secret is None
