"""Small helpers shared by the accounts tests."""
from __future__ import annotations

import re

from tests.conftest import count, page_text  # noqa: F401  (shared helpers, re-exported)


def mail_link(message, path_prefix: str) -> str:
    """The link under `path_prefix` in a mail's text part, as a path the test client can open."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://fair\.test(" + re.escape(path_prefix) + r"\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)




def is_logged_in(client) -> bool:
    """Whether the client's session opens the private account page."""
    return client.get("/account").status_code == 200


def sms_to(session, number: str) -> list[str]:
    """The texts queued for `number` (E.164), oldest first: the SMS outbox stands for the person's phone."""
    from sqlalchemy import select

    from fair.mail.models import OutboxMessage

    session.expire_all()
    return list(session.execute(select(OutboxMessage.text_body).where(
        OutboxMessage.channel == "sms", OutboxMessage.to_address == number).order_by(OutboxMessage.id)).scalars())


def sms_code(session, number: str) -> str:
    """The 6-digit code of the last text sent to `number`."""
    match = re.search(r"\b(\d{6})\b", sms_to(session, number)[-1])
    assert match, sms_to(session, number)
    return match.group(1)
