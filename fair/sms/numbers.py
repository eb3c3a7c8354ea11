"""Mobile numbers as people type them ("06 12 34 56 78", "+32 470 12 34 56"), checked and kept in E.164.

French numbers by default; a number of another country is given with its + prefix. Only numbers
that can receive a text message are accepted: mobile ones (and the few plans where the library
cannot tell a mobile from a fixed line).
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

DEFAULT_REGION = "FR"
_TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidMobile(ValueError):
    """`reason` is "invalid" (not a phone number) or "not_mobile" (a landline, a premium number…)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_mobile(text: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of a mobile number, or InvalidMobile."""
    try:
        number = phonenumbers.parse((text or "").strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidMobile("invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidMobile("invalid")
    if phonenumbers.number_type(number) not in _TEXTABLE:
        raise InvalidMobile("not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """A stored number as people read it: national form for French numbers, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
