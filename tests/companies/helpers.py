"""Helpers shared by the recruiter and public page tests."""
from __future__ import annotations

import html
import re

from tests.conftest import count, page_text  # noqa: F401  (shared helpers, re-exported)


def field_errors(response, field_id: str) -> list[str]:
    """The error messages tied to one field (the <ul id="<field>-errors"> the form macro writes)."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', body, flags=re.S)
    if not match:
        return []
    return [html.unescape(m.strip()) for m in re.findall(r"<li>(.*?)</li>", match.group(1), flags=re.S)]
