"""The development mail viewer: what a developer sees of the mail the app would have sent."""
from __future__ import annotations

import re
from email.message import EmailMessage

from fair.mail.models import DevMail
from fair.mail.render import keep_for_viewer

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fair//test//FR\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:slot-42@fair.test\r\nDTSTAMP:20301201T080000Z\r\n"
    "DTSTART:20301212T090000Z\r\nDTEND:20301212T092000Z\r\nSUMMARY:Entretien\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def keep(session, to, subject, text, html=None, calendar=False, attachment=None):
    message = EmailMessage()
    message["To"], message["Subject"] = to, subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if calendar:
        message.add_alternative(ICS, subtype="calendar", params={"method": "REQUEST"})
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="programme.pdf")
    keep_for_viewer(message)  # what the outbox does when MAIL_URL is unset
    session.commit()
    return session.query(DevMail).order_by(DevMail.id.desc()).first()


def test_the_mailbox_lists_kept_messages_newest_first(client, session):
    keep(session, "premier@example.org", "Confirmez votre adresse", "Bonjour")
    keep(session, "second@example.org", "Réinitialisation du mot de passe", "Bonjour")

    page = client.get("/dev/mail/")
    body = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Boîte mail de développement" in body
    assert "2 messages" in body
    assert body.index("second@example.org") < body.index("premier@example.org")
    assert "Réinitialisation du mot de passe" in body


def test_an_empty_mailbox_says_how_to_fill_it(client):
    body = client.get("/dev/mail/").get_data(as_text=True)
    assert "Aucun message pour l'instant" in body


def test_the_message_page_shows_the_text_with_clickable_links_and_a_sandboxed_preview(client, session):
    mail = keep(session, "candidate@example.org", "Confirmez votre adresse <b>",
                "Bonjour,\nConfirmez ici : http://fair.test/confirm/abc?x=1&y=2.\nÀ bientôt",
                html="<p style='color:red'>Bonjour <script>alert(1)</script><a href='http://fair.test/confirm/abc'>ici</a></p>")

    page = client.get(f"/dev/mail/{mail.id}")
    body = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Confirmez votre adresse &lt;b&gt;" in body
    assert '<a href="http://fair.test/confirm/abc?x=1&amp;y=2">' in body  # the trailing full stop is not part of it
    iframe = re.search(r"<iframe[^>]*>", body).group(0)
    assert " sandbox " in iframe and f'src="/dev/mail/{mail.id}/html"' in iframe and "title=" in iframe
    assert "<script>alert(1)</script>" not in body  # the HTML part never lands in our page

    preview = client.get(f"/dev/mail/{mail.id}/html")
    assert preview.status_code == 200
    assert preview.mimetype == "text/html"
    csp = preview.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script" not in csp
    assert "<a href='http://fair.test/confirm/abc'>ici</a>" in preview.get_data(as_text=True)


def test_an_ics_invitation_and_attachments_can_be_downloaded(client, session):
    mail = keep(session, "candidate@example.org", "Votre entretien", "Voir l'invitation jointe",
                html="<p>Invitation</p>", calendar=True, attachment=b"%PDF-1.4 programme")

    body = client.get(f"/dev/mail/{mail.id}").get_data(as_text=True)
    assert "Pièces jointes" in body
    links = dict((name, href)
                 for href, name in re.findall(r'<a href="(/dev/mail/\d+/parts/\d+)" download="([^"]+)"', body))
    assert set(links) == {"invitation.ics", "programme.pdf"}

    ics = client.get(links["invitation.ics"])
    assert ics.status_code == 200
    assert ics.mimetype == "text/calendar"
    assert "method=REQUEST" in ics.headers["Content-Type"]
    assert "attachment" in ics.headers["Content-Disposition"] and "invitation.ics" in ics.headers["Content-Disposition"]
    assert "UID:slot-42@fair.test" in ics.get_data(as_text=True)

    pdf = client.get(links["programme.pdf"])
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/octet-stream"  # never rendered on our origin
    assert pdf.data == b"%PDF-1.4 programme"


def test_unknown_messages_parts_and_missing_html_answer_404(client, session):
    mail = keep(session, "x@example.org", "Texte seul", "Bonjour")
    assert client.get(f"/dev/mail/{mail.id + 1}").status_code == 404
    assert client.get(f"/dev/mail/{mail.id}/html").status_code == 404
    assert client.get(f"/dev/mail/{mail.id}/parts/0").status_code == 404  # the text body is no attachment
    assert client.get(f"/dev/mail/{mail.id}/parts/9").status_code == 404


def test_the_viewer_does_not_exist_when_mail_is_really_sent_or_in_production(client, app_config, session, smtp):
    from fair import create_app

    mail = keep(session, "x@example.org", "Bonjour", "Bonjour", html="<p>Bonjour</p>", calendar=True)
    paths = ["/dev/mail/", f"/dev/mail/{mail.id}", f"/dev/mail/{mail.id}/html", f"/dev/mail/{mail.id}/parts/2"]
    for path in paths:
        assert client.get(path).status_code == 200, path

    sending = create_app({**app_config, "MAIL_URL": smtp.url}).test_client()
    production = create_app({**app_config, "ENV_NAME": "production"}).test_client()
    for client in (sending, production):
        for path in paths:
            assert client.get(path).status_code == 404, path


def test_the_viewer_answers_only_requests_from_this_machine(client, session):
    mail = keep(session, "x@example.org", "Réinitialisez votre mot de passe", "http://fair.test/reset/secret")
    for path in ("/dev/mail/", f"/dev/mail/{mail.id}"):
        assert client.get(path, environ_base={"REMOTE_ADDR": "192.168.1.20"}).status_code == 404
        assert client.get(path, environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
