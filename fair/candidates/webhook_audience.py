"""Which organisations hear of a change to an application, a booking or an outcome (fair/webhooks).

A company hears of its booths' applications and bookings and of the outcomes it recorded or that
name it; the organisers of the edition (its lead and co-organisers) hear of their edition's; a
partner hears of the people its structure follows (a confirmed referral: the consent is given to
the structure, as `fair.candidates.access.structure_referrals` says). fair/webhooks imports no domain,
so the domains compute the audience here and hand it to `fair.webhooks.emit`.
"""
from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from fair import webhooks
from fair.candidates.models import Application, Referral, ReferralStatus
from fair.companies.models import Booth, Offer
from fair.fairs.models import Edition, EditionOrganiser


def audience(session: Session, *, candidate_id: int, company_id: int | None = None, booth_id: int | None = None,
             edition_id: int | None = None) -> set[int]:
    """The organisations that hear of an event about the candidate, in one statement (bookings come at
    the pace of a rush): the company (`company_id`, or the company of `booth_id`), the edition's
    organisers, the partners that follow the candidate."""
    parts = [select(Referral.partner_id).where(Referral.candidate_id == candidate_id,
                                               Referral.status == ReferralStatus.confirmed)]
    if booth_id:
        parts.append(select(Booth.company_id).where(Booth.id == booth_id))
    if edition_id:
        parts.append(select(Edition.organiser_id).where(Edition.id == edition_id))
        parts.append(select(EditionOrganiser.organisation_id).where(EditionOrganiser.edition_id == edition_id))
    heard = set(session.execute(union(*parts)).scalars())
    if company_id:
        heard.add(company_id)
    return heard


def emit_application(session: Session, event_type: str, application: Application) -> None:
    company_id, edition_id = session.execute(
        select(Booth.company_id, Booth.edition_id).join(Offer, Offer.booth_id == Booth.id)
        .where(Offer.id == application.offer_id)).one()
    webhooks.emit(session, event_type, application.id,
                  audience(session, candidate_id=application.candidate_id, company_id=company_id,
                           edition_id=edition_id))


def emit_booking(session: Session, event_type: str, booking) -> None:
    webhooks.emit(session, event_type, booking.id,
                  audience(session, candidate_id=booking.candidate_id, booth_id=booking.booth_id,
                           edition_id=booking.edition_id))


def emit_outcome(session: Session, outcome) -> None:
    webhooks.emit(session, "outcome.recorded", outcome.id,
                  audience(session, candidate_id=outcome.candidate_id, company_id=outcome.company_id,
                           edition_id=outcome.edition_id))
