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

import base64
import binascii
import email.policy
import functools
import re
import secrets
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, MIMEPart

METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"})
_METHOD_LINE = re.compile(rb"^METHOD:([^\r\n]*)\r?$", re.MULTILINE)
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.ics")


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, minus building a new class for every header set (a third of the time)."""

    @functools.cache  # noqa: B019 (one module-level instance)
    def _class_for(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        return self._class_for(name.lower())


#: email.policy.default (what the rest of the mail code uses), with the cached header classes.
POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


def calendar_message(to: str, subject: str, text: str, html: str | None, ics: bytes, method: str,
                     filename: str = "invitation.ics") -> EmailMessage:
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"not an iTIP method: {method!r}")
    found = ics_method(ics)
    if found != method:
        raise ValueError(f"the calendar says METHOD:{found}, the mail part would say method={method}")
    if not _FILENAME.fullmatch(filename):
        raise ValueError(f"the attachment needs a plain .ics file name (letters, digits, . _ -), not {filename!r}")

    # Headers are written whole rather than through set_content()/set_param(), which parse and
    # rewrite Content-Type several times per part: three times faster, the same bytes on the wire.
    alternative = _part(f'multipart/alternative; boundary="{_boundary()}"')
    alternative.attach(_text_part("plain", text))
    if html:
        alternative.attach(_text_part("html", html))
    alternative.attach(_part(f'text/calendar; charset="utf-8"; method="{method}"', _base64(ics), "base64"))

    attachment = _part(f'application/ics; name="{filename}"', _base64(ics), "base64")
    attachment["Content-Disposition"] = f'attachment; filename="{filename}"'

    message = EmailMessage(policy=POLICY)
    message["To"] = to
    message["Subject"] = subject
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = f'multipart/mixed; boundary="{_boundary()}"'
    message.attach(alternative)
    message.attach(attachment)
    return message


def _part(content_type: str, payload: str | None = None, encoding: str | None = None) -> MIMEPart:
    part = MIMEPart(policy=POLICY)
    part["Content-Type"] = content_type
    if encoding:
        part["Content-Transfer-Encoding"] = encoding
    if payload is not None:
        part.set_payload(payload)
    return part


def _text_part(subtype: str, text: str) -> MIMEPart:
    data = text.replace("\r\n", "\n").replace("\r", "\n")
    if not data.endswith("\n"):
        data += "\n"
    encoded = binascii.b2a_qp(data.encode("utf-8"), istext=True).decode("ascii")
    return _part(f'text/{subtype}; charset="utf-8"', encoded, "quoted-printable")


def _base64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "".join(encoded[i:i + 76] + "\n" for i in range(0, len(encoded), 76))


def _boundary() -> str:
    return f"=_fair_{secrets.token_hex(16)}"


def ics_method(ics: bytes) -> str | None:
    """The calendar-level METHOD of an .ics, or None (the first METHOD line: it precedes components)."""
    match = _METHOD_LINE.search(ics)
    return match.group(1).decode("ascii", "replace").strip().upper() if match else None
