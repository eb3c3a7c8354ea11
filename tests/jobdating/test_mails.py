"""The two job-dating mails, read from the real SMTP sink after the jobs ran: the slot held for the
next person of a waitlist (in their language, once), and the no-show and outcomes told to every adviser of
the structures that follow the person."""
from __future__ import annotations

import datetime as dt

from tests.conftest import run_jobs
from tests.jobdating.helpers import active_bookings

EARLY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
AFTER = dt.datetime(2030, 3, 12, 15, 0, tzinfo=dt.timezone.utc)


def _outbox(session, template: str) -> list:
    from fair.mail.models import OutboxMessage

    session.expire_all()
    return session.query(OutboxMessage).filter_by(template=template).order_by(OutboxMessage.id).all()


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_held_slot_is_mailed_once_in_the_english_user_s_language(app, session, world, smtp):
    from fair import clock
    from fair.jobdating.models import WaitlistEntry, WaitlistStatus
    from fair.jobdating.services import book, cancel_booking, join_waitlist
    from fair.mail.outbox import enqueue_send

    world.other.locale = "en"
    session.commit()
    freed_id = world.slots[0].id
    book(session, slot_id=freed_id, candidate_id=world.candidate.id, now=EARLY)
    entry = join_waitlist(session, world.booth_a, world.other.id, now=EARLY)
    session.commit()
    entry_id = entry.id
    assert _outbox(session, "waitlist_hold") == []  # joining says nothing yet
    with clock.frozen_at(EARLY):
        cancel_booking(session, active_bookings(session, slot_id=freed_id)[0], by_user_id=world.candidate.id)
        session.commit()
    entry = session.get(WaitlistEntry, entry_id)
    assert (entry.status, entry.offered_slot_id) == (WaitlistStatus.offered, freed_id)

    address = world.other.email
    [row] = _outbox(session, "waitlist_hold")
    assert row.to_address == address and row.locale == "en"
    assert row.idempotency_key.startswith(f"waitlist-hold-{entry_id}-")
    run_jobs(app)
    run_jobs(app)
    enqueue_send([row.id])  # the send job once more, for a row already sent
    run_jobs(app)
    [message] = smtp.wait_for(address)
    assert message["Subject"] == "A slot with Transports Rapides is held for you"
    body = _plain(message)
    assert "Hello Candidate Two," in body
    assert "A slot has freed up with Transports Rapides at “Job dating de printemps”: it is held for you." in body
    # 09:00–09:20 in Paris on the fair's day; held 30 minutes from 09:00 UTC on 1 March, i.e. 10:30 in Paris.
    assert "When: Tuesday, March 12, 2030, 9:00\u202fAM – 9:20\u202fAM (Paris time)" in body
    assert "held for you until Friday, March 1, 2030, 10:30\u202fAM (Paris time)" in body
    assert "To take it, open your day: http://fair.test/interviews/my-day" in body
    assert 'href="http://fair.test/interviews/my-day"' in message.get_body(("html",)).get_content()
    assert len(smtp.to(address)) == 1
    assert len(_outbox(session, "waitlist_hold")) == 1


def test_a_french_hold_is_worded_in_french(app, session, world, smtp):
    from fair import clock
    from fair.jobdating.services import book, cancel_booking, join_waitlist

    freed_id = world.slots[0].id
    book(session, slot_id=freed_id, candidate_id=world.other.id, now=EARLY)
    join_waitlist(session, world.booth_a, world.candidate.id, now=EARLY)
    session.commit()
    with clock.frozen_at(EARLY):
        cancel_booking(session, active_bookings(session, slot_id=freed_id)[0], by_user_id=world.other.id)
        session.commit()
    address = world.candidate.email
    run_jobs(app)
    [message] = smtp.wait_for(address)
    assert message["Subject"] == "Un créneau chez Transports Rapides vous est réservé"
    body = _plain(message)
    assert "Bonjour Candidate One," in body
    assert "Quand : mardi 12 mars 2030, 09:00 – 09:20 (heure de Paris)" in body
    assert "Il vous est gardé jusqu’au vendredi 1 mars 2030, 10:30 (heure de Paris)." in body


def test_a_no_show_reaches_every_adviser_of_the_following_structure_once(app, session, world, factory, smtp):
    """Consent is given to the structure: the referring adviser and a colleague hear of the no-show;
    a structure whose referral was revoked or is pending, and one that follows someone else, do not."""
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance, Outcome
    from fair.jobdating.services import book, record_outcome

    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    referring = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    colleague = factory.member(partner, email="colleague@example.org", full_name="Adviser Colleague")
    elsewhere = factory.organisation("partner", name="Association du Sud", partner_type=PartnerType.association)
    revoked = factory.member(elsewhere, email="adviser.two@example.org", full_name="Adviser Two")
    third = factory.organisation("partner", name="Cap emploi", partner_type=PartnerType.association)
    pending = factory.member(third, email="adviser.pending@example.org", full_name="Adviser Pending")
    fourth = factory.organisation("partner", name="PLIE", partner_type=PartnerType.association)
    other_adviser = factory.member(fourth, email="adviser.other@example.org", full_name="Adviser Other")
    session.add_all([
        Referral(adviser_id=referring.id, partner_id=partner.id, candidate_id=world.candidate.id,
                 status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"),
        Referral(adviser_id=revoked.id, partner_id=elsewhere.id, candidate_id=world.candidate.id,
                 status=ReferralStatus.revoked, confirmed_at=utcnow(), revoked_at=utcnow(), consent_text="ok"),
        Referral(adviser_id=pending.id, partner_id=third.id, candidate_id=world.candidate.id,
                 status=ReferralStatus.pending),
        # A confirmed referral of another candidate: that structure hears nothing of this one.
        Referral(adviser_id=other_adviser.id, partner_id=fourth.id, candidate_id=world.other.id,
                 status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"),
    ])
    missed = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    came = book(session, slot_id=world.slots[2].id, candidate_id=world.candidate.id, now=EARLY)
    other_came = book(session, slot_id=world.slots[4].id, candidate_id=world.other.id, now=EARLY)
    session.commit()

    # "Attended" is no no-show; an attended interview without an outcome tells nobody.
    record_outcome(session, came, attendance=Attendance.attended, outcome=Outcome.second_interview, now=AFTER)
    record_outcome(session, other_came, attendance=Attendance.attended, outcome=None, now=AFTER)
    session.commit()
    assert _outbox(session, "no_show_adviser") == []

    record_outcome(session, missed, attendance=Attendance.no_show, outcome=None, now=AFTER)
    session.commit()
    # Recorded again (a second click, or changed and changed back): still one mail per adviser.
    record_outcome(session, missed, attendance=Attendance.attended, outcome=None, now=AFTER)
    record_outcome(session, missed, attendance=Attendance.no_show, outcome=None, now=AFTER)
    session.commit()
    rows = _outbox(session, "no_show_adviser")
    assert sorted((r.to_address, r.idempotency_key) for r in rows) == sorted([
        (referring.email, f"no-show:{missed.id}:adviser:{referring.id}"),
        (colleague.email, f"no-show:{missed.id}:adviser:{colleague.id}")])

    told = {referring.email: "Adviser One", colleague.email: "Adviser Colleague"}
    candidate_id = world.candidate.id
    unconcerned = [revoked.email, pending.email, other_adviser.email]
    run_jobs(app)
    run_jobs(app)
    for address, name in told.items():
        messages = [m for m in smtp.wait_for(address, 2) if "pas venu" in m["Subject"]]
        [message] = messages
        assert message["Subject"] == "Candidate One n’est pas venu·e à l’entretien avec Transports Rapides"
        body = _plain(message)
        assert f"Bonjour {name}," in body
        assert ("Candidate One, que votre structure accompagne, n’est pas venu·e à l’entretien avec Transports "
                "Rapides pour « Job dating de printemps ».") in body
        assert "Quand : mardi 12 mars 2030, 09:00 – 09:20 (heure de Paris)" in body
        assert f"http://fair.test/adviser/people/{candidate_id}/agenda" in body
    for address in unconcerned:
        assert smtp.to(address) == [], address


def test_an_interview_outcome_reaches_the_structure_once_per_outcome(app, session, world, factory, smtp):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance, Outcome
    from fair.jobdating.services import book, record_outcome

    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    referring = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    colleague = factory.member(partner, email="colleague@example.org", full_name="Adviser Colleague", locale="en")
    elsewhere = factory.organisation("partner", name="Association du Sud", partner_type=PartnerType.association)
    outsider = factory.member(elsewhere, email="outsider@example.org", full_name="Adviser Outside")
    session.add(Referral(adviser_id=referring.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    booking = book(session, slot_id=world.slots[1].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    record_outcome(session, booking, attendance=Attendance.attended, outcome=Outcome.second_interview, now=AFTER)
    session.commit()
    record_outcome(session, booking, attendance=Attendance.attended, outcome=Outcome.second_interview, now=AFTER)
    session.commit()
    assert len(_outbox(session, "outcome_adviser")) == 2
    emails = (referring.email, colleague.email, outsider.email)
    run_jobs(app)
    [french] = smtp.wait_for(emails[0])
    assert french["Subject"] == "Entretien de Candidate One avec Transports Rapides : Second entretien"
    assert "« Job dating de printemps », mardi 12 mars 2030, 09:20 – 09:40 (heure de Paris)." in _plain(french)
    [english] = smtp.wait_for(emails[1])
    assert english["Subject"] == "Interview of Candidate One with Transports Rapides: Second interview"
    assert "News of Candidate One, whom your structure follows:" in _plain(english)
    assert smtp.to(emails[2]) == []


def test_the_no_show_mail_speaks_the_adviser_s_language(app, session, world, factory, smtp):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance
    from fair.jobdating.services import book, record_outcome

    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org", full_name="Adviser One", locale="en")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    booking = book(session, slot_id=world.slots[1].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    record_outcome(session, booking, attendance=Attendance.no_show, outcome=None, now=AFTER)
    session.commit()
    address = adviser.email
    run_jobs(app)
    [message] = smtp.wait_for(address)
    assert message["Subject"] == "Candidate One did not come to the interview with Transports Rapides"
    body = _plain(message)
    assert "Hello Adviser One," in body
    assert "When: Tuesday, March 12, 2030, 9:20\u202fAM – 9:40\u202fAM (Paris time)" in body


def test_an_unanswered_hold_passed_on_mails_the_next_person_once(app, session, world, smtp):
    from fair import clock
    from fair.jobdating.services import book, cancel_booking, expire_offer, join_waitlist

    world.other.locale = "en"
    session.commit()
    first_address, next_address = world.candidate.email, world.other.email
    freed_id = world.slots[0].id
    holder = book(session, slot_id=freed_id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    # Candidate Two waits; Candidate One frees their slot, then joins the line behind them.
    first = join_waitlist(session, world.booth_a, world.other.id, now=EARLY)
    session.commit()
    first_id = first.id
    with clock.frozen_at(EARLY):
        cancel_booking(session, holder, by_user_id=world.candidate.id)
        session.commit()
    join_waitlist(session, world.booth_a, world.candidate.id, now=EARLY + dt.timedelta(minutes=1))
    session.commit()
    later = EARLY + dt.timedelta(minutes=31)
    assert expire_offer(session, first_id, now=later) is True
    session.commit()
    assert expire_offer(session, first_id, now=later) is False  # the expiry job run twice
    session.commit()
    run_jobs(app)
    run_jobs(app)
    assert len(smtp.wait_for(next_address)) == 1
    [passed_on] = [m for m in smtp.wait_for(first_address) if "réservé" in m["Subject"]]
    assert "jusqu’au vendredi 1 mars 2030, 11:01 (heure de Paris)" in _plain(passed_on)
    assert len(_outbox(session, "waitlist_hold")) == 2


def test_an_adviser_who_chose_sms_gets_the_no_show_by_text_message(app, session, world, factory):
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance
    from fair.jobdating.services import book, record_outcome
    from fair.mail.models import OutboxMessage

    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    by_mail = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    by_sms = factory.member(partner, email="texter@example.org", full_name="Adviser Texter")
    by_sms.phone, by_sms.notify_by = "+33612345678", "sms"
    consent.give(session, by_sms.id, ConsentPurpose.sms, "SMS consent as shown", "test-1")
    session.add(Referral(adviser_id=by_mail.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    booking = book(session, slot_id=world.slots[1].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    record_outcome(session, booking, attendance=Attendance.no_show, outcome=None, now=AFTER)
    session.commit()
    session.expire_all()
    rows = session.query(OutboxMessage).filter(OutboxMessage.idempotency_key.like(f"no-show:{booking.id}:%")).all()
    assert sorted((r.channel, r.to_address) for r in rows) == [("mail", "adviser@example.org"),
                                                              ("sms", "+33612345678")]
    [sms] = [r for r in rows if r.channel == "sms"]
    assert sms.text_body.startswith("Candidate One n’est pas venu·e à l’entretien avec Transports Rapides (")
    assert f"/adviser/people/{world.candidate.id}/agenda" in sms.text_body
