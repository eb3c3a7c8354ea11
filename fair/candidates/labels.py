"""Words shown for the stored codes of the candidates' domain."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fair.accounts.models import Organisation
from fair.accounts.reach import NotifyBy
from fair.candidates.models import ApplicationStatus, ReferralStatus, RejectionReason, Situation

# How the person is reached (users.notify_by, fair.accounts.reach): chosen on the profile.
CONTACT_LABELS = {
    NotifyBy.email: _l("Email"),
    NotifyBy.sms: _l("Text message (SMS)"),
    NotifyBy.both: _l("Email and text message"),
}

SITUATION_LABELS = {
    Situation.qpv: _l("I live in a priority neighbourhood (QPV)"),
    Situation.under_26: _l("I am under 26"),
    Situation.rsa: _l("I receive the RSA"),
    Situation.rqth: _l("I have a recognised disability (RQTH)"),
    Situation.over_50: _l("I am 50 or over"),
    Situation.long_term_unemployed: _l("I have been looking for work for more than a year"),
}

STATUS_LABELS = {
    ApplicationStatus.submitted: _l("Sent"),
    ApplicationStatus.shortlisted: _l("Shortlisted"),
    ApplicationStatus.invited: _l("Invited to book an interview"),
    ApplicationStatus.rejected: _l("Not selected"),
    ApplicationStatus.withdrawn: _l("Withdrawn"),
}

REASON_LABELS = {
    RejectionReason.position_filled: _l("The position has been filled"),
    RejectionReason.experience: _l("The experience asked for does not match"),
    RejectionReason.qualification: _l("A qualification or licence is required"),
    RejectionReason.location: _l("The place of work is too far"),
    RejectionReason.availability: _l("The hours or start date do not match"),
    RejectionReason.other_candidates: _l("Other profiles were closer to the needs"),
}

REFERRAL_LABELS = {
    ReferralStatus.pending: _l("Waiting for the candidate's agreement"),
    ReferralStatus.confirmed: _l("Agreed by the candidate"),
    ReferralStatus.revoked: _l("Ended"),
}

# Shown to the candidate before they agree, and kept word for word with the referral.
CONSENT_TEXT = _l(
    "I agree that %(adviser)s, of %(partner)s, follows my applications, interviews and their outcomes "
    "in fair, and may apply or book an interview on my behalf. I can end this at any time from my space."
)
# Versioned by its words: a referral's stored consent covers the organisers' invitations only when it
# holds this sentence (in the language it was given in). Consents given before it existed, or without
# ticking it, do not: the organisers' bulk invitations leave those people out.
ORGANISER_INVITATIONS_TEXT = _l(
    "I also agree that the organisers of the fairs this organisation takes part in invite me to them by email."
)
SITUATION_CONSENT_TEXT = _l(
    "I agree that the situations I tick are kept to count, anonymously, the people the fair reaches. "
    "They are never shown to recruiters. I can untick them or withdraw this agreement at any time."
)

TALENT_POOL_TEXT = _l(
    "Keep my profile and my applications for the next fairs, until two years after my last visit, instead "
    "of having them anonymised a few months after each fair. I can withdraw this at any time from my account."
)
SMS_CONSENT_TEXT = _l(
    "I agree to receive text messages (SMS) about my applications and interviews at the phone number "
    "of my profile. I can withdraw this at any time from my account."
)


def status_label(value: ApplicationStatus | str) -> str:
    return str(STATUS_LABELS[ApplicationStatus(value)])


def reason_label(value: RejectionReason | str | None) -> str:
    return str(REASON_LABELS[RejectionReason(value)]) if value else ""


def referral_label(value: ReferralStatus | str) -> str:
    return str(REFERRAL_LABELS[ReferralStatus(value)])


# A referrer whose kind must stay unknown to companies (Organisation.is_sensitive: justice, addiction
# care, health) is named to them only as this.
SENSITIVE_REFERRER = _l("a partner")


def referrer_label(partner: Organisation) -> str:
    """The structure that referred a person, as companies read it: its name, or "a partner" when its
    kind is sensitive. The one function every recruiter page, list and export uses."""
    return str(SENSITIVE_REFERRER) if partner.is_sensitive else partner.name


def contact_label(value: NotifyBy | str) -> str:
    return str(CONTACT_LABELS.get(NotifyBy(value) if value in NotifyBy._value2member_map_ else NotifyBy.email))
