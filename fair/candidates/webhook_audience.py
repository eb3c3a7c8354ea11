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


def audience(session: Session, *, candidate_id: int, company_id: int | None, edition_id: int | None) -> set[int]:
    heard = {company_id} if company_id else set()
    if edition_id:
        heard.update(session.execute(select(Edition.organiser_id).where(Edition.id == edition_id)).scalars())
        heard.update(session.execute(select(EditionOrganiser.organisation_id)
                                     .where(EditionOrganiser.edition_id == edition_id)).scalars())
    heard.update(session.execute(select(Referral.partner_id).where(
        Referral.candidate_id == candidate_id, Referral.status == ReferralStatus.confirmed)).scalars())
    return heard


def emit_application(session: Session, event_type: str, application: Application) -> None:
    company_id, edition_id = session.execute(
        select(Booth.company_id, Booth.edition_id).join(Offer, Offer.booth_id == Booth.id)
        .where(Offer.id == application.offer_id)).one()
    webhooks.emit(session, event_type, application.id,
                  audience(session, candidate_id=application.candidate_id, company_id=company_id,
                           edition_id=edition_id))


def booking_audience(session: Session, booking) -> set[int]:
    """`audience` of a booking in one statement (a booking is made at the pace of a rush): the booth's
    company, the edition's organisers, the partners that follow the candidate."""
    return set(session.execute(union(
        select(Booth.company_id).where(Booth.id == booking.booth_id),
        select(Edition.organiser_id).where(Edition.id == booking.edition_id),
        select(EditionOrganiser.organisation_id).where(EditionOrganiser.edition_id == booking.edition_id),
        select(Referral.partner_id).where(Referral.candidate_id == booking.candidate_id,
                                          Referral.status == ReferralStatus.confirmed),
    )).scalars())


def emit_booking(session: Session, event_type: str, booking) -> None:
    webhooks.emit(session, event_type, booking.id, booking_audience(session, booking))


def emit_outcome(session: Session, outcome) -> None:
    webhooks.emit(session, "outcome.recorded", outcome.id,
                  audience(session, candidate_id=outcome.candidate_id, company_id=outcome.company_id,
                           edition_id=outcome.edition_id))
