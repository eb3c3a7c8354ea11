"""The invitation mail structure that Outlook, Gmail and Apple Mail all show as a meeting.

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8              (when there is HTML)
        text/calendar; charset=utf-8; method=<METHOD>
      application/ics; name=invitation.ics    Content-Disposition: attachment

The `method=` parameter of the text/calendar part must equal the METHOD property inside it, or
Outlook shows a plain attachment instead of accept/decline buttons: it is checked here. The
calendar bytes are sent in base64, so the CR LF line ends of the .ics arrive untouched.
Pure: From, Date and Message-ID are the sender's (the outbox) to set.
"""
from __future__ import annotations

import re
from email.message import EmailMessage, MIMEPart

METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"})
_METHOD_LINE = re.compile(rb"^METHOD:([^\r\n]*)\r?$", re.MULTILINE)


def calendar_message(to: str, subject: str, text: str, html: str | None, ics: bytes, method: str,
                     filename: str = "invitation.ics") -> EmailMessage:
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"not an iTIP method: {method!r}")
    found = ics_method(ics)
    if found != method:
        raise ValueError(f"the calendar says METHOD:{found}, the mail part would say method={method}")
    if not filename.lower().endswith(".ics") or "/" in filename or "\\" in filename:
        raise ValueError(f"the attachment needs a plain .ics file name, not {filename!r}")

    body = MIMEPart()
    body.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    alternatives = [body]
    if html:
        html_part = MIMEPart()
        html_part.set_content(html, subtype="html", charset="utf-8", cte="quoted-printable")
        alternatives.append(html_part)
    calendar_part = MIMEPart()
    calendar_part.set_content(ics, maintype="text", subtype="calendar", cte="base64",
                              params={"charset": "utf-8", "method": method})
    alternatives.append(calendar_part)

    alternative = MIMEPart()
    alternative.set_type("multipart/alternative")
    del alternative["MIME-Version"]  # set_type adds it; only the top-level header carries one
    for part in alternatives:
        alternative.attach(part)

    attachment = MIMEPart()
    attachment.set_content(ics, maintype="application", subtype="ics", cte="base64",
                           disposition="attachment", filename=filename, params={"name": filename})

    message = EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    message.set_type("multipart/mixed")
    message.attach(alternative)
    message.attach(attachment)
    return message


def ics_method(ics: bytes) -> str | None:
    """The calendar-level METHOD of an .ics, or None (the first METHOD line: it precedes components)."""
    match = _METHOD_LINE.search(ics)
    return match.group(1).decode("ascii", "replace").strip().upper() if match else None
