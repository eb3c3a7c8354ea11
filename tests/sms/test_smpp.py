"""The SMS channel against a real SMPP server process (tests/node/smsc.js): bind, submit, receipts,
throttling, an SMSC that is down, long texts in segments, fallbacks, the budget and quiet hours."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fair.clock import frozen_at
from fair.mail import outbox
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.sms import jobs as sms_jobs
from fair.sms.outbox import SmsOverBudget, queue_sms, segments_used
from fair.sms.receipts import delivery_summary
from tests.conftest import count, run_jobs

NUMBER = "+33612345678"


def _queue(session, text: str, key: str = "k1", **kw) -> OutboxMessage:
    row = queue_sms(session, to=kw.pop("to", NUMBER), template="text", locale="fr", context={"text": text},
                    key=key, **kw)
    session.commit()
    return row


def _row(session, row_id: int) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, row_id)


def test_bind_submit_and_receipt_mark_the_message_delivered(app, session, smsc):
    row = _queue(session, "Votre rendez-vous : demain à 10 h, stand Acme [salle B] – 5 €")
    assert (row.encoding, row.segments) == ("gsm7", 1)
    run_jobs(app)
    received = smsc.messages()
    assert [(m["to"], m["from"], m["text"], m["data_coding"]) for m in received] == [
        ("33612345678", "FAIR", "Votre rendez-vous : demain à 10 h, stand Acme [salle B] - 5 €", 0)]
    row = _row(session, row.id)
    assert row.status == OutboxStatus.sent
    assert row.provider_message_id == received[0]["ids"][0]
    assert row.delivery == "delivered" and row.delivered_at is not None


def test_a_long_ucs2_text_goes_in_segments_the_phone_puts_back_together(app, session, smsc):
    text = "Àpres-midi : " + "Ünïcode ✓ " * 19 + "Ünïcode ✓"
    row = _queue(session, text)
    assert (row.encoding, row.segments) == ("ucs2", 4)
    run_jobs(app)
    [received] = smsc.messages()
    assert (received["text"], received["segments"], received["data_coding"]) == (text, 4, 8)


def test_a_batch_keeps_one_bind_and_a_window_of_submits(app, session, smsc):
    for n in range(30):
        queue_sms(session, to=f"+336123456{n:02d}", template="text", locale="fr", context={"text": f"n°{n}"},
                  key=f"many-{n}")
    session.commit()
    run_jobs(app)
    assert sorted(m["text"] for m in smsc.messages()) == sorted(f"n°{n}" for n in range(30))
    assert count(session, OutboxMessage, OutboxMessage.delivery == "delivered") == 30


@pytest.mark.parametrize("trouble", ["throttle", "down", "refuse_bind"])
def test_a_refusing_smsc_is_retried_later_and_the_text_sent_once(app, session, smsc, trouble):
    smsc.mode(**({"throttle": 1} if trouble == "throttle" else {trouble: True}))
    row = _queue(session, "Rappel")
    run_jobs(app)
    row = _row(session, row.id)
    assert row.status == OutboxStatus.failed_temporary
    expected = {"throttle": "ESME_RTHROTTLED", "down": "cannot reach the SMSC", "refuse_bind": "ESME_RBINDFAIL"}
    assert expected[trouble] in row.last_error
    assert smsc.messages() == []
    if trouble != "throttle":
        smsc.mode(**{trouble: False})
    with frozen_at(row.next_attempt_at + dt.timedelta(seconds=1)):
        outbox.send_batch(session, [row.id])
    assert _row(session, row.id).status == OutboxStatus.sent
    assert [m["text"] for m in smsc.messages()] == ["Rappel"]


def test_receipts_that_come_after_the_batch_unbound_are_collected_by_the_drain_job(app, session, smsc):
    smsc.mode(hold_receipts=True, stat="EXPIRED")
    row = _queue(session, "Bonjour")
    run_jobs(app)
    assert _row(session, row.id).delivery == "sent"
    smsc.mode(hold_receipts=False)  # given to the next receiver that binds
    assert sms_jobs.drain_receipts() == 1
    row = _row(session, row.id)
    assert row.delivery == "expired" and "EXPIRED" in row.delivery_error
    assert sms_jobs.drain_receipts() == 0  # taken once


def test_a_failed_receipt_sends_the_text_by_mail_once(app, session, smsc, smtp, factory):
    person = factory.user(email="lea@example.org")
    smsc.mode(stat="UNDELIV")
    row = _queue(session, "Votre entretien est confirmé", user_id=person.id, fallback_email="lea@example.org")
    run_jobs(app)
    run_jobs(app)  # the fallback mail
    assert _row(session, row.id).delivery == "undeliverable"
    [mail] = smtp.messages
    assert mail["To"] == "lea@example.org"
    assert "Votre entretien est confirmé" in mail.get_body(("plain",)).get_content()
    from fair.sms.receipts import settle
    assert settle(session, [row.id]) == 0  # handled once
    [status] = delivery_summary(session, person.id)
    assert status.state == "undeliverable"


def test_an_invalid_number_is_refused_for_good_and_the_advisers_are_told(app, session, smsc, smtp, factory):
    from fair.candidates.models import Referral, ReferralStatus

    partner = factory.organisation("partner")
    adviser = factory.member(partner, email="adviser@example.org")
    candidate = factory.user(email="c@example.org", full_name="Sam Martin")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=dt.datetime.now(dt.UTC)))
    session.commit()
    smsc.mode(invalid="+3361")
    row = _queue(session, "Votre rendez-vous est annulé", user_id=candidate.id)
    run_jobs(app)
    run_jobs(app)
    row = _row(session, row.id)
    assert row.status == OutboxStatus.failed_permanent and "ESME_RINVDSTADR" in row.last_error
    [mail] = smtp.messages
    assert mail["To"] == "adviser@example.org"
    body = mail.get_body(("plain",)).get_content()
    assert "Sam Martin" in body and "Votre rendez-vous est annulé" in body and "06 12 34 56 78" in body


def test_a_text_over_the_edition_budget_is_refused_and_nothing_is_queued(app, session, smsc, factory):
    organiser = factory.organisation("organiser")
    edition = factory.edition(organiser, sms_segment_budget=3)
    _queue(session, "x" * 200, key="a", edition_id=edition.id)  # two segments
    with pytest.raises(SmsOverBudget) as refused:
        _queue(session, "y" * 200, key="b", edition_id=edition.id)
    session.rollback()
    assert "it was not sent" in refused.value.message or "n’a pas été envoyé" in refused.value.message
    assert count(session, OutboxMessage) == 1 and segments_used(session, edition.id) == 2
    _queue(session, "z", key="c", edition_id=edition.id)
    assert segments_used(session, edition.id) == 3


PARIS_EVENING_OCTOBER = dt.datetime(2026, 10, 24, 19, 30, tzinfo=dt.UTC)  # 21:30 in Paris, summer time


def test_quiet_hours_hold_a_text_until_eight_across_the_change_of_time(app, session, smsc, factory):
    organiser = factory.organisation("organiser")
    edition = factory.edition(organiser, timezone="Europe/Paris")
    with frozen_at(PARIS_EVENING_OCTOBER):
        row = _queue(session, "Rappel", edition_id=edition.id)
        soon = _queue(session, "Dans une heure", key="soon", edition_id=edition.id,
                      urgent_before=PARIS_EVENING_OCTOBER + dt.timedelta(hours=1))
    # The night the clocks go back: 08:00 on Sunday 25 October is 07:00 UTC (winter time).
    assert row.not_before == dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)
    assert soon.not_before is None
    with frozen_at(dt.datetime(2026, 10, 25, 6, 59, tzinfo=dt.UTC)):
        assert outbox.send_batch(session, [row.id, soon.id])["sent"] == 1
        assert outbox.sweep(session) == []  # the held row is not "forgotten"
    assert [m["text"] for m in smsc.messages()] == ["Dans une heure"]
    with frozen_at(dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)):
        outbox.send_batch(session, [row.id])
    assert _row(session, row.id).status == OutboxStatus.sent


def test_quiet_hours_in_march_and_the_margin_of_an_early_appointment():
    from fair.sms.outbox import quiet_until

    # Saturday 28 March 2026, 23:00 in Paris (winter time): the morning after the change is 06:00 UTC.
    night = dt.datetime(2026, 3, 28, 22, 0, tzinfo=dt.UTC)
    assert quiet_until(night, "Europe/Paris") == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)
    assert quiet_until(night, None) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)  # Europe/Paris by default
    # An appointment at 08:30 the next morning: the reminder goes now, not at 08:00.
    assert quiet_until(night, "Europe/Paris", dt.datetime(2026, 3, 29, 6, 30, tzinfo=dt.UTC)) is None
    assert quiet_until(night, "Europe/Paris", dt.datetime(2026, 3, 29, 7, 30, tzinfo=dt.UTC)) is not None
    assert quiet_until(dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC), "Europe/Paris") is None  # 08:00 sharp
    assert quiet_until(dt.datetime(2026, 3, 29, 17, 59, tzinfo=dt.UTC), "Europe/Paris") is None  # 19:59
    assert quiet_until(dt.datetime(2026, 3, 29, 18, 0, tzinfo=dt.UTC), "Europe/Paris") is not None  # 20:00


def test_without_sms_url_the_text_is_kept_for_the_dev_viewer(app, session):
    from fair.mail.models import DevMail

    app.config["SMS_URL"] = ""
    _queue(session, "Bienvenue ✓")
    run_jobs(app)
    [kept] = session.execute(select(DevMail)).scalars().all()
    assert (kept.to_address, kept.subject, kept.text_body.strip()) == (
        NUMBER, "[SMS · 1 segment(s) · UCS-2] Bienvenue ✓", "Bienvenue ✓")


def test_in_production_without_sms_url_a_text_goes_by_mail_instead(app, session, smtp):
    app.config.update(SMS_URL="", ENV_NAME="production")
    row = _queue(session, "Votre code : 123456", fallback_email="sam@example.org")
    run_jobs(app)
    run_jobs(app)
    assert "SMS_URL is not set" in _row(session, row.id).last_error
    assert [m["To"] for m in smtp.messages] == ["sam@example.org"]


def test_the_advisers_include_says_what_became_of_each_text(app, session, factory):
    from flask import render_template_string

    person = factory.user()
    sent = _queue(session, "Premier", key="s1", user_id=person.id)
    failed = _queue(session, "Second", key="s2", user_id=person.id)
    sent.status, sent.delivery = OutboxStatus.sent, "delivered"
    failed.status, failed.delivery, failed.delivery_error = OutboxStatus.sent, "expired", "EXPIRED err:001"
    session.commit()
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        html = render_template_string('{% include "sms/_delivery_summary.html" %}',
                                      sms_statuses=delivery_summary(session, person.id), timezone="Europe/Paris")
    assert "Remis" in html and "Non remis (téléphone injoignable)" in html and "EXPIRED err:001" in html
