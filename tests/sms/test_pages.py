"""What organisers see of text messages: the budget on the edition's settings, the segments used,
and the messages that did not reach the phone on the failed messages page."""
from __future__ import annotations

from sqlalchemy import select, update

from fair.fairs.models import Edition
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.sms.outbox import SmsOverBudget, queue_sms
from tests.conftest import login, page_text, post_form
from tests.fairs.helpers import VALID_EDITION


def test_the_organiser_sets_the_budget_and_sees_what_is_used_and_what_failed(app, client, session, factory):
    organiser = factory.organisation("organiser")
    factory.member(organiser, email="orga@example.org")
    edition = factory.edition(organiser, slug="salon-sms")
    edition_id = edition.id
    login(client, "orga@example.org")

    refused = post_form(client, f"/console/editions/{edition_id}/edit",
                        dict(VALID_EDITION, slug="salon-sms", sms_segment_budget="-3"))
    assert refused.status_code == 422
    assert "Le budget SMS doit être compris entre 0 et 10000000 segments." in page_text(refused)
    saved = post_form(client, f"/console/editions/{edition_id}/edit",
                      dict(VALID_EDITION, slug="salon-sms", sms_segment_budget="2"))
    assert saved.status_code == 302
    session.rollback()  # end the test's read transaction: see what the request committed
    assert session.execute(select(Edition.sms_segment_budget).where(Edition.id == edition_id)).scalar_one() == 2

    row = queue_sms(session, to="+33612345678", template="text", locale="fr", context={"text": "Rappel : demain 10 h"},
                    key="p1", edition_id=edition_id)
    session.commit()
    row_id = row.id
    try:
        queue_sms(session, to="+33612345678", template="text", locale="fr", context={"text": "x" * 200},
                  key="p2", edition_id=edition_id)
    except SmsOverBudget as exc:
        with app.test_request_context(headers={"Accept-Language": "fr"}):
            assert exc.message == ("Ce SMS nécessite 2 segment(s) et ce salon n’en a plus que 1 sur son budget "
                                   "de 2 : il n’a pas été envoyé.")
    else:
        raise AssertionError("a text over budget was queued")
    session.rollback()
    assert "SMS 1 segments utilisés sur 2" in page_text(client.get(f"/console/editions/{edition_id}"))

    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
        status=OutboxStatus.sent, delivery="undeliverable", delivery_error="UNDELIV err:001"))
    session.commit()
    text = page_text(client.get(f"/console/editions/{edition_id}/mail"))
    assert "SMS Rappel : demain 10 h" in text and "Non remis au téléphone" in text and "UNDELIV err:001" in text
