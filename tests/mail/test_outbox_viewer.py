"""Without MAIL_URL, outbox mail lands in the dev mail viewer, its .ics downloadable once."""
from __future__ import annotations

import re

from tests.conftest import run_jobs

ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fair//test//FR\r\nMETHOD:REQUEST\r\n"
       b"BEGIN:VEVENT\r\nUID:booking-7@fair.test\r\nSEQUENCE:1\r\nDTSTAMP:20300301T080000Z\r\n"
       b"DTSTART:20300312T090000Z\r\nDTEND:20300312T092000Z\r\nSUMMARY:Entretien\r\n"
       b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_an_outbox_invitation_is_kept_and_its_ics_downloads_once(app, client, session):
    from types import SimpleNamespace

    from fair.mail.models import DevMail, OutboxMessage, OutboxStatus
    from fair.mail.outbox import queue_mail

    queue_mail(session, to="candidate@example.org", template="confirm_email", locale="fr",
               context={"user": SimpleNamespace(full_name="Camille Martin"), "link": "http://fair.test/c/1"},
               key="booking-7:1", calendar=("REQUEST", ICS))
    session.commit()
    run_jobs(app)
    session.expire_all()
    assert session.query(OutboxMessage).one().status is OutboxStatus.sent
    mail = session.query(DevMail).one()

    body = client.get(f"/dev/mail/{mail.id}").get_data(as_text=True)
    links = re.findall(r'href="(/dev/mail/\d+/parts/\d+)"', body)
    assert len(links) == 1  # inline and attached copies are one invitation
    response = client.get(links[0])
    assert response.status_code == 200 and response.get_data() == ICS
    assert response.mimetype == "text/calendar" and "method=REQUEST" in response.headers["Content-Type"]
    assert "invitation.ics" in response.headers["Content-Disposition"]
