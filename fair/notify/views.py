"""The development mail viewer: what the app would have sent, kept when MAIL_URL is unset.

It lets a developer (or someone trying the demo) follow a confirmation link or open an .ics
invitation without a mail server. It exists only while mail is not really sent, never in
production, and only for requests from this machine: otherwise every page answers 404. Mail HTML
is untrusted content: it is shown only in a sandboxed frame, served from its own route with a CSP
that allows no script and no request.
"""
from __future__ import annotations

import email
import email.policy
import ipaddress
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from io import BytesIO

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from markupsafe import Markup, escape
from sqlalchemy import func, select

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.extensions import db
from fair.notify.models import DevMail

log = logging.getLogger("fair.notify")

bp = Blueprint("notify", __name__, url_prefix="/dev/mail")

PAGE_SIZE = 50
CALENDAR_TYPES = ("text/calendar", "application/ics")
# Mail HTML may load nothing and run nothing; inline styles are how mail is styled.
MAIL_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
_URL = re.compile(r"https?://[^\s<>\"']+")


def viewer_enabled() -> bool:
    return not current_app.config.get("MAIL_URL") and current_app.config.get("ENV_NAME") != "production"


def _from_this_machine() -> bool:
    """Kept mail holds live reset links: a development server reachable from a network keeps it to itself."""
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.before_request
def only_while_mail_is_kept():
    if not viewer_enabled() or not _from_this_machine():
        abort(404)


@dataclass
class Download:
    index: int
    filename: str
    content_type: str
    size: int
    is_calendar: bool


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def _leaf_parts(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.walk() if not part.is_multipart()]


def downloads(message: EmailMessage) -> list[Download]:
    """Calendar parts (inline invitations included) and attachments, numbered by their place in the message.

    An invitation carries its calendar twice (inline text/calendar for the mail client, and an .ics
    attachment): the same bytes are offered once, as the inline part, which knows its METHOD.
    """
    found = []
    calendars: set[bytes] = set()
    for index, part in enumerate(_leaf_parts(message)):
        content_type = part.get_content_type()
        is_calendar = content_type in CALENDAR_TYPES
        if not is_calendar and part.get_content_disposition() != "attachment":
            continue
        payload = part.get_payload(decode=True) or b""
        if is_calendar:
            if payload in calendars:
                continue
            calendars.add(payload)
        found.append(Download(index, _filename(part, index, is_calendar), content_type, len(payload), is_calendar))
    return found


def _filename(part: EmailMessage, index: int, is_calendar: bool) -> str:
    name = part.get_filename()
    if name:
        return name.replace("/", "_").replace("\\", "_")
    return "invitation.ics" if is_calendar else f"attachment-{index}.bin"


def linkify(text: str) -> Markup:
    """Plain text, escaped, with its web addresses made into links (to follow a confirmation link)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)»")
        end = match.start() + len(url)
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _mail_or_404(mail_id: int) -> DevMail:
    mail = db.session.get(DevMail, mail_id)
    if mail is None:
        abort(404)
    return mail


@bp.route("/")
def mailbox():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = db.session.execute(select(func.count(DevMail.id))).scalar_one()
    mails = db.session.execute(
        select(DevMail).order_by(DevMail.created_at.desc(), DevMail.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("notify/mailbox.html", mails=mails, total=total, page=page, pages=pages)


@bp.route("/<int:mail_id>")
def message(mail_id: int):
    mail = _mail_or_404(mail_id)
    parsed = parse(mail.raw)
    return render_template(
        "notify/message.html", mail=mail, sender=str(parsed.get("From", "")),
        text=linkify(mail.text_body or ""), downloads=downloads(parsed),
    )


@bp.route("/<int:mail_id>/html")
def message_html(mail_id: int):
    mail = _mail_or_404(mail_id)
    if not mail.html_body:
        abort(404)
    response = Response(mail.html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_HTML_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:mail_id>/parts/<int:index>")
def part(mail_id: int, index: int):
    mail = _mail_or_404(mail_id)
    parsed = parse(mail.raw)
    wanted = next((d for d in downloads(parsed) if d.index == index), None)
    if wanted is None:
        abort(404)
    leaf = _leaf_parts(parsed)[index]
    payload = leaf.get_payload(decode=True) or b""
    if wanted.is_calendar:
        mimetype = "text/calendar; charset=utf-8"
        method = leaf.get_param("method")
        if isinstance(method, str) and method.isalpha():
            mimetype += f"; method={method}"
    else:
        mimetype = "application/octet-stream"  # never rendered by the browser on our origin
    response = send_file(BytesIO(payload), mimetype=mimetype, as_attachment=True, download_name=wanted.filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- organiser console: mail that did not go

console_bp = Blueprint("outbox", __name__)


@console_bp.route("/console/editions/<int:edition_id>/mail")
@role_required(OrganisationKind.organiser)
def failed_mail(edition_id: int):
    """The edition's mail that was refused for good or is waiting for a retry, for its organiser.

    A refused address (550) is something only a person can fix: the organiser sees who did not
    get what, and why, in the server's own words. Another organiser's edition answers 404.
    """
    from flask_login import current_user

    from fair.fairs.access import organiser_edition
    from fair.notify.outbox import failed_for_edition

    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    messages = failed_for_edition(db.session, edition.id)
    return render_template("notify/failed_mail.html", edition=edition, messages=messages)
