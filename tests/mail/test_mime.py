"""Invitation mail structure, parsed back with the `email` package, and carried by a real SMTP server."""
from __future__ import annotations

import dataclasses
import email
import email.policy
import smtplib
from email.message import EmailMessage

import icalendar
import pytest

from fair.calendar.ics import cancel_ics, request_ics
from fair.mail.mime import calendar_message, ics_method
from tests.calendar.test_ics import ical_js, make_event  # noqa: F401 (ical_js is a fixture)

TEXT = "Bonjour,\nvotre entretien est confirmé : lundi 10 juin 2030, 10:15 (heure de Paris).\n"
HTML = "<p>Bonjour,</p><p>votre entretien est confirmé : <strong>lundi 10 juin 2030, 10:15</strong>.</p>"


def reparse(message: EmailMessage) -> EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def shape(message: EmailMessage) -> list:
    """The MIME tree as nested [content type, children…] lists."""
    if message.is_multipart():
        return [message.get_content_type(), *[shape(part) for part in message.iter_parts()]]
    return message.get_content_type()


def test_invitation_has_the_structure_outlook_gmail_and_apple_mail_accept(ical_js):
    ics = request_ics(make_event())
    received = reparse(calendar_message("A candidate <candidate@example.org>", "Entretien confirmé",
                                        TEXT, HTML, ics, "REQUEST"))

    assert shape(received) == ["multipart/mixed",
                               ["multipart/alternative", "text/plain", "text/html", "text/calendar"],
                               "application/ics"]
    assert received["To"].addresses[0].addr_spec == "candidate@example.org"
    assert str(received["Subject"]) == "Entretien confirmé"
    assert received["MIME-Version"] == "1.0"

    alternative, attachment = received.iter_parts()
    plain, html, calendar = alternative.iter_parts()
    assert alternative["MIME-Version"] is None
    assert plain.get_content() == TEXT and plain.get_content_charset() == "utf-8"
    assert html.get_content().strip() == HTML and html.get_content_charset() == "utf-8"
    assert plain.get_content_disposition() is None and calendar.get_content_disposition() is None

    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_payload(decode=True) == ics, "the .ics arrives byte for byte, CR LF included"
    assert icalendar.Calendar.from_ical(calendar.get_payload(decode=True))["METHOD"] == \
        calendar.get_param("method")

    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_param("name") == "invitation.ics"
    assert attachment.get_payload(decode=True) == ics
    seen = ical_js.read(attachment.get_payload(decode=True))
    assert seen["method"] == "REQUEST" and seen["events"][0]["uid"] == "booking-42@fair.example"


def test_the_message_object_itself_reads_like_the_parsed_one():
    """The sender and the dev mail viewer use the returned object without parsing it again."""
    ics = request_ics(make_event())
    message = calendar_message("candidate@example.org", "Entretien", TEXT + "\r\nFin.", HTML, ics, "REQUEST")
    assert message.get_body(("plain",)).get_content() == TEXT + "\nFin.\n"
    assert message.get_body(("html",)).get_content().strip() == HTML
    (attachment,) = message.iter_attachments()
    assert attachment.get_content() == ics
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar",
        "application/ics"]


def test_long_lines_and_dots_survive_quoted_printable():
    text = "Une ligne très longue " * 20 + "\n.\n. point\nfin avec espace \n=égal=\n"
    received = reparse(calendar_message("candidate@example.org", "Entretien", text, None,
                                        request_ics(make_event()), "REQUEST"))
    plain = received.get_body(("plain",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content() == text
    assert all(len(line) <= 78 for line in received.as_string().splitlines())


def test_cancellation_mail_says_cancel_in_both_places():
    ics = cancel_ics(make_event(sequence=1))
    received = reparse(calendar_message("candidate@example.org", "Entretien annulé", TEXT, HTML, ics,
                                        "CANCEL", filename="annulation.ics"))
    calendar = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    parsed = icalendar.Calendar.from_ical(calendar.get_payload(decode=True))
    assert parsed["METHOD"] == "CANCEL"
    assert parsed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert received.get_payload()[1].get_filename() == "annulation.ics"


def test_without_html_the_alternative_holds_text_and_calendar():
    received = reparse(calendar_message("candidate@example.org", "Entretien", TEXT, None,
                                        request_ics(make_event()), "request"))
    assert shape(received) == ["multipart/mixed", ["multipart/alternative", "text/plain", "text/calendar"],
                               "application/ics"]
    assert next(p for p in received.walk() if p.get_content_type() == "text/calendar") \
        .get_param("method") == "REQUEST"


def test_a_method_that_disagrees_with_the_calendar_is_refused():
    ics = request_ics(make_event())
    with pytest.raises(ValueError, match="METHOD:REQUEST"):
        calendar_message("candidate@example.org", "Entretien", TEXT, HTML, ics, "CANCEL")
    with pytest.raises(ValueError, match="iTIP"):
        calendar_message("candidate@example.org", "Entretien", TEXT, HTML, ics, "INVITE")
    with pytest.raises(ValueError, match="METHOD:None"):
        calendar_message("candidate@example.org", "Entretien", TEXT, HTML,
                         b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "REQUEST")
    for filename in ("../invitation.ics", "invitation.txt", 'in"vitation.ics', "invitation é.ics", ".ics"):
        with pytest.raises(ValueError, match="file name"):
            calendar_message("candidate@example.org", "Entretien", TEXT, HTML, ics, "REQUEST",
                             filename=filename)


def test_ics_method_reads_the_calendar_level_method():
    assert ics_method(request_ics(make_event())) == "REQUEST"
    assert ics_method(cancel_ics(make_event(sequence=4))) == "CANCEL"
    assert ics_method(b"BEGIN:VCALENDAR\nMETHOD:publish\nEND:VCALENDAR\n") == "PUBLISH"
    assert ics_method(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") is None


def test_the_invitation_survives_a_real_smtp_server(smtp):
    """aiosmtpd on loopback: what a mail server hands on is still an invitation with the same bytes."""
    address = "smtp-invitation@example.org"
    event = make_event(summary="Entretien ; « Vente », 30 min", attendees=(
        dataclasses.replace(make_event().attendees[0], email=address),))
    ics = request_ics(event)
    message = calendar_message(address, "Entretien confirmé — lundi 10 juin", TEXT, HTML, ics, "REQUEST")
    message["From"] = "salon@fair.example"
    host, port = smtp.url.removeprefix("smtp://").split(":")
    with smtplib.SMTP(host, int(port), timeout=10) as client:
        client.send_message(message)

    (received,) = smtp.wait_for(address)
    assert shape(received) == ["multipart/mixed",
                               ["multipart/alternative", "text/plain", "text/html", "text/calendar"],
                               "application/ics"]
    assert str(received["Subject"]) == "Entretien confirmé — lundi 10 juin"
    calendar = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == ics
    vevent = icalendar.Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")[0]
    assert vevent["SUMMARY"] == "Entretien ; « Vente », 30 min"
    assert str(vevent["ATTENDEE"]) == f"mailto:{address}"
