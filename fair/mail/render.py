"""Rendering email from templates, links for it, and the dev mail viewer's copy (MAIL_URL unset).
Sending is the outbox's (fair/mail/outbox.py)."""
from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from fair.extensions import db
from fair.mail.models import DevMail

log = logging.getLogger("fair.mail")


def render_mail(template: str, locale: str, **context) -> tuple[str, str, str]:
    """Subject, text and HTML of `templates/mail/<template>.{subject,txt,html}` in the recipient's language.

    Works in a job as in a request: outside a request, templates see one made on BASE_URL.
    """
    if not has_request_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with app.test_request_context(base_url=app.config.get("BASE_URL") or None):
            return render_mail(template, locale, **context)
    with force_locale(locale or "fr"):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return subject, text, html


def mail_url(endpoint: str, **values) -> str:
    """An absolute link for a mail: on BASE_URL (the public address), wherever it is built.

    A request's own host may be an internal one (a proxy, a test client); mail must point at the
    address people use.
    """
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def keep_for_viewer(message: EmailMessage) -> None:
    html_part = message.get_body(("html",))
    text_part = message.get_body(("plain",))
    db.session.add(
        DevMail(
            to_address=str(message["To"]),
            subject=str(message["Subject"]),
            text_body=text_part.get_content() if text_part else "",
            html_body=html_part.get_content() if html_part else None,
            raw=message.as_bytes(),
        )
    )
    log.info("mail to %s kept for the dev mail viewer: %s", message["To"], message["Subject"])
