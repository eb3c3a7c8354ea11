"""Mail to candidates, always through the outbox (one row in the request's transaction, sent after commit).

Contexts are plain values: the outbox renders the templates now, in the recipient's language.
"""
from __future__ import annotations

from flask_babel import force_locale

from fair.candidates.labels import reason_label, status_label
from fair.candidates.models import Application, ApplicationStatus, Referral
from fair.candidates.services import confirmed_referrals_of, referral_token
from fair.extensions import db
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.sms.numbers import display
from fair.sms.outbox import queue_sms
from fair.sms.receipts import on_undeliverable


def _queue(**kwargs):
    return queue_mail(db.session, **kwargs)


def application_rejected(application: Application) -> None:
    candidate = application.candidate
    offer = application.offer
    edition = offer.booth.edition
    locale = candidate.locale or "fr"
    with force_locale(locale):
        reason = reason_label(application.rejection_reason)
    _queue(
        to=candidate.email, template="application_rejected", locale=locale,
        context={"name": candidate.full_name, "offer_title": offer.title, "company": offer.booth.company.name,
                 "fair": edition.title, "reason": reason,
                 "offers_link": mail_url("public.fair", slug=edition.slug) + "#offers",
                 "applications_link": mail_url("candidates.applications")},
        key=f"application-rejected:{application.id}:{application.status_changed_at.isoformat()}",
        edition_id=edition.id,
    )


def application_invited(application: Application) -> None:
    candidate = application.candidate
    offer = application.offer
    edition = offer.booth.edition
    _queue(
        to=candidate.email, template="application_invited", locale=candidate.locale or "fr",
        context={"name": candidate.full_name, "offer_title": offer.title, "company": offer.booth.company.name,
                 "fair": edition.title,
                 "booth_link": mail_url("public.booth", slug=edition.slug, booth_id=offer.booth_id),
                 "applications_link": mail_url("candidates.applications")},
        key=f"application-invited:{application.id}:{application.status_changed_at.isoformat()}",
        edition_id=edition.id,
    )


def application_moved(application: Application) -> None:
    """What a change of status tells, whoever made it (the recruiter's inbox, the API): the candidate
    when invited or declined, and the advisers they agreed to, always."""
    if application.status is ApplicationStatus.invited:
        application_invited(application)
    elif application.status is ApplicationStatus.rejected:
        application_rejected(application)
    advisers_of_status(application)


def advisers_of_status(application: Application) -> None:
    """Each adviser the candidate agreed to is told of the new status (they follow the outcomes)."""
    offer = application.offer
    for referral in confirmed_referrals_of(application.candidate_id):
        adviser = referral.adviser
        locale = adviser.locale or "fr"
        with force_locale(locale):
            status = status_label(application.status)
            reason = reason_label(application.rejection_reason)
        _queue(
            to=adviser.email, template="adviser_status", locale=locale,
            context={"adviser": adviser.full_name, "candidate": application.candidate.full_name,
                     "offer_title": offer.title, "company": offer.booth.company.name, "status": status,
                     "reason": reason, "link": mail_url("candidates.adviser_referral", referral_id=referral.id)},
            key=f"adviser-status:{referral.id}:{application.id}:{application.status_changed_at.isoformat()}",
            edition_id=offer.booth.edition_id,
        )


def referral_confirmation(referral: Referral) -> None:
    """By mail, or by SMS to a phone-only account: the same link, the same consent page."""
    candidate = referral.candidate
    if candidate.email is None:
        queue_sms(db.session, to=candidate.mobile, template="referral_confirm", locale=candidate.locale or "fr",
                  context={"adviser": referral.adviser.full_name, "partner": referral.partner.name,
                           "link": mail_url("candidates.confirm_referral", token=referral_token(referral))},
                  key=f"referral-confirm:{referral.id}:{referral.created_at.isoformat()}", user_id=candidate.id)
        return
    _queue(
        to=candidate.email, template="referral_confirm", locale=candidate.locale or "fr",
        context={"name": candidate.full_name, "adviser": referral.adviser.full_name,
                 "partner": referral.partner.name,
                 "link": mail_url("candidates.confirm_referral", token=referral_token(referral))},
        key=f"referral-confirm:{referral.id}:{referral.created_at.isoformat()}",
    )


@on_undeliverable
def tell_advisers_sms_undeliverable(session, row: OutboxMessage) -> None:
    """A text message to a person could not be delivered and they have no mail address: each adviser
    they agreed to (confirmed referral) gets its text by mail, once (the outbox key), to pass it on."""
    if row.user_id is None:
        return
    for referral in confirmed_referrals_of(row.user_id):
        adviser = referral.adviser
        queue_mail(
            session, to=adviser.email, template="sms_undeliverable_adviser", locale=adviser.locale or "fr",
            context={"candidate": referral.candidate.full_name, "number": display(row.to_address),
                     "text": row.text_body,
                     "link": mail_url("candidates.adviser_referral", referral_id=referral.id)},
            key=f"sms-undeliverable:{row.id}:{referral.id}", edition_id=row.edition_id,
        )
