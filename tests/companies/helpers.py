"""Helpers shared by the recruiter and public page tests."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select


def page_text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def count(session, model, *where) -> int:
    session.expire_all()
    statement = select(func.count()).select_from(model)
    for clause in where:
        statement = statement.where(clause)
    return session.execute(statement).scalar_one()


def field_errors(response, field_id: str) -> list[str]:
    """The error messages tied to one field (the <ul id="<field>-errors"> the form macro writes)."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', body, flags=re.S)
    if not match:
        return []
    return [html.unescape(m.strip()) for m in re.findall(r"<li>(.*?)</li>", match.group(1), flags=re.S)]
