"""Words shown for the stored codes of an edition, shared by the console and the public pages.

The database keeps short codes (`youth_under_26`, `hybrid`); people read the translated label.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fair.accounts.models import PartnerType
from fair.fairs.models import BookingPolicy, EditionFormat, EditionStatus, InvitationKind

# Audiences an edition may target (stored as these codes in Edition.audiences).
AUDIENCE_LABELS = {
    "all": _l("Everyone"),
    "youth_under_26": _l("Young people under 26"),
    "long_term_unemployed": _l("Long-term unemployed people"),
    "over_50": _l("People aged 50 and over"),
    "disability": _l("People with a recognised disability"),
    "priority_neighbourhoods": _l("Residents of priority neighbourhoods"),
}

# Languages a fair may be held in (stored as ISO 639-1 codes in Edition.languages).
LANGUAGE_LABELS = {
    "fr": _l("French"),
    "en": _l("English"),
    "es": _l("Spanish"),
    "de": _l("German"),
    "it": _l("Italian"),
    "pt": _l("Portuguese"),
    "ar": _l("Arabic"),
}

STATUS_LABELS = {
    EditionStatus.draft: _l("Draft"),
    EditionStatus.published: _l("Published"),
    EditionStatus.live: _l("Live"),
    EditionStatus.closed: _l("Closed"),
    EditionStatus.archived: _l("Archived"),
}

# What the button that moves an edition *to* a status says.
STATUS_ACTION_LABELS = {
    EditionStatus.published: _l("Publish"),
    EditionStatus.live: _l("Go live"),
    EditionStatus.closed: _l("Close the fair"),
    EditionStatus.archived: _l("Archive"),
    EditionStatus.draft: _l("Back to draft"),
}

FORMAT_LABELS = {
    EditionFormat.online: _l("Online"),
    EditionFormat.hybrid: _l("Hybrid (online and on site)"),
}

BOOKING_POLICY_LABELS = {
    BookingPolicy.open: _l("Open to every registered candidate"),
    BookingPolicy.shortlisted: _l("Shortlisted candidates only"),
    BookingPolicy.invitation: _l("By invitation only"),
}

PARTNER_TYPE_LABELS = {
    PartnerType.association: _l("Association"),
    PartnerType.mission_locale: _l("Mission locale"),
    PartnerType.employment_agency: _l("Public employment agency"),
    PartnerType.other: _l("Other partner"),
    PartnerType.justice: _l("Justice service (probation, youth justice)"),
    PartnerType.addiction_care: _l("Addiction care"),
    PartnerType.health: _l("Health and care service"),
}

INVITATION_KIND_LABELS = {
    InvitationKind.company: _l("Company"),
    InvitationKind.partner: _l("Partner"),
}

# Zones offered in the edition form: mainland France first, then overseas France and neighbours.
# Any other IANA zone is still accepted when typed in by a script or kept from an older edition.
COMMON_TIMEZONES = {
    "Europe/Paris": _l("Mainland France, Corsica"),
    "America/Guadeloupe": _l("Guadeloupe, Saint-Barthélemy, Saint-Martin"),
    "America/Martinique": _l("Martinique"),
    "America/Cayenne": _l("French Guiana"),
    "Indian/Reunion": _l("Réunion"),
    "Indian/Mayotte": _l("Mayotte"),
    "America/Miquelon": _l("Saint-Pierre-et-Miquelon"),
    "Pacific/Noumea": _l("New Caledonia"),
    "Pacific/Tahiti": _l("French Polynesia (Tahiti)"),
    "Pacific/Wallis": _l("Wallis and Futuna"),
    "Europe/Brussels": _l("Belgium"),
    "Europe/Luxembourg": _l("Luxembourg"),
    "Europe/Zurich": _l("Switzerland"),
    "Europe/London": _l("United Kingdom"),
    "America/Toronto": _l("Canada (Eastern)"),
    "Africa/Casablanca": _l("Morocco"),
    "UTC": _l("Coordinated Universal Time"),
}


def label(mapping: dict, value) -> str:
    """The label of `value` (an enum member or its code), or the code itself when unknown."""
    for key, text in mapping.items():
        if key == value or getattr(key, "value", key) == value:
            return str(text)
    return str(getattr(value, "value", value))


def timezone_choices(current: str | None = None) -> list[tuple[str, str]]:
    choices = [(zone, f"{zone} — {text}") for zone, text in COMMON_TIMEZONES.items()]
    if current and current not in COMMON_TIMEZONES:
        choices.append((current, current))
    return choices
