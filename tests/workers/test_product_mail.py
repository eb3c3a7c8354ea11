"""Every mail of the product goes through the outbox: confirmation, password reset, invitations."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post_form, run_jobs


def outbox_rows(session):
    from fair.mail.models import OutboxMessage

    session.expire_all()
    return session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def test_registering_writes_the_confirmation_mail_in_the_same_transaction(app, client, session, smtp):
    from fair.mail.models import OutboxStatus

    response = post_form(client, "/register", {
        "full_name": "Camille Martin", "email": "camille@example.org", "password": "a long enough passphrase",
        "confirm_password": "a long enough passphrase", "phone": "", "locale": "fr",
    })
    assert response.status_code == 302
    [row] = outbox_rows(session)  # committed with the account, before any worker ran
    assert row.status is OutboxStatus.queued and row.template == "confirm_email"
    assert row.to_address == "camille@example.org" and "http://fair.test/confirm/" in row.text_body
    run_jobs(app)
    [message] = smtp.wait_for("camille@example.org")
    assert message["Message-ID"] == row.message_id
    assert outbox_rows(session)[0].status is OutboxStatus.sent


def test_a_sent_reset_link_does_not_stay_in_the_outbox(app, client, session, smtp, factory):
    from fair.mail.models import OutboxStatus
    from fair.mail.outbox import ERASED

    factory.user(email="known@example.org")
    post_form(client, "/password/forgot", {"email": "known@example.org"})
    run_jobs(app)
    [message] = smtp.wait_for("known@example.org")
    assert "/password/reset/" in message.get_body(("plain",)).get_content()
    [row] = outbox_rows(session)
    assert row.status is OutboxStatus.sent and row.template == "reset_password"
    assert row.text_body == ERASED and row.html_body is None and "/password/reset/" not in row.subject


def test_the_same_reset_job_run_again_queues_no_second_mail(app, client, session, smtp, factory):
    from fair.accounts.models import PasswordResetToken
    from fair.jobs import get_queue

    user = factory.user(email="known@example.org")
    for _ in range(2):
        get_queue("mail").enqueue("fair.accounts.jobs.send_password_reset", user.id, job_id="reset-retry")
        run_jobs(app)
    assert len(outbox_rows(session)) == 1
    assert session.query(PasswordResetToken).count() == 1
    assert len(smtp.wait_for("known@example.org")) == 1


def test_an_invitation_mail_belongs_to_its_edition(app, client, session, smtp, factory):
    from tests.conftest import login

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    factory.member(organiser_org, email="organiser@example.org")
    edition = factory.edition(organiser_org)
    login(client, "organiser@example.org")
    path = f"/console/editions/{edition.id}/invitations"
    response = post_form(client, path, {"kind": "company", "organisation_id": "0", "partner_type": "",
                                        "organisation_name": "Logistique du Nord", "email": "rh@example.org"})
    assert response.status_code == 302
    run_jobs(app)
    smtp.wait_for("rh@example.org")
    [row] = outbox_rows(session)
    assert row.edition_id == edition.id and row.template == "invitation"
