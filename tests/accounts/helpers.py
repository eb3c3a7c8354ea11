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
