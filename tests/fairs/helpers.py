"""Helpers shared by the console tests: reading pages as a person does, counting rows."""
from __future__ import annotations

import html
import re

from tests.conftest import count, page_text  # noqa: F401  (shared helpers, re-exported)


def field_errors(response, field_id: str) -> list[str]:
    """The error messages tied to a field (the list its input points to with aria-describedby)."""
    body = response.get_data(as_text=True)
    match = re.search(r'<ul class="errors" id="' + re.escape(field_id) + r'-errors">(.*?)</ul>', body, flags=re.S)
    if not match:
        return []
    return [normalise(html.unescape(m)) for m in re.findall(r"<li>(.*?)</li>", match.group(1), flags=re.S)]


def normalise(text: str) -> str:
    """Spaces as a reader sees them: French no-break spaces and line breaks become plain spaces."""
    return re.sub(r"\s+", " ", text).strip()


def input_value(response, field_id: str) -> str | None:
    body = response.get_data(as_text=True)
    tag = re.search(r'<input[^>]*\bid="' + re.escape(field_id) + r'"[^>]*>', body)
    if not tag:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def mail_link(message, path_prefix: str) -> str:
    """The link under `path_prefix` in a mail's text part, as a path the test client can open."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://fair\.test(" + re.escape(path_prefix) + r"\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)


# A complete, valid edition form as a browser would post it (times are wall-clock, Europe/Paris).
VALID_EDITION = {
    "title": "Rencontres pour l'emploi 2030",
    "slug": "rencontres-emploi-2030",
    "description": "Un salon en ligne pour rencontrer les entreprises qui recrutent dans la Métropole.",
    "timezone": "Europe/Paris",
    "starts_at": "2030-06-12T09:00",
    "ends_at": "2030-06-12T17:00",
    "registration_opens_at": "2030-05-01T08:00",
    "registration_closes_at": "2030-06-12T12:00",
    "audiences": ["youth_under_26", "over_50"],
    "languages": ["fr", "en"],
    "format": "online",
    "venue": "",
    "logo_url": "https://example.org/logo.png",
    "brand_colour": "#1d4f91",
    "booking_policy": "open",
    "default_slot_minutes": "20",
    "max_bookings_per_candidate": "3",
}
