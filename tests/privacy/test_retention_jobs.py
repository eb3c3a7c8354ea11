"""Retention runs by itself (SQLite and PostgreSQL), moved by the test clock: each rule removes what
it says on the day it says, not the day before, and nothing else; the edition's figures are the same
after. A hired candidate, a talent-pool candidate and a recent mail are untouched."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from fair.clock import frozen_at

ENDED = dt.datetime(2026, 1, 10, 18, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


def _stats(session, edition_id) -> str:
    from fair.candidates.services import edition_statistics
    from fair.fairs.models import Edition
    from fair.jobdating.services import edition_overview

    session.expire_all()
    edition = session.get(Edition, edition_id)
    figures = repr(edition_statistics(edition)) + repr(edition_overview(session, edition))
    session.rollback()
    return figures


def _ended_edition(factory, session, name="Métropole", retention=None):
    from fair.accounts.models import Organisation

    organiser = factory.organisation("organiser", name)
    if retention is not None:
        session.get(Organisation, organiser.id).retention = retention
        session.commit()
    edition = factory.edition(organiser, status="archived", starts_at=ENDED - dt.timedelta(hours=8), ends_at=ENDED)
    company = factory.organisation("company", f"Acme {name}")
    recruiter = factory.member(company, f"recruiter-{organiser.id}@example.org")
    booth = factory.booth(edition, company)
    offer = factory.offer(booth, "Cariste")
    factory.slot_range(booth, recruiter, ENDED.date(), "12:00", "14:00")
    return edition, booth, offer, recruiter


def _take_part(session, booth, offer, candidate, status, outcome=None, message="Bonjour"):
    from fair.candidates.models import Application, ApplicationStatus
    from fair.jobdating.models import Attendance, Booking, Outcome, Slot

    session.add(Application(candidate_id=candidate.id, offer_id=offer.id, message=message,
                            status=ApplicationStatus(status)))
    if outcome is not None:
        taken = select(Booking.slot_id)
        slot = session.execute(select(Slot).where(Slot.booth_id == booth.id, Slot.id.not_in(taken))
                               .order_by(Slot.starts_at)).scalars().first()
        session.add(Booking(slot_id=slot.id, booth_id=booth.id, edition_id=booth.edition_id, candidate_id=candidate.id,
                            starts_at=slot.starts_at, ends_at=slot.ends_at, attendance=Attendance.attended,
                            outcome=Outcome(outcome)))
    session.commit()


def _owner_of_application(session, offer_id, message):
    from fair.candidates.models import Application

    session.expire_all()
    row = session.execute(select(Application).where(Application.offer_id == offer_id,
                                                    Application.message == message)).scalar_one_or_none()
    session.rollback()
    return row.candidate_id if row else None


def test_applications_not_retained_are_anonymised_on_their_day(app, session, factory):
    from fair.accounts.consent import ConsentPurpose, ConsentRecord
    from fair.accounts.models import User
    from fair.audit import AuditEntry
    from fair.candidates.models import Application, CandidateProfile, Referral, ReferralStatus
    from fair.privacy.jobs import anonymise_applications

    edition, booth, offer, _recruiter = _ended_edition(factory, session)
    rejected = factory.person("rejetee@example.org", "Rose Rejetée")
    hired = factory.person("embauche@example.org", "Hugo Embauché")
    pool = factory.person("vivier@example.org", "Véra Vivier")
    _take_part(session, booth, offer, rejected, "rejected", outcome="not_retained", message="msg-rejected")
    _take_part(session, booth, offer, hired, "shortlisted", outcome="hired", message="msg-hired")
    _take_part(session, booth, offer, pool, "rejected", message="msg-pool")
    session.add(CandidateProfile(user_id=rejected.id, situations=["qpv", "rsa"], situation_consent_at=ENDED,
                                 city="Roubaix"))
    partner = factory.organisation("partner", "Mission locale")
    adviser = factory.member(partner, "conseil@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=rejected.id,
                         status=ReferralStatus.confirmed, confirmed_at=ENDED, note="suivie"))
    session.add(ConsentRecord(user_id=pool.id, purpose=ConsentPurpose.talent_pool, text="Vivier", version="1"))
    session.get(User, pool.id).last_active_at = ENDED + 10 * DAY
    session.commit()
    edition_id, offer_id = edition.id, offer.id
    rejected_id, hired_id, pool_id = rejected.id, hired.id, pool.id
    figures = _stats(session, edition_id)

    due = ENDED + 92 * DAY
    with frozen_at(due - dt.timedelta(minutes=1)):
        assert anonymise_applications() == {"editions": 0, "people": 0}
    assert _owner_of_application(session, offer_id, "msg-rejected") == rejected_id

    with frozen_at(due):
        assert anonymise_applications() == {"editions": 1, "people": 1}
    session.expire_all()
    assert _owner_of_application(session, offer_id, "msg-rejected") is None  # moved, its text emptied
    moved = session.execute(select(Application).where(Application.offer_id == offer_id, Application.message == "")
                            ).scalar_one()
    tombstone = session.get(User, moved.candidate_id)
    assert tombstone.erased_at is not None and tombstone.id != rejected_id and tombstone.email.endswith(".invalid")
    assert session.get(User, rejected_id).full_name == "Rose Rejetée"  # the account lives on
    assert session.get(User, rejected_id).erased_at is None
    copied = session.execute(select(CandidateProfile).where(CandidateProfile.user_id == tombstone.id)).scalar_one()
    assert copied.situations == ["qpv", "rsa"] and copied.city is None
    assert _owner_of_application(session, offer_id, "msg-hired") == hired_id
    assert _owner_of_application(session, offer_id, "msg-pool") == pool_id
    assert _stats(session, edition_id) == figures
    audit = session.execute(select(AuditEntry).where(AuditEntry.action == "retention.applications")
                            .order_by(AuditEntry.id.desc())).scalars().first()
    assert audit.details == {"editions": 1, "people": 1} and audit.actor_id is None

    with frozen_at(due + DAY):
        assert anonymise_applications() == {"editions": 0, "people": 0}  # idempotent

    pool_due = ENDED + 10 * DAY + 730 * DAY
    with frozen_at(pool_due - DAY):
        anonymise_applications()
    assert _owner_of_application(session, offer_id, "msg-pool") == pool_id
    with frozen_at(pool_due):
        assert anonymise_applications() == {"editions": 1, "people": 1}
    assert _owner_of_application(session, offer_id, "msg-pool") is None
    assert _owner_of_application(session, offer_id, "msg-hired") == hired_id
    assert _stats(session, edition_id) == figures


def test_an_organisers_own_period_replaces_the_instances(app, session, factory):
    from fair.privacy.jobs import anonymise_applications

    _edition, booth, offer, _recruiter = _ended_edition(factory, session, "Agglo",
                                                        retention={"application_after_edition": 30})
    person = factory.person("court@example.org", "Clara Court")
    _take_part(session, booth, offer, person, "withdrawn", message="msg-short")
    offer_id, person_id = offer.id, person.id
    with frozen_at(ENDED + 30 * DAY - dt.timedelta(seconds=1)):
        anonymise_applications()
    assert _owner_of_application(session, offer_id, "msg-short") == person_id
    with frozen_at(ENDED + 30 * DAY):
        anonymise_applications()
    assert _owner_of_application(session, offer_id, "msg-short") is None


def test_inactive_accounts_are_warned_then_erased(app, session, factory, client, smtp):
    from fair.accounts.models import User
    from fair.privacy.jobs import erase_inactive_accounts
    from tests.conftest import login, run_jobs

    start = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.timezone.utc)
    sleeper = factory.person("dormeur@example.org", "Denis Dormeur")
    returning = factory.person("revenant@example.org", "Rémi Revenant")
    active = factory.person("actif@example.org", "Anna Active")
    for person, last in ((sleeper, start), (returning, start), (active, start + 200 * DAY)):
        session.get(User, person.id).last_active_at = last
    session.commit()
    sleeper_id, returning_id, active_id = sleeper.id, returning.id, active.id

    with frozen_at(start + 700 * DAY - dt.timedelta(minutes=1)):
        assert erase_inactive_accounts() == {"warned": 0, "erased": 0, "kept": 0}
    with frozen_at(start + 700 * DAY):
        assert erase_inactive_accounts() == {"warned": 2, "erased": 0, "kept": 0}
        assert erase_inactive_accounts() == {"warned": 0, "erased": 0, "kept": 0}  # warned once
        run_jobs(app)
    [warning] = smtp.wait_for("dormeur@example.org")
    assert "supprimé" in warning["Subject"]
    with frozen_at(start + 710 * DAY):
        login(client, "revenant@example.org")  # signing in again clears the warning
    with frozen_at(start + 730 * DAY - dt.timedelta(minutes=1)):
        assert erase_inactive_accounts()["erased"] == 0
    with frozen_at(start + 730 * DAY):
        assert erase_inactive_accounts() == {"warned": 0, "erased": 1, "kept": 0}
    session.expire_all()
    assert session.get(User, sleeper_id).erased_at is not None
    assert session.get(User, returning_id).erased_at is None
    assert session.get(User, returning_id).inactivity_warned_at is None
    assert session.get(User, active_id).erased_at is None


def test_mail_bodies_and_cv_access_records_go_on_their_day(app, session, factory):
    from fair.candidates.models import CandidateCv, CvAccess, CvKind
    from fair.mail.models import OutboxMessage, OutboxStatus
    from fair.privacy.jobs import purge_cv_access_log, purge_mail_bodies

    sent = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)

    def mail(key, at):
        session.add(OutboxMessage(idempotency_key=key, to_address="x@example.org", template="t", locale="fr",
                                  subject=f"Sujet {key}", text_body="https://fair.test/secret-link", html_body="<p/>",
                                  calendar_ics=b"BEGIN:VCALENDAR", message_id=f"<{key}@t>", status=OutboxStatus.sent,
                                  sent_at=at))

    mail("old", sent)
    mail("recent", sent + 20 * DAY)
    owner = factory.person("cv@example.org", "Cé Vé")
    cv = CandidateCv(user_id=owner.id, kind=CvKind.pdf, original_name="cv.pdf", storage_name="abc", size=1,
                     sha256="0" * 64)
    session.add(cv)
    session.flush()
    session.add_all([CvAccess(cv_id=cv.id, action="view", created_at=sent),
                     CvAccess(cv_id=cv.id, action="download", created_at=sent + 100 * DAY)])
    session.commit()

    with frozen_at(sent + 30 * DAY - dt.timedelta(seconds=1)):
        assert purge_mail_bodies() == {"outbox": 0, "dev_mail": 0}
    with frozen_at(sent + 30 * DAY):
        assert purge_mail_bodies() == {"outbox": 1, "dev_mail": 0}
        assert purge_mail_bodies() == {"outbox": 0, "dev_mail": 0}
    session.expire_all()
    old, recent = (session.execute(select(OutboxMessage).where(OutboxMessage.idempotency_key == k)).scalar_one()
                   for k in ("old", "recent"))
    assert (old.subject, old.text_body, old.html_body, old.calendar_ics) == ("Sujet old", "", None, None)
    assert old.purged_at is not None
    assert recent.text_body == "https://fair.test/secret-link" and recent.purged_at is None

    with frozen_at(sent + 365 * DAY - dt.timedelta(seconds=1)):
        assert purge_cv_access_log() == {"deleted": 0}
    with frozen_at(sent + 365 * DAY):
        assert purge_cv_access_log() == {"deleted": 1}
    session.expire_all()
    assert [a.action for a in session.execute(select(CvAccess)).scalars()] == ["download"]


def test_retention_jobs_are_in_the_schedule():
    from fair.privacy import jobs
    from workers.schedule import SCHEDULE

    listed = {periodic.id: periodic.job for periodic in SCHEDULE}
    assert listed["retention-applications"] is jobs.anonymise_applications
    assert listed["retention-inactive-accounts"] is jobs.erase_inactive_accounts
    assert listed["retention-mail-bodies"] is jobs.purge_mail_bodies
    assert listed["retention-cv-access-log"] is jobs.purge_cv_access_log


def test_a_big_run_anonymises_a_few_people_per_transaction(app, session, factory):
    """No transaction of the job moves more than PEOPLE_PER_COMMIT people: a big instance's run never
    holds the database (SQLite's one write lock) for long, and everyone due is moved all the same."""
    from sqlalchemy import event, func
    from sqlalchemy.orm import Session

    from fair.accounts.models import User
    from fair.candidates.models import Application, ApplicationStatus
    from fair.privacy.jobs import PEOPLE_PER_COMMIT, anonymise_applications

    _edition, _booth, offer, _recruiter = _ended_edition(factory, session)
    offer_id = offer.id
    people = factory.candidates(2 * PEOPLE_PER_COMMIT + 5, prefix="lot")
    session.add_all([Application(candidate_id=person.id, offer_id=offer_id, status=ApplicationStatus.rejected)
                     for person in people])
    session.commit()
    tombstones_at_commit: list[int] = []

    def count_tombstones(committing: Session) -> None:
        tombstones_at_commit.append(committing.execute(
            select(func.count(User.id)).where(User.erased_at.is_not(None))).scalar_one())

    event.listen(Session, "before_commit", count_tombstones)
    try:
        with frozen_at(ENDED + 92 * DAY):
            assert anonymise_applications()["people"] == len(people)
    finally:
        event.remove(Session, "before_commit", count_tombstones)
    moved = [after - before for before, after in itertools.pairwise([0, *tombstones_at_commit])]
    assert sum(moved) == len(people)
    assert max(moved) <= PEOPLE_PER_COMMIT
    session.expire_all()
    owners = set(session.execute(select(Application.candidate_id).where(Application.offer_id == offer_id)).scalars())
    assert len(owners) == len(people) and not owners & {person.id for person in people}
