"""Small helpers shared by the accounts tests."""
from __future__ import annotations

import re

from sqlalchemy import func, select


def mail_link(message, path_prefix: str) -> str:
    """The link under `path_prefix` in a mail's text part, as a path the test client can open."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://fair\.test(" + re.escape(path_prefix) + r"\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)


def count(session, model) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def page_text(response) -> str:
    """The page as a person reads it: tags dropped, entities kept simple, spaces collapsed."""
    import html

    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def is_logged_in(client) -> bool:
    """Whether the client's session opens the private account page."""
    return client.get("/account").status_code == 200
