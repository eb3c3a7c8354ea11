"""Building and delivering email: SMTP when MAIL_URL is set, the dev mail viewer otherwise."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from fair.extensions import db

log = logging.getLogger("fair.notify")


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


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="fair.localhost")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Send now. The caller (a job) owns the transaction that records a dev-viewer copy."""
    url = current_app.config["MAIL_URL"]
    if not url:
        _keep_for_viewer(message)
        return
    _send_smtp(url, message)


def _keep_for_viewer(message: EmailMessage) -> None:
    from fair.notify.models import DevMail

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


def _send_smtp(url: str, message: EmailMessage) -> None:
    """MAIL_URL: smtp://[user:pass@]host[:port][?starttls=1] or smtps://…"""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    timeout = 30
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    with client:
        if options.get("starttls", ["0"])[0] in {"1", "true", "yes"}:
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
    log.info("mail sent to %s: %s", message["To"], message["Subject"])
